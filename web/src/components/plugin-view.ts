import { html, css, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { ApiError, get, errorText } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import { renderMarkdown } from './markdown.js';
import './view-chart.js';
import './view-form.js';
import './view-chat.js';

import type { Cell, StatBlock, TableBlock, ViewBlock, ViewSpec } from './view-spec.js';
import { scrollHint } from '../lib/scroll-hint.js';

export type { ViewSpec };

/** A cell or stat value in the format the plugin declared; money arrives in fen. */
export function formatValue(value: Cell | undefined, format: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? t('adm_yes') : t('adm_no');
  if (typeof value === 'number') {
    if (format === 'fen') return Number.isSafeInteger(value) ? formatFen(value) : String(value);
    if (format === 'percent') return `${(value * 100).toFixed(1)}%`;
    if (format === 'number') return value.toLocaleString('zh-CN');
  }
  return String(value);
}

const numeric = (format: string | undefined) => format === 'number' || format === 'fen' || format === 'percent';

/**
 * Renders a plugin's view: either `spec` given directly, or loaded from
 * GET /api/units/:unitId/plugins/:pluginId/views/:viewId. Loading, empty and error states are part
 * of the element, so every plugin page looks and fails the same way.
 */
@customElement('ub-plugin-view')
export class UbPluginView extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .blocks { display: flex; flex-direction: column; gap: 14px; }
    .stats { display: flex; flex-wrap: wrap; gap: 12px; }
    .stat { background: #fff; border: 1px solid #dde3ea; border-left: 4px solid #1d5fbf; border-radius: 6px; padding: 12px 16px; min-width: 180px; }
    .stat.good { border-left-color: #137333; } .stat.warn { border-left-color: #c27c0e; } .stat.bad { border-left-color: #b42318; }
    .stat .label { font-size: 13px; color: #667085; }
    .stat .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; margin-top: 4px; }
    .stat .unit { font-size: 13px; color: #667085; margin-left: 4px; font-weight: 400; }
    .stat .trend { font-size: 13px; margin-left: 6px; }
    .trend.up { color: #137333; } .trend.down { color: #b42318; } .trend.flat { color: #667085; }
    .md { line-height: 1.6; }
    .md pre { background: #f5f7fa; padding: 8px; overflow: auto; }
    .md blockquote { border-left: 3px solid #dde3ea; margin: 0; padding-left: 10px; color: #3d4a5c; }
    ol.timeline { list-style: none; margin: 0; padding: 0 0 0 14px; border-left: 2px solid #dde3ea; }
    ol.timeline li { position: relative; padding: 0 0 12px 12px; }
    ol.timeline li::before { content: ''; position: absolute; left: -21px; top: 4px; width: 10px; height: 10px; border-radius: 50%; background: #1d5fbf; }
    ol.timeline li.good::before { background: #137333; } ol.timeline li.warn::before { background: #c27c0e; } ol.timeline li.bad::before { background: #b42318; }
    ol.timeline .at { font-size: 12px; color: #667085; }
    .table-wrap { overflow: auto; max-height: 560px; }
    .state { padding: 24px; text-align: center; }
  `];

  @property({ attribute: 'unit-id' }) unitId = '';
  @property({ attribute: 'plugin-id' }) pluginId = '';
  @property({ attribute: 'view-id' }) viewId = '';
  /** "?grade=severe…" of the page address: the plugin reads it as the view's query (filters). */
  @property() query = '';
  /** A spec given directly (no fetch). */
  @property({ attribute: false }) spec: ViewSpec | null = null;
  @state() loading = false;
  @state() error: string | null = null;
  /** The plugin is quarantined: no retry helps until the system administrator releases it. */
  @state() quarantined = false;
  private loadedFor = '';
  private seq = 0;

  override willUpdate() {
    const key = `${this.unitId}/${this.pluginId}/${this.viewId}${this.query}`;
    if (this.unitId && this.pluginId && this.viewId && key !== this.loadedFor) {
      this.loadedFor = key;
      this.spec = null;
      void this.load();
    }
  }

  async load() {
    const seq = ++this.seq;
    this.loading = true;
    this.error = null;
    this.quarantined = false;
    try {
      const query = this.query && this.query !== '?' ? (this.query.startsWith('?') ? this.query : `?${this.query}`) : '';
      const spec = await get<ViewSpec>(`/api/units/${encodeURIComponent(this.unitId)}/plugins/${encodeURIComponent(this.pluginId)}/views/${encodeURIComponent(this.viewId)}${query}`);
      if (seq === this.seq) this.spec = spec;
    } catch (e) {
      if (seq === this.seq) {
        this.error = errorText(e);
        this.quarantined = e instanceof ApiError && e.code === 'PLUGIN_QUARANTINED';
      }
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  /** Blocks that post to the plugin (forms, chat) ask for a fresh view afterwards. */
  private onChanged = () => {
    if (this.unitId && this.pluginId && this.viewId) void this.load();
  };

  override render() {
    if (this.quarantined) return html`<p class="notice error state" role="status" data-state="quarantined">${t('pv_quarantined')}</p>`;
    if (this.error) {
      return html`<div class="notice error state" role="alert" data-state="error">${t('pv_error', { message: this.error })}
        ${this.viewId ? html`<div><button @click=${() => this.load()}>${t('adm_retry')}</button></div>` : nothing}</div>`;
    }
    if (!this.spec) {
      return html`<p class="muted state" role="status" data-state="loading">${this.loading || this.viewId ? t('pv_loading') : ''}</p>`;
    }
    const spec = this.spec;
    return html`${spec.title ? html`<h2>${spec.title}</h2>` : nothing}
      ${spec.blocks.length === 0
        ? html`<p class="muted state" data-state="empty">${t('pv_empty')}</p>`
        : html`<div class="blocks" aria-busy=${this.loading ? 'true' : 'false'} @view-changed=${this.onChanged}>${this.groups(spec.blocks)}</div>`}`;
  }

  /** Consecutive stat cards share one row. */
  private groups(blocks: ViewBlock[]): TemplateResult[] {
    const out: TemplateResult[] = [];
    let stats: StatBlock[] = [];
    const flush = () => {
      if (stats.length) out.push(html`<div class="stats">${stats.map((s) => this.stat(s))}</div>`);
      stats = [];
    };
    for (const b of blocks) {
      if (b.type === 'stat') stats.push(b);
      else {
        flush();
        out.push(this.block(b));
      }
    }
    flush();
    return out;
  }

  private stat(s: StatBlock) {
    const arrow = s.trend === 'up' ? '▲' : s.trend === 'down' ? '▼' : s.trend === 'flat' ? '—' : '';
    return html`<div class="stat ${s.tone ?? 'normal'}" data-kind="stat">
      <div class="label">${s.label}</div>
      <div class="value">${formatValue(s.value, s.format ?? 'number')}${s.format === 'fen' ? html`<span class="unit">元</span>` : s.unit ? html`<span class="unit">${s.unit}</span>` : nothing}${arrow
        ? html`<span class="trend ${s.trend}" aria-label=${s.trend!}>${arrow}</span>`
        : nothing}</div>
    </div>`;
  }

  private block(b: Exclude<ViewBlock, StatBlock>): TemplateResult {
    switch (b.type) {
      case 'table': return this.table(b);
      case 'line':
      case 'bar':
      case 'pie':
        return html`<section class="card" data-kind=${b.type}>${b.title ? html`<h3>${b.title}</h3>` : nothing}<ub-view-chart .block=${b}></ub-view-chart></section>`;
      case 'form':
        return html`<section class="card" data-kind="form"><ub-view-form .block=${b} .unitId=${this.unitId} .pluginId=${this.pluginId}></ub-view-form></section>`;
      case 'markdown':
        return html`<section class="card md" data-kind="markdown">${renderMarkdown(b.text)}</section>`;
      case 'timeline':
        return html`<section class="card" data-kind="timeline">${b.title ? html`<h3>${b.title}</h3>` : nothing}
          ${b.items.length === 0
            ? html`<p class="muted" data-state="empty">${t('pv_noItems')}</p>`
            : html`<ol class="timeline">${b.items.map((it) => html`<li class=${it.tone ?? 'normal'}><div class="at">${it.at}</div><strong>${it.title}</strong>${it.text ? html`<div>${it.text}</div>` : nothing}</li>`)}</ol>`}
        </section>`;
      case 'chat':
        return html`<section class="card" data-kind="chat"><ub-view-chat .block=${b} .unitId=${this.unitId} .pluginId=${this.pluginId}></ub-view-chat></section>`;
      default:
        return html``;
    }
  }

  private table(b: TableBlock) {
    const sums = b.columns.map((c) => (c.format === 'fen' ? b.rows.reduce((s, r) => s + (typeof r[c.key] === 'number' ? (r[c.key] as number) : 0), 0) : null));
    const hasSum = b.rows.length > 1 && sums.some((s) => s !== null);
    return html`<section class="card" data-kind="table">${b.title ? html`<h3>${b.title}</h3>` : nothing}
      ${b.rows.length === 0
        ? html`<p class="muted" data-state="empty">${t('pv_noRows')}</p>`
        : html`<div class="table-wrap" ${scrollHint()}><table>
            ${b.title ? html`<caption class="sr-only">${b.title}</caption>` : nothing}
            <thead><tr>${b.columns.map((c) => html`<th scope="col" class=${numeric(c.format) ? 'num' : ''}>${c.label}</th>`)}</tr></thead>
            <tbody>${b.rows.map((r) => html`<tr>${b.columns.map((c) => html`<td class=${numeric(c.format) ? 'num' : c.format === 'date' ? 'date' : ''}>${formatValue(r[c.key], c.format)}</td>`)}</tr>`)}</tbody>
            ${hasSum
              ? html`<tfoot><tr>${b.columns.map((c, i) => html`<th class=${numeric(c.format) ? 'num' : ''}>${i === 0 ? t('pv_total') : sums[i] !== null ? formatFen(sums[i]!) : ''}</th>`)}</tr></tfoot>`
              : nothing}
          </table></div>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-plugin-view': UbPluginView }
}
