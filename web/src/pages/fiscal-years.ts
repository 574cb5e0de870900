import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { errorText, get, post, qs, runAction } from '../lib/api.js';
import { ServerFieldErrors } from '../lib/field-errors.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatFen, moneyUnit } from '../lib/money.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';
import type { FiscalYear, YearEndView } from '../lib/types.js';

/**
 * 预算年度与年终结转: the unit's fiscal years (create one, roll over into the next), and the year end of
 * a year — its preview (per indicator the unspent balance, 结转 or 结余, and the rule that decided)
 * and, once, its run.
 */
@customElement('ub-fiscal-years')
export class UbFiscalYears extends UnitPage {
  static override styles = [shared, css`
    th.action, td.action { text-align: right; width: 1%; white-space: nowrap; }
    :host { display: block; max-width: 1100px; }
    section { margin-bottom: 20px; }
    .row input[type='number'] { width: 8em; }
    .confirm { margin: 10px 0; }
    .confirm .buttons { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 8px; }
    dl.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px; margin: 8px 0; }
    dl.totals div { background: #fff; border: 1px solid #dde3ea; border-radius: 6px; padding: 8px 10px; }
    dl.totals dt { color: #667085; font-size: 12px; }
    dl.totals dd { margin: 0; font-size: 16px; font-variant-numeric: tabular-nums; }
    td.rule { min-width: 12em; }
  `];

  @state() years: FiscalYear[] = [];
  @state() newYear: number | null = null;
  @state() rollingOver: number | null = null;
  @state() yearEndYear: number | null = null;
  @state() preview: YearEndView | null = null;
  @state() confirmRun = false;
  @state() message = '';
  @state() error = '';
  @state() fieldError = '';
  @state() busy = false;

  /** Finance officers manage periods and run the year end (period.manage). */
  get canManage(): boolean {
    return !this.ctx.readOnly && this.ctx.roles.includes('finance_officer');
  }

  async load() {
    await this.loadYears();
    if (this.yearEndYear !== null) await this.loadPreview();
  }

  async loadYears() {
    try {
      this.years = (await get<FiscalYear[]>(`/api/units/${this.ctx.unitId}/fiscal-years`)).sort((a, b) => b.year - a.year);
      const latest = this.years[0]?.year;
      this.newYear ??= latest !== undefined ? latest + 1 : new Date().getFullYear();
      // The year end of the oldest year not yet closed off: the latest closed one, else the oldest open one.
      this.yearEndYear ??= this.years.find((y) => y.status === 'closed')?.year ?? this.years[this.years.length - 1]?.year ?? null;
    } catch (e) {
      this.error = errorText(e);
    }
  }

  async loadPreview() {
    if (this.yearEndYear === null) return;
    this.preview = null;
    try {
      this.preview = await get<YearEndView>(`/api/units/${this.ctx.unitId}/year-end${qs({ year: this.yearEndYear })}`);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  get newYearError(): string {
    const y = this.newYear;
    if (y === null || !Number.isInteger(y) || y < 2000 || y > 2100) return t('la_pj_yearRange');
    if (this.years.some((f) => f.year === y)) return t('la_fy_exists', { year: y });
    return '';
  }

  /** The server's refusals under the field they name (the new year). */
  readonly fields = new ServerFieldErrors(this);

  private act(fn: () => Promise<string>) {
    this.fields.clear();
    return runAction(this, fn, undefined, this.fields);
  }

  async create(e?: Event) {
    e?.preventDefault();
    this.fieldError = this.newYearError;
    if (this.fieldError) return;
    const year = this.newYear!;
    await this.act(async () => {
      await post(`/api/units/${this.ctx.unitId}/fiscal-years`, { year });
      this.newYear = year + 1;
      await this.loadYears();
      return t('la_fy_created', { year });
    });
  }

  async rollover(year: number) {
    await this.act(async () => {
      await post(`/api/units/${this.ctx.unitId}/fiscal-years/${year}/rollover`, {});
      this.rollingOver = null;
      await this.loadYears();
      return t('la_fy_rolledOver', { year, next: year + 1 });
    });
  }

  async runYearEnd() {
    const year = this.yearEndYear;
    if (year === null) return;
    await this.act(async () => {
      this.preview = await post<YearEndView>(`/api/units/${this.ctx.unitId}/year-end`, { year });
      this.confirmRun = false;
      await this.loadYears();
      return t('la_ye_done', { year, carried: formatFen(this.preview.totals.carried), surplus: formatFen(this.preview.totals.surplus) });
    });
  }

  private renderYears() {
    const years = new Set(this.years.map((y) => y.year));
    return html`<section aria-labelledby="h-years">
      <h2 id="h-years">${t('la_fy_years')}</h2>
      ${this.canManage
        ? html`<form class="row" novalidate @submit=${this.create}>
            <label class="field">${t('la_fy_newYear')}
              <input name="year" type="number" min="2000" max="2100" .value=${this.newYear === null ? '' : String(this.newYear)}
                aria-invalid=${this.fieldError ? 'true' : 'false'}
                @input=${(e: Event) => { const v = (e.target as HTMLInputElement).value; this.newYear = v ? Number(v) : null; this.fieldError = ''; }} /></label>
            <button class="primary" type="submit" ?disabled=${this.busy}>${t('la_fy_create')}</button>
          </form>
          ${this.fieldError ? html`<p class="error" role="alert" data-error="year">${this.fieldError}</p>` : nothing}`
        : nothing}
      ${this.rollingOver !== null
        ? html`<div class="card confirm" role="alertdialog" aria-label=${t('la_fy_rollover')}>
            <p>${t('la_fy_rolloverConfirm', { year: this.rollingOver, next: this.rollingOver + 1 })}</p>
            <div class="buttons">
              <button class="primary" data-action="confirm-rollover" ?disabled=${this.busy} @click=${() => this.rollover(this.rollingOver!)}>${t('la_fy_rolloverButton', { next: this.rollingOver + 1 })}</button>
              <button @click=${() => (this.rollingOver = null)}>${t('cancel')}</button>
            </div>
          </div>`
        : nothing}
      <div class="x-scroll" ${scrollHint()}><table data-table="years">
        <thead><tr><th>${t('year')}</th><th>${t('status')}</th><th>${t('la_fy_closedMonths')}</th><th class="action">${t('action')}</th></tr></thead>
        <tbody>
          ${this.years.length === 0 ? html`<tr><td colspan="4" class="muted">${t('none')}</td></tr>` : nothing}
          ${this.years.map((y) => html`<tr data-year=${y.year}>
            <td>${y.year}</td>
            <td><span class="badge ${y.status === 'closed' ? 'ok' : ''}">${t(y.status === 'closed' ? 'la_fy_closed' : 'la_fy_open')}</span></td>
            <td>${t('la_fy_monthsClosed', { n: y.periods.filter((p) => p.status === 'closed').length })}</td>
            <td class="action">${this.canManage && !years.has(y.year + 1)
              ? html`<button data-action="rollover" @click=${() => { this.rollingOver = y.year; this.message = ''; }}>${t('la_fy_rollover')}</button>`
              : nothing}</td>
          </tr>`)}
        </tbody>
      </table></div>
    </section>`;
  }

  private renderYearEnd() {
    const y = this.preview;
    return html`<section aria-labelledby="h-yearend">
      <h2 id="h-yearend">${t('la_ye_title')}</h2>
      <div class="row">
        <label class="field">${t('year')}
          <select name="yearEndYear" @change=${(e: Event) => { this.yearEndYear = Number((e.target as HTMLSelectElement).value); this.confirmRun = false; void this.loadPreview(); }}>
            ${this.years.map((f) => html`<option value=${f.year} ?selected=${f.year === this.yearEndYear}>${f.year}</option>`)}
          </select></label>
      </div>
      ${!y
        ? html`<p class="muted">${this.yearEndYear === null ? t('none') : t('loading')}</p>`
        : html`
          <p data-state=${y.alreadyRun ? 'run' : 'preview'}>${y.alreadyRun
            ? html`<span class="badge ok">${t('la_ye_ran')}</span> ${t('la_ye_ranAt', { year: y.year, at: when(y.runAt) })}`
            : html`<span class="badge pending">${t('la_ye_previewBadge')}</span> ${t('la_ye_previewNote', { year: y.year, next: y.nextYear })}`}</p>
          <p>${moneyUnit()}</p>
          <dl class="totals">
            ${(['amount', 'paid', 'unspent', 'carried', 'surplus'] as const).map((k) => html`<div data-total=${k}><dt>${t(`la_ye_${k}` as MessageKey)}</dt><dd>${formatFen(y.totals[k])}</dd></div>`)}
          </dl>
          ${this.canManage && !y.alreadyRun
            ? this.confirmRun
              ? html`<div class="card confirm" role="alertdialog" aria-label=${t('la_ye_run')}>
                  <p>${t('la_ye_runConfirm', { year: y.year, next: y.nextYear, carried: formatFen(y.totals.carried), surplus: formatFen(y.totals.surplus) })}</p>
                  <div class="buttons">
                    <button class="primary" data-action="confirm-year-end" ?disabled=${this.busy} @click=${() => this.runYearEnd()}>${t('la_ye_runButton', { year: y.year })}</button>
                    <button @click=${() => (this.confirmRun = false)}>${t('cancel')}</button>
                  </div>
                </div>`
              : html`<p><button data-action="year-end" @click=${() => { this.confirmRun = true; this.message = ''; }}>${t('la_ye_run')}</button></p>`
            : nothing}
          <div class="x-scroll" ${scrollHint()}><table data-table="year-end">
            <thead><tr><th>${t('la_ye_indicator')}</th><th class="num">${t('la_ye_amount')}</th><th class="num">${t('la_ye_paid')}</th>
              <th class="num">${t('la_ye_unspent')}</th><th>${t('la_ye_decision')}</th><th>${t('la_ye_rule')}</th></tr></thead>
            <tbody>
              ${y.items.length === 0 ? html`<tr><td colspan="6" class="muted">${t('none')}</td></tr>` : nothing}
              ${y.items.map((i) => html`<tr data-indicator=${i.indicatorId}>
                <td><span class="nowrap">${i.code}</span><br />${i.name}</td>
                <td class="num">${formatFen(i.amount)}</td>
                <td class="num">${formatFen(i.paid)}</td>
                <td class="num">${formatFen(i.unspent)}</td>
                <td class="nowrap"><span class="badge ${i.decision === 'carry_forward' ? 'returned' : i.decision === 'surplus' ? 'warn' : ''}">${t(`la_ye_${i.decision}` as MessageKey)}</span></td>
                <td class="rule">${i.rule}</td>
              </tr>`)}
            </tbody>
          </table></div>`}
    </section>`;
  }

  override render() {
    return html`<h1>${t('la_fy_title')}</h1>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${this.renderYears()}
      ${this.renderYearEnd()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-fiscal-years': UbFiscalYears }
}
