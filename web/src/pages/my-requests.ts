import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { get, post, errorText } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import type { BudgetRequest, BudgetRequestDetail, Payment, PaymentDetail } from '../lib/types.js';
import '../components/step-trail.js';
import '../components/rule-findings.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';

/** 我的申请: the caller's payment requests and budget requests, each with status and approval trail. */
@customElement('ub-my-requests')
export class UbMyRequests extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    tr.open { background: #f0f6ff; }
    td.trail { background: #fafbfc; }
    button.link { white-space: nowrap; border: 0; background: none; color: #1d5fbf; padding: 0; min-height: 0; text-decoration: underline; }
  `];

  @state() payments: Payment[] = [];
  @state() requests: BudgetRequest[] = [];
  @state() openPayment: PaymentDetail | null = null;
  @state() openRequest: BudgetRequestDetail | null = null;
  @state() error = '';

  async load() {
    const u = this.ctx.unitId;
    try {
      const [payments, requests] = await Promise.all([
        get<Payment[]>(`/api/units/${u}/payments?mine=true&limit=200`),
        get<BudgetRequest[]>(`/api/units/${u}/budget-requests`),
      ]);
      this.payments = [...payments].sort((a, b) => b.id - a.id);
      this.requests = requests.filter((r) => r.createdBy === this.ctx.me.id).sort((a, b) => b.id - a.id);
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  async togglePayment(id: number) {
    if (this.openPayment?.id === id) return void (this.openPayment = null);
    this.openPayment = await get<PaymentDetail>(`/api/units/${this.ctx.unitId}/payments/${id}`);
  }

  async toggleRequest(id: number) {
    if (this.openRequest?.id === id) return void (this.openRequest = null);
    this.openRequest = await get<BudgetRequestDetail>(`/api/units/${this.ctx.unitId}/budget-requests/${id}`);
  }

  async withdraw(id: number) {
    try {
      this.openPayment = await post<PaymentDetail>(`/api/units/${this.ctx.unitId}/payments/${id}/withdraw`, {});
      await this.load();
    } catch (e) {
      this.error = errorText(e);
    }
  }

  override render() {
    const p = this.openPayment;
    const r = this.openRequest;
    return html`<h1>${t('mineTitle')}</h1>
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      <h2>${t('payments')}</h2>
      <div class="x-scroll" ${scrollHint()}><table>
        <thead><tr><th>#</th><th>${t('date')}</th><th>${t('purpose')}</th><th>${t('payee')}</th><th>${t('indicatorCode')}</th><th class="num">${t('amountYuan')}</th><th>${t('status')}</th><th></th></tr></thead>
        <tbody>
          ${this.payments.length === 0 ? html`<tr><td colspan="8" class="muted">${t('none')}</td></tr>` : ''}
          ${this.payments.map(
            (x) => html`<tr class=${p?.id === x.id ? 'open' : ''}>
                <td>${x.id}</td><td class="date">${x.date}</td><td>${x.purpose}${x.warnings.length ? html` <span class="badge warn" title=${x.warnings.map((w) => w.message).join('\n')}>${t('severity_warn')} ${x.warnings.length}</span>` : ''}</td>
                <td>${x.payeeName}</td><td class="nowrap">${x.indicatorCode}</td><td class="num">${formatFen(x.amount)}</td>
                <td><span class="badge ${x.status}">${t(`pstatus_${x.status}`)}</span></td>
                <td><button class="link" aria-expanded=${p?.id === x.id ? 'true' : 'false'} @click=${() => this.togglePayment(x.id)}>${t('approvalTrail')}</button></td>
              </tr>
              ${p?.id === x.id
                ? html`<tr><td colspan="8" class="trail">
                    <ub-step-trail .steps=${p.steps} .comments=${p.comments}></ub-step-trail>
                    ${p.status === 'pending' || p.status === 'approved' ? html`<button class="danger" @click=${() => this.withdraw(p.id)}>${t('withdraw')}</button>` : ''}
                  </td></tr>`
                : ''}`,
          )}
        </tbody>
      </table></div>
      <h2>${t('budgetRequests')}</h2>
      <div class="x-scroll" ${scrollHint()}><table>
        <thead><tr><th>#</th><th>${t('year')}</th><th>${t('requestTitle')}</th><th>${t('department')}</th><th class="num">${t('amountYuan')}</th><th class="num">${t('controlAmount')}</th><th>${t('status')}</th><th></th></tr></thead>
        <tbody>
          ${this.requests.length === 0 ? html`<tr><td colspan="8" class="muted">${t('none')}</td></tr>` : ''}
          ${this.requests.map(
            (x) => html`<tr class=${r?.id === x.id ? 'open' : ''}>
                <td>${x.id}</td><td>${x.year}</td><td>${x.title}</td><td>${x.departmentName}</td><td class="num">${formatFen(x.amount)}</td>
                <td class="num">${x.controlAmount === null ? '—' : formatFen(x.controlAmount)}</td>
                <td><span class="badge ${x.status}">${t(`bstatus_${x.status}`)}</span></td>
                <td><button class="link" aria-expanded=${r?.id === x.id ? 'true' : 'false'} @click=${() => this.toggleRequest(x.id)}>${t('approvalTrail')}</button></td>
              </tr>
              ${r?.id === x.id
                ? html`<tr><td colspan="8" class="trail"><ol>${r.trail.map((e) => html`<li><span class="badge">${e.action}</span> ${e.authorName} <span class="muted">${when(e.at)}</span> ${e.body}</li>`)}</ol></td></tr>`
                : ''}`,
          )}
        </tbody>
      </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-my-requests': UbMyRequests }
}
