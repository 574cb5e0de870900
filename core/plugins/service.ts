import { createPublicKey, verify } from 'node:crypto';
import vm from 'node:vm';
import semver from 'semver';
import type { Kernel } from '../kernel.js';
import type { Executor } from '../db/connection.js';
import { nowIso } from '../clock.js';
import { appendAudit, type AuditActor } from '../audit/service.js';
import { AppError } from './errors.js';
import { bundleSchema, sha256Hex, signaturePayload } from '../../sdk/bundle.js';
import { engineSatisfied, manifestSchema, type HostPermission, type Manifest } from '../../sdk/manifest.js';
import { enablementOf, hostOf } from './host.js';
import { hostApiVersion } from './version.js';

async function hostSetting(db: Executor, key: string): Promise<string | null> {
  const row = await db.selectFrom('plugin_host_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

// ------------------------------------------------------------------ trust

export async function trustSettings(db: Executor) {
  const publishers = await db.selectFrom('plugin_publishers').select(['name', 'public_key', 'added_at']).orderBy('name').execute();
  return {
    allowUnsigned: (await hostSetting(db, 'allow_unsigned')) === '1',
    hostApiVersion: hostApiVersion(),
    publishers: publishers.map((p) => ({ name: p.name, publicKey: p.public_key, addedAt: p.added_at })),
  };
}

export async function updateTrust(kernel: Kernel, by: AuditActor, input: { allowUnsigned?: boolean | undefined; addPublisher?: { name: string; publicKey: string } | undefined; removePublisher?: string | undefined }) {
  if (input.addPublisher) {
    try {
      const key = createPublicKey(input.addPublisher.publicKey);
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
    } catch (error) {
      throw new AppError('PLUGIN_SIGNATURE_INVALID', { reason: `publisher key must be an ed25519 public key in PEM (${(error as Error).message})` });
    }
  }
  await kernel.db.transaction().execute(async (tx) => {
    const before = await trustSettings(tx);
    if (input.allowUnsigned !== undefined) {
      await tx.deleteFrom('plugin_host_settings').where('key', '=', 'allow_unsigned').execute();
      await tx.insertInto('plugin_host_settings').values({ key: 'allow_unsigned', value: input.allowUnsigned ? '1' : '0' }).execute();
    }
    if (input.addPublisher) {
      await tx.deleteFrom('plugin_publishers').where('name', '=', input.addPublisher.name).execute();
      await tx.insertInto('plugin_publishers').values({ name: input.addPublisher.name, public_key: input.addPublisher.publicKey, added_at: nowIso() }).execute();
    }
    if (input.removePublisher) await tx.deleteFrom('plugin_publishers').where('name', '=', input.removePublisher).execute();
    await appendAudit(tx, {
      actor: by, unitId: null, action: 'plugin.trust', entity: 'plugin_trust', entityId: 'host',
      before: { allowUnsigned: before.allowUnsigned, publishers: before.publishers.map((p) => p.name) },
      after: input,
    });
  });
  return trustSettings(kernel.db);
}

// ------------------------------------------------------------------ install / uninstall

function packageView(row: { plugin_id: string; version: string; manifest: string; sha256: string; signed_by: string | null; installed_at: string }) {
  const manifest = JSON.parse(row.manifest) as Manifest;
  const compatible = engineSatisfied(manifest.engine, hostApiVersion());
  return {
    pluginId: row.plugin_id, version: row.version, sha256: row.sha256, signedBy: row.signed_by, installedAt: row.installed_at,
    compatible,
    incompatibleReason: compatible ? null : `needs host API ${manifest.engine}; this system provides ${hostApiVersion()}`,
    manifest,
  };
}

export async function installBundle(kernel: Kernel, by: AuditActor, raw: unknown) {
  const parsed = bundleSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('PLUGIN_BUNDLE_INVALID', { reason: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  const bundle = parsed.data;
  if (sha256Hex(bundle.code) !== bundle.sha256) throw new AppError('PLUGIN_HASH_MISMATCH', { expected: bundle.sha256 });
  const manifestResult = manifestSchema.safeParse(bundle.manifest);
  if (!manifestResult.success) {
    throw new AppError('PLUGIN_BUNDLE_INVALID', { reason: manifestResult.error.issues.slice(0, 5).map((i) => `manifest.${i.path.join('.')}: ${i.message}`).join('; ') });
  }
  const manifest = manifestResult.data;
  if (!engineSatisfied(manifest.engine, hostApiVersion())) {
    throw new AppError('PLUGIN_ENGINE_INCOMPATIBLE', { pluginId: manifest.id, engine: manifest.engine, hostVersion: hostApiVersion() });
  }
  let signedBy: string | null = null;
  if (bundle.signature) {
    const publisher = await kernel.db.selectFrom('plugin_publishers').select(['name', 'public_key']).where('name', '=', bundle.signature.publisher).executeTakeFirst();
    if (!publisher) throw new AppError('PLUGIN_SIGNATURE_INVALID', { reason: `publisher ${bundle.signature.publisher} is not trusted` });
    let good = false;
    try {
      good = verify(null, signaturePayload(bundle.manifest, bundle.sha256), createPublicKey(publisher.public_key), Buffer.from(bundle.signature.value, 'base64'));
    } catch {
      good = false;
    }
    if (!good) throw new AppError('PLUGIN_SIGNATURE_INVALID', { reason: 'the signature does not verify with the publisher key' });
    signedBy = publisher.name;
  } else if ((await hostSetting(kernel.db, 'allow_unsigned')) !== '1') {
    throw new AppError('PLUGIN_UNSIGNED_REFUSED');
  }
  try {
    // Parse only (never run here): a syntax error is refused at install, not at first use.
    new vm.Script(bundle.code, { filename: `${manifest.id}.js` });
  } catch (error) {
    throw new AppError('PLUGIN_BUNDLE_INVALID', { reason: `code does not parse: ${(error as Error).message}` });
  }
  return kernel.db.transaction().execute(async (tx) => {
    const exists = await tx.selectFrom('plugin_packages').select('id').where('plugin_id', '=', manifest.id).where('version', '=', manifest.version).executeTakeFirst();
    if (exists) throw new AppError('PLUGIN_VERSION_EXISTS', { pluginId: manifest.id, version: manifest.version });
    const row = await tx
      .insertInto('plugin_packages')
      .values({
        plugin_id: manifest.id, version: manifest.version, manifest: JSON.stringify(manifest), code: bundle.code, sha256: bundle.sha256,
        signed_by: signedBy, installed_by: by.userId, installed_at: nowIso(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = packageView(row);
    await appendAudit(tx, {
      actor: by, unitId: null, action: 'plugin.install', entity: 'plugin', entityId: `${manifest.id}@${manifest.version}`,
      after: { pluginId: manifest.id, version: manifest.version, sha256: bundle.sha256, signedBy, permissions: manifest.permissions },
    });
    return view;
  });
}

export async function listPackages(db: Executor) {
  // Not the code: this list is read on every page load of the web app (navigation, bell).
  const rows = await db.selectFrom('plugin_packages').select(['plugin_id', 'version', 'manifest', 'sha256', 'signed_by', 'installed_at']).orderBy('plugin_id').orderBy('id').execute();
  return rows.map(packageView);
}

export async function uninstall(kernel: Kernel, by: AuditActor, pluginId: string, options: { purge: boolean; version?: string | undefined }) {
  const result = await kernel.db.transaction().execute(async (tx) => {
    let packages = tx.selectFrom('plugin_packages').select(['id', 'version']).where('plugin_id', '=', pluginId);
    if (options.version) packages = packages.where('version', '=', options.version);
    const rows = await packages.execute();
    if (rows.length === 0) throw new AppError('PLUGIN_NOT_FOUND', { pluginId });
    const versions = rows.map((r) => r.version);
    const inUse = await tx.selectFrom('plugin_units').select('unit_id').where('plugin_id', '=', pluginId).where('state', 'in', ['enabled', 'tripped']).where('version', 'in', versions).execute();
    if (inUse.length) throw new AppError('PLUGIN_IN_USE', { pluginId, count: inUse.length, units: inUse.map((r) => r.unit_id) });
    await tx.deleteFrom('plugin_packages').where('plugin_id', '=', pluginId).where('version', 'in', versions).execute();
    const remaining = await tx.selectFrom('plugin_packages').select('id').where('plugin_id', '=', pluginId).executeTakeFirst();
    let purged = { docs: 0 };
    if (options.purge && !remaining) {
      const docs = await tx.deleteFrom('plugin_docs').where('plugin_id', '=', pluginId).executeTakeFirst();
      await tx.deleteFrom('plugin_units').where('plugin_id', '=', pluginId).execute();
      await tx.deleteFrom('plugin_deliveries').where('plugin_id', '=', pluginId).execute();
      await tx.deleteFrom('plugin_logs').where('plugin_id', '=', pluginId).execute();
      purged = { docs: Number(docs.numDeletedRows) };
    }
    await appendAudit(tx, {
      actor: by, unitId: null, action: 'plugin.uninstall', entity: 'plugin', entityId: pluginId,
      before: { versions }, after: { purge: options.purge && !remaining, purged, remainingVersions: remaining ? 'some' : 'none' },
    });
    return { pluginId, removedVersions: versions, dataPurged: options.purge && !remaining, purged };
  });
  for (const v of result.removedVersions) hostOf(kernel).forgetPackage(pluginId, v);
  return result;
}

// ------------------------------------------------------------------ per unit

export async function listForUnit(db: Executor, unitId: string) {
  const packages = await listPackages(db);
  const enabled = await db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).execute();
  const byPlugin = new Map<string, ReturnType<typeof packageView>[]>();
  for (const p of packages) byPlugin.set(p.pluginId, [...(byPlugin.get(p.pluginId) ?? []), p]);
  const out = [];
  for (const [pluginId, versions] of byPlugin) {
    const sorted = [...versions].sort((x, y) => semver.compare(y.version, x.version));
    const latest = sorted.find((v) => v.compatible) ?? sorted[0]!;
    const row = enabled.find((e) => e.plugin_id === pluginId);
    const current = row ? sorted.find((v) => v.version === row.version) ?? latest : latest;
    out.push({
      pluginId,
      name: current.manifest.name,
      description: current.manifest.description,
      author: current.manifest.author,
      // Each version's requested permissions: the admin console asks for those of the version it enables.
      versions: sorted.map((v) => ({ version: v.version, compatible: v.compatible, incompatibleReason: v.incompatibleReason, signedBy: v.signedBy, permissions: v.manifest.permissions })),
      latestVersion: latest.version,
      compatible: sorted.some((v) => v.compatible),
      // The version this unit has (enabled or tripped) may be the one a core upgrade left behind:
      // then it is not run, though a newer installed version may be compatible.
      inUseCompatible: row ? current.compatible : null,
      inUseIncompatibleReason: row ? current.incompatibleReason : null,
      state: row ? row.state : 'available',
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

/**
 * Enables (or upgrades, or re-enables after the breaker) a plugin for one unit: the grants must be
 * a subset of what the manifest requests, dependencies must already be enabled here in a matching
 * version, and the plugin's migration runs for this unit before the state flips to enabled.
 */
export async function enable(kernel: Kernel, by: AuditActor, unitId: string, pluginId: string, input: EnableInput) {
  const packages = (await listPackages(kernel.db)).filter((p) => p.pluginId === pluginId);
  if (packages.length === 0) throw new AppError('PLUGIN_NOT_FOUND', { pluginId });
  const chosen = input.version
    ? packages.find((p) => p.version === input.version)
    : [...packages].filter((p) => p.compatible).sort((x, y) => semver.compare(y.version, x.version))[0] ?? packages[0];
  if (!chosen) throw new AppError('PLUGIN_NOT_FOUND', { pluginId, version: input.version });
  const manifest = chosen.manifest;
  if (!chosen.compatible) throw new AppError('PLUGIN_ENGINE_INCOMPATIBLE', { pluginId, engine: manifest.engine, hostVersion: hostApiVersion() });
  const extra = input.grants.filter((g) => !manifest.permissions.includes(g));
  if (extra.length) throw new AppError('PLUGIN_GRANT_NOT_REQUESTED', { permissions: extra.join(', '), requested: manifest.permissions });
  const settings = checkSettings(manifest, input.settings ?? {});
  for (const [dependency, range] of Object.entries(manifest.dependencies)) {
    const dep = await kernel.db.selectFrom('plugin_units').select(['version', 'state']).where('unit_id', '=', unitId).where('plugin_id', '=', dependency).executeTakeFirst();
    if (!dep || dep.state !== 'enabled' || !semver.satisfies(dep.version, range)) throw new AppError('PLUGIN_DEPENDENCY_MISSING', { dependency, range });
  }
  const previous = await kernel.db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
  const grants = [...new Set(input.grants)];
  const failMode = input.failMode ?? previous?.fail_mode ?? 'open';
  const host = hostOf(kernel);
  // The plugin's own migration for this unit (first enable or upgrade), under the grants given.
  const from = previous?.migrated_version ?? null;
  if (from !== chosen.version) {
    const reply = await host.invoke(
      { unitId, pluginId, version: chosen.version, state: 'enabled', grants, settings, failMode, faults: 0 },
      'migrate', 'migrate', { from, to: chosen.version },
    );
    if (!reply.ok && reply.error.code !== 'PLUGIN_ENTRY_MISSING') {
      throw new AppError('PLUGIN_FAULT', { pluginId, code: reply.error.code, message: reply.error.message, during: 'migrate' });
    }
  }
  const result = await kernel.db.transaction().execute(async (tx) => {
    const values = {
      version: chosen.version, state: 'enabled' as const, grants: JSON.stringify(grants), settings: JSON.stringify(settings),
      fail_mode: failMode, faults: 0, last_fault: null, migrated_version: chosen.version, updated_at: nowIso(),
    };
    if (previous) await tx.updateTable('plugin_units').set(values).where('id', '=', previous.id).execute();
    else await tx.insertInto('plugin_units').values({ unit_id: unitId, plugin_id: pluginId, ...values }).execute();
    const upgraded = previous && previous.version !== chosen.version;
    await appendAudit(tx, {
      actor: by, unitId, action: upgraded ? 'plugin.upgrade' : 'plugin.enable', entity: 'plugin', entityId: `${unitId}:${pluginId}`,
      before: previous ? { state: previous.state, version: previous.version, grants: JSON.parse(previous.grants) } : null,
      after: { state: 'enabled', version: chosen.version, grants, settings, failMode },
    });
    return { pluginId, unitId, version: chosen.version, state: 'enabled', grants, settings, failMode };
  });
  if (previous && previous.version !== chosen.version) host.runner.drop(`${pluginId}@${previous.version}`, unitId);
  // A re-enable starts from a fresh context: nothing from before the breaker survives.
  host.runner.drop(`${pluginId}@${chosen.version}`, unitId);
  return result;
}

export async function disable(kernel: Kernel, by: AuditActor, unitId: string, pluginId: string) {
  const result = await kernel.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
    if (!row || row.state === 'disabled') throw new AppError('PLUGIN_NOT_ENABLED', { pluginId });
    const others = await tx.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('state', '=', 'enabled').where('plugin_id', '!=', pluginId).execute();
    const host = hostOf(kernel);
    for (const other of others) {
      const pkg = await host.loadPackage(tx, other.plugin_id, other.version);
      if (pkg.manifest.dependencies[pluginId]) throw new AppError('PLUGIN_DEPENDED_ON', { dependent: other.plugin_id });
    }
    await tx.updateTable('plugin_units').set({ state: 'disabled', updated_at: nowIso() }).where('id', '=', row.id).execute();
    await appendAudit(tx, {
      actor: by, unitId, action: 'plugin.disable', entity: 'plugin', entityId: `${unitId}:${pluginId}`, before: { state: row.state }, after: { state: 'disabled' },
    });
    return { ...enablementOf(row), state: 'disabled' as const };
  });
  hostOf(kernel).runner.drop(`${pluginId}@${result.version}`, unitId);
  return { pluginId, unitId, state: 'disabled' };
}

/** The enabled plugin of a unit, or a clear refusal. */
export async function enabledIn(db: Executor, unitId: string, pluginId: string) {
  const row = await db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
  if (!row || row.state !== 'enabled') throw new AppError('PLUGIN_NOT_ENABLED', { pluginId, state: row?.state ?? 'available' });
  return enablementOf(row);
}
