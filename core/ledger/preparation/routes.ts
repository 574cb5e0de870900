import { z } from 'zod';
import type { RouteSpec } from '../../http/route.js';
import { defineRoute } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import { departmentBound } from '../scope.js';
import {
  ApproveBody, CreateRequestBody, PutTemplateBody, RequestDetail, RequestListQuery, RequestParams, RequestView, ReturnBody,
  SubmitBody, SummaryQuery, SummaryView, TemplateParams, TemplateView, UpdateRequestBody,
} from './schema.js';
import { approveRequest, createRequest, returnRequest, submitRequest, updateRequest, validateSubmission } from './lifecycle.js';
import { listRequests, pageRequests, requestDetail } from './requests.js';
import { pageOf, pageWindow } from '../../db/paging.js';
import { budgetSummary } from './summary.js';
import { getTemplate, putTemplate } from './templates.js';

export const preparationRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/budget-templates/:kind',
    tag: 'preparation',
    summary: '编制模板 The unit template of a kind (built-in defaults until the unit saves its own)',
    access: { kind: 'unit', permission: 'budget.read' },
    params: TemplateParams,
    response: TemplateView,
    handler: async ({ kernel, scope, params }) => getTemplate(kernel.db, scope.unitId, params.kind),
  }),
  defineRoute({
    method: 'put',
    path: '/api/units/:unitId/budget-templates/:kind',
    tag: 'preparation',
    summary: '保存编制模板 Save the unit template: per-head standards and default classes',
    access: { kind: 'unit', permission: 'template.manage' },
    params: TemplateParams,
    body: PutTemplateBody,
    response: TemplateView,
    command: async ({ tx, actor, scope, params, body }) => putTemplate(tx, actor, scope, params.kind, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/budget-requests',
    tag: 'preparation',
    summary: '预算申请 Budget requests (department staff see their own department only; mine=true for one’s own); `page` answers one page {items, total, page, pageSize}, `q` searches number and title',
    access: { kind: 'unit', permission: 'budget.read' },
    params: UnitParams,
    query: RequestListQuery,
    response: z.union([z.array(RequestView), pageOf(RequestView)]),
    handler: async ({ kernel, actor, scope, query }) => {
      const filter = { ...query, createdBy: query.mine === 'true' ? actor.userId : undefined };
      const window = pageWindow(query);
      const bound = departmentBound(actor, scope);
      return window ? pageRequests(kernel.db, scope.unitId, bound, filter, window) : listRequests(kernel.db, scope.unitId, bound, filter);
    },
  }),
  // Before '/budget-requests/:id', so 'summary' is not taken for an id.
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/budget-requests/summary',
    tag: 'preparation',
    summary: '编制汇总 Totals of a year by department, expenditure kind and economic class (drafts excluded by default)',
    access: { kind: 'unit', permission: 'budget.read' },
    params: UnitParams,
    query: SummaryQuery,
    response: SummaryView,
    handler: async ({ kernel, actor, scope, query }) =>
      budgetSummary(kernel.db, scope.unitId, departmentBound(actor, scope), query.year, query.status),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/budget-requests',
    tag: 'preparation',
    summary: '编制预算申请 Create a draft request: basic lines from the templates (headcount × standard), project lines from the library',
    access: { kind: 'unit', permission: 'budget.prepare' },
    params: UnitParams,
    body: CreateRequestBody,
    response: RequestDetail,
    status: 201,
    command: async ({ tx, actor, scope, body }) => createRequest(tx, actor, scope, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/budget-requests/:id',
    tag: 'preparation',
    summary: '预算申请详情 A request with its lines, control numbers, issued indicators and the trail of comments',
    access: { kind: 'unit', permission: 'budget.read' },
    params: RequestParams,
    response: RequestDetail,
    handler: async ({ kernel, actor, scope, params }) =>
      requestDetail(kernel.db, scope.unitId, params.id, departmentBound(actor, scope)),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/units/:unitId/budget-requests/:id',
    tag: 'preparation',
    summary: '修改草稿 Edit a draft request (title, or all lines recomputed)',
    access: { kind: 'unit', permission: 'budget.prepare' },
    params: RequestParams,
    body: UpdateRequestBody,
    response: RequestDetail,
    command: async ({ tx, actor, scope, params, body }) => updateRequest(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/budget-requests/:id/submit',
    tag: 'preparation',
    summary: '一上 / 二上 Submit a draft, or resubmit a returned request within its control numbers',
    access: { kind: 'unit', permission: 'budget.prepare' },
    params: RequestParams,
    body: SubmitBody,
    response: RequestDetail,
    // Plugins' budgetRequest.validate is asked before the transaction (plugin time never holds the database).
    prepare: async ({ kernel, actor, scope, params, body, lang }) => validateSubmission(kernel.db, actor, scope, params.id, body, lang),
    command: async ({ tx, actor, scope, params, body, prepared }) => submitRequest(tx, actor, scope, params.id, body, prepared),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/budget-requests/:id/return',
    tag: 'preparation',
    summary: '一下 Return a submitted request with a control number for every line',
    access: { kind: 'unit', permission: 'budget.review' },
    params: RequestParams,
    body: ReturnBody,
    response: RequestDetail,
    command: async ({ tx, actor, scope, params, body }) => returnRequest(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/budget-requests/:id/approve',
    tag: 'preparation',
    summary: '批复 Approve a resubmitted request: one indicator is issued per line, dated in an open period',
    access: { kind: 'unit', permission: 'budget.approve' },
    params: RequestParams,
    body: ApproveBody,
    response: RequestDetail,
    command: async ({ tx, actor, scope, params, body }) => approveRequest(tx, actor, scope, params.id, body),
  }),
];
