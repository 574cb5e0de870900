import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import { assertDepartmentAccess, departmentBound } from '../scope.js';
import { IndicatorDetail, IndicatorListQuery, IndicatorParams, IndicatorView, IssueIndicatorBody } from './schema.js';
import { findIndicator, indicatorDetail, indicatorView, issueIndicator, listIndicators } from './service.js';

export const indicatorRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/indicators',
    tag: 'indicators',
    summary: '预算指标 Indicators with issued, adjusted, frozen, paid and available (fen); staff see their department',
    access: { kind: 'unit', permission: 'indicator.read' },
    params: UnitParams,
    query: IndicatorListQuery,
    response: z.array(IndicatorView),
    handler: async ({ kernel, actor, scope, query }) => {
      const bound = departmentBound(actor, scope);
      return listIndicators(kernel.db, scope.unitId, bound === null ? query : { ...query, departmentId: bound });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/indicators/:id',
    tag: 'indicators',
    summary: '指标台账 One indicator with every movement and its origins back to the original budget',
    access: { kind: 'unit', permission: 'indicator.read' },
    params: IndicatorParams,
    response: IndicatorDetail,
    handler: async ({ kernel, actor, scope, params }) => {
      const detail = await indicatorDetail(kernel.db, scope.unitId, params.id);
      assertDepartmentAccess(actor, scope, detail.departmentId);
      return detail;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/indicators/:id/balance',
    tag: 'indicators',
    summary: '指标余额 One indicator and its balance (issued, adjusted, frozen, reserved, paid, available, fen), without its movements: one primary-key read, for callers that check what is left before they ask',
    access: { kind: 'unit', permission: 'indicator.read' },
    params: IndicatorParams,
    response: IndicatorView,
    handler: async ({ kernel, actor, scope, params }) => {
      const view = indicatorView(await findIndicator(kernel.db, scope.unitId, params.id));
      assertDepartmentAccess(actor, scope, view.departmentId);
      return view;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/indicators',
    tag: 'indicators',
    summary: '直接下达指标 Issue an indicator directly (e.g. a mid-year allocation, or the flexible-quota reserve)',
    access: { kind: 'unit', permission: 'indicator.issue' },
    params: UnitParams,
    body: IssueIndicatorBody,
    response: IndicatorView,
    status: 201,
    command: async ({ tx, actor, scope, body }) => issueIndicator(tx, actor, scope, { ...body, refType: 'direct' }),
  }),
];
