import { sql } from 'kysely';
import type { Executor } from '../../db/connection.js';
import type { ClassificationKind, ExpenditureKind } from '../../db/schema.js';
import { effectiveYear } from '../classifications/service.js';
import { THREE_PUBLIC_CODES } from '../rules/catalog.js';
import { isFiscalFund } from './posting.js';

/**
 * Reports as tables: every report is a list of tables in the standard layout (title, 单位：元 or 万元,
 * code and name columns, money columns), whatever the format asked for. Money cells are integer fen
 * in JSON; the xlsx/CSV export converts them to 元 or 万元 at the edge (see export.ts).
 */
export interface ReportColumn {
  key: string;
  header: string;
  kind: 'text' | 'money' | 'ratio' | 'integer';
}
export type Cell = string | number | null;
export interface ReportTable {
  id: string;
  title: string;
  /** 元 or 万元: the unit the standard table is printed in (JSON money stays in fen). */
  unitLabel: '元' | '万元';
  columns: ReportColumn[];
  rows: Array<Record<string, Cell>>;
}
export interface Report {
  report: 'execution' | 'disclosure' | 'final-accounts';
  title: string;
  unitId: string;
  unitName: string;
  consolidated: boolean;
  units: Array<{ id: string; name: string }>;
  year: number;
  month: number | null;
  tables: ReportTable[];
  [key: string]: unknown;
}

const money = (key: string, header: string): ReportColumn => ({ key, header, kind: 'money' });
const text = (key: string, header: string): ReportColumn => ({ key, header, kind: 'text' });
const ratio = (key: string, header: string): ReportColumn => ({ key, header, kind: 'ratio' });

async function classNames(db: Executor, kind: ClassificationKind, year: number): Promise<Map<string, string>> {
  const setYear = await effectiveYear(db, kind, year);
  if (setYear === null) return new Map();
  const rows = await db.selectFrom('classifications').select(['code', 'name']).where('kind', '=', kind).where('year', '=', setYear).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

interface IndicatorFacts {
  id: number;
  unitId: string;
  code: string;
  name: string;
  departmentId: number;
  expenditureKind: ExpenditureKind;
  functionalCode: string;
  economicCode: string;
  fundSourceCode: string;
  budget: number;
  /** Paid up to the end of the report month, fen. */
  paid: number;
  paidByMonth: number[];
}

/** Indicators of the covered units for the year with their budget (issued + adjusted) and payments by month. */
async function indicatorFacts(db: Executor, unitIds: string[], year: number, throughMonth = 12, departmentId: number | null = null): Promise<IndicatorFacts[]> {
  if (unitIds.length === 0) return [];
  const indicators = await db
    .selectFrom('indicators')
    .selectAll()
    .where('unit_id', 'in', unitIds)
    .where('year', '=', year)
    .$if(departmentId !== null, (qb) => qb.where('department_id', '=', departmentId!))
    .orderBy('unit_id')
    .orderBy('code')
    .execute();
  const pays = await db
    .selectFrom('indicator_movements')
    .innerJoin('indicators', 'indicators.id', 'indicator_movements.indicator_id')
    .select(['indicator_movements.indicator_id', sql<string>`substr(indicator_movements.date, 6, 2)`.as('mm'), sql<number>`sum(indicator_movements.amount)`.as('amount')])
    .where('indicator_movements.unit_id', 'in', unitIds)
    .where('indicators.year', '=', year)
    .where('indicator_movements.kind', '=', 'pay')
    .groupBy(['indicator_movements.indicator_id', sql`substr(indicator_movements.date, 6, 2)`])
    .execute();
  const byIndicator = new Map<number, number[]>();
  for (const p of pays) {
    const months = byIndicator.get(p.indicator_id) ?? Array<number>(12).fill(0);
    months[Number(p.mm) - 1]! += Number(p.amount);
    byIndicator.set(p.indicator_id, months);
  }
  return indicators.map((i) => {
    const months = byIndicator.get(i.id) ?? Array<number>(12).fill(0);
    return {
      id: i.id, unitId: i.unit_id, code: i.code, name: i.name, departmentId: i.department_id, expenditureKind: i.expenditure_kind,
      functionalCode: i.functional_code, economicCode: i.economic_code, fundSourceCode: i.fund_source_code,
      budget: i.issued_amount + i.adjusted_amount,
      paid: months.slice(0, throughMonth).reduce((s, v) => s + v, 0),
      paidByMonth: months,
    };
  });
}

/** Execution rate as a ratio rounded to 4 places (a percentage to two decimals); not money. */
function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

function group<T>(items: T[], keyOf: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(keyOf(item), [...(map.get(keyOf(item)) ?? []), item]);
  return new Map([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const sum = <T>(items: T[], f: (t: T) => number) => items.reduce((s, t) => s + f(t), 0);

interface Covered {
  unitId: string;
  unitName: string;
  consolidated: boolean;
  units: Array<{ id: string; name: string }>;
}

// ------------------------------------------------------------------ 预算执行 execution

export async function executionReport(db: Executor, covered: Covered, year: number, month: number, departmentId: number | null): Promise<Report> {
  const unitIds = covered.units.map((u) => u.id);
  const facts = await indicatorFacts(db, unitIds, year, month, departmentId);
  const progress = Math.round((month / 12) * 10_000) / 10_000;
  const execColumns = [text('code', '编码'), text('name', '名称'), money('budget', '预算数'), money('paid', '累计支出'), money('balance', '预算余额'), ratio('rate', '执行率'), ratio('progress', '时间进度'), ratio('gap', '进度差异')];
  const execRow = (code: string, name: string, items: IndicatorFacts[]) => {
    const budget = sum(items, (i) => i.budget);
    const paid = sum(items, (i) => i.paid);
    const r = rate(paid, budget);
    return { code, name, budget, paid, balance: budget - paid, rate: r, progress, gap: Math.round((r - progress) * 10_000) / 10_000 };
  };
  const departments = new Map(
    (unitIds.length ? await db.selectFrom('departments').select(['id', 'code', 'name', 'unit_id']).where('unit_id', 'in', unitIds).execute() : []).map((d) => [d.id, d]),
  );
  const economic = await classNames(db, 'economic', year);
  const totalRow = execRow('', '合计', facts);
  const byIndicator = facts.map((f) => execRow(covered.consolidated ? `${f.unitId}:${f.code}` : f.code, f.name, [f]));
  const byDepartment = [...group(facts, (f) => String(f.departmentId)).entries()].map(([id, items]) => {
    const d = departments.get(Number(id));
    return execRow(covered.consolidated ? `${d?.unit_id}:${d?.code}` : d?.code ?? id, d?.name ?? id, items);
  });
  const byEconomic = [...group(facts, (f) => f.economicCode).entries()].map(([code, items]) => execRow(code, economic.get(code) ?? code, items));
  const budgetTotal = totalRow.budget;
  let cumulative = 0;
  const byMonth = Array.from({ length: month }, (_, k) => {
    const paid = sum(facts, (f) => f.paidByMonth[k]!);
    cumulative += paid;
    const p = Math.round(((k + 1) / 12) * 10_000) / 10_000;
    const r = rate(cumulative, budgetTotal);
    return { month: `${k + 1}月`, paid, cumulative, rate: r, progress: p, gap: Math.round((r - p) * 10_000) / 10_000 };
  });
  return {
    report: 'execution', title: `${year}年预算执行情况表（截至${month}月）`, ...covered, year, month,
    timeProgress: progress, totals: totalRow,
    tables: [
      { id: 'by_indicator', title: '预算执行情况表（按指标）', unitLabel: '元', columns: execColumns, rows: [...byIndicator, totalRow] },
      { id: 'by_department', title: '预算执行情况表（按科室）', unitLabel: '元', columns: execColumns, rows: [...byDepartment, totalRow] },
      { id: 'by_economic', title: '预算执行情况表（按经济分类）', unitLabel: '元', columns: execColumns, rows: [...byEconomic, totalRow] },
      {
        id: 'by_month', title: '预算执行情况表（按月）', unitLabel: '元',
        columns: [text('month', '月份'), money('paid', '本月支出'), money('cumulative', '累计支出'), ratio('rate', '累计执行率'), ratio('progress', '时间进度'), ratio('gap', '进度差异')],
        rows: byMonth,
      },
    ],
  };
}

// ------------------------------------------------------------------ shared expenditure tables

const KIND_COLUMNS = [money('total', '合计'), money('personnel', '基本支出—人员经费'), money('operating', '基本支出—公用经费'), money('project', '项目支出')];

function kindRow(code: string, name: string, items: IndicatorFacts[], value: (f: IndicatorFacts) => number) {
  const of = (kind: ExpenditureKind) => sum(items.filter((i) => i.expenditureKind === kind), value);
  const personnel = of('personnel');
  const operating = of('operating');
  const project = of('project');
  return { code, name, total: personnel + operating + project, personnel, operating, project };
}

function classTable(id: string, title: string, items: IndicatorFacts[], codeOf: (f: IndicatorFacts) => string, names: Map<string, string>, value: (f: IndicatorFacts) => number, header: string): ReportTable {
  const rows = [...group(items, codeOf).entries()].map(([code, list]) => kindRow(code, names.get(code) ?? code, list, value));
  return { id, title, unitLabel: '元', columns: [text('code', `${header}编码`), text('name', '科目名称'), ...KIND_COLUMNS], rows: [...rows, kindRow('', '合计', items, value)] };
}

const FUND_GROUPS: Array<{ prefix: string; name: string }> = [
  { prefix: '11', name: '一般公共预算拨款收入' },
  { prefix: '12', name: '政府性基金预算拨款收入' },
  { prefix: '13', name: '国有资本经营预算拨款收入' },
  { prefix: '21', name: '财政专户管理资金收入' },
  { prefix: '31', name: '单位资金收入' },
];

function threePublicTable(items: IndicatorFacts[], value: (f: IndicatorFacts) => number): { table: ReportTable; parts: Record<string, number>; subtotal: number } {
  const of = (code: string) => sum(items.filter((i) => i.economicCode === code), value);
  const abroad = of('30212');
  const reception = of('30217');
  const carPurchase = of('31013');
  const carRunning = of('30231');
  const car = carPurchase + carRunning;
  const total = abroad + car + reception;
  return {
    parts: { abroad, carPurchase, carRunning, reception },
    subtotal: total,
    table: {
      id: 'three_public', title: '财政拨款“三公”经费支出表', unitLabel: '万元',
      columns: [text('code', '经济分类编码'), text('name', '项目'), money('amount', '金额')],
      rows: [
        { code: '', name: '合计', amount: total },
        { code: '30212', name: '1.因公出国（境）费', amount: abroad },
        { code: '', name: '2.公务用车购置及运行维护费', amount: car },
        { code: '31013', name: '  其中：公务用车购置费', amount: carPurchase },
        { code: '30231', name: '        公务用车运行维护费', amount: carRunning },
        { code: '30217', name: '3.公务接待费', amount: reception },
      ],
    },
  };
}

// ------------------------------------------------------------------ 预算公开 disclosure

export async function disclosureReport(db: Executor, covered: Covered, year: number, basis: 'budget' | 'actual'): Promise<Report> {
  const facts = await indicatorFacts(db, covered.units.map((u) => u.id), year);
  const value = basis === 'budget' ? (f: IndicatorFacts) => f.budget : (f: IndicatorFacts) => f.paid;
  const fiscal = facts.filter((f) => isFiscalFund(f.fundSourceCode));
  const functional = await classNames(db, 'functional', year);
  const economic = await classNames(db, 'economic', year);
  // 收支总表: income by fund source group, expenditure by functional class (类).
  const income = FUND_GROUPS.map((g) => ({ section: '收入', code: g.prefix, name: g.name, amount: sum(facts.filter((f) => f.fundSourceCode.startsWith(g.prefix)), value) }));
  const incomeTotal = sum(facts, value);
  const expenditure = [...group(facts, (f) => f.functionalCode.slice(0, 3)).entries()].map(([code, items]) => ({
    section: '支出', code, name: functional.get(code) ?? code, amount: sum(items, value),
  }));
  const three = threePublicTable(fiscal, value);
  const basisLabel = basis === 'budget' ? '预算数' : '执行数';
  return {
    report: 'disclosure', title: `${year}年部门预算公开表（${basisLabel}）`, ...covered, year, month: null, basis,
    totals: { income: incomeTotal, expenditure: sum(facts, value), fiscalExpenditure: sum(fiscal, value) },
    threePublic: { ...three.parts, carSubtotal: three.parts.carPurchase! + three.parts.carRunning!, total: three.subtotal },
    tables: [
      {
        id: 'income_expenditure', title: '收支总表', unitLabel: '元',
        columns: [text('section', '收/支'), text('code', '编码'), text('name', '项目'), money('amount', basisLabel)],
        rows: [...income, { section: '收入', code: '', name: '收入合计', amount: incomeTotal }, ...expenditure, { section: '支出', code: '', name: '支出合计', amount: sum(facts, value) }],
      },
      classTable('fiscal_by_functional', '财政拨款支出表（按功能分类）', fiscal, (f) => f.functionalCode, functional, value, '功能分类科目'),
      classTable('fiscal_by_economic', '财政拨款支出表（按经济分类）', fiscal, (f) => f.economicCode, economic, value, '经济分类科目'),
      three.table,
    ],
  };
}

// ------------------------------------------------------------------ 决算 final accounts

export async function finalAccountsReport(db: Executor, covered: Covered, year: number): Promise<Report> {
  const unitIds = covered.units.map((u) => u.id);
  const facts = await indicatorFacts(db, unitIds, year);
  const functional = await classNames(db, 'functional', year);
  const economic = await classNames(db, 'economic', year);
  const paid = (f: IndicatorFacts) => f.paid;
  const budget = (f: IndicatorFacts) => f.budget;
  // Cross-checks: the payments table and the budgetary journal must tell the same total.
  const payments = unitIds.length
    ? await db
        .selectFrom('payments')
        .innerJoin('indicators', 'indicators.id', 'payments.indicator_id')
        .select(sql<number>`coalesce(sum(payments.amount), 0)`.as('total'))
        .where('payments.unit_id', 'in', unitIds)
        .where('payments.status', '=', 'paid')
        .where('indicators.year', '=', year)
        .executeTakeFirstOrThrow()
    : { total: 0 };
  const journal = unitIds.length
    ? await db
        .selectFrom('journal_lines')
        .innerJoin('journal_entries', 'journal_entries.id', 'journal_lines.entry_id')
        .select(sql<number>`coalesce(sum(journal_lines.debit - journal_lines.credit), 0)`.as('total'))
        .where('journal_lines.unit_id', 'in', unitIds)
        .where('journal_lines.track', '=', 'budgetary')
        .where('journal_lines.year', '=', year)
        .where('journal_lines.account_code', 'in', ['7101', '7201'])
        .where('journal_entries.source_type', '<>', 'year_end')
        .executeTakeFirstOrThrow()
    : { total: 0 };
  const expenditure = sum(facts, paid);
  const income = sum(facts, budget);
  const fiscal = facts.filter((f) => isFiscalFund(f.fundSourceCode));
  const summaryRows = [
    { code: '', name: '一、本年收入（预算数）', amount: income },
    ...FUND_GROUPS.map((g) => ({ code: g.prefix, name: `  ${g.name}`, amount: sum(facts.filter((f) => f.fundSourceCode.startsWith(g.prefix)), budget) })),
    { code: '', name: '二、本年支出', amount: expenditure },
    { code: '', name: '  基本支出', amount: sum(facts.filter((f) => f.expenditureKind !== 'project'), paid) },
    { code: '', name: '  项目支出', amount: sum(facts.filter((f) => f.expenditureKind === 'project'), paid) },
    { code: '', name: '三、年末结转和结余', amount: income - expenditure },
  ];
  return {
    report: 'final-accounts', title: `${year}年度部门决算表`, ...covered, year, month: null,
    totals: {
      income, expenditure, payments: Number(payments.total), budgetaryExpenditure: Number(journal.total),
      fiscalExpenditure: sum(fiscal, paid), carryOverAndSurplus: income - expenditure,
    },
    tables: [
      { id: 'summary', title: '收入支出决算总表', unitLabel: '元', columns: [text('code', '编码'), text('name', '项目'), money('amount', '金额')], rows: summaryRows },
      classTable('expenditure_by_functional', '支出决算表（按功能分类）', facts, (f) => f.functionalCode, functional, paid, '功能分类科目'),
      classTable('expenditure_by_economic', '支出决算表（按经济分类）', facts, (f) => f.economicCode, economic, paid, '经济分类科目'),
      threePublicTable(fiscal, paid).table,
    ],
  };
}

export { THREE_PUBLIC_CODES };
