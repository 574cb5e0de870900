import { defineRoute, type RouteSpec } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import { businessDate } from '../../clock.js';
import { ledgerSettings } from '../rules/service.js';
import { timeProgressAnswer } from '../time-progress.js';
import { TimeProgressQuery, TimeProgressView } from './schema.js';

/**
 * 序时进度 of a unit's year on a day, by the unit's basis (ledger settings `timeProgressBasis`): the
 * one value the execution report, the cockpit and the plugins show. Read like the reports (report.read).
 */
export const progressRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/time-progress',
    tag: 'reports',
    summary: '序时进度 Time progress of the year on a date (default today) by the unit’s basis: completed months ÷ 12 or elapsed days ÷ days in the year',
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    query: TimeProgressQuery,
    response: TimeProgressView,
    handler: async ({ kernel, scope, query }) => {
      const asOf = query.date ?? businessDate();
      const year = query.year ?? Number(asOf.slice(0, 4));
      const { timeProgressBasis } = await ledgerSettings(kernel.db, scope.unitId);
      return timeProgressAnswer(timeProgressBasis, year, asOf);
    },
  }),
];
