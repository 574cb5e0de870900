import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { isStalePlan } from './pg-named.js';

/**
 * Statements prepared once per PostgreSQL connection (pg-named.ts): a statement with parameters runs
 * as a named prepared statement, answers as before, and a schema change never runs one prepared
 * against the table's old shape (`select *` of a table that gained a column answers the new column).
 */
const onPostgres = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({}, { seed: false });
});
afterAll(async () => env?.close());

const currentSchema = async () => (await sql<{ s: string }>`select current_schema() as s`.execute(env.kernel.db)).rows[0]!.s;

describe.skipIf(!onPostgres)('named statements on PostgreSQL', () => {
  it('prepares a repeated statement once per connection and answers each call with its own arguments', async () => {
    await sql`create table named_probe (id integer primary key, label text not null)`.execute(env.kernel.db);
    await env.kernel.db.transaction().execute(async (tx) => {
      for (let i = 1; i <= 5; i++) await sql`insert into named_probe (id, label) values (${i}, ${`n${i}`})`.execute(tx);
      const labels = [];
      for (let i = 1; i <= 5; i++) labels.push((await sql<{ label: string }>`select label from named_probe where id = ${i}`.execute(tx)).rows[0]!.label);
      expect(labels).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
      const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements where statement like '%named_probe%'`.execute(tx);
      expect(prepared.rows.map((r) => r.statement.split(' ')[0]).sort()).toEqual(['insert', 'select']);
    });
  });

  it('a table that changes shape is read by a statement prepared against its new shape', async () => {
    const all = () => sql<Record<string, unknown>>`select * from named_probe where id = ${1}`.execute(env.kernel.db);
    for (let i = 0; i < 12; i++) expect(Object.keys((await all()).rows[0]!)).toEqual(['id', 'label']);
    await sql`alter table named_probe add column note text`.execute(env.kernel.db);
    for (let i = 0; i < 12; i++) expect(Object.keys((await all()).rows[0]!)).toEqual(['id', 'label', 'note']);
    // Changed by another process (its own pool): the first call meets the refusal, the next are prepared anew.
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL, options: `-c search_path=${await currentSchema()}` });
    await other.connect();
    try {
      await other.query('alter table named_probe add column extra text');
    } finally {
      await other.end();
    }
    const answers = await Promise.allSettled(Array.from({ length: 12 }, () => all()));
    const refused = answers.filter((a) => a.status === 'rejected');
    for (const r of refused) expect(isStalePlan((r as PromiseRejectedResult).reason)).toBe(true);
    expect(Object.keys((await all()).rows[0]!)).toEqual(['id', 'label', 'note', 'extra']);
  });
});
