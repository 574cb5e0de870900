import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../connection.js';

/**
 * 会计核算: double-entry journal in the two tracks of the government accounting system
 * (财务会计 'financial' and 预算会计 'budgetary', 平行记账). An entry is one voucher of one track;
 * its lines carry the account, debit or credit in fen, and the auxiliary dimensions. Lines repeat
 * unit, track, year and month so a trial balance is one grouped scan. Year-end runs are recorded
 * once per unit and year (the primary key makes a second run impossible to commit).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  const serial = pg ? 'serial' : 'integer';
  const table = (name: string) =>
    db.schema.createTable(name).addColumn('id', serial, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()));

  await table('journal_entries')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('track', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('month', 'integer', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('voucher_no', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('journal_entries_voucher', ['unit_id', 'track', 'voucher_no'])
    .addCheckConstraint('journal_entries_track', sql`track in ('financial', 'budgetary')`)
    .execute();
  await db.schema.createIndex('journal_entries_period').on('journal_entries').columns(['unit_id', 'track', 'year', 'month']).execute();

  await table('journal_lines')
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('journal_entries.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('track', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('month', 'integer', (c) => c.notNull())
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('account_code', 'text', (c) => c.notNull())
    .addColumn('debit', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('credit', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('indicator_id', 'integer', (c) => c.references('indicators.id'))
    .addColumn('department_id', 'integer')
    .addColumn('functional_code', 'text')
    .addColumn('economic_code', 'text')
    .addColumn('fund_source_code', 'text')
    .addCheckConstraint('journal_lines_one_side', sql`debit >= 0 and credit >= 0 and (debit = 0 or credit = 0) and debit + credit > 0`)
    .execute();
  await db.schema.createIndex('journal_lines_period').on('journal_lines').columns(['unit_id', 'track', 'year', 'month', 'account_code']).execute();
  await db.schema.createIndex('journal_lines_entry').on('journal_lines').columns(['entry_id']).execute();

  await db.schema
    .createTable('year_end_runs')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('run_by', 'integer')
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('year_end_runs_pk', ['unit_id', 'year'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('accounting migration is not reversible');
}
