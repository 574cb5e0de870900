import { a, ALL_USERS, SUPERVISING, UNIT_READERS, type Expectation } from './common.js';

const AUDIT_READERS_ANYWHERE = [
  'sysadmin', ...SUPERVISING, ...a('admin', 'finance', 'leader', 'auditor'), 'b.admin', 'b.finance', 'b.leader', 'b.auditor',
];

export const KERNEL_MATRIX: Record<string, Expectation> = {
  'GET /api/health': { allowed: 'public' },
  'GET /api/openapi.json': { allowed: 'public' },
  'POST /api/auth/login': { allowed: 'public', body: {} },
  'POST /api/auth/logout': { allowed: ALL_USERS },
  'GET /api/me': { allowed: ALL_USERS },
  'POST /api/me/password': { allowed: ALL_USERS, body: {} },
  'GET /api/tokens': { allowed: ALL_USERS },
  'POST /api/tokens': { allowed: ALL_USERS, body: {} },
  'DELETE /api/tokens/:id': { allowed: ALL_USERS, path: '/api/tokens/999999' },
  'GET /api/units': { allowed: ALL_USERS },
  'POST /api/units': { allowed: ['sysadmin'], body: {} },
  'GET /api/units/:unitId': { allowed: UNIT_READERS },
  'GET /api/units/:unitId/departments': { allowed: UNIT_READERS },
  'POST /api/units/:unitId/departments': { allowed: ['sysadmin', 'a.admin'], body: {} },
  'GET /api/units/:unitId/members': {
    allowed: ['sysadmin', ...SUPERVISING, ...a('admin', 'finance', 'head', 'leader', 'auditor')],
  },
  'POST /api/units/:unitId/members': { allowed: ['sysadmin', 'a.admin'], body: {} },
  'PATCH /api/units/:unitId/members/:userId': { allowed: ['sysadmin', 'a.admin'], path: '/api/units/a/members/999999', body: {} },
  'GET /api/units/:unitId/fiscal-years': { allowed: UNIT_READERS },
  'POST /api/units/:unitId/fiscal-years': { allowed: ['a.finance'], body: {} },
  'POST /api/units/:unitId/fiscal-years/:year/rollover': { allowed: ['a.finance'], path: '/api/units/a/fiscal-years/2099/rollover' },
  'GET /api/units/:unitId/periods/:year/:month/checklist': { allowed: UNIT_READERS, path: '/api/units/a/periods/2026/6/checklist' },
  'POST /api/units/:unitId/periods/:year/:month/close': { allowed: ['a.finance'], path: '/api/units/a/periods/2099/1/close' },
  'POST /api/units/:unitId/periods/:year/:month/reopen': {
    allowed: ['a.leader'], path: '/api/units/a/periods/2099/1/reopen', body: { reason: '测试反结账' },
  },
  'GET /api/audit/verify': { allowed: AUDIT_READERS_ANYWHERE },
  'GET /api/units/:unitId/audit': { allowed: ['sysadmin', ...SUPERVISING, ...a('admin', 'finance', 'leader', 'auditor')] },
};
