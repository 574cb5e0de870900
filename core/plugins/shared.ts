import type { Executor } from '../db/connection.js';
import { manifestSchema, type Manifest } from '../../sdk/manifest.js';
import { HostCallError } from './errors.js';
import { objectArg } from './ledger-read.js';
import { storageCall } from './storage.js';

/**
 * `host.shared.query(pluginId, collection, where?, options?)` (host API 1.1.0, permission `shared.read`):
 * one plugin reading a collection another plugin shares, read-only, in the same unit only. Both sides
 * declare it — the owner in `shares`, the reader in `reads` — and the unit admin grants the reader
 * `shared.read`; the owner must be enabled in the unit. The answer is the owner's storage.query answer
 * (same equality on its indexed fields, paging and 1 MiB budget), never another unit's documents.
 */

/** Installed manifests by `pluginId@version` (a version's manifest never changes). */
const manifests = new Map<string, Manifest>();

async function manifestOf(db: Executor, pluginId: string, version: string): Promise<Manifest | null> {
  const key = `${pluginId}@${version}`;
  const cached = manifests.get(key);
  if (cached) return cached;
  const row = await db.selectFrom('plugin_packages').select('manifest').where('plugin_id', '=', pluginId).where('version', '=', version).executeTakeFirst();
  if (!row) return null;
  const manifest = manifestSchema.parse(JSON.parse(row.manifest));
  if (manifests.size > 500) manifests.clear();
  manifests.set(key, manifest);
  return manifest;
}

export async function sharedQuery(db: Executor, reader: { pluginId: string; unitId: string; manifest: Manifest }, a: unknown[]): Promise<unknown> {
  const owner = String(a[0] ?? '').slice(0, 48);
  const name = String(a[1] ?? '').slice(0, 40);
  if (!reader.manifest.reads.some((r) => r.plugin === owner && r.collection === name)) {
    throw new HostCallError('PLUGIN_SHARED_NOT_DECLARED', `reads in the manifest does not name ${owner}/${name}`, 403);
  }
  const row = await db.selectFrom('plugin_units').select(['version', 'state']).where('unit_id', '=', reader.unitId).where('plugin_id', '=', owner).executeTakeFirst();
  if (!row || row.state !== 'enabled') {
    throw new HostCallError('PLUGIN_SHARED_NOT_ENABLED', `plugin ${owner} is not enabled in this unit`, 404);
  }
  const manifest = await manifestOf(db, owner, row.version);
  if (!manifest || !manifest.shares.includes(name) || !manifest.collections.some((c) => c.name === name)) {
    throw new HostCallError('PLUGIN_SHARED_NOT_SHARED', `plugin ${owner} ${row.version} does not share a collection ${name}`, 403);
  }
  // The owner's own query, bound to the owner and the reader's unit: reading only (no quota is needed).
  const bound = { pluginId: owner, unitId: reader.unitId, manifest, quotas: () => Promise.reject(new HostCallError('PLUGIN_READ_ONLY', 'shared collections are read-only', 403)) };
  return storageCall(db, bound, 'storage.query', [name, objectArg(a[2]), objectArg(a[3])]);
}
