import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { LiveReload } from '../lib/live.js';
import { get, post, qs, errorText } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen, moneyUnit } from '../lib/money.js';
import { classNames, deptName, today } from '../lib/context.js';
import type { Payment, PaymentDetail, PaymentStatus } from '../lib/types.js';
import '../components/step-trail.js';
import '../components/plugin-placements.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { formatDate } from '../lib/time.js';
import { classLine, docLabel, type ClassNames } from '../lib/approvals.js';

const STATUSES: PaymentStatus[] = ['approved', 'pending', 'paid', 'rejected', 'withdrawn'];

/**
 * 支付管理: the unit's payment requests with a status filter (approved-and-waiting first); the finance
 * officer pays an approved one (POST …/payments/:id/pay, the frozen amount becomes spent). Read-only
 * for auditors and supervising units.
 */
@customElement('ub-payments-page')
export class UbPaymentsPage extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    .bar { display: flex; gap: 12px; align-items: flex-end; flex-wrap: wrap; margin-bottom: 10px; }
    td.act { white-space: nowrap; }
    td.act button { min-height: 28px; padding: 2px 10px; }
    tr.open { background: #f0f6ff; }
    td.trail { background: #fafbfc; }
    .confirm { border-color: #1d5fbf; margin-bottom: 10px; }
    .confirm .row { margin-top: 8px; }
    .payee { display: grid; gap: 4px; margin: 8px 0; }
    .payee div { display: flex; gap: 8px; flex-wrap: wrap; }
    .payee dt { color: #667085; min-width: 6em; }
    .payee dd { margin: 0; font-weight: 600; word-break: break-all; }
  `];

  @state() status: PaymentStatus | '' = 'approved';
  @state() rows: Payment[] = [];
  @state() loaded = false;
  @state() paying: Payment | null = null;
  @state() payDate = today();
  @state() payComment = '';
  @state() open: PaymentDetail | null = null;
  @state() names: ClassNames | null = null;
  @state() busy = false;
  @state() message = '';
  @state() error = '';
  // A realtime notice (a payment approved, one paid by a colleague) reloads the list (lib/live.ts).
  readonly live = new LiveReload(this, () => this.load());

  get canPay(): boolean {
    return this.ctx.roles.includes('finance_officer') && !this.ctx.readOnly;
  }

  async load() {
    try {
      const rows = await get<Payment[]>(`/api/units/${this.ctx.unitId}/payments${qs({ status: this.status, limit: 1000 })}`);
      this.rows = [...rows].sort((a, b) => b.id - a.id);
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.loaded = true;
    }
  }

  setStatus(s: PaymentStatus | '') {
    this.status = s;
    this.open = null;
    void this.load();
  }

  async toggle(id: number) {
    if (this.open?.id === id) return void (this.open = null);
    try {
      this.open = await get<PaymentDetail>(`/api/units/${this.ctx.unitId}/payments/${id}`);
      if (!this.names) {
        const [functional, economic, fundSource] = await Promise.all([classNames('functional'), classNames('economic'), classNames('fund_source')]);
        this.names = { functional, economic, fundSource };
      }
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  askPay(p: Payment) {
    this.paying = p;
    this.payDate = today();
    this.payComment = '';
    this.message = '';
    this.error = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('.confirm input[name=payDate]')?.focus());
  }

  async pay() {
    const p = this.paying;
    if (!p) return;
    this.busy = true;
    this.error = '';
    try {
      const body: { date: string; comment?: string } = { date: this.payDate };
      if (this.payComment.trim()) body.comment = this.payComment.trim();
      await post<PaymentDetail>(`/api/units/${this.ctx.unitId}/payments/${p.id}/pay`, body);
      this.paying = null;
      await this.load();
      this.message = t('pay_done', { id: docLabel(p), amount: formatFen(p.amount) });
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  private renderConfirm() {
    const p = this.paying;
    if (!p) return '';
    return html`<div class="card confirm" role="dialog" aria-labelledby="pay-h">
      <h2 id="pay-h" style="margin-top:0">${t('pay_confirm_title', { id: docLabel(p) })}</h2>
      <p>${p.purpose} · <strong class="num">${formatFen(p.amount)}</strong> ${t('yuan')}</p>
      <dl class="payee">
        <div><dt>${t('ap_payTo', { name: '' })}</dt><dd>${p.payeeName}</dd></div>
        <div><dt>${t('ap_payAccount', { account: '' })}</dt><dd class="num">${p.payeeAccount || t('ap_missing')}</dd></div>
        <div><dt>${t('ap_payBank', { bank: '' })}</dt><dd>${p.payeeBank || t('ap_missing')}</dd></div>
      </dl>
      <p class="muted">${t('ap_payCheck')}</p>
      <p class="muted">${t('pay_confirm_note')}</p>
      <div class="row">
        <label class="field">${t('pay_date')}
          <input type="date" name="payDate" .value=${this.payDate} @input=${(e: Event) => (this.payDate = (e.target as HTMLInputElement).value)} /></label>
        <label class="field grow">${t('comment')}
          <input name="payComment" .value=${this.payComment} @input=${(e: Event) => (this.payComment = (e.target as HTMLInputElement).value)} /></label>
        <button class="primary" ?disabled=${this.busy || !this.payDate} @click=${this.pay}>${t('pay_action')}</button>
        <button ?disabled=${this.busy} @click=${() => (this.paying = null)}>${t('cancel')}</button>
      </div>
    </div>`;
  }

  override render() {
    const total = this.rows.reduce((n, r) => n + r.amount, 0);
    return html`<h1>${t('pay_title')}</h1>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : ''}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      <div class="bar">
        <label class="field">${t('status')}
          <select name="status" @change=${(e: Event) => this.setStatus((e.target as HTMLSelectElement).value as PaymentStatus | '')}>
            ${STATUSES.map((s) => html`<option value=${s} ?selected=${this.status === s}>${t(`pstatus_${s}`)}</option>`)}
            <option value="" ?selected=${this.status === ''}>${t('allOption')}</option>
          </select></label>
        <span class="muted">${t('rowsShown', { n: this.rows.length })} · ${t('total')} ${formatFen(total)} ${t('yuan')}</span>
        ${moneyUnit()}
        <span class="grow"></span>
        <button @click=${() => this.load()}>${t('refresh')}</button>
      </div>
      ${this.renderConfirm()}
      <div class="x-scroll" ${scrollHint()}><table>
        <thead><tr><th>${t('ap_docNo')}</th><th>${t('date')}</th><th>${t('department')}</th><th>${t('purpose')}</th><th>${t('payee')}</th><th>${t('indicatorCode')}</th>
          <th class="num">${t('amountYuan')}</th><th>${t('status')}</th><th><span class="sr-only">${t('pay_actions')}</span></th></tr></thead>
        <tbody>
          ${this.loaded && this.rows.length === 0 ? html`<tr><td colspan="9" class="muted">${t('pay_none')}</td></tr>` : ''}
          ${this.rows.map(
            (x) => html`<tr class=${this.open?.id === x.id ? 'open' : ''} data-id=${x.id}>
                <td class="nowrap">${docLabel(x)}</td><td class="date">${x.date}</td><td class="nowrap">${deptName(this.ctx, x.departmentId)}</td>
                <td>${x.purpose}${x.warnings.length ? html` <span class="badge warn" title=${x.warnings.map((w) => w.message).join('\n')}>${t('severity_warn')} ${x.warnings.length}</span>` : ''}</td>
                <td>${x.payeeName}</td><td class="nowrap">${x.indicatorCode}</td><td class="num">${formatFen(x.amount)}</td>
                <td><span class="badge ${x.status}">${t(`pstatus_${x.status}`)}</span>${x.paidAt ? html`<br /><span class="muted">${formatDate(x.paidAt)}</span>` : ''}</td>
                <td class="act">
                  ${x.status === 'approved' && this.canPay
                    ? html`<button class="primary" ?disabled=${this.busy} aria-label="${t('pay_action')} ${docLabel(x)}" @click=${() => this.askPay(x)}>${t('pay_action')}</button>`
                    : ''}
                  <button aria-expanded=${this.open?.id === x.id ? 'true' : 'false'} @click=${() => this.toggle(x.id)}>${t('approvalTrail')}</button>
                </td>
              </tr>
              ${this.open?.id === x.id
                ? html`<tr><td colspan="9" class="trail"><div class="classes muted">${classLine(this.open, this.names)}</div>
                    <div class="muted">${t('ap_payTo', { name: x.payeeName })} · ${t('ap_payAccount', { account: x.payeeAccount || t('ap_missing') })} · ${t('ap_payBank', { bank: x.payeeBank || t('ap_missing') })}</div>
                    <ub-step-trail .steps=${this.open.steps} .comments=${this.open.comments}></ub-step-trail>
                    <ub-plugin-placements unit-id=${this.ctx.unitId} placement="payment-detail" subject-kind="payment" subject-id=${String(x.id)}></ub-plugin-placements></td></tr>`
                : ''}`,
          )}
        </tbody>
      </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-payments-page': UbPaymentsPage }
}
