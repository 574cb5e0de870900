import { ALL_A, UNIT_READERS, type Expectation } from './common.js';

/**
 * Plugin host routes. sysadmin holds plugin.install (system-wide) and plugin.manage everywhere;
 * a.admin holds plugin.manage in `a`; every reader of `a` holds plugin.read. Allowed calls are
 * shaped to fail after authorization (unknown plugin, invalid body) so the matrix writes nothing.
 * A plugin POST route that runs is audited (`plugin.<id>.route`); the wildcard entries name a plugin
 * that is not enabled, so the call stops before the sandbox and neither runs nor audits anything.
 * Past this permission check a declared route is also gated by role (its manifest `roles`, or the
 * business roles for a POST without them): that second gate is per plugin route and is proven in
 * core/plugins/roles.test.ts, not here.
 */
const SYSADMIN = ['sysadmin'];
const MANAGERS = ['sysadmin', 'a.admin'];

export const MATRIX: Record<string, Expectation> = {
  'GET /api/plugins': { allowed: SYSADMIN },
  'POST /api/plugins': { allowed: SYSADMIN, body: { manifest: {} } },
  'DELETE /api/plugins/:pluginId': { allowed: SYSADMIN, path: '/api/plugins/no-such-plugin' },
  'GET /api/plugins/trust': { allowed: SYSADMIN },
  'PUT /api/plugins/trust': { allowed: SYSADMIN, body: { allowUnsigned: 'yes' } },
  'GET /api/metrics': { allowed: SYSADMIN },
  'GET /api/system/health': { allowed: SYSADMIN },
  'GET /api/units/:unitId/health': { allowed: MANAGERS },
  'GET /api/units/:unitId/plugins': { allowed: UNIT_READERS },
  'POST /api/units/:unitId/plugins/:pluginId/enable': { allowed: MANAGERS, path: '/api/units/a/plugins/no-such-plugin/enable', body: { grants: [] } },
  'POST /api/units/:unitId/plugins/:pluginId/disable': { allowed: MANAGERS, path: '/api/units/a/plugins/no-such-plugin/disable' },
  'GET /api/units/:unitId/plugins/:pluginId/metrics': { allowed: MANAGERS, path: '/api/units/a/plugins/no-such-plugin/metrics' },
  // The unit's own admin and digital specialist (direct grants in the unit): not the system administrator, not a supervising unit.
  'GET /api/units/:unitId/plugins/:pluginId/logs': { allowed: ['a.admin', 'a.dev'], path: '/api/units/a/plugins/no-such-plugin/logs' },
  'GET /api/plugins/:pluginId/quotas': { allowed: SYSADMIN, path: '/api/plugins/no-such-plugin/quotas' },
  'PUT /api/plugins/:pluginId/quotas': { allowed: SYSADMIN, path: '/api/plugins/no-such-plugin/quotas', body: { storageDocs: -1 } },
  'GET /api/plugins/owners': { allowed: SYSADMIN },
  'GET /api/plugins/quarantine': { allowed: SYSADMIN },
  'PUT /api/plugins/:pluginId/owner': { allowed: SYSADMIN, path: '/api/plugins/no-such-plugin/owner', body: { publisher: 42 } },
  // Releasing a plugin that is not quarantined answers 409 and writes nothing.
  'POST /api/plugins/:pluginId/release': { allowed: SYSADMIN, path: '/api/plugins/no-such-plugin/release' },
  'GET /api/units/:unitId/plugins/placements': { allowed: UNIT_READERS, path: '/api/units/a/plugins/placements?placement=project-detail' },
  'GET /api/units/:unitId/plugins/:pluginId/views/:viewId': { allowed: UNIT_READERS, path: '/api/units/a/plugins/no-such-plugin/views/main' },
  'GET /api/units/:unitId/plugins/:pluginId/openapi.json': { allowed: UNIT_READERS, path: '/api/units/a/plugins/no-such-plugin/openapi.json' },
  'GET /api/units/:unitId/plugins/:pluginId/routes/*': { allowed: UNIT_READERS, path: '/api/units/a/plugins/no-such-plugin/routes/summary' },
  'POST /api/units/:unitId/plugins/:pluginId/routes/*': { allowed: ['sysadmin', ...ALL_A], path: '/api/units/a/plugins/no-such-plugin/routes/summary', body: {} },
  // Host API 1.1.0: PUT and DELETE plugin routes are writes like POST (a supervising unit is refused).
  'PUT /api/units/:unitId/plugins/:pluginId/routes/*': { allowed: ['sysadmin', ...ALL_A], path: '/api/units/a/plugins/no-such-plugin/routes/summary', body: {} },
  'DELETE /api/units/:unitId/plugins/:pluginId/routes/*': { allowed: ['sysadmin', ...ALL_A], path: '/api/units/a/plugins/no-such-plugin/routes/summary', body: {} },
  'GET /api/units/:unitId/notifications': { allowed: UNIT_READERS },
  'GET /api/units/:unitId/realtime': { allowed: UNIT_READERS, path: '/api/units/a/realtime?channel=bad' },
};
