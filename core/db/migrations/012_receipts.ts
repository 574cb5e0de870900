import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../connection.js';

/**
 * 收入登记 (receipts): non-fiscal money recorded when it arrives (事业收入, 上级补助收入, 附属单位上缴收入,
 * 经营收入, 非同级财政拨款收入, 其他收入). A receipt posts one voucher in each track in its own
 * transaction; it is never deleted or edited: a correction is a reversal (红字冲销), which keeps the
 * row with status 'reversed' and posts the reversing vouchers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  await db.schema
    .createTable('receipts')
    .addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('fund_source_code', 'text', (c) => c.notNull())
    .addColumn('payer', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('earmarked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('reversal_date', 'text')
    .addColumn('reversal_reason', 'text')
    .addColumn('reversed_by', 'integer', (c) => c.references('users.id'))
    .addColumn('reversed_at', 'text')
    .addCheckConstraint('receipts_amount', sql`amount > 0`)
    .addCheckConstraint('receipts_status', sql`status in ('recorded', 'reversed')`)
    .addCheckConstraint('receipts_type', sql`type in ('business', 'superior_subsidy', 'subordinate_remit', 'operating', 'non_peer_fiscal', 'other')`)
    .execute();
  await db.schema.createIndex('receipts_unit_year').on('receipts').columns(['unit_id', 'year', 'date']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('receipts').execute();
}
