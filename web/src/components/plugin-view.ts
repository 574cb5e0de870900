import { html, css, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { ApiError, get, post, errorText } from '../lib/api.js';
import { lang, t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import { renderMarkdown } from './markdown.js';
import './view-chart.js';
import './view-form.js';
import './view-chat.js';
import './view-wizard.js';
import { pluginRouteUrl } from './view-form.js';
import { downloadPluginFile } from './view-download.js';
import './view-search.js';
import { linkHref, targetKey } from './view-links.js';
import { openablePluginPages } from '../lib/plugin-nav.js';
import { setUrlParams } from '../lib/url-state.js';

import type { Cell, DownloadBlock, PostAction, RowAction, StatBlock, TableBlock, ViewBlock, ViewSpec } from './view-spec.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { formatDate } from '../lib/time.js';

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
  // One date format on every screen (lib/time.ts), whatever a plugin stored: an instant shows its China date.
  if (format === 'date' && typeof value === 'string') return formatDate(value);
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
    td.row-actions { white-space: nowrap; }
    td.row-actions button { margin: 0 4px 0 0; padding: 2px 10px; }
    td.row-actions a.link-action { display: inline-block; margin: 0 4px 0 0; padding: 2px 10px; border: 1px solid #b8c4d2; border-radius: 4px; text-decoration: none; }
    button.danger { color: #b42318; border-color: #e4a29b; }
    dialog { border: 1px solid #dde3ea; border-radius: 8px; padding: 18px 20px; max-width: min(480px, 92vw); }
    dialog::backdrop { background: rgba(16, 24, 40, 0.35); }
    dialog textarea { width: 100%; min-height: 72px; box-sizing: border-box; }
    dialog .buttons { display: flex; gap: 10px; justify-content: flex-end; margin-top: 12px; }
    .action-status { margin: 0; }
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
  /** The row action waiting for its confirmation (and reason). */
  @state() pending: { action: PostAction; id: string | number } | null = null;
  /** Plugin pages (`plugin/view`) the reader may open in the unit: link actions lead only there (null: not known yet). */
  @state() openable: Set<string> | null = null;
  private linksFor: ViewSpec | null = null;
  @state() reason = '';
  @state() reasonError = '';
  @state() actionBusy = false;
  /** The last row action's answer (kept across the reload it triggers). */
  @state() actionMessage = '';
  @state() actionError = '';
  @state() downloading = '';
  private loadedFor = '';
  private seq = 0;

  override willUpdate() {
    // The view is worded for the reader's language (ViewContext.lang): a language switch asks for it again.
    const key = `${this.unitId}/${this.pluginId}/${this.viewId}${this.query}|${lang()}`;
    if (this.unitId && this.pluginId && this.viewId && key !== this.loadedFor) {
      if (!this.loadedFor.startsWith(`${this.unitId}/`)) this.openable = null;
      this.loadedFor = key;
      this.spec = null;
      void this.load();
    }
    // Link actions need the list of openable plugin pages: asked once the spec has any.
    if (this.spec && this.spec !== this.linksFor) {
      this.linksFor = this.spec;
      const links = this.spec.blocks.some((b) => b.type === 'table' && b.actions?.some((a) => a.kind === 'link'));
      if (links && this.openable === null && this.unitId) {
        void openablePluginPages(this.unitId).then((pages) => { this.openable = new Set(pages.map((p) => `${p.pluginId}/${p.viewId}`)); });
      }
    }
  }

  /** A search block set the view's query: kept in the page address when the view reads it from there, then asked again. */
  private onQuery = (e: Event) => {
    const values = (e as CustomEvent<{ values: Record<string, string> }>).detail.values;
    e.stopPropagation();
    const current = this.query.startsWith('?') ? this.query : this.query ? `?${this.query}` : '';
    if (current === location.search) {
      setUrlParams(values);
      this.query = location.search;
      return;
    }
    const params = new URLSearchParams(current);
    for (const [k, v] of Object.entries(values)) {
      if (v) params.set(k, v);
      else params.delete(k);
    }
    const next = params.toString();
    this.query = next ? `?${next}` : '';
  };

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

  /** A row action's button: straight to the route, or first the confirmation (with its reason box). */
  startAction(action: PostAction, id: string | number) {
    this.actionMessage = '';
    this.actionError = '';
    if (!action.confirm && (action.reason ?? 'none') === 'none') {
      void this.runAction(action, id, undefined);
      return;
    }
    this.pending = { action, id };
    this.reason = '';
    this.reasonError = '';
    void this.updateComplete.then(() => {
      const dialog = this.renderRoot.querySelector('dialog');
      if (dialog && !dialog.open) dialog.showModal?.();
      (this.renderRoot.querySelector('dialog textarea') as HTMLElement | null)?.focus();
    });
  }

  private closeDialog() {
    this.pending = null;
    this.renderRoot.querySelector('dialog')?.close?.();
  }

  async confirmAction(e?: Event) {
    e?.preventDefault();
    if (!this.pending) return;
    const { action, id } = this.pending;
    const reason = this.reason.trim();
    if ((action.reason ?? 'none') === 'required' && !reason) {
      this.reasonError = t('hx_reasonRequired');
      return;
    }
    const ok = await this.runAction(action, id, (action.reason ?? 'none') === 'none' ? undefined : reason || undefined);
    if (ok) this.closeDialog();
  }

  /** Posts `{ id, reason? }` to the action's route; shows its answer and reloads the view. */
  private async runAction(action: PostAction, id: string | number, reason: string | undefined): Promise<boolean> {
    this.actionBusy = true;
    this.reasonError = '';
    try {
      const reply = await post<{ message?: unknown } | null>(pluginRouteUrl(this.unitId, this.pluginId, action.route), reason === undefined ? { id } : { id, reason });
      this.actionMessage = reply && typeof reply.message === 'string' ? reply.message : t('hx_done');
      if (this.viewId) void this.load();
      else this.dispatchEvent(new CustomEvent('view-changed', { bubbles: true, composed: true }));
      return true;
    } catch (err) {
      // In the dialog the person can correct the reason; without one the error shows above the table.
      if (this.pending) this.reasonError = errorText(err);
      else this.actionError = errorText(err);
      return false;
    } finally {
      this.actionBusy = false;
    }
  }

  private async download(b: DownloadBlock) {
    this.downloading = b.route;
    this.actionError = '';
    try {
      await downloadPluginFile(pluginRouteUrl(this.unitId, this.pluginId, b.route), b.query);
    } catch (err) {
      this.actionError = t('hx_downloadFailed', { message: errorText(err) });
    } finally {
      this.downloading = '';
    }
  }

  private dialog() {
    const p = this.pending;
    if (!p) return nothing;
    const mode = p.action.reason ?? 'none';
    return html`<dialog aria-labelledby="ra-title" @close=${() => { this.pending = null; }} @cancel=${() => { this.pending = null; }}>
      <form @submit=${this.confirmAction} novalidate>
        <h3 id="ra-title">${p.action.label}</h3>
        <p>${p.action.confirm ?? t('hx_confirmTitle')}</p>
        ${mode !== 'none'
          ? html`<label class="field" for="ra-reason">${mode === 'required' ? html`${t('hx_reason')}<span aria-hidden="true"> *</span>` : t('hx_reasonOptional')}
              <textarea id="ra-reason" maxlength="500" aria-invalid=${this.reasonError ? 'true' : 'false'} ?required=${mode === 'required'}
                aria-describedby=${this.reasonError ? 'ra-error' : nothing} .value=${this.reason} @input=${(e: Event) => { this.reason = (e.target as HTMLTextAreaElement).value; }}></textarea></label>`
          : nothing}
        ${this.reasonError ? html`<p class="error" id="ra-error" role="alert">${this.reasonError}</p>` : nothing}
        <div class="buttons">
          <button type="button" data-act="cancel" @click=${() => this.closeDialog()}>${t('hx_cancel')}</button>
          <button type="submit" data-act="confirm" class=${p.action.tone === 'danger' ? 'danger' : 'primary'} ?disabled=${this.actionBusy}>${t('hx_confirm')}</button>
        </div>
      </form>
    </dialog>`;
  }

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
      ${this.actionMessage ? html`<p class="notice ok action-status" role="status">${this.actionMessage}</p>` : nothing}
      ${this.actionError ? html`<p class="notice error action-status" role="alert">${this.actionError}</p>` : nothing}
      ${this.dialog()}
      ${spec.blocks.length === 0
        ? html`<p class="muted state" data-state="empty">${t('pv_empty')}</p>`
        : html`<div class="blocks" aria-busy=${this.loading ? 'true' : 'false'} @view-changed=${this.onChanged} @view-query=${this.onQuery}>${this.groups(spec.blocks)}</div>`}`;
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
      <div class="value">${formatValue(s.value, s.format ?? 'number')}${s.format === 'fen' ? html`<span class="unit">${t('yuan')}</span>` : s.unit ? html`<span class="unit">${s.unit}</span>` : nothing}${arrow
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
      case 'wizard':
        return html`<section class="card" data-kind="wizard"><ub-view-wizard .block=${b} .unitId=${this.unitId} .pluginId=${this.pluginId}></ub-view-wizard></section>`;
      case 'download':
        return html`<div data-kind="download"><button type="button" @click=${() => this.download(b)} ?disabled=${this.downloading === b.route}>${this.downloading === b.route ? t('hx_downloading') : b.label}</button></div>`;
      case 'search':
        return html`<section class="card" data-kind="search"><ub-view-search .block=${b}></ub-view-search></section>`;
      case 'chat':
        return html`<section class="card" data-kind="chat"><ub-view-chat .block=${b} .unitId=${this.unitId} .pluginId=${this.pluginId}></ub-view-chat></section>`;
      default:
        return html``;
    }
  }

  /** The actions a row offers: its `_actions` (ids separated by commas) limit the table's; none without an `_id`. */
  private rowActions(b: TableBlock, row: Record<string, Cell>): RowAction[] {
    const id = row._id;
    if (!b.actions?.length || (typeof id !== 'string' && typeof id !== 'number')) return [];
    const only = row._actions;
    // A link action shows only toward a plugin page the reader may open in the unit.
    const shown = b.actions.filter((a) => a.kind !== 'link' || this.openable?.has(targetKey(a)) === true);
    if (typeof only !== 'string') return shown;
    const allowed = new Set(only.split(',').map((x) => x.trim()).filter(Boolean));
    return shown.filter((a) => allowed.has(a.id));
  }

  private actionControl(a: RowAction, row: Record<string, Cell>) {
    if (a.kind === 'link') return html`<a class="link-action" data-action=${a.id} href=${linkHref(a, row)}>${a.label}</a>`;
    return html`<button type="button" data-action=${a.id} class=${a.tone === 'danger' ? 'danger' : ''}
      ?disabled=${this.actionBusy} @click=${() => this.startAction(a, row._id as string | number)}>${a.label}</button>`;
  }

  private table(b0: TableBlock) {
    // Cells whose key starts with `_` (`_id`, `_actions`) are the row's own data, never columns.
    const b = { ...b0, columns: b0.columns.filter((c) => !c.key.startsWith('_')) };
    const withActions = (b.actions?.length ?? 0) > 0;
    const sums = b.columns.map((c) => (c.format === 'fen' ? b.rows.reduce((s, r) => s + (typeof r[c.key] === 'number' ? (r[c.key] as number) : 0), 0) : null));
    const hasSum = b.rows.length > 1 && sums.some((s) => s !== null);
    return html`<section class="card" data-kind="table">${b.title ? html`<h3>${b.title}</h3>` : nothing}
      ${b.rows.length === 0
        ? html`<p class="muted" data-state="empty">${t('pv_noRows')}</p>`
        : html`<div class="table-wrap" ${scrollHint()}><table>
            ${b.title ? html`<caption class="sr-only">${b.title}</caption>` : nothing}
            <thead><tr>${b.columns.map((c) => html`<th scope="col" class=${numeric(c.format) ? 'num' : ''}>${c.label}</th>`)}${withActions ? html`<th scope="col">${t('hx_actions')}</th>` : nothing}</tr></thead>
            <tbody>${b.rows.map((r) => html`<tr data-id=${r._id === undefined || r._id === null ? nothing : String(r._id)}>${b.columns.map((c) => html`<td class=${numeric(c.format) ? 'num' : c.format === 'date' ? 'date' : ''}>${formatValue(r[c.key], c.format)}</td>`)}${withActions
              ? html`<td class="row-actions">${this.rowActions(b, r).map((a) => this.actionControl(a, r))}</td>`
              : nothing}</tr>`)}</tbody>
            ${hasSum
              ? html`<tfoot><tr>${b.columns.map((c, i) => html`<th class=${numeric(c.format) ? 'num' : ''}>${i === 0 ? t('pv_total') : sums[i] !== null ? formatFen(sums[i]!) : ''}</th>`)}${withActions ? html`<th></th>` : nothing}</tr></tfoot>`
              : nothing}
          </table></div>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-plugin-view': UbPluginView }
}
