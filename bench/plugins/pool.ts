// bench/plugins/pool: runner pool fairness. Unit a runs a plugin's CPU-heavy nightly job (a scan that
// computes for BENCH_JOB_MS, default 3000 ms, in the plugin's isolate) while unit b submits payments
// that the same plugin validates (payment.validate). With one runner process both units' contexts
// live in one isolate, so b's validator waits for a's job; with a pool of two, unit b sticks to the
// other runner and its validators are not delayed. Ceiling: b's payments with the job not running.
//   node --no-node-snapshot --import tsx bench/plugins/pool.ts      (DATABASE_URL=postgres://… for PostgreSQL)
import { createKernel } from '../../core/kernel.js';
import { createApp } from '../../core/server/app.js';
import { DEMO_PASSWORD, seedDemo } from '../../core/demo/seed.js';
import { SYSTEM_ACTOR } from '../../core/audit/service.js';
import { hostOf } from '../../core/plugins/host.js';
import { enable, enabledIn, installBundle, updateTrust } from '../../core/plugins/admin.js';
import { makeBundle } from '../../sdk/bundle.js';
import { sql } from 'kysely';

const JOB_MS = Number(process.env.BENCH_JOB_MS || 3000);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function measure(runners: number) {
  const pgSchema = `bench_pool_${process.pid}_${runners}`;
  const kernel = await createKernel({ databaseUrl: process.env.DATABASE_URL || ':memory:', kdf: 'fast', ...(process.env.DATABASE_URL ? { pgSchema } : {}) });
  await seedDemo(kernel, new Date('2026-06-15T08:00:00Z'), { activity: false });
  const host = hostOf(kernel, { validatorTimeoutMs: 10_000, timeoutMs: 2000, cpuMs: 1000, runnerPoolSize: runners });
  const app = createApp(kernel);
  const login = async (username: string) =>
    ((await (await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) })).json()) as { token: string }).token;
  const token = await login('b.finance');
  const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const dept = await kernel.db.selectFrom('departments').select('id').where('unit_id', '=', 'b').where('code', '=', '03').executeTakeFirstOrThrow();
  const indicatorId = ((await (await post('/api/units/b/indicators', {
    year: 2026, name: 'bench', departmentId: dept.id, projectId: null, expenditureKind: 'operating', functionalCode: '2050101', economicCode: '30201',
    fundSourceCode: '11', amount: 9_000_000_000, date: '2026-06-01', isFlexibleReserve: false,
  })).json()) as { id: number }).id;
  const pay = async () => {
    const t = performance.now();
    const res = await post('/api/units/b/payments', { indicatorId, payeeName: '示范县文具公司', payeeAccount: '6222020200001234567', purpose: '办公用品', amount: 1234, date: '2026-06-10' });
    if (res.status !== 201) throw new Error(`payment failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { warnings?: unknown[] };
    // A warning here is the validator not answering (fail-open): the job's isolate was reset under it.
    if (body.warnings?.length) failed += 1;
    return performance.now() - t;
  };
  let failed = 0;

  await updateTrust(kernel, SYSTEM_ACTOR, { allowUnsigned: true });
  const code = `var __plugin = { default: {
    validators: { 'payment.validate': (input) => ({ result: 'ok' }) },
    schedule: { nightly: () => { const until = Date.now() + ${JOB_MS}; let x = 0; while (Date.now() < until) x++; return x; } },
  } };`;
  await installBundle(kernel, SYSTEM_ACTOR, makeBundle({
    id: 'nightly', name: { zh: '夜间分析', en: 'Nightly' }, version: '1.0.0', engine: '^1.0.0', author: 'bench', permissions: ['validators', 'schedule'],
    validators: ['payment.validate'], schedule: [{ name: 'nightly', everyMinutes: 1440, timeoutMs: JOB_MS + 5000 }],
  }, code));
  for (const unit of ['a', 'b']) await enable(kernel, SYSTEM_ACTOR, unit, 'nightly', { grants: ['validators', 'schedule'] });
  const enablementA = await enabledIn(kernel.db, 'a', 'nightly');
  // Both units placed (a first) and warm.
  await host.invoke(enablementA, 'validators', 'payment.validate', { kind: 'payment.validate', unitId: 'a', document: {} });
  for (let i = 0; i < 20; i++) await pay();

  failed = 0;
  const idle: number[] = [];
  for (let i = 0; i < 40; i++) idle.push(await pay());
  const during: number[] = [];
  let done = false;
  const job = host.invoke(enablementA, 'schedule', 'nightly', { scheduledAt: new Date().toISOString() }).then((reply) => { done = true; return reply; });
  await new Promise((resolve) => setTimeout(resolve, 50));
  while (!done) during.push(await pay());
  const reply = await job;
  const jobResult = reply.ok ? 'finished' : `failed ${reply.error.code}`;
  if (kernel.dialect === 'postgres') await sql`drop schema ${sql.id(pgSchema)} cascade`.execute(kernel.db);
  await kernel.close();
  return { idle, during, failed, jobResult };
}

async function main() {
  console.log(`bench/plugins/pool (${process.env.DATABASE_URL ? 'postgres' : 'sqlite'}): unit b's payments (with a sandboxed payment.validate) while unit a's nightly job computes for ${JOB_MS} ms in the same plugin`);
  for (const runners of [1, 2]) {
    const { idle, during, failed, jobResult } = await measure(runners);
    const ratio = pct(during, 50) / pct(idle, 50);
    console.log(`  runners ${runners}: idle p50 ${fmt(pct(idle, 50))} p99 ${fmt(pct(idle, 99))} | during the job: ${during.length} payments, p50 ${fmt(pct(during, 50))} p99 ${fmt(pct(during, 99))} max ${fmt(Math.max(...during))} (p50 ${ratio.toFixed(2)}× idle); validator not answered ${failed}; job ${jobResult}`);
  }
}

main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
