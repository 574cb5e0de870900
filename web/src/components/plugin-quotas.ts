import { html, css, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { api, get, errorText } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { bytesToMbText, groupDigits, mbTextToBytes } from '../lib/bytes.js';
import type { PluginQuotaView, QuotaFigures, QuotaKind, QuotaOverrides } from '../lib/types.js';
import { QUOTA_KINDS, quotaAmount, quotaLevel } from './quota-bars.js';
import { scrollHint } from '../lib/scroll-hint.js';

/** The every-unit row's key in drafts (a unit id is never empty). */
const ALL = '';
const FIELD: Record<QuotaKind, MessageKey> = {
  storageBytes: 'qe_storageMb', storageDocs: 'qe_storageDocs', logEntries: 'qe_logEntries', notificationsPerHour: 'qe_notifications',
};

/** A stored value as the form shows it: storage in MB (exact), counts as digits, both grouped ("20,000"); '' for none. */
export const quotaText = (kind: QuotaKind, v: number | null | undefined) =>
  v === null || v === undefined ? '' : groupDigits(kind === 'storageBytes' ? bytesToMbText(v) : String(v));

/** What was typed → the value to send: null for empty (inherit), undefined when it is not a number ≥ 0. */
export function parseQuota(kind: QuotaKind, text: string): number | null | undefined {
  const s = text.trim();
  if (s === '') return null;
  if (kind === 'storageBytes') return mbTextToBytes(s) ?? undefined;
  const digits = s.replace(/[,，\s]/g, '');
  return /^\d+$/.test(digits) && Number.isSafeInteger(Number(digits)) ? Number(digits) : undefined;
}

/**
 * 配额: the system administrator's quota editor of one plugin (GET/PUT /api/plugins/:id/quotas): the
 * defaults, the override for every unit and each unit's override beside its usage. Empty inherits.
 * Storage is typed in MB and sent as whole bytes; only the fields changed are sent.
 */
@customElement('ub-plugin-quotas')
export class UbPluginQuotas extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .pick { display: flex; gap: 12px; align-items: flex-end; flex-wrap: wrap; margin-bottom: 8px; }
    .wrap { overflow-x: auto; border: 1px solid #e6eaef; border-radius: 6px; }
    table { min-width: 820px; }
    td input { width: 120px; min-height: 30px; padding: 3px 6px; }
    /* the defaults read where the inputs' text starts below them (cell padding + input border and padding) */
    td[data-default] { padding-left: 17px; font-variant-numeric: tabular-nums; }
    td .use { font-size: 12px; color: #667085; margin-top: 3px; white-space: nowrap; }
    td .use[data-level='near'] { color: #93510a; }
    td .use[data-level='full'] { color: #b42318; font-weight: 600; }
    td button { min-height: 30px; padding: 2px 10px; }
  `];

  /** The installed plugin ids to choose from. */
  @property({ attribute: false }) pluginIds: string[] = [];
  @state() pluginId = '';
  @state() view: PluginQuotaView | null = null;
  /** Edited texts per row (ALL or a unit id) and quota; untouched fields show the stored value. */
  @state() drafts: Record<string, Partial<Record<QuotaKind, string>>> = {};
  /** Units given a row by "set for one unit" (no override or usage yet). */
  @state() extraUnits: string[] = [];
  @state() unitNames = new Map<string, string>();
  @state() addUnit = '';
  @state() busy = false;
  @state() message = '';
  @state() error = '';

  override connectedCallback() {
    super.connectedCallback();
    get<{ id: string; name: string }[]>('/api/units')
      .then((units) => (this.unitNames = new Map(units.map((u) => [u.id, u.name]))))
      .catch(() => undefined);
  }

  override willUpdate(changed: PropertyValues) {
    super.willUpdate(changed);
    if (changed.has('pluginIds') && !this.pluginIds.includes(this.pluginId) && this.pluginIds[0]) void this.pick(this.pluginIds[0]);
  }

  async pick(pluginId: string) {
    this.pluginId = pluginId;
    this.view = null;
    this.drafts = {};
    this.extraUnits = [];
    this.message = '';
    this.error = '';
    try {
      const view = await get<PluginQuotaView>(`/api/plugins/${encodeURIComponent(pluginId)}/quotas`);
      if (this.pluginId === pluginId) this.view = view;
    } catch (e) {
      if (this.pluginId === pluginId) this.error = errorText(e);
    }
  }

  private stored(scope: string): QuotaOverrides | null {
    if (!this.view) return null;
    return scope === ALL ? this.view.plugin : this.view.units.find((u) => u.unitId === scope)?.overrides ?? null;
  }

  private text(scope: string, kind: QuotaKind): string {
    return this.drafts[scope]?.[kind] ?? quotaText(kind, this.stored(scope)?.[kind]);
  }

  private edit(scope: string, kind: QuotaKind, value: string) {
    this.drafts = { ...this.drafts, [scope]: { ...this.drafts[scope], [kind]: value } };
  }

  private unitName = (unitId: string) => this.unitNames.get(unitId) ?? unitId;

  /** Saves one row: the fields whose text changed (empty → null: inherit). */
  async save(scope: string) {
    const view = this.view;
    if (!view) return;
    this.message = '';
    this.error = '';
    const body: QuotaOverrides & { unitId?: string } = scope === ALL ? {} : { unitId: scope };
    let changes = 0;
    for (const kind of QUOTA_KINDS) {
      const typed = this.drafts[scope]?.[kind];
      if (typed === undefined || typed.trim() === quotaText(kind, this.stored(scope)?.[kind])) continue;
      const value = parseQuota(kind, typed);
      if (value === undefined) {
        this.error = t('qe_invalid', { field: t(FIELD[kind]) });
        return;
      }
      body[kind] = value;
      changes++;
    }
    if (!changes) {
      this.message = t('qe_noChange');
      return;
    }
    this.busy = true;
    try {
      this.view = await api<PluginQuotaView>('PUT', `/api/plugins/${encodeURIComponent(view.pluginId)}/quotas`, body);
      const { [scope]: _saved, ...rest } = this.drafts;
      this.drafts = rest;
      this.extraUnits = this.extraUnits.filter((u) => !this.view!.units.some((x) => x.unitId === u));
      this.message = t('qe_saved', { scope: scope === ALL ? t('qe_scopeAll') : t('qe_scopeUnit', { unit: this.unitName(scope) }) });
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  /** An input of one row; `inherits` is what applies when it is empty, `usage` the unit's figures. */
  private cell(scope: string, kind: QuotaKind, inherits: number, usage?: QuotaFigures) {
    const label = `${t(FIELD[kind])} · ${scope === ALL ? t('qe_allUnits') : this.unitName(scope)}`;
    const u = usage?.[kind];
    return html`<td>
      <input name=${kind} aria-label=${label} inputmode=${kind === 'storageBytes' ? 'decimal' : 'numeric'} .value=${this.text(scope, kind)}
        placeholder=${t('qe_inherit', { v: quotaText(kind, inherits) })} ?disabled=${this.busy}
        @input=${(e: Event) => this.edit(scope, kind, (e.target as HTMLInputElement).value)} />
      ${u ? html`<div class="use" data-level=${quotaLevel(u.used, u.limit)}>${t('qe_used', { used: quotaAmount(kind, u.used), limit: quotaAmount(kind, u.limit) })}</div>` : nothing}
    </td>`;
  }

  private row(scope: string, inherits: Record<QuotaKind, number>, usage?: QuotaFigures) {
    return html`<tr data-scope=${scope === ALL ? '*' : scope}>
      <th scope="row">${scope === ALL ? t('qe_allUnits') : html`${this.unitName(scope)}${this.unitNames.has(scope) ? html` <code>${scope}</code>` : nothing}`}</th>
      ${QUOTA_KINDS.map((k) => this.cell(scope, k, inherits[k], usage))}
      <td><button class="primary" data-action="save" ?disabled=${this.busy} @click=${() => this.save(scope)}>${t('adm_save')}</button></td>
    </tr>`;
  }

  private table(v: PluginQuotaView) {
    const units = [...v.units.map((u) => u.unitId), ...this.extraUnits];
    const addable = [...this.unitNames.keys()].filter((id) => !units.includes(id));
    return html`<div class="wrap" ${scrollHint()}><table>
        <thead><tr><th>${t('qe_scope')}</th>${QUOTA_KINDS.map((k) => html`<th>${t(FIELD[k])}</th>`)}<th></th></tr></thead>
        <tbody>
          <tr data-scope="default"><th scope="row">${t('qe_defaults')}</th>
            ${QUOTA_KINDS.map((k) => html`<td data-default=${k}>${quotaText(k, v.defaults[k])}</td>`)}<td></td></tr>
          ${this.row(ALL, v.defaults)}
          ${units.map((id) => this.row(id, v.effective, v.units.find((u) => u.unitId === id)?.usage))}
        </tbody>
      </table></div>
      ${units.length === 0 ? html`<p class="muted">${t('qe_noUnits')}</p>` : nothing}
      ${addable.length
        ? html`<div class="pick" style="margin-top:8px">
            <label class="field">${t('qe_addUnit')}
              <select name="addUnit" @change=${(e: Event) => (this.addUnit = (e.target as HTMLSelectElement).value)}>
                <option value="" ?selected=${this.addUnit === ''}>${t('own_choose')}</option>
                ${addable.map((id) => html`<option value=${id} ?selected=${this.addUnit === id}>${this.unitName(id)}</option>`)}
              </select></label>
            <button ?disabled=${!this.addUnit} @click=${() => ((this.extraUnits = [...this.extraUnits, this.addUnit]), (this.addUnit = ''))}>${t('qe_add')}</button>
          </div>`
        : nothing}`;
  }

  override render() {
    if (!this.pluginIds.length) return html`<p class="muted">${t('qe_noPlugins')}</p>`;
    return html`<p class="muted">${t('qe_hint')}</p>
      <div class="pick">
        <label class="field">${t('qe_plugin')}
          <select name="plugin" @change=${(e: Event) => this.pick((e.target as HTMLSelectElement).value)}>
            ${this.pluginIds.map((id) => html`<option value=${id} ?selected=${id === this.pluginId}>${id}</option>`)}
          </select></label>
      </div>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${this.view ? this.table(this.view) : this.error ? nothing : html`<p class="muted" role="status">${t('adm_loading')}</p>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-plugin-quotas': UbPluginQuotas }
}
