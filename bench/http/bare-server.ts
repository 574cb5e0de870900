// The ceiling for payment submission over HTTP: hono on @hono/node-server, one route that parses the
// JSON body, checks it by hand and inserts one row — with a prepared better-sqlite3 statement and the
// same pragmas as core/db/connection.ts on SQLite, or with one pg pool query (a named, prepared
// statement; the pool as large as the core's, 10 connections) on PostgreSQL, into a table of its own
// in the same database. No auth, no rules, no audit, no outbox: the cost of HTTP + JSON + one durable
// insert. Usage: BARE_DB=<sqlite file | postgres url> BARE_ROWS=1000 node --import tsx bench/http/bare-server.ts
// BARE_NUMBERED=1: the row is numbered as a finance office numbers its documents, gap-free per unit
// and year: in one transaction, the unit's counter row is moved on (an upsert, whose row lock every
// concurrent writer of the unit waits for on PostgreSQL until the commit) and the row is inserted with
// its number. The least any route keeping that rule can do; nothing else of a payment.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import SQLite from 'better-sqlite3';
import pg from 'pg';

const url = process.env.BARE_DB!;
const rows = Number(process.env.BARE_ROWS || 0);
const numbered = process.env.BARE_NUMBERED === '1';
/** As core/db/connection.ts opens PostgreSQL (its default pool size). */
const PG_POOL = Number(process.env.BARE_PG_POOL || 10);
const columns = `id integer primary key autoincrement, unit_id text not null, indicator_id integer not null,
  payee_name text not null, purpose text not null, amount integer not null, date text not null, status text not null, created_at text not null, doc_no text`;
const counters = 'create table bare_counters (unit_id text not null, year integer not null, last_no integer not null, primary key (unit_id, year))';
const takeNumber = `insert into bare_counters (unit_id, year, last_no) values ($1, 2026, 1) on conflict (unit_id, year) do update set last_no = bare_counters.last_no + 1 returning last_no`;
const fill = (from: string) => `insert into bare_payments (unit_id, indicator_id, payee_name, purpose, amount, date, status, created_at)
  select 'a', 1, '供应商' || x, '基线', 100, '2026-06-10', 'paid', '2026-06-10T00:00:00Z' from ${from}`;

let insert: (values: unknown[]) => Promise<number>;
let close: () => Promise<void>;
if (/^postgres(ql)?:\/\//.test(url)) {
  const pool = new pg.Pool({ connectionString: url, max: PG_POOL });
  await pool.query('drop table if exists bare_payments');
  await pool.query(`create table bare_payments (${columns.replace('integer primary key autoincrement', 'bigserial primary key').replace('amount integer', 'amount bigint')})`);
  await pool.query('create index bare_payments_unit on bare_payments (unit_id, status)');
  if (rows > 0) await pool.query(fill(`generate_series(1, ${rows}) as n(x)`));
  await pool.query('drop table if exists bare_counters');
  await pool.query(counters);
  const text = `insert into bare_payments (unit_id, indicator_id, payee_name, purpose, amount, date, status, created_at, doc_no) values ($1, $2, $3, $4, $5, $6, 'pending', $7, $8) returning id`;
  // The row first, then its number in one statement: the counter's row lock is held only for that statement and the commit.
  const numberRow = `with serial as (${takeNumber.replace('$1', '$2')}) update bare_payments set doc_no = 'ZF2026-' || serial.last_no from serial where id = $1`;
  insert = numbered
    ? async (values) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const id = Number((await client.query({ name: 'bare_insert', text, values: [...values, null] })).rows[0].id);
        await client.query({ name: 'bare_number', text: numberRow, values: [id, values[0]] });
        await client.query('commit');
        return id;
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    }
    : async (values) => Number((await pool.query({ name: 'bare_insert', text, values: [...values, null] })).rows[0].id);
  close = async () => {}; // the connections end with the process
} else {
  const sqlite = new SQLite(url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('drop table if exists bare_payments');
  sqlite.exec(`create table bare_payments (${columns})`);
  sqlite.exec('create index bare_payments_unit on bare_payments (unit_id, status)');
  if (rows > 0) sqlite.exec(`with recursive n(x) as (select 1 union all select x + 1 from n where x < ${rows}) ${fill('n')}`);
  sqlite.exec('drop table if exists bare_counters');
  sqlite.exec(counters);
  const statement = sqlite.prepare(`insert into bare_payments (unit_id, indicator_id, payee_name, purpose, amount, date, status, created_at, doc_no) values (?, ?, ?, ?, ?, ?, 'pending', ?, ?) returning id`);
  const number = sqlite.prepare(takeNumber.replace('$1', '?'));
  const numberedInsert = sqlite.transaction((values: unknown[]) => {
    const { last_no: serial } = number.get(values[0]) as { last_no: number };
    return (statement.get(...values, `ZF2026-${serial}`) as { id: number }).id;
  });
  insert = numbered ? async (values) => numberedInsert(values) : async (values) => (statement.get(...values, null) as { id: number }).id;
  close = async () => void sqlite.close();
}

const app = new Hono();
app.post('/api/units/:unitId/payments', async (c) => {
  const body = await c.req.json<{ indicatorId: number; payeeName: string; purpose: string; amount: number; date: string }>();
  if (!Number.isSafeInteger(body.amount) || body.amount <= 0 || typeof body.payeeName !== 'string') return c.json({ error: { code: 'VALIDATION_FAILED' } }, 400);
  const id = await insert([c.req.param('unitId'), body.indicatorId, body.payeeName, body.purpose, body.amount, body.date, new Date().toISOString()]);
  return c.json({ id, status: 'pending' }, 201);
});
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`listening on http://127.0.0.1:${info.port}`));
// Requests still in flight are cut off (the table goes with the test database or schema).
process.on('SIGTERM', () => void close().finally(() => process.exit(0)));
