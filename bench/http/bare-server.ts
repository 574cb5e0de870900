// The ceiling for payment submission over HTTP: hono on @hono/node-server, one route that parses the
// JSON body, checks it by hand and inserts one row with a prepared better-sqlite3 statement, with the
// same pragmas as core/db/connection.ts. No auth, no rules, no audit, no outbox: the cost of HTTP +
// JSON + one durable insert. Usage: BARE_DB=/tmp/x.db BARE_ROWS=1000 node --import tsx bench/http/bare-server.ts
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import SQLite from 'better-sqlite3';

const sqlite = new SQLite(process.env.BARE_DB!);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = NORMAL');
sqlite.exec(`create table if not exists payments (id integer primary key autoincrement, unit_id text not null, indicator_id integer not null,
  payee_name text not null, purpose text not null, amount integer not null, date text not null, status text not null, created_at text not null)`);
sqlite.exec(`create index if not exists payments_unit on payments (unit_id, status)`);
const rows = Number(process.env.BARE_ROWS || 0);
sqlite.exec(`insert into payments (unit_id, indicator_id, payee_name, purpose, amount, date, status, created_at)
  with recursive n(x) as (select 1 union all select x + 1 from n where x < ${rows})
  select 'a', 1, '供应商' || x, '基线', 100, '2026-06-10', 'paid', '2026-06-10T00:00:00Z' from n where ${rows} > 0`);
const insert = sqlite.prepare(`insert into payments (unit_id, indicator_id, payee_name, purpose, amount, date, status, created_at) values (?, ?, ?, ?, ?, ?, 'pending', ?) returning id`);

const app = new Hono();
app.post('/api/units/:unitId/payments', async (c) => {
  const body = await c.req.json<{ indicatorId: number; payeeName: string; purpose: string; amount: number; date: string }>();
  if (!Number.isSafeInteger(body.amount) || body.amount <= 0 || typeof body.payeeName !== 'string') return c.json({ error: { code: 'VALIDATION_FAILED' } }, 400);
  const row = insert.get(c.req.param('unitId'), body.indicatorId, body.payeeName, body.purpose, body.amount, body.date, new Date().toISOString()) as { id: number };
  return c.json({ id: row.id, status: 'pending' }, 201);
});
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`listening on http://127.0.0.1:${info.port}`));
process.on('SIGTERM', () => { sqlite.close(); process.exit(0); });
