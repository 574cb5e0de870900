import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { api, errorText, get, post, qs, runAction } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import { today } from '../lib/context.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { moneyUnit } from '../lib/money-unit.js';
import { ServerFieldErrors } from '../lib/field-errors.js';

/** GET /api/units/:unitId/assets (core/ledger/assets/schema.ts AssetView); money in fen. */
export interface AssetCard {
  id: number;
  code: string;
  name: string;
  classCode: string;
  className: string;
  accountCode: string;
  accountName: string;
  value: number;
  accumulated: number;
  netValue: number;
  departmentId: number;
  departmentName: string;
  departmentFunction: 'business' | 'management';
  acquiredOn: string;
  completedOn: string | null;
  usefulLifeMonths: number | null;
  status: 'in_use' | 'under_construction';
  economicCode: string;
  economicName: string;
  paymentId: number | null;
  /** The payment's number in the unit's series (ZF2026-0001): shown instead of its id. */
  paymentDocNo: string | null;
  depreciationStarted: boolean;
}

export interface AssetCardDetail extends AssetCard {
  schedule: Array<{ year: number; month: number; amount: number; cumulative: number; posted: boolean }>;
  entries: Array<{ year: number; month: number; amount: number; entryId: number; voucherNo: string }>;
}

/** GET /api/units/:unitId/asset-useful-lives (UsefulLifeView): months, null = not depreciated / no floor. */
export interface UsefulLife {
  classCode: string;
  name: string;
  group: string;
  floorMonths: number | null;
  defaultMonths: number | null;
  months: number | null;
}

const lifeText = (months: number | null) =>
  months === null ? t('as_noLife') : t('as_lifeMonths', { months, years: Number.isInteger(months / 12) ? months / 12 : (months / 12).toFixed(1) });

/** Classes a card on an account may take (core/ledger/assets/data.ts classFitsAccount). */
function fits(classCode: string, account: string): boolean {
  if (account === '1701') return classCode === 'software';
  if (account === '1613') return classCode === 'construction';
  return classCode !== 'software' && classCode !== 'construction';
}

/**
 * 资产卡片 / 固定资产登记簿: the cards capital payments registered, with cost, accumulated depreciation
 * and net value (元); a card's schedule and posted vouchers; finance edits a card (before depreciation
 * starts for class, life and department), completes construction (转固), and sets useful lives.
 */
@customElement('ub-asset-register')
export class UbAssetRegister extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 1200px; }
    section { margin-bottom: 16px; }
    tr.selected td { background: #eef4ff; }
    tfoot td { font-weight: 600; }
    .schedule { max-height: 320px; overflow: auto; }
    form.card { display: flex; flex-direction: column; gap: 10px; }
    dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 12px; margin: 0 0 12px; }
    dt { color: #667085; }
    dd { margin: 0; overflow-wrap: anywhere; }
    input.months { width: 6em; }
  `];

  @state() assets: AssetCard[] | null = null;
  @state() status: '' | AssetCard['status'] = '';
  @state() detail: AssetCardDetail | null = null;
  @state() draft = { name: '', classCode: '', usefulLifeMonths: '', departmentId: 0 };
  @state() completion = { date: today(), classCode: 'building_rc' };
  @state() lives: UsefulLife[] = [];
  @state() lifeDrafts: Record<string, string> = {};
  @state() message = '';
  @state() error = '';
  @state() busy = false;

  get canEdit(): boolean {
    return this.ctx.roles.includes('finance_officer') && !this.ctx.readOnly;
  }

  async load() {
    this.error = '';
    try {
      const [assets, lives] = await Promise.all([
        get<AssetCard[]>(`/api/units/${this.ctx.unitId}/assets${qs({ status: this.status || undefined })}`),
        get<UsefulLife[]>(`/api/units/${this.ctx.unitId}/asset-useful-lives`),
      ]);
      this.assets = assets;
      this.lives = lives;
      this.lifeDrafts = Object.fromEntries(lives.filter((l) => l.months !== null).map((l) => [l.classCode, String(l.months)]));
    } catch (e) {
      this.error = errorText(e);
      this.assets ??= [];
    }
  }

  async open(id: number) {
    if (this.detail?.id === id) {
      this.detail = null;
      return;
    }
    this.error = '';
    try {
      this.showDetail(await get<AssetCardDetail>(`/api/units/${this.ctx.unitId}/assets/${id}`));
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private showDetail(d: AssetCardDetail) {
    this.detail = d;
    this.draft = { name: d.name, classCode: d.classCode, usefulLifeMonths: d.usefulLifeMonths === null ? '' : String(d.usefulLifeMonths), departmentId: d.departmentId };
  }

  /** The server's refusals under the fields of the card's forms (name, class, useful life, department, completion). */
  readonly fields = new ServerFieldErrors(this, () => this.renderRoot.querySelector('section.card'));

  private run(fn: () => Promise<string>) {
    this.fields.clear();
    return runAction(this, fn, () => this.load(), this.fields);
  }

  save(e: Event) {
    e.preventDefault();
    const d = this.detail;
    if (!d) return Promise.resolve();
    const body: Record<string, unknown> = {};
    if (this.draft.name.trim() !== d.name) body.name = this.draft.name.trim();
    if (!d.depreciationStarted) {
      if (this.draft.classCode !== d.classCode) body.classCode = this.draft.classCode;
      if (this.draft.departmentId !== d.departmentId) body.departmentId = this.draft.departmentId;
      const months = Number(this.draft.usefulLifeMonths);
      if (d.status === 'in_use' && this.draft.usefulLifeMonths !== '' && months !== d.usefulLifeMonths) body.usefulLifeMonths = months;
    }
    if (Object.keys(body).length === 0) return Promise.resolve();
    return this.run(async () => {
      const updated = await api<AssetCardDetail>('PATCH', `/api/units/${this.ctx.unitId}/assets/${d.id}`, body);
      this.showDetail(updated);
      return t('as_saved', { code: updated.code });
    });
  }

  complete(e: Event) {
    e.preventDefault();
    const d = this.detail;
    if (!d) return Promise.resolve();
    return this.run(async () => {
      const updated = await post<AssetCardDetail>(`/api/units/${this.ctx.unitId}/assets/${d.id}/complete`, this.completion);
      this.showDetail(updated);
      return t('as_completed', { code: updated.code });
    });
  }

  saveLives(e: Event) {
    e.preventDefault();
    const changed = this.lives
      .filter((l) => l.months !== null && this.lifeDrafts[l.classCode] !== undefined && Number(this.lifeDrafts[l.classCode]) !== l.months)
      .map((l) => ({ classCode: l.classCode, months: Number(this.lifeDrafts[l.classCode]) }));
    if (changed.length === 0) return Promise.resolve();
    return this.run(async () => {
      await api('PUT', `/api/units/${this.ctx.unitId}/asset-useful-lives`, { lives: changed });
      return t('as_livesSaved');
    });
  }

  private renderList(assets: AssetCard[]) {
    if (assets.length === 0) return html`<p class="muted">${t('as_none')}</p>`;
    const sum = (f: (a: AssetCard) => number) => assets.reduce((s, a) => s + f(a), 0);
    return html`<p>${moneyUnit()}</p>
      <div class="x-scroll" ${scrollHint()}><table>
        <thead><tr>
          <th>${t('as_code')}</th><th>${t('as_name')}</th><th>${t('as_class')}</th><th>${t('as_account')}</th><th>${t('as_department')}</th>
          <th>${t('as_acquiredOn')}</th><th class="num">${t('as_value')}</th><th class="num">${t('as_accumulated')}</th><th class="num">${t('as_netValue')}</th>
          <th>${t('as_life')}</th><th>${t('as_status')}</th><th></th>
        </tr></thead>
        <tbody>${assets.map((a) => html`<tr data-asset=${a.id} class=${this.detail?.id === a.id ? 'selected' : ''}>
          <td class="nowrap">${a.code}</td>
          <td>${a.name}</td>
          <td>${a.className}</td>
          <td><span class="nowrap">${a.accountCode}</span> ${a.accountName}</td>
          <td>${a.departmentName} <span class="muted nowrap">${t(`as_fn_${a.departmentFunction}`)}</span></td>
          <td class="date">${a.acquiredOn}</td>
          <td class="num">${formatFen(a.value)}</td>
          <td class="num">${formatFen(a.accumulated)}</td>
          <td class="num">${formatFen(a.netValue)}</td>
          <td class="nowrap">${lifeText(a.usefulLifeMonths)}</td>
          <td><span class="badge ${a.status === 'in_use' ? 'ok' : 'pending'}">${t(`as_status_${a.status}`)}</span></td>
          <td><button type="button" @click=${() => this.open(a.id)}>${this.detail?.id === a.id ? t('as_close') : t('as_open')}</button></td>
        </tr>`)}</tbody>
        <tfoot><tr>
          <td colspan="6">${t('as_total')}</td>
          <td class="num">${formatFen(sum((a) => a.value))}</td>
          <td class="num">${formatFen(sum((a) => a.accumulated))}</td>
          <td class="num">${formatFen(sum((a) => a.netValue))}</td>
          <td colspan="3"></td>
        </tr></tfoot>
      </table></div>`;
  }

  private renderDetail(d: AssetCardDetail) {
    const classes = this.lives.filter((l) => fits(l.classCode, d.accountCode));
    const fixedClasses = this.lives.filter((l) => fits(l.classCode, '1601') && l.months !== null);
    return html`<section class="card" aria-label=${t('as_detail', { code: d.code })}>
      <h2>${t('as_detail', { code: d.code })}</h2>
      <dl>
        <dt>${t('as_name')}</dt><dd>${d.name}</dd>
        <dt>${t('as_class')}</dt><dd>${d.className}</dd>
        <dt>${t('as_account')}</dt><dd>${d.accountCode} ${d.accountName}</dd>
        <dt>${t('as_economic')}</dt><dd>${d.economicCode} ${d.economicName}</dd>
        <dt>${t('as_department')}</dt><dd>${d.departmentName}（${t(`as_fn_${d.departmentFunction}`)}）</dd>
        <dt>${t('as_acquiredOn')}</dt><dd>${d.acquiredOn}</dd>
        ${d.completedOn ? html`<dt>${t('as_completedOn')}</dt><dd>${d.completedOn}</dd>` : nothing}
        <dt>${t('as_value')}</dt><dd>${formatFen(d.value)} ${moneyUnit()}</dd>
        <dt>${t('as_accumulated')}</dt><dd>${formatFen(d.accumulated)}</dd>
        <dt>${t('as_netValue')}</dt><dd>${formatFen(d.netValue)}</dd>
        <dt>${t('as_life')}</dt><dd>${lifeText(d.usefulLifeMonths)}</dd>
        ${d.paymentId !== null ? html`<dt>${t('as_payment')}</dt><dd class="nowrap">${d.paymentDocNo ?? '—'}</dd>` : nothing}
      </dl>
      ${this.canEdit ? html`<form class="card" @submit=${this.save} aria-label=${t('as_edit')}>
        <h3>${t('as_edit')}</h3>
        ${d.depreciationStarted ? html`<p class="muted">${t('as_editLocked')}</p>` : nothing}
        <label class="field">${t('as_name')}<input name="name" required maxlength="100" .value=${this.draft.name} @input=${(e: Event) => (this.draft = { ...this.draft, name: (e.target as HTMLInputElement).value })} /></label>
        <label class="field">${t('as_class')}<select name="classCode" ?disabled=${d.depreciationStarted} @change=${(e: Event) => (this.draft = { ...this.draft, classCode: (e.target as HTMLSelectElement).value })}>
          ${classes.map((c) => html`<option value=${c.classCode} ?selected=${c.classCode === this.draft.classCode}>${c.group} · ${c.name}</option>`)}
        </select></label>
        ${d.status === 'in_use' ? html`<label class="field">${t('as_life')}（${t('as_unitLife')}）<input name="usefulLifeMonths" type="number" min="1" max="1200" class="months" ?disabled=${d.depreciationStarted}
          .value=${this.draft.usefulLifeMonths} @input=${(e: Event) => (this.draft = { ...this.draft, usefulLifeMonths: (e.target as HTMLInputElement).value })} /></label>` : nothing}
        <label class="field">${t('as_department')}<select name="departmentId" ?disabled=${d.depreciationStarted} @change=${(e: Event) => (this.draft = { ...this.draft, departmentId: Number((e.target as HTMLSelectElement).value) })}>
          ${this.ctx.departments.map((dep) => html`<option value=${dep.id} ?selected=${dep.id === this.draft.departmentId}>${dep.code} ${dep.name}</option>`)}
        </select></label>
        <div><button class="primary" type="submit" ?disabled=${this.busy}>${t('as_save')}</button></div>
      </form>` : nothing}
      ${this.canEdit && d.status === 'under_construction' ? html`<form class="card" @submit=${this.complete} aria-label=${t('as_complete')}>
        <h3>${t('as_complete')}</h3>
        <p class="muted">${t('as_completeHint')}</p>
        <label class="field">${t('as_completeDate')}<input name="completeDate" data-field="date" type="date" .value=${this.completion.date} @input=${(e: Event) => (this.completion = { ...this.completion, date: (e.target as HTMLInputElement).value })} /></label>
        <label class="field">${t('as_class')}<select name="completeClass" data-field="classCode" @change=${(e: Event) => (this.completion = { ...this.completion, classCode: (e.target as HTMLSelectElement).value })}>
          ${fixedClasses.map((c) => html`<option value=${c.classCode} ?selected=${c.classCode === this.completion.classCode}>${c.group} · ${c.name}（${lifeText(c.months)}）</option>`)}
        </select></label>
        <div><button class="primary" type="submit" ?disabled=${this.busy}>${t('as_completeDo')}</button></div>
      </form>` : nothing}
      ${d.schedule.length ? html`<h3>${t('as_schedule')}</h3><p>${moneyUnit()}</p>
        <div class="x-scroll schedule" ${scrollHint()}><table>
          <thead><tr><th>${t('as_month')}</th><th class="num">${t('as_monthAmount')}</th><th class="num">${t('as_cumulative')}</th><th>${t('as_posted')}</th></tr></thead>
          <tbody>${d.schedule.map((s) => html`<tr data-period=${`${s.year}-${s.month}`}>
            <td class="nowrap">${s.year}-${String(s.month).padStart(2, '0')}</td>
            <td class="num">${formatFen(s.amount)}</td><td class="num">${formatFen(s.cumulative)}</td>
            <td>${s.posted ? html`<span class="badge ok">${t('as_posted')}</span>` : html`<span class="muted">${t('as_notPosted')}</span>`}</td>
          </tr>`)}</tbody>
        </table></div>` : nothing}
      ${d.entries.length ? html`<h3>${t('as_entries')}</h3>
        <div class="x-scroll" ${scrollHint()}><table>
          <thead><tr><th>${t('as_month')}</th><th>${t('as_voucher')}</th><th class="num">${t('as_monthAmount')}</th></tr></thead>
          <tbody>${d.entries.map((e) => html`<tr><td class="nowrap">${e.year}-${String(e.month).padStart(2, '0')}</td><td class="nowrap">${e.voucherNo}</td><td class="num">${formatFen(e.amount)}</td></tr>`)}</tbody>
        </table></div>` : nothing}
    </section>`;
  }

  private renderLives() {
    const years = (m: number | null) => (m === null ? t('as_noFloor') : t('as_years', { years: m / 12 }));
    return html`<form class="card" @submit=${this.saveLives} aria-label=${t('as_lives')}>
      <h2>${t('as_lives')}</h2>
      <p class="muted">${t('as_livesIntro')}</p>
      <div class="x-scroll" ${scrollHint()}><table>
        <thead><tr><th>${t('as_group')}</th><th>${t('as_class')}</th><th>${t('as_floor')}</th><th>${t('as_default')}</th><th>${t('as_unitLife')}</th></tr></thead>
        <tbody>${this.lives.map((l) => html`<tr data-class=${l.classCode}>
          <td class="nowrap">${l.group}</td><td>${l.name}</td>
          <td class="nowrap">${l.defaultMonths === null ? '—' : years(l.floorMonths)}</td>
          <td class="nowrap">${l.defaultMonths === null ? t('as_noLife') : years(l.defaultMonths)}</td>
          <td>${l.months === null ? '—' : this.canEdit
            ? html`<input class="months" type="number" name=${`life-${l.classCode}`} min=${l.floorMonths ?? 1} aria-label=${`${l.name} ${t('as_unitLife')}`}
                .value=${this.lifeDrafts[l.classCode] ?? ''} @input=${(e: Event) => (this.lifeDrafts = { ...this.lifeDrafts, [l.classCode]: (e.target as HTMLInputElement).value })} />`
            : l.months}</td>
        </tr>`)}</tbody>
      </table></div>
      ${this.canEdit ? html`<div><button class="primary" type="submit" ?disabled=${this.busy}>${t('as_livesSave')}</button></div>` : nothing}
    </form>`;
  }

  override render() {
    return html`<h1>${t('as_title')}</h1>
      <p class="muted">${t('as_intro')}</p>
      <div class="row">
        <label class="field">${t('as_filterStatus')}
          <select name="status" @change=${(e: Event) => { this.status = (e.target as HTMLSelectElement).value as AssetCard['status'] | ''; void this.load(); }}>
            <option value="" ?selected=${this.status === ''}>${t('as_all')}</option>
            <option value="in_use" ?selected=${this.status === 'in_use'}>${t('as_status_in_use')}</option>
            <option value="under_construction" ?selected=${this.status === 'under_construction'}>${t('as_status_under_construction')}</option>
          </select></label>
      </div>
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      <section>${this.assets === null ? html`<p class="muted">${t('loading')}</p>` : this.renderList(this.assets)}</section>
      ${this.detail ? this.renderDetail(this.detail) : nothing}
      ${this.lives.length ? this.renderLives() : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-asset-register': UbAssetRegister }
}
