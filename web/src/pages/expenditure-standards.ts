import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { errorText, get, qs } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import { classNames } from '../lib/context.js';
import { scrollHint } from '../lib/scroll-hint.js';
import type { FiscalYear } from '../lib/types.js';

/** GET /api/expenditure-standards (core/ledger/rules/schema.ts StandardView). */
export interface ExpenditureStandard {
  year: number;
  item: string;
  tier: string;
  name: string;
  economicCode: string;
  capPerUnit: number;
  per: string;
}

/** A label of the page's own table, else the code as the core gave it (a province's own items). */
function label(prefix: string, code: string): string {
  const key = `${prefix}${code}` as MessageKey;
  const s = t(key);
  return s === key ? code : s;
}

/** 支出标准: the expenditure standards in force in a year, by item and tier, caps in 元 per unit of measure. Read-only. */
@customElement('ub-expenditure-standards')
export class UbExpenditureStandards extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 1000px; }
    section { margin-bottom: 16px; }
    td.name { min-width: 14em; }
  `];

  @state() year = new Date().getFullYear();
  @state() years: number[] = [];
  @state() standards: ExpenditureStandard[] | null = null;
  @state() econ = new Map<string, string>();
  @state() error = '';

  async load() {
    void classNames('economic').then((m) => (this.econ = m));
    try {
      const fys = await get<FiscalYear[]>(`/api/units/${this.ctx.unitId}/fiscal-years`).catch(() => [] as FiscalYear[]);
      this.years = [...new Set([...fys.map((f) => f.year), this.year])].sort((a, b) => b - a);
    } catch {
      this.years = [this.year];
    }
    await this.loadYear();
  }

  async loadYear() {
    this.standards = null;
    this.error = '';
    try {
      this.standards = await get<ExpenditureStandard[]>(`/api/expenditure-standards${qs({ year: this.year })}`);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  /** The standards grouped by item, in the order the core lists them. */
  get groups(): Array<[string, ExpenditureStandard[]]> {
    const m = new Map<string, ExpenditureStandard[]>();
    for (const s of this.standards ?? []) m.set(s.item, [...(m.get(s.item) ?? []), s]);
    return [...m];
  }

  override render() {
    return html`<h1>${t('la_st_title')}</h1>
      <p class="muted">${t('la_st_intro')}</p>
      <div class="row">
        <label class="field">${t('year')}
          <select name="year" @change=${(e: Event) => { this.year = Number((e.target as HTMLSelectElement).value); void this.loadYear(); }}>
            ${this.years.map((y) => html`<option value=${y} ?selected=${y === this.year}>${y}</option>`)}
          </select></label>
      </div>
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${this.standards === null
        ? html`<p class="muted">${t('loading')}</p>`
        : this.standards.length === 0
          ? html`<p class="muted">${t('la_st_none', { year: this.year })}</p>`
          : html`<p class="muted">${t('la_unitYuan')}</p>
            ${this.groups.map(([item, rows]) => html`<section data-item=${item}>
              <h2>${label('la_st_item_', item)}</h2>
              <div class="x-scroll" ${scrollHint()}><table>
                <thead><tr><th>${t('la_st_tier')}</th><th>${t('la_st_name')}</th><th>${t('la_st_economic')}</th><th class="num">${t('la_st_cap')}</th></tr></thead>
                <tbody>${rows.map((s) => html`<tr data-tier=${s.tier}>
                  <td class="nowrap">${label('la_st_tier_', s.tier)}</td>
                  <td class="name">${s.name}</td>
                  <td><span class="nowrap">${s.economicCode}</span> ${this.econ.get(s.economicCode) ?? ''}</td>
                  <td class="num"><span data-cap>${formatFen(s.capPerUnit)}</span><br /><span class="muted" data-per>${label('la_st_per_', s.per)}</span></td>
                </tr>`)}</tbody>
              </table></div>
            </section>`)}`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-expenditure-standards': UbExpenditureStandards }
}
