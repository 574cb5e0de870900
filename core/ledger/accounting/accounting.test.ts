import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../audit/service.js';
import { createTestEnv, refusedWithoutTrace, type TestEnv } from '../../../test/support/kernel.js';
import { approveThrough, issue, submitPayment } from '../../../test/support/ledger.js';
import { CHART } from './chart.js';

let env: TestEnv;
let finance: string;
beforeAll(async () => {
  env = await createTestEnv();
  finance = await env.login('a.finance');
});
afterAll(async () => env.close());

async function get(path: string, token = finance) {
  const r = await env.call('GET', path, { token });
  expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
  return r.body;
}

async function paid(indicatorId: number, amount: number, date = '2026-06-20', unitId = 'a') {
  const submitted = await submitPayment(env, indicatorId, amount, {}, `${unitId}.staff`);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  expect((await approveThrough(env, 'payments', submitted.body.id, unitId)).status).toBe('approved');
  const r = await env.call('POST', `/api/units/${unitId}/payments/${submitted.body.id}/pay`, { token: await env.login(`${unitId}.finance`), body: { date } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return submitted.body.id as number;
}

async function entriesFor(unitId: string, predicate: (e: any) => boolean) {
  const all = await get(`/api/units/${unitId}/journal?limit=1000`, await env.login(`${unitId}.finance`));
  return all.filter(predicate);
}

const lineSet = (entry: any) => entry.lines.map((l: any) => `${l.debit ? 'Dr' : 'Cr'} ${l.accountCode} ${l.debit || l.credit}`).sort();

describe('chart of accounts', () => {
  it('is the 政府会计制度 chart: both tracks, 8001 with its three sub-accounts', async () => {
    const chart = await get('/api/units/a/accounts');
    const byCode = new Map(chart.map((a: any) => [a.code, a]));
    for (const [code, name, track] of [['1001', '库存现金', 'financial'], ['1011', '零余额账户用款额度', 'financial'], ['4001', '财政拨款收入', 'financial'], ['5001', '业务活动费用', 'financial'], ['5101', '单位管理费用', 'financial'], ['6001', '财政拨款预算收入', 'budgetary'], ['7101', '行政支出', 'budgetary'], ['7201', '事业支出', 'budgetary'], ['8101', '财政拨款结转', 'budgetary'], ['8102', '财政拨款结余', 'budgetary'], ['8201', '非财政拨款结转', 'budgetary']]) {
      expect(byCode.get(code)).toMatchObject({ name, track });
    }
    expect(byCode.get('8001')).toMatchObject({ postable: false });
    expect(chart.filter((a: any) => a.parent === '8001').map((a: any) => a.code)).toEqual(['800101', '800102', '800103']);
    expect(new Set(CHART.map((a) => a.code)).size).toBe(CHART.length);
  });
});

describe('postings (平行记账)', () => {
  it('issue, 追加/追减, payment post both tracks; freeze and transfers post nothing', async () => {
    const ind = await issue(env, { amount: 500_000_00, name: '办公经费' });
    const issueEntries = await entriesFor('a', (e) => e.lines.some((l: any) => l.indicatorId === ind.id));
    expect(issueEntries.map((e: any) => e.track).sort()).toEqual(['budgetary', 'financial']);
    const fin = issueEntries.find((e: any) => e.track === 'financial');
    const bud = issueEntries.find((e: any) => e.track === 'budgetary');
    expect(lineSet(fin)).toEqual(['Cr 4001 50000000', 'Dr 1011 50000000']);
    expect(lineSet(bud)).toEqual(['Cr 6001 50000000', 'Dr 800101 50000000']);
    expect(fin.voucherNo).toBe(bud.voucherNo);
    expect(fin).toMatchObject({ year: 2026, month: 6, date: '2026-06-01', sourceType: 'issue' });
    expect(fin.lines[0]).toMatchObject({ indicatorId: ind.id, functionalCode: '2050101', economicCode: '30201', fundSourceCode: '11' });
    expect(typeof fin.lines[0].departmentId).toBe('number');

    // A reduction (追减) reverses the lines.
    const cut = await env.call('POST', '/api/units/a/adjustments', { token: finance, body: { indicatorId: ind.id, amount: -100_000_00, reason: '压减', date: '2026-07-01' } });
    expect(cut.status, JSON.stringify(cut.body)).toBe(201);
    await approveThrough(env, 'adjustments', cut.body.id);
    const cutEntries = await entriesFor('a', (e) => e.date === '2026-07-01' && e.lines.some((l: any) => l.indicatorId === ind.id));
    expect(cutEntries.map(lineSet).sort()).toEqual([['Cr 1011 10000000', 'Dr 4001 10000000'], ['Cr 800101 10000000', 'Dr 6001 10000000']].sort());

    // Approval (freeze) posts nothing; payment posts 5001/1011 and 7101/800101 for an administrative unit.
    const before = (await entriesFor('a', () => true)).length;
    const submitted = await submitPayment(env, ind.id, 12_345_67);
    await approveThrough(env, 'payments', submitted.body.id);
    expect((await entriesFor('a', () => true)).length).toBe(before);
    await env.call('POST', `/api/units/a/payments/${submitted.body.id}/pay`, { token: finance, body: { date: '2026-07-15' } });
    const payEntries = await entriesFor('a', (e) => e.date === '2026-07-15');
    expect(payEntries.map(lineSet).sort()).toEqual([['Cr 1011 1234567', 'Dr 5001 1234567'], ['Cr 800101 1234567', 'Dr 7101 1234567']].sort());

    // A transfer moves spending authority only: no entry.
    const other = await issue(env, { amount: 10_000_00, name: '调入指标' });
    const count = (await entriesFor('a', () => true)).length;
    const t = await env.call('POST', '/api/units/a/transfers', { token: await env.login('a.staff'), body: { fromIndicatorId: ind.id, toIndicatorId: other.id, amount: 5_000_00, reason: '调剂', date: '2026-07-16' } });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    expect((await approveThrough(env, 'transfers', t.body.id)).status).toBe('approved');
    expect((await entriesFor('a', () => true)).length).toBe(count);

    // Filter by account: 7101 entries only.
    const byAccount = await get('/api/units/a/journal?track=budgetary&year=2026&month=7&account=7101');
    expect(byAccount.length).toBeGreaterThan(0);
    for (const e of byAccount) expect(e.lines.some((l: any) => l.accountCode === '7101')).toBe(true);
  });

  it('institutions post to 7201 事业支出, and a 业务部门’s basic expenditure to 5001 (5101 is for 管理部门: assets.test.ts); non-fiscal money uses 1002/800102', async () => {
    // Department 03 教务处 of the school is a 业务部门: its operating spending is 业务活动费用, not 单位管理费用.
    const basic = await issue(env, { unitId: 'b', amount: 80_000_00 });
    await paid(basic.id, 1_000_00, '2026-06-21', 'b');
    const entries = await entriesFor('b', (e) => e.date === '2026-06-21');
    expect(entries.map(lineSet).sort()).toEqual([['Cr 1011 100000', 'Dr 5001 100000'], ['Cr 800101 100000', 'Dr 7201 100000']].sort());

    const own = await issue(env, { amount: 30_000_00, fundSourceCode: '3101', name: '单位资金' });
    expect(await entriesFor('a', (e) => e.lines.some((l: any) => l.indicatorId === own.id))).toEqual([]);
    // Own money is spent only once received (CASH_INSUFFICIENT): 其他收入 arrives first.
    const received = await env.call('POST', '/api/units/a/receipts', { token: finance, body: { date: '2026-06-21', type: 'other', amount: 2_000_00, fundSourceCode: '3106', payer: '示范县农商银行', summary: '存款利息' } });
    expect(received.status, JSON.stringify(received.body)).toBe(201);
    await paid(own.id, 2_000_00, '2026-06-22');
    const ownEntries = await entriesFor('a', (e) => e.lines.some((l: any) => l.indicatorId === own.id));
    expect(ownEntries.map(lineSet).sort()).toEqual([['Cr 1002 200000', 'Dr 5001 200000'], ['Cr 800102 200000', 'Dr 7101 200000']].sort());
  });

  it('trial balance: every column balances, closing = opening + debit − credit', async () => {
    for (const track of ['financial', 'budgetary']) {
      for (const month of [6, 7, undefined]) {
        const tb = await get(`/api/units/a/trial-balance?track=${track}&year=2026${month ? `&month=${month}` : ''}`);
        expect(tb.balanced).toBe(true);
        expect(tb.totals.periodDebit).toBe(tb.totals.periodCredit);
        for (const row of tb.accounts) {
          expect(row.closingDebit - row.closingCredit).toBe(row.openingDebit - row.openingCredit + row.periodDebit - row.periodCredit);
        }
      }
    }
    const july = await get('/api/units/a/trial-balance?track=budgetary&year=2026&month=7');
    const june = await get('/api/units/a/trial-balance?track=budgetary&year=2026&month=6');
    const quota = (tb: any) => tb.accounts.find((r: any) => r.accountCode === '800101');
    expect(quota(july).openingDebit).toBe(quota(june).closingDebit);
  });

  it('refuses bad queries and keeps supervising units read-only', async () => {
    expect((await env.call('GET', '/api/units/a/trial-balance?track=cash&year=2026', { token: finance })).body.error.code).toBe('VALIDATION_FAILED');
    const leader = await env.login('dept.leader');
    const consolidated = await get('/api/units/dept/trial-balance?track=budgetary&year=2026&consolidated=true', leader);
    expect(consolidated.unitIds.sort()).toEqual(['a', 'b', 'dept']);
    expect(consolidated.balanced).toBe(true);
    await refusedWithoutTrace(env, async () => env.call('POST', '/api/units/a/year-end', { token: leader, body: { year: 2026 } }), 403, 'FORBIDDEN');
  });
});

async function readXlsx(bytes: ArrayBuffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes);
  return workbook;
}

async function download(path: string, token = finance) {
  const response = await env.app.request(path, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return response;
}

/** Every table of the JSON report, read back from the xlsx: titles, unit label, headers and each figure. */
async function expectXlsxMatches(path: string, token = finance) {
  const json = await get(path, token);
  const response = await download(`${path}&format=xlsx`, token);
  expect(response.headers.get('content-type')).toContain('spreadsheetml');
  const workbook = await readXlsx(await response.arrayBuffer());
  expect(workbook.worksheets).toHaveLength(json.tables.length);
  json.tables.forEach((table: any, t: number) => {
    const sheet = workbook.worksheets[t]!;
    expect(String(sheet.getCell(1, 1).value)).toContain(table.title);
    expect(String(sheet.getCell(2, 1).value)).toContain(json.unitName);
    const divisor = table.unitLabel === '元' ? 100 : 1_000_000;
    if (table.columns[0].key === 'section') {
      // 收支总表 prints two-sided (收入 left, 支出 right): every JSON line is printed once, 类 rows with their code.
      const money = table.columns.filter((c: any) => c.kind !== 'text');
      expect(sheet.getCell(2, 2 * (money.length + 1)).value).toBe(`单位：${table.unitLabel}`);
      expect([sheet.getCell(3, 1).value, sheet.getCell(3, money.length + 2).value]).toEqual(['收入', '支出']);
      const printed: string[] = [];
      sheet.eachRow((row, r) => {
        if (r < 5) return;
        for (const at of [1, money.length + 2]) {
          const name = row.getCell(at).value;
          if (name) printed.push([name, ...money.map((_c: any, i: number) => Math.round(Number(row.getCell(at + 1 + i).value) * divisor))].join('|'));
        }
      });
      const expected = table.rows.map((row: any) => [row.level === '类' && row.code ? `${row.code} ${row.name}` : row.name, ...money.map((c: any) => row[c.key])].join('|'));
      expect(printed.sort()).toEqual(expected.sort());
      return;
    }
    expect(sheet.getCell(2, table.columns.length).value).toBe(`单位：${table.unitLabel}`);
    // Grouped columns (基本支出 over 人员经费/公用经费) print a second header row.
    const first = table.columns.some((c: any) => c.group) ? 5 : 4;
    table.columns.forEach((c: any, i: number) => expect(sheet.getCell(first - 1, i + 1).value).toBe(c.header));
    table.rows.forEach((row: any, r: number) => {
      table.columns.forEach((c: any, i: number) => {
        const value = sheet.getCell(first + r, i + 1).value;
        if (c.kind === 'money') expect(Math.round(Number(value) * divisor)).toBe(row[c.key]);
        else if (row[c.key] === '' || row[c.key] === null) expect(value === null || value === '').toBe(true);
        else expect(value).toBe(row[c.key]);
      });
    });
  });
  return json;
}

describe('reports and exports', () => {
  it('execution report: by indicator / department / economic class / month with rate vs time progress', async () => {
    const report = await get('/api/units/a/reports/execution?year=2026&month=9');
    expect(report.timeProgress).toBe(0.75);
    const [byIndicator, byDepartment, byEconomic, byMonth] = report.tables;
    const total = byIndicator.rows.at(-1);
    expect(total.name).toBe('合计');
    expect(total.budget).toBe(byIndicator.rows.slice(0, -1).reduce((s: number, r: any) => s + r.budget, 0));
    expect(byDepartment.rows.at(-1)).toEqual(total);
    expect(byEconomic.rows.at(-1)).toEqual(total);
    expect(byMonth.rows).toHaveLength(9);
    expect(byMonth.rows.at(-1).cumulative).toBe(total.paid);
    expect(total.rate).toBe(Math.round((total.paid / total.budget) * 10_000) / 10_000);
    expect(byMonth.rows[5].progress).toBe(0.5);
  });

  it('xlsx downloads read back with the figures of the JSON (execution, disclosure, final accounts, consolidated)', async () => {
    await expectXlsxMatches('/api/units/a/reports/execution?year=2026&month=12');
    await expectXlsxMatches('/api/units/a/reports/disclosure?year=2026');
    await expectXlsxMatches('/api/units/a/reports/disclosure?year=2026&basis=actual');
    await expectXlsxMatches('/api/units/a/reports/final-accounts?year=2026');
    const consolidated = await expectXlsxMatches('/api/units/dept/reports/final-accounts?year=2026&consolidated=true', await env.login('dept.leader'));
    const [a, b] = [await get('/api/units/a/reports/final-accounts?year=2026'), await get('/api/units/b/reports/final-accounts?year=2026', await env.login('b.finance'))];
    expect(consolidated.totals.expenditure).toBe(a.totals.expenditure + b.totals.expenditure);
    expect(consolidated.units.map((u: any) => u.id).sort()).toEqual(['a', 'b', 'dept']);
  });

  it('CSV carries the same tables: 万元 with two decimals (the standard tables), 元 exact (the working tables)', async () => {
    const json = await get('/api/units/a/reports/final-accounts?year=2026');
    const response = await download('/api/units/a/reports/final-accounts?year=2026&format=csv');
    expect(response.headers.get('content-type')).toContain('text/csv');
    const text = (await response.text()).replace(/^\uFEFF/, '');
    const summary = json.tables[0];
    expect(text).toContain(summary.title);
    expect(text).toContain('单位：万元');
    const expenditureRow = summary.rows.find((r: any) => r.line === 'expenditure_current');
    const hundredths = Math.floor((expenditureRow.amount + 5000) / 10000); // 0.01 万元 = 10,000 fen, half up
    expect(text).toContain(`,本年支出合计,${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`);
    const working = json.tables.find((t: any) => t.id === 'expenditure_by_functional');
    expect(working.unitLabel).toBe('元');
    const total = working.rows.at(-1).total;
    expect(text).toContain(`,合计,${Math.floor(total / 100)}.${String(total % 100).padStart(2, '0')},`);
  });

  it('a department head sees execution of their own department only', async () => {
    const head = await get('/api/units/a/reports/execution?year=2026', await env.login('a.head'));
    const all = await get('/api/units/a/reports/execution?year=2026');
    const now = new Date();
    expect(all.month).toBe(now.getUTCFullYear() === 2026 ? now.getUTCMonth() + 1 : 12);
    expect(head.tables[1].rows.length).toBeLessThanOrEqual(all.tables[1].rows.length);
    const headDept = await env.kernel.db.selectFrom('role_grants').innerJoin('users', 'users.id', 'role_grants.user_id').select('department_id').where('users.username', '=', 'a.head').executeTakeFirstOrThrow();
    const indicators = await env.kernel.db.selectFrom('indicators').select(['code', 'department_id']).where('unit_id', '=', 'a').where('year', '=', 2026).execute();
    const codes = head.tables[0].rows.slice(0, -1).map((r: any) => r.code);
    for (const code of codes) expect(indicators.find((i) => i.code === code)?.department_id).toBe(headDept.department_id);
  });
});

describe('year end', () => {
  it('refuses while periods are open, then runs once: carry-overs trace back, closing entries balance', async () => {
    const local = await createTestEnv();
    try {
      const token = await local.login('a.finance');
      const basic = await issue(local, { amount: 100_000_00, name: '公用经费', date: '2026-06-01' });
      const project = await issue(local, { amount: 300_000_00, name: '项目经费', expenditureKind: 'project', economicCode: '30216', date: '2026-06-01' });
      const fund = await issue(local, { amount: 50_000_00, name: '基金项目', fundSourceCode: '12', expenditureKind: 'project', economicCode: '30216', date: '2026-06-01' });
      // One payment from each.
      for (const [id, amount] of [[basic.id, 40_000_00], [project.id, 100_000_00], [fund.id, 50_000_00]] as const) {
        const s = await submitPayment(local, id, amount, { date: '2026-06-05' });
        expect(s.status, JSON.stringify(s.body)).toBe(201);
        await approveThrough(local, 'payments', s.body.id);
        expect((await local.call('POST', `/api/units/a/payments/${s.body.id}/pay`, { token, body: { date: '2026-06-06' } })).status).toBe(200);
      }
      const preview = (await local.call('GET', '/api/units/a/year-end?year=2026', { token })).body;
      const item = (id: number) => preview.items.find((i: any) => i.indicatorId === id);
      expect(item(basic.id)).toMatchObject({ unspent: 60_000_00, decision: 'surplus', surplus: 60_000_00 });
      expect(item(project.id)).toMatchObject({ unspent: 200_000_00, decision: 'carry_forward', carried: 200_000_00 });
      expect(item(fund.id)).toMatchObject({ unspent: 0, decision: 'none' });

      await refusedWithoutTrace(local, async () => local.call('POST', '/api/units/a/year-end', { token, body: { year: 2026 } }), 409, 'YEAR_END_PERIODS_OPEN');
      await refusedWithoutTrace(local, async () => local.call('POST', '/api/units/a/year-end', { token, body: { year: 2031 } }), 404, 'FISCAL_YEAR_NOT_FOUND');
      const pending = await submitPayment(local, basic.id, 1_00, { date: '2026-06-07' });
      for (let m = 5; m <= 12; m++) expect((await local.call('POST', `/api/units/a/periods/2026/${m}/close`, { token })).status).toBe(200);
      await refusedWithoutTrace(local, async () => local.call('POST', '/api/units/a/year-end', { token, body: { year: 2026 } }), 409, 'YEAR_END_OPEN_PAYMENTS');
      expect((await local.call('POST', `/api/units/a/payments/${pending.body.id}/withdraw`, { token: await local.login('a.staff'), body: {} })).status).toBe(200);

      const run = await local.call('POST', '/api/units/a/year-end', { token, body: { year: 2026 } });
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      expect(run.body.alreadyRun).toBe(true);
      expect(run.body.carried).toHaveLength(1);
      const next = (await local.call('GET', `/api/units/a/indicators/${run.body.carried[0].indicatorId}`, { token })).body;
      expect(next).toMatchObject({ year: 2027, amount: 200_000_00, carriedFromId: project.id, expenditureKind: 'project', economicCode: '30216' });
      expect(next.origins.map((o: any) => o.indicatorId)).toContain(project.id);
      expect(run.body.totals.carried + run.body.totals.surplus).toBe(run.body.totals.unspent);

      await refusedWithoutTrace(local, async () => local.call('POST', '/api/units/a/year-end', { token, body: { year: 2026 } }), 409, 'YEAR_END_ALREADY_RUN');

      // Closing entries: 6001 and 7101 are zero at year end; 8101 holds what is carried, 8102 the surplus.
      const tb = (await local.call('GET', '/api/units/a/trial-balance?track=budgetary&year=2026', { token })).body;
      expect(tb.balanced).toBe(true);
      const closing = (code: string) => {
        const r = tb.accounts.find((x: any) => x.accountCode === code);
        return r ? r.closingDebit - r.closingCredit : 0;
      };
      expect(closing('6001')).toBe(0);
      expect(closing('7101')).toBe(0);
      expect(closing('8101')).toBe(-200_000_00);
      expect(closing('8102')).toBe(-60_000_00);
      expect(closing('800101')).toBe(0);
      expect(closing('800103')).toBe(260_000_00);
      const fin = (await local.call('GET', '/api/units/a/trial-balance?track=financial&year=2026', { token })).body;
      expect(fin.balanced).toBe(true);
      expect(fin.accounts.filter((r: any) => /^[45]/.test(r.accountCode)).every((r: any) => r.closingDebit === r.closingCredit)).toBe(true);
      // 2027 opens with the carried quota restored (Dr 1011 / Cr 1201, Dr 800101 / Cr 800103).
      const jan = (await local.call('GET', '/api/units/a/trial-balance?track=budgetary&year=2027&month=1', { token })).body;
      const janRow = (code: string) => jan.accounts.find((x: any) => x.accountCode === code);
      expect(janRow('800101').closingDebit).toBe(200_000_00);
      expect(janRow('800103').closingDebit).toBe(60_000_00);
      const audit = await local.kernel.db.selectFrom('audit_log').select('action').where('action', '=', 'year_end.run').execute();
      expect(audit).toHaveLength(1);
      expect((await verifyChain(local.kernel.db)).ok).toBe(true);
    } finally {
      await local.close();
    }
  });

  it('two year ends started at once: exactly one runs, the other is refused with YEAR_END_ALREADY_RUN', async () => {
    const local = await createTestEnv();
    try {
      const token = await local.login('b.finance');
      const ind = await issue(local, { unitId: 'b', amount: 10_000_00, expenditureKind: 'project', economicCode: '30216' });
      for (let m = 5; m <= 12; m++) expect((await local.call('POST', `/api/units/b/periods/2026/${m}/close`, { token })).status).toBe(200);
      const results = await Promise.all([1, 2].map(() => local.call('POST', '/api/units/b/year-end', { token, body: { year: 2026 } })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.body.error.code).toBe('YEAR_END_ALREADY_RUN');
      const rows = await local.kernel.db.selectFrom('indicators').select(['id', 'issued_amount']).where('carried_from_id', '=', ind.id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.issued_amount).toBe(10_000_00);
    } finally {
      await local.close();
    }
  });
});
