import type { Kysely } from 'kysely';

/**
 * Document numbers per unit, kind and year (core/ledger/approvals/doc-numbers.ts): a `doc_no` column
 * on payments, transfers, budget requests and receipts — on adjustments `serial_no`, since their
 * `doc_no` is already the bureau's 批复文号 — and the counters they are taken from. Existing rows are
 * numbered in id order (the order they were created in), and the counters continue from there.
 * The columns are nullable (a row inserted around the commands, e.g. a test fixture, has none) and
 * unique per unit: two NULLs never collide.
 */
const TABLES = [
  { table: 'payments', column: 'doc_no', kind: 'payment', prefix: 'ZF', year: (r: Row) => Number(String(r.date).slice(0, 4)) },
  { table: 'transfers', column: 'doc_no', kind: 'transfer', prefix: 'TJ', year: (r: Row) => Number(String(r.date).slice(0, 4)) },
  { table: 'adjustments', column: 'serial_no', kind: 'adjustment', prefix: 'TZ', year: (r: Row) => Number(String(r.date).slice(0, 4)) },
  { table: 'budget_requests', column: 'doc_no', kind: 'budget_request', prefix: 'YS', year: (r: Row) => Number(r.year) },
  { table: 'receipts', column: 'doc_no', kind: 'receipt', prefix: 'SR', year: (r: Row) => Number(r.year) },
] as const;

interface Row {
  id: number;
  unit_id: string;
  date?: string;
  year?: number;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('doc_counters')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last_no', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('doc_counters_pk', ['unit_id', 'kind', 'year'])
    .execute();
  const counters = new Map<string, { unit_id: string; kind: string; year: number; last_no: number }>();
  for (const t of TABLES) {
    await db.schema.alterTable(t.table).addColumn(t.column, 'text').execute();
    const rows = (await db.selectFrom(t.table).selectAll().orderBy('id').execute()) as Row[];
    for (const r of rows) {
      const year = t.year(r);
      const key = `${r.unit_id}\u0000${t.kind}\u0000${year}`;
      const counter = counters.get(key) ?? { unit_id: r.unit_id, kind: t.kind, year, last_no: 0 };
      counter.last_no += 1;
      counters.set(key, counter);
      await db.updateTable(t.table).set({ [t.column]: `${t.prefix}${year}-${String(counter.last_no).padStart(4, '0')}` }).where('id', '=', r.id).execute();
    }
    await db.schema.createIndex(`${t.table}_unit_${t.column}`).on(t.table).columns(['unit_id', t.column]).unique().execute();
  }
  const values = [...counters.values()];
  for (let k = 0; k < values.length; k += 200) await db.insertInto('doc_counters').values(values.slice(k, k + 200)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of TABLES) {
    await db.schema.dropIndex(`${t.table}_unit_${t.column}`).execute();
    await db.schema.alterTable(t.table).dropColumn(t.column).execute();
  }
  await db.schema.dropTable('doc_counters').execute();
}
