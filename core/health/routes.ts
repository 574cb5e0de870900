import { defineRoute, type RouteSpec } from '../http/route.js';
import { UnitParams } from '../units/schema.js';
import { SystemHealthView, UnitHealthView } from './schema.js';
import { systemHealth, unitHealth } from './service.js';

/** 系统健康度监测: the JSON behind the admin console's health page (Prometheus text is /api/metrics). */
export const healthRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/system/health',
    tag: 'system',
    summary: '系统健康度 System health for the system administrator: request latency per route, statement time, memory, event-loop delay, runner pool, outbox lag per plugin and unit, plugin calls, with hints over thresholds',
    access: { kind: 'system', permission: 'system.manage' },
    response: SystemHealthView,
    handler: async ({ kernel }) => systemHealth(kernel),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/health',
    tag: 'system',
    summary: '本单位健康度 A unit\'s health for its admin: its plugins (calls, faults, waiting events) and its own request volume over the last hour',
    access: { kind: 'unit', permission: 'plugin.manage' },
    params: UnitParams,
    response: UnitHealthView,
    handler: async ({ kernel, scope }) => unitHealth(kernel, scope.unitId),
  }),
];
