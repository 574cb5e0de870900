// Indicator balance read over HTTP at 50 connections (autocannon): the real server (`unibudget start`,
// a child process, SQLite or DATABASE_URL) answering GET /api/units/a/indicators/:id/balance (auth,
// authorization, the balance: one primary-key read) and GET /api/units/a/indicators/:id (the same with
// every movement and the origins) beside bench/http/bare-read-server.ts (hono, the same path and auth
// header shape, one primary-key select on the same database), with BENCH_READ_SIZES indicators in the unit
// (default 1,000 and 1,000,000). Random ids of the unit on every request, for both. Both servers run
// with the server's Node flags (bin/node-flags.mjs). Beside each throughput, each server's CPU time per
// request (from /proc): the steadier figure on a shared VM.
//   node --no-node-snapshot --import tsx bench/http/read.ts
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import autocannon from 'autocannon';
import { createTestDatabase, login, startServer, type TestDatabase } from '../../test/reliability/server.js';
import { cpuMeter, cpuRows, fmtCpu, fmtN, listeningOn, report, type Row } from '../lib.js';
import { SERVER_NODE_FLAGS } from '../../bin/node-flags.mjs';

const SIZES = (process.env.BENCH_READ_SIZES || '1000,1000000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
/**
 * Runs of each server, alternating (unibudget, bare, unibudget, bare, …): the pair with the median
 * ratio is reported. One run of each swung the ceiling by ±40 % on a 2-core VM.
 */
const PAIRS = Number(process.env.BENCH_READ_PAIRS || 3);
const CONNECTIONS = 50;

/** `cpuUs`: the server process's CPU time per request answered (null without /proc). */
interface Figures { rps: number; p50: number; p99: number; non2xx: number; errors: number; cpuUs: number | null }

/** What is read: the balance route, or the detail with its movements and origins. */
type Route = 'balance' | 'detail';
const ROUTES: Record<Route, { path: (id: number) => string; label: string }> = {
  balance: { path: (id) => `/api/units/a/indicators/${id}/balance`, label: 'unibudget GET /indicators/:id/balance' },
  detail: { path: (id) => `/api/units/a/indicators/${id}`, label: 'unibudget GET /indicators/:id (detail)' },
};

async function load(base: string, pid: number | undefined, token: string, ids: number[], route: Route = 'balance'): Promise<Figures> {
  const path = ROUTES[route].path;
  const requests = [{ setupRequest: (req: { path: string }) => ({ ...req, path: path(ids[Math.floor(Math.random() * ids.length)]!) }) }];
  const headers = { authorization: `Bearer ${token}` };
  await autocannon({ url: `${base}${path(ids[0]!)}`, headers, requests, connections: 10, duration: 1 } as any);
  const cpu = cpuMeter([pid]);
  const r = await autocannon({ url: `${base}${path(ids[0]!)}`, headers, requests, connections: CONNECTIONS, duration: SECONDS } as any);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, cpuUs: cpu.perRequest(r.requests.total) };
}

async function grow(db: TestDatabase, from: number, total: number): Promise<number[]> {
  const kernel = await db.open();
  try {
    const department = (await kernel.db.selectFrom('departments').select('id').where('unit_id', '=', 'a').where('code', '=', '03').executeTakeFirstOrThrow()).id;
    const pgd = db.dialect === 'postgres';
    const batch = 200_000;
    for (let start = from; start < total; start += batch) {
      const end = Math.min(total, start + batch);
      await sql`insert into indicators (unit_id, year, code, name, department_id, project_id, expenditure_kind, functional_code, economic_code, fund_source_code,
          issued_amount, adjusted_amount, frozen_amount, paid_amount, source_line_id, carried_from_id, is_flexible_reserve, created_at)
        ${pgd ? sql`` : sql`with recursive n(x) as (select ${start + 1} union all select x + 1 from n where x < ${end})`}
        select 'a', 2026, 'READ-' || x, '读基准' || x, ${department}, null, 'operating', '2050101', '30201', '11', 1000000 + x, 0, 0, 0, null, null, 0, '2026-06-01T00:00:00Z'
        from ${pgd ? sql`generate_series(${start + 1}::int, ${end}::int) as n(x)` : sql`n`}`.execute(kernel.db);
    }
    if (pgd) await sql`analyze indicators`.execute(kernel.db);
    // A sample of the unit's ids (the requests pick among them).
    return (await kernel.db.selectFrom('indicators').select('id').where('unit_id', '=', 'a').where('code', 'like', 'READ-%').orderBy('id', 'desc').limit(10_000).execute()).map((r) => r.id);
  } finally {
    await kernel.close();
  }
}

async function startBare(db: TestDatabase): Promise<{ base: string; pid: number | undefined; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...(process.env.BENCH_BARE_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', 'bench/http/bare-read-server.ts'], { env: { ...process.env, BARE_DB: db.url }, stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await listeningOn(child);
  return {
    base,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

const line = (name: string, f: Figures) => `  ${name.padEnd(44)} ${fmtN(f.rps).padStart(7)} req/s   p50 ${f.p50} ms   p99 ${f.p99} ms   server CPU ${fmtCpu(f.cpuUs)}/request   non-2xx ${f.non2xx}   errors ${f.errors}`;
const rows: Row[] = [];
const dialect = process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
console.log(`bench/http/read: indicator balance read, ${CONNECTIONS} connections, ${SECONDS} s per run, ${PAIRS} alternating rounds, the median round shown (${dialect})`);
const db = await createTestDatabase();
try {
  let have = 0;
  for (const size of SIZES) {
    const ids = await grow(db, have, size);
    have = size;
    const server = await startServer(db);
    const bareServer = await startBare(db);
    // Rounds of three runs (the balance route, the bare server, the detail route): each route's
    // ratio is to the bare run between them, and the round with the median ratio is shown.
    const rounds: Array<Record<Route | 'ceiling', Figures>> = [];
    try {
      const token = await login(server.base, 'a.leader');
      for (let i = 0; i < PAIRS; i++) {
        const balance = await load(server.base, server.child.pid, token, ids, 'balance');
        const ceiling = await load(bareServer.base, bareServer.pid, token, ids);
        rounds.push({ balance, ceiling, detail: await load(server.base, server.child.pid, token, ids, 'detail') });
      }
    } finally {
      await server.kill('SIGTERM');
      await bareServer.stop();
    }
    console.log(`  with ${fmtN(size)} indicators in the unit`);
    for (const route of ['balance', 'detail'] as const) {
      const ratioOf = (round: Record<Route | 'ceiling', Figures>) => round[route].rps / round.ceiling.rps;
      const sorted = [...rounds].sort((x, y) => ratioOf(x) - ratioOf(y));
      const { [route]: real, ceiling } = sorted[Math.floor(sorted.length / 2)]!;
      console.log(`  ${route}: ratios of the ${PAIRS} rounds ${sorted.map((r) => `${(ratioOf(r) * 100).toFixed(1)} %`).join(', ')}`);
      console.log(line(ROUTES[route].label, real));
      console.log(line('bare hono + the same PK select', ceiling));
      const bench = route === 'balance'
        ? `indicator balance read over HTTP (${CONNECTIONS} connections)`
        : `indicator detail read over HTTP, with movements and origins (${CONNECTIONS} connections)`;
      const sizeLabel = `${fmtN(size)} indicators`;
      rows.push(
        { bench, measure: 'throughput', size: sizeLabel, value: `${fmtN(real.rps)} req/s`, ceiling: `${fmtN(ceiling.rps)} req/s (bare hono, same PK select, same auth header)`, ratio: `${((real.rps / ceiling.rps) * 100).toFixed(1)} % of ceiling` },
        ...cpuRows(bench, sizeLabel, real.cpuUs, ceiling.cpuUs, 'the bare server'),
        { bench, measure: 'latency p99', size: sizeLabel, value: `${real.p99} ms`, ceiling: `${ceiling.p99} ms`, ratio: `${(real.p99 / Math.max(ceiling.p99, 0.5)).toFixed(1)}×` },
        { bench, measure: 'non-2xx / errors', size: sizeLabel, value: `${real.non2xx} / ${real.errors}`, ceiling: `${ceiling.non2xx} / ${ceiling.errors}`, ratio: '' },
      );
    }
  }
} finally {
  await db.drop();
}
report(rows);
