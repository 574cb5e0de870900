import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DbHandle } from './connection.js';

/**
 * The SQLite connection queue (sqlite-queue.ts): one connection, handed out first come, first served.
 * A statement issued while a transaction holds the connection waits for its end and then sees what it
 * committed; waiting statements run in the order they were issued; none is lost or run twice.
 */
let handle: DbHandle;
beforeAll(async () => {
  handle = await openDatabase({ url: ':memory:' });
  await sql`create table q (n integer not null)`.execute(handle.db);
});
afterAll(async () => handle.close());

describe('SQLite connection queue', () => {
  it('serves waiting statements in the order they were issued, after the transaction that held the connection', async () => {
    const order: number[] = [];
    let releaseTx!: () => void;
    const held = new Promise<void>((resolve) => { releaseTx = resolve; });
    const tx = handle.db.transaction().execute(async (t) => {
      await sql`insert into q (n) values (0)`.execute(t);
      await held;
    });
    // Queued while the transaction holds the one connection.
    await new Promise((resolve) => setImmediate(resolve));
    const reads = Array.from({ length: 50 }, (_, i) => sql<{ c: number }>`select count(*) as c from q`.execute(handle.db).then((r) => {
      order.push(i);
      return r.rows[0]!.c;
    }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    releaseTx();
    await tx;
    const counts = await Promise.all(reads);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // Each read ran after the commit and saw its row.
    expect(new Set(counts)).toEqual(new Set([1]));
  });

  it('keeps transactions whole under many concurrent writers: every write lands once', async () => {
    await sql`delete from q`.execute(handle.db);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2
      ? handle.db.transaction().execute(async (t) => {
        await sql`insert into q (n) values (${i})`.execute(t);
        await sql`insert into q (n) values (${-i})`.execute(t);
      })
      : sql`insert into q (n) values (${i})`.execute(handle.db))));
    const rows = (await sql<{ n: number }>`select n from q order by n`.execute(handle.db)).rows.map((r) => r.n);
    const expected = Array.from({ length: 40 }, (_, i) => (i % 2 ? [i, -i] : [i])).flat().sort((x, y) => x - y);
    expect(rows).toEqual(expected);
  });

  it('a failed transaction gives the connection back: the next statement runs', async () => {
    await expect(handle.db.transaction().execute(async (t) => {
      await sql`insert into q (n) values (1000)`.execute(t);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    const found = await sql<{ c: number }>`select count(*) as c from q where n = 1000`.execute(handle.db);
    expect(found.rows[0]!.c).toBe(0);
  });
});
