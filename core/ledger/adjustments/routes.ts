import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import { DecisionBody } from '../approvals/schema.js';
import { AdjustmentDraft, AdjustmentView, DocParams, StatusQuery, TransferCheckBody, TransferCheckResult, TransferDraft, TransferView } from './schema.js';
import {
  adjustmentDetail, approveAdjustment, approveTransfer, checkTransfer, closeDocument, createAdjustment, createTransfer, listAdjustments,
  listTransfers, transferDetail,
} from './service.js';

const CommentBody = z.object({ comment: z.string().trim().max(500).optional() });

export const adjustmentRoutes = [
  defineRoute({
    method: 'get', path: '/api/units/:unitId/transfers', tag: 'transfers',
    summary: '预算调剂列表 Transfers between indicators',
    access: { kind: 'unit', permission: 'indicator.read' }, params: UnitParams, query: StatusQuery, response: z.array(TransferView),
    handler: async ({ kernel, actor, scope, query }) => listTransfers(kernel.db, actor!, scope!, query),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/transfers/check', tag: 'transfers',
    summary: '调剂预检 Which rules a draft transfer would trip, whether it fits the flexible quota, who approves; writes nothing',
    access: { kind: 'unit', permission: 'transfer.create' }, params: UnitParams, body: TransferCheckBody, response: TransferCheckResult,
    handler: async ({ kernel, actor, scope, body }) => checkTransfer(kernel.db, actor!, scope!, body),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/transfers', tag: 'transfers',
    summary: '申请预算调剂 Move money between two indicators (total unchanged); within the flexible quota one approval suffices',
    access: { kind: 'unit', permission: 'transfer.create' }, params: UnitParams, body: TransferDraft, response: TransferView, status: 201,
    handler: async ({ kernel, actor, scope, body }) => await createTransfer(kernel.db, actor!, scope!, body),
  }),
  defineRoute({
    method: 'get', path: '/api/units/:unitId/transfers/:id', tag: 'transfers',
    summary: '调剂详情 A transfer with its approval trail',
    access: { kind: 'unit', permission: 'indicator.read' }, params: DocParams, response: TransferView,
    handler: async ({ kernel, scope, params }) => transferDetail(kernel.db, scope!.unitId, params.id),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/transfers/:id/approve', tag: 'transfers',
    summary: '审批调剂 Approve the current step; the last one moves the money',
    access: { kind: 'unit', permission: 'transfer.approve' }, params: DocParams, body: DecisionBody, response: TransferView,
    handler: async ({ kernel, actor, scope, params, body }) => await approveTransfer(kernel.db, actor!, scope!, params.id, body),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/transfers/:id/reject', tag: 'transfers',
    summary: '驳回调剂 Reject at the current step',
    access: { kind: 'unit', permission: 'transfer.approve' }, params: DocParams, body: CommentBody, response: TransferView,
    handler: async ({ kernel, actor, scope, params, body }) => await closeDocument(kernel.db, actor!, scope!, 'transfer', params.id, 'rejected', body.comment),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/transfers/:id/withdraw', tag: 'transfers',
    summary: '撤回调剂 The requester withdraws a pending transfer',
    access: { kind: 'unit', permission: 'transfer.create' }, params: DocParams, body: CommentBody, response: TransferView,
    handler: async ({ kernel, actor, scope, params, body }) => closeDocument(kernel.db, actor!, scope!, 'transfer', params.id, 'withdrawn', body.comment),
  }),
  defineRoute({
    method: 'get', path: '/api/units/:unitId/adjustments', tag: 'adjustments',
    summary: '预算调整列表 追加/追减 of indicators',
    access: { kind: 'unit', permission: 'indicator.read' }, params: UnitParams, query: StatusQuery, response: z.array(AdjustmentView),
    handler: async ({ kernel, scope, query }) => listAdjustments(kernel.db, scope!, query),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/adjustments', tag: 'adjustments',
    summary: '申请追加/追减 Increase (positive fen) or reduce (negative) an indicator, through the adjustment flow',
    access: { kind: 'unit', permission: 'indicator.adjust' }, params: UnitParams, body: AdjustmentDraft, response: AdjustmentView, status: 201,
    handler: async ({ kernel, actor, scope, body }) => await createAdjustment(kernel.db, actor!, scope!, body),
  }),
  defineRoute({
    method: 'get', path: '/api/units/:unitId/adjustments/:id', tag: 'adjustments',
    summary: '调整详情 An adjustment with its approval trail',
    access: { kind: 'unit', permission: 'indicator.read' }, params: DocParams, response: AdjustmentView,
    handler: async ({ kernel, scope, params }) => adjustmentDetail(kernel.db, scope!.unitId, params.id),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/adjustments/:id/approve', tag: 'adjustments',
    summary: '审批调整 Approve the current step; the last one changes the indicator',
    access: { kind: 'unit', permission: 'transfer.approve' }, params: DocParams, body: DecisionBody, response: AdjustmentView,
    handler: async ({ kernel, actor, scope, params, body }) => await approveAdjustment(kernel.db, actor!, scope!, params.id, body),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/adjustments/:id/reject', tag: 'adjustments',
    summary: '驳回调整 Reject at the current step',
    access: { kind: 'unit', permission: 'transfer.approve' }, params: DocParams, body: CommentBody, response: AdjustmentView,
    handler: async ({ kernel, actor, scope, params, body }) => await closeDocument(kernel.db, actor!, scope!, 'adjustment', params.id, 'rejected', body.comment),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/adjustments/:id/withdraw', tag: 'adjustments',
    summary: '撤回调整 The requester withdraws a pending adjustment',
    access: { kind: 'unit', permission: 'indicator.adjust' }, params: DocParams, body: CommentBody, response: AdjustmentView,
    handler: async ({ kernel, actor, scope, params, body }) => closeDocument(kernel.db, actor!, scope!, 'adjustment', params.id, 'withdrawn', body.comment),
  }),
];
