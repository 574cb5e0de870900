import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../connection.js';

/**
 * The plugin host: installed bundles (several versions per plugin), trusted publisher keys,
 * per-unit enablement with grants, per plugin+unit document storage, the per-plugin delivery queue
 * fed from the outbox, in-app notifications and plugin logs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  const serial = pg ? 'serial' : 'integer';
  const table = (name: string) =>
    db.schema.createTable(name).addColumn('id', serial, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()));

  await table('plugin_packages')
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('signed_by', 'text')
    .addColumn('installed_by', 'integer')
    .addColumn('installed_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('plugin_packages_id_version', ['plugin_id', 'version'])
    .execute();

  await table('plugin_publishers')
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('plugin_host_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await table('plugin_units')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('grants', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('fail_mode', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('faults', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_fault', 'text')
    .addColumn('migrated_version', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('plugin_units_unit_plugin', ['unit_id', 'plugin_id'])
    .addCheckConstraint('plugin_units_state', sql`state in ('enabled', 'disabled', 'tripped')`)
    .execute();

  await table('plugin_docs')
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('doc_id', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('idx0', 'text')
    .addColumn('idx1', 'text')
    .addColumn('idx2', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('plugin_docs_key', ['plugin_id', 'unit_id', 'collection', 'doc_id'])
    .execute();
  await db.schema.createIndex('plugin_docs_idx0').on('plugin_docs').columns(['plugin_id', 'unit_id', 'collection', 'idx0']).execute();
  await db.schema.createIndex('plugin_docs_idx1').on('plugin_docs').columns(['plugin_id', 'unit_id', 'collection', 'idx1']).execute();
  await db.schema.createIndex('plugin_docs_idx2').on('plugin_docs').columns(['plugin_id', 'unit_id', 'collection', 'idx2']).execute();

  // One row per (event, plugin, unit): the unique key is the delivery's idempotency by event id.
  await table('plugin_deliveries')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('done_at', 'text')
    .addUniqueConstraint('plugin_deliveries_key', ['event_id', 'plugin_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('plugin_deliveries_due').on('plugin_deliveries').columns(['status', 'next_at']).execute();

  // How far the fan-out from the outbox has read (one row).
  await db.schema
    .createTable('plugin_outbox_cursor')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('last_id', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('plugin_outbox_cursor').values({ id: 1, last_id: 0 }).execute();

  await table('notifications')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('user_id', 'integer')
    .addColumn('role', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('link', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.createIndex('notifications_unit').on('notifications').columns(['unit_id', 'created_at']).execute();

  await table('plugin_logs')
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['plugin_logs', 'notifications', 'plugin_outbox_cursor', 'plugin_deliveries', 'plugin_docs', 'plugin_units', 'plugin_host_settings', 'plugin_publishers', 'plugin_packages']) {
    await db.schema.dropTable(name).ifExists().execute();
  }
}
