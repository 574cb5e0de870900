import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { get, post, qs, errorText } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatFen, moneyUnit } from '../lib/money.js';
import { classNames, deptName, today } from '../lib/context.js';
import { scrollHint } from '../lib/scroll-hint.js';
import type { AmountChange } from '../components/amount-input.js';
import type { ReceiptList, ReceiptType, ReceiptView } from '@unibudget/sdk/contracts/receipts';
import '../components/amount-input.js';
import { docLabel } from '../lib/approvals.js';
import { draftKey, FormDraft, UnsavedGuard } from '../lib/draft.js';
import { ServerFieldErrors } from '../lib/field-errors.js';

const TYPES: ReceiptType[] = ['business', 'superior_subsidy', 'subordinate_remit', 'operating', 'non_peer_fiscal', 'other'];
const ACCOUNTS: Record<ReceiptType, string> = {
  business: '4101/6101', superior_subsidy: '4201/6201', subordinate_remit: '4301/6301', operating: '4401/6401', non_peer_fiscal: '4601/6601', other: '4609/6609',
};
const typeName = (type: ReceiptType) => t(`rc_type_${type}` as MessageKey);

interface Draft {
  date: string;
  type: ReceiptType | '';
  amount: number | null;
  amountError: string | null;
  fundSourceCode: string;
  payer: string;
  summary: string;
  departmentId: number | null;
  earmarked: boolean;
}

const emptyDraft = (): Draft => ({ date: today(), type: '', amount: null, amountError: null, fundSourceCode: '', payer: '', summary: '', departmentId: null, earmarked: false });

/**
 * 收入登记: the unit's receipts of non-fiscal money for a year, with totals by type (单位：元) and its
 * cash (1002 / 800102); the finance officer records one (type by name, fund source by code and name,
 * amount in yuan) and reverses one with a reason after confirming. Read-only for leaders, auditors
 * and supervising units.
 */
@customElement('ub-receipts-page')
export class UbReceiptsPage extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    .bar { display: flex; gap: 12px; align-items: flex-end; flex-wrap: wrap; margin-bottom: 10px; }
    .sums { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; margin-bottom: 12px; }
    .sums table { width: 100%; }
    .form .row { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-start; }
    .form label.field { min-width: 160px; flex: 1 1 160px; }
    .form .wide { flex: 2 1 260px; }
    .err { color: #b42318; font-size: 12px; display: block; min-height: 1em; }
    .confirm { border-color: #b42318; margin-bottom: 10px; }
    td.act button { min-height: 28px; padding: 2px 10px; }
    tr.reversed td { color: #667085; }
    tr.reversed td.num { text-decoration: line-through; }
  `];

  @state() year = Number(today().slice(0, 4));
  @state() month = 0;
  @state() type: ReceiptType | '' = '';
  @state() data: ReceiptList | null = null;
  @state() fundNames = new Map<string, string>();
  @state() draft: Draft = emptyDraft();
  @state() touched = false;
  @state() reversing: ReceiptView | null = null;
  @state() reason = '';
  @state() reverseDate = today();
  @state() busy = false;
  @state() message = '';
  @state() error = '';
  // What was typed survives reload and Back (a draft per user and unit, cleared once recorded); leaving with it asks first.
  readonly kept = new FormDraft<Draft>(this, () => draftKey('receipt', this.ctx.unitId, this.ctx.me.id), () => this.draft, (d) => (this.draft = { ...emptyDraft(), ...d }),
    (d) => d.type === '' && d.amount === null && !d.payer.trim() && !d.summary.trim());
  readonly guard = new UnsavedGuard(this, () => this.kept.dirty);
  /** The server's refusals under the fields of the new-receipt form. */
  readonly fields = new ServerFieldErrors(this, () => this.renderRoot.querySelector('form.form'));

  get canRecord(): boolean {
    return this.ctx.roles.includes('finance_officer') && !this.ctx.readOnly;
  }

  async load() {
    try {
      const query = qs({ year: this.year, month: this.month || undefined, type: this.type || undefined });
      const [data, names] = await Promise.all([get<ReceiptList>(`/api/units/${this.ctx.unitId}/receipts${query}`), classNames('fund_source')]);
      this.data = data;
      this.fundNames = names;
      if (this.canRecord) this.kept.restore();
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private setFilter(change: Partial<Pick<UbReceiptsPage, 'year' | 'month' | 'type'>>) {
    Object.assign(this, change);
    void this.load();
  }

  private fundLabel(code: string): string {
    const name = this.fundNames.get(code);
    return name ? `${code} ${name}` : code;
  }

  private fundsFor(type: ReceiptType | ''): string[] {
    return type ? (this.data?.typeFundSources[type] ?? []) : [];
  }

  private update1(change: Partial<Draft>) {
    const next = { ...this.draft, ...change };
    // A new type keeps the fund source only when it still fits; otherwise the usual one of the type.
    if (change.type !== undefined && !this.fundsFor(next.type).includes(next.fundSourceCode)) next.fundSourceCode = this.fundsFor(next.type)[0] ?? '';
    this.draft = next;
  }

  /** Live errors of the form, the same rules the server applies (it checks them again). */
  get errors(): Partial<Record<'date' | 'type' | 'amount' | 'fund' | 'payer' | 'summary', string>> {
    const d = this.draft;
    const e: Partial<Record<'date' | 'type' | 'amount' | 'fund' | 'payer' | 'summary', string>> = {};
    if (!d.date) e.date = t('required');
    else if (d.date > today()) e.date = t('rc_err_future');
    if (!d.type) e.type = t('required');
    else if (this.data && !this.data.allowedTypes.includes(d.type)) e.type = t('rc_err_type');
    if (d.amountError) e.amount = d.amountError;
    else if (d.amount === null) e.amount = t('amountEmpty');
    if (!d.fundSourceCode || !this.fundsFor(d.type).includes(d.fundSourceCode)) e.fund = t('rc_err_fund');
    if (!d.payer.trim()) e.payer = t('rc_err_payer');
    if (d.summary.trim().length < 2) e.summary = t('rc_err_summary');
    return e;
  }

  async submit(ev?: Event) {
    ev?.preventDefault();
    this.touched = true;
    this.message = '';
    this.error = '';
    if (Object.keys(this.errors).length > 0) return;
    const d = this.draft;
    this.busy = true;
    try {
      const body = {
        date: d.date, type: d.type, amount: d.amount, fundSourceCode: d.fundSourceCode, payer: d.payer.trim(), summary: d.summary.trim(),
        ...(d.departmentId ? { departmentId: d.departmentId } : {}), earmarked: d.earmarked,
      };
      const saved = await post<ReceiptView>(`/api/units/${this.ctx.unitId}/receipts`, body);
      this.message = t('rc_recorded', { id: docLabel(saved), type: typeName(saved.type), amount: formatFen(saved.amount) });
      this.draft = emptyDraft();
      this.kept.clear();
      this.fields.clear();
      this.touched = false;
      await this.load();
    } catch (e) {
      this.error = this.fields.show(e);
    } finally {
      this.busy = false;
    }
  }

  askReverse(r: ReceiptView) {
    this.reversing = r;
    this.reason = '';
    this.reverseDate = today();
    this.message = '';
    this.error = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('.confirm input[name=reason]')?.focus());
  }

  async reverse() {
    const r = this.reversing;
    if (!r || this.reason.trim().length < 2) return;
    this.busy = true;
    this.error = '';
    try {
      await post<ReceiptView>(`/api/units/${this.ctx.unitId}/receipts/${r.id}/reverse`, { reason: this.reason.trim(), date: this.reverseDate });
      this.reversing = null;
      await this.load();
      this.message = t('rc_reversed', { id: docLabel(r), amount: formatFen(r.amount) });
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  private renderSums() {
    const d = this.data;
    if (!d) return '';
    return html`<div class="sums">
      <section class="card" aria-labelledby="rc-bytype">
        <h2 id="rc-bytype">${t('rc_byType')} ${moneyUnit()}</h2>
        <table><tbody>
          ${d.totals.byType.map((x) => html`<tr data-type=${x.type}><td>${typeName(x.type)}</td><td class="num">${x.count}</td><td class="num">${formatFen(x.amount)}</td></tr>`)}
          <tr class="total"><th>${t('total')}</th><td></td><td class="num"><strong>${formatFen(d.totals.total)}</strong></td></tr>
        </tbody></table>
      </section>
      <section class="card" aria-labelledby="rc-cash">
        <h2 id="rc-cash">${t('rc_cash')} ${moneyUnit()}</h2>
        <table><tbody>
          <tr><td>${t('rc_cash_bank')}</td><td class="num" data-cash="bank">${formatFen(d.cash.bank)}</td></tr>
          <tr><td>${t('rc_cash_budgetary')}</td><td class="num" data-cash="budgetary">${formatFen(d.cash.budgetary)}</td></tr>
          <tr><td>${t('rc_cash_committed')}</td><td class="num" data-cash="committed">${formatFen(d.cash.committed)}</td></tr>
        </tbody></table>
        ${d.cash.committed > Math.min(d.cash.bank, d.cash.budgetary) ? html`<p class="badge warn" role="note">${t('rc_unbacked')}</p>` : ''}
      </section>
    </div>`;
  }

  private renderForm() {
    if (!this.canRecord) return html`<p class="muted">${t('rc_readonly')}</p>`;
    const d = this.draft;
    const err = this.touched ? this.errors : {};
    const allowed = this.data?.allowedTypes ?? TYPES;
    const show = (k: keyof typeof err) => html`<span class="err" role=${err[k] ? 'alert' : 'none'}>${err[k] ?? ''}</span>`;
    return html`<form class="card form" @submit=${this.submit} novalidate aria-labelledby="rc-new">
      <h2 id="rc-new">${t('rc_new')}</h2>
      ${this.kept.restored ? html`<div class="notice" role="status">${t('dl_draftRestored')} <button type="button" @click=${() => { this.draft = emptyDraft(); this.kept.clear(); }}>${t('dl_draftDiscard')}</button></div>` : ''}
      <div class="row">
        <label class="field">${t('rc_type')}
          <select name="type" @change=${(e: Event) => this.update1({ type: (e.target as HTMLSelectElement).value as ReceiptType })}>
            <option value="" ?selected=${d.type === ''}>—</option>
            ${allowed.map((x) => html`<option value=${x} ?selected=${d.type === x}>${typeName(x)}（${ACCOUNTS[x]}）</option>`)}
          </select>${show('type')}</label>
        <label class="field">${t('rc_date')}
          <input type="date" name="date" max=${today()} .value=${d.date} @input=${(e: Event) => this.update1({ date: (e.target as HTMLInputElement).value })} />${show('date')}</label>
        <div class="field">
          <ub-amount-input data-field="amount" label=${`${t('rc_amount')}（${t('yuan')}）`} required .value=${d.amount}
            @amount-change=${(e: CustomEvent<AmountChange>) => this.update1({ amount: e.detail.fen, amountError: e.detail.error })}></ub-amount-input>${show('amount')}
        </div>
        <label class="field">${t('rc_fundSource')}
          <select name="fundSource" data-field="fundSourceCode" ?disabled=${!d.type} @change=${(e: Event) => this.update1({ fundSourceCode: (e.target as HTMLSelectElement).value })}>
            ${this.fundsFor(d.type).map((code) => html`<option value=${code} ?selected=${d.fundSourceCode === code}>${this.fundLabel(code)}</option>`)}
          </select>${show('fund')}</label>
      </div>
      <div class="row">
        <label class="field">${t('rc_payer')}
          <input name="payer" maxlength="100" .value=${d.payer} @input=${(e: Event) => this.update1({ payer: (e.target as HTMLInputElement).value })} />${show('payer')}</label>
        <label class="field wide">${t('summary')}
          <input name="summary" minlength="2" maxlength="200" .value=${d.summary} @input=${(e: Event) => this.update1({ summary: (e.target as HTMLInputElement).value })} />${show('summary')}</label>
        <label class="field">${t('rc_department')}
          <select name="department" data-field="departmentId" @change=${(e: Event) => this.update1({ departmentId: Number((e.target as HTMLSelectElement).value) || null })}>
            <option value="" ?selected=${d.departmentId === null}>${t('rc_noDepartment')}</option>
            ${this.ctx.departments.map((x) => html`<option value=${x.id} ?selected=${d.departmentId === x.id}>${x.name}</option>`)}
          </select></label>
      </div>
      <div class="row">
        <label><input type="checkbox" name="earmarked" .checked=${d.earmarked} @change=${(e: Event) => this.update1({ earmarked: (e.target as HTMLInputElement).checked })} /> ${t('rc_earmarked')}</label>
        <span class="grow"></span>
        <button class="primary" type="submit" ?disabled=${this.busy}>${t('rc_submit')}</button>
      </div>
    </form>`;
  }

  private renderConfirm() {
    const r = this.reversing;
    if (!r) return '';
    const short = this.reason.trim().length < 2;
    return html`<div class="card confirm" role="dialog" aria-labelledby="rc-rev-h">
      <h2 id="rc-rev-h" style="margin-top:0">${t('rc_reverse_title', { id: docLabel(r) })}</h2>
      <p>${r.date} · ${typeName(r.type)} · ${r.payer} · <strong class="num">${formatFen(r.amount)}</strong> ${t('yuan')}</p>
      <p class="muted">${t('rc_reverse_note')}</p>
      <div class="row">
        <label class="field grow">${t('rc_reason')}
          <input name="reason" minlength="2" maxlength="500" .value=${this.reason} @input=${(e: Event) => (this.reason = (e.target as HTMLInputElement).value)} />
          ${this.reason && short ? html`<span class="err" role="alert">${t('rc_err_reason')}</span>` : ''}</label>
        <label class="field">${t('rc_reverse_date')}
          <input type="date" name="reverseDate" min=${r.date} max=${today()} .value=${this.reverseDate} @input=${(e: Event) => (this.reverseDate = (e.target as HTMLInputElement).value)} /></label>
        <button class="danger" ?disabled=${this.busy || short || !this.reverseDate} @click=${this.reverse}>${t('rc_reverse_confirm')}</button>
        <button ?disabled=${this.busy} @click=${() => (this.reversing = null)}>${t('cancel')}</button>
      </div>
    </div>`;
  }

  override render() {
    const d = this.data;
    const rows = d?.items ?? [];
    const years = [this.year - 1, this.year, this.year + 1];
    return html`<h1>${t('rc_title')}</h1>
      <p class="muted">${t('rc_intro')}</p>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : ''}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      <div class="bar">
        <label class="field">${t('year')}
          <select name="year" @change=${(e: Event) => this.setFilter({ year: Number((e.target as HTMLSelectElement).value) })}>
            ${years.map((y) => html`<option value=${y} ?selected=${y === this.year}>${y}</option>`)}
          </select></label>
        <label class="field">${t('month')}
          <select name="month" @change=${(e: Event) => this.setFilter({ month: Number((e.target as HTMLSelectElement).value) })}>
            <option value="0" ?selected=${this.month === 0}>${t('rc_allMonths')}</option>
            ${Array.from({ length: 12 }, (_, i) => i + 1).map((m) => html`<option value=${m} ?selected=${m === this.month}>${m}</option>`)}
          </select></label>
        <label class="field">${t('rc_type')}
          <select name="filterType" @change=${(e: Event) => this.setFilter({ type: (e.target as HTMLSelectElement).value as ReceiptType | '' })}>
            <option value="" ?selected=${this.type === ''}>${t('rc_allTypes')}</option>
            ${TYPES.map((x) => html`<option value=${x} ?selected=${this.type === x}>${typeName(x)}</option>`)}
          </select></label>
        <span class="grow"></span>
        <button @click=${() => this.load()}>${t('refresh')}</button>
      </div>
      ${this.renderSums()}
      ${this.renderForm()}
      ${this.renderConfirm()}
      <div class="x-scroll" ${scrollHint()}><table>
        <caption style="text-align:right">${moneyUnit()}</caption>
        <thead><tr><th>${t('ap_docNo')}</th><th>${t('rc_date')}</th><th>${t('rc_type')}</th><th>${t('rc_fundSource')}</th><th>${t('rc_payer')}</th><th>${t('summary')}</th>
          <th class="num">${t('rc_amount')}</th><th>${t('rc_accounts')}</th><th>${t('status')}</th><th><span class="sr-only">${t('rc_actions')}</span></th></tr></thead>
        <tbody>
          ${d && rows.length === 0 ? html`<tr><td colspan="10" class="muted">${t('rc_none')}</td></tr>` : ''}
          ${rows.map((r) => html`<tr data-id=${r.id} class=${r.status === 'reversed' ? 'reversed' : ''}>
            <td class="nowrap">${docLabel(r)}</td><td class="date">${r.date}</td><td class="nowrap">${typeName(r.type)}</td>
            <td class="nowrap">${r.fundSourceCode} ${r.fundSourceName}</td><td>${r.payer}</td>
            <td>${r.summary}${r.departmentId ? html`<br /><span class="muted">${deptName(this.ctx, r.departmentId)}</span>` : ''}</td>
            <td class="num">${formatFen(r.amount)}</td><td class="nowrap">${r.financialAccount}/${r.budgetaryAccount}</td>
            <td><span class="badge ${r.status === 'reversed' ? 'rejected' : 'paid'}">${t(`rc_status_${r.status}` as MessageKey)}</span>
              ${r.status === 'reversed' ? html`<br /><span class="muted">${t('rc_reversed_on', { date: r.reversalDate ?? '', reason: r.reversalReason ?? '' })}</span>` : ''}</td>
            <td class="act">${r.status === 'recorded' && this.canRecord
              ? html`<button class="danger" ?disabled=${this.busy} aria-label="${t('rc_reverse')} ${docLabel(r)}" @click=${() => this.askReverse(r)}>${t('rc_reverse')}</button>` : ''}</td>
          </tr>`)}
        </tbody>
      </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-receipts-page': UbReceiptsPage }
}
