import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import type { Executor } from './connection.js';
import { executeCompiled, prepared, preparedInsert, preparedInsertRows } from './prepared.js';

/**
 * Queries compiled once (prepared.ts): each run binds its own arguments, constants written in the
 * query stay as written, and the one compiled text serves the database and a transaction alike.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({}, { seed: false });
  await sql`create table prepared_probe (id integer primary key, unit_id text not null, kind text not null, amount bigint not null)`.execute(env.kernel.db);
});
afterAll(async () => env.close());

const insert = prepared((db: Executor, id: number, unitId: string, amount: number) =>
  (db as any).insertInto('prepared_probe').values({ id, unit_id: unitId, kind: 'pay', amount }));
const ofUnit = prepared((db: Executor, unitId: string, atLeast: number) =>
  (db as any).selectFrom('prepared_probe').select(['id', 'amount']).where('unit_id', '=', unitId).where('kind', '=', 'pay').where('amount', '>=', atLeast).orderBy('id'));
const spread = prepared((db: Executor, ...ids: number[]) => (db as any).selectFrom('prepared_probe').select('id').where('id', 'in', ids).orderBy('id'), 2);

describe('queries compiled once', () => {
  it('binds each run’s arguments and keeps the constants it was written with', async () => {
    await insert(env.kernel.db, 1, 'a', 100);
    await insert(env.kernel.db, 2, 'a', 300);
    await insert(env.kernel.db, 3, 'b', 500);
    await env.kernel.db.transaction().execute(async (tx) => {
      await insert(tx as unknown as Executor, 4, 'a', 700);
      expect(await ofUnit(tx as unknown as Executor, 'a', 200)).toEqual([{ id: 2, amount: 300 }, { id: 4, amount: 700 }]);
    });
    expect(await ofUnit(env.kernel.db, 'a', 0)).toEqual([{ id: 1, amount: 100 }, { id: 2, amount: 300 }, { id: 4, amount: 700 }]);
    expect(await ofUnit(env.kernel.db, 'b', 0)).toEqual([{ id: 3, amount: 500 }]);
    // A row of another kind is never found: 'pay' is part of the compiled text, not an argument.
    await sql`insert into prepared_probe (id, unit_id, kind, amount) values (5, 'a', 'refund', 900)`.execute(env.kernel.db);
    expect((await ofUnit(env.kernel.db, 'a', 800))).toEqual([]);
  });

  it('takes its arity where a rest parameter hides it', async () => {
    expect(await spread(env.kernel.db, 3, 1)).toEqual([{ id: 1 }, { id: 3 }]);
    expect(await spread(env.kernel.db, 2, 4)).toEqual([{ id: 2 }, { id: 4 }]);
  });

  it('compiles a raw statement and a one-row insert once, binding each run’s values', async () => {
    const raw = prepared((db: Executor, unitId: string) => sql<{ n: number }>`select count(*) as n from prepared_probe where unit_id = ${unitId}`);
    const before = Number((await raw(env.kernel.db, 'c'))[0]!.n);
    const insertProbe = preparedInsert('prepared_probe' as never, ['id', 'unit_id', 'kind', 'amount'] as never[], { returningAll: true });
    const [row] = await insertProbe(env.kernel.db, { id: 10, unit_id: 'c', kind: 'pay', amount: 42 } as never);
    expect(row).toEqual({ id: 10, unit_id: 'c', kind: 'pay', amount: 42 });
    await insertProbe(env.kernel.db, { id: 11, unit_id: 'c', kind: 'pay', amount: 43 } as never);
    expect(Number((await raw(env.kernel.db, 'c'))[0]!.n)).toBe(before + 2);
    // A statement of varying shape, compiled by the caller, runs the same way.
    const rows = await executeCompiled(env.kernel.db, (env.kernel.db as any).selectFrom('prepared_probe').select('amount').where('id', 'in', [10, 11]).orderBy('id').compile());
    expect(rows).toEqual([{ amount: 42 }, { amount: 43 }]);
  });

  it('inserts any number of rows, each count compiled once, every row with its own values', async () => {
    const insertRows = preparedInsertRows('prepared_probe' as never, ['id', 'unit_id', 'kind', 'amount'] as never[], { returningAll: true });
    const rows = (ids: number[]) => ids.map((id) => ({ id, unit_id: 'd', kind: 'pay', amount: id * 10 }) as never);
    expect(await insertRows(env.kernel.db, rows([20, 21]))).toEqual([{ id: 20, unit_id: 'd', kind: 'pay', amount: 200 }, { id: 21, unit_id: 'd', kind: 'pay', amount: 210 }]);
    await insertRows(env.kernel.db, rows([22]));
    await insertRows(env.kernel.db, rows([23, 24, 25]));
    await insertRows(env.kernel.db, rows([26, 27]));
    expect(await ofUnit(env.kernel.db, 'd', 0)).toEqual([20, 21, 22, 23, 24, 25, 26, 27].map((id) => ({ id, amount: id * 10 })));
  });
});
