import { html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { get } from '../lib/api.js';
import { lang, t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import type { AuditEntry, BudgetRequest, IndicatorDetail, Payment, PaymentDetail, VerifyResult } from '../lib/types.js';
import '../components/step-trail.js';
import '../components/rule-findings.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { auditActionLabel, docLabel } from '../lib/approvals.js';

/**
 * 审计追溯 (read-only): pick a payment request and follow it to its indicator and the original
 * budget, through its approvals and comments, to its audit-chain entries; the chain's status on top.
 */
@customElement('ub-audit-trace')
export class UbAuditTrace extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    .layout { display: grid; grid-template-columns: 340px minmax(0, 1fr); gap: 16px; align-items: start; }
    .list { max-height: 560px; overflow: auto; border: 1px solid #dde3ea; border-radius: 6px; background: #fff; }
    .list button { all: unset; display: grid; grid-template-columns: 48px 1fr auto; gap: 6px; width: 100%; box-sizing: border-box; padding: 7px 10px; border-bottom: 1px solid #eef0f3; cursor: pointer; font-size: 13px; }
    .list button:hover, .list button[aria-current='true'] { background: #eaf1fb; }
    .list button:focus-visible { outline: 2px solid #1d5fbf; outline-offset: -2px; }
    .chain { display: flex; gap: 8px; align-items: center; margin-bottom: 12px; }
    ol.trace { list-style: none; margin: 0; padding: 0; border-left: 3px solid #c9d6ea; }
    ol.trace > li { margin: 0 0 14px 0; padding-left: 16px; position: relative; }
    ol.trace > li::before { content: ''; position: absolute; left: -8px; top: 6px; width: 13px; height: 13px; border-radius: 50%; background: #1d5fbf; }
    code { font-size: 12px; color: #475467; }
    dl { display: grid; grid-template-columns: 110px 1fr; gap: 4px 10px; margin: 0; }
    dt { color: #667085; } dd { margin: 0; }
    dd { min-width: 0; overflow-wrap: anywhere; }
    .layout > * { min-width: 0; }
    @media (max-width: 1000px) { .layout { grid-template-columns: minmax(0, 1fr); } }
    @media (max-width: 600px) { dl { grid-template-columns: 88px minmax(0, 1fr); } }
  `];

  @property({ type: Number }) paymentId: number | null = null;
  @state() payments: Payment[] = [];
  @state() verify: VerifyResult | null = null;
  @state() payment: PaymentDetail | null = null;
  @state() indicator: IndicatorDetail | null = null;
  @state() requests: BudgetRequest[] = [];
  @state() entries: AuditEntry[] = [];
  @state() filter = '';
  @state() error = '';
  private traced: number | null = null;

  override willUpdate(changed: PropertyValues) {
    super.willUpdate(changed);
    if (this.ctx && this.paymentId && this.traced !== this.paymentId) {
      this.traced = this.paymentId;
      void this.trace(this.paymentId);
    }
  }

  async load() {
    try {
      const [payments, verify] = await Promise.all([
        get<Payment[]>(`/api/units/${this.ctx.unitId}/payments?limit=1000`),
        get<VerifyResult>('/api/audit/verify').catch(() => null),
      ]);
      this.payments = [...payments].sort((a, b) => b.id - a.id);
      this.verify = verify;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  async trace(id: number) {
    const u = this.ctx.unitId;
    this.error = '';
    try {
      const [payment, entries] = await Promise.all([
        get<PaymentDetail>(`/api/units/${u}/payments/${id}`),
        get<AuditEntry[]>(`/api/units/${u}/audit?entity=payment&entityId=${id}&limit=500`),
      ]);
      this.payment = payment;
      this.entries = entries;
      this.indicator = await get<IndicatorDetail>(`/api/units/${u}/indicators/${payment.indicatorId}`);
      const reqIds = [...new Set(this.indicator.origins.map((o) => o.budgetRequestId).filter((x): x is number => x !== null))];
      this.requests = (await Promise.all(reqIds.map((r) => get<BudgetRequest>(`/api/units/${u}/budget-requests/${r}`).catch(() => null)))).filter(
        (r): r is BudgetRequest => r !== null,
      );
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  private open(id: number) {
    history.pushState(null, '', `/audit/${id}`);
    this.paymentId = id;
  }

  private renderChain() {
    const v = this.verify;
    if (!v) return '';
    return html`<div class="chain card" role="status" aria-label=${t('chainStatus')}>
      <span class="badge ${v.ok ? 'ok' : 'block'}">${t('chainStatus')}</span>
      <span class=${v.ok ? 'ok' : 'error'}>${v.ok ? t('chainOk', { n: v.checked, seq: v.headSeq }) : t('chainBroken', { seq: v.brokenAt ?? '?', reason: v.reason ?? '' })}</span>
      <code title=${v.headHash}>${v.headHash.slice(0, 16)}…</code>
    </div>`;
  }

  private renderTrace() {
    const p = this.payment;
    if (!p) return html`<p class="muted">${t('pickPayment')}</p>`;
    const ind = this.indicator;
    return html`<h2>${t('traceOf', { id: docLabel(p) })}</h2>
      <ol class="trace">
        <li><h3>${t('target_payment')} ${docLabel(p)} <span class="badge ${p.status}">${t(`pstatus_${p.status}`)}</span></h3>
          <dl>
            <dt>${t('amountYuan')}</dt><dd class="num" style="text-align:left">${formatFen(p.amount)}</dd>
            <dt>${t('purpose')}</dt><dd>${p.purpose}</dd>
            <dt>${t('payee')}</dt><dd>${p.payeeName} ${p.payeeBank} ${p.payeeAccount}</dd>
            <dt>${t('date')}</dt><dd>${p.date} · ${p.createdByName}</dd>
            ${p.overrideReason ? html`<dt>${t('overrideReason')}</dt><dd>${p.overrideReason}</dd>` : ''}
          </dl>
          ${p.warnings.length ? html`<ub-rule-findings .result=${{ ok: true, findings: p.warnings, available: ind?.available ?? 0, steps: [] }}></ub-rule-findings>` : ''}
        </li>
        <li><h3>${t('approvalTrail')}</h3><ub-step-trail .steps=${p.steps} .comments=${p.comments}></ub-step-trail></li>
        <li><h3>${t('indicator')} ${ind ? html`<a href="/dashboard/${ind.id}">${ind.code}</a>` : p.indicatorCode}</h3>
          ${ind
            ? html`<dl>
                <dt>${t('indicatorName')}</dt><dd>${ind.name}</dd>
                <dt>${t('budgetAmount')}</dt><dd>${formatFen(ind.amount)}${t('paren', { x: `${t('issued')} ${formatFen(ind.issued)}${t('adm_sep')}${t('adjusted')} ${formatFen(ind.adjusted)}` })}</dd>
                <dt>${t('paid')} / ${t('frozen')}</dt><dd>${formatFen(ind.paid)} / ${formatFen(ind.frozen)}</dd>
                <dt>${t('available')}</dt><dd>${formatFen(ind.available)}</dd>
              </dl>`
            : ''}
        </li>
        <li data-origin><h3>${t('budgetOrigin')}</h3>
          ${ind?.origins.map((o) => {
            const r = this.requests.find((x) => x.id === o.budgetRequestId);
            return html`<div>${o.code} · ${t(`via_${o.via}`)} · ${formatFen(o.amount)}
              ${r
                ? html` ← ${t('budgetRequestNo', { id: docLabel(r) })} 「${r.title}」 ${r.departmentName} · <span class="badge ${r.status}">${t(`bstatus_${r.status}`)}</span>`
                : o.budgetRequestId === null && o.via === 'issue' ? html` ← ${t('ref_direct')}` : ''}</div>`;
          }) ?? ''}
        </li>
        <li><h3>${t('auditEntries')}</h3>
          <div class="x-scroll" ${scrollHint()}><table>
            <thead><tr><th>#</th><th>${t('date')}</th><th>${t('action')}</th><th>${t('actor')}</th><th>${t('hash')}</th></tr></thead>
            <tbody>${this.entries.map((e) => html`<tr><td>${e.seq}</td><td class="date">${when(e.at)}</td><td title=${e.action}>${auditActionLabel(e.action, lang() === 'en' ? 'en' : 'zh')}</td><td>${e.actorDisplayName ?? e.actorName}</td><td><code title=${e.hash}>${e.hash.slice(0, 12)}… ← ${e.prevHash.slice(0, 8)}…</code></td></tr>`)}</tbody>
          </table></div>
        </li>
      </ol>`;
  }

  override render() {
    const f = this.filter.trim();
    const list = f ? this.payments.filter((p) => String(p.id) === f || p.purpose.includes(f) || p.payeeName.includes(f)) : this.payments;
    return html`<h1>${t('auditTitle')} <span class="badge">${t('readOnly')}</span></h1>
      ${this.renderChain()}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      <div class="layout">
        <div>
          <label class="field">${t('search')}<input type="search" .value=${this.filter} @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)} /></label>
          <div class="list" role="list" aria-label=${t('pickPayment')} style="margin-top:8px">
            ${list.slice(0, 300).map((p) => html`<div role="listitem"><button aria-current=${p.id === this.payment?.id ? 'true' : 'false'} @click=${() => this.open(p.id)}>
              <span>${docLabel(p)}</span><span>${p.purpose}</span><span class="num">${formatFen(p.amount)}</span></button></div>`)}
          </div>
        </div>
        <div class="card">${this.renderTrace()}</div>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-audit-trace': UbAuditTrace }
}
