import type { Cell, Report, ReportTable } from './reports.js';
import { FUND_GROUPS } from './reports.js';
import { OTHER_INCOME } from './final-accounts.js';

/**
 * The checks an auditor runs on a 预算公开 or 决算 set before it is published: pure functions over the
 * built tables (they read nothing else), so a planted inconsistency — one altered cell — is found.
 *
 *  - `balance`      收入总计 = 支出总计; 本年 + 上年结转 = 总计 on both sides (收支总表, 财政拨款收支总表, 决算总表);
 *  - `hierarchy`    合计 = Σ类, 类 = Σ款, 款 = Σ项 in every 类/款/项 table, every money column;
 *  - `row_sum`      合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费, 合计 = Σ fund columns;
 *  - `cross_table`  the same figure printed in two tables is the same (totals, 类 rows, fund lines);
 *  - `three_public` 三公 合计 = 因公出国（境） + 公务用车 + 公务接待, 公务用车 = 购置 + 运行维护;
 *  - `ledger`       决算 expenditure = paid payments = the budgetary journal (7101/7201);
 *  - `deviation`    决算 against budget: a line whose actual deviates from its budget by more than the
 *                   threshold (default 10 %) is listed with its cells, to be explained before publishing.
 *                   It runs once the year is over (`final`); before that it is listed as skipped. A line
 *                   the unit has explained (差异说明, `explanations`) is no failure: it is listed in
 *                   `explained` with its text, for the reports centre and the printed set.
 * Each failure names the check and the cells involved: { table, row, column, value }.
 */
export type CheckName = 'balance' | 'hierarchy' | 'row_sum' | 'cross_table' | 'three_public' | 'ledger' | 'deviation' | 'missing_table';
export interface CheckCell { table: string; row: string; column: string; value: Cell }
export interface CheckFailure { check: CheckName; message: string; cells: CheckCell[] }
/** A deviation the unit explained: not a failure, shown with its reason. */
export interface ExplainedDeviation { table: string; line: string; message: string; explanation: string; cells: CheckCell[] }
export interface CheckResult { ok: boolean; failures: CheckFailure[]; checked: number; skipped: Array<{ check: CheckName; reason: string }>; explained: ExplainedDeviation[] }
export interface CheckOptions {
  /** Deviation threshold as a fraction (0.1 = 10 %). */
  threshold?: number;
  /** The year is over: run the budget-vs-final-accounts deviation check. */
  final?: boolean;
  /** 差异说明 by `explanationKey(table, line)`: a deviating line with one is explained, not failed. */
  explanations?: ReadonlyMap<string, string>;
}

/** The key of a 决算 line in the explanations map. */
export const explanationKey = (table: string, line: string) => `${table}\u0000${line}`;

/** The lines the deviation check compares: the 项 rows of 一般公共预算财政拨款支出决算表 and the four 三公 items. */
export const DEVIATION_TABLES = { general_fiscal_expenditure: 'total', three_public: 'amount' } as const;
const THREE_PUBLIC_ITEMS = ['abroad', 'carPurchase', 'carRunning', 'reception'];
export function deviationRows(report: Report, tableId: string): Array<Record<string, Cell>> {
  const t = report.tables.find((x) => x.id === tableId);
  if (!t) return [];
  if (tableId === 'general_fiscal_expenditure') return t.rows.filter((r) => r['level'] === '项');
  if (tableId === 'three_public') return t.rows.filter((r) => THREE_PUBLIC_ITEMS.includes(String(r['line'])));
  return [];
}

export const DEFAULT_DEVIATION_THRESHOLD = 0.1;

/** How a row is named in a failure: its line key, 合计, or its classification code. */
export function rowKey(row: Record<string, Cell>): string {
  if (typeof row['line'] === 'string' && row['line']) return row['line'];
  if (row['level'] === '合计') return '合计';
  if (typeof row['code'] === 'string' && row['code']) return row['code'];
  return String(row['name'] ?? '');
}

class Checker {
  failures: CheckFailure[] = [];
  explained: ExplainedDeviation[] = [];
  checked = 0;
  constructor(readonly report: Report) {}

  table(id: string): ReportTable | undefined {
    const t = this.report.tables.find((x) => x.id === id);
    if (!t) this.fail('missing_table', `缺少表 ${id}`, []);
    return t;
  }

  fail(check: CheckName, message: string, cells: CheckCell[]) {
    this.failures.push({ check, message, cells });
  }

  cell(tableId: string, row: string, column: string): CheckCell | null {
    const t = this.report.tables.find((x) => x.id === tableId);
    const r = t?.rows.find((x) => rowKey(x) === row);
    if (!t || !r) return null;
    return { table: tableId, row, column, value: r[column] ?? null };
  }

  /** total = Σ parts (a missing cell is a failure of its own). */
  sumEq(check: CheckName, message: string, total: CheckCell | null, parts: Array<CheckCell | null>) {
    this.checked++;
    const cells = [total, ...parts];
    if (cells.some((c) => c === null)) {
      this.fail(check, `${message}：单元格缺失`, cells.filter((c): c is CheckCell => c !== null));
      return;
    }
    const sum = parts.reduce((s, c) => s + Number(c!.value ?? 0), 0);
    if (Number(total!.value ?? 0) !== sum) this.fail(check, `${message}：${fmt(Number(total!.value ?? 0))} ≠ ${fmt(sum)}`, cells as CheckCell[]);
  }

  /** Every cell equal. */
  equal(check: CheckName, message: string, cells: Array<CheckCell | null>) {
    if (cells.length < 2) return;
    this.sumEq(check, message, cells[0]!, [cells[1]!]);
    for (const c of cells.slice(2)) this.sumEq(check, message, cells[0]!, [c]);
  }
}

/** Money in 元 for a message (fen → 元, exact). */
function fmt(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}元`;
}

const moneyColumns = (t: ReportTable) => t.columns.filter((c) => c.kind === 'money').map((c) => c.key);
const LEVEL_LENGTH: Record<string, number> = { 类: 3, 款: 5, 项: 7 };

/** 合计 = Σ类 (+ rows outside the classification), 类 = Σ款, 款 = Σ项, in every money column. */
function hierarchy(k: Checker, id: string) {
  const t = k.table(id);
  if (!t) return;
  const rows = t.rows;
  for (const column of moneyColumns(t)) {
    const at = (r: Record<string, Cell>) => ({ table: id, row: rowKey(r), column, value: r[column] ?? null });
    const total = rows.find((r) => r['level'] === '合计');
    const top = rows.filter((r) => r['level'] === '类' || r['level'] === '其他');
    if (total) k.sumEq('hierarchy', `${t.title}：合计应等于各类之和（${column}）`, at(total), top.map(at));
    for (const parent of rows.filter((r) => r['level'] === '类' || r['level'] === '款')) {
      const code = String(parent['code'] ?? '');
      const childLength = LEVEL_LENGTH[parent['level'] as string]! + 2;
      const children = rows.filter((r) => typeof r['code'] === 'string' && r['code'].length === childLength && r['code'].startsWith(code) && r['level'] !== '合计');
      if (children.length === 0) continue;
      k.sumEq('hierarchy', `${t.title}：${parent['level']} ${code} 应等于其下各${parent['level'] === '类' ? '款' : '项'}之和（${column}）`, at(parent), children.map(at));
    }
  }
}

/** In every row: total = Σ parts, for each rule whose columns the table has. */
function rowSums(k: Checker, id: string, rules: Array<{ total: string; parts: string[]; label: string }>) {
  const t = k.table(id);
  if (!t) return;
  const keys = new Set(t.columns.map((c) => c.key));
  for (const rule of rules) {
    if (!keys.has(rule.total) || !rule.parts.every((p) => keys.has(p))) continue;
    for (const row of t.rows) {
      const at = (column: string) => ({ table: id, row: rowKey(row), column, value: row[column] ?? null });
      k.sumEq('row_sum', `${t.title}：${String(row['name'] ?? '').trim()} ${rule.label}`, at(rule.total), rule.parts.map(at));
    }
  }
}

const BASIC_PROJECT = [
  { total: 'total', parts: ['basic', 'project'], label: '合计应等于基本支出与项目支出之和' },
  { total: 'basic', parts: ['personnel', 'operating'], label: '基本支出应等于人员经费与公用经费之和' },
];
const PERSONNEL_OPERATING = [{ total: 'total', parts: ['personnel', 'operating'], label: '合计应等于人员经费与公用经费之和' }];
const FISCAL_FUNDS = [{ total: 'total', parts: ['general', 'fund', 'capital'], label: '合计应等于一般公共预算、政府性基金、国有资本经营之和' }];

/** 本年 + 上年结转 = 收入总计 = 支出总计 = 本年支出 + 结转下年; Σ 类 = 本年支出, in each given column. */
function balance(k: Checker, id: string, columns: string[], lines: { carried: string; forward: string }) {
  const t = k.table(id);
  if (!t) return;
  for (const column of columns) {
    const c = (row: string) => k.cell(id, row, column);
    k.sumEq('balance', `${t.title}：收入总计应等于本年收入与${lines.carried === 'opening' ? '年初结转和结余' : '上年结转'}之和`, c('income_total'), [c('income_current'), c(lines.carried)]);
    k.sumEq('balance', `${t.title}：支出总计应等于本年支出与${lines.forward === 'closing' ? '年末结转和结余' : '结转下年'}之和`, c('expenditure_total'), [c('expenditure_current'), c(lines.forward)]);
    k.equal('balance', `${t.title}：收入总计应等于支出总计`, [c('income_total'), c('expenditure_total')]);
    const classes = t.rows.filter((r) => r['level'] === '类').map((r) => k.cell(id, rowKey(r), column));
    k.sumEq('balance', `${t.title}：本年支出合计应等于各类支出之和`, c('expenditure_current'), classes);
  }
}

/** 三公: 合计 = the three items, 公务用车 = 购置 + 运行维护, in every money column. */
function threePublic(k: Checker) {
  const t = k.table('three_public');
  if (!t) return;
  for (const column of moneyColumns(t)) {
    const c = (row: string) => k.cell('three_public', row, column);
    k.sumEq('three_public', `${t.title}：合计应等于因公出国（境）费、公务用车购置及运行维护费、公务接待费之和`, c('total'), [c('abroad'), c('car'), c('reception')]);
    k.sumEq('three_public', `${t.title}：公务用车购置及运行维护费应等于购置费与运行维护费之和`, c('car'), [c('carPurchase'), c('carRunning')]);
  }
}

/** The 类 rows of a summary table equal the 类 rows of a detail table. */
function classRowsAgree(k: Checker, summaryId: string, summaryColumn: string, detailId: string, detailColumn: string) {
  const summary = k.table(summaryId);
  const detail = k.table(detailId);
  if (!summary || !detail) return;
  const codes = new Set([...summary.rows, ...detail.rows].filter((r) => r['level'] === '类').map((r) => String(r['code'])));
  for (const code of codes) {
    k.equal('cross_table', `${summary.title}与${detail.title}：类 ${code} 应一致`, [k.cell(summaryId, code, summaryColumn) ?? { table: summaryId, row: code, column: summaryColumn, value: 0 }, k.cell(detailId, code, detailColumn) ?? { table: detailId, row: code, column: detailColumn, value: 0 }]);
  }
}

export function checkDisclosure(report: Report): CheckResult {
  const k = new Checker(report);
  for (const id of ['income', 'expenditure', 'general_budget_expenditure', 'general_basic_expenditure', 'government_fund_expenditure', 'state_capital_expenditure']) hierarchy(k, id);
  for (const id of ['expenditure', 'general_budget_expenditure', 'government_fund_expenditure', 'state_capital_expenditure']) rowSums(k, id, BASIC_PROJECT);
  rowSums(k, 'general_basic_expenditure', PERSONNEL_OPERATING);
  rowSums(k, 'income', [{ total: 'total', parts: ['carried', ...FUND_GROUPS.map((g) => g.key)], label: '合计应等于上年结转与本年各项收入之和' }]);
  rowSums(k, 'fiscal_income_expenditure', FISCAL_FUNDS);
  balance(k, 'income_expenditure', ['amount'], { carried: 'carried_in', forward: 'carry_forward' });
  balance(k, 'fiscal_income_expenditure', ['total', 'general', 'fund', 'capital'], { carried: 'carried_in', forward: 'carry_forward' });
  threePublic(k);
  const c = (t: string, row: string, col: string) => k.cell(t, row, col);
  k.equal('cross_table', '收支总表本年支出合计、支出总表合计应一致', [c('income_expenditure', 'expenditure_current', 'amount'), c('expenditure', '合计', 'total')]);
  k.equal('cross_table', '收支总表收入总计与收入总表合计应一致', [c('income_expenditure', 'income_total', 'amount'), c('income', '合计', 'total')]);
  k.equal('cross_table', '收支总表上年结转与收入总表上年结转应一致', [c('income_expenditure', 'carried_in', 'amount'), c('income', '合计', 'carried')]);
  for (const g of FUND_GROUPS) k.equal('cross_table', `收支总表与收入总表：${g.name}应一致`, [c('income_expenditure', `income:${g.key}`, 'amount'), c('income', '合计', g.key)]);
  classRowsAgree(k, 'income_expenditure', 'amount', 'expenditure', 'total');
  for (const [col, table] of [['general', 'general_budget_expenditure'], ['fund', 'government_fund_expenditure'], ['capital', 'state_capital_expenditure']] as const) {
    k.equal('cross_table', `财政拨款收支总表与${report.tables.find((t) => t.id === table)?.title ?? table}：本年支出应一致`, [c('fiscal_income_expenditure', 'expenditure_current', col), c(table, '合计', 'total')]);
    k.equal('cross_table', '财政拨款收支总表与收支总表：本年财政拨款收入应一致', [c('fiscal_income_expenditure', 'income_current', col), c('income_expenditure', `income:${col}`, 'amount')]);
  }
  classRowsAgree(k, 'fiscal_income_expenditure', 'general', 'general_budget_expenditure', 'total');
  for (const col of ['total', 'personnel', 'operating']) {
    k.equal('cross_table', '一般公共预算基本支出表与一般公共预算支出表：基本支出应一致', [c('general_basic_expenditure', '合计', col), c('general_budget_expenditure', '合计', col === 'total' ? 'basic' : col)]);
  }
  return result(k, []);
}

export function checkFinalAccounts(report: Report, options: CheckOptions = {}): CheckResult {
  const k = new Checker(report);
  for (const id of ['income_detail', 'expenditure_detail', 'general_fiscal_expenditure', 'basic_expenditure_detail']) hierarchy(k, id);
  for (const id of ['expenditure_detail', 'general_fiscal_expenditure']) rowSums(k, id, BASIC_PROJECT);
  rowSums(k, 'basic_expenditure_detail', PERSONNEL_OPERATING);
  rowSums(k, 'income_detail', [{ total: 'total', parts: ['fiscal', ...OTHER_INCOME.map((g) => g.key)], label: '合计应等于财政拨款收入与其他各项收入之和' }]);
  rowSums(k, 'fiscal_summary', FISCAL_FUNDS);
  balance(k, 'summary', ['amount'], { carried: 'opening', forward: 'closing' });
  balance(k, 'fiscal_summary', ['total', 'general', 'fund', 'capital'], { carried: 'opening', forward: 'closing' });
  threePublic(k);
  const c = (t: string, row: string, col: string) => k.cell(t, row, col);
  k.equal('cross_table', '决算总表本年支出合计与支出决算表合计应一致', [c('summary', 'expenditure_current', 'amount'), c('expenditure_detail', '合计', 'total')]);
  k.sumEq('cross_table', '决算总表本年支出合计应等于基本支出与项目支出之和', c('summary', 'expenditure_current', 'amount'), [c('summary', 'basic', 'amount'), c('summary', 'project', 'amount')]);
  k.equal('cross_table', '决算总表与支出决算表：基本支出应一致', [c('summary', 'basic', 'amount'), c('expenditure_detail', '合计', 'basic')]);
  k.equal('cross_table', '决算总表与支出决算表：项目支出应一致', [c('summary', 'project', 'amount'), c('expenditure_detail', '合计', 'project')]);
  k.equal('cross_table', '决算总表本年收入合计与收入决算表合计应一致', [c('summary', 'income_current', 'amount'), c('income_detail', '合计', 'total')]);
  k.sumEq('cross_table', '收入决算表财政拨款收入应等于决算总表三项财政拨款收入之和', c('income_detail', '合计', 'fiscal'), [c('summary', 'income:general', 'amount'), c('summary', 'income:fund', 'amount'), c('summary', 'income:capital', 'amount')]);
  for (const g of OTHER_INCOME) k.equal('cross_table', `决算总表与收入决算表：${g.name}应一致`, [c('summary', `income:${g.key}`, 'amount'), c('income_detail', '合计', g.key)]);
  classRowsAgree(k, 'summary', 'amount', 'expenditure_detail', 'total');
  k.equal('cross_table', '财政拨款收入支出决算总表与一般公共预算财政拨款支出决算表：本年支出应一致', [c('fiscal_summary', 'expenditure_current', 'general'), c('general_fiscal_expenditure', '合计', 'total')]);
  for (const col of ['general', 'fund', 'capital']) {
    k.equal('cross_table', '财政拨款收入支出决算总表与决算总表：本年财政拨款收入应一致', [c('fiscal_summary', 'income_current', col), c('summary', `income:${col}`, 'amount')]);
  }
  classRowsAgree(k, 'fiscal_summary', 'general', 'general_fiscal_expenditure', 'total');
  for (const col of ['total', 'personnel', 'operating']) {
    k.equal('cross_table', '基本支出决算明细表与一般公共预算财政拨款支出决算表：基本支出应一致', [c('basic_expenditure_detail', '合计', col), c('general_fiscal_expenditure', '合计', col === 'total' ? 'basic' : col)]);
  }
  // The ledger: the report, the payments table and the budgetary journal tell the same expenditure.
  const totals = (report['totals'] ?? {}) as Record<string, unknown>;
  const ledgerCell = (row: string, key: string): CheckCell => ({ table: 'ledger', row, column: 'amount', value: Number(totals[key] ?? 0) });
  k.equal('ledger', '决算支出应等于已支付的支付申请合计与预算会计支出（7101/7201）', [c('summary', 'expenditure_current', 'amount'), ledgerCell('payments', 'payments'), ledgerCell('budgetary_journal', 'budgetaryExpenditure')]);

  const skipped: CheckResult['skipped'] = [];
  if (options.final) deviation(k, options.threshold ?? DEFAULT_DEVIATION_THRESHOLD, options.explanations ?? new Map());
  else skipped.push({ check: 'deviation', reason: '年度尚未结束，决算数与预算数的偏差在年度结束后检查' });
  return result(k, skipped);
}

/** 决算数 vs 全年预算数, per 项 line and 三公 item: beyond the threshold it must be explained. */
function deviation(k: Checker, threshold: number, explanations: ReadonlyMap<string, string>) {
  const pct = `${Math.round(threshold * 10000) / 100}%`;
  const lines: Array<{ table: string; rows: Array<Record<string, Cell>>; column: string }> = [];
  for (const [table, column] of Object.entries(DEVIATION_TABLES)) {
    if (k.table(table)) lines.push({ table, rows: deviationRows(k.report, table), column });
  }
  for (const { table, rows, column } of lines) {
    for (const row of rows) {
      k.checked++;
      const budget = Number(row['budget'] ?? 0);
      const actual = Number(row[column] ?? 0);
      const off = budget === 0 ? (actual === 0 ? 0 : Infinity) : Math.abs(actual - budget) / budget;
      if (off <= threshold) continue;
      const name = String(row['name'] ?? '').trim();
      const line = rowKey(row);
      const cells = [{ table, row: line, column: 'budget', value: budget }, { table, row: line, column, value: actual }];
      const gap = `${name}：决算数 ${fmt(actual)} 与预算数 ${fmt(budget)} 偏差${Number.isFinite(off) ? ` ${(Math.round(off * 10000) / 100).toFixed(2)}%` : ''}，超过 ${pct}`;
      const explanation = explanations.get(explanationKey(table, line));
      if (explanation !== undefined) k.explained.push({ table, line, message: `${gap}，已说明`, explanation, cells });
      else k.fail('deviation', `${gap}，需说明原因`, cells);
    }
  }
}

function result(k: Checker, skipped: CheckResult['skipped']): CheckResult {
  return { ok: k.failures.length === 0, failures: k.failures, checked: k.checked, skipped, explained: k.explained };
}
