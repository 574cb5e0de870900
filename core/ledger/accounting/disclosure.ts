import type { Executor } from '../../db/connection.js';
import { isFiscalFund } from './posting.js';
import {
  classNames, classTable, FUND_GROUPS, functionalTable, GENERAL_BUDGET, group, hierarchyRows, indicatorFacts, isPersonnelEconomic, money, NO_SPENDING,
  ORDINALS, sum, text, threePublicParts, threePublicRows, threePublicSummary, type Cell, type Covered, type IndicatorFacts, type Report, type ReportTable,
} from './reports.js';

/**
 * 部门预算公开: the standard set a unit publishes, in the order and layout of the 部门预算公开 templates
 * (财政部《地方预决算公开操作规程》财预〔2016〕143号 and the annual 部门预算公开 表样): 收支总表, 收入总表,
 * 支出总表, 财政拨款收支总表, 一般公共预算支出表 (类/款/项 with subtotals), 一般公共预算基本支出表 (by
 * economic class), 一般公共预算"三公"经费支出表, 政府性基金预算支出表, 国有资本经营预算支出表. A table
 * with no money is still published, noted 本单位无此项支出. Printed in 万元 with two decimals; JSON in fen.
 *
 * Figures come from the indicators of the year (budget basis: issued + adjusted; actual basis: paid).
 * 上年结转 is what the year end carried over (indicators with carried_from_id). The functional classes
 * and their names come from the classifications table: 类 = 3 digits, 款 = 5, 项 = 7.
 *
 * Tables keep the ids of the first version where the meaning is the same (`income_expenditure`,
 * `three_public`, now 一般公共预算 only as the template says); the older working tables
 * (`fiscal_by_functional`, `fiscal_by_economic`) follow, marked supplementary.
 */
export async function disclosureReport(db: Executor, covered: Covered, year: number, basis: 'budget' | 'actual'): Promise<Report> {
  const facts = await indicatorFacts(db, covered.units.map((u) => u.id), year);
  const value = basis === 'budget' ? (f: IndicatorFacts) => f.budget : (f: IndicatorFacts) => f.paid;
  const functional = await classNames(db, 'functional', year);
  const economic = await classNames(db, 'economic', year);
  const basisLabel = basis === 'budget' ? '预算数' : '执行数';
  const fiscal = facts.filter((f) => isFiscalFund(f.fundSourceCode));
  const general = facts.filter((f) => f.fundSourceCode.startsWith(GENERAL_BUDGET));
  const current = facts.filter((f) => !f.carried);
  const carried = facts.filter((f) => f.carried);
  const byFund = (prefix: string, items: IndicatorFacts[]) => sum(items.filter((f) => f.fundSourceCode.startsWith(prefix)), value);

  const incomeCurrent = sum(current, value);
  const carriedIn = sum(carried, value);
  const spent = sum(facts, value);
  const three = threePublicParts(general, value);

  const tables: ReportTable[] = [
    summaryTable(facts, current, carried, functional, value, basisLabel),
    incomeTable(facts, functional, value),
    functionalTable('expenditure', '支出总表', facts, functional, value),
    fiscalSummaryTable(fiscal, functional, value, basisLabel),
    functionalTable('general_budget_expenditure', '一般公共预算支出表', general, functional, value),
    basicEconomicTable('general_basic_expenditure', '一般公共预算基本支出表', general, economic, value),
    {
      id: 'three_public', title: '一般公共预算“三公”经费支出表', unitLabel: '万元',
      columns: [text('code', '经济分类编码'), text('name', '项目'), money('amount', basisLabel)],
      rows: threePublicRows({ amount: three }),
      ...(threePublicSummary(three).total === 0 ? { note: NO_SPENDING } : {}),
    },
    functionalTable('government_fund_expenditure', '政府性基金预算支出表', facts.filter((f) => f.fundSourceCode.startsWith('12')), functional, value),
    functionalTable('state_capital_expenditure', '国有资本经营预算支出表', facts.filter((f) => f.fundSourceCode.startsWith('13')), functional, value),
    classTable('fiscal_by_functional', '财政拨款支出表（按功能分类）', fiscal, (f) => f.functionalCode, functional, value, '功能分类科目'),
    classTable('fiscal_by_economic', '财政拨款支出表（按经济分类）', fiscal, (f) => f.economicCode, economic, value, '经济分类科目'),
  ];
  return {
    report: 'disclosure', title: `${year}年部门预算公开表（${basisLabel}）`, ...covered, year, month: null, basis,
    totals: {
      income: incomeCurrent + carriedIn, expenditure: spent, fiscalExpenditure: sum(fiscal, value),
      incomeCurrent, carriedIn, generalExpenditure: sum(general, value),
      byFund: Object.fromEntries(FUND_GROUPS.map((g) => [g.key, byFund(g.prefix, current)])),
    },
    threePublic: threePublicSummary(three),
    tables,
  };
}

/** 收支总表: income by fund source (本年), 上年结转, 收入总计; expenditure by functional 类, 结转下年, 支出总计. */
function summaryTable(facts: IndicatorFacts[], current: IndicatorFacts[], carried: IndicatorFacts[], names: Map<string, string>, value: (f: IndicatorFacts) => number, basisLabel: string): ReportTable {
  const incomeCurrent = sum(current, value);
  const carriedIn = sum(carried, value);
  const spent = sum(facts, value);
  const rows: Array<Record<string, Cell>> = [
    ...FUND_GROUPS.map((g, i) => ({ section: '收入', code: g.prefix, name: `${ORDINALS[i]}、${g.name}`, line: `income:${g.key}`, amount: sum(current.filter((f) => f.fundSourceCode.startsWith(g.prefix)), value) })),
    { section: '收入', code: '', name: '本年收入合计', line: 'income_current', amount: incomeCurrent },
    { section: '收入', code: '', name: '上年结转', line: 'carried_in', amount: carriedIn },
    { section: '收入', code: '', name: '收入总计', line: 'income_total', amount: incomeCurrent + carriedIn },
    ...[...group(facts, (f) => f.functionalCode.slice(0, 3)).entries()].map(([code, items]) => ({ section: '支出', code, name: names.get(code) ?? code, level: '类', amount: sum(items, value) })),
    { section: '支出', code: '', name: '本年支出合计', line: 'expenditure_current', amount: spent },
    { section: '支出', code: '', name: '结转下年', line: 'carry_forward', amount: incomeCurrent + carriedIn - spent },
    { section: '支出', code: '', name: '支出总计', line: 'expenditure_total', amount: incomeCurrent + carriedIn },
  ];
  return { id: 'income_expenditure', title: '收支总表', unitLabel: '万元', columns: [text('section', '收/支'), text('code', '编码'), text('name', '项目'), money('amount', basisLabel)], rows };
}

/** 收入总表: by functional 类/款/项, 合计 = 上年结转 + each fund source of this year. */
function incomeTable(facts: IndicatorFacts[], names: Map<string, string>, value: (f: IndicatorFacts) => number): ReportTable {
  const values = (items: IndicatorFacts[]) => {
    const carried = sum(items.filter((f) => f.carried), value);
    const funds = Object.fromEntries(FUND_GROUPS.map((g) => [g.key, sum(items.filter((f) => !f.carried && f.fundSourceCode.startsWith(g.prefix)), value)]));
    return { total: sum(items, value), carried, ...funds };
  };
  return {
    id: 'income', title: '收入总表', unitLabel: '万元',
    columns: [text('code', '功能分类科目编码'), text('name', '科目名称'), money('total', '合计'), money('carried', '上年结转'), ...FUND_GROUPS.map((g) => money(g.key, g.name.replace(/收入$/, ''), '本年收入'))],
    rows: hierarchyRows(facts, (f) => f.functionalCode, names, values),
  };
}

/** 财政拨款收支总表: fiscal income (本年, 上年结转) and expenditure by 类, each split by 一般公共预算 / 政府性基金 / 国有资本经营. */
function fiscalSummaryTable(fiscal: IndicatorFacts[], names: Map<string, string>, value: (f: IndicatorFacts) => number, basisLabel: string): ReportTable {
  const split = (items: IndicatorFacts[]) => {
    const general = sum(items.filter((f) => f.fundSourceCode.startsWith('11')), value);
    const fund = sum(items.filter((f) => f.fundSourceCode.startsWith('12')), value);
    const capital = sum(items.filter((f) => f.fundSourceCode.startsWith('13')), value);
    return { total: general + fund + capital, general, fund, capital };
  };
  const current = split(fiscal.filter((f) => !f.carried));
  const carried = split(fiscal.filter((f) => f.carried));
  const spent = split(fiscal);
  const all = { total: current.total + carried.total, general: current.general + carried.general, fund: current.fund + carried.fund, capital: current.capital + carried.capital };
  const rest = { total: all.total - spent.total, general: all.general - spent.general, fund: all.fund - spent.fund, capital: all.capital - spent.capital };
  const rows: Array<Record<string, Cell>> = [
    { section: '收入', code: '', name: '一、本年收入', line: 'income_current', ...current },
    { section: '收入', code: '', name: '二、上年结转', line: 'carried_in', ...carried },
    { section: '收入', code: '', name: '收入总计', line: 'income_total', ...all },
    ...[...group(fiscal, (f) => f.functionalCode.slice(0, 3)).entries()].map(([code, items]) => ({ section: '支出', code, name: names.get(code) ?? code, level: '类', ...split(items) })),
    { section: '支出', code: '', name: '本年支出合计', line: 'expenditure_current', ...spent },
    { section: '支出', code: '', name: '结转下年', line: 'carry_forward', ...rest },
    { section: '支出', code: '', name: '支出总计', line: 'expenditure_total', ...all },
  ];
  return {
    id: 'fiscal_income_expenditure', title: '财政拨款收支总表', unitLabel: '万元',
    columns: [text('section', '收/支'), text('code', '编码'), text('name', '项目'), money('total', `合计（${basisLabel}）`), money('general', '一般公共预算'), money('fund', '政府性基金预算'), money('capital', '国有资本经营预算')],
    rows,
  };
}

/**
 * 基本支出表 by economic class: 类 rows (301 工资福利支出, 302 商品和服务支出, 303 对个人和家庭的补助,
 * 310 资本性支出, …) with their 款 rows; 人员经费 = 301 + 303, 公用经费 = 302 + 310 and the rest of basic.
 */
export function basicEconomicTable(id: string, title: string, items: IndicatorFacts[], names: Map<string, string>, value: (f: IndicatorFacts) => number, budget?: (f: IndicatorFacts) => number): ReportTable {
  const basic = items.filter((f) => f.expenditureKind !== 'project');
  const values = (list: IndicatorFacts[]) => {
    const personnel = sum(list.filter((f) => isPersonnelEconomic(f.economicCode)), value);
    const operating = sum(list.filter((f) => !isPersonnelEconomic(f.economicCode)), value);
    return { ...(budget ? { budget: sum(list, budget) } : {}), total: personnel + operating, personnel, operating };
  };
  const rows = hierarchyRows(basic, (f) => f.economicCode, names, values, [3, 5]);
  return {
    id, title, unitLabel: '万元',
    columns: [text('code', '经济分类科目编码'), text('name', '科目名称'), ...(budget ? [money('budget', '全年预算数')] : []), money('total', '合计'), money('personnel', '人员经费'), money('operating', '公用经费')],
    rows, ...(basic.length === 0 ? { note: NO_SPENDING } : {}),
  };
}
