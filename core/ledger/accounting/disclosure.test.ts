import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TEST_YEAR, type TestEnv } from '../../../test/support/kernel.js';
import { approveThrough, issue, submitPayment } from '../../../test/support/ledger.js';
import { checkDisclosure, checkFinalAccounts, type CheckResult } from './disclosure-checks.js';
import type { Report } from './reports.js';

/**
 * The standard 预算公开 and 部门决算 sets of both demo units (a 行政单位, b 事业单位 school) against figures
 * computed here independently, with plain SQL over the indicators and the payments table (the report
 * reads indicator movements and groups with its own code); then each consistency check caught on a
 * planted inconsistency (one altered cell, or a bad row in the database).
 */
const YEAR = TEST_YEAR;
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({}, { activity: true });
}, 180_000);
afterAll(async () => env?.close());

async function get(unitId: string, path: string) {
  const r = await env.call('GET', path, { token: await env.login(`${unitId}.finance`) });
  expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
  return r.body;
}

interface Ind {
  id: number; functional_code: string; economic_code: string; fund_source_code: string; expenditure_kind: string;
  budget: number; paid: number; carried: boolean;
}

/** The unit's indicators of the year with their budget and what the payments table says was paid. */
async function indicators(unitId: string): Promise<Ind[]> {
  const rows = await env.kernel.db.selectFrom('indicators').selectAll().where('unit_id', '=', unitId).where('year', '=', YEAR).execute();
  const pays = await sql<{ indicator_id: number; paid: number }>`
    select indicator_id, sum(amount) as paid from payments where unit_id = ${unitId} and status = 'paid' group by indicator_id`.execute(env.kernel.db);
  const paid = new Map(pays.rows.map((p) => [Number(p.indicator_id), Number(p.paid)]));
  return rows.map((i) => ({
    id: i.id, functional_code: i.functional_code, economic_code: i.economic_code, fund_source_code: i.fund_source_code, expenditure_kind: i.expenditure_kind,
    budget: i.issued_amount + i.adjusted_amount, paid: paid.get(i.id) ?? 0, carried: i.carried_from_id !== null,
  }));
}

const total = (list: Ind[], f: (i: Ind) => number) => list.reduce((s, i) => s + f(i), 0);
const personnelEconomic = (code: string) => code.startsWith('301') || code.startsWith('303');

/** Expected 类/款/项 rows: code → money columns, built by a plain loop over prefixes. */
function expectedByPrefix(list: Ind[], codeOf: (i: Ind) => string, lengths: number[], columns: (i: Ind) => Record<string, number>) {
  const out = new Map<string, Record<string, number>>();
  const add = (key: string, values: Record<string, number>) => {
    const acc = out.get(key) ?? {};
    for (const [k, v] of Object.entries(values)) acc[k] = (acc[k] ?? 0) + v;
    out.set(key, acc);
  };
  for (const i of list) {
    const values = columns(i);
    for (const len of lengths) add(codeOf(i).slice(0, len), values);
    add('合计', values);
  }
  return out;
}

/** basic / personnel / operating / project / total of one indicator's value. */
const split = (value: (i: Ind) => number) => (i: Ind) => {
  const v = value(i);
  const basic = i.expenditure_kind === 'project' ? 0 : v;
  const personnel = basic && personnelEconomic(i.economic_code) ? v : 0;
  return { total: v, basic, personnel, operating: basic - personnel, project: v - basic };
};

function expectHierarchyTable(table: any, expected: Map<string, Record<string, number>>, lengths: number[]) {
  const levelOf: Record<number, string> = { 3: '类', 5: '款', 7: '项' };
  const codes = table.rows.map((r: any) => (r.level === '合计' ? '合计' : r.code));
  expect(new Set(codes)).toEqual(new Set(expected.keys()));
  expect(codes.at(-1)).toBe('合计');
  for (const row of table.rows) {
    const key = row.level === '合计' ? '合计' : row.code;
    if (key !== '合计') expect(row.level, key).toBe(levelOf[key.length]);
    for (const [column, value] of Object.entries(expected.get(key)!)) expect(row[column], `${table.id} ${key} ${column}`).toBe(value);
  }
  // Printed order: every 款/项 row comes right under its parent.
  table.rows.slice(0, -1).forEach((row: any, n: number) => {
    if (row.code.length > lengths[0]!) expect(row.code.startsWith(table.rows[n - 1].code.slice(0, row.code.length - 2))).toBe(true);
  });
}

const line = (table: any, key: string) => table.rows.find((r: any) => r.line === key);
const tableOf = (report: any, id: string) => {
  const t = report.tables.find((x: any) => x.id === id);
  expect(t, id).toBeDefined();
  return t;
};

async function functionalNames(): Promise<Map<string, string>> {
  const rows = await env.kernel.db.selectFrom('classifications').select(['code', 'name']).where('kind', '=', 'functional').where('year', '=', YEAR).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

describe.each(['a', 'b'] as const)('unit %s: the 预算公开 set (预算数) equals the figures of its indicators', (unitId) => {
  it('收支总表, 收入总表, 支出总表, 财政拨款收支总表, 一般公共预算支出/基本支出表, 三公, 政府性基金, 国有资本经营', async () => {
    const report = await get(unitId, `/api/units/${unitId}/reports/disclosure?year=${YEAR}`);
    const all = await indicators(unitId);
    const names = await functionalNames();
    const budget = (i: Ind) => i.budget;
    const general = all.filter((i) => i.fund_source_code.startsWith('11'));
    const current = all.filter((i) => !i.carried);
    expect(report.tables.slice(0, 9).map((t: any) => t.id)).toEqual([
      'income_expenditure', 'income', 'expenditure', 'fiscal_income_expenditure', 'general_budget_expenditure', 'general_basic_expenditure',
      'three_public', 'government_fund_expenditure', 'state_capital_expenditure',
    ]);
    for (const t of report.tables.slice(0, 9)) expect(t.unitLabel, t.id).toBe('万元');

    // 收支总表
    const summary = tableOf(report, 'income_expenditure');
    const incomeCurrent = total(current, budget);
    const carriedIn = total(all.filter((i) => i.carried), budget);
    expect(line(summary, 'income:general').amount).toBe(total(current.filter((i) => i.fund_source_code.startsWith('11')), budget));
    expect(line(summary, 'income:fund').amount).toBe(0);
    expect(line(summary, 'income_current').amount).toBe(incomeCurrent);
    expect(line(summary, 'carried_in').amount).toBe(carriedIn);
    expect(line(summary, 'income_total').amount).toBe(incomeCurrent + carriedIn);
    expect(line(summary, 'expenditure_total').amount).toBe(incomeCurrent + carriedIn);
    const byClass = new Map<string, number>();
    for (const i of all) byClass.set(i.functional_code.slice(0, 3), (byClass.get(i.functional_code.slice(0, 3)) ?? 0) + i.budget);
    const classRows = summary.rows.filter((r: any) => r.level === '类');
    expect(new Map(classRows.map((r: any) => [r.code, r.amount]))).toEqual(byClass);
    for (const r of classRows) expect(r.name).toBe(names.get(r.code));
    // The demo's two units spend on 205 教育, 208 社会保障和就业, 210 卫生健康, 221 住房保障 (and nothing else).
    expect([...byClass.keys()].sort()).toEqual(['205', '208', '210', '221']);

    // 收入总表 and 支出总表 (all funds), 一般公共预算支出表 (fund 11), by 类/款/项.
    expectHierarchyTable(tableOf(report, 'income'), expectedByPrefix(all, (i) => i.functional_code, [3, 5, 7], (i) => ({ total: i.budget, carried: i.carried ? i.budget : 0, general: !i.carried && i.fund_source_code.startsWith('11') ? i.budget : 0 })), [3, 5, 7]);
    expectHierarchyTable(tableOf(report, 'expenditure'), expectedByPrefix(all, (i) => i.functional_code, [3, 5, 7], split(budget)), [3, 5, 7]);
    expectHierarchyTable(tableOf(report, 'general_budget_expenditure'), expectedByPrefix(general, (i) => i.functional_code, [3, 5, 7], split(budget)), [3, 5, 7]);
    const gbe = tableOf(report, 'general_budget_expenditure');
    expect(gbe.rows.find((r: any) => r.code === '2050101')?.name ?? gbe.rows.find((r: any) => r.code === '2050202')?.name).toBeTruthy();
    expect(gbe.columns.filter((c: any) => c.group === '基本支出').map((c: any) => c.header)).toEqual(['小计', '人员经费', '公用经费']);

    // 一般公共预算基本支出表 by economic 类/款: 人员经费 = 301 + 303, 公用经费 = the rest.
    const basicGeneral = general.filter((i) => i.expenditure_kind !== 'project');
    expectHierarchyTable(tableOf(report, 'general_basic_expenditure'), expectedByPrefix(basicGeneral, (i) => i.economic_code, [3, 5], (i) => ({
      total: i.budget, personnel: personnelEconomic(i.economic_code) ? i.budget : 0, operating: personnelEconomic(i.economic_code) ? 0 : i.budget,
    })), [3, 5]);
    const basicClasses = tableOf(report, 'general_basic_expenditure').rows.filter((r: any) => r.level === '类').map((r: any) => `${r.code} ${r.name}`);
    expect(basicClasses).toContain('301 工资福利支出');
    expect(basicClasses).toContain('302 商品和服务支出');

    // 财政拨款收支总表: the demo's fiscal money is all 一般公共预算 (the school's own funds, 31…, are not fiscal).
    const fiscal = tableOf(report, 'fiscal_income_expenditure');
    const generalCurrent = total(current.filter((i) => i.fund_source_code.startsWith('11')), budget);
    const fiscalAll = total(all.filter((i) => /^1[123]/.test(i.fund_source_code)), budget);
    expect(line(fiscal, 'income_current')).toMatchObject({ total: generalCurrent, general: generalCurrent, fund: 0, capital: 0 });
    expect(line(fiscal, 'expenditure_total')).toMatchObject({ total: fiscalAll, general: fiscalAll });
    expect(line(summary, 'income:own').amount).toBe(total(current.filter((i) => i.fund_source_code.startsWith('31')), budget));

    // 三公 (一般公共预算 only), hand-checked against the demo plan: a 公务接待 42,000 元, 公务用车运行维护 90,000 元;
    // b 10,000 元 and 28,000 元; no 因公出国（境） and no 公务用车购置.
    const of = (codes: string[]) => total(general.filter((i) => codes.includes(i.economic_code)), budget);
    const expectedThree = { a: { reception: 42_000_00, carRunning: 90_000_00 }, b: { reception: 10_000_00, carRunning: 28_000_00 } }[unitId];
    expect(report.threePublic).toEqual({
      abroad: of(['30212']), carPurchase: of(['31013', '30913']), carRunning: of(['30231']), reception: of(['30217']),
      carSubtotal: of(['31013', '30913', '30231']), total: of(['30212', '31013', '30913', '30231', '30217']),
    });
    expect(report.threePublic).toMatchObject({ ...expectedThree, abroad: 0, carPurchase: 0, total: expectedThree.reception + expectedThree.carRunning });
    const three = tableOf(report, 'three_public');
    expect(three.rows.map((r: any) => [r.line, r.amount])).toEqual([
      ['total', expectedThree.reception + expectedThree.carRunning], ['abroad', 0], ['car', expectedThree.carRunning], ['carPurchase', 0], ['carRunning', expectedThree.carRunning], ['reception', expectedThree.reception],
    ]);
    expect(three.rows[3].code).toBe('30913、31013');

    // No 政府性基金 and no 国有资本经营 money: published all the same, noted 本单位无此项支出.
    for (const id of ['government_fund_expenditure', 'state_capital_expenditure']) {
      const t = tableOf(report, id);
      expect(t.note).toBe('本单位无此项支出');
      expect(t.rows).toEqual([expect.objectContaining({ level: '合计', total: 0, basic: 0, project: 0 })]);
    }

    // The checks pass on the set as built.
    const checks = await get(unitId, `/api/units/${unitId}/reports/disclosure/checks?year=${YEAR}`);
    expect(checks.failures).toEqual([]);
    expect(checks).toMatchObject({ ok: true });
    expect(checks.checked).toBeGreaterThan(100);
  });

  it('执行数 basis: the same set over what was paid', async () => {
    const report = await get(unitId, `/api/units/${unitId}/reports/disclosure?year=${YEAR}&basis=actual`);
    const all = await indicators(unitId);
    const paid = (i: Ind) => i.paid;
    expect(total(all, paid)).toBeGreaterThan(0);
    expect(line(tableOf(report, 'income_expenditure'), 'expenditure_current').amount).toBe(total(all, paid));
    expectHierarchyTable(tableOf(report, 'general_budget_expenditure'), expectedByPrefix(all.filter((i) => i.fund_source_code.startsWith('11')), (i) => i.functional_code, [3, 5, 7], split(paid)), [3, 5, 7]);
    expect((await get(unitId, `/api/units/${unitId}/reports/disclosure/checks?year=${YEAR}&basis=actual`)).ok).toBe(true);
  });
});

describe.each(['a', 'b'] as const)('unit %s: the 部门决算 set equals the ledger', (unitId) => {
  it('收入支出决算总表, 收入决算表, 支出决算表, 财政拨款收入支出决算总表, 一般公共预算财政拨款支出决算表, 基本支出决算明细表, 三公', async () => {
    const report = await get(unitId, `/api/units/${unitId}/reports/final-accounts?year=${YEAR}`);
    const all = await indicators(unitId);
    const general = all.filter((i) => i.fund_source_code.startsWith('11'));
    const paid = (i: Ind) => i.paid;
    const spent = total(all, paid);
    const payments = await sql<{ total: number }>`select coalesce(sum(amount), 0) as total from payments where unit_id = ${unitId} and status = 'paid'`.execute(env.kernel.db);
    expect(Number(payments.rows[0]!.total)).toBe(spent);
    expect(spent).toBeGreaterThan(0);
    const journalIncome = await sql<{ account_code: string; amount: number }>`
      select l.account_code, sum(l.credit - l.debit) as amount from journal_lines l join journal_entries e on e.id = l.entry_id
      where l.unit_id = ${unitId} and l.year = ${YEAR} and l.track = 'budgetary' and e.source_type <> 'year_end'
        and l.account_code in ('6101', '6201', '6301', '6401', '6601', '6609') group by l.account_code`.execute(env.kernel.db);
    const receipt = (codes: string[]) => journalIncome.rows.filter((r) => codes.includes(r.account_code)).reduce((s, r) => s + Number(r.amount), 0);
    const fiscalIncome = total(all.filter((i) => !i.carried && /^1[123]/.test(i.fund_source_code)), (i) => i.budget);
    const otherIncome = receipt(['6101', '6201', '6301', '6401', '6601', '6609']);
    const opening = total(all.filter((i) => i.carried), (i) => i.budget);

    const summary = tableOf(report, 'summary');
    expect(line(summary, 'income:general').amount).toBe(fiscalIncome);
    expect(line(summary, 'income:business').amount).toBe(receipt(['6101']));
    expect(line(summary, 'income:other').amount).toBe(receipt(['6601', '6609']));
    expect(line(summary, 'income_current').amount).toBe(fiscalIncome + otherIncome);
    expect(line(summary, 'opening').amount).toBe(opening);
    expect(line(summary, 'expenditure_current').amount).toBe(spent);
    expect(line(summary, 'basic').amount).toBe(total(all.filter((i) => i.expenditure_kind !== 'project'), paid));
    expect(line(summary, 'closing').amount).toBe(fiscalIncome + otherIncome + opening - spent);
    expect(report.totals).toMatchObject({ expenditure: spent, payments: spent, budgetaryExpenditure: spent, incomeCurrent: fiscalIncome + otherIncome });

    expectHierarchyTable(tableOf(report, 'expenditure_detail'), expectedByPrefix(all, (i) => i.functional_code, [3, 5, 7], split(paid)), [3, 5, 7]);
    expectHierarchyTable(tableOf(report, 'general_fiscal_expenditure'), expectedByPrefix(general, (i) => i.functional_code, [3, 5, 7], (i) => ({ budget: i.budget, ...split(paid)(i) })), [3, 5, 7]);
    const basicGeneral = general.filter((i) => i.expenditure_kind !== 'project');
    expectHierarchyTable(tableOf(report, 'basic_expenditure_detail'), expectedByPrefix(basicGeneral, (i) => i.economic_code, [3, 5], (i) => ({
      budget: i.budget, total: i.paid, personnel: personnelEconomic(i.economic_code) ? i.paid : 0, operating: personnelEconomic(i.economic_code) ? 0 : i.paid,
    })), [3, 5]);
    const incomeDetail = tableOf(report, 'income_detail');
    expect(incomeDetail.rows.at(-1)).toMatchObject({ level: '合计', total: fiscalIncome + otherIncome, fiscal: fiscalIncome });

    const fiscal = tableOf(report, 'fiscal_summary');
    expect(line(fiscal, 'income_current')).toMatchObject({ general: fiscalIncome, fund: 0, capital: 0 });
    expect(line(fiscal, 'expenditure_current').general).toBe(total(general, paid));

    const of = (codes: string[], f: (i: Ind) => number) => total(general.filter((i) => codes.includes(i.economic_code)), f);
    const three = tableOf(report, 'three_public');
    expect(line(three, 'reception')).toMatchObject({ budget: of(['30217'], (i) => i.budget), amount: of(['30217'], paid) });
    expect(line(three, 'carRunning')).toMatchObject({ budget: of(['30231'], (i) => i.budget), amount: of(['30231'], paid) });
    expect(line(three, 'total').amount).toBe(of(['30212', '30217', '30231', '31013', '30913'], paid));
    expect(line(three, 'reception').amount).toBeGreaterThan(0);

    const checks: CheckResult = await get(unitId, `/api/units/${unitId}/reports/final-accounts/checks?year=${YEAR}`);
    expect(checks.failures.filter((f) => f.check !== 'deviation')).toEqual([]);
  });
});

// ------------------------------------------------------------------ planted inconsistencies

let disclosure: Report;
let finalAccounts: Report;
beforeAll(async () => {
  disclosure = await get('a', `/api/units/a/reports/disclosure?year=${YEAR}`);
  finalAccounts = await get('a', `/api/units/a/reports/final-accounts?year=${YEAR}`);
});

/** A copy of the set with one cell changed. */
function planted(report: Report, tableId: string, find: (r: any) => boolean, column: string, delta = 1): Report {
  const copy = structuredClone(report);
  const row = copy.tables.find((t) => t.id === tableId)!.rows.find(find)!;
  expect(row, `${tableId} row`).toBeDefined();
  row[column] = Number(row[column]) + delta;
  return copy;
}

const failed = (result: CheckResult, check: string) => result.failures.filter((f) => f.check === check);
const involves = (result: CheckResult, check: string, cell: { table: string; row: string; column: string }) =>
  failed(result, check).some((f) => f.cells.some((c) => c.table === cell.table && c.row === cell.row && c.column === cell.column));

describe('each consistency check fails on a planted inconsistency', () => {
  it('the sets as built pass every check', () => {
    expect(checkDisclosure(disclosure).failures).toEqual([]);
    expect(checkFinalAccounts(finalAccounts).failures).toEqual([]);
    expect(checkFinalAccounts(finalAccounts).skipped.map((s) => s.check)).toEqual(['deviation']);
  });

  it('hierarchy: a 项 changed breaks 款 = Σ项; a 款 changed breaks 类 = Σ款; a 类 changed breaks 合计 = Σ类', () => {
    const gbe = disclosure.tables.find((t) => t.id === 'general_budget_expenditure')!;
    const item = gbe.rows.find((r) => r['level'] === '项')!;
    const r1 = checkDisclosure(planted(disclosure, 'general_budget_expenditure', (r) => r.code === item['code'], 'project', 100));
    expect(r1.ok).toBe(false);
    expect(involves(r1, 'hierarchy', { table: 'general_budget_expenditure', row: String(item['code']), column: 'project' })).toBe(true);
    expect(involves(r1, 'hierarchy', { table: 'general_budget_expenditure', row: String(item['code']).slice(0, 5), column: 'project' })).toBe(true);
    const r2 = checkDisclosure(planted(disclosure, 'general_basic_expenditure', (r) => r.level === '款', 'operating', -1));
    expect(failed(r2, 'hierarchy').length).toBeGreaterThan(0);
    const r3 = checkFinalAccounts(planted(finalAccounts, 'expenditure_detail', (r) => r.level === '类', 'personnel', 1));
    expect(involves(r3, 'hierarchy', { table: 'expenditure_detail', row: '合计', column: 'personnel' })).toBe(true);
  });

  it('row_sum: basic + project ≠ total, personnel + operating ≠ basic', () => {
    const r = checkDisclosure(planted(disclosure, 'expenditure', (r) => r.level === '合计', 'total', 1));
    expect(involves(r, 'row_sum', { table: 'expenditure', row: '合计', column: 'total' })).toBe(true);
    const r2 = checkFinalAccounts(planted(finalAccounts, 'general_fiscal_expenditure', (r) => r.level === '合计', 'personnel', 5));
    expect(involves(r2, 'row_sum', { table: 'general_fiscal_expenditure', row: '合计', column: 'personnel' })).toBe(true);
  });

  it('balance: 收入总计 ≠ 支出总计, and 本年 + 结转 ≠ 总计', () => {
    const r = checkDisclosure(planted(disclosure, 'income_expenditure', (r) => r.line === 'income_total', 'amount', 1));
    expect(failed(r, 'balance').map((f) => f.message).join('\n')).toContain('收入总计应等于支出总计');
    expect(involves(r, 'balance', { table: 'income_expenditure', row: 'income_total', column: 'amount' })).toBe(true);
    const r2 = checkFinalAccounts(planted(finalAccounts, 'fiscal_summary', (r) => r.line === 'closing', 'general', -7));
    expect(involves(r2, 'balance', { table: 'fiscal_summary', row: 'closing', column: 'general' })).toBe(true);
  });

  it('cross_table: the same total printed in two tables differs', () => {
    // Change a 类 row consistently inside 支出总表 (类, its 款, its 项 and 合计, every column) — only the cross-table check sees it.
    const t = disclosure.tables.find((x) => x.id === 'expenditure')!;
    const item = t.rows.find((r) => r['level'] === '项')!;
    const code = String(item['code']);
    let copy = disclosure;
    for (const key of [code, code.slice(0, 5), code.slice(0, 3), '合计']) {
      for (const column of ['total', 'basic', 'operating']) copy = planted(copy, 'expenditure', (r) => (key === '合计' ? r.level === '合计' : r.code === key), column, 1);
    }
    const r = checkDisclosure(copy);
    expect(failed(r, 'hierarchy')).toEqual([]);
    expect(failed(r, 'row_sum')).toEqual([]);
    expect(involves(r, 'cross_table', { table: 'expenditure', row: '合计', column: 'total' })).toBe(true);
    expect(involves(r, 'cross_table', { table: 'expenditure', row: code.slice(0, 3), column: 'total' })).toBe(true);
    const r2 = checkFinalAccounts(planted(finalAccounts, 'basic_expenditure_detail', (r) => r.level === '合计', 'total', 3));
    expect(involves(r2, 'cross_table', { table: 'basic_expenditure_detail', row: '合计', column: 'total' })).toBe(true);
  });

  it('three_public: the 公务用车 subtotal or the 合计 is not the sum of its parts', () => {
    const r = checkDisclosure(planted(disclosure, 'three_public', (r) => r.line === 'car', 'amount', 100));
    expect(involves(r, 'three_public', { table: 'three_public', row: 'car', column: 'amount' })).toBe(true);
    expect(failed(r, 'three_public')).toHaveLength(2);
    const r2 = checkFinalAccounts(planted(finalAccounts, 'three_public', (r) => r.line === 'total', 'budget', -1));
    expect(involves(r2, 'three_public', { table: 'three_public', row: 'total', column: 'budget' })).toBe(true);
  });

  it('missing_table: a set without one of its tables', () => {
    const copy = structuredClone(disclosure);
    copy.tables = copy.tables.filter((t) => t.id !== 'income');
    expect(failed(checkDisclosure(copy), 'missing_table').map((f) => f.message)).toContain('缺少表 income');
  });

  it('deviation: once the year is over, a 项 line off its budget by more than the threshold is listed with its cells', () => {
    const gfe = finalAccounts.tables.find((t) => t.id === 'general_fiscal_expenditure')!;
    // Make every 项 line spend exactly its budget (keeping the set consistent is not needed for this check), then move one.
    const copy = structuredClone(finalAccounts);
    const rows = copy.tables.find((t) => t.id === 'general_fiscal_expenditure')!.rows.filter((r) => r['level'] === '项');
    for (const r of rows) r['total'] = r['budget'] ?? 0;
    for (const r of copy.tables.find((t) => t.id === 'three_public')!.rows) r['amount'] = r['budget'] ?? 0;
    const target = rows.find((r) => Number(r['budget']) >= 1_000_000)!;
    const budget = Number(target['budget']);
    target['total'] = budget - Math.floor(budget / 10); // 10 % under: within the threshold
    expect(failed(checkFinalAccounts(copy, { final: true }), 'deviation')).toEqual([]);
    target['total'] = budget - Math.floor(budget / 10) - 1; // just beyond 10 %
    const r = checkFinalAccounts(copy, { final: true });
    expect(failed(r, 'deviation')).toHaveLength(1);
    expect(failed(r, 'deviation')[0]!.cells).toEqual([
      { table: 'general_fiscal_expenditure', row: target['code'], column: 'budget', value: budget },
      { table: 'general_fiscal_expenditure', row: target['code'], column: 'total', value: budget - Math.floor(budget / 10) - 1 },
    ]);
    expect(failed(checkFinalAccounts(copy, { final: true, threshold: 0.2 }), 'deviation')).toEqual([]);
    // The demo in June against its whole-year budget: many lines deviate, each with its two cells.
    const mid = checkFinalAccounts(finalAccounts, { final: true });
    expect(failed(mid, 'deviation').length).toBeGreaterThan(0);
    expect(failed(mid, 'deviation').length).toBeLessThanOrEqual(gfe.rows.filter((r) => r['level'] === '项').length + 4);
  });
});

describe('ledger agreement, refusal and marking of a download', () => {
  it('a bad journal line planted in the database: the final accounts disagree with the ledger; the export is refused, then marked', async () => {
    const token = await env.login('b.finance');
    const entry = await env.kernel.db.insertInto('journal_entries').values({
      unit_id: 'b', track: 'budgetary', year: YEAR, month: 6, date: `${YEAR}-06-10`, voucher_no: '测试-01', summary: '错记（测试）',
      source_type: 'issue', source_id: 999_999, created_at: new Date().toISOString(),
    } as never).returning('id').executeTakeFirstOrThrow();
    await env.kernel.db.insertInto('journal_lines').values([
      { entry_id: entry.id, unit_id: 'b', track: 'budgetary', year: YEAR, month: 6, line_no: 1, account_code: '7201', debit: 123_45, credit: 0, indicator_id: null, department_id: null, functional_code: null, economic_code: null, fund_source_code: '11' },
      { entry_id: entry.id, unit_id: 'b', track: 'budgetary', year: YEAR, month: 6, line_no: 2, account_code: '800101', debit: 0, credit: 123_45, indicator_id: null, department_id: null, functional_code: null, economic_code: null, fund_source_code: '11' },
    ]).execute();
    try {
      const checks = (await env.call('GET', `/api/units/b/reports/final-accounts/checks?year=${YEAR}`, { token })).body;
      expect(checks.ok).toBe(false);
      const ledger = checks.failures.filter((f: any) => f.check === 'ledger');
      expect(ledger).toHaveLength(1);
      const journalCell = ledger[0].cells.find((c: any) => c.row === 'budgetary_journal');
      const reportCell = ledger[0].cells.find((c: any) => c.table === 'summary');
      expect(journalCell.value - reportCell.value).toBe(123_45);

      const refused = await env.call('GET', `/api/units/b/reports/final-accounts?year=${YEAR}&format=xlsx`, { token });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('DISCLOSURE_CHECKS_FAILED');
      expect(refused.body.error.details.failures.map((f: any) => f.check)).toContain('ledger');
      // JSON is still answered (the reports centre shows the set and its failures).
      expect((await env.call('GET', `/api/units/b/reports/final-accounts?year=${YEAR}`, { token })).status).toBe(200);

      // The setting says mark: the workbook carries a 校验结果 sheet and a note on the failing sheet.
      const settings = (await env.call('GET', '/api/units/b/ledger-settings', { token })).body;
      expect(settings.disclosureFailedChecks).toBe('refuse');
      const put = await env.call('PUT', '/api/units/b/ledger-settings', { token: await env.login('b.admin'), body: { ...settings, disclosureFailedChecks: 'mark' } });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const marked = await env.call('GET', `/api/units/b/reports/final-accounts?year=${YEAR}&format=xlsx`, { token, headers: {} });
      expect(marked.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await rawBytes(`/api/units/b/reports/final-accounts?year=${YEAR}&format=xlsx`, token));
      const last = wb.worksheets.at(-1)!;
      expect(last.name).toBe('校验结果');
      expect(String(last.getCell(3, 1).value)).toBe('ledger');
      const summarySheet = wb.worksheets[0]!;
      const texts: string[] = [];
      summarySheet.eachRow((row) => row.eachCell((c) => texts.push(String(c.value))));
      expect(texts.some((x) => x.includes('未通过发布前校验'))).toBe(true);
    } finally {
      await env.kernel.db.deleteFrom('journal_lines').where('entry_id', '=', entry.id).execute();
      await env.kernel.db.deleteFrom('journal_entries').where('id', '=', entry.id).execute();
    }
  });
});

async function rawBytes(path: string, token: string): Promise<ArrayBuffer> {
  const response = await env.app.request(path, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return response.arrayBuffer();
}

describe('downloads in the standard layout', () => {
  it('xlsx: one sheet per table, title, 编制单位, 单位：万元, merged header cells, values in 万元, the 无此项支出 note', async () => {
    const token = await env.login('a.finance');
    const json = await get('a', `/api/units/a/reports/disclosure?year=${YEAR}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await rawBytes(`/api/units/a/reports/disclosure?year=${YEAR}&format=xlsx`, token));
    expect(wb.worksheets.map((s) => s.name)).toEqual(json.tables.map((t: any) => t.title.replace(/[\\/?*[\]:]/g, '').slice(0, 28)));
    const index = json.tables.findIndex((t: any) => t.id === 'general_budget_expenditure');
    const sheet = wb.worksheets[index]!;
    const table = json.tables[index];
    expect(sheet.getCell(1, 1).value).toBe(`${YEAR}年一般公共预算支出表`);
    expect(sheet.getCell(2, 1).value).toBe('编制单位：示范县教育局机关');
    expect(sheet.getCell(2, table.columns.length).value).toBe('单位：万元');
    // 功能分类科目编码 and 合计 merged down over two header rows; 基本支出 merged across 小计/人员经费/公用经费.
    expect(sheet.getCell(3, 1).value).toBe('功能分类科目编码');
    expect(sheet.getCell(4, 1).isMerged).toBe(true);
    expect(sheet.getCell(3, 4).value).toBe('基本支出');
    expect(sheet.getCell(3, 5).isMerged && sheet.getCell(3, 6).isMerged).toBe(true);
    expect([4, 5, 6].map((c) => sheet.getCell(4, c).value)).toEqual(['小计', '人员经费', '公用经费']);
    expect(sheet.getCell(4, 7).value).toBe('项目支出');
    table.rows.forEach((row: any, r: number) => {
      expect(sheet.getCell(5 + r, 1).value ?? '').toBe(row.code);
      expect(Math.round(Number(sheet.getCell(5 + r, 3).value) * 1_000_000)).toBe(row.total);
      expect(sheet.getCell(5 + r, 3).numFmt).toBe('#,##0.00');
    });
    const fund = wb.worksheets[json.tables.findIndex((t: any) => t.id === 'government_fund_expenditure')]!;
    expect(fund.getCell(5 + 1, 1).value).toBe('本单位无此项支出');
    expect(wb.worksheets.some((s) => s.name === '校验结果')).toBe(false);
  });

  it('CSV of one table in 万元 with two decimals; an unknown table is refused', async () => {
    const token = await env.login('a.finance');
    const r = await env.app.request(`/api/units/a/reports/disclosure?year=${YEAR}&format=csv&table=three_public`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toContain('three_public');
    const text = (await r.text()).replace(/^\uFEFF/, '');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(`${YEAR}年一般公共预算“三公”经费支出表`);
    expect(lines[1]).toBe('编制单位：示范县教育局机关,单位：万元');
    expect(lines[2]).toBe('经济分类编码,项目,预算数');
    expect(lines[3]).toBe(',合计,13.20'); // 42,000 + 90,000 元 = 13.20 万元
    expect(lines).toContain('30217,3.公务接待费,4.20');
    expect(text).not.toContain('收支总表');
    // Grouped columns: the merged 基本支出 header becomes a row above, named once.
    const grouped = await env.app.request(`/api/units/a/reports/disclosure?year=${YEAR}&format=csv&table=general_budget_expenditure`, { headers: { authorization: `Bearer ${token}` } });
    const glines = (await grouped.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(glines.slice(2, 4)).toEqual([',,,基本支出,,,', '功能分类科目编码,科目名称,合计,小计,人员经费,公用经费,项目支出']);
    // 收支总表 prints two-sided: 收入 left, 支出 right, both 总计 on the last line.
    const json = await get('a', `/api/units/a/reports/disclosure?year=${YEAR}`);
    const total = json.tables[0].rows.find((r: any) => r.line === 'income_total').amount;
    const wan = (fen: number) => { const h = Math.floor((fen + 5000) / 10000); return `${Math.floor(h / 100).toLocaleString('en-US').replace(/,/g, '')}.${String(h % 100).padStart(2, '0')}`; };
    const sides = await env.app.request(`/api/units/a/reports/disclosure?year=${YEAR}&format=csv&table=income_expenditure`, { headers: { authorization: `Bearer ${token}` } });
    const slines = (await sides.text()).replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
    expect(slines.slice(2, 4)).toEqual(['收入,,支出,', '项目,预算数,项目,预算数']);
    expect(slines[4]).toMatch(/^一、一般公共预算拨款收入,[0-9.]+,205 教育支出,[0-9.]+$/);
    expect(slines.at(-1)).toBe(`收入总计,${wan(total)},支出总计,${wan(total)}`);
    const missing = await env.call('GET', `/api/units/a/reports/disclosure?year=${YEAR}&format=csv&table=nope`, { token });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('REPORT_TABLE_NOT_FOUND');
    const bad = await env.call('GET', `/api/units/a/reports/disclosure?year=${YEAR}&table=DROP%20TABLE`, { token });
    expect(bad.status).toBe(400);
  });
});

describe('上年结转 and the deviation check after a year end', () => {
  it('carried balances open the next year (上年结转, 年初结转和结余); 政府性基金 money fills its table; the closed year is checked for deviations', async () => {
    const local = await createTestEnv();
    try {
      const token = await local.login('b.finance');
      const fund = await issue(local, { unitId: 'b', amount: 50_000_00, name: '政府性基金项目', fundSourceCode: '12', expenditureKind: 'project', economicCode: '30216', date: '2026-06-01' });
      const basic = await issue(local, { unitId: 'b', amount: 100_000_00, name: '公用经费', date: '2026-06-01' });
      for (const [id, amount] of [[fund.id, 20_000_00], [basic.id, 40_000_00]] as const) {
        const s = await submitPayment(local, id, amount, { date: '2026-06-05' }, 'b.staff');
        expect(s.status, JSON.stringify(s.body)).toBe(201);
        await approveThrough(local, 'payments', s.body.id, 'b');
        expect((await local.call('POST', `/api/units/b/payments/${s.body.id}/pay`, { token, body: { date: '2026-06-06' } })).status).toBe(200);
      }

      const before = (await local.call('GET', '/api/units/b/reports/disclosure?year=2026', { token })).body;
      const gf = before.tables.find((t: any) => t.id === 'government_fund_expenditure');
      expect(gf.note).toBeUndefined();
      expect(gf.rows.map((r: any) => [r.code, r.level, r.total, r.project])).toEqual([
        ['205', '类', 50_000_00, 50_000_00], ['20501', '款', 50_000_00, 50_000_00], ['2050101', '项', 50_000_00, 50_000_00], ['', '合计', 50_000_00, 50_000_00],
      ]);
      expect(before.tables.find((t: any) => t.id === 'fiscal_income_expenditure').rows.find((r: any) => r.line === 'income_current').fund).toBe(50_000_00);
      expect((await local.call('GET', '/api/units/b/reports/disclosure/checks?year=2026', { token })).body.ok).toBe(true);

      for (let m = 5; m <= 12; m++) expect((await local.call('POST', `/api/units/b/periods/2026/${m}/close`, { token })).status).toBe(200);
      const run = await local.call('POST', '/api/units/b/year-end', { token, body: { year: 2026 } });
      expect(run.status, JSON.stringify(run.body)).toBe(200);

      // 2027: what was carried is 上年结转 (the 政府性基金 project keeps its 30,000 元).
      const carried = await local.kernel.db.selectFrom('indicators').select(['fund_source_code', 'issued_amount']).where('unit_id', '=', 'b').where('year', '=', 2027).where('carried_from_id', 'is not', null).execute();
      const carriedTotal = carried.reduce((sum, i) => sum + i.issued_amount, 0);
      expect(carried.filter((i) => i.fund_source_code === '12').map((i) => i.issued_amount)).toEqual([30_000_00]);
      const next = (await local.call('GET', '/api/units/b/reports/disclosure?year=2027', { token })).body;
      const summary = next.tables.find((t: any) => t.id === 'income_expenditure');
      expect(summary.rows.find((r: any) => r.line === 'carried_in').amount).toBe(carriedTotal);
      expect(summary.rows.find((r: any) => r.line === 'income_total').amount).toBe(carriedTotal + summary.rows.find((r: any) => r.line === 'income_current').amount);
      expect(next.tables.find((t: any) => t.id === 'income').rows.at(-1).carried).toBe(carriedTotal);
      expect(next.tables.find((t: any) => t.id === 'fiscal_income_expenditure').rows.find((r: any) => r.line === 'carried_in').fund).toBe(30_000_00);
      expect((await local.call('GET', '/api/units/b/reports/disclosure/checks?year=2027', { token })).body.ok).toBe(true);
      const finalNext = (await local.call('GET', '/api/units/b/reports/final-accounts?year=2027', { token })).body;
      expect(finalNext.tables.find((t: any) => t.id === 'summary').rows.find((r: any) => r.line === 'opening').amount).toBe(carriedTotal);
      expect(finalNext.tables.find((t: any) => t.id === 'fiscal_summary').rows.find((r: any) => r.line === 'opening').fund).toBe(30_000_00);

      // 2026 is closed: its 决算 is compared with its budget. Unspent budget lines deviate by more than 10 %: listed, export refused.
      const checks = (await local.call('GET', '/api/units/b/reports/final-accounts/checks?year=2026', { token })).body;
      expect(checks.skipped).toEqual([]);
      const deviations = checks.failures.filter((f: any) => f.check === 'deviation');
      // The 公用经费 line (2050101, only this indicator in the school): 40,000 元 of 100,000 元 spent, 60 % off.
      const line2050101 = deviations.find((f: any) => f.cells[0].row === '2050101');
      expect(line2050101.cells.map((c: any) => c.value)).toEqual([100_000_00, 40_000_00]);
      expect(line2050101.message).toContain('偏差 60.00%');
      expect(checks.failures.filter((f: any) => f.check !== 'deviation')).toEqual([]);
      for (const f of deviations) expect(f.cells.map((c: any) => c.column)).toEqual(['budget', f.cells[0].table === 'three_public' ? 'amount' : 'total']);
      const refused = await local.call('GET', '/api/units/b/reports/final-accounts?year=2026&format=xlsx', { token });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('DISCLOSURE_CHECKS_FAILED');
      // A threshold of 1000 %: nothing deviates that much (no line spends more than its budget); the export goes through.
      expect((await local.call('GET', '/api/units/b/reports/final-accounts/checks?year=2026&threshold=1000', { token })).body.ok).toBe(true);
      const ok = await local.app.request('/api/units/b/reports/final-accounts?year=2026&format=xlsx&threshold=1000', { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
    } finally {
      await local.close();
    }
  });
});
