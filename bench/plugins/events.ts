// bench/plugins/events: events delivered to a plugin per second by the outbox delivery loop, one plugin,
// one unit, a handler that writes one storage key, beside the raw isolated-vm call measured in the same run,
// with HISTORY rows (default 1,000 and 1,000,000) already in the outbox and plugin_deliveries (bulk SQL).
//   node --no-node-snapshot --import tsx bench/plugins/events.ts        # DATABASE_URL=postgres://… for PostgreSQL
// Env: BENCH_EVENTS (events delivered per measure, default 5000), BENCH_EVENT_HISTORY (default 1000,1000000),
// BENCH_EVENT_BATCH (manifest `eventBatch`, default both: 0,1).
import { createRequire } from 'node:module';
import { sql } from 'kysely';
import { createKernel } from '../../core/kernel.js';
import { seedDemo } from '../../core/demo/seed.js';
import { SYSTEM_ACTOR } from '../../core/audit/service.js';
import { hostOf } from '../../core/plugins/host.js';
import { DeliveryLoop } from '../../core/plugins/delivery.js';
import { enable, installBundle, updateTrust } from '../../core/plugins/admin.js';
import { makeBundle } from '../../sdk/bundle.js';
import { manifestSchema } from '../../sdk/manifest.js';
import { drainRounds, report, type Row } from '../lib.js';

const ivm = createRequire(import.meta.url)('isolated-vm');
const unitOf = (batch: number) => (batch ? 'b' : 'a');
/** Whether this checkout's manifest has the `eventBatch` flag (so the bench also runs on the code before it). */
const eventBatchKnown = () => 'eventBatch' in manifestSchema.parse({ id: 'xx', name: { zh: 'x', en: 'x' }, version: '1.0.0', engine: '^1.0.0', permissions: ['events'], events: ['payment.paid'], eventBatch: true });
const list = (s: string | undefined, d: number[]) => (s ? s.split(',').map(Number) : d);

async function rawAsyncCall(): Promise<number> {
  const isolate = new ivm.Isolate({ memoryLimit: 32 });
  const context = await isolate.createContext();
  const fn = await context.eval('(function (x) { return { ok: x.id.length > 0 }; })', { reference: true });
  const n = 2000;
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn.apply(undefined, [{ id: `e${i}`, payload: { amount: i } }], { arguments: { copy: true }, result: { copy: true } });
  const each = (performance.now() - t) / n;
  isolate.dispose();
  return 1000 / each;
}

async function main() {
  const pg = !!process.env.DATABASE_URL;
  const events = Number(process.env.BENCH_EVENTS || 5000);
  const histories = list(process.env.BENCH_EVENT_HISTORY, [1000, 1_000_000]);
  const batches = list(process.env.BENCH_EVENT_BATCH, [0, 1]);
  const ceiling = await rawAsyncCall();
  const rows: Row[] = [];
  const schema = `bench_ev_${process.pid}`;
  const kernel = await createKernel({ databaseUrl: process.env.DATABASE_URL || ':memory:', kdf: 'fast', ...(pg ? { pgSchema: schema } : {}) });
  await seedDemo(kernel, new Date('2026-06-15T08:00:00Z'), { activity: false });
  const host = hostOf(kernel, { timeoutMs: 5000 });
  await updateTrust(kernel, SYSTEM_ACTOR, { allowUnsigned: true });
  const code = `var __plugin = { default: {
    events: { 'payment.submitted': async (event, host) => { await host.storage.put('seen', 'last', { kind: 'seen', id: event.id }); } },
  } };`;
  for (const batch of batches) {
    const id = `bench-ev${batch}`;
    if (batch && !eventBatchKnown()) continue;
    await installBundle(kernel, SYSTEM_ACTOR, makeBundle({ id, name: { zh: '基准', en: 'Bench' }, version: '1.0.0', engine: '^1.0.0', author: 'bench', permissions: ['events', 'storage'], events: ['payment.submitted'], collections: [{ name: 'seen', indexes: ['kind'] }], ...(batch ? { eventBatch: true } : {}) }, code));
  }
  for (const batch of batches) if (!batch || eventBatchKnown()) await enable(kernel, SYSTEM_ACTOR, unitOf(batch), `bench-ev${batch}`, { grants: ['events', 'storage'] });
  const loop = new DeliveryLoop(host, { batchSize: Number(process.env.BENCH_EVENT_CLAIM || 200) });
  const uuid = pg ? sql`md5(random()::text || n.i::text)` : sql`lower(hex(randomblob(16)))`;
  const series = (count: number) => (pg ? sql`generate_series(1, ${count}) as n(i)` : sql`n`);
  const recursive = (count: number) => (pg ? sql`` : sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})`);
  const payload = JSON.stringify({ payment: { id: 1, amount: 1234, purpose: '办公用品' } });
  let seeded = 0;
  console.log(`bench/plugins/events (${kernel.dialect}): ${events} events of one unit to one plugin whose handler writes one storage key; raw async ivm call ceiling ${ceiling.toFixed(0)}/s serial`);
  for (const history of histories) {
    // History: delivered outbox events and done deliveries, bulk-inserted (not through the API).
    const add = history - seeded;
    if (add > 0) {
      const t0 = performance.now();
      await sql`${recursive(add)} insert into outbox (event_id, unit_id, type, payload, occurred_at)
        select ${uuid}, 'a', 'payment.submitted', ${payload}, '2026-01-01T00:00:00.000Z' from ${series(add)}`.execute(kernel.db);
      await sql`${recursive(add)} insert into plugin_deliveries (event_id, plugin_id, unit_id, type, payload, occurred_at, status, attempts, next_at, claimed_by, claimed_until, last_error, done_at)
        select ${uuid}, 'bench-ev0', 'a', 'payment.submitted', ${payload}, '2026-01-01T00:00:00.000Z', 'done', 1, '2026-01-01T00:00:00.000Z', null, null, null, '2026-01-01T00:00:01.000Z' from ${series(add)}`.execute(kernel.db);
      // The measure starts from a settled database, not in the flush of the million rows just written
      // (a checkpoint in progress doubled every commit's time on PostgreSQL).
      if (pg) await sql`vacuum analyze`.execute(kernel.db);
      await sql.raw(pg ? 'checkpoint' : 'pragma wal_checkpoint(truncate)').execute(kernel.db);
      seeded = history;
      console.log(`  history ${history.toLocaleString('en')} outbox rows + done deliveries (added ${add} in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    for (const batch of batches) {
      const id = `bench-ev${batch}`;
      if (batch && !eventBatchKnown()) continue;
      await sql`${recursive(events)} insert into outbox (event_id, unit_id, type, payload, occurred_at, fan_pending)
        select ${uuid}, ${unitOf(batch)}, 'payment.submitted', ${payload}, '2026-06-15T08:00:00.000Z', 1 from ${series(events)}`.execute(kernel.db);
      const { worked, seconds } = await drainRounds(loop);
      const done = await kernel.db.selectFrom('plugin_deliveries').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('plugin_id', '=', id).where('status', '=', 'done').where('occurred_at', '=', '2026-06-15T08:00:00.000Z').executeTakeFirstOrThrow();
      const rate = worked / seconds;
      rows.push({
        bench: 'events delivered to a plugin (bench/plugins/events.ts)', measure: `one plugin, one unit, one storage write per event, eventBatch ${batch ? 'on' : 'off'}`,
        size: `${history.toLocaleString('en')} delivered events in history`, value: `${rate.toFixed(0)} events/s`, ceiling: `${ceiling.toFixed(0)}/s (serial async isolated-vm calls)`, ratio: `${((100 * rate) / ceiling).toFixed(1)} %`,
      });
      console.log(`  events delivered, history ${history.toLocaleString('en')}, eventBatch ${batch ? 'on ' : 'off'}: ${worked} in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} events/s (${(100 * rate / ceiling).toFixed(1)} % of the raw async ivm call rate; ${Number(done.n)} done)`);
      await kernel.db.updateTable('plugin_deliveries').set({ occurred_at: '2026-06-15T07:00:00.000Z' }).where('plugin_id', '=', id).where('occurred_at', '=', '2026-06-15T08:00:00.000Z').execute();
    }
  }
  report(rows);
  if (pg) await sql`drop schema ${sql.id(schema)} cascade`.execute(kernel.db);
  await kernel.close();
}

main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
