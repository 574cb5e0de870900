// Where a payment submission's time goes: statements per request and, under --cpu-prof, the hottest
// functions. In-process (app.request), a file SQLite database (as production), BENCH_N payments.
//   node --no-node-snapshot --import tsx bench/profile/payment.ts
//   node --no-node-snapshot --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile/payment.ts && node bench/profile/top.mjs /tmp/prof
// BENCH_PROFILE_DIR=/tmp/prof profiles the measured payments only (no start-up, no seeding) into that directory.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createKernel } from '../../core/kernel.js';
import { createApp } from '../../core/server/app.js';
import { DEMO_PASSWORD, seedDemo } from '../../core/demo/seed.js';
import { coreMetrics } from '../../core/health/metrics.js';
import { groupCommits } from '../../core/db/command.js';

const N = Number(process.env.BENCH_N || 2000);
/** `read` or `payment`: profile only one of the two. */
const ONLY = process.env.BENCH_ONLY;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 1);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unibudget-prof-'));
  const kernel = await createKernel({ databaseUrl: process.env.DATABASE_URL || path.join(dir, 'p.db'), kdf: 'fast', ...(process.env.DATABASE_URL ? { pgSchema: `prof_${process.pid}` } : {}) });
  await seedDemo(kernel, new Date('2026-06-15T08:00:00Z'), { activity: false });
  const app = createApp(kernel);
  const call = async (method: string, url: string, token: string | null, body?: unknown) => {
    const res = await app.request(url, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const login = async (u: string) => (await call('POST', '/api/auth/login', null, { username: u, password: DEMO_PASSWORD })).body.token as string;
  const finance = await login('a.finance');
  const staff = await login('a.staff');
  const dept = await kernel.db.selectFrom('departments').select('id').where('unit_id', '=', 'a').where('code', '=', '03').executeTakeFirstOrThrow();
  const made = await call('POST', '/api/units/a/indicators', finance, {
    year: 2026, name: 'prof', departmentId: dept.id, projectId: null, expenditureKind: 'operating', functionalCode: '2050101', economicCode: '30201',
    fundSourceCode: '11', amount: 9_000_000_000_000, date: '2026-06-01', isFlexibleReserve: false,
  });
  const body = { indicatorId: made.body.id, payeeName: '示范县文具公司', purpose: '压测', amount: 100, date: '2026-06-10' };
  for (let i = 0; i < 100; i++) await call('POST', '/api/units/a/payments', staff, body);
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const session = profileDir ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const before = coreMetrics.statements.count;
  const commitsBefore = { ...groupCommits };
  let t = performance.now();
  const payments = ONLY === 'read' ? 0 : N;
  let started = 0;
  const latencies: number[] = [];
  // CONCURRENCY requests in flight at once (as autocannon's connections): group commit and the one
  // SQLite connection's queue show here; 1 is the serial cost of one payment.
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (started < payments) {
      started++;
      const sent = performance.now();
      const r = await call('POST', '/api/units/a/payments', staff, body);
      latencies.push(performance.now() - sent);
      if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    }
  }));
  const payMs = (performance.now() - t) / N; // per payment (0 when only reads are profiled)
  if (session && profileDir) {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(profileDir, { recursive: true });
    fs.writeFileSync(path.join(profileDir, `payments-${process.pid}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
  const payStatements = (coreMetrics.statements.count - before) / N;
  const shared = groupCommits.transactions - commitsBefore.transactions;
  const perCommit = shared ? `, ${((groupCommits.commands - commitsBefore.commands) / shared).toFixed(1)} commands per shared commit` : '';
  const before2 = coreMetrics.statements.count;
  t = performance.now();
  for (let i = 0; i < (ONLY === 'payment' ? 0 : N); i++) await call('GET', `/api/units/a/indicators/${made.body.id}`, finance);
  const readMs = (performance.now() - t) / N;
  const readStatements = (coreMetrics.statements.count - before2) / N;
  latencies.sort((x, y) => x - y);
  const at = (q: number) => (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1);
  console.log(`payment submission (${CONCURRENCY} at a time, in-process, ${kernel.dialect}): ${payMs.toFixed(3)} ms, ${payStatements.toFixed(1)} statements each${perCommit}; latency p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
  console.log(`indicator read     (serial, in-process, ${kernel.dialect}): ${readMs.toFixed(3)} ms, ${readStatements.toFixed(1)} statements each`);
  // Its PostgreSQL schema goes with it: left behind, every profile's tables weighed on the next runs.
  if (kernel.dialect === 'postgres') await sql`drop schema ${sql.id(`prof_${process.pid}`)} cascade`.execute(kernel.db);
  await kernel.close();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
