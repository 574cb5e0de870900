import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, kindLabelKey, UnitPage } from '../lib/base.js';
import { LiveCheck } from '../lib/live-check.js';
import { ApiError, get, post, errorText } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import { classNames, deptName, today } from '../lib/context.js';
import type { CheckResult, Indicator, PaymentDetail } from '../lib/types.js';
import '../components/amount-input.js';
import '../components/rule-findings.js';
import type { AmountChange } from '../components/amount-input.js';
import { draftKey, FormDraft, UnsavedGuard } from '../lib/draft.js';
import { StepInUrl } from '../lib/wizard.js';
import '../components/first-run-hint.js';
import { docLabel, fieldErrors as serverFieldErrors } from '../lib/approvals.js';

export const CHECK_DEBOUNCE_MS = 300;

/** The fields a payment draft keeps (see FormDraft). */
interface PaymentDraftFields {
  indicatorId: number | null; amount: number | null; payeeName: string; payeeAccount: string; payeeBank: string;
  purpose: string; date: string; procurement: boolean; contractNo: string;
}

/** 支付申请 wizard: pick an indicator (with its balance) → fill in with live rule checks → confirm. */
@customElement('ub-payment-wizard')
export class UbPaymentWizard extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 1100px; }
    ol.steps { display: flex; gap: 8px; list-style: none; padding: 0; margin: 0 0 16px; }
    ol.steps li { padding: 6px 14px; border-radius: 16px; background: #eef2f6; color: #475467; font-size: 13px; }
    ol.steps li[aria-current='step'] { background: #1d5fbf; color: #fff; }
    .pick { max-height: 420px; overflow: auto; border: 1px solid #dde3ea; border-radius: 6px; }
    .pick tr.sel { background: #eaf1fb; }
    .pick tr.empty td { color: #98a2b3; }
    .grid { display: grid; grid-template-columns: minmax(0, 1.3fr) minmax(280px, 1fr); gap: 16px; align-items: start; }
    .fields { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
    .fields .wide { grid-column: 1 / -1; }
    .fields input:not([type='checkbox']), .fields textarea { width: 100%; }
    .actions { display: flex; gap: 8px; margin-top: 16px; }
    dl { display: grid; grid-template-columns: 140px 1fr; gap: 6px 12px; margin: 0; }
    dt { color: #667085; }
    dd { margin: 0; }
    .chosen { margin-bottom: 12px; }
    @media (max-width: 1000px) { .grid { grid-template-columns: 1fr; } }
  `];

  @state() step = 1;
  @state() indicators: Indicator[] = [];
  @state() filter = '';
  @state() indicatorId: number | null = null;
  @state() amount: number | null = null;
  @state() amountError: string | null = null;
  @state() payeeName = '';
  @state() payeeAccount = '';
  @state() payeeBank = '';
  @state() purpose = '';
  @state() date = today();
  @state() procurement = false;
  @state() contractNo = '';
  @state() overrideOn = false;
  @state() overrideReason = '';
  @state() check: CheckResult | null = null;
  @state() checking = false;
  @state() error = '';
  @state() submitted: PaymentDetail | null = null;
  @state() busy = false;
  @state() touched = false;
  @state() hardRules = new Set<string>();
  @state() econ = new Map<string, string>();
  /** The server's refusal by field (its message names the field and the limit), shown next to the field until it is edited. */
  @state() serverErrors: Record<string, string> = {};
  // What was typed survives reload, Back and a closed tab (a draft per user and unit, cleared on submit);
  // the step is in the address; leaving with unsaved input asks first.
  readonly kept = new FormDraft<PaymentDraftFields>(this, () => draftKey('payment', this.ctx.unitId, this.ctx.me.id),
    () => ({ indicatorId: this.indicatorId, amount: this.amount, payeeName: this.payeeName, payeeAccount: this.payeeAccount, payeeBank: this.payeeBank,
      purpose: this.purpose, date: this.date, procurement: this.procurement, contractNo: this.contractNo }),
    (d) => Object.assign(this, d),
    (d) => d.indicatorId === null && d.amount === null && !d.payeeName && !d.payeeAccount && !d.payeeBank && !d.purpose && !d.contractNo);
  readonly steps = new StepInUrl(this, (s) => this.indicatorId !== null && (s < 3 || Object.keys(this.fieldErrors).length === 0));
  readonly guard = new UnsavedGuard(this, () => this.step <= 3 && this.kept.dirty);
  private liveCheck = new LiveCheck<CheckResult>(
    CHECK_DEBOUNCE_MS,
    (signal) => post<CheckResult>(`/api/units/${this.ctx.unitId}/payments/check`, this.draft(true), { signal }),
    {
      busy: (on) => (this.checking = on),
      result: (r) => (this.check = r),
      error: (e) => {
        if (e instanceof ApiError && e.code !== 'VALIDATION_FAILED') this.error = e.message;
        else this.serverErrors = serverFieldErrors(e);
      },
    },
  );

  async load() {
    try {
      const [inds, rules] = await Promise.all([
        get<Indicator[]>(`/api/units/${this.ctx.unitId}/indicators`),
        get<{ code: string; hard: boolean }[]>(`/api/units/${this.ctx.unitId}/control-rules`).catch(() => []),
      ]);
      this.indicators = inds.filter((i) => !i.isFlexibleReserve);
      this.hardRules = new Set(rules.filter((r) => r.hard).map((r) => r.code));
      this.econ = await classNames('economic');
      if (this.kept.restore((d) => d.indicatorId === null || this.indicators.some((i) => i.id === d.indicatorId))) {
        this.step = this.steps.fromUrl();
        if (this.step >= 2) this.scheduleCheck();
      }
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  get indicator(): Indicator | undefined {
    return this.indicators.find((i) => i.id === this.indicatorId);
  }

  get visibleIndicators(): Indicator[] {
    const f = this.filter.trim().toLowerCase();
    return f ? this.indicators.filter((i) => `${i.code} ${i.name} ${i.economicCode}`.toLowerCase().includes(f)) : this.indicators;
  }

  /** The draft as the check endpoint takes it. */
  draft(forCheck: boolean) {
    const d: Record<string, unknown> = {
      indicatorId: this.indicatorId,
      amount: this.amount ?? 0,
      date: this.date || undefined,
      payeeName: this.payeeName.trim() || undefined,
      payeeAccount: this.payeeAccount.trim() || undefined,
      payeeBank: this.payeeBank.trim() || undefined,
      purpose: this.purpose.trim() || undefined,
      procurement: this.procurement,
      contractNo: this.procurement && this.contractNo.trim() ? this.contractNo.trim() : undefined,
    };
    if (this.overrideOn && this.overrideReason.trim().length >= 4) d.override = { reason: this.overrideReason.trim() };
    if (!forCheck) for (const k of Object.keys(d)) if (d[k] === undefined) delete d[k];
    return d;
  }

  /** Debounced live check; a newer keystroke aborts the older request. */
  scheduleCheck() {
    if (this.indicatorId === null) return this.liveCheck.cancel();
    this.liveCheck.schedule();
  }

  runCheck() {
    return this.liveCheck.run();
  }

  /** Blocking findings that an override may lift (soft rules only). */
  get overridable(): boolean {
    const blocks = this.check?.findings.filter((f) => f.severity === 'block' && !f.overridden) ?? [];
    return blocks.length > 0 && blocks.every((f) => !this.hardRules.has(f.rule));
  }

  get blocked(): boolean {
    return !!this.check && !this.check.ok;
  }

  get fieldErrors(): Record<string, string> {
    const e: Record<string, string> = {};
    if (!this.payeeName.trim()) e.payeeName = t('required');
    if (!this.purpose.trim()) e.purpose = t('required');
    if (!this.date) e.date = t('required');
    if (this.procurement && !this.contractNo.trim()) e.contractNo = t('required');
    if (this.amount === null) e.amount = this.amountError ?? t('amountEmpty');
    return e;
  }

  private set<K extends keyof this>(key: K) {
    return (e: Event) => {
      const el = e.target as HTMLInputElement;
      (this as Record<string, unknown>)[key as string] = el.type === 'checkbox' ? el.checked : el.value;
      this.error = '';
      if (this.serverErrors[key as string]) this.serverErrors = Object.fromEntries(Object.entries(this.serverErrors).filter(([k]) => k !== key));
      this.scheduleCheck();
    };
  }

  private onAmount(e: CustomEvent<AmountChange>) {
    this.amount = e.detail.fen;
    this.amountError = e.detail.error;
    this.scheduleCheck();
  }

  choose(id: number) {
    this.indicatorId = id;
    this.check = null;
  }

  goDetails() {
    if (this.indicatorId === null) return;
    this.step = 2;
    this.scheduleCheck();
  }

  goConfirm() {
    this.touched = true;
    this.renderRoot.querySelector('ub-amount-input')?.reportValidity();
    if (Object.keys(this.fieldErrors).length > 0 || this.blocked) return;
    this.step = 3;
  }

  async submit() {
    this.busy = true;
    this.error = '';
    try {
      this.submitted = await post<PaymentDetail>(`/api/units/${this.ctx.unitId}/payments`, this.draft(false));
      this.kept.clear();
      this.step = 4;
    } catch (e) {
      this.error = errorText(e);
      this.serverErrors = serverFieldErrors(e);
      if (Object.keys(this.serverErrors).length) this.step = 2;
      if (e instanceof ApiError && e.details.findings) this.check = { ...(this.check ?? { ok: false, available: 0, steps: [] }), findings: e.details.findings as CheckResult['findings'], ok: false };
    } finally {
      this.busy = false;
    }
  }

  reset() {
    this.kept.clear();
    Object.assign(this, { step: 1, indicatorId: null, amount: null, payeeName: '', payeeAccount: '', payeeBank: '', purpose: '', procurement: false, contractNo: '', overrideOn: false, overrideReason: '', check: null, submitted: null, touched: false, error: '' });
    void this.load();
  }

  private renderSteps() {
    const names = [t('stepIndicator'), t('stepDetails'), t('stepConfirm')];
    return html`<ol class="steps">${names.map((n, i) => html`<li aria-current=${this.step === i + 1 ? 'step' : 'false'}>${i + 1}. ${n}</li>`)}</ol>
      <h2 class="step-heading" tabindex="-1">${this.step}. ${names[this.step - 1]}</h2>
      ${this.kept.restored && this.step <= 3
        ? html`<div class="notice" role="status">${t('dl_draftRestored')} <button @click=${this.reset}>${t('dl_draftDiscard')}</button></div>`
        : ''}`;
  }

  private renderPick() {
    const rows = this.visibleIndicators;
    return html`
      <div class="row" style="margin-bottom:8px">
        <label class="field grow">${t('filterIndicators')}
          <input type="search" .value=${this.filter} @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)} /></label>
      </div>
      <div class="pick" role="radiogroup" aria-label=${t('pickIndicator')}>
        <table>
          <thead><tr><th><span class="sr-only">${t('pickIndicator')}</span></th><th>${t('indicatorCode')}</th><th>${t('indicatorName')}</th>
            <th>${t('economicClass')}</th><th>${t('department')}</th><th class="num">${t('budgetAmount')}</th><th class="num">${t('available')}</th></tr></thead>
          <tbody>
            ${rows.length === 0 ? html`<tr><td colspan="7" class="muted">${t('noIndicators')}</td></tr>` : ''}
            ${rows.map(
              (i) => html`<tr class="${this.indicatorId === i.id ? 'sel' : ''} ${i.available === 0 ? 'empty' : ''}" @click=${() => this.choose(i.id)}>
                <td><input type="radio" name="indicator" id="ind-${i.id}" .checked=${this.indicatorId === i.id} @change=${() => this.choose(i.id)}
                  aria-label="${i.code} ${i.name}" /></td>
                <td><label for="ind-${i.id}">${i.code}</label></td>
                <td>${i.name}</td>
                <td>${i.economicCode} ${this.econ.get(i.economicCode) ?? ''}</td>
                <td>${deptName(this.ctx, i.departmentId)}</td>
                <td class="num">${formatFen(i.amount)}</td>
                <td class="num"><strong>${formatFen(i.available)}</strong></td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <div class="actions"><button class="primary" ?disabled=${this.indicatorId === null} @click=${this.goDetails}>${t('next')}</button></div>`;
  }

  private renderChosen() {
    const i = this.indicator;
    if (!i) return '';
    return html`<div class="chosen muted">${t('indicator')}${t('adm_colon')}<strong>${i.code}</strong> ${i.name} · ${t(kindLabelKey(i.expenditureKind))} ·
      ${i.economicCode} ${this.econ.get(i.economicCode) ?? ''} · ${t('available')} <span class="num">${formatFen(i.available)}</span></div>`;
  }

  private renderDetails() {
    const errs = { ...this.serverErrors, ...(this.touched ? this.fieldErrors : {}) };
    const err = (k: string) => (errs[k] ? html`<span class="error">${errs[k]}</span>` : '');
    return html`${this.renderChosen()}
      <div class="grid">
        <div class="fields card">
          <ub-amount-input class="wide" .label=${t('amountYuan')} required .value=${this.amount} @amount-change=${this.onAmount}></ub-amount-input>
          <label class="field">${t('payee')} *<input name="payeeName" maxlength="100" .value=${this.payeeName} @input=${this.set('payeeName')} aria-invalid=${errs.payeeName ? 'true' : 'false'} />${err('payeeName')}</label>
          <label class="field">${t('date')} *<input type="date" name="date" .value=${this.date} @input=${this.set('date')} aria-invalid=${errs.date ? 'true' : 'false'} />${err('date')}</label>
          <label class="field">${t('payeeAccount')}<input name="payeeAccount" maxlength="40" .value=${this.payeeAccount} @input=${this.set('payeeAccount')} aria-invalid=${errs.payeeAccount ? 'true' : 'false'} />${err('payeeAccount')}</label>
          <label class="field">${t('payeeBank')}<input name="payeeBank" maxlength="100" .value=${this.payeeBank} @input=${this.set('payeeBank')} aria-invalid=${errs.payeeBank ? 'true' : 'false'} />${err('payeeBank')}</label>
          <label class="field wide">${t('purpose')} *<textarea name="purpose" rows="2" maxlength="300" .value=${this.purpose} @input=${this.set('purpose')} aria-invalid=${errs.purpose ? 'true' : 'false'}></textarea>${err('purpose')}</label>
          <label class="check"><input type="checkbox" name="procurement" .checked=${this.procurement} @change=${this.set('procurement')} /> ${t('procurement')}</label>
          ${this.procurement ? html`<label class="field">${t('contractNo')} *<input name="contractNo" maxlength="60" .value=${this.contractNo} @input=${this.set('contractNo')} aria-invalid=${errs.contractNo ? 'true' : 'false'} />${err('contractNo')}</label>` : html`<span></span>`}
          ${this.overridable || this.overrideOn
            ? html`<label class="check wide"><input type="checkbox" name="overrideOn" .checked=${this.overrideOn} @change=${this.set('overrideOn')} /> ${t('requestOverride')}</label>
                ${this.overrideOn ? html`<label class="field wide">${t('overrideReason')}<textarea rows="2" name="overrideReason" maxlength="500" .value=${this.overrideReason} @input=${this.set('overrideReason')}></textarea></label>` : ''}`
            : ''}
        </div>
        <ub-rule-findings .result=${this.check} ?checking=${this.checking} .amount=${this.amount}></ub-rule-findings>
      </div>
      <div class="actions">
        <button @click=${() => (this.step = 1)}>${t('back')}</button>
        <button class="primary" @click=${this.goConfirm} ?disabled=${this.blocked}>${t('next')}</button>
      </div>`;
  }

  private renderConfirm() {
    const i = this.indicator!;
    return html`<div class="card">
        <dl>
          <dt>${t('indicator')}</dt><dd>${i.code} ${i.name}</dd>
          <dt>${t('amountYuan')}</dt><dd class="num" style="text-align:left"><strong>${formatFen(this.amount ?? 0)}</strong></dd>
          <dt>${t('payee')}</dt><dd>${this.payeeName} ${this.payeeBank} ${this.payeeAccount}</dd>
          <dt>${t('purpose')}</dt><dd>${this.purpose}</dd>
          <dt>${t('date')}</dt><dd>${this.date}</dd>
          ${this.procurement ? html`<dt>${t('contractNo')}</dt><dd>${this.contractNo}</dd>` : ''}
          ${this.overrideOn ? html`<dt>${t('overrideReason')}</dt><dd>${this.overrideReason}</dd>` : ''}
        </dl>
      </div>
      <ub-rule-findings style="margin-top:12px" .result=${this.check} .amount=${this.amount}></ub-rule-findings>
      <div class="actions">
        <button @click=${() => (this.step = 2)}>${t('back')}</button>
        <button class="primary" @click=${this.submit} ?disabled=${this.busy}>${t('submit')}</button>
      </div>`;
  }

  override render() {
    return html`<h1>${t('paymentTitle')}</h1>
      <ub-first-run-hint hint="payment" .userId=${this.ctx.me.id}></ub-first-run-hint>
      ${this.step <= 3 ? this.renderSteps() : ''}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      ${this.step === 1 ? this.renderPick() : this.step === 2 ? this.renderDetails() : this.step === 3 ? this.renderConfirm() : ''}
      ${this.step === 4 && this.submitted
        ? html`<div class="notice" role="status"><h2 class="step-heading" tabindex="-1" style="font-size: inherit; margin: 0">${t('paymentSubmitted', { id: docLabel(this.submitted) })}</h2></div>
            <ub-rule-findings .result=${{ ok: true, findings: this.submitted.warnings, available: this.check?.available ?? 0, steps: this.submitted.steps }}></ub-rule-findings>
            <div class="actions"><button class="primary" @click=${this.reset}>${t('newPayment')}</button><a href="/mine">${t('nav_mine')}</a></div>`
        : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-payment-wizard': UbPaymentWizard }
}
