import { a, SUPERVISING, type Expectation } from './common.js';

/** project.read: everyone in unit `a` but the plugin developer, and the supervising units (read only). */
const PROJECT_READERS = [...SUPERVISING, ...a('admin', 'finance', 'staff', 'head', 'leader', 'auditor')];
/** project.manage: the finance officer. */
const PROJECT_MANAGERS = ['a.finance'];
const NO_PROJECT = '/api/units/a/projects/999999';

export const MATRIX: Record<string, Expectation> = {
  'GET /api/units/:unitId/projects': { allowed: PROJECT_READERS },
  'POST /api/units/:unitId/projects': { allowed: PROJECT_MANAGERS, body: {} },
  'GET /api/units/:unitId/projects/:id': { allowed: PROJECT_READERS, path: NO_PROJECT },
  'PATCH /api/units/:unitId/projects/:id': { allowed: PROJECT_MANAGERS, path: NO_PROJECT, body: {} },
  'POST /api/units/:unitId/projects/:id/status': { allowed: PROJECT_MANAGERS, path: `${NO_PROJECT}/status`, body: {} },
  'GET /api/units/:unitId/projects/:id/targets': { allowed: PROJECT_READERS, path: `${NO_PROJECT}/targets` },
  'POST /api/units/:unitId/projects/:id/targets': { allowed: PROJECT_MANAGERS, path: `${NO_PROJECT}/targets`, body: {} },
};
