import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import type { Executor } from './connection.js';
import { prepared } from './prepared.js';

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
});
