// bench/plugins: what the sandbox costs, beside the raw isolated-vm call cost measured in the same run.
//   node --no-node-snapshot --import tsx bench/plugins/run.ts
// Prints: raw ivm call (sync, and async apply awaited serially) → sandboxed payment.validate added to a
// payment (payment with vs without the validator) → events delivered per second by the outbox loop →
// keyset paging of ledger.payments over BENCH_PAYMENTS (default 1,000,000) rows, beside the raw SQL page.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { createKernel } from '../../core/kernel.js';
import { createApp } from '../../core/server/app.js';
import { DEMO_PASSWORD, seedDemo } from '../../core/demo/seed.js';
import { SYSTEM_ACTOR } from '../../core/audit/service.js';
import { hostOf } from '../../core/plugins/host.js';
import { DeliveryLoop } from '../../core/plugins/delivery.js';
import { enable, enabledIn, installBundle, updateTrust } from '../../core/plugins/admin.js';
import { readPayments } from '../../core/plugins/ledger-read.js';
import { sql } from 'kysely';
import { makeBundle } from '../../sdk/bundle.js';

const ivm = createRequire(import.meta.url)('isolated-vm');
import { drainRounds, median } from '../lib.js';
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);

async function rawIvm() {
  const isolate = new ivm.Isolate({ memoryLimit: 32 });
  const context = await isolate.createContext();
  const fn = await context.eval('(function (x) { return { result: x.amount > 100 ? "warn" : "ok" }; })', { reference: true });
  const n = 5000;
  let t = performance.now();
  for (let i = 0; i < n; i++) fn.applySync(undefined, [{ amount: i }], { arguments: { copy: true }, result: { copy: true } });
  const sync = (performance.now() - t) / n;
  t = performance.now();
  for (let i = 0; i < 1000; i++) await fn.apply(undefined, [{ amount: i }], { arguments: { copy: true }, result: { copy: true } });
  const asyncCall = (performance.now() - t) / 1000;
  isolate.dispose();
  return { sync, asyncCall };
}

/**
 * The same-shape floor of a sandboxed validator: one message to a child process and its answer, over
 * the runner's channel kind (fork IPC, `advanced` serialization), with a payment-sized input, asked
 * at the payments' pace (between two payments: an idle process answers slower than a busy one).
 */
function bareHop() {
  const child = spawn(process.execPath, ['-e', "process.on('message', (m) => process.send({ t: 'result', id: m.id, reply: '{\"ok\":true,\"v\":{\"result\":\"ok\"}}' }))"], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  const input = JSON.stringify({ kind: 'payment.validate', unitId: 'a', document: { indicatorId: 1, payeeName: '示范县文具公司', payeeAccount: '6222020200001234567', purpose: '办公用品', amount: 1234, date: '2026-06-10', economicCode: '30201', departmentId: 3, stage: 'submit' }, lang: 'zh-CN' });
  let id = 0;
  return {
    once: () => new Promise<number>((resolve) => {
      const t = performance.now();
      child.once('message', () => resolve(performance.now() - t));
      child.send({ t: 'invoke', id: ++id, key: 'bench@1.0.0', unitId: 'a', entry: 'validators', name: 'payment.validate', input, settings: '{}', timeoutMs: 1000 });
    }),
    close: () => child.kill(),
  };
}

async function main() {
  const raw = await rawIvm();
  const hop = bareHop();
  const kernel = await createKernel({ databaseUrl: process.env.DATABASE_URL || ':memory:', kdf: 'fast', ...(process.env.DATABASE_URL ? { pgSchema: `bench_${process.pid}` } : {}) });
  await seedDemo(kernel, new Date('2026-06-15T08:00:00Z'), { activity: false });
  const host = hostOf(kernel, { validatorTimeoutMs: 1000 });
  const app = createApp(kernel);
  const login = async (username: string) =>
    ((await (await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) })).json()) as { token: string }).token;
  const tokens = { a: await login('a.finance'), b: await login('b.finance') };
  const post = (unit: 'a' | 'b', path: string, body: unknown) => app.request(path, { method: 'POST', headers: { authorization: `Bearer ${tokens[unit]}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const indicators: Record<string, number> = {};
  for (const unit of ['a', 'b'] as const) {
    const dept = await kernel.db.selectFrom('departments').select('id').where('unit_id', '=', unit).where('code', '=', '03').executeTakeFirstOrThrow();
    indicators[unit] = ((await (await post(unit, `/api/units/${unit}/indicators`, {
      year: 2026, name: 'bench', departmentId: dept.id, projectId: null, expenditureKind: 'operating', functionalCode: '2050101', economicCode: '30201',
      fundSourceCode: '11', amount: 9_000_000_000, date: '2026-06-01', isFlexibleReserve: false,
    })).json()) as { id: number }).id;
  }
  // Unit a runs the plugin's validator, unit b has no plugin: payments alternate between them.
  const pay = async (unit: 'a' | 'b') => {
    const t = performance.now();
    const res = await post(unit, `/api/units/${unit}/payments`, { indicatorId: indicators[unit], payeeName: '示范县文具公司', payeeAccount: '6222020200001234567', purpose: '办公用品', amount: 1234, date: '2026-06-10' });
    if (res.status !== 201) throw new Error(`payment failed: ${res.status} ${await res.text()}`);
    return performance.now() - t;
  };
  const rounds = 200;

  await updateTrust(kernel, SYSTEM_ACTOR, { allowUnsigned: true });
  const code = `var __plugin = { default: {
    validators: { 'payment.validate': (input) => input.document.amount > 100000000 ? { result: 'block', message: 'too much' } : { result: 'ok' } },
    events: { 'payment.submitted': async (event, host) => { await host.storage.put('seen', event.id, { kind: 'seen' }); } },
  } };`;
  await installBundle(kernel, SYSTEM_ACTOR, makeBundle({ id: 'bench', name: { zh: '基准', en: 'Bench' }, version: '1.0.0', engine: '^1.0.0', author: 'bench', permissions: ['validators', 'events', 'storage'], validators: ['payment.validate'], events: ['payment.submitted'], collections: [{ name: 'seen', indexes: ['kind'] }] }, code));
  await enable(kernel, SYSTEM_ACTOR, 'a', 'bench', { grants: ['validators', 'events', 'storage'] });
  const loop = new DeliveryLoop(host, { batchSize: 200 });
  await loop.fanOut(); // events before this point are not for the plugin
  for (let i = 0; i < 20; i++) { await pay('a'); await pay('b'); }
  const without: number[] = [];
  const withValidator: number[] = [];
  const hops: number[] = [];
  for (let i = 0; i < rounds; i++) {
    withValidator.push(await pay('a'));
    without.push(await pay('b'));
    hops.push(await hop.once());
  }
  hop.close();

  const { worked, seconds } = await drainRounds(loop);

  const added = median(withValidator) - median(without);
  console.log(`bench/plugins (${kernel.dialect}, medians of ${rounds})`);
  console.log(`  raw isolated-vm call, sync with copied arguments     ${fmt(raw.sync)}`);
  console.log(`  raw isolated-vm call, async apply awaited serially   ${fmt(raw.asyncCall)}`);
  console.log(`  payment without plugin validator                     ${fmt(median(without))}`);
  console.log(`  payment with sandboxed payment.validate              ${fmt(median(withValidator))}`);
  console.log(`  → validator cost added to a payment                  ${fmt(added)}  (${(added / raw.asyncCall).toFixed(1)}× a raw async ivm call; includes the IPC hop to the runner process)`);
  console.log(`  bare process round trip at the payments' pace        ${fmt(median(hops))}  (the validator's added cost is ${(added / median(hops)).toFixed(1)}× it)`);
  console.log(`  events delivered (${worked} in ${seconds.toFixed(2)} s)           ${(worked / seconds).toFixed(0)} events/s  (each: claim + sandbox call + host storage call + ack; raw async ivm ceiling ${(1000 / raw.asyncCall).toFixed(0)}/s serial)`);

  // ledger.payments keyset paging: bulk payments in unit b, walked in pages of 5000.
  const total = Number(process.env.BENCH_PAYMENTS || 1_000_000);
  const sample = await kernel.db.selectFrom('payments').selectAll().where('unit_id', '=', 'b').limit(1).executeTakeFirstOrThrow();
  const pg = kernel.dialect === 'postgres';
  let tInsert = performance.now();
  await sql`
    ${pg ? sql`` : sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${total})`}
    insert into payments (unit_id, indicator_id, department_id, payee_name, payee_account, payee_bank, purpose, economic_code, amount, date, status,
      procurement, contract_no, standard, attachments, warnings, override_reason, created_by, created_at, approved_at, paid_at, closed_at)
    select 'b', ${sample.indicator_id}, ${sample.department_id}, 'bulk', '', '', 'bulk', ${sample.economic_code}, 100, '2026-02-01', 'withdrawn',
      0, null, null, '[]', '[]', null, ${sample.created_by}, ${sample.created_at}, null, null, null
    from ${pg ? sql`generate_series(1, ${total}) as n(i)` : sql`n`}`.execute(kernel.db);
  if (pg) await sql`analyze payments`.execute(kernel.db);
  const insertSeconds = (performance.now() - tInsert) / 1000;
  const bounds = await kernel.db.selectFrom('payments').select([(eb) => eb.fn.min('id').as('lo'), (eb) => eb.fn.max('id').as('hi')]).where('unit_id', '=', 'b').executeTakeFirstOrThrow();
  // A sandboxed page stops at the 2 MiB answer budget (about 1,200 payments with their numbers and payees): compare pages of one size under it.
  const PAGE = 1000;
  const depth = (k: number) => Math.max(0, Math.floor(Number(bounds.lo) + ((Number(bounds.hi) - Number(bounds.lo) - PAGE) * k) / 10));
  const rawPage: number[] = [];
  for (let k = 0; k < 10; k++) {
    const t0 = performance.now();
    await sql`select * from payments where unit_id = 'b' and id > ${depth(k)} order by id limit ${PAGE}`.execute(kernel.db);
    rawPage.push(performance.now() - t0);
  }
  tInsert = performance.now();
  let afterId = 0;
  let walked = 0;
  let pages = 0;
  for (;;) {
    const page = await readPayments(kernel.db, 'b', { afterId, limit: 5000 });
    if (page.length === 0) break;
    walked += page.length;
    pages += 1;
    afterId = page[page.length - 1]!.id;
  }
  const walkSeconds = (performance.now() - tInsert) / 1000;
  await installBundle(kernel, SYSTEM_ACTOR, makeBundle({ id: 'bench-pager', name: { zh: '分页', en: 'Pager' }, version: '1.0.0', engine: '^1.0.0', author: 'bench', permissions: ['ledger.read', 'routes'], routes: [{ method: 'GET', path: 'page' }] },
    "var __plugin = { default: { routes: { 'GET page': async (req, host) => (await host.ledger.payments({ afterId: Number(req.query.after), limit: Number(req.query.limit) })).length } } };"));
  await enable(kernel, SYSTEM_ACTOR, 'b', 'bench-pager', { grants: ['ledger.read', 'routes'] });
  const pager = await enabledIn(kernel.db, 'b', 'bench-pager');
  const sandboxPage: number[] = [];
  for (let k = 0; k < 10; k++) {
    const t0 = performance.now();
    const reply = await host.invoke(pager, 'routes', 'GET page', { method: 'GET', path: 'page', query: { after: String(depth(k)), limit: String(PAGE) }, body: null, user: { id: 0, username: 'bench' } }, { timeoutMs: 10_000 });
    if (!reply.ok || reply.value !== PAGE) throw new Error(`sandbox page failed: ${JSON.stringify(reply)}`);
    sandboxPage.push(performance.now() - t0);
  }
  console.log(`  ledger.payments paging over ${walked} payments of one unit (${total} bulk-inserted in ${insertSeconds.toFixed(1)} s)`);
  console.log(`    raw SQL page of ${PAGE} at 10 depths (keyset)         ${fmt(median(rawPage))}`);
  console.log(`    host-side walk, ${pages} pages of ≤5000            ${walkSeconds.toFixed(1)} s  (${(walked / walkSeconds).toFixed(0)} rows/s)`);
  console.log(`    sandboxed page of ${PAGE} (host call + copy into ivm) ${fmt(median(sandboxPage))}  (${(median(sandboxPage) / median(rawPage)).toFixed(1)}× the raw SQL page)`);
  // The bench's PostgreSQL schema holds a million rows: do not leave it behind.
  if (pg) await sql`drop schema ${sql.id(`bench_${process.pid}`)} cascade`.execute(kernel.db);
  await kernel.close();
}

main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
