// The ledger's reads beside the raw database:
//  - an indicator's balance (GET /api/units/a/indicators/:id, in-process through the whole API stack,
//    and the service call under it) vs a bare primary-key select, with BENCH_INDICATOR_SIZES indicators
//    in the unit (default 1,000 and 100,000);
//  - the execution report (GET /api/units/a/reports/execution) over BENCH_REPORT_SIZES payments
//    (default 100,000 and 1,000,000, bulk-inserted with SQL, not through the API) vs one raw SQL
//    aggregate of the same payments by indicator and date; the disclosure report (部门预算公开, actual
//    basis) beside the raw indicator select plus the yearly aggregate; the trial balance (试算平衡表, two journal
//    lines per payment, bulk-inserted) beside its own aggregate as raw SQL. BENCH_PLANS=1 prints the plans.
//   node --no-node-snapshot --import tsx bench/ledger/run.ts       (DATABASE_URL=postgres://… for PostgreSQL)
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import { createApp } from '../../core/server/app.js';
import { indicatorDetail } from '../../core/ledger/indicators/service.js';
import type { Kernel } from '../../core/kernel.js';
import { DEMO_PASSWORD } from '../../core/demo/seed.js';
import { createTestDatabase, type TestDatabase } from '../../test/reliability/server.js';
import { fmtMs, fmtN, median, report, timeCalls, type Row } from '../lib.js';

const INDICATOR_SIZES = (process.env.BENCH_INDICATOR_SIZES || '1000,100000').split(',').map(Number);
const REPORT_SIZES = (process.env.BENCH_REPORT_SIZES || '100000,1000000').split(',').map(Number);
const rows: Row[] = [];

/** A raw query runner on the same database, outside Kysely: the floor for any read. */
function rawRunner(db: TestDatabase): { query: (text: string, params: unknown[]) => Promise<unknown>; close: () => Promise<void> } {
  if (db.dialect === 'sqlite') {
    const handle = new SQLite(db.url, { readonly: true });
    const cache = new Map<string, SQLite.Statement>();
    return {
      query: async (text, params) => {
        let stmt = cache.get(text);
        if (!stmt) cache.set(text, (stmt = handle.prepare(text)));
        return stmt.reader ? stmt.all(...params) : stmt.run(...params);
      },
      close: async () => {
        handle.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: db.url });
  const ready = client.connect();
  return {
    query: async (text, params) => {
      await ready;
      let n = 0;
      return (await client.query(text.replace(/\?/g, () => `$${++n}`), params)).rows;
    },
    close: () => client.end(),
  };
}

async function tokenFor(app: ReturnType<typeof createApp>, username: string): Promise<string> {
  const response = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  return ((await response.json()) as { token: string }).token;
}

async function departmentOf(kernel: Kernel) {
  return (await kernel.db.selectFrom('departments').select('id').where('unit_id', '=', 'a').where('code', '=', '03').executeTakeFirstOrThrow()).id;
}

/** Adds indicators to unit a (bulk SQL) until it holds `total`, each with one issue movement. */
async function growIndicators(kernel: Kernel, from: number, total: number) {
  const department = await departmentOf(kernel);
  await sql`insert into indicators (unit_id, year, code, name, department_id, project_id, expenditure_kind, functional_code, economic_code, fund_source_code,
      issued_amount, adjusted_amount, frozen_amount, paid_amount, source_line_id, carried_from_id, is_flexible_reserve, created_at)
    with recursive n(x) as (select cast(${from + 1} as integer) union all select x + 1 from n where x < cast(${total} as integer))
    select 'a', 2026, 'BENCH-' || x, '基准指标' || x, ${department}, null, 'operating', '2050101', '30201', '11', 1000000 + x, 0, 0, 0, null, null, 0, '2026-06-01T00:00:00Z' from n`.execute(kernel.db);
  await sql`insert into indicator_movements (unit_id, indicator_id, kind, amount, ref_type, ref_id, counterpart_indicator_id, at, date, actor_id)
    select 'a', id, 'issue', issued_amount, 'direct', id, null, created_at, '2026-06-01', null from indicators
    where unit_id = 'a' and code like 'BENCH-%' and id not in (select indicator_id from indicator_movements where kind = 'issue')`.execute(kernel.db);
}

async function indicatorReads(db: TestDatabase) {
  const kernel = await db.open();
  const app = createApp(kernel);
  const token = await tokenFor(app, 'a.leader');
  const raw = rawRunner(db);
  let have = 0;
  console.log('  indicator balance read');
  for (const size of INDICATOR_SIZES) {
    await growIndicators(kernel, have, size);
    have = size;
    const ids = (await kernel.db.selectFrom('indicators').select('id').where('code', 'like', 'BENCH-%').execute()).map((r) => r.id);
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    const bare = median(await timeCalls(() => raw.query('select * from indicators where id = ?', [pick()])));
    const service = median(await timeCalls(() => indicatorDetail(kernel.db, 'a', pick())));
    const read = (suffix: string) => timeCalls(async () => {
      const response = await app.request(`/api/units/a/indicators/${pick()}${suffix}`, { headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 200) throw new Error(`indicator read: ${response.status}`);
      await response.arrayBuffer();
    });
    const balance = median(await read('/balance'));
    const api = median(await read(''));
    console.log(`    ${fmtN(size).padStart(9)} indicators   bare PK select ${fmtMs(bare).padStart(9)}   service ${fmtMs(service).padStart(9)}   API in-process: balance ${fmtMs(balance).padStart(9)}, detail ${fmtMs(api).padStart(9)}  (${(api / bare).toFixed(0)}× the bare select)`);
    const bench = 'indicator balance read (median per read)';
    rows.push(
      { bench, measure: 'GET /indicators/:id/balance (in-process, auth included)', size: `${fmtN(size)} indicators`, value: fmtMs(balance), ceiling: `${fmtMs(bare)} (bare PK select)`, ratio: `${(balance / bare).toFixed(0)}×` },
      { bench, measure: 'GET /indicators/:id (in-process, auth included)', size: `${fmtN(size)} indicators`, value: fmtMs(api), ceiling: `${fmtMs(bare)} (bare PK select)`, ratio: `${(api / bare).toFixed(0)}×` },
      { bench, measure: 'indicatorDetail() service call', size: `${fmtN(size)} indicators`, value: fmtMs(service), ceiling: `${fmtMs(bare)} (bare PK select)`, ratio: `${(service / bare).toFixed(0)}×` },
    );
  }
  await raw.close();
  await kernel.close();
}

/** Brings unit a to `total` paid payments spread over 200 indicators and 12 months (bulk SQL). */
async function growPayments(kernel: Kernel, indicatorIds: number[], from: number, total: number) {
  const department = await departmentOf(kernel);
  const staff = (await kernel.db.selectFrom('users').select('id').where('username', '=', 'a.staff').executeTakeFirstOrThrow()).id;
  const first = indicatorIds[0]!;
  const count = indicatorIds.length;
  const batch = 250_000;
  for (let start = from; start < total; start += batch) {
    const end = Math.min(total, start + batch);
    await sql`insert into payments (unit_id, indicator_id, department_id, payee_name, payee_account, payee_bank, purpose, economic_code, amount, date, status,
        procurement, contract_no, standard, attachments, warnings, override_reason, created_by, created_at, approved_at, paid_at, closed_at)
      with recursive n(x) as (select cast(${start + 1} as integer) union all select x + 1 from n where x < cast(${end} as integer))
      select 'a', ${first} + (x % ${count}), ${department}, '供应商' || (x % 500), '', '', '基准支付', '30201', 100 + (x % 1000),
        '2026-' || case when 1 + x % 12 < 10 then '0' else '' end || (1 + x % 12) || '-15', 'paid', 0, null, null, '[]', '[]', null, ${staff}, '2026-01-01T00:00:00Z', null, null, null from n`.execute(kernel.db);
    await sql`insert into indicator_movements (unit_id, indicator_id, kind, amount, ref_type, ref_id, counterpart_indicator_id, at, date, actor_id)
      select unit_id, indicator_id, 'pay', amount, 'payment', id, null, created_at, date, null from payments where unit_id = 'a' and purpose = '基准支付' and id > (
        select coalesce(max(ref_id), 0) from indicator_movements where kind = 'pay' and ref_type = 'payment')`.execute(kernel.db);
  }
}

/** The trial balance's own aggregate (core/ledger/accounting/service.ts trialBalance, the year 2026), as raw SQL. */
// Each ceiling is the least SQL that answers what its report needs, grouped in the 021 indexes' order
// (the reports do the same: a group by an expression or by account alone sorted every row first).
const TRIAL_BALANCE_SQL = `select unit_id, year, month, account_code, sum(debit) as debit, sum(credit) as credit
  from journal_lines where unit_id in (?) and track = ? and (year < 2026 or (year = 2026 and month <= 12)) group by unit_id, year, month, account_code`;

let journalFor = 0;
/** Two financial-track lines per bench payment (5001 业务活动费用 debit, 1011 零余额账户用款额度 credit), under one entry per month. */
async function growJournal(kernel: Kernel) {
  if (journalFor === 0) {
    for (let m = 1; m <= 12; m++) {
      const date = `2026-${String(m).padStart(2, '0')}-15`;
      await kernel.db.insertInto('journal_entries').values({ unit_id: 'a', track: 'financial', year: 2026, month: m, date, voucher_no: `BENCH-${m}`, summary: '基准', source_type: 'bench', source_id: 0, created_at: '2026-01-01T00:00:00Z' }).execute();
    }
  }
  const first = (await kernel.db.selectFrom('journal_entries').select('id').where('voucher_no', '=', 'BENCH-1').executeTakeFirstOrThrow()).id;
  const month = sql`cast(substr(date, 6, 2) as integer)`;
  for (const [line, account, debit] of [[1, '5001', true], [2, '1011', false]] as const) {
    await sql`insert into journal_lines (entry_id, unit_id, track, year, month, line_no, account_code, debit, credit, indicator_id, department_id, functional_code, economic_code, fund_source_code)
      select ${first} - 1 + ${month}, 'a', 'financial', 2026, ${month}, ${line}, ${account}, ${debit ? sql`amount` : sql`0`}, ${debit ? sql`0` : sql`amount`}, indicator_id, department_id, null, economic_code, null
      from payments where unit_id = 'a' and purpose = '基准支付' and id > ${journalFor} order by id`.execute(kernel.db);
  }
  journalFor = Number((await kernel.db.selectFrom('payments').select((eb) => eb.fn.max('id').as('m')).where('purpose', '=', '基准支付').executeTakeFirstOrThrow()).m);
}

/** The plans of the reports' aggregates (BENCH_PLANS=1): EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL. */
async function printPlans(db: TestDatabase, raw: ReturnType<typeof rawRunner>, aggregate: string) {
  for (const [name, text, params] of [['execution aggregate', aggregate, ['a', 'a', 2026]], ['trial balance', TRIAL_BALANCE_SQL, ['a', 'financial']]] as const) {
    const plan = (await raw.query(`${db.dialect === 'sqlite' ? 'explain query plan' : 'explain (analyze, buffers)'} ${text}`, [...params])) as Array<Record<string, unknown>>;
    console.log(`    plan, ${name}:\n${plan.map((r) => `      ${String(r.detail ?? r['QUERY PLAN'])}`).join('\n')}`);
  }
}

async function executionReports(db: TestDatabase) {
  const kernel = await db.open();
  const app = createApp(kernel);
  const token = await tokenFor(app, 'a.leader');
  const raw = rawRunner(db);
  await growIndicators(kernel, 0, 200);
  const indicatorIds = (await kernel.db.selectFrom('indicators').select('id').where('code', 'like', 'BENCH-%').orderBy('id').execute()).map((r) => r.id);
  let have = 0;
  console.log('  execution report');
  for (const size of REPORT_SIZES) {
    const t = performance.now();
    await growPayments(kernel, indicatorIds, have, size);
    have = size;
    if (db.dialect === 'postgres') await sql`analyze`.execute(kernel.db);
    const insertSeconds = (performance.now() - t) / 1000;
    // By indicator and date (the execution report adds the dates of a month up); by indicator alone for the disclosure report's year totals.
    const ofYear = `m.unit_id = ? and m.kind = 'pay' and m.indicator_id in (select id from indicators where unit_id = ? and year = ?)`;
    const aggregate = `select m.indicator_id, m.date, sum(m.amount) as amount from indicator_movements m where ${ofYear} group by m.indicator_id, m.date`;
    const yearly = `select m.indicator_id, sum(m.amount) as amount from indicator_movements m where ${ofYear} group by m.indicator_id`;
    const bare = median(await timeCalls(() => raw.query(aggregate, ['a', 'a', 2026]), 3000, 3));
    const api = median(await timeCalls(async () => {
      const response = await app.request('/api/units/a/reports/execution?year=2026&month=12', { headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 200) throw new Error(`execution report: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }, 3000, 3));
    console.log(`    ${fmtN(size).padStart(9)} payments (+${insertSeconds.toFixed(1)} s to insert)   raw SQL aggregate ${fmtMs(bare).padStart(9)}   GET reports/execution ${fmtMs(api).padStart(9)}  (${(api / bare).toFixed(2)}× the raw aggregate)`);
    rows.push({ bench: 'execution report (median per report)', measure: 'GET /reports/execution (in-process)', size: `${fmtN(size)} payments`, value: fmtMs(api), ceiling: `${fmtMs(bare)} (one raw SQL aggregate)`, ratio: `${(api / bare).toFixed(2)}×` });
    // 部门预算公开 (actual basis): the same indicator facts (the year's indicators and their paid movements by month) shaped into its tables.
    const disclosureRaw = median(await timeCalls(async () => {
      await raw.query(`select * from indicators where unit_id = ? and year = ?`, ['a', 2026]);
      await raw.query(yearly, ['a', 'a', 2026]);
    }, 3000, 3));
    const disclosure = median(await timeCalls(async () => {
      const response = await app.request('/api/units/a/reports/disclosure?year=2026&basis=actual', { headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 200) throw new Error(`disclosure report: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }, 3000, 3));
    console.log(`    ${fmtN(size).padStart(9)} payments   raw indicators + yearly aggregate ${fmtMs(disclosureRaw).padStart(9)}   GET reports/disclosure ${fmtMs(disclosure).padStart(9)}  (${(disclosure / disclosureRaw).toFixed(2)}×)`);
    rows.push({ bench: 'disclosure report 部门预算公开 (median per report)', measure: 'GET /reports/disclosure?basis=actual (in-process)', size: `${fmtN(size)} payments`, value: fmtMs(disclosure), ceiling: `${fmtMs(disclosureRaw)} (raw indicator select + the yearly aggregate)`, ratio: `${(disclosure / disclosureRaw).toFixed(2)}×` });
    // 试算平衡表 (financial track, the year): journal lines, two per payment, bulk-inserted beside them.
    await growJournal(kernel);
    if (db.dialect === 'postgres') await sql`analyze journal_lines`.execute(kernel.db);
    const tbRaw = median(await timeCalls(() => raw.query(TRIAL_BALANCE_SQL, ['a', 'financial']), 3000, 3));
    const tb = median(await timeCalls(async () => {
      const response = await app.request('/api/units/a/trial-balance?track=financial&year=2026', { headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 200) throw new Error(`trial balance: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }, 3000, 3));
    console.log(`    ${fmtN(2 * size).padStart(9)} journal lines   raw SQL aggregate ${fmtMs(tbRaw).padStart(9)}   GET trial-balance ${fmtMs(tb).padStart(9)}  (${(tb / tbRaw).toFixed(2)}× the raw aggregate)`);
    rows.push({ bench: 'trial balance 试算平衡表 (median per report)', measure: 'GET /trial-balance?track=financial (in-process)', size: `${fmtN(size)} payments (${fmtN(2 * size)} journal lines)`, value: fmtMs(tb), ceiling: `${fmtMs(tbRaw)} (one raw SQL aggregate)`, ratio: `${(tb / tbRaw).toFixed(2)}×` });
    if (size === REPORT_SIZES[REPORT_SIZES.length - 1] && process.env.BENCH_PLANS === '1') await printPlans(db, raw, aggregate);
  }
  await raw.close();
  await kernel.close();
}

console.log(`bench/ledger (${process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'})`);
for (const [name, run] of [['indicators', indicatorReads], ['reports', executionReports]] as const) {
  const db = await createTestDatabase();
  try {
    await run(db);
  } catch (error) {
    console.error(`bench/ledger ${name} failed:`, error);
    process.exitCode = 1;
  } finally {
    await db.drop();
  }
}
report(rows);
// A failed run can leave a pool open: end the process once the figures are printed.
process.exit(process.exitCode ?? 0);
