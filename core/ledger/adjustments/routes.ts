import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import { DecisionBody, DocParams, StatusQuery } from '../approvals/schema.js';
import { withStepLabels } from '../approvals/service.js';
import { AdjustmentDraft, AdjustmentView } from './schema.js';
import { adjustmentDetail, approveAdjustment, createAdjustment, listAdjustments, rejectAdjustment, withdrawAdjustment } from './service.js';

export const adjustmentRoutes = [
  defineRoute({
    method: 'get', path: '/api/units/:unitId/adjustments', tag: 'adjustments',
    summary: '预算调整列表 追加/追减 of indicators',
    access: { kind: 'unit', permission: 'indicator.read' }, params: UnitParams, query: StatusQuery, response: z.array(AdjustmentView),
    handler: async ({ kernel, scope, query }) => listAdjustments(kernel.db, scope, query),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/adjustments', tag: 'adjustments',
    summary: '申请追加/追减 Increase (positive fen) or reduce (negative) an indicator, through the adjustment flow',
    access: { kind: 'unit', permission: 'indicator.adjust' }, params: UnitParams, body: AdjustmentDraft, response: AdjustmentView, status: 201,
    command: async ({ tx, actor, scope, body }) => createAdjustment(tx, actor, scope, body),
  }),
  defineRoute({
    method: 'get', path: '/api/units/:unitId/adjustments/:id', tag: 'adjustments',
    summary: '调整详情 An adjustment with its approval trail',
    access: { kind: 'unit', permission: 'indicator.read' }, params: DocParams, response: AdjustmentView,
    handler: async ({ kernel, scope, params, lang }) => withStepLabels(await adjustmentDetail(kernel.db, scope.unitId, params.id), lang),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/adjustments/:id/approve', tag: 'adjustments',
    summary: '审批调整 Approve the current step; the last one changes the indicator',
    access: { kind: 'unit', permission: 'transfer.approve' }, params: DocParams, body: DecisionBody, response: AdjustmentView,
    command: async ({ tx, actor, scope, params, body }) => approveAdjustment(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/adjustments/:id/reject', tag: 'adjustments',
    summary: '驳回调整 Reject at the current step',
    access: { kind: 'unit', permission: 'transfer.approve' }, params: DocParams, body: DecisionBody, response: AdjustmentView,
    command: async ({ tx, actor, scope, params, body }) => rejectAdjustment(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/adjustments/:id/withdraw', tag: 'adjustments',
    summary: '撤回调整 The requester withdraws a pending adjustment',
    access: { kind: 'unit', permission: 'indicator.adjust' }, params: DocParams, body: DecisionBody, response: AdjustmentView,
    command: async ({ tx, actor, scope, params, body }) => withdrawAdjustment(tx, actor, scope, params.id, body),
  }),
];
