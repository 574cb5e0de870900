import { html, css, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { formatFen } from '../lib/money.js';
import { t } from '../lib/i18n.js';
import { buildXlsx, download, type Cell } from '../lib/xlsx.js';
import { scrollHint } from '../lib/scroll-hint.js';

export interface Column<R> {
  key: string;
  label: string;
  /** Money in fen: right-aligned, formatted, exported as a number in yuan. */
  money?: boolean;
  nowrap?: boolean;
  value: (row: R) => string | number | null;
  render?: (row: R) => TemplateResult | string;
}

/** A sortable table (click or Enter on a header), optional row activation, xlsx export of what is shown. */
@customElement('ub-data-table')
export class UbDataTable<R = unknown> extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .wrap { overflow: auto; max-height: var(--table-max-height, none); border: 1px solid #dde3ea; border-radius: 6px; }
    th button { all: unset; cursor: pointer; display: inline-flex; gap: 4px; align-items: center; }
    th button:focus-visible { outline: 2px solid #1d5fbf; }
    tbody tr.clickable { cursor: pointer; }
    tbody tr.clickable:hover, tbody tr:focus-visible { background: #f0f6ff; outline: none; }
    tfoot td { font-weight: 600; background: #f5f7fa; }
    .bar { display: flex; justify-content: space-between; align-items: center; margin-bottom: 6px; }
  `];

  @property({ attribute: false }) columns: Column<R>[] = [];
  @property({ attribute: false }) rows: R[] = [];
  @property() caption = '';
  @property({ attribute: 'export-name' }) exportName = '';
  @property({ type: Boolean }) clickable = false;
  /** Money columns get a total row. */
  @property({ type: Boolean }) totals = false;
  @state() sortKey: string | null = null;
  @state() sortDir: 1 | -1 = 1;

  get sortedRows(): R[] {
    const col = this.columns.find((c) => c.key === this.sortKey);
    if (!col) return this.rows;
    const dir = this.sortDir;
    return [...this.rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
      return String(x).localeCompare(String(y), 'zh-CN') * dir;
    });
  }

  sortBy(key: string) {
    if (this.sortKey === key) this.sortDir = this.sortDir === 1 ? -1 : 1;
    else {
      this.sortKey = key;
      this.sortDir = 1;
    }
  }

  /** The visible table (sorted, as filtered by the caller) as xlsx cells. */
  exportCells(): Cell[][] {
    const head: Cell[] = this.columns.map((c) => (c.money ? `${c.label}${t('paren', { x: t('yuan') })}` : c.label));
    const body = this.sortedRows.map((r) =>
      this.columns.map((c): Cell => {
        const v = c.value(r);
        if (v === null) return null;
        if (c.money && typeof v === 'number') return { num: formatFen(v, { grouping: false }) };
        return String(v);
      }),
    );
    return [head, ...body];
  }

  exportXlsx() {
    const data = buildXlsx(this.exportName || 'export', this.exportCells());
    download(`${this.exportName || 'export'}.xlsx`, data, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  }

  private activate(row: R) {
    this.dispatchEvent(new CustomEvent('row-activate', { detail: row, bubbles: true, composed: true }));
  }

  override render() {
    const rows = this.sortedRows;
    return html`
      ${this.exportName || this.caption
        ? html`<div class="bar">
            <span class="muted">${t('rowsShown', { n: rows.length })}</span>
            ${this.exportName ? html`<button @click=${this.exportXlsx}>${t('exportXlsx')}</button>` : ''}
          </div>`
        : ''}
      <div class="wrap" ${scrollHint()}>
        <table>
          ${this.caption ? html`<caption class="sr-only">${this.caption}</caption>` : ''}
          <thead>
            <tr>
              ${this.columns.map(
                (c) => html`<th class=${c.money ? 'num' : ''} scope="col"
                  aria-sort=${this.sortKey === c.key ? (this.sortDir === 1 ? 'ascending' : 'descending') : 'none'}>
                  <button @click=${() => this.sortBy(c.key)} title=${t('sortBy')}>
                    ${c.label}<span aria-hidden="true">${this.sortKey === c.key ? (this.sortDir === 1 ? '▲' : '▼') : ''}</span>
                  </button>
                </th>`,
              )}
            </tr>
          </thead>
          <tbody>
            ${rows.length === 0 ? html`<tr><td colspan=${this.columns.length} class="muted">${t('none')}</td></tr>` : ''}
            ${rows.map(
              (r) => html`<tr
                class=${this.clickable ? 'clickable' : ''}
                tabindex=${this.clickable ? '0' : '-1'}
                @click=${this.clickable ? () => this.activate(r) : null}
                @keydown=${this.clickable ? (e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), this.activate(r)) : null}
              >
                ${this.columns.map((c) => {
                  const v = c.value(r);
                  return html`<td class=${c.money ? 'num' : c.nowrap ? 'nowrap' : ''}>${c.render ? c.render(r) : c.money && typeof v === 'number' ? formatFen(v) : (v ?? '')}</td>`;
                })}
              </tr>`,
            )}
          </tbody>
          ${this.totals && rows.length
            ? html`<tfoot><tr>
                ${this.columns.map((c, i) => {
                  if (c.money) {
                    const sum = rows.reduce((n, r) => n + (Number(c.value(r)) || 0), 0);
                    return html`<td class="num">${formatFen(sum)}</td>`;
                  }
                  return html`<td>${i === 0 ? t('total') : ''}</td>`;
                })}
              </tr></tfoot>`
            : ''}
        </table>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-data-table': UbDataTable }
}
