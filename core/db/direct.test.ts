import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { coreMetrics } from '../health/metrics.js';
import { runCommand } from './command.js';
import type { Executor } from './connection.js';
import { directStatements } from './direct.js';
import { prepared } from './prepared.js';

/**
 * Prepared statements run straight on the SQLite connection (direct.ts) only when nobody else can be
 * using it: a read on the database while a command's transaction is open waits for its commit and
 * never sees its uncommitted writes; inside the command, its own statements run directly and see them.
 * On PostgreSQL a read on the database goes straight to the pool (another connection: it sees the
 * committed value at once) and a transaction's statements take Kysely's way.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({}, { seed: false });
  await sql`create table direct_probe (id integer primary key, amount bigint not null)`.execute(env.kernel.db);
  await sql`insert into direct_probe (id, amount) values (1, 100)`.execute(env.kernel.db);
});
afterAll(async () => env.close());

const amountOf = prepared((db: Executor, id: number) => (db as any).selectFrom('direct_probe').select('amount').where('id', '=', id));
const setAmount = prepared((db: Executor, id: number, amount: number) => (db as any).updateTable('direct_probe').set({ amount }).where('id', '=', id));
const sqlite = () => env.kernel.dialect === 'sqlite';

describe('statements run directly on the SQLite connection', () => {
  it('a read while a command holds the connection waits for its commit; the command reads its own writes', async () => {
    let letGo!: () => void;
    const paused = new Promise<void>((resolve) => (letGo = resolve));
    let inside: unknown;
    let directInside = 0;
    const command = runCommand(env.kernel, async (tx) => {
      const before = directStatements.count;
      await setAmount(tx as unknown as Executor, 1, 250);
      inside = await amountOf(tx as unknown as Executor, 1);
      directInside = directStatements.count - before;
      await paused;
    });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the command is open and waiting
    const outsideBefore = directStatements.count;
    let answered = false;
    const outside = amountOf(env.kernel.db, 1).then((rows) => ((answered = true), rows));
    // Decided as the call is made. SQLite: the read waits in Kysely's queue; PostgreSQL: it goes straight to the pool.
    expect(directStatements.count - outsideBefore).toBe(sqlite() ? 0 : 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inside).toEqual([{ amount: 250 }]);
    if (sqlite()) {
      expect(answered).toBe(false); // SQLite: one connection, held by the command
      expect(directInside).toBe(2);
    } else {
      expect(await outside).toEqual([{ amount: 100 }]); // PostgreSQL: another connection, the committed value
      expect(directInside).toBe(0);
    }
    letGo();
    await command;
    if (sqlite()) expect(await outside).toEqual([{ amount: 250 }]);
  });

  it('runs a read on the free connection directly, counted and timed like any statement', async () => {
    const count = coreMetrics.statements.count;
    const direct = directStatements.count;
    expect(await amountOf(env.kernel.db, 1)).toEqual([{ amount: 250 }]);
    expect(coreMetrics.statements.count - count).toBe(1);
    expect(directStatements.count - direct).toBe(1);
  });

  it('a failing statement in a command rejects, is counted as failed, and the command writes nothing', async () => {
    const failedBefore = coreMetrics.statementErrors;
    const duplicate = prepared((db: Executor, id: number) => (db as any).insertInto('direct_probe').values({ id, amount: 1 }));
    await expect(runCommand(env.kernel, async (tx) => {
      await setAmount(tx as unknown as Executor, 1, 999);
      await duplicate(tx as unknown as Executor, 1);
    })).rejects.toThrow(/UNIQUE|duplicate key/i);
    expect(coreMetrics.statementErrors - failedBefore).toBe(1);
    expect(await amountOf(env.kernel.db, 1)).toEqual([{ amount: 250 }]);
  });
});
