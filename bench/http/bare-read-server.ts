// The ceiling for the indicator balance read over HTTP: hono on @hono/node-server, the same route
// shape as the core's (GET /api/units/:unitId/indicators/:id and …/:id/balance), the same auth header shape (a Bearer
// token must be present; it is not looked up), and the same primary-key select on the same database
// (a prepared better-sqlite3 statement on the SQLite file, or one pg pool query on PostgreSQL).
// Usage: BARE_DB=<sqlite file | postgres url> node --import tsx bench/http/bare-read-server.ts
import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import SQLite from 'better-sqlite3';
import pg from 'pg';

const url = process.env.BARE_DB!;
let select: (id: number, unitId: string) => Promise<unknown>;
let close: () => void;
if (/^postgres(ql)?:\/\//.test(url)) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  select = async (id, unitId) => (await pool.query({ name: 'pk', text: 'select * from indicators where id = $1 and unit_id = $2', values: [id, unitId] })).rows[0];
  close = () => void pool.end();
} else {
  const sqlite = new SQLite(url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  const stmt = sqlite.prepare('select * from indicators where id = ? and unit_id = ?');
  select = async (id, unitId) => stmt.get(id, unitId);
  close = () => sqlite.close();
}

const app = new Hono();
const read = async (c: Context) => {
  if (!/^Bearer \S+$/.test(c.req.header('authorization') ?? '')) return c.json({ error: { code: 'UNAUTHENTICATED' } }, 401);
  const id = Number(c.req.param('id'));
  if (!Number.isSafeInteger(id)) return c.json({ error: { code: 'VALIDATION_FAILED' } }, 400);
  const row = await select(id, c.req.param('unitId') ?? '');
  if (!row) return c.json({ error: { code: 'NOT_FOUND' } }, 404);
  return c.json(row);
};
app.get('/api/units/:unitId/indicators/:id', read);
app.get('/api/units/:unitId/indicators/:id/balance', read);
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`listening on http://127.0.0.1:${info.port}`));
process.on('SIGTERM', () => { close(); process.exit(0); });
