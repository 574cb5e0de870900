import { html, css, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { formatFen } from '../lib/money.js';
import { moneyUnit } from '../lib/money-unit.js';
import { t } from '../lib/i18n.js';
import { buildXlsx, colName, download, ratioText, textWidth, type Cell } from '../lib/xlsx.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { formatInstant } from '../lib/time.js';

export interface Column<R> {
  key: string;
  label: string;
  /** Money in fen: right-aligned, formatted, exported as a number in yuan. */
  money?: boolean;
  nowrap?: boolean;
  value: (row: R) => string | number | null;
  render?: (row: R) => TemplateResult | string;
  /**
   * Stays in its column on a phone (the document, amount, status, action); the others fold into the
   * row's details. Without any `keep`, the first column and the first money column stay.
   */
  keep?: boolean;
  /** A share shown as a percentage: exported as that number with a % format (0.923 → 92.30%). */
  ratio?: (row: R) => { part: number; total: number };
  /** A classification shown as "code name": exported as two columns, the code's and the name's. */
  split?: { code: (row: R) => string; name: (row: R) => string };
}

/** The title block of an export, as a finance office heads a table. */
export interface ExportHeading {
  title: string;
  /** 编制单位 */
  unitName: string;
}

/** Below this width a table keeps its key columns and folds the rest into an expandable row. */
export const NARROW_QUERY = '(max-width: 600px)';

/** The columns kept on a phone (see Column.keep). */
export function keptColumns<R>(columns: Column<R>[]): Column<R>[] {
  if (columns.some((c) => c.keep)) return columns.filter((c) => c.keep);
  const money = columns.find((c) => c.money);
  return columns.filter((c, i) => i === 0 || c === money);
}

/**
 * A sortable table (click or Enter on a header), optional row activation, search and pages, xlsx
 * export of what is shown. On a phone it keeps the key columns and folds the others into a row that
 * opens below (a button per row), so nothing scrolls sideways.
 */
@customElement('ub-data-table')
export class UbDataTable<R = unknown> extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .wrap { overflow: auto; max-height: var(--table-max-height, none); border: 1px solid #dde3ea; border-radius: 6px; }
    th button.sort { all: unset; cursor: pointer; display: inline-flex; gap: 4px; align-items: center; }
    th button.sort:focus-visible { outline: 2px solid #1d5fbf; }
    tbody tr.clickable { cursor: pointer; }
    tbody tr.clickable:hover, tbody tr:focus-visible { background: #f0f6ff; outline: none; }
    tfoot td { font-weight: 600; background: #f5f7fa; }
    .bar { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 6px; flex-wrap: wrap; }
    .bar input[type='search'] { flex: 1 1 160px; max-width: 280px; }
    .pager { display: flex; gap: 8px; align-items: center; justify-content: flex-end; margin-top: 6px; flex-wrap: wrap; }
    button.more { min-height: 28px; padding: 2px 8px; font-size: 12px; }
    td.details { background: #fafbfc; }
    dl { display: grid; grid-template-columns: minmax(0, 40%) minmax(0, 1fr); gap: 4px 10px; margin: 0; }
    dt { color: #667085; }
    dd { margin: 0; overflow-wrap: anywhere; }
    :host([narrow]) .wrap { overflow-x: hidden; }
    :host([narrow]) td, :host([narrow]) th { overflow-wrap: anywhere; }
  `];

  @property({ attribute: false }) columns: Column<R>[] = [];
  @property({ attribute: false }) rows: R[] = [];
  @property() caption = '';
  /** The export's file name (without .xlsx); no name, no export button. */
  @property({ attribute: 'export-name' }) exportName = '';
  /** The export's title block (title, 编制单位, 单位：元); without it the sheet is the bare table. */
  @property({ attribute: false }) exportHeading: ExportHeading | null = null;
  @property({ type: Boolean }) clickable = false;
  /** Money columns get a total row. */
  @property({ type: Boolean }) totals = false;
  /** Rows per page; 0 shows every row. */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 0;
  /** A search box over the shown text of every column. */
  @property({ type: Boolean }) searchable = false;
  /** Set (by the width of the screen) when the table folds its columns; reflected for the styles. */
  @property({ type: Boolean, reflect: true }) narrow = false;
  @property({ attribute: false }) sortKey: string | null = null;
  @property({ attribute: false }) sortDir: 1 | -1 = 1;
  @state() page = 0;
  @state() query = '';
  @state() expanded = new Set<R>();

  private media?: MediaQueryList;
  private onMedia = () => (this.narrow = this.media?.matches ?? false);

  override connectedCallback(): void {
    super.connectedCallback();
    this.media = window.matchMedia(NARROW_QUERY);
    this.media.addEventListener('change', this.onMedia);
    this.onMedia();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.media?.removeEventListener('change', this.onMedia);
  }

  override willUpdate(changed: PropertyValues): void {
    if (changed.has('rows')) this.expanded = new Set([...this.expanded].filter((r) => this.rows.includes(r)));
    const pages = this.pageCount;
    if (this.page >= pages) this.page = Math.max(0, pages - 1);
  }

  /** The rows the search lets through (every row without a search). */
  get matchingRows(): R[] {
    const q = this.query.trim().toLowerCase();
    if (!q) return this.rows;
    return this.rows.filter((r) => this.columns.some((c) => String(c.value(r) ?? '').toLowerCase().includes(q)));
  }

  get sortedRows(): R[] {
    const rows = this.matchingRows;
    const col = this.columns.find((c) => c.key === this.sortKey);
    if (!col) return rows;
    const dir = this.sortDir;
    return [...rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
      return String(x).localeCompare(String(y), 'zh-CN') * dir;
    });
  }

  get pageCount(): number {
    return this.pageSize > 0 ? Math.max(1, Math.ceil(this.matchingRows.length / this.pageSize)) : 1;
  }

  /** What is on screen: the sorted rows of the current page. */
  get pageRows(): R[] {
    const rows = this.sortedRows;
    return this.pageSize > 0 ? rows.slice(this.page * this.pageSize, (this.page + 1) * this.pageSize) : rows;
  }

  sortBy(key: string) {
    if (this.sortKey === key) this.sortDir = this.sortDir === 1 ? -1 : 1;
    else {
      this.sortKey = key;
      this.sortDir = 1;
    }
    this.dispatchEvent(new CustomEvent('sort-change', { detail: { key: this.sortKey, dir: this.sortDir }, bubbles: true, composed: true }));
  }

  /** The visible table (sorted, as filtered by the caller and the search; every page) as xlsx cells. */
  exportCells(): Cell[][] {
    const head: Cell[] = this.columns.flatMap((c): Cell[] => {
      if (c.split) return [t('dl_code', { x: c.label }), t('dl_name', { x: c.label })];
      if (c.money) return [`${c.label}${t('paren', { x: t('yuan') })}`];
      if (c.ratio) return [t('dl_percent', { x: c.label })];
      return [c.label];
    });
    const body = this.sortedRows.map((r) =>
      this.columns.flatMap((c): Cell[] => {
        if (c.split) return [c.split.code(r), c.split.name(r)];
        if (c.ratio) {
          const { part, total } = c.ratio(r);
          return [{ num: ratioText(part, total), format: 'percent' }];
        }
        const v = c.value(r);
        if (v === null) return [null];
        if (c.money && typeof v === 'number') return [{ num: formatFen(v, { grouping: false }) }];
        return [String(v)];
      }),
    );
    return [head, ...body];
  }

  /**
   * The sheet with its heading as offices head a table: the title across it, 编制单位 on the left
   * and 单位：元 on the right, then the header (kept in view), the rows and the totals; columns as
   * wide as their text.
   */
  exportSheet(heading: ExportHeading, exportedAt = new Date().toISOString()): { rows: Cell[][]; widths: number[]; merges: string[]; freezeRows: number } {
    const [head = [], ...body] = this.exportCells();
    const n = head.length;
    const blank = (k: number): Cell[] => Array.from({ length: Math.max(0, k) }, () => null);
    const rows: Cell[][] = [
      [{ text: heading.title, style: 'title' }, ...blank(n - 1)],
      n >= 3
        ? [t('dl_unitLabel', { unit: heading.unitName }), ...blank(n - 3), t('dl_exportedAt', { at: formatInstant(exportedAt) }), t('dl_unitYuan')]
        : [t('dl_unitLabel', { unit: heading.unitName }), t('dl_unitYuan')],
      head.map((h) => (typeof h === 'string' ? { text: h, style: 'head' as const } : h)),
      ...body,
    ];
    if (this.totals && body.length) {
      let i = 0;
      const total: Cell[] = [];
      for (const c of this.columns) {
        if (c.money) {
          const sum = this.sortedRows.reduce((s, r) => s + (Number(c.value(r)) || 0), 0);
          total.push({ num: formatFen(sum, { grouping: false }) });
        } else if (c.split) total.push(i === 0 ? t('total') : null, null);
        else total.push(i === 0 ? t('total') : null);
        i++;
      }
      rows.push(total);
    }
    const widths = head.map((_, col) => {
      let w = 6;
      for (const row of rows.slice(2)) {
        const cell = row[col];
        const text = cell === null || cell === undefined ? '' : typeof cell === 'string' ? cell : 'text' in cell ? cell.text : cell.format === 'percent' ? '100.00%' : Number(cell.num).toLocaleString('en', { minimumFractionDigits: 2 });
        w = Math.max(w, textWidth(text) + 2);
      }
      return Math.min(w, 50);
    });
    return { rows, widths, merges: n > 1 ? [`A1:${colName(n - 1)}1`] : [], freezeRows: 3 };
  }

  exportXlsx() {
    const name = this.exportName || 'export';
    const sheetName = this.exportHeading?.title || name;
    const data = this.exportHeading
      ? (() => {
          const s = this.exportSheet(this.exportHeading);
          return buildXlsx(sheetName, s.rows, { widths: s.widths, merges: s.merges, freezeRows: s.freezeRows });
        })()
      : buildXlsx(sheetName, this.exportCells());
    download(`${name}.xlsx`, data, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  }

  private activate(row: R) {
    this.dispatchEvent(new CustomEvent('row-activate', { detail: row, bubbles: true, composed: true }));
  }

  private toggleRow(row: R, e: Event) {
    e.stopPropagation();
    const next = new Set(this.expanded);
    if (next.has(row)) next.delete(row);
    else next.add(row);
    this.expanded = next;
  }

  private cell(c: Column<R>, r: R) {
    const v = c.value(r);
    return c.render ? c.render(r) : c.money && typeof v === 'number' ? formatFen(v) : (v ?? '');
  }

  private renderPager() {
    if (this.pageSize <= 0) return nothing;
    const n = this.matchingRows.length;
    if (n <= this.pageSize) return nothing;
    const from = this.page * this.pageSize + 1;
    const to = Math.min(n, from + this.pageSize - 1);
    return html`<nav class="pager" aria-label=${t('dl_pager')}>
      <span class="muted" aria-live="polite">${t('dl_rangeOf', { from, to, n })}</span>
      <button class="prev" ?disabled=${this.page === 0} @click=${() => (this.page = this.page - 1)}>${t('dl_prev')}</button>
      <span class="muted">${t('dl_page', { page: this.page + 1, pages: this.pageCount })}</span>
      <button class="next" ?disabled=${this.page >= this.pageCount - 1} @click=${() => (this.page = this.page + 1)}>${t('dl_next')}</button>
    </nav>`;
  }

  override render() {
    const rows = this.pageRows;
    const all = this.sortedRows;
    const cols = this.narrow ? keptColumns(this.columns) : this.columns;
    const folded = this.narrow ? this.columns.filter((c) => !cols.includes(c)) : [];
    const span = cols.length + (folded.length ? 1 : 0);
    return html`
      ${this.exportName || this.caption || this.searchable
        ? html`<div class="bar">
            <span class="muted">${t('rowsShown', { n: all.length })}</span>
            ${this.columns.some((c) => c.money) ? moneyUnit() : ''}
            ${this.searchable
              ? html`<input type="search" aria-label=${t('dl_searchList')} placeholder=${t('dl_searchList')} maxlength="100" .value=${this.query}
                  @input=${(e: Event) => { this.query = (e.target as HTMLInputElement).value; this.page = 0; }} />`
              : ''}
            ${this.exportName ? html`<button @click=${this.exportXlsx}>${t('exportXlsx')}</button>` : ''}
          </div>`
        : ''}
      <div class="wrap" ${scrollHint()}>
        <table>
          ${this.caption ? html`<caption class="sr-only">${this.caption}</caption>` : ''}
          <thead>
            <tr>
              ${cols.map(
                (c) => html`<th class=${c.money ? 'num' : ''} scope="col"
                  aria-sort=${this.sortKey === c.key ? (this.sortDir === 1 ? 'ascending' : 'descending') : 'none'}>
                  <button class="sort" @click=${() => this.sortBy(c.key)} title=${t('sortBy')}>
                    ${c.label}<span aria-hidden="true">${this.sortKey === c.key ? (this.sortDir === 1 ? '▲' : '▼') : ''}</span>
                  </button>
                </th>`,
              )}
              ${folded.length ? html`<th scope="col"><span class="sr-only">${t('dl_more')}</span></th>` : ''}
            </tr>
          </thead>
          <tbody>
            ${rows.length === 0 ? html`<tr><td colspan=${span} class="muted">${t('none')}</td></tr>` : ''}
            ${rows.map((r) => {
              const open = this.expanded.has(r);
              const name = String(cols[0]?.value(r) ?? '');
              return html`<tr
                class=${this.clickable ? 'clickable' : ''}
                tabindex=${this.clickable ? '0' : '-1'}
                @click=${this.clickable ? () => this.activate(r) : null}
                @keydown=${this.clickable ? (e: KeyboardEvent) => e.target === e.currentTarget && (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), this.activate(r)) : null}
              >
                ${cols.map((c) => html`<td class=${c.money ? 'num' : c.nowrap ? 'nowrap' : ''}>${this.cell(c, r)}</td>`)}
                ${folded.length
                  ? html`<td><button class="more" aria-expanded=${open ? 'true' : 'false'} aria-label=${t('dl_moreOf', { x: name })}
                      @click=${(e: Event) => this.toggleRow(r, e)} @keydown=${(e: Event) => e.stopPropagation()}>${open ? t('dl_less') : t('dl_more')}</button></td>`
                  : ''}
              </tr>
              ${open && folded.length
                ? html`<tr class="details-row"><td class="details" colspan=${span}><dl>
                    ${folded.map((c) => html`<dt>${c.label}</dt><dd class=${c.money ? 'num' : ''}>${this.cell(c, r)}</dd>`)}
                  </dl></td></tr>`
                : ''}`;
            })}
          </tbody>
          ${this.totals && all.length
            ? html`<tfoot><tr>
                ${cols.map((c, i) => {
                  if (c.money) {
                    const sum = all.reduce((n, r) => n + (Number(c.value(r)) || 0), 0);
                    return html`<td class="num">${formatFen(sum)}</td>`;
                  }
                  return html`<td>${i === 0 ? t('total') : ''}</td>`;
                })}
                ${folded.length ? html`<td></td>` : ''}
              </tr></tfoot>`
            : ''}
        </table>
      </div>
      ${this.renderPager()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-data-table': UbDataTable }
}
