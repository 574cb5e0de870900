import { createPublicKey, verify } from 'node:crypto';
import vm from 'node:vm';
import semver from 'semver';
import type { Executor, Tx } from '../db/connection.js';
import { afterCommit } from '../db/command.js';
import { nowIso } from '../clock.js';
import { appendAudit, type AuditActor } from '../audit/service.js';
import { AppError } from './errors.js';
import { bundleSchema, sha256Hex, signaturePayload } from '../../sdk/bundle.js';
import { engineSatisfied, manifestSchema, type Manifest } from '../../sdk/manifest.js';
import type { PluginHost } from './host.js';
import { claimPluginId, listOwners, ownerOf, publisherLabel } from './packages.js';
import { hostApiVersion } from './version.js';

/**
 * Plugin administration of the system: trusted publishers, installed packages (install,
 * uninstall); a unit's plugins are in units.ts. Writes are commands
 * `(tx, by, input)` run in the one command transaction (core/db/command.ts); what must
 * wait for the commit (dropping isolates and cached packages) is registered with afterCommit.
 * Plugin administration is also done by the system (demo seeding, the CLI, the SDK harness: see
 * admin.ts), so commands take the audit actor and the unit id rather than a signed-in actor's scope.
 * A plugin id belongs to one publisher (packages.ts, claimPluginId): install refuses anyone else's
 * bundle for it, and enabling without naming a version picks the owner's versions only.
 */

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

export interface TrustInput {
  allowUnsigned?: boolean | undefined;
  addPublisher?: { name: string; publicKey: string } | undefined;
  removePublisher?: string | undefined;
}

export async function updateTrust(tx: Tx, by: AuditActor, input: TrustInput) {
  if (input.addPublisher) {
    try {
      const key = createPublicKey(input.addPublisher.publicKey);
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
    } catch (error) {
      throw new AppError('PLUGIN_SIGNATURE_INVALID', { reason: `publisher key must be an ed25519 public key in PEM (${(error as Error).message})` });
    }
  }
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
  return trustSettings(tx);
}

// ------------------------------------------------------------------ install / uninstall

/**
 * An installed version as listed: its manifest, whether this host API can run it, who owns the id
 * (`ownedBy`: a publisher's name, null for unsigned bundles) and whether this version comes from
 * that owner (a version installed before a transfer does not).
 */
export type PackageView = ReturnType<typeof packageView>;

function packageView(
  row: { plugin_id: string; version: string; manifest: string; sha256: string; signed_by: string | null; installed_at: string },
  owner: { publisher: string | null } | null,
) {
  const manifest = JSON.parse(row.manifest) as Manifest;
  const compatible = engineSatisfied(manifest.engine, hostApiVersion());
  return {
    pluginId: row.plugin_id, version: row.version, sha256: row.sha256, signedBy: row.signed_by, installedAt: row.installed_at,
    ownedBy: owner ? owner.publisher : row.signed_by,
    fromOwner: owner ? owner.publisher === row.signed_by : true,
    compatible,
    incompatibleReason: compatible ? null : `needs host API ${manifest.engine}; this system provides ${hostApiVersion()}`,
    manifest,
  };
}

export async function installBundle(tx: Tx, by: AuditActor, raw: unknown) {
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
    const publisher = await tx.selectFrom('plugin_publishers').select(['name', 'public_key']).where('name', '=', bundle.signature.publisher).executeTakeFirst();
    if (!publisher) throw new AppError('PLUGIN_SIGNATURE_INVALID', { reason: `publisher ${bundle.signature.publisher} is not trusted` });
    let good = false;
    try {
      good = verify(null, signaturePayload(bundle.manifest, bundle.sha256), createPublicKey(publisher.public_key), Buffer.from(bundle.signature.value, 'base64'));
    } catch {
      good = false;
    }
    if (!good) throw new AppError('PLUGIN_SIGNATURE_INVALID', { reason: 'the signature does not verify with the publisher key' });
    signedBy = publisher.name;
  } else if ((await hostSetting(tx, 'allow_unsigned')) !== '1') {
    throw new AppError('PLUGIN_UNSIGNED_REFUSED');
  }
  // The id is its storage's key: a bundle from anyone but the id's owner is refused (or, for an id
  // nobody owns yet, the id becomes its publisher's). Refused here, before anything else is written.
  const owner = await claimPluginId(tx, by, manifest.id, signedBy);
  try {
    // Parse only (never run here): a syntax error is refused at install, not at first use.
    new vm.Script(bundle.code, { filename: `${manifest.id}.js` });
  } catch (error) {
    throw new AppError('PLUGIN_BUNDLE_INVALID', { reason: `code does not parse: ${(error as Error).message}` });
  }
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
  const view = packageView(row, owner);
  await appendAudit(tx, {
    actor: by, unitId: null, action: 'plugin.install', entity: 'plugin', entityId: `${manifest.id}@${manifest.version}`,
    after: { pluginId: manifest.id, version: manifest.version, sha256: bundle.sha256, signedBy, permissions: manifest.permissions, ...(owner.claimed ? { claimedId: true } : {}) },
  });
  return view;
}

export async function listPackages(db: Executor) {
  // Not the code: this list is read on every page load of the web app (navigation, bell).
  const rows = await db.selectFrom('plugin_packages').select(['plugin_id', 'version', 'manifest', 'sha256', 'signed_by', 'installed_at']).orderBy('plugin_id').orderBy('id').execute();
  const owners = new Map((await listOwners(db)).map((o) => [o.pluginId, o]));
  return rows.map((row) => packageView(row, owners.get(row.plugin_id) ?? null));
}

/**
 * The version an enable runs: the one named, else the newest compatible version from the id's
 * owner (never another publisher's). A named version from someone else is refused unless it is the
 * version the unit already has (re-enabling after the breaker, or saving settings, after a transfer).
 */
export async function chooseVersion(db: Executor, pluginId: string, packages: PackageView[], requested: string | undefined, current: string | undefined): Promise<PackageView> {
  if (requested) {
    const named = packages.find((p) => p.version === requested);
    if (!named) throw new AppError('PLUGIN_NOT_FOUND', { pluginId, version: requested });
    if (!named.fromOwner && named.version !== current) {
      const signer = publisherLabel(named.signedBy);
      const owner = publisherLabel(named.ownedBy);
      throw new AppError('PLUGIN_VERSION_NOT_FROM_OWNER', {
        pluginId, version: named.version, signedBy: named.signedBy, owner: named.ownedBy, signerZh: signer.zh, signerEn: signer.en, ownerZh: owner.zh, ownerEn: owner.en,
      });
    }
    return named;
  }
  const owned = packages.filter((p) => p.fromOwner);
  const chosen = owned.filter((p) => p.compatible).sort((x, y) => semver.compare(y.version, x.version))[0] ?? owned[0];
  if (!chosen) {
    const publisher = (await ownerOf(db, pluginId))?.publisher ?? null;
    const owner = publisherLabel(publisher);
    throw new AppError('PLUGIN_NO_OWNER_VERSION', { pluginId, owner: publisher, ownerZh: owner.zh, ownerEn: owner.en });
  }
  return chosen;
}

export interface UninstallInput {
  pluginId: string;
  purge: boolean;
  version?: string | undefined;
}

/** Uninstalls a plugin's versions (all, or one) that no unit uses; the last one may purge its data everywhere. */
export async function uninstall(tx: Tx, by: AuditActor, input: UninstallInput, host: PluginHost) {
  const { pluginId } = input;
  let packages = tx.selectFrom('plugin_packages').select(['id', 'version']).where('plugin_id', '=', pluginId);
  if (input.version) packages = packages.where('version', '=', input.version);
  const rows = await packages.execute();
  if (rows.length === 0) throw new AppError('PLUGIN_NOT_FOUND', { pluginId });
  const versions = rows.map((r) => r.version);
  const inUse = await tx.selectFrom('plugin_units').select('unit_id').where('plugin_id', '=', pluginId).where('state', 'in', ['enabled', 'tripped']).where('version', 'in', versions).execute();
  if (inUse.length) throw new AppError('PLUGIN_IN_USE', { pluginId, count: inUse.length, units: inUse.map((r) => r.unit_id) });
  await tx.deleteFrom('plugin_packages').where('plugin_id', '=', pluginId).where('version', 'in', versions).execute();
  const remaining = await tx.selectFrom('plugin_packages').select('id').where('plugin_id', '=', pluginId).executeTakeFirst();
  let purged = { docs: 0 };
  if (input.purge && !remaining) {
    const docs = await tx.deleteFrom('plugin_docs').where('plugin_id', '=', pluginId).executeTakeFirst();
    await tx.deleteFrom('plugin_doc_terms').where('plugin_id', '=', pluginId).execute();
    await tx.deleteFrom('plugin_units').where('plugin_id', '=', pluginId).execute();
    await tx.deleteFrom('plugin_deliveries').where('plugin_id', '=', pluginId).execute();
    await tx.deleteFrom('plugin_logs').where('plugin_id', '=', pluginId).execute();
    purged = { docs: Number(docs.numDeletedRows) };
  }
  await appendAudit(tx, {
    actor: by, unitId: null, action: 'plugin.uninstall', entity: 'plugin', entityId: pluginId,
    before: { versions }, after: { purge: input.purge && !remaining, purged, remainingVersions: remaining ? 'some' : 'none' },
  });
  afterCommit(tx, `plugins:forget:${pluginId}`, () => {
    for (const v of versions) host.forgetPackage(pluginId, v);
  });
  return { pluginId, removedVersions: versions, dataPurged: input.purge && !remaining, purged };
}
