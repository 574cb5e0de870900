import type { Executor } from '../db/connection.js';
import { matchRoutePath, type Manifest, type RouteMethod, type ViewPlacement } from '../../sdk/manifest.js';
import { FILE_ANSWER_MAX_BYTES, fileAnswerSchema } from '../../sdk/views.js';
import type { ViewSubject } from '../../sdk/api.js';
import { enablementOf } from './enablement.js';
import { engineSatisfied } from '../../sdk/manifest.js';
import { hostApiVersion } from './version.js';
import type { LoadedPackage } from './packages.js';
import { AppError } from './errors.js';

/**
 * The host API 1.1.0 extension points the HTTP adapter (routes.ts) needs: which declared route a
 * request path names (with its parameters), a GET route's file answer as a download, the object a
 * placed view is shown about, and the views plugins place on a core screen.
 */

type DeclaredRoute = Manifest['routes'][number];

/**
 * The declared route a request path names, and the values of its parameter segments. A static route
 * wins over parametered ones; among those, the one whose first parameter comes later (more of the
 * path fixed) wins, so `projects/summary/:x` beats `projects/:id/targets` for `projects/summary/1`.
 */
export function declaredRoute(routes: readonly DeclaredRoute[], method: RouteMethod, path: string): { route: DeclaredRoute; params: Record<string, string> } | null {
  const ofMethod = routes.filter((r) => r.method === method);
  const exact = ofMethod.find((r) => !r.path.includes(':') && r.path === path);
  if (exact) return { route: exact, params: {} };
  let best: { route: DeclaredRoute; params: Record<string, string>; rank: string } | null = null;
  for (const route of ofMethod) {
    if (!route.path.includes(':')) continue;
    const params = matchRoutePath(route.path, path);
    if (!params) continue;
    // 's' (static) sorts after 'p' (parameter): the higher rank fixes more of the path earlier.
    const rank = route.path.split('/').map((seg) => (seg.startsWith(':') ? 'p' : 's')).join('');
    if (!best || rank > best.rank) best = { route, params, rank };
  }
  return best ? { route: best.route, params: best.params } : null;
}

/** A file name safe inside a quoted header value (the exact name goes in `filename*`). */
function asciiName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_').trim();
  return ascii || 'download';
}

/**
 * A GET route's answer as the file itself when it is exactly `{ file: { name, mediaType, base64 } }`;
 * null for any other answer (sent as JSON). An answer that is a file in shape but breaks its limits
 * (name, media type, size, not base64) is the plugin's fault, not a JSON document.
 */
export function fileResponse(pluginId: string, value: unknown): Response | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  const file = (value as { file?: unknown }).file;
  if (keys.length !== 1 || keys[0] !== 'file' || !file || typeof file !== 'object' || !('base64' in file)) return null;
  const parsed = fileAnswerSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new AppError('PLUGIN_FAULT', { pluginId, code: 'PLUGIN_BAD_FILE', message: `the file answer is not valid: ${issues}` });
  }
  const { name, mediaType, base64 } = parsed.data.file;
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > FILE_ANSWER_MAX_BYTES) {
    throw new AppError('PLUGIN_FAULT', { pluginId, code: 'PLUGIN_BAD_FILE', message: `the file is over ${FILE_ANSWER_MAX_BYTES} bytes` });
  }
  return new Response(bytes, {
    status: 200,
    headers: {
      'content-type': mediaType,
      'content-length': String(bytes.length),
      'content-disposition': `attachment; filename="${asciiName(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  });
}

/** The object of a placed view, found in the unit (else 404: another unit's object is not found either). */
export async function viewSubject(db: Executor, unitId: string, kind: ViewSubject['kind'], id: number): Promise<ViewSubject> {
  const table = ({ project: 'projects', 'budget-request': 'budget_requests', payment: 'payments', transfer: 'transfers' } as const)[kind];
  const row = await db.selectFrom(table).select('id').where('id', '=', id).where('unit_id', '=', unitId).executeTakeFirst();
  if (!row) throw new AppError('PLUGIN_VIEW_SUBJECT_NOT_FOUND', { kind, id });
  return { kind, id };
}

/** What loading a plugin's package takes (the host). */
interface PackageSource { loadPackage(db: Executor, pluginId: string, version: string): Promise<LoadedPackage> }

/**
 * The views placed on a core screen: of every plugin enabled in the unit with the `views` grant,
 * runnable here (its engine matches the host, not quarantined), the views declaring the placement.
 */
export async function placedViews(db: Executor, host: PackageSource, unitId: string, placement: ViewPlacement) {
  const rows = await db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('state', '=', 'enabled').orderBy('plugin_id').execute();
  if (rows.length === 0) return [];
  const quarantined = new Set((await db.selectFrom('plugin_quarantine').select('plugin_id').where('released_at', 'is', null).execute()).map((r) => r.plugin_id));
  const out: Array<{ pluginId: string; viewId: string; title: { zh: string; en: string } }> = [];
  for (const row of rows) {
    const enablement = enablementOf(row);
    if (!enablement.grants.includes('views') || quarantined.has(enablement.pluginId)) continue;
    const pkg = await host.loadPackage(db, enablement.pluginId, enablement.version);
    if (!engineSatisfied(pkg.manifest.engine, hostApiVersion())) continue;
    for (const view of pkg.manifest.views) {
      if (view.placement === placement) out.push({ pluginId: enablement.pluginId, viewId: view.id, title: { zh: view.title.zh, en: view.title.en } });
    }
  }
  return out;
}
