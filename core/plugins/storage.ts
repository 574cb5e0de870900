import { sql } from 'kysely';
import { dialectOf, type Executor } from '../db/connection.js';
import { nowIso } from '../clock.js';
import type { Manifest } from '../../sdk/manifest.js';
import { HostCallError } from './errors.js';
import { objectArg } from './ledger-read.js';
import { prepared } from '../db/prepared.js';
import { quotaExceeded, storageUsage, withQuotaLock, type PluginQuotas } from './quotas.js';
import { indexDocument, searchDocuments, unindexDocuments } from './search.js';

/**
 * A plugin's storage: document collections per plugin and unit, declared in its manifest, never
 * shared. Every answer has a size budget, enforced while rows are read: a query first reads the
 * candidates' recorded sizes from an index (no document is touched), then fetches only the
 * documents that fit, in slices, yielding to the event loop between them — so a collection of
 * large documents never builds tens of megabytes on the core's main thread. Writes are checked
 * against the plugin's storage quota in the unit before anything is written.
 */
const MAX_DOC_BYTES = 64 * 1024;
/** The most one storage answer carries, in characters of JSON (as the 1 MiB cap on a plugin's result). */
export const STORAGE_ANSWER_BYTES = 1024 * 1024;
const QUERY_DEFAULT = 100;
const QUERY_MAX = 500;
/** `{"id":…,"data":…,"updatedAt":"…"}` around a document: the id is at most 200 characters. */
const ENTRY_OVERHEAD = 300;
/** Documents fetched per slice of a query, by their recorded size. */
const SLICE_BYTES = 256 * 1024;

/** Who is calling: storage is always bound to one plugin in one unit. */
export interface StorageOwner {
  pluginId: string;
  unitId: string;
  manifest: Manifest;
  /** The plugin's quotas in the unit (read once per invocation). */
  quotas(): Promise<PluginQuotas>;
}

type Collection = Manifest['collections'][number];

/** Answers `storage.put`, `storage.get`, `storage.delete` and `storage.query`. */
export async function storageCall(db: Executor, owner: StorageOwner, method: string, a: unknown[]): Promise<unknown> {
  const collection = collectionOf(owner, a[0]);
  const name = collection.name;
  if (method === 'storage.query') return query(db, owner, collection, objectArg(a[1]), objectArg(a[2]));
  if (method === 'storage.search') return searchDocuments(db, owner, collection, a[1], objectArg(a[2]));
  const id = docIdOf(a[1]);
  const key = (q: ReturnType<typeof docs>) => q.where('doc_id', '=', id);
  const docs = (x: Executor) => x.selectFrom('plugin_docs').where('plugin_id', '=', owner.pluginId).where('unit_id', '=', owner.unitId).where('collection', '=', name);
  if (method === 'storage.get') {
    const row = await key(docs(db)).select(['doc_id', 'data', 'updated_at']).executeTakeFirst();
    return row ? { id: row.doc_id, data: JSON.parse(row.data), updatedAt: row.updated_at } : null;
  }
  if (method === 'storage.delete') {
    if (collection.search?.length) await unindexDocuments(db, (await key(docs(db)).select('id').execute()).map((r) => r.id));
    const result = await db.deleteFrom('plugin_docs')
      .where('plugin_id', '=', owner.pluginId).where('unit_id', '=', owner.unitId).where('collection', '=', name).where('doc_id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
  const { doc, data } = docWrite(owner, collection, id, a[2]);
  const quotas = await owner.quotas();
  // Usage, check and write under one lock per (plugin, unit): concurrent puts cannot both pass the last free byte.
  await withQuotaLock(db, owner.pluginId, owner.unitId, async (tx) => {
    const rowId = dialectOf(tx) === 'postgres' ? await upsertWithinQuotaPg(tx, doc, quotas) : await upsertWithinQuota(tx, doc, quotas);
    // Its search terms in the same transaction: a search never finds a document by its old text.
    if (collection.search?.length) await indexDocument(tx, owner, collection, rowId, data as Record<string, unknown>);
  });
  return null;
}

interface DocWrite {
  pluginId: string; unitId: string; collection: string; docId: string;
  idx0: string | null; idx1: string | null; idx2: string | null; data: string; bytes: number; updated_at: string;
}

/** The collection a call names, declared in the plugin's manifest. */
function collectionOf(owner: StorageOwner, value: unknown): Collection {
  const name = String(value ?? '');
  const collection = owner.manifest.collections.find((c) => c.name === name);
  if (!collection) throw new HostCallError('PLUGIN_UNKNOWN_COLLECTION', `collection ${name.slice(0, 40)} is not declared in the manifest`, 400);
  return collection;
}

function docIdOf(value: unknown): string {
  const id = String(value ?? '');
  if (id.length === 0 || id.length > 200) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'document ids are 1–200 characters', 400);
  return id;
}

/** A put's document as it is stored, checked (a JSON object within the size limit), its index fields read. */
function docWrite(owner: StorageOwner, collection: Collection, docId: string, data: unknown): { doc: DocWrite; data: Record<string, unknown> } {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'documents are JSON objects', 400);
  const json = JSON.stringify(data);
  if (json.length > MAX_DOC_BYTES) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', `documents are limited to ${MAX_DOC_BYTES} bytes`, 413);
  const idx = (i: number) => {
    const field = collection.indexes[i];
    const value = field ? (data as Record<string, unknown>)[field] : undefined;
    return value === undefined || value === null ? null : String(value).slice(0, 200);
  };
  return {
    doc: {
      pluginId: owner.pluginId, unitId: owner.unitId, collection: collection.name, docId,
      idx0: idx(0), idx1: idx(1), idx2: idx(2), data: json, bytes: Buffer.byteLength(json, 'utf8'), updated_at: nowIso(),
    },
    data: data as Record<string, unknown>,
  };
}

/**
 * Several puts in one statement (PostgreSQL; an event batch's deferred puts, deferred-puts.ts):
 * answers false, having written nothing, unless every put is valid, none is to a searchable
 * collection and the quotas allow the net result (each document once, as its last put left it) —
 * the caller then writes them one by one, which finds and explains the put that cannot be made.
 * Documents only grow in number along the puts, so the net count bounds every step's.
 */
export async function putManyPg(tx: Executor, owner: StorageOwner, calls: unknown[][]): Promise<boolean> {
  const last = new Map<string, DocWrite>();
  for (const a of calls) {
    try {
      const collection = collectionOf(owner, a[0]);
      if (collection.search?.length) return false;
      const { doc } = docWrite(owner, collection, docIdOf(a[1]), a[2]);
      last.set(`${doc.collection}\u0000${doc.docId}`, doc);
    } catch {
      return false;
    }
  }
  const docs = [...last.values()];
  if (!docs.length) return true;
  const { pluginId, unitId } = owner;
  const quotas = await owner.quotas();
  const rows = sql.join(docs.map((d) => sql`(${d.collection}, ${d.docId}, ${d.idx0}, ${d.idx1}, ${d.idx2}, ${d.data}, cast(${d.bytes} as bigint), ${d.updated_at})`));
  return withQuotaLock(tx, pluginId, unitId, async (locked) => {
    const { rows: [answer] } = await sql<{ fits: boolean }>`
      with input (collection, doc_id, idx0, idx1, idx2, data, bytes, updated_at) as (values ${rows}),
      old as (select d.bytes from plugin_docs d join input i on d.collection = i.collection and d.doc_id = i.doc_id
        where d.plugin_id = ${pluginId} and d.unit_id = ${unitId}),
      fits as (select
        coalesce((select docs from plugin_storage_usage where plugin_id = ${pluginId} and unit_id = ${unitId}), 0)
          + (select count(*) from input) - (select count(*) from old) <= cast(${quotas.storageDocs} as bigint)
        and coalesce((select bytes from plugin_storage_usage where plugin_id = ${pluginId} and unit_id = ${unitId}), 0)
          + (select sum(bytes) from input) - coalesce((select sum(bytes) from old), 0) <= cast(${quotas.storageBytes} as bigint) as ok),
      put as (
        insert into plugin_docs (plugin_id, unit_id, collection, doc_id, idx0, idx1, idx2, data, bytes, updated_at)
        select ${pluginId}, ${unitId}, collection, doc_id, idx0, idx1, idx2, data, bytes, updated_at from input where (select ok from fits)
        on conflict (plugin_id, unit_id, collection, doc_id) do update set
          idx0 = excluded.idx0, idx1 = excluded.idx1, idx2 = excluded.idx2, data = excluded.data, bytes = excluded.bytes, updated_at = excluded.updated_at
        returning 1)
      select ok as fits from fits`.execute(locked);
    return answer!.fits === true;
  });
}

/** Refuses a write the storage quotas do not allow; `old`: the size of the document it replaces. */
function checkQuota(pluginId: string, usage: { docs: number; bytes: number; old: number | null }, bytes: number, quotas: PluginQuotas): void {
  if (usage.old === null && usage.docs + 1 > quotas.storageDocs) throw quotaExceeded(pluginId, 'storageDocs', usage.docs, quotas.storageDocs, 1);
  const growth = bytes - (usage.old ?? 0);
  // A document that shrinks is always accepted, even over a quota lowered since it was stored.
  if (growth > 0 && usage.bytes + growth > quotas.storageBytes) throw quotaExceeded(pluginId, 'storageBytes', usage.bytes, quotas.storageBytes, growth);
}

/** Usage, check and write (SQLite: statements cost no round trip). Returns the document's row id. */
async function upsertWithinQuota(tx: Executor, doc: DocWrite, quotas: PluginQuotas): Promise<number> {
  checkQuota(doc.pluginId, await storageUsage(tx, doc.pluginId, doc.unitId, { collection: doc.collection, docId: doc.docId }), doc.bytes, quotas);
  const [row] = await upsertDoc(tx, doc.pluginId, doc.unitId, doc.collection, doc.docId, doc.idx0, doc.idx1, doc.idx2, doc.data, doc.bytes, doc.updated_at);
  return row!.id;
}

const upsertDoc = prepared((tx: Executor, pluginId: string, unitId: string, collection: string, docId: string,
  idx0: string | null, idx1: string | null, idx2: string | null, data: string, bytes: number, updatedAt: string) => {
  const values = { idx0, idx1, idx2, data, bytes, updated_at: updatedAt };
  return tx.insertInto('plugin_docs').values({ plugin_id: pluginId, unit_id: unitId, collection, doc_id: docId, ...values })
    .onConflict((oc) => oc.columns(['plugin_id', 'unit_id', 'collection', 'doc_id']).doUpdateSet(values)).returning('id');
});

/**
 * The same in one statement on PostgreSQL (a round trip per put less, the cost of every event a
 * plugin stores): the usage figures and the replaced document's size are read, and the write is
 * made only where the quotas allow it, as checkQuota judges; a refused write is explained by
 * checkQuota from the figures the statement read. Runs under the (plugin, unit)'s quota lock, so
 * the figures cannot move between the read and the write.
 */
async function upsertWithinQuotaPg(tx: Executor, doc: DocWrite, quotas: PluginQuotas): Promise<number> {
  const { pluginId, unitId, collection, docId } = doc;
  const size = sql`cast(${doc.bytes} as bigint)`;
  const { rows } = await sql<{ docs: string | null; bytes: string | null; old: string | null; written: number | null }>`
    with usage as (
      select (select docs from plugin_storage_usage where plugin_id = ${pluginId} and unit_id = ${unitId}) as docs,
             (select bytes from plugin_storage_usage where plugin_id = ${pluginId} and unit_id = ${unitId}) as bytes,
             (select bytes from plugin_docs where plugin_id = ${pluginId} and unit_id = ${unitId} and collection = ${collection} and doc_id = ${docId}) as old),
    put as (
      insert into plugin_docs (plugin_id, unit_id, collection, doc_id, idx0, idx1, idx2, data, bytes, updated_at)
      select ${pluginId}, ${unitId}, ${collection}, ${docId}, ${doc.idx0}, ${doc.idx1}, ${doc.idx2}, ${doc.data}, ${size}, ${doc.updated_at} from usage
      where (old is not null or coalesce(docs, 0) + 1 <= cast(${quotas.storageDocs} as bigint))
        and (${size} <= coalesce(old, 0) or coalesce(usage.bytes, 0) + ${size} - coalesce(old, 0) <= cast(${quotas.storageBytes} as bigint))
      on conflict (plugin_id, unit_id, collection, doc_id) do update set
        idx0 = excluded.idx0, idx1 = excluded.idx1, idx2 = excluded.idx2, data = excluded.data, bytes = excluded.bytes, updated_at = excluded.updated_at
      returning id)
    select docs, bytes, old, (select id from put) as written from usage`.execute(tx);
  const row = rows[0]!;
  if (row.written !== null) return Number(row.written);
  checkQuota(pluginId, { docs: Number(row.docs ?? 0), bytes: Number(row.bytes ?? 0), old: row.old === null ? null : Number(row.old) }, doc.bytes, quotas);
  throw new Error(`storage put of ${collection}/${docId} was not written, yet within the quotas`);
}

/** The position after a document in a query's order (newest first): opaque to the plugin. */
function cursorOf(row: { updated_at: string; id: number }): string {
  return Buffer.from(`${row.updated_at}\n${row.id}`, 'utf8').toString('base64url');
}

function parseCursor(value: unknown): { at: string; id: number } | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.length > 200) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'after: null for the first page, else the `next` of the page before');
  const [at, id, extra] = Buffer.from(value, 'base64url').toString('utf8').split('\n');
  const n = Number(id);
  if (extra !== undefined || !at || !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(at) || !Number.isSafeInteger(n) || n < 0) {
    throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'after: not a cursor of this collection (pass the `next` of the page before)');
  }
  return { at, id: n };
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `storage.query(collection, where, { limit, after })`: equality on indexed fields, newest first.
 * Without `after` the answer is an array (host API 1.0.0): at most `limit` documents, fewer when
 * the answer budget is reached. With `after` (null for the first page, then the `next` it returned)
 * it is a page `{ items, next }`; `next` is null after the last page.
 */
async function query(db: Executor, owner: StorageOwner, collection: Collection, where: Record<string, unknown>, options: Record<string, unknown>) {
  const paged = Object.prototype.hasOwnProperty.call(options, 'after');
  const after = paged ? parseCursor(options.after) : null;
  const limit = Math.min(Math.max(1, Number(options.limit) || QUERY_DEFAULT), QUERY_MAX);
  let heads = db.selectFrom('plugin_docs').select(['id', 'bytes', 'updated_at'])
    .where('plugin_id', '=', owner.pluginId).where('unit_id', '=', owner.unitId).where('collection', '=', collection.name);
  for (const [field, value] of Object.entries(where)) {
    const index = collection.indexes.indexOf(field);
    if (index < 0) throw new HostCallError('PLUGIN_NOT_INDEXED', `field ${field.slice(0, 40)} is not an indexed field of ${collection.name}`, 400);
    heads = heads.where(`idx${index}` as 'idx0', '=', String(value));
  }
  if (after) heads = heads.where((eb) => eb(eb.refTuple('updated_at', 'id'), '<', eb.tuple(after.at, after.id)));
  // Step 1: positions and recorded sizes only (index plugin_docs_recent / idxN; no document read).
  const candidates = await heads.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const chosen: typeof candidates = [];
  let planned = 0;
  for (const c of candidates.slice(0, limit)) {
    const size = c.bytes + ENTRY_OVERHEAD;
    if (chosen.length > 0 && planned + size > STORAGE_ANSWER_BYTES) break;
    chosen.push(c);
    planned += size;
  }
  // Step 2: the chosen documents, a slice at a time, with the budget checked again on what was read
  // (a document may have grown or gone since step 1).
  const items: Array<{ id: string; data: unknown; updatedAt: string }> = [];
  let used = 0;
  let last: (typeof candidates)[number] | undefined;
  let stopped = false;
  for (let start = 0; start < chosen.length && !stopped;) {
    let end = start;
    for (let slice = 0; end < chosen.length && (end === start || slice + chosen[end]!.bytes <= SLICE_BYTES) && end - start < 200; end++) slice += chosen[end]!.bytes;
    const ids = chosen.slice(start, end).map((c) => c.id);
    await yieldToLoop();
    const rows = new Map((await db.selectFrom('plugin_docs').select(['id', 'doc_id', 'data', 'updated_at'])
      .where('plugin_id', '=', owner.pluginId).where('unit_id', '=', owner.unitId).where('collection', '=', collection.name)
      .where('id', 'in', ids).execute()).map((r) => [r.id, r]));
    for (const c of chosen.slice(start, end)) {
      const row = rows.get(c.id);
      if (row) {
        const size = row.data.length + row.doc_id.length + 64;
        if (items.length > 0 && used + size > STORAGE_ANSWER_BYTES) {
          stopped = true;
          break;
        }
        items.push({ id: row.doc_id, data: JSON.parse(row.data), updatedAt: row.updated_at });
        used += size;
      }
      last = c;
    }
    start = end;
  }
  if (!paged) return items;
  const more = stopped || chosen.length < Math.min(limit, candidates.length) || candidates.length > limit;
  return { items, next: more && last ? cursorOf(last) : null };
}
