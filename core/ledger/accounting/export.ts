import type { Report, ReportColumn, ReportTable } from './reports.js';

/**
 * Downloads of a report: xlsx (exceljs, one worksheet per table in the standard layout: title,
 * 编制单位 and 单位：元/万元, header row, rows, money formatted #,##0.00) and CSV (UTF-8 with BOM so
 * Excel reads Chinese, tables one after another). Money is fen in the report; here, at the edge,
 * it becomes 元 (fen / 100) or 万元 (fen / 1,000,000). The cell keeps the exact value — the format
 * only rounds what is shown — so the figures read back are the figures of the JSON.
 */

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

export async function reportToXlsx(report: Report): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'unibudget';
  const used = new Set<string>();
  for (const table of report.tables) {
    const sheet = workbook.addWorksheet(sheetName(table, used));
    const width = table.columns.length;
    sheet.mergeCells(1, 1, 1, width);
    const title = sheet.getCell(1, 1);
    title.value = `${report.year}年${table.title}`;
    title.font = { bold: true, size: 16 };
    title.alignment = { horizontal: 'center' };
    sheet.getCell(2, 1).value = `编制单位：${report.unitName}${report.consolidated ? '（汇总）' : ''}`;
    const unitCell = sheet.getCell(2, width);
    unitCell.value = `单位：${table.unitLabel}`;
    unitCell.alignment = { horizontal: 'right' };
    const header = sheet.getRow(3);
    table.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      cell.value = c.header;
      cell.font = { bold: true };
      cell.alignment = { horizontal: 'center' };
      cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
    });
    table.rows.forEach((row, r) => {
      const excelRow = sheet.getRow(4 + r);
      table.columns.forEach((c, i) => {
        const cell = excelRow.getCell(i + 1);
        cell.value = cellValue(c, row[c.key], table);
        if (c.kind === 'money') cell.numFmt = table.unitLabel === '元' ? '#,##0.00' : '#,##0.00';
        if (c.kind === 'ratio') cell.numFmt = '0.00%';
        cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
      });
    });
    table.columns.forEach((c, i) => {
      sheet.getColumn(i + 1).width = c.kind === 'text' ? (c.key === 'name' ? 36 : 14) : 18;
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportToCsv(report: Report): string {
  const lines: string[] = [];
  for (const table of report.tables) {
    lines.push(csvCell(`${report.year}年${table.title}`));
    lines.push([`编制单位：${report.unitName}${report.consolidated ? '（汇总）' : ''}`, `单位：${table.unitLabel}`].map(csvCell).join(','));
    lines.push(table.columns.map((c) => csvCell(c.header)).join(','));
    for (const row of table.rows) {
      lines.push(table.columns.map((c) => {
        const v = row[c.key];
        return csvCell(c.kind === 'money' && v !== null && v !== undefined ? fenText(Number(v), table.unitLabel) : v);
      }).join(','));
    }
    lines.push('');
  }
  return `\uFEFF${lines.join('\r\n')}`;
}

/** The route's reply: JSON as is, or a download. */
export async function reportResponse(report: Report, format: 'json' | 'xlsx' | 'csv'): Promise<Report | Response> {
  if (format === 'json') return report;
  const base = `${report.report}-${report.unitId}-${report.year}${report.month ? `-${String(report.month).padStart(2, '0')}` : ''}`;
  if (format === 'xlsx') {
    const bytes = await reportToXlsx(report);
    return new Response(new Uint8Array(bytes), {
      headers: {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="${base}.xlsx"`,
      },
    });
  }
  return new Response(reportToCsv(report), {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${base}.csv"` },
  });
}
