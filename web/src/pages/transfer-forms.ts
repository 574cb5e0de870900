import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { LiveCheck } from '../lib/live-check.js';
import { ApiError, get, post } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import { today } from '../lib/context.js';
import type { AdjustmentView, CheckResult, Indicator, TransferView } from '../lib/types.js';
import '../components/amount-input.js';
import '../components/rule-findings.js';
import type { AmountChange } from '../components/amount-input.js';
import { CHECK_DEBOUNCE_MS } from './payment-wizard.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { docLabel, nextStepText, rejectionReason } from '../lib/approvals.js';
import { draftKey, FormDraft, UnsavedGuard } from '../lib/draft.js';
import { ServerFieldErrors } from '../lib/field-errors.js';
import { setUrlParams, urlChoice } from '../lib/url-state.js';
import { moneyUnit } from '../lib/money-unit.js';
import { DocInUrl } from '../lib/doc-link.js';
import '../components/doc-panel.js';

/** What a transfer and an adjustment draft keep (see FormDraft). */
interface TransferDraft { fromId: number | null; toId: number | null; tAmount: number | null; tReason: string; tDate: string }
interface AdjustmentDraft { aId: number | null; aDir: 1 | -1; aAmount: number | null; aReason: string; aDocNo: string; aDate: string }
const FORMS = ['transfer', 'adjustment'] as const;
type FormName = (typeof FORMS)[number];

/** 预算调剂 (with the live transfers/check) and 预算调整 追加/追减, side by side, with recent documents. */
@customElement('ub-transfer-forms')
export class UbTransferForms extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; align-items: start; }
    form { display: flex; flex-direction: column; gap: 10px; }
    select, textarea, input:not([type='radio']):not([type='checkbox']) { width: 100%; }
    .actions { display: flex; gap: 8px; }
    .cols > * { min-width: 0; }
    .note { display: block; font-size: 12px; color: #475467; }
    .note.reason { color: #b42318; }
    .unit-line { text-align: right; margin-bottom: 4px; }
    @media (max-width: 1000px) { .cols { grid-template-columns: minmax(0, 1fr); } }
  `];

  /** The transfer or adjustment a notice opened (`?doc=transfer:3`), fetched as it is now. */
  readonly doc = new DocInUrl(this);
  @state() indicators: Indicator[] = [];
  @state() codes = new Map<number, string>();
  @state() transfers: TransferView[] = [];
  @state() adjustments: AdjustmentView[] = [];
  // transfer
  @state() fromId: number | null = null;
  @state() toId: number | null = null;
  @state() tAmount: number | null = null;
  @state() tReason = '';
  @state() tDate = today();
  @state() check: CheckResult | null = null;
  @state() checking = false;
  @state() tMsg = '';
  @state() tErr = '';
  // adjustment
  @state() aId: number | null = null;
  @state() aDir: 1 | -1 = 1;
  @state() aAmount: number | null = null;
  @state() aReason = '';
  @state() aDocNo = '';
  @state() aDate = today();
  @state() aMsg = '';
  @state() aErr = '';
  @state() busy = false;
  // What was typed survives reload, Back and a closed tab (a draft per user, unit and form, cleared on
  // submit); the form last worked in is in the address (?form=adjustment); leaving with unsaved input asks first.
  readonly tKept = new FormDraft<TransferDraft>(this, () => draftKey('transfer', this.ctx.unitId, this.ctx.me.id),
    () => ({ fromId: this.fromId, toId: this.toId, tAmount: this.tAmount, tReason: this.tReason, tDate: this.tDate }),
    (d) => Object.assign(this, d),
    (d) => d.fromId === null && d.toId === null && d.tAmount === null && !d.tReason.trim());
  readonly aKept = new FormDraft<AdjustmentDraft>(this, () => draftKey('adjustment', this.ctx.unitId, this.ctx.me.id),
    () => ({ aId: this.aId, aDir: this.aDir, aAmount: this.aAmount, aReason: this.aReason, aDocNo: this.aDocNo, aDate: this.aDate }),
    (d) => Object.assign(this, d),
    (d) => d.aId === null && d.aAmount === null && !d.aReason.trim() && !d.aDocNo.trim());
  readonly guard = new UnsavedGuard(this, () => this.tKept.dirty || this.aKept.dirty);
  /** The server's refusals placed under the fields of each form. */
  readonly tFields = new ServerFieldErrors(this, () => this.formOf('transfer'));
  readonly aFields = new ServerFieldErrors(this, () => this.formOf('adjustment'));
  /** The form named in the address was opened (once, on the first load; a reload after submitting keeps focus where it is). */
  private opened = false;
  private liveCheck = new LiveCheck<CheckResult>(
    CHECK_DEBOUNCE_MS,
    (signal) => {
      const body = { fromIndicatorId: this.fromId, toIndicatorId: this.toId ?? undefined, amount: this.tAmount ?? 0, date: this.tDate || undefined };
      return post<CheckResult>(`/api/units/${this.ctx.unitId}/transfers/check`, body, { signal });
    },
    {
      busy: (on) => (this.checking = on),
      result: (r) => (this.check = r),
      // Said before submission: e.g. nobody in the unit may decide a step of this transfer.
      error: (e) => {
        if (e instanceof ApiError) this.tErr = e.code === 'NO_ELIGIBLE_APPROVER' ? t('ap_noApprover', { msg: e.message }) : e.message;
      },
    },
  );

  async load() {
    const u = this.ctx.unitId;
    try {
      const [inds, transfers, adjustments] = await Promise.all([
        get<Indicator[]>(`/api/units/${u}/indicators`),
        get<TransferView[]>(`/api/units/${u}/transfers`),
        get<AdjustmentView[]>(`/api/units/${u}/adjustments`),
      ]);
      const year = Math.max(...inds.map((i) => i.year));
      this.indicators = inds.filter((i) => i.year === year);
      this.codes = new Map(inds.map((i) => [i.id, i.code]));
      this.transfers = [...transfers].sort((a, b) => b.id - a.id).slice(0, 8);
      this.adjustments = [...adjustments].sort((a, b) => b.id - a.id).slice(0, 8);
      const known = (id: number | null) => id === null || this.indicators.some((i) => i.id === id);
      if (this.tKept.restore((d) => known(d.fromId) && known(d.toId))) this.scheduleCheck();
      this.aKept.restore((d) => known(d.aId));
      if (!this.opened) {
        this.opened = true;
        void this.openFormFromUrl();
      }
    } catch (e) {
      this.tErr = (e as Error).message;
    }
  }

  formOf(name: FormName): HTMLFormElement | null {
    return this.renderRoot.querySelector<HTMLFormElement>(`form[data-form=${name}]`);
  }

  /** The form the address names (?form=adjustment): brought into view with focus on its first field. */
  private async openFormFromUrl() {
    const name = urlChoice<FormName | ''>('form', FORMS, '');
    if (!name) return;
    await this.updateComplete;
    const form = this.formOf(name);
    form?.scrollIntoView?.({ block: 'nearest' });
    form?.querySelector<HTMLElement>('select, textarea, input')?.focus();
  }

  /** Working in a form puts it in the address (replacing the entry: no history entry per field). */
  private working(name: FormName) {
    setUrlParams({ form: name === 'transfer' ? null : name });
  }

  private discard(name: FormName) {
    if (name === 'transfer') {
      this.tKept.clear();
      Object.assign(this, { fromId: null, toId: null, tAmount: null, tReason: '', tDate: today(), check: null, tErr: '' });
    } else {
      this.aKept.clear();
      Object.assign(this, { aId: null, aDir: 1, aAmount: null, aReason: '', aDocNo: '', aDate: today(), aErr: '' });
    }
    (name === 'transfer' ? this.tFields : this.aFields).clear();
  }

  /** An indicator by its code (of any year: a listed document may be of the year before), never its id. */
  private code(id: number | undefined) {
    return (id !== undefined && this.codes.get(id)) || t('indicator');
  }

  scheduleCheck() {
    if (this.fromId === null) return this.liveCheck.cancel();
    this.liveCheck.schedule();
  }

  runCheck() {
    return this.liveCheck.run();
  }

  get transferError(): string {
    if (this.fromId === null || this.toId === null || this.tAmount === null || this.tReason.trim().length < 2 || !this.tDate) return t('required');
    if (this.fromId === this.toId) return t('sameIndicator');
    return '';
  }

  async submitTransfer(e: Event) {
    e.preventDefault();
    this.tMsg = '';
    this.tErr = this.transferError;
    if (this.tErr) return;
    this.busy = true;
    try {
      const doc = await post<TransferView>(`/api/units/${this.ctx.unitId}/transfers`, {
        fromIndicatorId: this.fromId, toIndicatorId: this.toId, amount: this.tAmount, reason: this.tReason.trim(), date: this.tDate,
      });
      this.tMsg = t('transferSubmitted', { id: docLabel(doc) });
      this.tAmount = null;
      this.tReason = '';
      this.check = null;
      this.tKept.clear();
      this.tFields.clear();
      await this.load();
    } catch (err) {
      this.tErr = this.tFields.show(err);
    } finally {
      this.busy = false;
    }
  }

  async submitAdjustment(e: Event) {
    e.preventDefault();
    this.aMsg = '';
    if (this.aId === null || this.aAmount === null || this.aReason.trim().length < 2 || !this.aDate) {
      this.aErr = t('required');
      return;
    }
    this.aErr = '';
    this.busy = true;
    try {
      const doc = await post<AdjustmentView>(`/api/units/${this.ctx.unitId}/adjustments`, {
        indicatorId: this.aId, amount: this.aDir * this.aAmount, reason: this.aReason.trim(), date: this.aDate,
        ...(this.aDocNo.trim() ? { docNo: this.aDocNo.trim() } : {}),
      });
      this.aMsg = t('adjustmentSubmitted', { id: docLabel(doc) });
      this.aAmount = null;
      this.aReason = '';
      this.aDocNo = '';
      this.aKept.clear();
      this.aFields.clear();
      await this.load();
    } catch (err) {
      this.aErr = this.aFields.show(err);
    } finally {
      this.busy = false;
    }
  }

  /** 撤回 on the requester's own pending transfer or adjustment, after a confirmation. */
  async withdraw(kind: 'transfer' | 'adjustment', d: TransferView | AdjustmentView) {
    if (!window.confirm(t('ap_withdrawConfirm', { no: docLabel(d) }))) return;
    this.busy = true;
    const done = (m: string) => (kind === 'transfer' ? (this.tMsg = m) : (this.aMsg = m));
    try {
      await post(`/api/units/${this.ctx.unitId}/${kind}s/${d.id}/withdraw`, {});
      done(t('ap_withdrawn', { no: docLabel(d) }));
      await this.load();
    } catch (err) {
      if (kind === 'transfer') this.tErr = err instanceof ApiError ? err.message : String(err);
      else this.aErr = err instanceof ApiError ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  private options(selected: number | null) {
    return html`<option value="">—</option>${this.indicators.map(
      (i) => html`<option value=${i.id} ?selected=${i.id === selected}>${i.code} ${i.name}${t('paren', { x: `${t('available')} ${formatFen(i.available)}` })}</option>`,
    )}`;
  }

  private docTable(rows: Array<TransferView | AdjustmentView>, kind: 'transfer' | 'adjustment') {
    return html`<div class="unit-line">${moneyUnit()}</div><div class="x-scroll" ${scrollHint()}><table>
      <thead><tr><th>${t('ap_docNo')}</th><th>${t('date')}</th><th>${kind === 'transfer' ? `${t('fromIndicator')} → ${t('toIndicator')}` : t('indicator')}</th><th>${t('reason')}</th><th class="num">${t('fm_amount')}</th><th>${t('status')}</th></tr></thead>
      <tbody>
        ${rows.length === 0 ? html`<tr><td colspan="6" class="muted">${t('none')}</td></tr>` : ''}
        ${rows.map((d) => html`<tr data-id=${d.id}><td class="nowrap">${docLabel(d)}</td><td class="date">${d.date}</td>
          <td class="nowrap">${'fromIndicatorId' in d ? `${this.code(d.fromIndicatorId)} → ${this.code(d.toIndicatorId)}` : this.code(d.indicatorId)}</td>
          <td>${d.reason}</td><td class="num">${formatFen(d.amount)}</td><td><span class="badge ${d.status}">${t(`dstatus_${d.status}` as MessageKey)}</span>
            ${d.status === 'pending' ? html`<span class="note">${nextStepText(d.steps)}</span>` : ''}
            ${d.status === 'rejected' && rejectionReason(d.steps, d.comments) ? html`<span class="note reason">${t('ap_rejectedBecause', { reason: rejectionReason(d.steps, d.comments) })}</span>` : ''}
            ${d.status === 'pending' && d.createdBy === this.ctx.me.id
              ? html`<button class="danger" ?disabled=${this.busy} aria-label="${t('withdraw')} ${docLabel(d)}" @click=${() => this.withdraw(kind, d)}>${t('withdraw')}</button>`
              : ''}</td></tr>`)}
      </tbody></table></div>`;
  }

  override render() {
    const num = (e: Event) => Number((e.target as HTMLSelectElement).value) || null;
    return html`${this.doc.ref ? html`<ub-doc-panel .unitId=${this.ctx.unitId} .doc=${this.doc.ref} @close=${() => this.doc.close()}></ub-doc-panel>` : ''}
      <div class="cols">
      <section>
        <h1>${t('transferTitle')}</h1>
        <form class="card" data-form="transfer" novalidate @submit=${this.submitTransfer} @focusin=${() => this.working('transfer')} aria-label=${t('transferTitle')}>
          ${this.tKept.restored ? html`<div class="notice" role="status">${t('fm_transferDraftRestored')} <button type="button" @click=${() => this.discard('transfer')}>${t('fm_draftDiscard')}</button></div>` : ''}
          <label class="field">${t('fromIndicator')} *<select name="from" data-field="fromIndicatorId" required @change=${(e: Event) => { this.fromId = num(e); this.scheduleCheck(); }}>${this.options(this.fromId)}</select></label>
          <label class="field">${t('toIndicator')} *<select name="to" data-field="toIndicatorId" required @change=${(e: Event) => { this.toId = num(e); this.scheduleCheck(); }}>${this.options(this.toId)}</select></label>
          <ub-amount-input data-field="amount" .label=${t('amountYuan')} required .value=${this.tAmount} @amount-change=${(e: CustomEvent<AmountChange>) => { this.tAmount = e.detail.fen; this.scheduleCheck(); }}></ub-amount-input>
          <label class="field">${t('reason')} *<textarea name="reason" rows="2" minlength="2" maxlength="500" required .value=${this.tReason} @input=${(e: Event) => (this.tReason = (e.target as HTMLTextAreaElement).value)}></textarea></label>
          <label class="field">${t('date')} *<input type="date" name="date" required .value=${this.tDate} @input=${(e: Event) => { this.tDate = (e.target as HTMLInputElement).value; this.scheduleCheck(); }} /></label>
          <ub-rule-findings .result=${this.check} ?checking=${this.checking} .amount=${this.tAmount}></ub-rule-findings>
          ${this.tErr ? html`<div class="notice error" role="alert">${this.tErr}</div>` : ''}
          ${this.tMsg ? html`<div class="notice" role="status">${this.tMsg}</div>` : ''}
          <div class="actions"><button class="primary" type="submit" ?disabled=${this.busy || (this.check !== null && !this.check.ok)}>${t('submitTransfer')}</button></div>
        </form>
        <h2>${t('recentTransfers')}</h2>
        ${this.docTable(this.transfers, 'transfer')}
      </section>
      <section>
        <h1>${t('adjustmentTitle')}</h1>
        <form class="card" data-form="adjustment" novalidate @submit=${this.submitAdjustment} @focusin=${() => this.working('adjustment')} aria-label=${t('adjustmentTitle')}>
          ${this.aKept.restored ? html`<div class="notice" role="status">${t('fm_adjustmentDraftRestored')} <button type="button" @click=${() => this.discard('adjustment')}>${t('fm_draftDiscard')}</button></div>` : ''}
          <label class="field">${t('indicator')} *<select name="indicator" data-field="indicatorId" required @change=${(e: Event) => (this.aId = num(e))}>${this.options(this.aId)}</select></label>
          <fieldset class="row" style="border:0;padding:0;margin:0">
            <legend class="muted">${t('adjustDirection')}</legend>
            <label class="check"><input type="radio" name="dir" .checked=${this.aDir === 1} @change=${() => (this.aDir = 1)} /> ${t('increase')}</label>
            <label class="check"><input type="radio" name="dir" .checked=${this.aDir === -1} @change=${() => (this.aDir = -1)} /> ${t('decrease')}</label>
          </fieldset>
          <ub-amount-input data-field="amount" .label=${t('amountYuan')} required .value=${this.aAmount} @amount-change=${(e: CustomEvent<AmountChange>) => (this.aAmount = e.detail.fen)}></ub-amount-input>
          <label class="field">${t('reason')} *<textarea name="areason" data-field="reason" rows="2" minlength="2" maxlength="500" required .value=${this.aReason} @input=${(e: Event) => (this.aReason = (e.target as HTMLTextAreaElement).value)}></textarea></label>
          <div class="row">
            <label class="field grow">${t('docNo')}<input name="docNo" maxlength="60" .value=${this.aDocNo} @input=${(e: Event) => (this.aDocNo = (e.target as HTMLInputElement).value)} /></label>
            <label class="field">${t('date')} *<input type="date" name="date" required .value=${this.aDate} @input=${(e: Event) => (this.aDate = (e.target as HTMLInputElement).value)} /></label>
          </div>
          ${this.aErr ? html`<div class="notice error" role="alert">${this.aErr}</div>` : ''}
          ${this.aMsg ? html`<div class="notice" role="status">${this.aMsg}</div>` : ''}
          <div class="actions"><button class="primary" type="submit" ?disabled=${this.busy}>${t('submitAdjustment')}</button></div>
        </form>
        <h2>${t('recentAdjustments')}</h2>
        ${this.docTable(this.adjustments, 'adjustment')}
      </section>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-transfer-forms': UbTransferForms }
}
