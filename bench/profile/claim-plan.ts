// PostgreSQL EXPLAIN ANALYZE of the outbox claim and a batched acknowledgement over N (default 1,000,000) done deliveries
// plus 5,000 pending: DATABASE_URL=postgres://… N=1000000 node --import tsx bench/profile/claim-plan.ts
import { sql } from 'kysely';
import { createKernel } from '../../core/kernel.js';
const kernel = await createKernel({ databaseUrl: process.env.DATABASE_URL!, kdf: 'fast', pgSchema: `claimplan_${process.pid}` });
const n = Number(process.env.N || 1000000);
await sql`insert into plugin_deliveries (event_id, plugin_id, unit_id, type, payload, occurred_at, status, attempts, next_at, claimed_by, claimed_until, last_error, done_at)
  select md5(i::text), 'p', 'a', 'payment.submitted', '{}', '2026-01-01T00:00:00.000Z', 'done', 1, '2026-01-01T00:00:00.000Z', null, null, null, '2026-01-01' from generate_series(1, ${n}) i`.execute(kernel.db);
await sql`insert into plugin_deliveries (event_id, plugin_id, unit_id, type, payload, occurred_at, status, attempts, next_at, claimed_by, claimed_until, last_error, done_at)
  select md5('x' || i::text), 'p', 'a', 'payment.submitted', '{}', '2026-06-01T00:00:00.000Z', 'pending', 0, '2026-06-01T00:00:00.000Z', null, null, null, null from generate_series(1, 5000) i`.execute(kernel.db);
await sql`analyze plugin_deliveries`.execute(kernel.db);
const now = '2026-06-15T00:00:00.000Z';
const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) select d.id from plugin_deliveries d
  where ((d.status = 'pending' and d.next_at <= ${now}) or (d.status = 'claimed' and d.claimed_until < ${now}))
    and not exists (select 1 from plugin_deliveries busy where busy.plugin_id = d.plugin_id and busy.unit_id = d.unit_id and busy.status = 'claimed' and busy.claimed_until >= ${now} and busy.id <> d.id)
    and not exists (select 1 from plugin_host_settings job where job.key = 'busy:' || d.plugin_id || ':' || d.unit_id and job.value >= ${now})
  order by d.id limit 200 for update skip locked`.execute(kernel.db);
console.log(`claim select, ${n} done + 5000 pending:\n` + plan.rows.map((r) => '  ' + r['QUERY PLAN']).join('\n'));
const ids = (await sql<{ id: number }>`select id from plugin_deliveries where status = 'pending' order by id limit 200`.execute(kernel.db)).rows.map((r) => r.id);
const ack = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) update plugin_deliveries set status = 'done', attempts = attempts + 1 where id in (${sql.join(ids)}) and claimed_by is null`.execute(kernel.db);
console.log('batched ack of 200:\n' + ack.rows.map((r) => '  ' + r['QUERY PLAN']).join('\n'));
await sql`drop schema ${sql.id(`claimplan_${process.pid}`)} cascade`.execute(kernel.db);
await kernel.close();
