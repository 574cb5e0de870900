import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { get, post, errorText, qs } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import type { BudgetRequest, BudgetRequestDetail, Payment, PaymentDetail } from '../lib/types.js';
import '../components/step-trail.js';
import '../components/rule-findings.js';
import '../components/plugin-placements.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { LiveReload } from '../lib/live.js';
import { ServerPager, type Page } from '../lib/paging.js';
import { DocInUrl } from '../lib/doc-link.js';
import '../components/doc-panel.js';
import { classLine, docLabel, nextStepText, rejectionReason, trailAction, type ClassNames } from '../lib/approvals.js';
import { classNames } from '../lib/context.js';

/** How many open or sent-back requests get their steps fetched for the list (下一步 / 退回原因). */
const DETAILED = 30;

/**
 * 我的申请: the caller's payment requests and budget requests, each with its number, status, who
 * decides next (下一步：谁审批) or why it was sent back (退回原因), the approval trail, and 撤回 on
 * the row of every request that can still be withdrawn.
 */
@customElement('ub-my-requests')
export class UbMyRequests extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    tr.open { background: #f0f6ff; }
    td.trail { background: #fafbfc; }
    td.act { white-space: nowrap; }
    td.act button { min-height: 28px; padding: 2px 10px; margin-right: 4px; }
    .next { display: block; font-size: 13px; color: #475467; }
    .reason { display: block; font-size: 13px; color: #b42318; }
    .confirm { border-color: #b42318; margin-bottom: 10px; }
    .confirm .row { display: flex; gap: 8px; margin-top: 8px; flex-wrap: wrap; }
    button.link { white-space: nowrap; border: 0; background: none; color: #1d5fbf; padding: 0; min-height: 0; text-decoration: underline; }
  `];

  @state() payments: Payment[] = [];
  @state() requests: BudgetRequest[] = [];
  /** Steps and trail of the open and sent-back payments, by id. */
  @state() details = new Map<number, PaymentDetail>();
  @state() openPayment: PaymentDetail | null = null;
  @state() openRequest: BudgetRequestDetail | null = null;
  @state() withdrawing: Payment | null = null;
  @state() names: ClassNames | null = null;
  @state() busy = false;
  @state() message = '';
  @state() error = '';
  // A realtime notice about the caller's documents reloads the lists (lib/live.ts); long lists page and search on
  // the server (number, purpose, payee; number, title), each list's page and search kept in the address (pq, ppage; rq, rpage).
  readonly live = new LiveReload(this, () => this.load());
  readonly paymentPages = new ServerPager(this, () => this.loadPayments(), 20, t('payments'), 'p');
  readonly requestPages = new ServerPager(this, () => this.loadRequests(), 20, t('budgetRequests'), 'r');
  /** The document a notice (or a copied link) opened: `?doc=payment:12`, fetched as it is now. */
  readonly doc = new DocInUrl(this);

  async load() {
    await Promise.all([this.loadPayments(), this.loadRequests()]);
  }

  async loadRequests() {
    try {
      const page = await get<Page<BudgetRequest>>(`/api/units/${this.ctx.unitId}/budget-requests${qs({ mine: true, ...this.requestPages.params() })}`);
      this.requests = this.requestPages.took(page);
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  async loadPayments() {
    const u = this.ctx.unitId;
    try {
      this.payments = this.paymentPages.took(await get<Page<Payment>>(`/api/units/${u}/payments${qs({ mine: true, ...this.paymentPages.params() })}`));
      const wanted = this.payments.filter((p) => p.status === 'pending' || p.status === 'rejected').slice(0, DETAILED);
      const details = await Promise.all(wanted.map((p) => get<PaymentDetail>(`/api/units/${u}/payments/${p.id}`).catch(() => null)));
      this.details = new Map(details.filter((d): d is PaymentDetail => d !== null).map((d) => [d.id, d]));
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  async togglePayment(id: number) {
    if (this.openPayment?.id === id) return void (this.openPayment = null);
    this.openPayment = await get<PaymentDetail>(`/api/units/${this.ctx.unitId}/payments/${id}`);
    if (!this.names) {
      const [functional, economic, fundSource] = await Promise.all([classNames('functional'), classNames('economic'), classNames('fund_source')]);
      this.names = { functional, economic, fundSource };
    }
  }

  async toggleRequest(id: number) {
    if (this.openRequest?.id === id) return void (this.openRequest = null);
    this.openRequest = await get<BudgetRequestDetail>(`/api/units/${this.ctx.unitId}/budget-requests/${id}`);
  }

  askWithdraw(p: Payment) {
    this.withdrawing = p;
    this.message = '';
    this.error = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('.confirm button.danger')?.focus());
  }

  async withdraw(id: number) {
    this.busy = true;
    try {
      const done = await post<PaymentDetail>(`/api/units/${this.ctx.unitId}/payments/${id}/withdraw`, {});
      if (this.openPayment?.id === id) this.openPayment = done;
      this.withdrawing = null;
      await this.load();
      this.message = t('ap_withdrawn', { no: docLabel(done) });
      await this.renderRoot.querySelector('ub-doc-panel')?.fetch();
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  private renderWithdraw() {
    const p = this.withdrawing;
    if (!p) return '';
    return html`<div class="card confirm" role="dialog" aria-labelledby="withdraw-h" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.withdrawing = null)}>
      <h2 id="withdraw-h" style="margin-top:0">${t('withdraw')}</h2>
      <p>${t('ap_withdrawConfirm', { no: docLabel(p) })}</p>
      <p>${p.purpose} · <strong class="num">${formatFen(p.amount)}</strong> ${t('yuan')}</p>
      <div class="row">
        <button class="danger" ?disabled=${this.busy} @click=${() => this.withdraw(p.id)}>${t('withdraw')}</button>
        <button ?disabled=${this.busy} @click=${() => (this.withdrawing = null)}>${t('ap_cancel')}</button>
      </div>
    </div>`;
  }

  /** Under the status: who decides next, or why it came back. */
  private statusNote(x: Payment) {
    const d = this.details.get(x.id);
    if (!d) return '';
    if (x.status === 'pending') {
      const next = nextStepText(d.steps);
      return next ? html`<span class="next">${next}</span>` : '';
    }
    if (x.status === 'rejected') {
      const reason = rejectionReason(d.steps, d.comments);
      return reason ? html`<span class="reason">${t('ap_rejectedBecause', { reason })}</span>` : '';
    }
    return '';
  }

  override render() {
    const p = this.openPayment;
    const r = this.openRequest;
    return html`<h1>${t('mineTitle')}</h1>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : ''}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      ${this.renderWithdraw()}
      ${this.doc.ref ? html`<ub-doc-panel .unitId=${this.ctx.unitId} .doc=${this.doc.ref} @close=${() => this.doc.close()}></ub-doc-panel>` : ''}
      <h2>${t('payments')} <span class="muted" style="font-size:13px;font-weight:normal">${t('ap_unitYuan')}</span></h2>
      ${this.paymentPages.search()}
      <div class="x-scroll" ${scrollHint()}><table class="cards">
        <thead><tr><th>${t('ap_docNo')}</th><th>${t('date')}</th><th>${t('purpose')}</th><th>${t('payee')}</th><th>${t('indicatorCode')}</th><th class="num">${t('amountYuan')}</th><th>${t('status')}</th><th></th></tr></thead>
        <tbody>
          ${this.payments.length === 0 ? html`<tr><td colspan="8" class="muted">${t('none')}</td></tr>` : ''}
          ${this.payments.map(
            (x) => html`<tr class=${p?.id === x.id ? 'open' : ''} data-id=${x.id}>
                <td class="nowrap">${docLabel(x)}</td><td class="date">${x.date}</td><td>${x.purpose}${x.warnings.length ? html` <span class="badge warn" title=${x.warnings.map((w) => w.message).join('\n')}>${t('severity_warn')} ${x.warnings.length}</span>` : ''}</td>
                <td>${x.payeeName}</td><td class="nowrap">${x.indicatorCode}</td><td class="num">${formatFen(x.amount)}</td>
                <td><span class="badge ${x.status}">${t(`pstatus_${x.status}`)}</span>${this.statusNote(x)}</td>
                <td class="act">
                  ${x.status === 'pending' || x.status === 'approved'
                    ? html`<button class="danger" ?disabled=${this.busy} aria-label="${t('withdraw')} ${docLabel(x)}" @click=${() => this.askWithdraw(x)}>${t('withdraw')}</button>`
                    : ''}
                  <button class="link" aria-expanded=${p?.id === x.id ? 'true' : 'false'} @click=${() => this.togglePayment(x.id)}>${t('approvalTrail')}</button>
                </td>
              </tr>
              ${p?.id === x.id
                ? html`<tr><td colspan="8" class="trail"><div class="classes muted">${classLine(p, this.names)}</div>
                    <ub-step-trail .steps=${p.steps} .comments=${p.comments}></ub-step-trail></td></tr>`
                : ''}`,
          )}
        </tbody>
      </table></div>${this.paymentPages.nav()}
      <h2>${t('budgetRequests')}</h2>
      ${this.requestPages.search()}
      <div class="x-scroll" ${scrollHint()}><table class="cards">
        <thead><tr><th>${t('ap_docNo')}</th><th>${t('year')}</th><th>${t('requestTitle')}</th><th>${t('department')}</th><th class="num">${t('amountYuan')}</th><th class="num">${t('controlAmount')}</th><th>${t('status')}</th><th></th></tr></thead>
        <tbody>
          ${this.requests.length === 0 ? html`<tr><td colspan="8" class="muted">${t('none')}</td></tr>` : ''}
          ${this.requests.map(
            (x) => html`<tr class=${r?.id === x.id ? 'open' : ''}>
                <td class="nowrap">${docLabel(x)}</td><td>${x.year}</td><td>${x.title}</td><td>${x.departmentName}</td><td class="num">${formatFen(x.amount)}</td>
                <td class="num">${x.controlAmount === null ? '—' : formatFen(x.controlAmount)}</td>
                <td><span class="badge ${x.status}">${t(`bstatus_${x.status}`)}</span></td>
                <td><button class="link" aria-expanded=${r?.id === x.id ? 'true' : 'false'} @click=${() => this.toggleRequest(x.id)}>${t('approvalTrail')}</button></td>
              </tr>
              ${r?.id === x.id
                ? html`<tr><td colspan="8" class="trail"><ol>${r.trail.map((e) => html`<li><span class="badge">${trailAction(e.action)}</span> ${e.authorName} <span class="muted">${when(e.at)}</span> ${e.body}</li>`)}</ol>
                    <ub-plugin-placements unit-id=${this.ctx.unitId} placement="budget-request-detail" subject-kind="budget-request" subject-id=${String(x.id)}></ub-plugin-placements></td></tr>`
                : ''}`,
          )}
        </tbody>
      </table></div>${this.requestPages.nav()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-my-requests': UbMyRequests }
}
