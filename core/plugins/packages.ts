import type { Executor, Tx } from '../db/connection.js';
import { nowIso } from '../clock.js';
import { appendAudit, type AuditActor } from '../audit/service.js';
import { manifestSchema, type Manifest } from '../../sdk/manifest.js';
import type { PluginOwnerView } from '@unibudget/sdk/contracts/plugins';
import { AppError, HostCallError } from './errors.js';

/** An installed plugin version as the host runs it: its checked manifest and its code. */
export interface LoadedPackage {
  pluginId: string;
  version: string;
  /** `pluginId@version`: one isolate each in the runner. */
  key: string;
  manifest: Manifest;
  code: string;
}

/** Installed versions read once from plugin_packages and kept (a version's code never changes). */
export class PackageCache {
  private readonly packages = new Map<string, LoadedPackage>();

  async load(db: Executor, pluginId: string, version: string): Promise<LoadedPackage> {
    const key = `${pluginId}@${version}`;
    const cached = this.packages.get(key);
    if (cached) return cached;
    const row = await db.selectFrom('plugin_packages').select(['manifest', 'code']).where('plugin_id', '=', pluginId).where('version', '=', version).executeTakeFirst();
    if (!row) throw new HostCallError('PLUGIN_NOT_FOUND', `plugin ${key} is not installed`, 404);
    const loaded = { pluginId, version, key, manifest: manifestSchema.parse(JSON.parse(row.manifest)), code: row.code };
    this.packages.set(key, loaded);
    return loaded;
  }

  /** Forgets a plugin's versions (or one); returns the keys forgotten, whose isolates the caller drops. */
  forget(pluginId: string, version?: string): string[] {
    const forgotten: string[] = [];
    for (const key of [...this.packages.keys()]) {
      if (key.startsWith(`${pluginId}@`) && (!version || key === `${pluginId}@${version}`)) {
        this.packages.delete(key);
        forgotten.push(key);
      }
    }
    return forgotten;
  }
}

// ------------------------------------------------------------------ who owns a plugin id

/**
 * A plugin id's owner (plugin_owners, migration 009). The id is the plugin's identity — its storage,
 * enablements, deliveries and logs are keyed by it — so it belongs to one publisher: the trusted
 * publisher (by name, the name its key is trusted under) whose bundle first installed it, or
 * unsigned bundles (`publisher: null`) when the first install was unsigned. Only the system
 * administrator moves it (transferPluginId); uninstalling, even with purge, keeps it.
 */
export type PluginOwner = PluginOwnerView;

type OwnerRow = { plugin_id: string; publisher: string | null; since: string; how: PluginOwner['how']; assigned_by: number | null; assigned_by_name: string | null };

const ownerView = (row: OwnerRow): PluginOwner => ({
  pluginId: row.plugin_id, publisher: row.publisher, since: row.since, how: row.how, assignedBy: row.assigned_by, assignedByName: row.assigned_by_name,
});

/** plugin_owners with the display name of who assigned each id (null: the system). */
const owners = (db: Executor) => db.selectFrom('plugin_owners as o')
  .leftJoin('users as u', 'u.id', 'o.assigned_by')
  .selectAll('o').select('u.display_name as assigned_by_name');

/** How an owner (or a bundle's signer) is named in messages. */
export function publisherLabel(publisher: string | null): { zh: string; en: string } {
  return publisher === null ? { zh: '未签名的插件包', en: 'unsigned bundles' } : { zh: `发布者「${publisher}」`, en: `publisher "${publisher}"` };
}

export async function ownerOf(db: Executor, pluginId: string): Promise<PluginOwner | null> {
  const row = await owners(db).where('o.plugin_id', '=', pluginId).executeTakeFirst();
  return row ? ownerView(row) : null;
}

export async function listOwners(db: Executor): Promise<PluginOwner[]> {
  return (await owners(db).orderBy('o.plugin_id').execute()).map(ownerView);
}

/**
 * At install, before anything is written: the id is claimed for the bundle's publisher (signer, or
 * null when unsigned) if nobody owns it yet, and refused when someone else does — a signed bundle
 * never takes an id its publisher does not own, and an unsigned one never takes a publisher's id.
 * Concurrent first installs of one id by two publishers: the key serializes them, one is refused.
 */
export async function claimPluginId(tx: Tx, by: AuditActor, pluginId: string, publisher: string | null): Promise<PluginOwner & { claimed: boolean }> {
  const inserted = await tx.insertInto('plugin_owners')
    .values({ plugin_id: pluginId, publisher, since: nowIso(), assigned_by: by.userId, how: 'install' })
    .onConflict((oc) => oc.column('plugin_id').doNothing())
    .executeTakeFirst();
  const owner = await ownerOf(tx, pluginId);
  if (!owner) throw new Error(`plugin_owners: no row for ${pluginId} after claiming it`);
  if (owner.publisher !== publisher) {
    const ownerLabel = publisherLabel(owner.publisher);
    const from = publisherLabel(publisher);
    throw new AppError('PLUGIN_ID_OWNED_BY_OTHER', {
      pluginId, owner: owner.publisher, publisher, ownerZh: ownerLabel.zh, ownerEn: ownerLabel.en, publisherZh: from.zh, publisherEn: from.en,
    });
  }
  return { ...owner, claimed: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 };
}

/**
 * The system administrator gives a plugin id to another trusted publisher (or to unsigned bundles,
 * `null`), audited: from then on only that publisher's bundles install under it, and enabling
 * without naming a version picks its versions. Versions already installed stay installed; a unit
 * keeps the version it has until its admin enables another. An id nobody owns yet may be given
 * ahead of its first install (a reservation).
 */
export async function transferPluginId(tx: Tx, by: AuditActor, pluginId: string, publisher: string | null): Promise<PluginOwner> {
  if (publisher !== null) {
    const trusted = await tx.selectFrom('plugin_publishers').select('name').where('name', '=', publisher).executeTakeFirst();
    if (!trusted) throw new AppError('PLUGIN_PUBLISHER_UNKNOWN', { publisher });
  }
  const before = await ownerOf(tx, pluginId);
  if (before && before.publisher === publisher) return before;
  await tx.deleteFrom('plugin_owners').where('plugin_id', '=', pluginId).execute();
  await tx.insertInto('plugin_owners').values({ plugin_id: pluginId, publisher, since: nowIso(), assigned_by: by.userId, how: 'transfer' }).execute();
  await appendAudit(tx, {
    actor: by, unitId: null, action: 'plugin.owner', entity: 'plugin', entityId: pluginId,
    before: before ? { publisher: before.publisher, since: before.since, how: before.how } : null,
    after: { publisher },
  });
  return (await ownerOf(tx, pluginId))!;
}
