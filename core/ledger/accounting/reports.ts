import { sql } from 'kysely';
import type { Executor } from '../../db/connection.js';
import type { ClassificationKind, ExpenditureKind } from '../../db/schema.js';
import { effectiveYear } from '../classifications/service.js';
import { THREE_PUBLIC_CODES, THREE_PUBLIC_ITEMS, threePublicItem, type ThreePublicItem } from '../three-public.js';
import { progressByMonth } from '../time-progress.js';
import { ledgerSettings } from '../rules/service.js';
import { businessDate } from '../../clock.js';

/**
 * Reports as tables: every report is a list of tables in the standard layout (title, 单位：元 or 万元,
 * code and name columns, money columns), whatever the format asked for. Money cells are integer fen
 * in JSON; the xlsx/CSV export converts them to 元 or 万元 at the edge (see export.ts).
 *
 * Here: the shared types and helpers and the execution report. The 预算公开 set is disclosure.ts, the
 * 决算 set final-accounts.ts, the checks run on both before publishing disclosure-checks.ts.
 */
export interface ReportColumn {
  key: string;
  header: string;
  kind: 'text' | 'money' | 'ratio' | 'integer';
  /** A header spanning this and the neighbouring columns of the same group (merged cells in the printed table). */
  group?: string;
}
export type Cell = string | number | null;
export interface ReportTable {
  id: string;
  title: string;
  /** 元 or 万元: the unit the standard table is printed in (JSON money stays in fen). */
  unitLabel: '元' | '万元';
  columns: ReportColumn[];
  rows: Array<Record<string, Cell>>;
  /** Printed under the title, e.g. 本单位无此项支出 for a table with no money (still published). */
  note?: string;
  /** A working table kept beside the standard set (older table ids); not one of the published tables. */
  supplementary?: boolean;
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

export const money = (key: string, header: string, group?: string): ReportColumn => (group ? { key, header, kind: 'money', group } : { key, header, kind: 'money' });
export const text = (key: string, header: string): ReportColumn => ({ key, header, kind: 'text' });
const ratio = (key: string, header: string): ReportColumn => ({ key, header, kind: 'ratio' });

export async function classNames(db: Executor, kind: ClassificationKind, year: number): Promise<Map<string, string>> {
  const setYear = await effectiveYear(db, kind, year);
  if (setYear === null) return new Map();
  const rows = await db.selectFrom('classifications').select(['code', 'name']).where('kind', '=', kind).where('year', '=', setYear).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

export interface IndicatorFacts {
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
  /** Issued on 1 January from last year's unspent balance (年终结转: carried_from_id set): 上年结转. */
  carried: boolean;
  /** Paid up to the end of the report month (the whole year for the disclosure and final accounts), fen. */
  paid: number;
}
export interface MonthlyFacts extends IndicatorFacts {
  /** Paid in each month (index 0 = January), fen. */
  paidByMonth: number[];
}

/**
 * What the covered units' indicators of the year paid, by indicator (and with `dated` by date too).
 * Filtering on those indicators' ids rather than joining them reads only their ranges of the 021 index
 * (unit, kind, indicator, date, amount), with no lookup of each movement's indicator row; grouping on
 * index columns alone lets SQLite sum one unit's movements as it reads them. Grouping by the month (a
 * substr of the date) sorted every movement first: most of the reports' time at 1,000,000 payments.
 * Not by unit too (which would stream a consolidated report): PostgreSQL then plans a parallel
 * aggregate, slower than the plain one at 100,000 payments on a busy machine.
 */
function paidSums(db: Executor, unitIds: string[], year: number, departmentId: number | null, dated: boolean) {
  const ofYear = db
    .selectFrom('indicators')
    .select('id')
    .where('unit_id', 'in', unitIds)
    .where('year', '=', year)
    .$if(departmentId !== null, (qb) => qb.where('department_id', '=', departmentId!));
  return db
    .selectFrom('indicator_movements')
    .select(['indicator_id', sql<number>`sum(amount)`.as('amount')])
    .where('unit_id', 'in', unitIds)
    .where('kind', '=', 'pay')
    .where('indicator_id', 'in', ofYear)
    .groupBy('indicator_id')
    .$if(dated, (qb) => qb.select('date').groupBy('date'))
    .execute();
}

async function yearIndicators(db: Executor, unitIds: string[], year: number, departmentId: number | null) {
  return db
    .selectFrom('indicators')
    .selectAll()
    .where('unit_id', 'in', unitIds)
    .where('year', '=', year)
    .$if(departmentId !== null, (qb) => qb.where('department_id', '=', departmentId!))
    .orderBy('unit_id')
    .orderBy('code')
    .execute();
}

function factsOf(i: Awaited<ReturnType<typeof yearIndicators>>[number], paid: number): IndicatorFacts {
  return {
    id: i.id, unitId: i.unit_id, code: i.code, name: i.name, departmentId: i.department_id, expenditureKind: i.expenditure_kind,
    functionalCode: i.functional_code, economicCode: i.economic_code, fundSourceCode: i.fund_source_code,
    budget: i.issued_amount + i.adjusted_amount,
    carried: i.carried_from_id !== null,
    paid,
  };
}

/** Indicators of the covered units for the year with their budget (issued + adjusted) and all they paid. */
export async function indicatorFacts(db: Executor, unitIds: string[], year: number): Promise<IndicatorFacts[]> {
  if (unitIds.length === 0) return [];
  const indicators = await yearIndicators(db, unitIds, year, null);
  const paid = new Map((await paidSums(db, unitIds, year, null, false)).map((p) => [p.indicator_id, Number(p.amount)]));
  return indicators.map((i) => factsOf(i, paid.get(i.id) ?? 0));
}

/** As indicatorFacts, with payments by month (of the movement's date) and `paid` through `throughMonth`. */
export async function monthlyFacts(db: Executor, unitIds: string[], year: number, throughMonth = 12, departmentId: number | null = null): Promise<MonthlyFacts[]> {
  if (unitIds.length === 0) return [];
  const indicators = await yearIndicators(db, unitIds, year, departmentId);
  const byIndicator = new Map<number, number[]>();
  for (const p of await paidSums(db, unitIds, year, departmentId, true)) {
    const months = byIndicator.get(p.indicator_id) ?? Array<number>(12).fill(0);
    months[Number(p.date!.slice(5, 7)) - 1]! += Number(p.amount);
    byIndicator.set(p.indicator_id, months);
  }
  return indicators.map((i) => {
    const months = byIndicator.get(i.id) ?? Array<number>(12).fill(0);
    return { ...factsOf(i, months.slice(0, throughMonth).reduce((s, v) => s + v, 0)), paidByMonth: months };
  });
}

/** Execution rate as a ratio rounded to 4 places (a percentage to two decimals); not money. */
function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

export function group<T>(items: T[], keyOf: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(keyOf(item), [...(map.get(keyOf(item)) ?? []), item]);
  return new Map([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const sum = <T>(items: T[], f: (t: T) => number) => items.reduce((s, t) => s + f(t), 0);

export interface Covered {
  unitId: string;
  unitName: string;
  consolidated: boolean;
  units: Array<{ id: string; name: string }>;
}

// ------------------------------------------------------------------ 预算执行 execution

export async function executionReport(db: Executor, covered: Covered, year: number, month: number, departmentId: number | null): Promise<Report> {
  const unitIds = covered.units.map((u) => u.id);
  const facts = await monthlyFacts(db, unitIds, year, month, departmentId);
  // 序时进度 by the one definition (time-progress.ts), the reporting unit's basis, as of min(end of month, today).
  const { timeProgressBasis: basis } = await ledgerSettings(db, covered.unitId);
  const monthlyProgress = progressByMonth(basis, year, businessDate());
  const progress = month >= 1 ? monthlyProgress[month - 1]! : 0;
  const execColumns = [text('code', '编码'), text('name', '名称'), money('budget', '预算数'), money('paid', '累计支出'), money('balance', '预算余额'), ratio('rate', '执行率'), ratio('progress', '时间进度'), ratio('gap', '进度差异')];
  const execRow = (code: string, name: string, items: MonthlyFacts[]) => {
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
    const p = monthlyProgress[k]!;
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

// ------------------------------------------------------------------ shared by the disclosure and final-accounts sets

/** The older working tables (项 rows by functional or economic class; kind split by expenditure kind), kept by id. */
const KIND_COLUMNS = [money('total', '合计'), money('personnel', '基本支出—人员经费'), money('operating', '基本支出—公用经费'), money('project', '项目支出')];

function kindRow(code: string, name: string, items: IndicatorFacts[], value: (f: IndicatorFacts) => number) {
  const of = (kind: ExpenditureKind) => sum(items.filter((i) => i.expenditureKind === kind), value);
  const personnel = of('personnel');
  const operating = of('operating');
  const project = of('project');
  return { code, name, total: personnel + operating + project, personnel, operating, project };
}

export function classTable(id: string, title: string, items: IndicatorFacts[], codeOf: (f: IndicatorFacts) => string, names: Map<string, string>, value: (f: IndicatorFacts) => number, header: string): ReportTable {
  const rows = [...group(items, codeOf).entries()].map(([code, list]) => kindRow(code, names.get(code) ?? code, list, value));
  return { id, title, unitLabel: '元', supplementary: true, columns: [text('code', `${header}编码`), text('name', '科目名称'), ...KIND_COLUMNS], rows: [...rows, kindRow('', '合计', items, value)] };
}

/** Fund-source groups (政府收支分类 资金来源 first two digits) in the order of the standard tables. */
export const FUND_GROUPS: Array<{ prefix: string; name: string; key: string }> = [
  { prefix: '11', name: '一般公共预算拨款收入', key: 'general' },
  { prefix: '12', name: '政府性基金预算拨款收入', key: 'fund' },
  { prefix: '13', name: '国有资本经营预算拨款收入', key: 'capital' },
  { prefix: '21', name: '财政专户管理资金收入', key: 'special' },
  { prefix: '31', name: '单位资金收入', key: 'own' },
];
export const GENERAL_BUDGET = '11';
export const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'] as const;

/** The level of a classification code: 类 3 digits, 款 5, 项 7 (政府收支分类科目). */
export type Level = '类' | '款' | '项' | '合计';
const LEVEL_LENGTHS: Record<number, Level> = { 3: '类', 5: '款', 7: '项' };

/**
 * Rows of a 类/款/项 table: each 类 row, then its 款 rows each followed by its 项 rows (the printed
 * order), every subtotal computed from the items under it, then the 合计 row. `lengths` are the code
 * lengths shown (functional 3/5/7, economic 3/5).
 */
export function hierarchyRows<T>(
  items: T[], codeOf: (t: T) => string, names: Map<string, string>, values: (items: T[]) => Record<string, number>, lengths: number[] = [3, 5, 7],
): Array<Record<string, Cell>> {
  const rows: Array<Record<string, Cell>> = [];
  const walk = (list: T[], depth: number) => {
    const len = lengths[depth];
    if (len === undefined) return;
    // A code that stops at the level above (an economic 类 used as such) has no rows below it.
    for (const [code, under] of group(list.filter((t) => codeOf(t).length >= len), (t) => codeOf(t).slice(0, len))) {
      rows.push({ code, name: names.get(code) ?? code, level: LEVEL_LENGTHS[len] ?? '项', ...values(under) });
      walk(under, depth + 1);
    }
  };
  walk(items, 0);
  rows.push({ code: '', name: '合计', level: '合计', ...values(items) });
  return rows;
}

/** 人员经费 = 301 工资福利支出 + 303 对个人和家庭的补助; 公用经费 = the rest of basic expenditure (302, 310, …). */
export function isPersonnelEconomic(economicCode: string): boolean {
  return economicCode.startsWith('301') || economicCode.startsWith('303');
}

/** 合计 / 基本支出 (小计, 人员经费, 公用经费) / 项目支出 of some indicators, fen. */
export function basicProjectValues(value: (f: IndicatorFacts) => number, split = true) {
  return (items: IndicatorFacts[]): Record<string, number> => {
    const basicItems = items.filter((i) => i.expenditureKind !== 'project');
    const basic = sum(basicItems, value);
    const project = sum(items.filter((i) => i.expenditureKind === 'project'), value);
    if (!split) return { total: basic + project, basic, project };
    const personnel = sum(basicItems.filter((i) => isPersonnelEconomic(i.economicCode)), value);
    return { total: basic + project, basic, personnel, operating: basic - personnel, project };
  };
}

export const BASIC_PROJECT_COLUMNS = [money('total', '合计'), money('basic', '小计', '基本支出'), money('personnel', '人员经费', '基本支出'), money('operating', '公用经费', '基本支出'), money('project', '项目支出')];
export const NO_SPENDING = '本单位无此项支出';

/** A 类/款/项 expenditure table; with no money in it it is still published, with the note 本单位无此项支出. */
export function functionalTable(
  id: string, title: string, items: IndicatorFacts[], names: Map<string, string>, value: (f: IndicatorFacts) => number, extra: Record<string, (items: IndicatorFacts[]) => number> = {},
): ReportTable {
  const split = basicProjectValues(value);
  const extraColumns = Object.keys(extra).map((k) => money(k, k === 'budget' ? '全年预算数' : k));
  const values = (list: IndicatorFacts[]) => ({ ...Object.fromEntries(Object.entries(extra).map(([k, f]) => [k, f(list)])), ...split(list) });
  const rows = hierarchyRows(items, (f) => f.functionalCode, names, values);
  return {
    id, title, unitLabel: '万元',
    columns: [text('code', '功能分类科目编码'), text('name', '科目名称'), ...extraColumns, ...BASIC_PROJECT_COLUMNS],
    rows, ...(items.length === 0 ? { note: NO_SPENDING } : {}),
  };
}

export interface ThreePublicParts { abroad: number; carPurchase: number; carRunning: number; reception: number }

/** 三公经费 of some indicators by the one list (three-public.ts); the caller passes 一般公共预算 (11) only. */
export function threePublicParts(items: IndicatorFacts[], value: (f: IndicatorFacts) => number): ThreePublicParts {
  const of = (item: ThreePublicItem) => sum(items.filter((i) => threePublicItem(i.economicCode) === item), value);
  return { abroad: of('abroad'), carPurchase: of('vehicle_purchase'), carRunning: of('vehicle_operation'), reception: of('reception') };
}

const codesOf = (item: ThreePublicItem) => Object.entries(THREE_PUBLIC_ITEMS).filter(([, v]) => v === item).map(([k]) => k).join('、');

/**
 * The 三公 table, one line per item (rows[0] 合计 = [1] + [2] + [5], [2] = [3] + [4]): 因公出国（境）费,
 * 公务用车购置及运行费 split into 购置费 and 运行维护费, 公务接待费. `columns` are the money columns:
 * amount alone (预算公开) or budget and amount (决算).
 */
export function threePublicRows(columns: Record<string, ThreePublicParts>): Array<Record<string, Cell>> {
  const line = (code: string, name: string, key: string, f: (p: ThreePublicParts) => number) =>
    ({ code, name, line: key, ...Object.fromEntries(Object.entries(columns).map(([k, p]) => [k, f(p)])) });
  return [
    line('', '合计', 'total', (p) => p.abroad + p.carPurchase + p.carRunning + p.reception),
    line(codesOf('abroad'), '1.因公出国（境）费', 'abroad', (p) => p.abroad),
    line('', '2.公务用车购置及运行维护费', 'car', (p) => p.carPurchase + p.carRunning),
    line(codesOf('vehicle_purchase'), '  其中：公务用车购置费', 'carPurchase', (p) => p.carPurchase),
    line(codesOf('vehicle_operation'), '        公务用车运行维护费', 'carRunning', (p) => p.carRunning),
    line(codesOf('reception'), '3.公务接待费', 'reception', (p) => p.reception),
  ];
}

export function threePublicSummary(p: ThreePublicParts) {
  const carSubtotal = p.carPurchase + p.carRunning;
  return { ...p, carSubtotal, total: p.abroad + carSubtotal + p.reception };
}

export { THREE_PUBLIC_CODES };
