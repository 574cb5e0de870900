import { a, SUPERVISING, type Expectation } from './common.js';

/** budget.read: unit admin (templates), finance, business staff, department head, leader, auditor, and the supervising units (read only). */
const BUDGET_READERS = [...SUPERVISING, ...a('admin', 'finance', 'staff', 'head', 'leader', 'auditor')];
/** budget.prepare: business staff and department heads. */
const PREPARERS = a('staff', 'head');
const TEMPLATE = '/api/units/a/budget-templates/personnel';
const NO_REQUEST = '/api/units/a/budget-requests/999999';

export const MATRIX: Record<string, Expectation> = {
  // Reading a template never writes: the defaults are served until the unit saves its own.
  'GET /api/units/:unitId/budget-templates/:kind': { allowed: BUDGET_READERS, path: TEMPLATE },
  'PUT /api/units/:unitId/budget-templates/:kind': { allowed: ['a.admin'], path: TEMPLATE, body: {} },
  'GET /api/units/:unitId/budget-requests': { allowed: BUDGET_READERS },
  'GET /api/units/:unitId/budget-requests/summary': { allowed: BUDGET_READERS, path: '/api/units/a/budget-requests/summary?year=2026' },
  'POST /api/units/:unitId/budget-requests': { allowed: PREPARERS, body: {} },
  'GET /api/units/:unitId/budget-requests/:id': { allowed: BUDGET_READERS, path: NO_REQUEST },
  'PATCH /api/units/:unitId/budget-requests/:id': { allowed: PREPARERS, path: NO_REQUEST, body: {} },
  // An empty body is a valid submit: the unknown id is what stops it (404).
  'POST /api/units/:unitId/budget-requests/:id/submit': { allowed: PREPARERS, path: `${NO_REQUEST}/submit`, body: {} },
  'POST /api/units/:unitId/budget-requests/:id/return': { allowed: ['a.finance'], path: `${NO_REQUEST}/return`, body: {} },
  'POST /api/units/:unitId/budget-requests/:id/approve': { allowed: ['a.leader'], path: `${NO_REQUEST}/approve`, body: {} },
};
