import type { Lang } from '../../errors.js';
import type { Cell, Report, ReportColumn, ReportTable } from './reports.js';

/**
 * Reports in the language asked for (`?lang=` or Accept-Language; zh-CN by default). The report
 * builders speak Chinese, the language of the statutory layouts; English is applied here, last, to
 * what a reader sees: the report and table titles, column headers and their groups, notes, the fixed
 * row labels (合计, 收入总计, 三公 lines …) and the month labels. What stays as it is, on purpose:
 * - cells that are keys (`section` 收入/支出, `level` 类/款/项/合计, `line`), which the print layout and
 *   the checks read, and are never shown as such;
 * - the names of classification codes (政府收支分类科目), unit and indicator names: domain data, kept in
 *   the published Chinese wording beside their code (no official English set is kept in the ledger).
 * The checks run on the Chinese report, so a check names the same rows and columns in both languages.
 */

const EN: Record<string, string> = {
  // table titles
  '预算执行情况表（按指标）': 'Budget execution by indicator',
  '预算执行情况表（按科室）': 'Budget execution by department',
  '预算执行情况表（按经济分类）': 'Budget execution by economic class',
  '预算执行情况表（按月）': 'Budget execution by month',
  '收支总表': 'Summary of income and expenditure',
  '收入总表': 'Income summary',
  '支出总表': 'Expenditure summary',
  '财政拨款收支总表': 'Summary of fiscal appropriation income and expenditure',
  '一般公共预算支出表': 'General public budget expenditure',
  '一般公共预算基本支出表': 'General public budget basic expenditure',
  '一般公共预算“三公”经费支出表': 'General public budget “three public expenses”',
  '政府性基金预算支出表': 'Government fund budget expenditure',
  '国有资本经营预算支出表': 'State capital operation budget expenditure',
  '财政拨款支出表（按功能分类）': 'Fiscal appropriation expenditure by functional class',
  '财政拨款支出表（按经济分类）': 'Fiscal appropriation expenditure by economic class',
  '收入支出决算总表': 'Final accounts: summary of income and expenditure',
  '收入决算表': 'Final accounts: income',
  '支出决算表': 'Final accounts: expenditure',
  '财政拨款收入支出决算总表': 'Final accounts: summary of fiscal appropriation income and expenditure',
  '一般公共预算财政拨款支出决算表': 'Final accounts: general public budget appropriation expenditure',
  '一般公共预算财政拨款基本支出决算明细表': 'Final accounts: general public budget appropriation basic expenditure in detail',
  '一般公共预算财政拨款“三公”经费支出决算表': 'Final accounts: general public budget appropriation “three public expenses”',
  '支出决算表（按功能分类）': 'Final accounts: expenditure by functional class',
  '支出决算表（按经济分类）': 'Final accounts: expenditure by economic class',
  // column headers and groups
  '编码': 'Code',
  '名称': 'Name',
  '预算数': 'Budget',
  '执行数': 'Actual',
  '决算数': 'Final',
  '累计支出': 'Spent to date',
  '预算余额': 'Balance',
  '执行率': 'Execution rate',
  '时间进度': 'Time progress',
  '进度差异': 'Gap to time progress',
  '月份': 'Month',
  '本月支出': 'Spent in the month',
  '累计执行率': 'Cumulative execution rate',
  '合计': 'Total',
  '小计': 'Subtotal',
  '基本支出': 'Basic expenditure',
  '基本支出—人员经费': 'Basic expenditure — personnel',
  '基本支出—公用经费': 'Basic expenditure — operating',
  '人员经费': 'Personnel',
  '公用经费': 'Operating',
  '项目支出': 'Project expenditure',
  '功能分类科目编码': 'Functional class code',
  '经济分类科目编码': 'Economic class code',
  '经济分类编码': 'Economic class code',
  '科目名称': 'Class name',
  '全年预算数': 'Annual budget',
  '收/支': 'Income / expenditure',
  '项目': 'Item',
  '上年结转': 'Carried over from last year',
  '本年收入': 'Income of the year',
  '本年收入合计': 'Total income of the year',
  '一般公共预算拨款': 'General public budget appropriation',
  '政府性基金预算拨款': 'Government fund budget appropriation',
  '国有资本经营预算拨款': 'State capital operation budget appropriation',
  '财政专户管理资金': 'Funds in the fiscal special account',
  '单位资金': 'Unit funds',
  '一般公共预算': 'General public budget',
  '政府性基金预算': 'Government fund budget',
  '国有资本经营预算': 'State capital operation budget',
  '一般公共预算财政拨款': 'General public budget appropriation',
  '政府性基金预算财政拨款': 'Government fund budget appropriation',
  '国有资本经营预算财政拨款': 'State capital operation budget appropriation',
  '财政拨款收入': 'Fiscal appropriation income',
  '上级补助收入': 'Subsidies from the superior unit',
  '事业收入': 'Income from public services',
  '经营收入': 'Business income',
  '附属单位上缴收入': 'Remittances from affiliated units',
  '其他收入': 'Other income',
  // the two sides of a printed 收支总表
  '收入': 'Income',
  '支出': 'Expenditure',
  // fixed row labels
  '收入总计': 'Total income',
  '本年支出合计': 'Total expenditure of the year',
  '结转下年': 'Carried forward to next year',
  '支出总计': 'Total expenditure',
  '一、本年收入': '1. Income of the year',
  '二、上年结转': '2. Carried over from last year',
  '二、年初财政拨款结转和结余': '2. Fiscal carry-over and surplus at the start of the year',
  '年末财政拨款结转和结余': 'Fiscal carry-over and surplus at the end of the year',
  '年初结转和结余': 'Carry-over and surplus at the start of the year',
  '年末结转和结余': 'Carry-over and surplus at the end of the year',
  '  基本支出': '  Basic expenditure',
  '  项目支出': '  Project expenditure',
  '1.因公出国（境）费': '1. Official travel abroad',
  '2.公务用车购置及运行维护费': '2. Official vehicles: purchase, operation and maintenance',
  '  其中：公务用车购置费': '  of which: purchase of official vehicles',
  '        公务用车运行维护费': '        operation and maintenance of official vehicles',
  '3.公务接待费': '3. Official reception',
  '未列功能分类': 'Not classified by function',
  // notes
  '本单位无此项支出': 'This unit has no expenditure of this kind.',
};

const FUND_ROW_NAMES: Record<string, string> = {
  '一般公共预算拨款收入': 'General public budget appropriation income',
  '政府性基金预算拨款收入': 'Government fund budget appropriation income',
  '国有资本经营预算拨款收入': 'State capital operation budget appropriation income',
  '一般公共预算财政拨款收入': 'General public budget appropriation income',
  '政府性基金预算财政拨款收入': 'Government fund budget appropriation income',
  '国有资本经营预算财政拨款收入': 'State capital operation budget appropriation income',
  '财政专户管理资金收入': 'Income of the fiscal special account',
  '单位资金收入': 'Unit funds income',
  '上级补助收入': 'Subsidies from the superior unit',
  '事业收入': 'Income from public services',
  '经营收入': 'Business income',
  '附属单位上缴收入': 'Remittances from affiliated units',
  '其他收入': 'Other income',
};
const ORDINAL = '一二三四五六七八九十';
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** One label in English: the dictionary, then the patterns (numbered fund rows, 合计（…）, 1月); unknown text is kept. */
export function labelEn(text: string): string {
  const known = EN[text];
  if (known !== undefined) return known;
  const numbered = /^([一二三四五六七八九十])、(.+)$/.exec(text);
  if (numbered && FUND_ROW_NAMES[numbered[2]!]) return `${ORDINAL.indexOf(numbered[1]!) + 1}. ${FUND_ROW_NAMES[numbered[2]!]}`;
  const total = /^合计（(.+)）$/.exec(text);
  if (total) return `Total (${labelEn(total[1]!).toLowerCase()})`;
  const month = /^(\d{1,2})月$/.exec(text);
  if (month && MONTHS[Number(month[1]) - 1]) return MONTHS[Number(month[1]) - 1]!;
  return text;
}

/** The report's own title in English (year, month, basis). */
function titleEn(report: Report): string {
  const year = report.year;
  if (report.report === 'execution') return `Budget execution report ${year} (through ${MONTHS[(report.month ?? 12) - 1] ?? report.month})`;
  if (report.report === 'disclosure') return `Departmental budget disclosure ${year} (${report['basis'] === 'actual' ? 'actual figures' : 'budget figures'})`;
  return `Departmental final accounts ${year}`;
}

/** Cells shown as text that carry labels (the rest are codes, names from the ledger, or keys). */
const LABEL_CELLS = ['name', 'month'] as const;

/** One table in the language asked for (the print layout's own words too: 收入/支出 sides, 项目). */
export function localizeTable(table: ReportTable, lang: Lang): ReportTable {
  return lang === 'en' ? tableEn(table) : table;
}

function tableEn(table: ReportTable): ReportTable {
  const columns: ReportColumn[] = table.columns.map((c) => ({ ...c, header: labelEn(c.header), ...(c.group ? { group: labelEn(c.group) } : {}) }));
  const rows = table.rows.map((row) => {
    const out: Record<string, Cell> = { ...row };
    for (const key of LABEL_CELLS) if (typeof row[key] === 'string') out[key] = labelEn(row[key]);
    return out;
  });
  return { ...table, title: labelEn(table.title), columns, rows, ...(table.note ? { note: labelEn(table.note) } : {}) };
}

/** The report as the reader asked for it; Chinese is the report itself. Also carries `lang`. */
export function localizeReport(report: Report, lang: Lang): Report {
  if (lang !== 'en') return { ...report, lang: 'zh-CN' };
  return { ...report, lang: 'en', title: titleEn(report), tables: report.tables.map(tableEn) };
}

/** The year-end preview's rules (year-end.ts decide()) in English; the audit keeps the Chinese. */
const YEAR_END_RULES_EN: Record<string, string> = {
  '无结余资金': 'Nothing left unspent',
  '机动额度年末收回，形成结余': 'The flexible quota is taken back at the year end (surplus)',
  '非财政拨款资金结转下年': 'Non-fiscal funds carried forward to next year',
  '政府性基金专款专用，结转下年': 'Government fund money is earmarked: carried forward to next year',
  '项目已结项或到期，形成结余': 'The project is closed or has ended (surplus)',
  '项目支出结转下年继续使用': 'Project expenditure carried forward for use next year',
  '基本支出年末结余': 'Basic expenditure left at the year end (surplus)',
};

/** The year-end preview in the reader's language: each item's rule. */
export function localizeYearEnd<T extends { items: Array<{ rule: string }> }>(view: T, lang: Lang): T {
  if (lang !== 'en') return view;
  return { ...view, items: view.items.map((i) => ({ ...i, rule: YEAR_END_RULES_EN[i.rule] ?? i.rule })) };
}

/** The words of a download (xlsx/CSV) around the tables. */
export interface ExportWords {
  title: (year: number, title: string) => string;
  compiledBy: (unitName: string, consolidated: boolean) => string;
  unit: (unitLabel: '元' | '万元') => string;
  failedNote: string;
  failedNoteShort: string;
  checksSheet: string;
  checksTitle: (year: number, title: string, n: number) => string;
  checksHeader: string[];
}

export function exportWords(lang: Lang): ExportWords {
  if (lang === 'en') {
    return {
      title: (year, title) => `${title}, ${year}`,
      compiledBy: (unitName, consolidated) => `Compiled by: ${unitName}${consolidated ? ' (consolidated)' : ''}`,
      unit: (u) => `Unit: ${u === '元' ? 'yuan' : '10,000 yuan'}`,
      failedNote: 'Note: this table failed the checks before publishing; see the sheet “Checks”',
      failedNoteShort: 'Note: this table failed the checks before publishing',
      checksSheet: 'Checks',
      checksTitle: (year, title, n) => `${title}: the checks before publishing failed (${n})`,
      checksHeader: ['Check', 'Message', 'Table', 'Row', 'Column', 'Value (fen)'],
    };
  }
  return {
    title: (year, title) => `${year}年${title}`,
    compiledBy: (unitName, consolidated) => `编制单位：${unitName}${consolidated ? '（汇总）' : ''}`,
    unit: (u) => `单位：${u}`,
    failedNote: '注：本表未通过发布前校验，详见“校验结果”',
    failedNoteShort: '注：本表未通过发布前校验',
    checksSheet: '校验结果',
    checksTitle: (year, title, n) => `${year}年${title}：发布前校验未通过（${n} 项）`,
    checksHeader: ['校验', '说明', '表', '行', '列', '值（分）'],
  };
}
