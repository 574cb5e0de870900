import { type Kysely } from 'kysely';
import { dialectOf } from '../connection.js';

/**
 * Blame for the plugin runner's deaths. Every death the runner could pin on one plugin version (the
 * isolate computing when memory or time ran out) is a row of plugin_runner_kills; a plugin that
 * kills the runner again and again (limits.ts: quarantineKills within quarantineWindowMs) is
 * quarantined everywhere — not run in any unit — until the system administrator releases it
 * (plugin_quarantine: one row per plugin id, released_at set by the release, kept for the record).
 * Kills before a release do not count toward the next quarantine.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  await db.schema
    .createTable('plugin_runner_kills')
    .addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('plugin_runner_kills_plugin_at').on('plugin_runner_kills').columns(['plugin_id', 'at']).execute();
  await db.schema
    .createTable('plugin_quarantine')
    .addColumn('plugin_id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('since', 'text', (c) => c.notNull())
    .addColumn('kills', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('released_at', 'text')
    .addColumn('released_by', 'integer')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('plugin_quarantine').ifExists().execute();
  await db.schema.dropTable('plugin_runner_kills').ifExists().execute();
}
