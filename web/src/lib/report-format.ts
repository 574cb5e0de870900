import { html, type TemplateResult } from 'lit';
import { lang, t, type MessageKey } from './i18n.js';
import { formatFen } from './money.js';
import { scrollHint } from './scroll-hint.js';
import type { ReportCell, ReportColumn, ReportTable, ReportView } from './types.js';

/**
 * Report tables as they print (报表中心): money cells in 元 or 万元, ratios, the statutory tables'
 * grouped headers and levels, how a check names a row, and the printed table itself.
 */

/** A money cell in the table's unit: 元 with two decimals, or 万元 rounded (half away from zero) to two decimals. */
export function formatIn(fen: number, unitLabel: '元' | '万元'): string {
  if (unitLabel === '元') return formatFen(fen);
  const abs = Math.abs(fen);
  const hundredths = Math.floor((abs + 5000) / 10000); // 0.01 万元 = 100 元 = 10,000 fen
  return formatFen(fen < 0 ? -hundredths : hundredths);
}

/** A report ratio (0.665 → "66.50%"), display only. */
export function formatRatio(r: number): string {
  return `${(Math.round(r * 10000) / 100).toFixed(2)}%`;
}

/** 元 / 万元 in the reader's language (the API keeps the statutory unit label as a key). */
export const unitWord = (unitLabel: '元' | '万元'): string => t(unitLabel === '元' ? 'hlp_unit_yuan' : 'hlp_unit_wan');

/** A 合计/总计 line, in either language of the report (the API words labels as asked: Accept-Language / ?lang=). */
export const TOTAL_LINE = /合计|总计|^\s*Total\b/;

export function cellText(col: ReportColumn, v: ReportCell, unitLabel: '元' | '万元'): string {
  if (v === null || v === undefined || v === '') return '';
  if (col.kind === 'money') return formatIn(Number(v), unitLabel);
  if (col.kind === 'ratio') return formatRatio(Number(v));
  if (col.kind === 'integer') return Number(v).toLocaleString('zh-CN');
  return String(v);
}

/** A column of a statutory table: `group` is the header merged above it (基本支出 over 人员经费 and 公用经费). */
export type PrintColumn = ReportColumn & { group?: string };
/** A statutory table as printed: `note` (本单位无此项支出), `supplementary` for the working tables. */
export type PrintTable = Omit<ReportTable, 'columns'> & { columns: PrintColumn[]; note?: string; supplementary?: boolean };
export interface CheckCell { table: string; row: string; column: string; value: ReportCell }
export interface CheckFailure { check: string; message: string; cells: CheckCell[] }
/** A 决算 deviation the unit explained (差异说明): not a failure, shown with its text. */
export interface ExplainedDeviation { table: string; line: string; message: string; explanation: string; cells: CheckCell[] }
export interface ChecksView { ok: boolean; failures: CheckFailure[]; checked: number; skipped: Array<{ check: string; reason: string }>; explained?: ExplainedDeviation[] }
/** 填写说明 on a deviation (finance officers of the unit): the line and the current text, if any. */
export type ExplainAction = (target: { table: string; line: string; message: string; text: string }) => void;

/** How a row is named in a check's cells (as the server names it): its line key, 合计, its code, else its name. */
export function rowKey(row: Record<string, ReportCell>): string {
  const line = row['line'];
  if (typeof line === 'string' && line) return line;
  if (row['level'] === '合计') return '合计';
  const code = row['code'];
  if (typeof code === 'string' && code) return code;
  return String(row['name'] ?? '');
}

/** The two header rows of a table with grouped columns: ungrouped ones span both rows, a group spans its columns. */
export function headerRows(columns: PrintColumn[]): Array<Array<{ label: string; colspan: number; rowspan: number; num: boolean }>> {
  const grouped = columns.some((c) => c.group);
  if (!grouped) return [columns.map((c) => ({ label: c.header, colspan: 1, rowspan: 1, num: c.kind !== 'text' }))];
  const top: Array<{ label: string; colspan: number; rowspan: number; num: boolean }> = [];
  const bottom: typeof top = [];
  for (let i = 0; i < columns.length; ) {
    const g = columns[i]!.group;
    if (!g) {
      top.push({ label: columns[i]!.header, colspan: 1, rowspan: 2, num: columns[i]!.kind !== 'text' });
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < columns.length && columns[j + 1]!.group === g) j++;
    top.push({ label: g, colspan: j - i + 1, rowspan: 1, num: true });
    for (let k = i; k <= j; k++) bottom.push({ label: columns[k]!.header, colspan: 1, rowspan: 1, num: columns[k]!.kind !== 'text' });
    i = j + 1;
  }
  return [top, bottom];
}

/** A statutory table as it prints: title, 编制单位 and 单位, merged header cells, rows indented by level, the note. */
export function printedTable(tb: PrintTable, r: ReportView, checks: ChecksView | null): TemplateResult {
  const bad = new Set((checks?.failures ?? []).flatMap((f) => f.cells.filter((c) => c.table === tb.id).map((c) => `${c.row}|${c.column}`)));
  const tables = (r.tables as PrintTable[]).filter((x) => !x.supplementary);
  const n = tables.findIndex((x) => x.id === tb.id);
  return html`<section class="print" aria-labelledby="t-${tb.id}" data-table=${tb.id}>
    <h2 id="t-${tb.id}" class="ptitle">${t('rep_print_title', { y: r.year, title: tb.title })}</h2>
    <div class="pmeta"><span>${t('rep_compiled_by')}${r.unitName}${r.consolidated ? html` · ${t('rep_consolidated_units', { n: r.units.length })}` : ''}</span>
      ${n >= 0 ? html`<span class="muted">${t('rep_table_n', { n: n + 1, total: tables.length })}</span>` : ''}
      <span>${t('rep_unit_label', { u: unitWord(tb.unitLabel) })}</span></div>
    <div class="wrap" ${scrollHint()}>${tb.columns[0]?.key === 'section' ? twoSided(tb, bad) : html`<table class="ptable">
      <thead>${headerRows(tb.columns).map((row) => html`<tr>${row.map((h) => html`<th scope="col" colspan=${h.colspan} rowspan=${h.rowspan} class=${h.num ? 'num' : ''}>${h.label}</th>`)}</tr>`)}</thead>
      <tbody>
        ${tb.rows.map((row) => {
          const key = rowKey(row);
          const level = String(row['level'] ?? '');
          const total = level === '合计' || TOTAL_LINE.test(String(row['name'] ?? ''));
          return html`<tr class=${total ? 'total' : ''} data-level=${level}>
            ${tb.columns.map((c) => html`<td class="${c.kind === 'text' ? (c.key === 'name' ? `name l-${level}` : 'nowrap') : 'num'}${bad.has(`${key}|${c.key}`) ? ' bad' : ''}">${cellText(c, row[c.key] ?? null, tb.unitLabel)}</td>`)}
          </tr>`;
        })}
        ${tb.note ? html`<tr class="note"><td colspan=${tb.columns.length}>${tb.note}</td></tr>` : ''}
      </tbody>
    </table>`}</div>
  </section>`;
}

/** The two sides of a 收支总表 as printed: 收入 on the left, 支出 on the right, the 总计 lines side by side at the bottom. */
export function sidesOf(tb: PrintTable): { income: PrintTable['rows']; expenditure: PrintTable['rows'] } {
  const side = (name: string) => tb.rows.filter((r) => r['section'] === name);
  const [income, expenditure] = [side('收入'), side('支出')];
  const pad = Math.abs(income.length - expenditure.length);
  const shorter = income.length < expenditure.length ? income : expenditure;
  // Blank lines go above the shorter side's 总计, so both totals print on the last line.
  shorter.splice(Math.max(shorter.length - 1, 0), 0, ...Array.from({ length: pad }, () => ({})));
  return { income, expenditure };
}

function twoSided(tb: PrintTable, bad: Set<string>): TemplateResult {
  const money = tb.columns.filter((c) => c.kind !== 'text');
  const { income, expenditure } = sidesOf(tb);
  const label = (row: Record<string, ReportCell>) => (row['level'] === '类' && row['code'] ? `${row['code']} ${row['name']}` : String(row['name'] ?? ''));
  const cells = (row: Record<string, ReportCell> | undefined) => {
    if (!row || row['name'] === undefined) return html`<td></td>${money.map(() => html`<td></td>`)}`;
    const key = rowKey(row);
    return html`<td class="name">${label(row)}</td>${money.map((c) => html`<td class="num${bad.has(`${key}|${c.key}`) ? ' bad' : ''}">${cellText(c, row[c.key] ?? null, tb.unitLabel)}</td>`)}`;
  };
  return html`<table class="ptable two-sided">
    <thead>
      <tr><th scope="colgroup" colspan=${money.length + 1}>${t('rep_side_income')}</th><th scope="colgroup" colspan=${money.length + 1}>${t('rep_side_expenditure')}</th></tr>
      <tr>${[0, 1].map(() => html`<th scope="col">${t('rep_side_item')}</th>${money.map((c) => html`<th scope="col" class="num">${c.header}</th>`)}`)}</tr>
    </thead>
    <tbody>${income.map((row, i) => html`<tr class=${TOTAL_LINE.test(String(row['name'] ?? '')) || TOTAL_LINE.test(String(expenditure[i]?.['name'] ?? '')) ? 'total' : ''}>${cells(row)}${cells(expenditure[i])}</tr>`)}</tbody>
  </table>`;
}

const MAX_FAILURES_SHOWN = 30;

/** The check results of a statutory set: ok, or each failure with its cells; `show` opens a failing table. */
export function checksPanel(r: ReportView, c: ChecksView | null, error: boolean, show: (tableId: string) => void, explain?: ExplainAction): TemplateResult | string {
  if (error) return html`<p class="muted checks">${t('rep_checks_unavailable')}</p>`;
  if (!c) return '';
  const titles = new Map((r.tables as PrintTable[]).map((x) => [x.id, x.title]));
  const columnName = (table: string, key: string) => (r.tables as PrintTable[]).find((x) => x.id === table)?.columns.find((col) => col.key === key)?.header ?? key;
  const value = (cell: CheckCell) => (typeof cell.value === 'number' ? `${formatFen(cell.value)} ${t('yuan')}` : String(cell.value ?? ''));
  return html`<section class="checks" aria-labelledby="checks-h">
    <h2 id="checks-h">${t('rep_checks')}
      <span class="badge ${c.ok ? 'ok' : 'block'}" role="status">${c.ok ? t('rep_checks_ok', { n: c.checked }) : t('rep_checks_failed', { f: c.failures.length, n: c.checked })}</span></h2>
    ${c.skipped.map((s) => html`<p class="muted">${t('rep_checks_skipped', { reason: s.check === 'deviation' ? t('rep_checks_skipped_deviation') : s.reason })}</p>`)}
    ${c.ok ? '' : html`<p class="muted">${t('rep_checks_note')}</p>
      <ol class="failures">
        ${c.failures.slice(0, MAX_FAILURES_SHOWN).map((f) => html`<li data-check=${f.check}>
          <span class="badge block">${t(`rep_check_${f.check}` as MessageKey)}</span> ${lang() === 'en' ? '' : f.message}
          ${f.cells.length ? html`<ul class="cells">${f.cells.map((cell) => html`<li>${t('rep_cell_ref', { table: titles.get(cell.table) ?? cell.table, row: cell.row, column: columnName(cell.table, cell.column), value: value(cell) })}</li>`)}</ul>` : ''}
          ${f.cells[0] && titles.has(f.cells[0].table)
            ? html`<button class="link" @click=${() => show(f.cells[0]!.table)}>${t('rep_check_show')}</button>` : ''}
          ${explain && f.check === 'deviation' && f.cells[0]
            ? html`<button class="link explain" data-line=${f.cells[0].row} @click=${() => explain({ table: f.cells[0]!.table, line: f.cells[0]!.row, message: f.message, text: '' })}>${t('rep_explain')}</button>` : ''}
        </li>`)}
      </ol>
      ${c.failures.length > MAX_FAILURES_SHOWN ? html`<p class="muted">${t('rep_checks_more', { n: c.failures.length - MAX_FAILURES_SHOWN })}</p>` : ''}`}
    ${c.explained?.length ? html`<h3 class="explained-h">${t('rep_explained', { n: c.explained.length })}</h3>
      <ol class="failures explained">
        ${c.explained.map((e) => html`<li data-line=${e.line}>
          <span class="badge ok">${t('rep_check_deviation')}</span> ${lang() === 'en' ? '' : e.message}
          ${e.cells.length ? html`<ul class="cells">${e.cells.map((cell) => html`<li>${t('rep_cell_ref', { table: titles.get(cell.table) ?? cell.table, row: cell.row, column: columnName(cell.table, cell.column), value: value(cell) })}</li>`)}</ul>` : ''}
          <p class="explanation">${t('rep_explained_text', { text: e.explanation })}</p>
          ${explain ? html`<button class="link explain" data-line=${e.line} @click=${() => explain({ table: e.table, line: e.line, message: e.message, text: e.explanation })}>${t('rep_explain_edit')}</button>` : ''}
        </li>`)}
      </ol>` : ''}
  </section>`;
}
