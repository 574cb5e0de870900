import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../connection.js';

/**
 * What a plugin may consume in a unit (issue 14): quotas the system administrator sets, the size of
 * every stored document, hourly counters, and an index that keeps the plugin log a ring.
 *
 * - `plugin_docs.bytes`: the UTF-8 size of the document's JSON, so a query can stop at its answer
 *   budget and a put can check the storage quota without reading any document. On SQLite the table
 *   is rebuilt with `data` as its last column: every other column is then read from the row's first
 *   page, never after walking a large document's overflow chain (PostgreSQL keeps large values out
 *   of line anyway). `plugin_docs_recent` orders a collection newest first and carries `bytes`, so
 *   the first step of a query and the usage sum are index-only; the idxN indexes gain the same order.
 * - `plugin_quotas`: overrides per plugin (`unit_id` '' = every unit) or per plugin and unit; a null
 *   field inherits (unit → plugin → the host's default).
 * - `plugin_rates`: one fixed-window counter per (plugin, unit, kind), e.g. notifications this hour.
 * - `plugin_logs_ring`: the newest entries of one plugin in one unit, for the ring and the log route.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  for (const name of ['plugin_docs_idx0', 'plugin_docs_idx1', 'plugin_docs_idx2']) await db.schema.dropIndex(name).ifExists().execute();
  if (pg) {
    await db.schema.alterTable('plugin_docs').addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await sql`update plugin_docs set bytes = octet_length(data)`.execute(db);
  } else {
    await db.schema
      .createTable('plugin_docs_new')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('plugin_id', 'text', (c) => c.notNull())
      .addColumn('unit_id', 'text', (c) => c.notNull())
      .addColumn('collection', 'text', (c) => c.notNull())
      .addColumn('doc_id', 'text', (c) => c.notNull())
      .addColumn('idx0', 'text')
      .addColumn('idx1', 'text')
      .addColumn('idx2', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('data', 'text', (c) => c.notNull())
      .addUniqueConstraint('plugin_docs_key', ['plugin_id', 'unit_id', 'collection', 'doc_id'])
      .execute();
    await sql`
      insert into plugin_docs_new (id, plugin_id, unit_id, collection, doc_id, idx0, idx1, idx2, updated_at, bytes, data)
      select id, plugin_id, unit_id, collection, doc_id, idx0, idx1, idx2, updated_at, length(cast(data as blob)), data from plugin_docs`.execute(db);
    await db.schema.dropTable('plugin_docs').execute();
    await db.schema.alterTable('plugin_docs_new').renameTo('plugin_docs').execute();
  }
  await db.schema.createIndex('plugin_docs_recent').on('plugin_docs').columns(['plugin_id', 'unit_id', 'collection', 'updated_at', 'id', 'bytes']).execute();
  for (const k of [0, 1, 2]) {
    await db.schema.createIndex(`plugin_docs_idx${k}`).on('plugin_docs').columns(['plugin_id', 'unit_id', 'collection', `idx${k}`, 'updated_at', 'id']).execute();
  }

  await db.schema
    .createTable('plugin_quotas')
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('storage_bytes', 'bigint')
    .addColumn('storage_docs', 'integer')
    .addColumn('log_entries', 'integer')
    .addColumn('notifications_per_hour', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer')
    .addPrimaryKeyConstraint('plugin_quotas_pk', ['plugin_id', 'unit_id'])
    .execute();

  await db.schema
    .createTable('plugin_rates')
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('plugin_rates_pk', ['plugin_id', 'unit_id', 'kind'])
    .execute();

  await db.schema.createIndex('plugin_logs_ring').on('plugin_logs').columns(['plugin_id', 'unit_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('plugin_logs_ring').ifExists().execute();
  await db.schema.dropTable('plugin_rates').ifExists().execute();
  await db.schema.dropTable('plugin_quotas').ifExists().execute();
  await db.schema.dropIndex('plugin_docs_recent').ifExists().execute();
  for (const k of [0, 1, 2]) {
    await db.schema.dropIndex(`plugin_docs_idx${k}`).ifExists().execute();
    await db.schema.createIndex(`plugin_docs_idx${k}`).on('plugin_docs').columns(['plugin_id', 'unit_id', 'collection', `idx${k}`]).execute();
  }
  // The column (and on SQLite the column order) stays: nothing older reads `bytes`, and a rebuild buys nothing.
}
