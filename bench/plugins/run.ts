// bench/plugins: what the sandbox costs, beside the raw isolated-vm call cost measured in the same run.
//   node --no-node-snapshot --import tsx bench/plugins/run.ts
// Prints: raw ivm call (sync, and async apply awaited serially) → sandboxed payment.validate added to a
// payment (payment with vs without the validator) → events delivered per second by the outbox loop.
import { createRequire } from 'node:module';
import { createKernel } from '../../core/kernel.js';
import { createApp } from '../../core/http/app.js';
import { DEMO_PASSWORD, seedDemo } from '../../core/demo/seed.js';
import { SYSTEM_ACTOR } from '../../core/audit/service.js';
import { hostOf } from '../../core/plugins/host.js';
import { DeliveryLoop } from '../../core/plugins/delivery.js';
import { enable, installBundle, updateTrust } from '../../core/plugins/service.js';
import { makeBundle } from '../../sdk/bundle.js';

const ivm = createRequire(import.meta.url)('isolated-vm');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
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

async function main() {
  const raw = await rawIvm();
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
  for (let i = 0; i < rounds; i++) {
    withValidator.push(await pay('a'));
    without.push(await pay('b'));
  }

  const t = performance.now();
  let worked = 0;
  for (;;) {
    const n = await loop.round();
    worked += n;
    if (n === 0) break;
  }
  const seconds = (performance.now() - t) / 1000;

  const added = median(withValidator) - median(without);
  console.log(`bench/plugins (${kernel.dialect}, medians of ${rounds})`);
  console.log(`  raw isolated-vm call, sync with copied arguments     ${fmt(raw.sync)}`);
  console.log(`  raw isolated-vm call, async apply awaited serially   ${fmt(raw.asyncCall)}`);
  console.log(`  payment without plugin validator                     ${fmt(median(without))}`);
  console.log(`  payment with sandboxed payment.validate              ${fmt(median(withValidator))}`);
  console.log(`  → validator cost added to a payment                  ${fmt(added)}  (${(added / raw.asyncCall).toFixed(1)}× a raw async ivm call; includes the IPC hop to the runner process)`);
  console.log(`  events delivered (${worked} in ${seconds.toFixed(2)} s)           ${(worked / seconds).toFixed(0)} events/s  (each: claim + sandbox call + host storage call + ack; raw async ivm ceiling ${(1000 / raw.asyncCall).toFixed(0)}/s serial)`);
  await kernel.close();
}

main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
