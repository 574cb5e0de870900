import type { Executor } from '../db/connection.js';
import { nowIso } from '../clock.js';
import type { Manifest } from '../../sdk/manifest.js';
import { HostCallError } from './errors.js';
import { objectArg } from './ledger-read.js';

/** A plugin's storage: document collections per plugin and unit, declared in its manifest, never shared. */
const MAX_DOC_BYTES = 64 * 1024;

/** Who is calling: storage is always bound to one plugin in one unit. */
export interface StorageOwner {
  pluginId: string;
  unitId: string;
  manifest: Manifest;
}

/** Answers `storage.put`, `storage.get`, `storage.delete` and `storage.query`. */
export async function storageCall(db: Executor, owner: StorageOwner, method: string, a: unknown[]): Promise<unknown> {
  const name = String(a[0] ?? '');
  const collection = owner.manifest.collections.find((c) => c.name === name);
  if (!collection) throw new HostCallError('PLUGIN_UNKNOWN_COLLECTION', `collection ${name.slice(0, 40)} is not declared in the manifest`, 400);
  const base = db
    .selectFrom('plugin_docs')
    .where('plugin_id', '=', owner.pluginId)
    .where('unit_id', '=', owner.unitId)
    .where('collection', '=', name);
  if (method === 'storage.query') {
    const where = objectArg(a[1]);
    const options = objectArg(a[2]);
    let q = base.select(['doc_id', 'data', 'updated_at']);
    for (const [field, value] of Object.entries(where)) {
      const index = collection.indexes.indexOf(field);
      if (index < 0) throw new HostCallError('PLUGIN_NOT_INDEXED', `field ${field.slice(0, 40)} is not an indexed field of ${name}`, 400);
      q = q.where(`idx${index}` as 'idx0', '=', String(value));
    }
    const limit = Math.min(Math.max(1, Number(options.limit) || 100), 500);
    const rows = await q.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: r.doc_id, data: JSON.parse(r.data), updatedAt: r.updated_at }));
  }
  const id = String(a[1] ?? '');
  if (id.length === 0 || id.length > 200) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'document ids are 1–200 characters', 400);
  if (method === 'storage.get') {
    const row = await base.select(['doc_id', 'data', 'updated_at']).where('doc_id', '=', id).executeTakeFirst();
    return row ? { id: row.doc_id, data: JSON.parse(row.data), updatedAt: row.updated_at } : null;
  }
  if (method === 'storage.delete') {
    const result = await db.deleteFrom('plugin_docs')
      .where('plugin_id', '=', owner.pluginId).where('unit_id', '=', owner.unitId).where('collection', '=', name).where('doc_id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
  const data = a[2];
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'documents are JSON objects', 400);
  const json = JSON.stringify(data);
  if (json.length > MAX_DOC_BYTES) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', `documents are limited to ${MAX_DOC_BYTES} bytes`, 413);
  const idx = (i: number) => {
    const field = collection.indexes[i];
    const value = field ? (data as Record<string, unknown>)[field] : undefined;
    return value === undefined || value === null ? null : String(value).slice(0, 200);
  };
  const values = { idx0: idx(0), idx1: idx(1), idx2: idx(2), data: json, updated_at: nowIso() };
  await db
    .insertInto('plugin_docs')
    .values({ plugin_id: owner.pluginId, unit_id: owner.unitId, collection: name, doc_id: id, ...values })
    .onConflict((oc) => oc.columns(['plugin_id', 'unit_id', 'collection', 'doc_id']).doUpdateSet(values))
    .execute();
  return null;
}
