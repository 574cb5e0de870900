import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, kindLabelKey, UnitPage } from '../lib/base.js';
import { ApiError, api, errorText, get, qs } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import { scrollHint } from '../lib/scroll-hint.js';
import type { Cap, FiscalYear } from '../lib/types.js';
import { THREE_PUBLIC_CODE_LIST } from '@unibudget/sdk/contracts/three-public';
import '../components/amount-input.js';
import type { AmountChange } from '../components/amount-input.js';

const KINDS = ['personnel', 'operating', 'project'] as const;
type Kind = (typeof KINDS)[number];

/**
 * GET /api/units/:unitId/ledger-settings as answered. Other settings than the two below are optional
 * fields the core adds over time: the page shows the ones it knows with their labels, any other as
 * its key, and always PUTs back every field it got.
 */
export interface LedgerSettings {
  flexibleThreshold: number;
  kindEconomicMap: Record<Kind, string[]>;
  [field: string]: unknown;
}

/** Optional settings the page knows, with their choices (core/ledger/rules/schema.ts LedgerSettingsBody). */
export const KNOWN_OPTIONS: Record<string, readonly string[]> = {
  timeProgressBasis: ['month', 'day'],
  disclosureFailedChecks: ['refuse', 'mark'],
};
/** Optional on/off settings the page knows. */
export const KNOWN_FLAGS = ['salaryAccrual'] as const;
/**
 * The asset accounts capital spending may post to (assetAccountMap), after 政府会计制度——行政事业单位会计科目和报表
 * (财会〔2017〕25号): 1601 固定资产, 1613 在建工程, 1701 无形资产, 1811 政府储备物资, 1821 文物文化资产.
 */
export const ASSET_ACCOUNTS = ['1601', '1613', '1701', '1811', '1821'] as const;
const ASSET_PREFIX = /^(309|310)[0-9]{0,2}$/;
const MAX_ASSET_ROWS = 40;

interface ClassRow { code: string; name: string; attrs?: { threePublic?: boolean } }

/**
 * 账务设置: the flexible-quota threshold (机动额度, in 元), which economic classes each expenditure kind
 * may use, the optional settings; and the year's 三公经费 caps per code with what is used.
 * The settings are the unit admin's (rule.manage), the caps the finance officer's (indicator.issue).
 */
@customElement('ub-ledger-settings')
export class UbLedgerSettings extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 1000px; }
    section { margin-bottom: 20px; }
    .threshold { max-width: 280px; }
    .prefixes { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
    .prefix { display: inline-flex; align-items: center; gap: 4px; border: 1px solid #dde3ea; border-radius: 12px; padding: 1px 4px 1px 10px; background: #f5f7fa; font-size: 13px; }
    .prefix button { min-height: 24px; padding: 0 6px; border: 0; background: transparent; }
    .add input { width: 7em; }
    .actions { display: flex; gap: 8px; margin-top: 12px; flex-wrap: wrap; }
    td ub-amount-input { min-width: 9em; }
    [data-option] { margin: 8px 0; }
  `];

  @state() settings: LedgerSettings | null = null;
  @state() draft: LedgerSettings | null = null;
  @state() adding: Record<Kind, string> = { personnel: '', operating: '', project: '' };
  @state() errors: Record<string, string> = {};
  @state() economic: ClassRow[] = [];
  @state() years: number[] = [];
  @state() capYear: number | null = null;
  @state() caps: Cap[] | null = null;
  @state() capsError = '';
  /** Cap amounts being edited, by code (fen; null = left blank). */
  @state() capDraft: Record<string, number | null> = {};
  @state() assetPrefix = '';
  @state() assetAccount: string = ASSET_ACCOUNTS[0];
  @state() message = '';
  @state() error = '';
  @state() busy = false;

  get canEditSettings(): boolean {
    return !this.ctx.readOnly && this.ctx.roles.includes('unit_admin');
  }

  get canEditCaps(): boolean {
    return !this.ctx.readOnly && this.ctx.roles.includes('finance_officer');
  }

  async load() {
    const u = `/api/units/${this.ctx.unitId}`;
    try {
      const [settings, economic, years] = await Promise.all([
        get<LedgerSettings>(`${u}/ledger-settings`),
        get<ClassRow[]>(`/api/classifications${qs({ kind: 'economic' })}`).catch(() => [] as ClassRow[]),
        get<FiscalYear[]>(`${u}/fiscal-years`).catch(() => [] as FiscalYear[]),
      ]);
      this.settings = settings;
      this.draft = structuredClone(settings);
      this.economic = economic;
      this.years = years.map((y) => y.year).sort((a, b) => b - a);
      const now = new Date().getFullYear();
      this.capYear = this.years.includes(now) ? now : years.find((y) => y.status === 'open')?.year ?? this.years[0] ?? now;
    } catch (e) {
      this.error = errorText(e);
    }
    await this.loadCaps();
  }

  async loadCaps() {
    if (this.capYear === null) return;
    this.caps = null;
    this.capsError = '';
    try {
      this.caps = await get<Cap[]>(`/api/units/${this.ctx.unitId}/three-public-caps${qs({ year: this.capYear })}`);
      this.capDraft = Object.fromEntries(this.caps.map((c) => [c.economicCode, c.amount]));
    } catch (e) {
      this.capsError = e instanceof ApiError && e.status === 403 ? t('la_ls_capsNoAccess') : errorText(e);
    }
  }

  econName(code: string): string {
    return this.economic.find((c) => c.code === code)?.name ?? '';
  }

  /** The 三公 codes: the one list, those the classification marks as 三公, and any the caps answer carries. */
  get capCodes(): string[] {
    const codes = new Set<string>(THREE_PUBLIC_CODE_LIST);
    for (const c of this.economic) if (c.attrs?.threePublic) codes.add(c.code);
    for (const c of this.caps ?? []) codes.add(c.economicCode);
    return [...codes].sort();
  }

  private patch(p: Partial<LedgerSettings>) {
    this.draft = { ...this.draft!, ...p };
    this.message = '';
  }

  addPrefix(kind: Kind) {
    const code = this.adding[kind].trim();
    const key = `map.${kind}`;
    const errors = { ...this.errors };
    delete errors[key];
    if (!/^[0-9]{3,5}$/.test(code)) errors[key] = t('la_ls_prefixFormat');
    else if (this.economic.length > 0 && !this.economic.some((c) => c.code === code)) errors[key] = t('la_pj_classUnknown', { code });
    else if (this.draft!.kindEconomicMap[kind].includes(code)) errors[key] = t('la_ls_prefixDuplicate', { code });
    this.errors = errors;
    if (errors[key]) return;
    this.patch({ kindEconomicMap: { ...this.draft!.kindEconomicMap, [kind]: [...this.draft!.kindEconomicMap[kind], code] } });
    this.adding = { ...this.adding, [kind]: '' };
  }

  removePrefix(kind: Kind, code: string) {
    this.patch({ kindEconomicMap: { ...this.draft!.kindEconomicMap, [kind]: this.draft!.kindEconomicMap[kind].filter((c) => c !== code) } });
  }

  get settingsErrors(): Record<string, string> {
    const e: Record<string, string> = {};
    const d = this.draft;
    if (!d) return e;
    if (!Number.isInteger(d.flexibleThreshold) || d.flexibleThreshold < 0) e.flexibleThreshold = t('amountInvalid');
    for (const k of KINDS) if (d.kindEconomicMap[k].length === 0) e[`map.${k}`] = t('la_ls_prefixNeeded');
    return e;
  }

  async saveSettings(e?: Event) {
    e?.preventDefault();
    // Errors of the add-a-row inputs are about what is being typed there, not about what is saved.
    const others = Object.fromEntries(Object.entries(this.errors).filter(([k]) => !k.startsWith('map.') && k !== 'assetAccountMap'));
    this.errors = { ...others, ...this.settingsErrors };
    if (Object.keys(this.errors).length > 0) return;
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      // Every field as it came, with the edits: a setting this page does not know is kept.
      this.settings = await api<LedgerSettings>('PUT', `/api/units/${this.ctx.unitId}/ledger-settings`, this.draft);
      this.draft = structuredClone(this.settings);
      this.message = t('la_ls_saved', { amount: formatFen(this.settings.flexibleThreshold) });
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  async saveCaps(e?: Event) {
    e?.preventDefault();
    if (this.capYear === null) return;
    // Only the caps that changed: a code left as it was keeps its cap (the core keeps codes not named).
    const before = new Map((this.caps ?? []).map((c) => [c.economicCode, c.amount]));
    const caps = Object.entries(this.capDraft)
      .filter(([code, amount]) => amount !== null && amount !== before.get(code))
      .map(([economicCode, amount]) => ({ economicCode, amount: amount! }));
    if (caps.length === 0) {
      this.message = t('la_ls_capsUnchanged');
      return;
    }
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      this.caps = await api<Cap[]>('PUT', `/api/units/${this.ctx.unitId}/three-public-caps`, { year: this.capYear, caps });
      this.capDraft = Object.fromEntries(this.caps.map((c) => [c.economicCode, c.amount]));
      this.message = t('la_ls_capsSaved', { year: this.capYear, n: caps.length });
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  get assetMap(): Record<string, string> {
    const m = this.draft?.assetAccountMap;
    return m && typeof m === 'object' ? (m as Record<string, string>) : {};
  }

  addAssetRow() {
    const prefix = this.assetPrefix.trim();
    const errors = { ...this.errors };
    delete errors.assetAccountMap;
    const map = this.assetMap;
    if (!ASSET_PREFIX.test(prefix)) errors.assetAccountMap = t('la_ls_assetPrefixFormat');
    else if (prefix in map) errors.assetAccountMap = t('la_ls_prefixDuplicate', { code: prefix });
    else if (Object.keys(map).length >= MAX_ASSET_ROWS) errors.assetAccountMap = t('la_ls_assetTooMany', { n: MAX_ASSET_ROWS });
    this.errors = errors;
    if (errors.assetAccountMap) return;
    this.patch({ assetAccountMap: { ...map, [prefix]: this.assetAccount } });
    this.assetPrefix = '';
  }

  private renderAssetMap() {
    const ro = !this.canEditSettings;
    const rows = Object.entries(this.assetMap).sort(([a], [b]) => a.localeCompare(b));
    const account = (code: string) => `${code} ${t(`la_ls_account_${code}` as MessageKey)}`;
    return html`<div data-option="assetAccountMap">
      <h3>${t('la_ls_opt_assetAccountMap')}</h3>
      <p class="muted">${t('la_ls_assetHint')}</p>
      <div class="x-scroll" ${scrollHint()}><table data-table="asset-map">
        <thead><tr><th>${t('la_ls_capCode')}</th><th>${t('la_ls_assetAccount')}</th>${ro ? nothing : html`<th class="action">${t('action')}</th>`}</tr></thead>
        <tbody>
          ${rows.length === 0 ? html`<tr><td colspan="3" class="muted">${t('la_ls_assetDefault')}</td></tr>` : nothing}
          ${rows.map(([prefix, acct]) => html`<tr data-prefix=${prefix}>
            <td><span class="nowrap">${prefix}</span> ${this.econName(prefix)}</td>
            <td>${ro ? account(acct) : html`<select aria-label=${t('la_ls_assetAccountFor', { code: prefix })}
              @change=${(e: Event) => this.patch({ assetAccountMap: { ...this.assetMap, [prefix]: (e.target as HTMLSelectElement).value } })}>
              ${ASSET_ACCOUNTS.map((a) => html`<option value=${a} ?selected=${a === acct}>${account(a)}</option>`)}</select>`}</td>
            ${ro ? nothing : html`<td class="action"><button type="button" aria-label=${t('la_ls_removePrefix', { code: prefix })}
              @click=${() => { const { [prefix]: _, ...rest } = this.assetMap; this.patch({ assetAccountMap: rest }); }}>×</button></td>`}
          </tr>`)}
        </tbody>
      </table></div>
      ${ro ? nothing : html`<div class="row add" style="margin-top:6px">
        <input name="asset-prefix" inputmode="numeric" aria-label=${t('la_ls_assetPrefix')} placeholder="31002" .value=${this.assetPrefix}
          aria-invalid=${this.errors.assetAccountMap ? 'true' : 'false'} @input=${(e: Event) => (this.assetPrefix = (e.target as HTMLInputElement).value)} />
        <select name="asset-account" aria-label=${t('la_ls_assetAccount')} @change=${(e: Event) => (this.assetAccount = (e.target as HTMLSelectElement).value)}>
          ${ASSET_ACCOUNTS.map((a) => html`<option value=${a} ?selected=${a === this.assetAccount}>${account(a)}</option>`)}</select>
        <button type="button" data-add="asset" @click=${() => this.addAssetRow()}>${t('la_ls_addPrefix')}</button>
      </div>`}
      ${this.errors.assetAccountMap ? html`<p class="error" role="alert">${this.errors.assetAccountMap}</p>` : nothing}
    </div>`;
  }

  private renderOption(key: string, value: unknown) {
    const ro = !this.canEditSettings;
    if (key === 'assetAccountMap') return this.renderAssetMap();
    if ((KNOWN_FLAGS as readonly string[]).includes(key)) {
      return html`<p><label class="check" data-option=${key}><input type="checkbox" name=${key} .checked=${value === true} ?disabled=${ro}
        @change=${(e: Event) => this.patch({ [key]: (e.target as HTMLInputElement).checked })} />${t(`la_ls_opt_${key}` as MessageKey)}</label></p>`;
    }
    const choices = KNOWN_OPTIONS[key];
    const label = choices ? t(`la_ls_opt_${key}` as MessageKey) : key;
    if (choices) {
      return html`<label class="field" data-option=${key}>${label}
        <select name=${key} ?disabled=${ro} @change=${(e: Event) => this.patch({ [key]: (e.target as HTMLSelectElement).value })}>
          ${choices.map((c) => html`<option value=${c} ?selected=${value === c}>${t(`la_ls_opt_${key}_${c}` as MessageKey)}</option>`)}
        </select></label>`;
    }
    if (typeof value === 'boolean') {
      return html`<label class="check" data-option=${key}><input type="checkbox" name=${key} .checked=${value} ?disabled=${ro}
        @change=${(e: Event) => this.patch({ [key]: (e.target as HTMLInputElement).checked })} />${label}</label>`;
    }
    if (typeof value === 'number' || typeof value === 'string') {
      return html`<label class="field" data-option=${key}>${label}
        <input name=${key} type=${typeof value === 'number' ? 'number' : 'text'} .value=${String(value)} ?disabled=${ro}
          @input=${(e: Event) => { const v = (e.target as HTMLInputElement).value; this.patch({ [key]: typeof value === 'number' ? Number(v) : v }); }} /></label>`;
    }
    // Lists and objects the page does not know are kept as they are and shown read-only.
    return html`<p class="muted" data-option=${key}>${label}: <code>${JSON.stringify(value)}</code></p>`;
  }

  private renderSettings(d: LedgerSettings) {
    const ro = !this.canEditSettings;
    const options = Object.keys(d).filter((k) => k !== 'flexibleThreshold' && k !== 'kindEconomicMap');
    // A known option the answer left out shows its first choice, the core's default.
    for (const k of [...Object.keys(KNOWN_OPTIONS), ...KNOWN_FLAGS, 'assetAccountMap']) if (!options.includes(k)) options.push(k);
    return html`<section class="card" aria-labelledby="h-settings">
      <h2 id="h-settings">${t('la_ls_settings')}</h2>
      ${ro ? html`<p class="muted">${t('la_ls_settingsReadOnly')}</p>` : nothing}
      <form novalidate @submit=${this.saveSettings}>
        <div class="threshold" data-field="flexibleThreshold">
          <ub-amount-input allow-zero required label=${t('la_ls_threshold')} .value=${d.flexibleThreshold} ?disabled=${ro}
            @amount-change=${(e: CustomEvent<AmountChange>) => {
              const { flexibleThreshold: _, ...rest } = this.errors;
              this.errors = e.detail.error ? { ...rest, flexibleThreshold: e.detail.error } : rest;
              if (e.detail.fen !== null) this.patch({ flexibleThreshold: e.detail.fen });
            }}></ub-amount-input>
          <p class="muted">${t('la_ls_thresholdHint')}</p>
        </div>
        <h3>${t('la_ls_map')}</h3>
        <p class="muted">${t('la_ls_mapHint')}</p>
        <div class="x-scroll" ${scrollHint()}><table data-table="map">
          <thead><tr><th>${t('la_ls_kind')}</th><th>${t('la_ls_prefixes')}</th></tr></thead>
          <tbody>${KINDS.map((k) => html`<tr data-kind=${k}>
            <td class="nowrap">${t(kindLabelKey(k))}</td>
            <td>
              <div class="prefixes">${d.kindEconomicMap[k].map((code) => html`<span class="prefix" data-code=${code}>${code} ${this.econName(code)}
                ${ro ? nothing : html`<button type="button" aria-label=${t('la_ls_removePrefix', { code })} @click=${() => this.removePrefix(k, code)}>×</button>`}</span>`)}</div>
              ${ro ? nothing : html`<div class="row add" style="margin-top:6px">
                <input name=${`add-${k}`} inputmode="numeric" list="econ-codes" aria-label=${t('la_ls_addPrefixFor', { kind: t(kindLabelKey(k)) })}
                  .value=${this.adding[k]} aria-invalid=${this.errors[`map.${k}`] ? 'true' : 'false'}
                  @input=${(e: Event) => (this.adding = { ...this.adding, [k]: (e.target as HTMLInputElement).value })}
                  @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') { e.preventDefault(); this.addPrefix(k); } }} />
                <button type="button" data-add=${k} @click=${() => this.addPrefix(k)}>${t('la_ls_addPrefix')}</button>
                ${this.adding[k].trim() && this.econName(this.adding[k].trim()) ? html`<span class="muted">${this.econName(this.adding[k].trim())}</span>` : nothing}
              </div>`}
              ${this.errors[`map.${k}`] ? html`<p class="error" role="alert">${this.errors[`map.${k}`]}</p>` : nothing}
            </td>
          </tr>`)}</tbody>
        </table></div>
        <datalist id="econ-codes">${this.economic.filter((c) => c.code.length <= 5).map((c) => html`<option value=${c.code}>${c.name}</option>`)}</datalist>
        ${options.length ? html`<h3>${t('la_ls_options')}</h3>${options.map((k) => this.renderOption(k, d[k]))}` : nothing}
        ${ro ? nothing : html`<div class="actions"><button class="primary" type="submit" ?disabled=${this.busy}>${t('la_save')}</button></div>`}
      </form>
    </section>`;
  }

  private renderCaps() {
    const ro = !this.canEditCaps;
    const used = new Map((this.caps ?? []).map((c) => [c.economicCode, c.used]));
    return html`<section class="card" aria-labelledby="h-caps">
      <h2 id="h-caps">${t('la_ls_caps')}</h2>
      <div class="row">
        <label class="field">${t('year')}
          <select name="capYear" @change=${(e: Event) => { this.capYear = Number((e.target as HTMLSelectElement).value); void this.loadCaps(); }}>
            ${this.years.map((y) => html`<option value=${y} ?selected=${y === this.capYear}>${y}</option>`)}
          </select></label>
      </div>
      ${this.capsError
        ? html`<p class="muted" data-caps-error>${this.capsError}</p>`
        : this.caps === null
          ? html`<p class="muted">${t('loading')}</p>`
          : html`<form novalidate @submit=${this.saveCaps}>
              <p class="muted">${t('la_unitYuan')}${ro ? html`${t('semi')}${t('la_ls_capsReadOnly')}` : nothing}</p>
              <div class="x-scroll" ${scrollHint()}><table data-table="caps">
                <thead><tr><th>${t('la_ls_capCode')}</th><th class="num">${t('la_ls_cap')}</th><th class="num">${t('la_ls_used')}</th><th class="num">${t('la_ls_left')}</th></tr></thead>
                <tbody>${this.capCodes.map((code) => {
                  const cap = this.capDraft[code] ?? null;
                  const u = used.get(code) ?? 0;
                  return html`<tr data-code=${code}>
                    <td><span class="nowrap">${code}</span> ${this.econName(code)}</td>
                    <td class="num">${ro
                      ? cap === null ? t('la_ls_noCap') : formatFen(cap)
                      : html`<ub-amount-input allow-zero label=${t('la_ls_capFor', { code })} .value=${cap}
                          @amount-change=${(e: CustomEvent<AmountChange>) => (this.capDraft = { ...this.capDraft, [code]: e.detail.fen })}></ub-amount-input>`}</td>
                    <td class="num">${formatFen(u)}</td>
                    <td class="num ${cap !== null && cap < u ? 'error' : ''}">${cap === null ? '' : formatFen(cap - u)}</td>
                  </tr>`;
                })}</tbody>
              </table></div>
              ${ro ? nothing : html`<div class="actions"><button class="primary" type="submit" ?disabled=${this.busy}>${t('la_ls_saveCaps')}</button></div>`}
            </form>`}
    </section>`;
  }

  override render() {
    return html`<h1>${t('la_ls_title')}</h1>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${this.draft ? this.renderSettings(this.draft) : nothing}
      ${this.renderCaps()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-ledger-settings': UbLedgerSettings }
}
