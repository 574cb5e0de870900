import { UNIT_READERS, type Expectation } from './common.js';

/**
 * Core notification routes (core/notifications). Everyone who reads unit `a` has notifications
 * there (their own or their roles'), and read state is their own: marking read is not a business
 * write, so supervising readers may do it too (on their own notices only) and it is not audited.
 * Allowed calls are shaped to fail after authorization (unknown id, invalid body) and write nothing.
 * The list route (`GET /api/units/:unitId/notifications`) keeps its entry in ./plugins.ts.
 */
export const MATRIX: Record<string, Expectation> = {
  'GET /api/units/:unitId/notifications/unread-count': { allowed: UNIT_READERS },
  'POST /api/units/:unitId/notifications/:id/read': { allowed: UNIT_READERS, path: '/api/units/a/notifications/999999/read' },
  'POST /api/units/:unitId/notifications/read-all': { allowed: UNIT_READERS, body: { upToId: 'all' } },
};
