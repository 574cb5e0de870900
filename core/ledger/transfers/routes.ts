import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import { DecisionBody, DocParams, StatusQuery } from '../approvals/schema.js';
import { withStepLabels } from '../approvals/service.js';
import { TransferCheckBody, TransferCheckResult, TransferDraft, TransferView } from './schema.js';
import { approveTransfer, checkTransfer, createTransfer, validateTransfer, listTransfers, rejectTransfer, transferDetail, withdrawTransfer } from './service.js';

export const transferRoutes = [
  defineRoute({
    method: 'get', path: '/api/units/:unitId/transfers', tag: 'transfers',
    summary: '预算调剂列表 Transfers between indicators',
    access: { kind: 'unit', permission: 'indicator.read' }, params: UnitParams, query: StatusQuery, response: z.array(TransferView),
    handler: async ({ kernel, actor, scope, query }) => listTransfers(kernel.db, actor, scope, query),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/transfers/check', tag: 'transfers',
    summary: '调剂预检 Which rules a draft transfer would trip, whether it fits the flexible quota, who approves; writes nothing',
    access: { kind: 'unit', permission: 'transfer.create' }, params: UnitParams, body: TransferCheckBody, response: TransferCheckResult,
    handler: async ({ kernel, actor, scope, body, lang }) => withStepLabels(await checkTransfer(kernel.db, actor, scope, body), lang),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/transfers', tag: 'transfers',
    summary: '申请预算调剂 Move money between two indicators (total unchanged); within the flexible quota one approval suffices',
    access: { kind: 'unit', permission: 'transfer.create' }, params: UnitParams, body: TransferDraft, response: TransferView, status: 201,
    prepare: async ({ kernel, actor, scope, body, lang }) => validateTransfer(kernel.db, actor, scope, body, lang),
    command: async ({ tx, actor, scope, body, prepared }) => createTransfer(tx, actor, scope, body, prepared),
  }),
  defineRoute({
    method: 'get', path: '/api/units/:unitId/transfers/:id', tag: 'transfers',
    summary: '调剂详情 A transfer with its approval trail',
    access: { kind: 'unit', permission: 'indicator.read' }, params: DocParams, response: TransferView,
    handler: async ({ kernel, scope, params, lang }) => withStepLabels(await transferDetail(kernel.db, scope.unitId, params.id), lang),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/transfers/:id/approve', tag: 'transfers',
    summary: '审批调剂 Approve the current step; the last one moves the money',
    access: { kind: 'unit', permission: 'transfer.approve' }, params: DocParams, body: DecisionBody, response: TransferView,
    command: async ({ tx, actor, scope, params, body }) => approveTransfer(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/transfers/:id/reject', tag: 'transfers',
    summary: '驳回调剂 Reject at the current step',
    access: { kind: 'unit', permission: 'transfer.approve' }, params: DocParams, body: DecisionBody, response: TransferView,
    command: async ({ tx, actor, scope, params, body }) => rejectTransfer(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/transfers/:id/withdraw', tag: 'transfers',
    summary: '撤回调剂 The requester withdraws a pending transfer',
    access: { kind: 'unit', permission: 'transfer.create' }, params: DocParams, body: DecisionBody, response: TransferView,
    command: async ({ tx, actor, scope, params, body }) => withdrawTransfer(tx, actor, scope, params.id, body),
  }),
];
