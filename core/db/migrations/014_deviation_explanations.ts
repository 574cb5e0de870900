import type { Kysely } from 'kysely';

/**
 * 决算 差异说明: the reason a unit gives for a line of its 部门决算 whose 决算数 deviates from its 全年预算数
 * beyond the threshold (the `deviation` check, core/ledger/accounting/disclosure-checks.ts). One text per
 * (unit, year, table, line); saving again replaces it (who and when kept beside the first author).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('deviation_explanations')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('table_id', 'text', (c) => c.notNull())
    .addColumn('line', 'text', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('deviation_explanations_pk', ['unit_id', 'year', 'table_id', 'line'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('deviation_explanations').execute();
}
