import { html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { ApiError, get } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import type { AdjustmentView, BudgetRequestDetail, PaymentDetail, TransferView } from '../lib/types.js';
import { docLabel, nextStepText, rejectionReason, trailAction } from '../lib/approvals.js';
import { docParam, type DocRef } from '../lib/doc-link.js';
import { LiveReload } from '../lib/live.js';
import { when } from '../lib/time.js';
import './step-trail.js';

const PATH = { payment: 'payments', transfer: 'transfers', adjustment: 'adjustments', budget: 'budget-requests' } as const;
const STATUS = { payment: 'pstatus_', transfer: 'dstatus_', adjustment: 'dstatus_', budget: 'bstatus_' } as const;

type Loaded =
  | { kind: 'payment'; doc: PaymentDetail }
  | { kind: 'transfer'; doc: TransferView }
  | { kind: 'adjustment'; doc: AdjustmentView }
  | { kind: 'budget'; doc: BudgetRequestDetail };

/**
 * One document opened from a link (a notice in the bell, a copied address): fetched when it opens and
 * again when a realtime notice arrives, so it shows the state it is in now — never the state the
 * notice was written in. Its number, status, amount, what it is for, 下一步 or 退回原因, and its trail.
 * A page puts its own actions in the `actions` slot (the inbox: 同意 / 退回). `close` when dismissed.
 */
@customElement('ub-doc-panel')
export class UbDocPanel extends UbElement {
  static override styles = [shared, css`
    :host { display: block; margin-bottom: 12px; }
    section { border: 1px solid #9cc0f0; background: #f7faff; border-radius: 6px; padding: 10px 14px; }
    .head { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
    .head h2 { margin: 0; }
    .head .spacer { flex: 1; }
    .next { color: #475467; }
    .reason { color: #b42318; }
    p { margin: 6px 0; }
    button.link { white-space: nowrap; border: 0; background: none; color: #1d5fbf; padding: 0; min-height: 0; text-decoration: underline; cursor: pointer; }
  `];

  @property() unitId = '';
  @property({ attribute: false }) doc: DocRef | null = null;
  @state() loaded: Loaded | null = null;
  @state() error = '';
  /** Whether the heading took the focus for this document (once: a reload must not steal it). */
  private focusedFor = '';
  private seq = 0;
  readonly live = new LiveReload(this, () => this.fetch());

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('doc') || changed.has('unitId')) void this.fetch();
  }

  /** The document as it is now. */
  async fetch(): Promise<void> {
    const ref = this.doc;
    if (!ref || !this.unitId) return;
    const seq = ++this.seq;
    try {
      const doc = await get<Loaded['doc']>(`/api/units/${encodeURIComponent(this.unitId)}/${PATH[ref.kind]}/${ref.id}`);
      if (seq !== this.seq) return;
      this.loaded = { kind: ref.kind, doc } as Loaded;
      this.error = '';
    } catch (e) {
      if (seq !== this.seq) return;
      this.loaded = null;
      this.error = e instanceof ApiError && (e.status === 404 || e.status === 403) ? t('dp_notFound', { ref: docParam(ref) }) : (e as Error).message;
    }
    this.dispatchEvent(new CustomEvent('doc-loaded', { detail: this.loaded, bubbles: true, composed: true }));
  }

  protected override updated(): void {
    const key = this.loaded && this.doc ? docParam(this.doc) : '';
    if (key && key !== this.focusedFor) {
      this.focusedFor = key;
      this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
    }
  }

  private close() {
    this.dispatchEvent(new CustomEvent('close', { bubbles: true, composed: true }));
  }

  private renderBody(l: Loaded) {
    if (l.kind === 'budget') {
      const r = l.doc;
      return html`<p>${r.title}</p>
        <ol aria-label=${t('approvalTrail')}>${r.trail.map((e) => html`<li><span class="badge">${trailAction(e.action)}</span> ${e.authorName} <span class="muted">${when(e.at)}</span> ${e.body}</li>`)}</ol>`;
    }
    const d = l.doc;
    const what = l.kind === 'payment' ? html`${l.doc.purpose} · ${t('ap_payTo', { name: l.doc.payeeName })}` : l.doc.reason;
    const next = d.status === 'pending' ? nextStepText(d.steps) : '';
    const reason = d.status === 'rejected' ? rejectionReason(d.steps, d.comments) : '';
    return html`<p>${what}</p>
      ${next ? html`<p class="next">${next}</p>` : ''}
      ${reason ? html`<p class="reason">${t('ap_rejectedBecause', { reason })}</p>` : ''}
      <ub-step-trail .steps=${d.steps} .comments=${d.comments}></ub-step-trail>`;
  }

  override render() {
    if (!this.doc) return '';
    const l = this.loaded;
    const kindName = (k: DocRef['kind']) => (k === 'budget' ? t('dp_kind_budget') : t(`target_${k}` as MessageKey));
    return html`<section role="region" aria-label=${t('dp_region')}>
      <div class="head">
        <h2 tabindex="-1">${kindName(this.doc.kind)} ${l ? docLabel(l.doc) : `#${this.doc.id}`}</h2>
        ${l ? html`<span class="badge ${l.doc.status}">${t(`${STATUS[l.kind]}${l.doc.status}` as MessageKey)}</span>
          <span class="num">${t('dp_amount', { amount: formatFen(Math.abs(l.doc.amount)) })}</span>` : ''}
        <span class="spacer"></span>
        <button class="link" aria-label=${t('dp_closeLabel')} @click=${this.close}>${t('dp_close')}</button>
      </div>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : l ? html`<div class="muted" style="font-size:12px">${t('dp_current')}</div>${this.renderBody(l)}` : html`<p class="muted">${t('loading')}</p>`}
      <slot name="actions"></slot>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-doc-panel': UbDocPanel }
}
