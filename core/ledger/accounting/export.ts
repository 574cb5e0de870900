import type { Cell, Report, ReportColumn, ReportTable } from './reports.js';
import type { CheckResult } from './disclosure-checks.js';
import type { Lang } from '../../errors.js';
import { exportWords, localizeReport, localizeTable } from './report-lang.js';

/**
 * Downloads of a report: xlsx (exceljs, one worksheet per table in the standard layout: title,
 * 编制单位 and 单位：元/万元, header row, rows, money formatted #,##0.00) and CSV (UTF-8 with BOM so
 * Excel reads Chinese, tables one after another). Money is fen in the report; here, at the edge,
 * it becomes 元 (fen / 100) or 万元 (fen / 1,000,000). The cell keeps the exact value — the format
 * only rounds what is shown — so the figures read back are the figures of the JSON.
 */

/** 万元 with two decimals as printed: fen rounded half away from zero to 0.01 万元 (= 10,000 fen), exact text. */
export function wanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const hundredths = Math.floor((Math.abs(fen) + 5_000) / 10_000);
  const digits = String(hundredths).padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Exact decimal text of fen in 元 or 万元 (no float arithmetic). */
export function fenText(fen: number, unitLabel: '元' | '万元'): string {
  const places = unitLabel === '元' ? 2 : 6;
  const sign = fen < 0 ? '-' : '';
  const digits = String(Math.abs(fen)).padStart(places + 1, '0');
  return `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

function cellValue(column: ReportColumn, value: unknown, table: ReportTable): string | number | null {
  if (value === null || value === undefined) return null;
  if (column.kind === 'money') return Number(fenText(Number(value), table.unitLabel));
  return value as string | number;
}

function sheetName(table: ReportTable, used: Set<string>): string {
  let name = table.title.replace(/[\\/?*[\]:]/g, '').slice(0, 28);
  for (let n = 2; used.has(name); n++) name = `${table.title.slice(0, 25)}${n}`;
  used.add(name);
  return name;
}

const THIN = { style: 'thin' as const };
const BOX = { top: THIN, bottom: THIN, left: THIN, right: THIN };

/** What a download carries besides the tables: the failed checks when the setting says to mark them. */
export interface ExportOptions {
  checks?: CheckResult | undefined;
  /** One table only (its id); else the whole set, one sheet per table. */
  tableId?: string | undefined;
  /** The language of titles, headers and labels (report-lang.ts); zh by default. */
  lang?: Lang | undefined;
}

/** The tables a download carries: one (by id) or all; an unknown id gives none (the route refuses it before). */
function tablesOf(report: Report, tableId?: string, lang: Lang = 'zh'): ReportTable[] {
  return (tableId ? report.tables.filter((t) => t.id === tableId) : report.tables).map((t) => localizeTable(printLayout(t), lang));
}

/**
 * A 收支总表 (a table with a 收/支 `section` column) prints two-sided: 收入 items and amounts on the left,
 * 支出 on the right, 类 rows with their code, blank lines above the shorter side's 总计 so that both
 * totals print on the last line. Other tables print as they are.
 */
export function printLayout(table: ReportTable): ReportTable {
  if (table.columns[0]?.key !== 'section') return table;
  const money = table.columns.filter((c) => c.kind !== 'text');
  const side = (name: string) => table.rows.filter((r) => r['section'] === name);
  const [income, expenditure] = [side('收入'), side('支出')];
  const shorter = income.length < expenditure.length ? income : expenditure;
  shorter.splice(Math.max(shorter.length - 1, 0), 0, ...Array.from({ length: Math.abs(income.length - expenditure.length) }, () => ({})));
  const label = (row: Record<string, Cell> | undefined) =>
    row === undefined || row['name'] === undefined ? null : row['level'] === '类' && row['code'] ? `${row['code']} ${row['name']}` : String(row['name']);
  const half = (prefix: string, group: string): ReportColumn[] => [
    { key: `${prefix}name`, header: '项目', kind: 'text', group },
    ...money.map((c) => ({ ...c, key: `${prefix}${c.key}`, group })),
  ];
  const cells = (prefix: string, row: Record<string, Cell> | undefined) =>
    ({ [`${prefix}name`]: label(row), ...Object.fromEntries(money.map((c) => [`${prefix}${c.key}`, row?.[c.key] ?? null])) });
  return {
    ...table,
    columns: [...half('in_', '收入'), ...half('out_', '支出')],
    rows: income.map((row, i) => ({ ...cells('in_', row), ...cells('out_', expenditure[i]) })),
  };
}

/**
 * One worksheet per table in the printed layout: title (merged), 编制单位 left and 单位：元/万元 right,
 * the header (two rows with merged cells when columns are grouped, e.g. 基本支出 over 人员经费 and
 * 公用经费; the ungrouped ones merged down), the rows, the note (本单位无此项支出) under them. A set whose
 * checks failed and that is exported all the same (setting `mark`) carries a 校验结果 sheet and a
 * note on each failing sheet.
 */
export async function reportToXlsx(report: Report, options: ExportOptions = {}): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const words = exportWords(options.lang ?? 'zh');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'unibudget';
  const used = new Set<string>();
  const failing = new Set((options.checks?.failures ?? []).flatMap((f) => f.cells.map((c) => c.table)));
  for (const table of tablesOf(report, options.tableId, options.lang)) {
    const sheet = workbook.addWorksheet(sheetName(table, used));
    const width = table.columns.length;
    sheet.mergeCells(1, 1, 1, width);
    const title = sheet.getCell(1, 1);
    title.value = words.title(report.year, table.title);
    title.font = { bold: true, size: 16 };
    title.alignment = { horizontal: 'center' };
    sheet.getCell(2, 1).value = words.compiledBy(report.unitName, report.consolidated);
    const unitCell = sheet.getCell(2, width);
    unitCell.value = words.unit(table.unitLabel);
    unitCell.alignment = { horizontal: 'right' };
    const grouped = table.columns.some((c) => c.group);
    const headerRows = grouped ? 2 : 1;
    table.columns.forEach((c, i) => {
      const top = sheet.getCell(3, i + 1);
      top.value = c.group ?? c.header;
      if (grouped) sheet.getCell(4, i + 1).value = c.header;
    });
    if (grouped) {
      for (let i = 0; i < width; ) {
        const g = table.columns[i]!.group;
        let j = i;
        while (g && j + 1 < width && table.columns[j + 1]!.group === g) j++;
        if (!g) sheet.mergeCells(3, i + 1, 4, i + 1);
        else if (j > i) sheet.mergeCells(3, i + 1, 3, j + 1);
        i = j + 1;
      }
    }
    for (let r = 3; r < 3 + headerRows; r++) {
      for (let i = 1; i <= width; i++) {
        const cell = sheet.getCell(r, i);
        cell.font = { bold: true };
        cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
        cell.border = BOX;
      }
    }
    const first = 3 + headerRows;
    table.rows.forEach((row, r) => {
      const excelRow = sheet.getRow(first + r);
      table.columns.forEach((c, i) => {
        const cell = excelRow.getCell(i + 1);
        cell.value = cellValue(c, row[c.key], table);
        if (c.kind === 'money') cell.numFmt = '#,##0.00';
        if (c.kind === 'ratio') cell.numFmt = '0.00%';
        cell.border = BOX;
      });
    });
    const notes = [table.note, failing.has(table.id) ? words.failedNote : undefined].filter(Boolean);
    notes.forEach((note, n) => {
      const at = first + table.rows.length + n;
      sheet.mergeCells(at, 1, at, width);
      sheet.getCell(at, 1).value = note!;
    });
    table.columns.forEach((c, i) => {
      sheet.getColumn(i + 1).width = c.kind === 'text' ? (c.key.endsWith('name') ? 36 : 14) : 18;
    });
  }
  if (options.checks && !options.checks.ok) {
    const sheet = workbook.addWorksheet(words.checksSheet);
    sheet.addRow([words.checksTitle(report.year, localizeReport(report, options.lang ?? 'zh').title, options.checks.failures.length)]).font = { bold: true };
    sheet.addRow(words.checksHeader).font = { bold: true };
    for (const f of options.checks.failures) {
      for (const c of f.cells.length ? f.cells : [null]) sheet.addRow([f.check, f.message, c?.table ?? '', c?.row ?? '', c?.column ?? '', c?.value ?? '']);
    }
    sheet.getColumn(2).width = 60;
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV: the tables one after another (or one table), money in 元 (exact) or 万元 with two decimals as printed. */
export function reportToCsv(report: Report, options: ExportOptions = {}): string {
  const lines: string[] = [];
  const words = exportWords(options.lang ?? 'zh');
  for (const table of tablesOf(report, options.tableId, options.lang)) {
    lines.push(csvCell(words.title(report.year, table.title)));
    lines.push([words.compiledBy(report.unitName, report.consolidated), words.unit(table.unitLabel)].map(csvCell).join(','));
    // The merged header of the print becomes a row above, each group named once over its first column.
    if (table.columns.some((c) => c.group)) lines.push(table.columns.map((c, i) => csvCell(c.group && table.columns[i - 1]?.group !== c.group ? c.group : '')).join(','));
    lines.push(table.columns.map((c) => csvCell(c.header)).join(','));
    for (const row of table.rows) {
      lines.push(table.columns.map((c) => {
        const v = row[c.key];
        if (c.kind !== 'money' || v === null || v === undefined) return csvCell(v);
        return csvCell(table.unitLabel === '万元' ? wanText(Number(v)) : fenText(Number(v), '元'));
      }).join(','));
    }
    if (table.note) lines.push(csvCell(table.note));
    if (options.checks && !options.checks.ok && options.checks.failures.some((f) => f.cells.some((c) => c.table === table.id))) lines.push(csvCell(words.failedNoteShort));
    lines.push('');
  }
  return `\uFEFF${lines.join('\r\n')}`;
}

/** The route's reply: JSON as is, or a download. */
export async function reportResponse(report: Report, format: 'json' | 'xlsx' | 'csv', options: ExportOptions = {}): Promise<Report | Response> {
  if (format === 'json') return localizeReport(report, options.lang ?? 'zh');
  const base = `${report.report}-${report.unitId}-${report.year}${report.month ? `-${String(report.month).padStart(2, '0')}` : ''}${options.tableId ? `-${options.tableId}` : ''}`;
  if (format === 'xlsx') {
    const bytes = await reportToXlsx(report, options);
    return new Response(new Uint8Array(bytes), {
      headers: {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="${base}.xlsx"`,
      },
    });
  }
  return new Response(reportToCsv(report, options), {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${base}.csv"` },
  });
}
