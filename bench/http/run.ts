// Payment submission over HTTP at 50 connections (autocannon): the real server (`unibudget start`,
// a child process, SQLite or DATABASE_URL) beside bench/http/bare-server.ts (hono + one insert, on
// the same database: a prepared better-sqlite3 statement on the SQLite file, a pg pool of the core's
// size on PostgreSQL), each with BENCH_HTTP_SIZES payments already in the table (default 1,000 and
// 100,000); again with one sandboxed payment.validate enabled in the unit (as the demo runs, BENCH_VALIDATOR=0
// skips it); on PostgreSQL, one app process beside two on the same database (BENCH_PROCESSES=0 skips it).
// Beside each throughput, the server processes' CPU time per request (from /proc).
//   node --no-node-snapshot --import tsx bench/http/run.ts
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import autocannon from 'autocannon';
import { createTestDatabase, http, login, startServer, type ServerProcess, type TestDatabase } from '../../test/reliability/server.js';
import { SYSTEM_ACTOR } from '../../core/audit/service.js';
import { enable, installBundle, updateTrust } from '../../core/plugins/admin.js';
import { makeBundle } from '../../sdk/bundle.js';
import { cpuMeter, cpuRows, fmtCpu, idleMeter, fmtN, listeningOn, report, type Row } from '../lib.js';
import { SERVER_NODE_FLAGS } from '../../bin/node-flags.mjs';

const SIZES = (process.env.BENCH_HTTP_SIZES || '1000,100000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const PG = process.env.DATABASE_URL?.startsWith('postgres') ?? false;
/** Indicators the two-process comparison spreads its payments over (one indicator is one row lock: serial by design). */
const SPREAD = Number(process.env.BENCH_SPREAD_INDICATORS || 10);

/**
 * `cpuUs`: the server processes' CPU time per request answered (null without /proc or without pids).
 * `statements`: the database statements the server ran per request answered, and their time (from its
 * /api/metrics; null for the bare server). `machineIdle`: the machine's CPU nobody used meanwhile, in percent.
 */
interface Figures { rps: number; p50: number; p99: number; non2xx: number; errors: number; completed: number; cpuUs: number | null; statements: { count: number; us: number } | null; machineIdle: number | null }

/** The server's statement count and total statement time so far (its /api/metrics histogram). */
type StatementProbe = () => Promise<{ count: number; ms: number }>;

function statementProbe(base: string, token: string): StatementProbe {
  return async () => {
    const text = await (await fetch(`${base}/api/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { count: value('unibudget_db_statement_duration_ms_count'), ms: value('unibudget_db_statement_duration_ms_sum') };
  };
}

interface Target { url: string; headers: Record<string, string>; bodies: string[] }

async function load(targets: Target[], pids: Array<number | undefined>, connections = CONNECTIONS, probes: StatementProbe[] = []): Promise<Figures> {
  const run = (t: Target, c: number, duration: number) => autocannon({
    url: t.url, method: 'POST', headers: t.headers, body: t.bodies[0], connections: c, duration,
    ...(t.bodies.length > 1 ? { requests: [{ setupRequest: (req: object) => ({ ...req, body: t.bodies[Math.floor(Math.random() * t.bodies.length)] }) }] } : {}),
  } as any);
  // A short warm-up (JIT, statement caches, connection pool) that is not counted; then a pause so
  // the requests it left in flight are answered before the measured window opens.
  await Promise.all(targets.map((t) => run(t, 5, 1)));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const per = Math.max(1, Math.floor(connections / targets.length));
  const statementsBefore = await Promise.all(probes.map((probe) => probe()));
  const cpu = cpuMeter(pids);
  const idle = idleMeter();
  const results = await Promise.all(targets.map((t) => run(t, per, SECONDS)));
  const sum = (f: (r: any) => number) => results.reduce((s, r) => s + f(r), 0);
  const completed = sum((r) => r.requests.total);
  const cpuUs = cpu.perRequest(completed);
  const machineIdle = idle.idlePercent();
  // Read after the CPU, so the probes' requests are not in it; the last probe's few statements are in the count (a handful against thousands).
  const statementsAfter = await Promise.all(probes.map((probe) => probe()));
  const statementDelta = (field: 'count' | 'ms') => statementsAfter.reduce((s, after, i) => s + after[field] - statementsBefore[i]![field], 0);
  return {
    rps: sum((r) => r.requests.average), completed, cpuUs, machineIdle,
    statements: probes.length && completed ? { count: statementDelta('count') / completed, us: (statementDelta('ms') * 1000) / completed } : null,
    p50: Math.max(...results.map((r) => r.latency.p50)), p99: Math.max(...results.map((r) => r.latency.p99)),
    non2xx: sum((r) => r.non2xx), errors: sum((r) => r.errors),
  };
}

/** The demo's shape of a plugin validator: one `payment.validate` in the sandbox, enabled in unit a. */
async function installValidator(db: TestDatabase) {
  const kernel = await db.open();
  try {
    await updateTrust(kernel, SYSTEM_ACTOR, { allowUnsigned: true });
    const code = `var __plugin = { default: { validators: { 'payment.validate': (input) => input.document.amount > 100000000 ? { result: 'block', message: 'too much' } : { result: 'ok' } } } };`;
    await installBundle(kernel, SYSTEM_ACTOR, makeBundle({ id: 'bench-validator', name: { zh: '基准校验', en: 'Bench validator' }, version: '1.0.0', engine: '^1.0.0', author: 'bench', permissions: ['validators'], validators: ['payment.validate'] }, code));
    await enable(kernel, SYSTEM_ACTOR, 'a', 'bench-validator', { grants: ['validators'] });
  } finally {
    await kernel.close();
  }
}

/** A test database with `existing` payments stored and `indicators` indicators of unit a to pay from; the request bodies. */
async function prepare(existing: number, indicators: number): Promise<{ db: TestDatabase; bodies: string[] }> {
  const db = await createTestDatabase();
  const server = await startServer(db);
  try {
    const finance = await login(server.base, 'a.finance');
    const probe = await db.open();
    const department = await probe.db.selectFrom('departments').select('id').where('unit_id', '=', 'a').where('code', '=', '03').executeTakeFirstOrThrow();
    const ids: number[] = [];
    for (let i = 0; i < indicators; i++) {
      const made = await http(server.base, 'POST', '/api/units/a/indicators', finance, {
        year: 2026, name: `压测指标${i + 1}`, departmentId: department.id, projectId: null, expenditureKind: 'operating', functionalCode: '2050101',
        economicCode: '30201', fundSourceCode: '11', amount: Math.floor(9_000_000_000_000 / indicators), date: '2026-06-01', isFlexibleReserve: false,
      });
      if (made.status !== 201) throw new Error(JSON.stringify(made.body));
      ids.push(made.body.id);
    }
    const user = await probe.db.selectFrom('users').select('id').where('username', '=', 'a.staff').executeTakeFirstOrThrow();
    await sql`insert into payments (unit_id, indicator_id, department_id, payee_name, payee_account, payee_bank, purpose, economic_code, amount, date, status,
        procurement, contract_no, standard, attachments, warnings, override_reason, created_by, created_at, approved_at, paid_at, closed_at)
      with recursive n(x) as (select 1 union all select x + 1 from n where x < ${existing})
      select 'a', ${ids[0]}, ${department.id}, '供应商', '', '', '基线', '30201', 100, '2026-06-10', 'rejected', 0, null, null, '[]', '[]', null, ${user.id},
        '2026-06-10T00:00:00Z', null, null, '2026-06-10T00:00:00Z' from n`.execute(probe.db);
    await probe.close();
    return { db, bodies: ids.map((id) => JSON.stringify({ indicatorId: id, payeeName: '示范县文具公司', purpose: '压测', amount: 100, date: '2026-06-10' })) };
  } finally {
    await server.kill('SIGTERM');
  }
}

/** `processes` app processes on the database, the connections shared among them. */
async function unibudget(db: TestDatabase, bodies: string[], processes = 1): Promise<Figures> {
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < processes; i++) servers.push(await startServer(db));
    const staff = await login(servers[0]!.base, 'a.staff');
    const admin = await login(servers[0]!.base, 'sysadmin');
    return await load(
      servers.map((s) => ({ url: `${s.base}/api/units/a/payments`, headers: { authorization: `Bearer ${staff}`, 'content-type': 'application/json' }, bodies })),
      servers.map((s) => s.child.pid), CONNECTIONS, servers.map((s) => statementProbe(s.base, admin)));
  } finally {
    await Promise.all(servers.map((s) => s.kill('SIGTERM')));
  }
}

/** The bare server; `numbered`: its row numbered gap-free per unit in the same transaction (bare-server.ts). */
async function bare(db: TestDatabase, existing: number, numbered = false): Promise<Figures> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', 'bench/http/bare-server.ts'], {
    env: { ...process.env, BARE_DB: db.url, BARE_ROWS: String(existing), BARE_NUMBERED: numbered ? '1' : '0' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const base = await listeningOn(child);
    const body = JSON.stringify({ indicatorId: 1, payeeName: '示范县文具公司', purpose: '压测', amount: 100, date: '2026-06-10' });
    return await load([{ url: `${base}/api/units/a/payments`, headers: { 'content-type': 'application/json' }, bodies: [body] }], [child.pid]);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const bench = `payment submission over HTTP (${CONNECTIONS} connections)`;
const ceilingName = PG ? 'bare hono + pg insert (pool 10)' : 'bare hono + better-sqlite3 insert';

/**
 * The writes a payment must make (its row, steps, reservation, number, audit entry, event, notice) and
 * the reads its rules need, as the database ran them. On SQLite they run on the server's own thread, so
 * their time alone bounds the throughput of any route that writes the same rows: the bare server's
 * CPU plus this time per request is the least such a route could spend.
 */
function statementRows(size: string, real: Figures, ceiling: Figures): Row[] {
  if (!real.statements) return [];
  const { count, us } = real.statements;
  const bound = !PG && ceiling.cpuUs !== null ? `a route running only these statements: ≤ ${((ceiling.cpuUs / (ceiling.cpuUs + us)) * 100).toFixed(1)} % of ceiling` : '';
  return [{
    bench, measure: PG ? 'database statements per request (time includes round trips and row-lock waits)' : 'of which database statements per request (on the server thread)', size,
    value: `${count.toFixed(1)} statements, ${fmtCpu(us)}`, ceiling: ceiling.cpuUs === null ? '' : `${fmtCpu(ceiling.cpuUs)} (${ceilingName}: server CPU per request)`, ratio: bound,
  }];
}

const rows: Row[] = [];
const line = (name: string, f: Figures) => `  ${name.padEnd(44)} ${fmtN(f.rps).padStart(7)} req/s   p50 ${f.p50} ms   p99 ${f.p99} ms   server CPU ${fmtCpu(f.cpuUs)}/request${f.statements ? ` (statements ${f.statements.count.toFixed(1)}, ${fmtCpu(f.statements.us)})` : ''}${f.machineIdle === null ? '' : `   machine idle ${f.machineIdle.toFixed(0)} %`}   completed ${f.completed}   non-2xx ${f.non2xx}   errors ${f.errors}`;
const share = (f: Figures, c: Figures) => `${((f.rps / c.rps) * 100).toFixed(1)} % of ceiling`;
console.log(`bench/http: payment submission, ${CONNECTIONS} connections, ${SECONDS} s per run (${PG ? 'PostgreSQL' : 'SQLite'})`);
for (const size of SIZES) {
  const { db, bodies } = await prepare(size, PG && process.env.BENCH_PROCESSES !== '0' ? SPREAD : 1);
  try {
    const one = [bodies[0]!];
    const real = await unibudget(db, one);
    const ceiling = await bare(db, size);
    const numbered = await bare(db, size, true);
    console.log(`  with ${fmtN(size)} payments in the table`);
    console.log(line('unibudget POST /payments', real));
    console.log(line(ceilingName, ceiling));
    console.log(line(`${ceilingName}, numbered gap-free`, numbered));
    const sizeLabel = `${fmtN(size)} payments`;
    const ceilingLabel = `${fmtN(ceiling.rps)} req/s (${ceilingName})`;
    rows.push(
      { bench, measure: 'throughput', size: sizeLabel, value: `${fmtN(real.rps)} req/s`, ceiling: ceilingLabel, ratio: share(real, ceiling) },
      ...cpuRows(bench, sizeLabel, real.cpuUs, ceiling.cpuUs, ceilingName),
      ...statementRows(sizeLabel, real, ceiling),
      {
        bench, measure: 'the bare route numbering its row gap-free per unit (one counter row, as every document number; nothing else of a payment)', size: sizeLabel,
        value: `${fmtN(numbered.rps)} req/s (p99 ${numbered.p99} ms)`, ceiling: ceilingLabel, ratio: share(numbered, ceiling),
      },
      { bench, measure: 'latency p50', size: sizeLabel, value: `${real.p50} ms`, ceiling: `${ceiling.p50} ms`, ratio: `${(real.p50 / Math.max(ceiling.p50, 0.5)).toFixed(1)}×` },
      { bench, measure: 'latency p99', size: sizeLabel, value: `${real.p99} ms`, ceiling: `${ceiling.p99} ms`, ratio: `${(real.p99 / Math.max(ceiling.p99, 0.5)).toFixed(1)}×` },
      { bench, measure: 'non-2xx / errors', size: sizeLabel, value: `${real.non2xx} / ${real.errors}`, ceiling: `${ceiling.non2xx} / ${ceiling.errors}`, ratio: '' },
    );
    if (PG && process.env.BENCH_PROCESSES !== '0') {
      // Scaling across app processes: the same load spread over SPREAD indicators, one process, then two.
      const single = await unibudget(db, bodies, 1);
      const double = await unibudget(db, bodies, 2);
      console.log(line(`1 app process, ${SPREAD} indicators`, single));
      console.log(line(`2 app processes, ${SPREAD} indicators`, double));
      rows.push({ bench, measure: `two app processes on one database (payments over ${SPREAD} indicators)`, size: sizeLabel, value: `${fmtN(double.rps)} req/s`, ceiling: `${fmtN(single.rps)} req/s (one process${single.machineIdle === null ? '' : `, which left ${single.machineIdle.toFixed(0)} % of the machine's CPU idle`})`, ratio: `${(double.rps / single.rps).toFixed(2)}×` });
    }
    if (process.env.BENCH_VALIDATOR !== '0') {
      await installValidator(db);
      const validated = await unibudget(db, one);
      console.log(line('unibudget POST /payments + payment.validate', validated));
      rows.push({ bench, measure: 'throughput, one sandboxed payment.validate', size: sizeLabel, value: `${fmtN(validated.rps)} req/s (p99 ${validated.p99} ms)`, ceiling: ceilingLabel, ratio: share(validated, ceiling) });
    }
  } finally {
    await db.drop();
  }
}
report(rows);
// Since the validator variant (installValidator) the process did not exit by itself (a handle left open,
// not tracked down): bench/run.ts waits for the exit, so end here.
process.exit(0);
