import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { migrateToLatest } from './migrate.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({}, { seed: false });
});
afterAll(async () => env.close());

describe('database', () => {
  it('migrates once; running migrations again applies nothing', async () => {
    expect(await migrateToLatest(env.kernel.db)).toEqual([]);
  });

  it('enforces foreign keys', async () => {
    await expect(
      env.kernel.db.insertInto('departments').values({ unit_id: 'no-such-unit', code: '01', name: 'x', created_at: 'now' }).execute(),
    ).rejects.toThrow();
  });

  it('returns BIGINT money and sums over it as exact JS integers on both dialects', async () => {
    // 9 007 199 254 740 991 fen is the largest exact value; sums of large fen amounts must not turn into strings or floats.
    const big = 900_719_925_474_099;
    const row = await sql<{ v: number; s: number }>`select cast(${big} as bigint) as v, sum(x) as s from (select cast(${big} as bigint) as x union all select cast(1 as bigint)) t`.execute(env.kernel.db);
    expect(row.rows[0]).toEqual({ v: big, s: big + 1 });
    expect(typeof row.rows[0]!.s).toBe('number');
  });
});
