import type { Kysely } from 'kysely';
import { dialectOf } from '../connection.js';

/**
 * 支出标准 as versioned data (core/ledger/standards). A version is a whole set of rows adopted at a
 * date by a unit (null owner: the national set seeded from the published texts); a unit follows the
 * nearest unit on its path that adopted one. A version is proposed (by a person or a plugin under
 * `standards.propose`) and becomes law only when someone holding standard.manage adopts it.
 * The old per-year table `expenditure_standards` stays for old backups but is no longer read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  const serial = pg ? 'serial' : 'integer';
  const table = (name: string) =>
    db.schema.createTable(name).addColumn('id', serial, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()));

  await table('standard_versions')
    .addColumn('owner_unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('source_document', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('based_on', 'integer')
    .addColumn('proposed_via', 'text', (c) => c.notNull())
    .addColumn('proposed_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_at', 'text')
    .addColumn('decision_note', 'text')
    .execute();
  await db.schema.createIndex('standard_versions_owner').on('standard_versions').columns(['owner_unit_id', 'status', 'effective_from']).execute();

  await table('standard_rows')
    .addColumn('version_id', 'integer', (c) => c.notNull().references('standard_versions.id'))
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('rank', 'text', (c) => c.notNull())
    .addColumn('season', 'text', (c) => c.notNull())
    .addColumn('economic_code', 'text', (c) => c.notNull())
    .addColumn('cap', 'bigint', (c) => c.notNull())
    .addColumn('per', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'text')
    .addColumn('effective_to', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('verified', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addUniqueConstraint('standard_rows_key', ['version_id', 'item', 'tier'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('standard_rows').execute();
  await db.schema.dropTable('standard_versions').execute();
}
