import { createHash } from 'node:crypto';
import semver from 'semver';
import type { Executor, Tx } from '../db/connection.js';
import { afterCommit } from '../db/command.js';
import { nowIso } from '../clock.js';
import { appendAudit, type AuditActor } from '../audit/service.js';
import { AppError } from './errors.js';
import type { HostPermission, Manifest } from '../../sdk/manifest.js';
import type { UnitPluginView } from '@unibudget/sdk/contracts/plugins';
import { enablementOf } from './enablement.js';
import type { PluginHost } from './host.js';
import { callFailure } from './invoke.js';
import { hostApiVersion } from './version.js';
import { chooseVersion, listPackages, type PackageView } from './service.js';

/**
 * Plugins in one unit: what the unit has (listForUnit), enabling with the grants the unit gives
 * (prepareEnable, then the enable command), disabling, and the audit of a unit's writes through a
 * plugin's routes. Commands are `(tx, by, unitId, input)`, as in service.ts.
 */

export async function listForUnit(db: Executor, unitId: string): Promise<UnitPluginView[]> {
  const packages = await listPackages(db);
  const enabled = await db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).execute();
  const quarantined = new Set((await db.selectFrom('plugin_quarantine').select('plugin_id').where('released_at', 'is', null).execute()).map((r) => r.plugin_id));
  const byPlugin = new Map<string, PackageView[]>();
  for (const p of packages) byPlugin.set(p.pluginId, [...(byPlugin.get(p.pluginId) ?? []), p]);
  const out: UnitPluginView[] = [];
  for (const [pluginId, versions] of byPlugin) {
    const sorted = [...versions].sort((x, y) => semver.compare(y.version, x.version));
    // What the console offers to enable or upgrade to: the id owner's newest (compatible) version.
    const latest = sorted.find((v) => v.compatible && v.fromOwner) ?? sorted.find((v) => v.fromOwner) ?? sorted.find((v) => v.compatible) ?? sorted[0]!;
    const row = enabled.find((e) => e.plugin_id === pluginId);
    const current = row ? sorted.find((v) => v.version === row.version) ?? latest : latest;
    out.push({
      pluginId,
      name: current.manifest.name,
      description: current.manifest.description,
      author: current.manifest.author,
      ownedBy: latest.ownedBy,
      // Each version's requested permissions: the admin console asks for those of the version it enables.
      versions: sorted.map((v) => ({ version: v.version, compatible: v.compatible, incompatibleReason: v.incompatibleReason, signedBy: v.signedBy, fromOwner: v.fromOwner, permissions: v.manifest.permissions })),
      latestVersion: latest.version,
      compatible: sorted.some((v) => v.compatible),
      // The version this unit has (enabled or tripped) may be the one a core upgrade left behind:
      // then it is not run, though a newer installed version may be compatible.
      inUseCompatible: row ? current.compatible : null,
      inUseIncompatibleReason: row ? current.incompatibleReason : null,
      state: row ? row.state : 'available',
      // Quarantined everywhere (it brought the runner down again and again): not run, not enabled, until the system administrator releases it.
      quarantined: quarantined.has(pluginId),
      version: row?.version ?? null,
      requestedPermissions: current.manifest.permissions,
      grants: row ? (JSON.parse(row.grants) as string[]) : [],
      settings: row ? JSON.parse(row.settings) : {},
      failMode: row?.fail_mode ?? 'open',
      faults: row?.faults ?? 0,
      lastFault: row?.last_fault ?? null,
      settingsSchema: current.manifest.settings,
      views: current.manifest.views,
      routes: current.manifest.routes,
      dependencies: current.manifest.dependencies,
    });
  }
  return out;
}

function checkSettings(manifest: Manifest, given: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const unknown = Object.keys(given).filter((k) => !manifest.settings.some((f) => f.key === k));
  if (unknown.length) throw new AppError('PLUGIN_SETTINGS_INVALID', { reason: `unknown settings: ${unknown.join(', ')}` });
  for (const field of manifest.settings) {
    const value = given[field.key] ?? field.default;
    if (value === undefined) {
      if (field.required) throw new AppError('PLUGIN_SETTINGS_INVALID', { reason: `${field.key} is required` });
      continue;
    }
    const bad = () => new AppError('PLUGIN_SETTINGS_INVALID', { reason: `${field.key} must be a ${field.type}` });
    if (field.type === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad();
      // Money settings are integer fen (the form takes 元 with two decimals).
      if (field.shownAs === 'yuan' && !Number.isSafeInteger(value)) throw new AppError('PLUGIN_SETTINGS_INVALID', { reason: `${field.key} must be a whole number of fen` });
      if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max)) {
        throw new AppError('PLUGIN_SETTINGS_INVALID', { reason: `${field.key} must be within ${field.min ?? '-∞'}..${field.max ?? '∞'}` });
      }
    } else if (field.type === 'boolean') {
      if (typeof value !== 'boolean') throw bad();
    } else {
      if (typeof value !== 'string' || value.length > 2000) throw bad();
      if (field.type === 'select' && !field.options?.some((o) => o.value === value)) throw new AppError('PLUGIN_SETTINGS_INVALID', { reason: `${field.key} must be one of the options` });
    }
    out[field.key] = value;
  }
  return out;
}

export interface EnableInput {
  grants: HostPermission[];
  settings?: Record<string, unknown> | undefined;
  version?: string | undefined;
  failMode?: 'open' | 'closed' | undefined;
}

/** An enable checked, and its plugin migration run for the unit: what the enable command writes. */
export interface EnablePlan {
  pluginId: string;
  version: string;
  grants: HostPermission[];
  settings: Record<string, string | number | boolean>;
  failMode: 'open' | 'closed';
  /** The unit's row before (first enable: none). */
  previous: { id: number; version: string; state: string; grants: string } | undefined;
}

/**
 * The first half of enabling (or upgrading, or re-enabling after the breaker) a plugin for one
 * unit, before the command's transaction: the grants must be a subset of what the manifest
 * requests, dependencies must already be enabled here in a matching version, and the plugin's
 * migration runs for this unit (plugin code never runs inside a core transaction). Writes nothing
 * of the core's; the plugin's migration writes its own storage.
 */
export async function prepareEnable(db: Executor, host: PluginHost, unitId: string, pluginId: string, input: EnableInput): Promise<EnablePlan> {
  const packages = (await listPackages(db)).filter((p) => p.pluginId === pluginId);
  if (packages.length === 0) throw new AppError('PLUGIN_NOT_FOUND', { pluginId });
  const quarantine = await db.selectFrom('plugin_quarantine').select('plugin_id').where('plugin_id', '=', pluginId).where('released_at', 'is', null).executeTakeFirst();
  if (quarantine) throw new AppError('PLUGIN_QUARANTINED', { pluginId });
  // The owner's newest compatible version, or the one named (another publisher's only if the unit has it already).
  const current = await db.selectFrom('plugin_units').select('version').where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
  const chosen = await chooseVersion(db, pluginId, packages, input.version, current?.version);
  const manifest = chosen.manifest;
  if (!chosen.compatible) throw new AppError('PLUGIN_ENGINE_INCOMPATIBLE', { pluginId, engine: manifest.engine, hostVersion: hostApiVersion() });
  const extra = input.grants.filter((g) => !manifest.permissions.includes(g));
  if (extra.length) throw new AppError('PLUGIN_GRANT_NOT_REQUESTED', { permissions: extra.join(', '), requested: manifest.permissions });
  const settings = checkSettings(manifest, input.settings ?? {});
  for (const [dependency, range] of Object.entries(manifest.dependencies)) {
    const dep = await db.selectFrom('plugin_units').select(['version', 'state']).where('unit_id', '=', unitId).where('plugin_id', '=', dependency).executeTakeFirst();
    if (!dep || dep.state !== 'enabled' || !semver.satisfies(dep.version, range)) throw new AppError('PLUGIN_DEPENDENCY_MISSING', { dependency, range });
  }
  const previous = await db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
  const grants = [...new Set(input.grants)];
  const failMode = input.failMode ?? previous?.fail_mode ?? 'open';
  // The plugin's own migration for this unit (first enable or upgrade), under the grants given.
  const from = previous?.migrated_version ?? null;
  if (from !== chosen.version) {
    const reply = await host.invoke(
      { unitId, pluginId, version: chosen.version, state: 'enabled', grants, settings, failMode, faults: 0 },
      'migrate', 'migrate', { from, to: chosen.version },
    );
    if (!reply.ok && reply.error.code !== 'PLUGIN_ENTRY_MISSING') throw callFailure(pluginId, reply.error, 'migrate');
  }
  return {
    pluginId, version: chosen.version, grants, settings, failMode,
    previous: previous && { id: previous.id, version: previous.version, state: previous.state, grants: previous.grants },
  };
}

/**
 * Enables a plugin for one unit as prepared (prepareEnable): the unit's row flips to enabled with
 * the grants, settings and fail mode, audited as an enable or an upgrade. After the commit the
 * unit's isolate context is dropped: a re-enable starts fresh, nothing from before the breaker survives.
 */
export async function enable(tx: Tx, by: AuditActor, unitId: string, plan: EnablePlan, host: PluginHost) {
  const { pluginId, version, grants, settings, failMode, previous } = plan;
  const values = {
    version, state: 'enabled' as const, grants: JSON.stringify(grants), settings: JSON.stringify(settings),
    fail_mode: failMode, faults: 0, last_fault: null, migrated_version: version, updated_at: nowIso(),
  };
  if (previous) await tx.updateTable('plugin_units').set(values).where('id', '=', previous.id).execute();
  else await tx.insertInto('plugin_units').values({ unit_id: unitId, plugin_id: pluginId, ...values }).execute();
  const upgraded = previous && previous.version !== version;
  await appendAudit(tx, {
    actor: by, unitId, action: upgraded ? 'plugin.upgrade' : 'plugin.enable', entity: 'plugin', entityId: `${unitId}:${pluginId}`,
    before: previous ? { state: previous.state, version: previous.version, grants: JSON.parse(previous.grants) } : null,
    after: { state: 'enabled', version, grants, settings, failMode },
  });
  afterCommit(tx, `plugins:drop:${unitId}:${pluginId}`, () => {
    if (previous && previous.version !== version) host.runner.drop(`${pluginId}@${previous.version}`, unitId);
    host.runner.drop(`${pluginId}@${version}`, unitId);
  });
  return { pluginId, unitId, version, state: 'enabled', grants, settings, failMode };
}

/** Disables a plugin in one unit (its data is kept), unless another plugin enabled here depends on it. */
export async function disable(tx: Tx, by: AuditActor, unitId: string, pluginId: string, host: PluginHost) {
  const row = await tx.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
  if (!row || row.state === 'disabled') throw new AppError('PLUGIN_NOT_ENABLED', { pluginId });
  const others = await tx.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('state', '=', 'enabled').where('plugin_id', '!=', pluginId).execute();
  for (const other of others) {
    const pkg = await host.loadPackage(tx, other.plugin_id, other.version);
    if (pkg.manifest.dependencies[pluginId]) throw new AppError('PLUGIN_DEPENDED_ON', { dependent: other.plugin_id });
  }
  await tx.updateTable('plugin_units').set({ state: 'disabled', updated_at: nowIso() }).where('id', '=', row.id).execute();
  await appendAudit(tx, {
    actor: by, unitId, action: 'plugin.disable', entity: 'plugin', entityId: `${unitId}:${pluginId}`, before: { state: row.state }, after: { state: 'disabled' },
  });
  afterCommit(tx, `plugins:drop:${unitId}:${pluginId}`, () => host.runner.drop(`${pluginId}@${row.version}`, unitId));
  return { pluginId, unitId, state: 'disabled' };
}

/** The enabled plugin of a unit, or a clear refusal. */
export async function enabledIn(db: Executor, unitId: string, pluginId: string) {
  const row = await db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
  if (!row || row.state !== 'enabled') throw new AppError('PLUGIN_NOT_ENABLED', { pluginId, state: row?.state ?? 'available' });
  return enablementOf(row);
}

/** A plugin's metrics in one unit: its state here and this process's counts of its calls. */
export async function pluginMetrics(db: Executor, host: PluginHost, unitId: string, pluginId: string) {
  const row = await db.selectFrom('plugin_units').select(['state', 'faults', 'last_fault']).where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
  const [metrics] = host.metricsSnapshot({ pluginId, unitId });
  return {
    pluginId, unitId, state: row?.state ?? 'available', consecutiveFaults: row?.faults ?? 0, lastFault: row?.last_fault ?? null,
    calls: metrics?.calls ?? 0, errors: metrics?.errors ?? 0, faultsByCode: metrics?.faultsByCode ?? {},
    latencyMs: metrics?.latencyMs ?? { p50: 0, p95: 0, p99: 0 }, memoryBytes: metrics?.memoryBytes ?? 0,
  };
}

/** Bodies up to this size are kept whole in the audit entry of a plugin POST; larger ones by digest and size. */
const AUDIT_BODY_BYTES = 2048;

export interface RouteCall {
  pluginId: string;
  version: string;
  /** `POST path` as declared in the manifest. */
  route: string;
  /** The request body as sent, and as parsed. */
  text: string;
  body: unknown;
  outcome: 'ok' | 'refused' | 'fault';
  code?: string | undefined;
  /** Host calls of the route that wrote. */
  writes: number;
}

/**
 * The audit entry of a POST into a plugin's route, a write through the plugin: recorded once the
 * plugin has run (its storage writes are its own), in a short command of its own, so the chain is
 * never held while sandboxed code runs.
 */
export async function auditRouteCall(tx: Tx, by: AuditActor, unitId: string, call: RouteCall): Promise<void> {
  const bytes = Buffer.byteLength(call.text, 'utf8');
  await appendAudit(tx, {
    actor: by, unitId, action: `plugin.${call.pluginId}.route`, entity: 'plugin',
    entityId: `${unitId}:${call.pluginId}`,
    after: {
      route: call.route, version: call.version, bodyBytes: bytes, bodySha256: createHash('sha256').update(call.text).digest('hex'),
      ...(bytes <= AUDIT_BODY_BYTES ? { body: call.body } : {}),
      outcome: call.outcome, ...(call.code === undefined ? {} : { code: call.code }), writes: call.writes,
    },
  });
}
