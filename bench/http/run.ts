// Payment submission over HTTP at 50 connections (autocannon): the real server (`unibudget start`,
// a child process, SQLite or DATABASE_URL) beside a bare hono + better-sqlite3 insert route, each
// with BENCH_HTTP_SIZES payments already in the table (default 1,000 and 100,000).
//   node --no-node-snapshot --import tsx bench/http/run.ts
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import autocannon from 'autocannon';
import { createTestDatabase, http, login, startServer } from '../../test/reliability/server.js';
import { fmtN, report, type Row } from '../lib.js';

const SIZES = (process.env.BENCH_HTTP_SIZES || '1000,100000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const CONNECTIONS = 50;

interface Figures { rps: number; p50: number; p99: number; non2xx: number; errors: number }

async function load(url: string, headers: Record<string, string>, body: string): Promise<Figures> {
  // A short warm-up (JIT, statement caches, connection pool) that is not counted.
  await autocannon({ url, method: 'POST', headers, body, connections: 10, duration: 1 });
  const result = await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: SECONDS });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function unibudget(existing: number): Promise<Figures> {
  const db = await createTestDatabase();
  const server = await startServer(db);
  try {
    const finance = await login(server.base, 'a.finance');
    const staff = await login(server.base, 'a.staff');
    const probe = await db.open();
    const department = await probe.db.selectFrom('departments').select('id').where('unit_id', '=', 'a').where('code', '=', '03').executeTakeFirstOrThrow();
    const made = await http(server.base, 'POST', '/api/units/a/indicators', finance, {
      year: 2026, name: '压测指标', departmentId: department.id, projectId: null, expenditureKind: 'operating', functionalCode: '2050101',
      economicCode: '30201', fundSourceCode: '11', amount: 9_000_000_000_000, date: '2026-06-01', isFlexibleReserve: false,
    });
    if (made.status !== 201) throw new Error(JSON.stringify(made.body));
    const user = await probe.db.selectFrom('users').select('id').where('username', '=', 'a.staff').executeTakeFirstOrThrow();
    await sql`insert into payments (unit_id, indicator_id, department_id, payee_name, payee_account, payee_bank, purpose, economic_code, amount, date, status,
        procurement, contract_no, standard, attachments, warnings, override_reason, created_by, created_at, approved_at, paid_at, closed_at)
      with recursive n(x) as (select 1 union all select x + 1 from n where x < ${existing})
      select 'a', ${made.body.id}, ${department.id}, '供应商', '', '', '基线', '30201', 100, '2026-06-10', 'rejected', 0, null, null, '[]', '[]', null, ${user.id},
        '2026-06-10T00:00:00Z', null, null, '2026-06-10T00:00:00Z' from n`.execute(probe.db);
    await probe.close();
    const body = JSON.stringify({ indicatorId: made.body.id, payeeName: '示范县文具公司', purpose: '压测', amount: 100, date: '2026-06-10' });
    return await load(`${server.base}/api/units/a/payments`, { authorization: `Bearer ${staff}`, 'content-type': 'application/json' }, body);
  } finally {
    await server.kill('SIGTERM');
    await db.drop();
  }
}

async function bare(existing: number): Promise<Figures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unibudget-bare-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/http/bare-server.ts'], { env: { ...process.env, BARE_DB: path.join(dir, 'bare.db'), BARE_ROWS: String(existing) }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const base = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        const match = /listening on (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
    });
    const body = JSON.stringify({ indicatorId: 1, payeeName: '示范县文具公司', purpose: '压测', amount: 100, date: '2026-06-10' });
    return await load(`${base}/api/units/a/payments`, { 'content-type': 'application/json' }, body);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
console.log(`bench/http: payment submission, ${CONNECTIONS} connections, ${SECONDS} s per run (${process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'})`);
for (const size of SIZES) {
  const real = await unibudget(size);
  const ceiling = await bare(size);
  const line = (name: string, f: Figures) => `  ${name.padEnd(34)} ${fmtN(f.rps).padStart(7)} req/s   p50 ${f.p50} ms   p99 ${f.p99} ms   non-2xx ${f.non2xx}   errors ${f.errors}`;
  console.log(`  with ${fmtN(size)} payments in the table`);
  console.log(line('unibudget POST /payments', real));
  console.log(line('bare hono + better-sqlite3 insert', ceiling));
  const bench = 'payment submission over HTTP (50 connections)';
  const sizeLabel = `${fmtN(size)} payments`;
  rows.push(
    { bench, measure: 'throughput', size: sizeLabel, value: `${fmtN(real.rps)} req/s`, ceiling: `${fmtN(ceiling.rps)} req/s`, ratio: `${((real.rps / ceiling.rps) * 100).toFixed(1)} % of ceiling` },
    { bench, measure: 'latency p50', size: sizeLabel, value: `${real.p50} ms`, ceiling: `${ceiling.p50} ms`, ratio: `${(real.p50 / Math.max(ceiling.p50, 0.5)).toFixed(1)}×` },
    { bench, measure: 'latency p99', size: sizeLabel, value: `${real.p99} ms`, ceiling: `${ceiling.p99} ms`, ratio: `${(real.p99 / Math.max(ceiling.p99, 0.5)).toFixed(1)}×` },
    { bench, measure: 'non-2xx / errors', size: sizeLabel, value: `${real.non2xx} / ${real.errors}`, ceiling: `${ceiling.non2xx} / ${ceiling.errors}`, ratio: '' },
  );
}
report(rows);
