// The policy plugin and the control-rule trial run:
//  - extraction precision and recall on the corpus (plugins/policy/fixtures/corpus.ts), per sentence;
//  - POST /api/units/a/control-rules/trial (in-process, the whole API stack) over BENCH_TRIAL_SIZES past
//    payments (default 100,000; bulk-inserted with SQL, each naming a training standard, a quarter over
//    the proposed cap) with a proposed standard set, beside one raw SQL select of the same rows.
//   node --no-node-snapshot --import tsx bench/policy/run.ts       (DATABASE_URL=postgres://… for PostgreSQL)
import { sql } from 'kysely';
import { createApp } from '../../core/server/app.js';
import { DEMO_PASSWORD } from '../../core/demo/seed.js';
import { createTestDatabase } from '../../test/reliability/server.js';
import { score } from '../../plugins/policy/fixtures/score.js';
import { fmtMs, fmtN, median, report, timeCalls, type Row } from '../lib.js';

const SIZES = (process.env.BENCH_TRIAL_SIZES || '100000').split(',').map(Number);
const rows: Row[] = [];

const s = score();
console.log(`bench/policy\n  extraction on ${s.sentences} sentences: ${s.expected} expected, ${s.extracted} extracted, ${s.matched} right`);
console.log(`    precision ${(s.precision * 100).toFixed(1)}%   recall ${(s.recall * 100).toFixed(1)}%`);
for (const m of s.misses) console.log(`    miss: ${m.s}  missing ${JSON.stringify(m.missing)}  extra ${JSON.stringify(m.extra.map((c) => [c.kind, c.value, c.per]))}`);
rows.push({ bench: 'policy extraction', measure: 'precision / recall', size: `${s.sentences} sentences, ${s.expected} standards`, value: `${(s.precision * 100).toFixed(1)}% / ${(s.recall * 100).toFixed(1)}%`, ceiling: '100% / 100%', ratio: '—' });

const db = await createTestDatabase();
try {
  const kernel = await db.open();
  const app = createApp(kernel);
  const login = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'a.finance', password: DEMO_PASSWORD }) });
  const token = ((await login.json()) as { token: string }).token;
  const department = (await kernel.db.selectFrom('departments').select('id').where('unit_id', '=', 'a').where('code', '=', '03').executeTakeFirstOrThrow()).id;
  const staff = (await kernel.db.selectFrom('users').select('id').where('username', '=', 'a.staff').executeTakeFirstOrThrow()).id;
  const now = new Date().toISOString();
  const indicator = await kernel.db.insertInto('indicators').values({
    unit_id: 'a', year: 2026, code: 'BENCH-TRIAL', name: '试运行基准指标', department_id: department, project_id: null, expenditure_kind: 'operating',
    functional_code: '2050101', economic_code: '30216', fund_source_code: '11', issued_amount: 0, source_line_id: null, carried_from_id: null, created_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  let have = 0;
  for (const size of SIZES) {
    const t0 = performance.now();
    for (let start = have; start < size; start += 20_000) {
      const end = Math.min(size, start + 20_000);
      // 40 person-days each; amount 40 × (400…599 元): a quarter above the proposed 550 cap.
      await sql`insert into payments (unit_id, indicator_id, department_id, payee_name, payee_account, payee_bank, purpose, economic_code, amount, date, status,
          procurement, contract_no, standard, attachments, warnings, override_reason, created_by, created_at, approved_at, paid_at, closed_at)
        with recursive n(x) as (select cast(${start + 1} as integer) union all select x + 1 from n where x < ${end})
        select 'a', ${indicator.id}, ${department}, '培训机构' || (x % 300), '', '', '基准培训费', '30216', 40 * (40000 + (x % 200) * 100),
          '2026-' || (case when x % 12 < 9 then '0' else '' end) || cast(1 + x % 12 as text) || '-15', 'paid', 0, null, '{"item":"training","tier":"class3","quantity":40}', '[]', '[]', null, ${staff}, '2026-01-01T00:00:00Z', null, null, null from n`.execute(kernel.db);
    }
    have = size;
    const insertSeconds = (performance.now() - t0) / 1000;
    const bare = median(await timeCalls(() => sql`select p.id, p.date, p.amount, p.standard, i.expenditure_kind from payments p join indicators i on i.id = p.indicator_id
      where p.unit_id = 'a' and p.date >= '2026-01-01' and p.date <= '2026-12-31' and p.status in ('pending','approved','paid') order by p.date, p.id`.execute(kernel.db), 1500, 3));
    const body = JSON.stringify({
      standards: { rows: [{ item: 'training', tier: 'class3', name: '培训费（三类）', economicCode: '30216', cap: 550_00, per: 'person_day', source: '试算' }] },
      from: '2026-01-01', to: '2026-12-31',
    });
    let answer: { evaluated: number; proposed: { blocked: { count: number; amount: number } } } | null = null;
    const api = median(await timeCalls(async () => {
      const response = await app.request('/api/units/a/control-rules/trial', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
      if (response.status !== 200) throw new Error(`trial answered ${response.status}: ${await response.text()}`);
      answer = (await response.json()) as typeof answer;
    }, 3000, 3));
    const a = answer!;
    console.log(`  trial run over ${fmtN(size)} payments (+${insertSeconds.toFixed(1)} s to insert): raw select ${fmtMs(bare)}   POST control-rules/trial ${fmtMs(api)} (${(api / bare).toFixed(2)}×)   evaluated ${fmtN(a.evaluated)}, would block ${fmtN(a.proposed.blocked.count)}`);
    rows.push({ bench: 'control-rule trial run (median)', measure: 'POST /control-rules/trial (in-process)', size: `${fmtN(size)} payments`, value: fmtMs(api), ceiling: `${fmtMs(bare)} (raw select of the rows)`, ratio: `${(api / bare).toFixed(2)}×` });
  }
  await kernel.close();
} finally {
  await db.drop();
}
report(rows);
