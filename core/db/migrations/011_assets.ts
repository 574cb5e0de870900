import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../connection.js';

/**
 * 资产: what capital spending becomes, and who spends for what.
 * - departments.function: 'business' 业务部门 or 'management' 管理部门 (行政及后勤管理). An institution's
 *   spending posts to 5101 单位管理费用 only for management departments (政府会计制度, 财会〔2017〕25号).
 * (The unit's choices — salary accrual, economic class → asset account overrides — are ledger
 * settings kept in ledger_settings.options, migration 013.)
 * - assets: one card (资产卡片) per capitalised payment, written in the pay transaction.
 * - asset_depreciations: one row per asset and month; the primary key makes a second posting of the
 *   same month impossible to commit (month close is idempotent by construction).
 * - asset_useful_lives: a unit's own useful lives, overriding data/useful-lives.csv class by class.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  const serial = pg ? 'serial' : 'integer';

  await db.schema.alterTable('departments').addColumn('function', 'text', (c) => c.notNull().defaultTo('business')).execute();

  await db.schema
    .createTable('assets')
    .addColumn('id', serial, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('class_code', 'text', (c) => c.notNull())
    .addColumn('account_code', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('acquired_on', 'text', (c) => c.notNull())
    .addColumn('useful_life_months', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('economic_code', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'integer')
    .addColumn('movement_id', 'integer')
    .addColumn('completed_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('assets_code', ['unit_id', 'code'])
    .addCheckConstraint('assets_status', sql`status in ('in_use', 'under_construction')`)
    .addCheckConstraint('assets_value', sql`value > 0`)
    .execute();
  await db.schema.createIndex('assets_unit').on('assets').columns(['unit_id', 'acquired_on']).execute();

  await db.schema
    .createTable('asset_depreciations')
    .addColumn('asset_id', 'integer', (c) => c.notNull().references('assets.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('month', 'integer', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('journal_entries.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_depreciations_pk', ['asset_id', 'year', 'month'])
    .execute();
  await db.schema.createIndex('asset_depreciations_period').on('asset_depreciations').columns(['unit_id', 'year', 'month']).execute();

  await db.schema
    .createTable('asset_useful_lives')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('class_code', 'text', (c) => c.notNull())
    .addColumn('months', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_useful_lives_pk', ['unit_id', 'class_code'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('asset_useful_lives').execute();
  await db.schema.dropTable('asset_depreciations').execute();
  await db.schema.dropTable('assets').execute();
  await db.schema.alterTable('departments').dropColumn('function').execute();
}
