import { sql } from 'kysely';
import type { Executor } from '../../db/connection.js';
import { isFiscalFund } from './posting.js';
import { basicEconomicTable } from './disclosure.js';
import {
  classNames, classTable, FUND_GROUPS, functionalTable, GENERAL_BUDGET, group, hierarchyRows, indicatorFacts, money, NO_SPENDING, sum, text,
  threePublicParts, threePublicRows, threePublicSummary, type Cell, type Covered, type IndicatorFacts, type Report, type ReportTable,
} from './reports.js';

/**
 * 部门决算: the main tables of the 部门决算报表 (财政部 部门决算报表 表样: 收入支出决算总表 财决01, 收入决算表
 * 财决03, 支出决算表 财决04, 财政拨款收入支出决算总表 财决01-1, 一般公共预算财政拨款支出决算表 财决07,
 * 一般公共预算财政拨款基本支出决算明细表 财决08, 一般公共预算财政拨款"三公"经费支出决算表 财决09) from the
 * ledger's actuals, in 万元 (JSON in fen).
 *
 * Income: 财政拨款收入 from the indicators issued this year (issued + adjusted, the 6001 postings);
 * other income from the budgetary journal (6101 事业预算收入, 6201 上级补助预算收入, 6301 附属单位上缴预算收入,
 * 6401 经营预算收入, 6601 非同级财政拨款预算收入 and 6609 其他预算收入 → 其他收入), closing entries left out.
 * 年初结转和结余: the indicators the year end carried in (carried_from_id). Expenditure: paid.
 */
export const OTHER_INCOME: Array<{ key: string; name: string; accounts: string[] }> = [
  { key: 'superior', name: '上级补助收入', accounts: ['6201'] },
  { key: 'business', name: '事业收入', accounts: ['6101'] },
  { key: 'operating', name: '经营收入', accounts: ['6401'] },
  { key: 'affiliated', name: '附属单位上缴收入', accounts: ['6301'] },
  { key: 'other', name: '其他收入', accounts: ['6601', '6609'] },
];
const INCOME_ACCOUNTS = OTHER_INCOME.flatMap((g) => g.accounts);
const FINAL_ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八'] as const;
const UNCLASSIFIED = '未列功能分类';

interface JournalIncome { account: string; functionalCode: string | null; amount: number }

async function journalIncome(db: Executor, unitIds: string[], year: number): Promise<JournalIncome[]> {
  if (unitIds.length === 0) return [];
  const rows = await db
    .selectFrom('journal_lines')
    .innerJoin('journal_entries', 'journal_entries.id', 'journal_lines.entry_id')
    .select(['journal_lines.account_code', 'journal_lines.functional_code', sql<number>`coalesce(sum(journal_lines.credit - journal_lines.debit), 0)`.as('amount')])
    .where('journal_lines.unit_id', 'in', unitIds)
    .where('journal_lines.track', '=', 'budgetary')
    .where('journal_lines.year', '=', year)
    .where('journal_lines.account_code', 'in', INCOME_ACCOUNTS)
    .where('journal_entries.source_type', '<>', 'year_end')
    .groupBy(['journal_lines.account_code', 'journal_lines.functional_code'])
    .execute();
  return rows.map((r) => ({ account: r.account_code, functionalCode: r.functional_code, amount: Number(r.amount) })).filter((r) => r.amount !== 0);
}

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
  const receipts = await journalIncome(db, unitIds, year);
  const fiscal = facts.filter((f) => isFiscalFund(f.fundSourceCode));
  const general = facts.filter((f) => f.fundSourceCode.startsWith(GENERAL_BUDGET));
  const fiscalCurrent = fiscal.filter((f) => !f.carried);
  const expenditure = sum(facts, paid);
  const income = sum(facts, budget);

  // 收入支出决算总表
  const fiscalIncome = FUND_GROUPS.slice(0, 3).map((g) => ({ ...g, amount: sum(fiscalCurrent.filter((f) => f.fundSourceCode.startsWith(g.prefix)), budget) }));
  const otherIncome = OTHER_INCOME.map((g) => ({ ...g, amount: sum(receipts.filter((r) => g.accounts.includes(r.account)), (r) => r.amount) }));
  const incomeCurrent = sum(fiscalIncome, (g) => g.amount) + sum(otherIncome, (g) => g.amount);
  const opening = sum(facts.filter((f) => f.carried), budget);
  const closing = incomeCurrent + opening - expenditure;
  const summaryRows: Array<Record<string, Cell>> = [
    ...fiscalIncome.map((g, i) => ({ section: '收入', code: g.prefix, name: `${FINAL_ORDINALS[i]}、${g.name.replace('拨款收入', '财政拨款收入')}`, line: `income:${g.key}`, amount: g.amount })),
    ...otherIncome.map((g, i) => ({ section: '收入', code: g.accounts.join('、'), name: `${FINAL_ORDINALS[i + 3]}、${g.name}`, line: `income:${g.key}`, amount: g.amount })),
    { section: '收入', code: '', name: '本年收入合计', line: 'income_current', amount: incomeCurrent },
    { section: '收入', code: '', name: '年初结转和结余', line: 'opening', amount: opening },
    { section: '收入', code: '', name: '收入总计', line: 'income_total', amount: incomeCurrent + opening },
    ...[...group(facts, (f) => f.functionalCode.slice(0, 3)).entries()].map(([code, items]) => ({ section: '支出', code, name: functional.get(code) ?? code, level: '类', amount: sum(items, paid) })),
    { section: '支出', code: '', name: '本年支出合计', line: 'expenditure_current', amount: expenditure },
    { section: '支出', code: '', name: '  基本支出', line: 'basic', amount: sum(facts.filter((f) => f.expenditureKind !== 'project'), paid) },
    { section: '支出', code: '', name: '  项目支出', line: 'project', amount: sum(facts.filter((f) => f.expenditureKind === 'project'), paid) },
    { section: '支出', code: '', name: '年末结转和结余', line: 'closing', amount: closing },
    { section: '支出', code: '', name: '支出总计', line: 'expenditure_total', amount: expenditure + closing },
  ];

  const three = { budget: threePublicParts(general, budget), amount: threePublicParts(general, paid) };
  const tables: ReportTable[] = [
    { id: 'summary', title: '收入支出决算总表', unitLabel: '万元', columns: [text('section', '收/支'), text('code', '编码'), text('name', '项目'), money('amount', '决算数')], rows: summaryRows },
    incomeDetailTable(fiscalCurrent, receipts, functional),
    functionalTable('expenditure_detail', '支出决算表', facts, functional, paid),
    fiscalSummaryTable(fiscal, functional),
    functionalTable('general_fiscal_expenditure', '一般公共预算财政拨款支出决算表', general, functional, paid, { budget: (items) => sum(items, budget) }),
    basicEconomicTable('basic_expenditure_detail', '一般公共预算财政拨款基本支出决算明细表', general, economic, paid, budget),
    {
      id: 'three_public', title: '一般公共预算财政拨款“三公”经费支出决算表', unitLabel: '万元',
      columns: [text('code', '经济分类编码'), text('name', '项目'), money('budget', '全年预算数'), money('amount', '决算数')],
      rows: threePublicRows(three),
      ...(threePublicSummary(three.budget).total === 0 && threePublicSummary(three.amount).total === 0 ? { note: NO_SPENDING } : {}),
    },
    classTable('expenditure_by_functional', '支出决算表（按功能分类）', facts, (f) => f.functionalCode, functional, paid, '功能分类科目'),
    classTable('expenditure_by_economic', '支出决算表（按经济分类）', facts, (f) => f.economicCode, economic, paid, '经济分类科目'),
  ];
  return {
    report: 'final-accounts', title: `${year}年度部门决算表`, ...covered, year, month: null,
    totals: {
      income, expenditure, payments: Number(payments.total), budgetaryExpenditure: Number(journal.total),
      fiscalExpenditure: sum(fiscal, paid), carryOverAndSurplus: income - expenditure,
      incomeCurrent, opening, closing, generalExpenditure: sum(general, paid),
      otherIncome: Object.fromEntries(otherIncome.map((g) => [g.key, g.amount])),
    },
    threePublic: threePublicSummary(three.amount),
    threePublicBudget: threePublicSummary(three.budget),
    tables,
  };
}

/** 收入决算表: by functional 类/款/项; 财政拨款收入 from the indicators, the other income from the journal. */
function incomeDetailTable(fiscalCurrent: IndicatorFacts[], receipts: JournalIncome[], names: Map<string, string>): ReportTable {
  type Item = { functionalCode: string; key: string; amount: number };
  const items: Item[] = [
    ...fiscalCurrent.map((f) => ({ functionalCode: f.functionalCode, key: 'fiscal', amount: f.budget })),
    ...receipts.map((r) => ({ functionalCode: r.functionalCode ?? '', key: OTHER_INCOME.find((g) => g.accounts.includes(r.account))!.key, amount: r.amount })),
  ];
  const values = (list: Item[]) => {
    const parts = Object.fromEntries(['fiscal', ...OTHER_INCOME.map((g) => g.key)].map((k) => [k, sum(list.filter((i) => i.key === k), (i) => i.amount)]));
    return { total: sum(list, (i) => i.amount), ...parts };
  };
  const classified = items.filter((i) => /^[0-9]{7}$/.test(i.functionalCode));
  const unclassified = items.filter((i) => !/^[0-9]{7}$/.test(i.functionalCode));
  const rows = hierarchyRows(classified, (i) => i.functionalCode, names, values);
  if (unclassified.length) {
    const total = rows.pop()!;
    rows.push({ code: '', name: UNCLASSIFIED, level: '其他', ...values(unclassified) }, { ...total, ...values(items) });
  }
  return {
    id: 'income_detail', title: '收入决算表', unitLabel: '万元',
    columns: [text('code', '功能分类科目编码'), text('name', '科目名称'), money('total', '本年收入合计'), money('fiscal', '财政拨款收入'), ...OTHER_INCOME.map((g) => money(g.key, g.name))],
    rows,
  };
}

/** 财政拨款收入支出决算总表: fiscal income (本年, 年初结转和结余), expenditure by 类, 年末结转和结余, by fund. */
function fiscalSummaryTable(fiscal: IndicatorFacts[], names: Map<string, string>): ReportTable {
  const split = (items: IndicatorFacts[], value: (f: IndicatorFacts) => number) => {
    const general = sum(items.filter((f) => f.fundSourceCode.startsWith('11')), value);
    const fund = sum(items.filter((f) => f.fundSourceCode.startsWith('12')), value);
    const capital = sum(items.filter((f) => f.fundSourceCode.startsWith('13')), value);
    return { total: general + fund + capital, general, fund, capital };
  };
  const budget = (f: IndicatorFacts) => f.budget;
  const paid = (f: IndicatorFacts) => f.paid;
  const current = split(fiscal.filter((f) => !f.carried), budget);
  const opening = split(fiscal.filter((f) => f.carried), budget);
  const spent = split(fiscal, paid);
  const keys = ['total', 'general', 'fund', 'capital'] as const;
  const combine = (f: (k: (typeof keys)[number]) => number) => Object.fromEntries(keys.map((k) => [k, f(k)]));
  const all = combine((k) => current[k] + opening[k]);
  const rows: Array<Record<string, Cell>> = [
    { section: '收入', code: '', name: '一、本年收入', line: 'income_current', ...current },
    { section: '收入', code: '', name: '二、年初财政拨款结转和结余', line: 'opening', ...opening },
    { section: '收入', code: '', name: '收入总计', line: 'income_total', ...all },
    ...[...group(fiscal, (f) => f.functionalCode.slice(0, 3)).entries()].map(([code, items]) => ({ section: '支出', code, name: names.get(code) ?? code, level: '类', ...split(items, paid) })),
    { section: '支出', code: '', name: '本年支出合计', line: 'expenditure_current', ...spent },
    { section: '支出', code: '', name: '年末财政拨款结转和结余', line: 'closing', ...combine((k) => all[k]! - spent[k]) },
    { section: '支出', code: '', name: '支出总计', line: 'expenditure_total', ...all },
  ];
  return {
    id: 'fiscal_summary', title: '财政拨款收入支出决算总表', unitLabel: '万元',
    columns: [text('section', '收/支'), text('code', '编码'), text('name', '项目'), money('total', '合计'), money('general', '一般公共预算财政拨款'), money('fund', '政府性基金预算财政拨款'), money('capital', '国有资本经营预算财政拨款')],
    rows,
  };
}
