import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, kindLabelKey, UnitPage } from '../lib/base.js';
import { LiveReload } from '../lib/live.js';
import { get, post, qs, errorText } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen, moneyUnit } from '../lib/money.js';
import { classNames, today } from '../lib/context.js';
import type { BudgetRequest, BudgetRequestDetail, BudgetStatus, FiscalYear } from '../lib/types.js';
import type { AmountChange } from '../components/amount-input.js';
import '../components/amount-input.js';
import '../components/plugin-placements.js';
import '../components/request-warnings.js';
import { when } from '../lib/time.js';
import { docLabel, trailAction } from '../lib/approvals.js';

/** Requests waiting for a decision: submitted (一上) and resubmitted (二上). */
export const REVIEWABLE: BudgetStatus[] = ['submitted', 'resubmitted'];

/** Control numbers start at what was asked (on a second round the amounts are already within the previous ones). */
export function initialControls(d: BudgetRequestDetail): Map<number, number | null> {
  return new Map(d.lines.map((l) => [l.id, l.amount]));
}

/**
 * 预算审核 (一下/二下): finance reviews the submitted requests of a year, gives every line a control
 * number and returns the request (budget.review); the leader approves a resubmitted request, which
 * issues one indicator per line (budget.approve). Read-only for auditors and supervising units.
 */
@customElement('ub-budget-review')
export class UbBudgetReview extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    .cols { display: grid; grid-template-columns: minmax(380px, 1fr) 2fr; gap: 14px; align-items: start; }
    td.title { min-width: 150px; }
    .cols > * { min-width: 0; overflow-x: auto; }
    .bar { display: flex; gap: 12px; align-items: flex-end; flex-wrap: wrap; margin-bottom: 10px; }
    tbody tr.sel { background: #eaf1fb; }
    button.link { border: 0; background: none; color: #1d5fbf; padding: 0; min-height: 0; text-decoration: underline; text-align: left; }
    td.ctl { min-width: 160px; }
    .actions { display: flex; gap: 10px; align-items: flex-end; flex-wrap: wrap; margin-top: 12px; }
    ol.trail { padding-left: 18px; margin: 6px 0; }
    .diff { color: #b42318; }
    @media (max-width: 1100px) { .cols { grid-template-columns: 1fr; } }
  `];

  @state() years: number[] = [];
  @state() year = new Date().getFullYear();
  @state() filter: 'review' | BudgetStatus | '' = 'review';
  @state() rows: BudgetRequest[] = [];
  @state() loaded = false;
  @state() detail: BudgetRequestDetail | null = null;
  @state() controls = new Map<number, number | null>();
  @state() comment = '';
  @state() approveDate = today();
  @state() econ = new Map<string, string>();
  @state() busy = false;
  @state() message = '';
  @state() error = '';
  // A realtime notice (a request submitted or resubmitted) reloads the list (lib/live.ts).
  readonly live = new LiveReload(this, () => this.load());

  get canReturn() {
    return this.ctx.roles.includes('finance_officer') && !this.ctx.readOnly;
  }
  get canApprove() {
    return this.ctx.roles.includes('leader') && !this.ctx.readOnly;
  }

  protected override unitChanged(): void {
    void this.init();
  }

  private async init() {
    void classNames('economic').then((m) => (this.econ = m));
    try {
      const fys = await get<FiscalYear[]>(`/api/units/${this.ctx.unitId}/fiscal-years`);
      const years = new Set(fys.map((f) => f.year));
      // Requests are prepared for next year before its fiscal year exists.
      years.add(new Date().getFullYear() + 1);
      this.years = [...years].sort((a, b) => b - a);
    } catch {
      this.years = [this.year, this.year + 1];
    }
    await this.load();
  }

  get visible(): BudgetRequest[] {
    if (this.filter === 'review') return this.rows.filter((r) => REVIEWABLE.includes(r.status));
    return this.filter ? this.rows.filter((r) => r.status === this.filter) : this.rows;
  }

  async load() {
    try {
      const rows = await get<BudgetRequest[]>(`/api/units/${this.ctx.unitId}/budget-requests${qs({ year: this.year })}`);
      this.rows = rows.filter((r) => r.status !== 'draft').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.loaded = true;
    }
  }

  async open(id: number) {
    this.error = '';
    try {
      const d = await get<BudgetRequestDetail>(`/api/units/${this.ctx.unitId}/budget-requests/${id}`);
      this.detail = d;
      this.controls = initialControls(d);
      this.comment = '';
      this.approveDate = d.year === new Date().getFullYear() ? today() : `${d.year}-01-01`;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  setControl(lineId: number, fen: number | null) {
    const m = new Map(this.controls);
    m.set(lineId, fen);
    this.controls = m;
  }

  get controlTotal(): number {
    return [...this.controls.values()].reduce<number>((n, v) => n + (v ?? 0), 0);
  }

  get controlsComplete(): boolean {
    return !!this.detail && this.detail.lines.every((l) => typeof this.controls.get(l.id) === 'number');
  }

  private async act(kind: 'return' | 'approve') {
    const d = this.detail;
    if (!d) return;
    this.busy = true;
    this.error = '';
    this.message = '';
    const comment = this.comment.trim() || undefined;
    try {
      const body = kind === 'return'
        ? { comment, lines: d.lines.map((l) => ({ lineId: l.id, controlAmount: this.controls.get(l.id)! })) }
        : { comment, date: this.approveDate };
      const next = await post<BudgetRequestDetail>(`/api/units/${this.ctx.unitId}/budget-requests/${d.id}/${kind}`, body);
      this.detail = next;
      this.controls = initialControls(next);
      this.comment = '';
      await this.load();
      this.message = t(kind === 'return' ? 'rev_returned_ok' : 'rev_approved_ok', { id: docLabel(d), n: next.lines.filter((l) => l.indicatorId !== null).length });
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  returnRequest() {
    return this.act('return');
  }
  approve() {
    return this.act('approve');
  }

  private renderList() {
    const rows = this.visible;
    return html`<section class="card" aria-labelledby="rev-list">
      <h2 id="rev-list" style="margin-top:0">${t('rev_list')} ${moneyUnit()}</h2>
      <div class="bar">
        <label class="field">${t('year')}
          <select name="year" @change=${(e: Event) => { this.year = Number((e.target as HTMLSelectElement).value); this.detail = null; void this.load(); }}>
            ${this.years.map((y) => html`<option value=${y} ?selected=${y === this.year}>${y}</option>`)}
          </select></label>
        <label class="field">${t('status')}
          <select name="filter" @change=${(e: Event) => (this.filter = (e.target as HTMLSelectElement).value as typeof this.filter)}>
            <option value="review" ?selected=${this.filter === 'review'}>${t('rev_to_review')}</option>
            ${(['submitted', 'returned', 'resubmitted', 'approved'] as const).map((s) => html`<option value=${s} ?selected=${this.filter === s}>${t(`bstatus_${s}`)}</option>`)}
            <option value="" ?selected=${this.filter === ''}>${t('allOption')}</option>
          </select></label>
      </div>
      <table>
        <thead><tr><th>${t('ap_docNo')}</th><th>${t('requestTitle')}</th><th class="num">${t('amountYuan')}</th><th>${t('status')}</th></tr></thead>
        <tbody>
          ${this.loaded && rows.length === 0 ? html`<tr><td colspan="4" class="muted">${t('rev_none')}</td></tr>` : ''}
          ${rows.map((r) => html`<tr class=${this.detail?.id === r.id ? 'sel' : ''} data-id=${r.id}>
            <td class="nowrap">${docLabel(r)}</td>
            <td class="title"><button class="link" aria-current=${this.detail?.id === r.id ? 'true' : 'false'} @click=${() => this.open(r.id)}>${r.title}</button>
              <br /><span class="muted">${r.departmentName} · ${t('round')} ${r.round}</span></td>
            <td class="num">${formatFen(r.amount)}</td>
            <td><span class="badge ${r.status}">${t(`bstatus_${r.status}`)}</span></td>
          </tr>`)}
        </tbody>
      </table>
    </section>`;
  }

  private renderDetail(d: BudgetRequestDetail) {
    const reviewable = REVIEWABLE.includes(d.status);
    const editing = reviewable && this.canReturn;
    const econ = (code: string) => this.econ.get(code) ?? '';
    return html`<section class="card" aria-labelledby="rev-detail">
      <h2 id="rev-detail" style="margin-top:0">${docLabel(d)} ${d.title} <span class="badge ${d.status}">${t(`bstatus_${d.status}`)}</span></h2>
      <p class="muted">${d.departmentName} · ${d.year} · ${t('round')} ${d.round} · ${t('rev_requested')} ${formatFen(d.amount)} ${t('yuan')}${d.controlAmount !== null ? html` · ${t('controlAmount')} ${formatFen(d.controlAmount)} ${t('yuan')}` : ''}</p>
      <p style="text-align: right; margin: 0">${moneyUnit()}</p>
      <table>
        <thead><tr><th>${t('rev_line')}</th><th>${t('expenditureKind')}</th><th>${t('economicClass')}</th><th class="num">${t('headcount')}</th>
          <th class="num">${t('rev_requested')}</th><th class="num">${t('controlAmount')}</th><th>${t('indicator')}</th></tr></thead>
        <tbody>
          ${d.lines.map((l) => {
            const ctl = this.controls.get(l.id);
            return html`<tr data-line=${l.id}>
              <td>${l.lineNo}</td>
              <td class="nowrap">${t(kindLabelKey(l.expenditureKind))}</td>
              <td>${l.economicCode} ${econ(l.economicCode)}${l.note && l.note !== econ(l.economicCode) ? html`<br /><span class="muted">${l.note}</span>` : ''}</td>
              <td class="num">${l.headcount ?? ''}</td>
              <td class="num">${formatFen(l.amount)}</td>
              <td class=${editing ? 'ctl' : 'num'}>${editing
                ? html`<ub-amount-input allow-zero required .label=${t('rev_control_for', { n: l.lineNo })} .value=${ctl ?? null}
                    @amount-change=${(e: CustomEvent<AmountChange>) => this.setControl(l.id, e.detail.fen)}></ub-amount-input>
                    ${typeof ctl === 'number' && ctl !== l.amount ? html`<span class="muted diff">${t('rev_cut', { d: formatFen(l.amount - ctl) })}</span>` : ''}`
                : l.controlAmount === null ? '—' : formatFen(l.controlAmount)}</td>
              <td class="nowrap">${l.indicatorId ? html`<a href="/dashboard/${l.indicatorId}">${l.indicatorCode ?? t('indicator')}</a>` : ''}</td>
            </tr>`;
          })}
        </tbody>
        <tfoot><tr><td colspan="4">${t('total')}</td><td class="num">${formatFen(d.amount)}</td>
          <td class="num" data-total>${editing ? formatFen(this.controlTotal) : d.controlAmount === null ? '—' : formatFen(d.controlAmount)}</td><td></td></tr></tfoot>
      </table>
      ${reviewable && (this.canReturn || this.canApprove)
        ? html`<div class="actions">
            <label class="field grow">${t('comment')}
              <input name="comment" .value=${this.comment} @input=${(e: Event) => (this.comment = (e.target as HTMLInputElement).value)} /></label>
            ${this.canReturn
              ? html`<button name="return" ?disabled=${this.busy || !this.controlsComplete} @click=${this.returnRequest}>${t('rev_return')}</button>`
              : ''}
            ${this.canApprove && d.status === 'resubmitted'
              ? html`<label class="field">${t('rev_approve_date')}
                  <input type="date" name="approveDate" .value=${this.approveDate} @input=${(e: Event) => (this.approveDate = (e.target as HTMLInputElement).value)} /></label>
                <button class="primary" name="approve" ?disabled=${this.busy || !this.approveDate} @click=${this.approve}>${t('rev_approve')}</button>`
              : ''}
          </div>
          <p class="muted">${d.status === 'submitted' ? t('rev_hint_submitted') : this.canApprove ? t('rev_hint_leader') : t('rev_hint_resubmitted')}</p>`
        : d.status === 'returned' ? html`<p class="muted">${t('rev_hint_returned')}</p>` : ''}
      <ub-request-warnings .warnings=${d.warnings ?? []}></ub-request-warnings>
      <h3>${t('approvalTrail')}</h3>
      <ol class="trail">${d.trail.map((e) => html`<li><span class="badge">${trailAction(e.action)}</span> ${e.authorName} <span class="muted">${when(e.at)}</span> ${e.body}</li>`)}</ol>
      <ub-plugin-placements unit-id=${this.ctx.unitId} placement="budget-request-detail" subject-kind="budget-request" subject-id=${String(d.id)}></ub-plugin-placements>
    </section>`;
  }

  override render() {
    return html`<h1>${t('rev_title')}</h1>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : ''}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      <div class="cols">
        ${this.renderList()}
        ${this.detail ? this.renderDetail(this.detail) : html`<p class="muted">${t('rev_pick')}</p>`}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-budget-review': UbBudgetReview }
}
