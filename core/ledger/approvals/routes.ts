import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import { requestLang } from '../../errors.js';
import { pageOf, pageRows, pageWindow } from '../../db/paging.js';
import { FlowBody, FlowParams, FlowView, InboxItem, InboxQuery } from './schema.js';
import { listFlows, saveFlow } from './service.js';
import { inbox } from './inbox.js';

export const approvalRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/approval-flows',
    tag: 'approvals',
    summary: '审批流 The unit’s approval flows for payments, transfers and adjustments',
    access: { kind: 'unit', permission: 'approval.read' },
    params: UnitParams,
    response: z.array(FlowView),
    handler: async ({ kernel, scope }) => listFlows(kernel.db, scope.unitId),
  }),
  defineRoute({
    method: 'put',
    path: '/api/units/:unitId/approval-flows/:target',
    tag: 'approvals',
    summary: '编辑审批流 Replace a flow’s tiers (by amount and economic class); governs the next request',
    access: { kind: 'unit', permission: 'approval.manage' },
    params: FlowParams,
    body: FlowBody,
    response: FlowView,
    command: async ({ tx, actor, scope, params, body }) => saveFlow(tx, actor, scope, params.target, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/approvals/inbox',
    tag: 'approvals',
    summary: '待我审批 Requests waiting at a step the caller can decide (step names and summaries in the request’s language); `page` answers one page {items, total, page, pageSize}, `q` searches number, purpose, payee, reason and requester',
    access: { kind: 'unit', permission: 'approval.read' },
    params: UnitParams,
    query: InboxQuery,
    response: z.union([z.array(InboxItem), pageOf(InboxItem)]),
    handler: async ({ kernel, actor, scope, query, lang }) => {
      const items = await inbox(kernel.db, actor, scope, { lang: requestLang(query, lang), q: query.q });
      const window = pageWindow(query);
      return window ? pageRows(items, window) : items;
    },
  }),
];
