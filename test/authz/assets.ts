import { a, SUPERVISING, type Expectation } from './common.js';

/**
 * 资产卡片 and 折旧年限 (core/ledger/assets): report.read to read; period.manage (finance, at the unit
 * itself) to edit a card, complete construction (转固) or change useful lives. A department's function
 * (业务部门 / 管理部门) is set by whoever manages departments (unit.manage).
 */
const REPORT_READERS = [...SUPERVISING, ...a('finance', 'head', 'leader', 'auditor')];

export const MATRIX: Record<string, Expectation> = {
  'GET /api/units/:unitId/assets': { allowed: REPORT_READERS },
  'GET /api/units/:unitId/assets/:id': { allowed: REPORT_READERS, path: '/api/units/a/assets/999999' },
  // Allowed callers reach a card that does not exist (404) or send an empty body (400): nothing written.
  'PATCH /api/units/:unitId/assets/:id': { allowed: a('finance'), path: '/api/units/a/assets/999999', body: { name: '不存在的资产' } },
  'POST /api/units/:unitId/assets/:id/complete': { allowed: a('finance'), path: '/api/units/a/assets/999999/complete', body: {} },
  'GET /api/units/:unitId/asset-useful-lives': { allowed: REPORT_READERS },
  'PUT /api/units/:unitId/asset-useful-lives': { allowed: a('finance'), body: {} },
  'PATCH /api/units/:unitId/departments/:departmentId': { allowed: ['sysadmin', 'a.admin'], path: '/api/units/a/departments/999999', body: {} },
};
