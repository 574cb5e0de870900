import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { get, post, errorText } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { CloseChecklist, FiscalYear, Period } from '../lib/types.js';
import { formatFen } from '../lib/money.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { docLabel } from '../lib/approvals.js';

/** 会计期间结账: the twelve periods of each fiscal year; the next open period can be closed. */
@customElement('ub-period-close')
export class UbPeriodClose extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 900px; }
    .tabs { display: flex; gap: 6px; margin-bottom: 10px; }
    .tabs button[aria-pressed='true'] { background: #1d5fbf; color: #fff; border-color: #1d5fbf; }
    .checklist h3 { margin: 12px 0 6px; font-size: 15px; }
    .checklist ul { margin: 0; padding-left: 20px; }
    .checklist li { margin: 3px 0; }
    .scroll { overflow-x: auto; }
    th.action, td.action { text-align: right; width: 1%; white-space: nowrap; }
    .docs td.summary { min-width: 14em; }
    /* a phone: each open document is a small card of label and value, the summary readable in full */
    @media (max-width: 600px) {
      .docs thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
      .docs, .docs tbody, .docs tr, .docs td { display: block; }
      .docs tr { border-bottom: 1px solid #e6eaef; padding: 6px 0; }
      .docs td { display: flex; gap: 10px; border: 0; padding: 2px 0; text-align: left; white-space: normal; }
      .docs td.summary { min-width: 0; }
      .docs td::before { content: attr(data-label); flex: none; width: 6.5em; color: #667085; }
    }
  `];

  @state() years: FiscalYear[] = [];
  @state() year: number | null = null;
  @state() confirming: Period | null = null;
  /** 结账检查 of the month being confirmed: what is still open in it and whether its books balance. */
  @state() checklist: CloseChecklist | null = null;
  @state() message = '';
  @state() error = '';
  @state() busy = false;

  async load() {
    try {
      this.years = (await get<FiscalYear[]>(`/api/units/${this.ctx.unitId}/fiscal-years`)).sort((a, b) => b.year - a.year);
      this.year ??= this.years.find((y) => y.status === 'open')?.year ?? this.years[0]?.year ?? null;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  get fiscalYear() {
    return this.years.find((y) => y.year === this.year);
  }

  /** Periods close in order: only the first open one. */
  get nextToClose(): Period | undefined {
    return this.fiscalYear?.periods.find((p) => p.status === 'open');
  }

  async confirm(p: Period) {
    this.confirming = p;
    this.checklist = null;
    this.error = '';
    try {
      this.checklist = await get<CloseChecklist>(`/api/units/${this.ctx.unitId}/periods/${p.year}/${p.month}/checklist`);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private checklistView(c: CloseChecklist) {
    const docPage = (d: CloseChecklist['documents'][number]) => (d.target === 'payment' && d.status === 'approved' ? '/payments' : '/inbox');
    return html`<div class="checklist" aria-label=${t('closeChecklist')}>
      <h3>${t('closeChecklistBooks')}</h3>
      <ul>${c.tracks.map((tr) => html`<li data-track=${tr.track}>
        <span class="badge ${tr.balanced ? 'ok' : 'block'}">${tr.balanced ? t('closeBalanced') : t('closeUnbalanced')}</span>
        ${t(tr.track === 'financial' ? 'closeTrackFinancial' : 'closeTrackBudgetary')}${t('closeDebitCredit', { debit: formatFen(tr.debit), credit: formatFen(tr.credit) })}</li>`)}</ul>
      ${c.blockingMonth ? html`<p class="error">${t('closeBlockedBy', { m: c.blockingMonth })}</p>` : ''}
      <h3>${t('closeOpenDocuments', { n: c.documents.length })}</h3>
      ${c.documents.length === 0
        ? html`<p class="muted">${t('closeNoOpenDocuments')}</p>`
        : html`<p class="muted">${t('closeOpenDocumentsHint')}</p>
          <div class="scroll" ${scrollHint()}><table class="docs">
            <thead><tr><th>${t('closeDocKind')}</th><th>${t('status')}</th><th>${t('closeDocDate')}</th><th class="num">${t('closeDocAmount')}</th><th>${t('closeDocSummary')}</th></tr></thead>
            <tbody>${c.documents.map((d) => html`<tr data-doc=${`${d.target}:${d.id}`}>
              <td data-label=${t('closeDocKind')} class="nowrap"><a href=${docPage(d)}>${t(`closeDoc_${d.target}` as 'closeDoc_payment')} ${docLabel(d)}</a></td>
              <td data-label=${t('status')}>${t(d.target === 'payment' && d.status === 'approved' ? 'closeDocApprovedUnpaid' : 'closeDocPending')}</td>
              <td data-label=${t('closeDocDate')} class="date">${d.date}</td>
              <td data-label=${t('closeDocAmount')} class="num">${formatFen(d.amount)}</td>
              <td data-label=${t('closeDocSummary')} class="summary">${d.summary}</td>
            </tr>`)}</tbody>
          </table></div>`}
    </div>`;
  }

  async close(p: Period) {
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      await post(`/api/units/${this.ctx.unitId}/periods/${p.year}/${p.month}/close`, {});
      this.confirming = null;
      await this.load();
      this.message = t('periodClosedOk', { y: p.year, m: p.month });
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const fy = this.fiscalYear;
    const next = this.nextToClose;
    return html`<h1>${t('periodsTitle')}</h1>
      <p class="muted">${t('la_fy_seeYearEnd')} <a href="/fiscal-years">${t('nav_fiscalYears')}</a></p>
      <div class="tabs" role="group" aria-label=${t('year')}>
        ${this.years.map((y) => html`<button aria-pressed=${y.year === this.year ? 'true' : 'false'} @click=${() => (this.year = y.year)}>${y.year}</button>`)}
      </div>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : ''}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      ${this.confirming
        ? html`<div class="card" role="alertdialog" aria-label=${t('closePeriod')}>
            <p>${t('closeConfirm', { y: this.confirming.year, m: this.confirming.month })}</p>
            ${this.checklist ? this.checklistView(this.checklist) : html`<p class="muted" role="status">${t('closeChecking')}</p>`}
            <p>
              <button class="primary" data-action="close" ?disabled=${this.busy || !this.checklist?.canClose} @click=${() => this.close(this.confirming!)}>${t('closeConfirmButton')}</button>
              <button @click=${() => { this.confirming = null; this.checklist = null; }}>${t('cancel')}</button>
            </p>
          </div>`
        : ''}
      <div class="scroll" ${scrollHint()}><table>
        <thead><tr><th>${t('month')}</th><th>${t('status')}</th><th>${t('closedAt')}</th><th class="action">${t('action')}</th></tr></thead>
        <tbody>
          ${(fy?.periods ?? []).map(
            (p) => html`<tr>
              <td>${p.year}-${String(p.month).padStart(2, '0')}</td>
              <td><span class="badge ${p.status === 'closed' ? 'ok' : ''}">${t(p.status === 'closed' ? 'periodClosed' : 'periodOpen')}</span></td>
              <td class="date">${when(p.closedAt)}</td>
              <td class="action">${next && p.month === next.month && p.year === next.year && !this.ctx.readOnly
                ? html`<button data-action="check-close" @click=${() => this.confirm(p)}>${t('closeCheck')}</button>`
                : ''}</td>
            </tr>`,
          )}
        </tbody>
      </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-period-close': UbPeriodClose }
}
