import { html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared, kindLabelKey } from '../lib/base.js';
import { get } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatFen, percent } from '../lib/money.js';
import { classNames, deptName, type UnitContext } from '../lib/context.js';
import type { BudgetRequest, IndicatorDetail } from '../lib/types.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { docLabel } from '../lib/approvals.js';
import { moneyUnit } from '../lib/money-unit.js';

const refLabel = (r: string) => { const k = `ref_${r}` as MessageKey; const s = t(k); return s === k ? r : s; };

/** 指标台账: one indicator with its figures, every movement, and its origins back to the original budget. */
@customElement('ub-indicator-detail')
export class UbIndicatorDetail extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .figures { display: grid; grid-template-columns: repeat(6, 1fr); gap: 10px; margin: 12px 0; }
    .figures .v { font-size: 16px; font-weight: 600; text-align: right; font-variant-numeric: tabular-nums; }
    dl { display: grid; grid-template-columns: 120px 1fr 120px 1fr; gap: 6px 12px; margin: 0; }
    dt { color: #667085; } dd { margin: 0; }
    .neg { color: #b42318; }
    .figures > * { min-width: 0; }
    dd { min-width: 0; overflow-wrap: anywhere; }
    @media (max-width: 1000px) { .figures { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
    @media (max-width: 600px) {
      .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); }
      dl { grid-template-columns: 96px minmax(0, 1fr); }
    }
  `];

  @property({ attribute: false }) ctx!: UnitContext;
  @property({ type: Number }) indicatorId = 0;
  /** Where "back" leads (the dashboard, or the audit trace). */
  @property() backHref = '/dashboard';
  @state() detail: IndicatorDetail | null = null;
  @state() requests = new Map<number, BudgetRequest>();
  @state() econ = new Map<string, string>();
  @state() error = '';
  private loaded = '';

  override willUpdate() {
    const key = `${this.ctx?.unitId}/${this.indicatorId}`;
    if (this.ctx && this.indicatorId && this.loaded !== key) {
      this.loaded = key;
      void this.load();
    }
  }

  async load() {
    try {
      this.detail = await get<IndicatorDetail>(`/api/units/${this.ctx.unitId}/indicators/${this.indicatorId}`);
      this.econ = await classNames('economic');
      const ids = [...new Set(this.detail.origins.map((o) => o.budgetRequestId).filter((x): x is number => x !== null))];
      const found = await Promise.all(ids.map((id) => get<BudgetRequest>(`/api/units/${this.ctx.unitId}/budget-requests/${id}`).catch(() => null)));
      this.requests = new Map(found.filter((r): r is BudgetRequest => r !== null).map((r) => [r.id, r]));
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  override render() {
    const d = this.detail;
    if (this.error) return html`<div class="notice error" role="alert">${this.error}</div>`;
    if (!d) return html`<p class="muted">${t('loading')}</p>`;
    return html`<p><a href=${this.backHref}>← ${t('backToList')}</a></p>
      <h1>${t('indicatorDetail')} · ${d.code}</h1>
      <div class="card">
        <dl>
          <dt>${t('indicatorName')}</dt><dd>${d.name}</dd>
          <dt>${t('department')}</dt><dd>${deptName(this.ctx, d.departmentId)}</dd>
          <dt>${t('expenditureKind')}</dt><dd>${t(kindLabelKey(d.expenditureKind))}${d.isFlexibleReserve ? ` · ${t('flexibleReserve')}` : ''}</dd>
          <dt>${t('economicClass')}</dt><dd>${d.economicCode} ${this.econ.get(d.economicCode) ?? ''}</dd>
          <dt>${t('functionalClass')}</dt><dd>${d.functionalCode}</dd>
          <dt>${t('fundSource')}</dt><dd>${d.fundSourceCode}</dd>
        </dl>
      </div>
      <p style="text-align: right; margin: 12px 0 -8px">${moneyUnit()}</p>
      <div class="figures">
        ${(['issued', 'adjusted', 'amount', 'reserved', 'frozen', 'paid', 'available'] as const).map(
          (k) => html`<div class="card"><div class="muted">${t(k === 'amount' ? 'budgetAmount' : k)}</div><div class="v">${formatFen(d[k])}</div></div>`,
        )}
      </div>
      <p class="muted">${t('executionRate')}: ${percent(d.paid, d.amount)}</p>
      <h2>${t('origins')} ${moneyUnit()}</h2>
      <div class="x-scroll" ${scrollHint()}><table>
        <thead><tr><th>${t('indicatorCode')}</th><th>${t('reference')}</th><th>${t('budgetOrigin')}</th><th class="num">${t('amountYuan')}</th></tr></thead>
        <tbody>
          ${d.origins.length === 0 ? html`<tr><td colspan="4" class="muted">${t('none')}</td></tr>` : ''}
          ${d.origins.map((o) => {
            const req = o.budgetRequestId !== null ? this.requests.get(o.budgetRequestId) : undefined;
            return html`<tr>
              <td>${o.indicatorId === d.id ? o.code : html`<a href="/dashboard/${o.indicatorId}">${o.code}</a>`}</td>
              <td>${t(`via_${o.via}` as MessageKey)}</td>
              <td>${o.budgetRequestId !== null ? html`${t('budgetRequestNo', { id: req ? docLabel(req) : '' })} ${req ? html`· ${req.title} · <span class="badge ${req.status}">${t(`bstatus_${req.status}`)}</span>` : ''}` : '—'}</td>
              <td class="num">${formatFen(o.amount)}</td></tr>`;
          })}
        </tbody>
      </table></div>
      <h2>${t('movements')} ${moneyUnit()}</h2>
      <div class="x-scroll" ${scrollHint()}><table>
        <thead><tr><th>${t('date')}</th><th>${t('action')}</th><th>${t('reference')}</th><th class="num">${t('amountYuan')}</th></tr></thead>
        <tbody>
          ${d.movements.map(
            (m) => html`<tr><td class="date">${m.date}</td><td><span class="badge">${t(`mv_${m.kind}` as MessageKey)}</span></td>
              <td>${refLabel(m.refType)}${m.refNo ? html` <span class="nowrap">${m.refNo}</span>` : ''}${m.counterpartIndicatorId ? html` ↔ <a href="/dashboard/${m.counterpartIndicatorId}">${m.counterpartCode ?? t('indicator')}</a>` : ''}</td>
              <td class="num ${m.amount < 0 ? 'neg' : ''}">${formatFen(m.amount)}</td></tr>`,
          )}
        </tbody>
      </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-indicator-detail': UbIndicatorDetail }
}
