import { html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { get, post, errorText, qs } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import type { InboxItem } from '../lib/types.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { LiveReload } from '../lib/live.js';
import { ServerPager, type Page } from '../lib/paging.js';
import { DocInUrl } from '../lib/doc-link.js';
import '../components/doc-panel.js';
import { docLabel, stepLabel } from '../lib/approvals.js';
import '../components/first-run-hint.js';

const PATHS = { payment: 'payments', transfer: 'transfers', adjustment: 'adjustments' } as const;
export const itemKey = (i: InboxItem) => `${i.target}:${i.targetId}`;
/** How the inbox names a document: its kind and number (支付申请 ZF2026-0001). */
const nameOf = (i: InboxItem) => `${t(`target_${i.target}`)} ${docLabel({ id: i.targetId, docNo: i.docNo })}`;
/** The server's limit on a decision's comment (DecisionBody). */
const COMMENT_MAX = 500;

/**
 * 审批待办: what waits at a step the caller can decide; approve one or a selection, or reject — which
 * asks for the reason (the requester reads it in the notice and the trail) and a confirmation first.
 * Each action's success text says what happened (已同意 / 已退回).
 */
@customElement('ub-approval-inbox')
export class UbApprovalInbox extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    .bar { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; flex-wrap: wrap; }
    td.act { white-space: nowrap; }
    td.act button { margin-right: 4px; min-height: 28px; padding: 2px 10px; }
    .confirm { border-color: #b42318; margin-bottom: 10px; }
    .confirm textarea { width: 100%; min-height: 4em; box-sizing: border-box; }
    .confirm .row { display: flex; gap: 8px; margin-top: 8px; flex-wrap: wrap; }
    .field-error { color: #b42318; font-size: 13px; }
  `];

  /** Only items above this amount (fen), e.g. the leader's cockpit. */
  @property({ type: Number }) minAmount = 0;
  @property({ type: Boolean }) compact = false;
  @state() items: InboxItem[] = [];
  @state() selected = new Set<string>();
  @state() comment = '';
  @state() message = '';
  @state() error = '';
  // A realtime notice (a new document waiting, one decided elsewhere) reloads the inbox; a long inbox pages and
  // searches on the server (number, purpose, payee, reason, requester), its page and search kept in the address.
  readonly live = new LiveReload(this, () => this.load());
  readonly pages = new ServerPager(this, () => this.load(), 20);
  /** The document a notice (or a copied link) opened: `?doc=payment:12`, fetched as it is now. */
  readonly doc = new DocInUrl(this);
  /** That document's row when it waits for the caller (its 同意 / 退回 show beside it); undefined until known. */
  @state() docItem: InboxItem | null | undefined = undefined;

  /** The open document's row in the caller's inbox, if it waits for them (searched by its number on the server). */
  private async findDocItem(loaded: { docNo?: string | null; serialNo?: string | null } | null) {
    const ref = this.doc.ref;
    this.docItem = undefined;
    if (!ref || !loaded || ref.kind === 'budget') return void (this.docItem = null);
    const no = loaded.serialNo ?? loaded.docNo ?? '';
    try {
      const page = await get<Page<InboxItem>>(`/api/units/${this.ctx.unitId}/approvals/inbox${qs({ page: 1, pageSize: 100, q: no || undefined })}`);
      this.docItem = page.items.find((i) => i.target === ref.kind && i.targetId === ref.id) ?? null;
    } catch {
      this.docItem = null;
    }
  }

  closeDoc() {
    this.docItem = undefined;
    this.doc.close();
  }

  @state() busy = false;
  @state() loaded = false;
  /** The documents a rejection is being confirmed for, and its reason. */
  @state() rejecting: InboxItem[] | null = null;
  @state() reason = '';
  @state() reasonError = '';

  async load() {
    try {
      const base = `/api/units/${this.ctx.unitId}/approvals/inbox`;
      // The cockpit's compact inbox (above an amount) is short and unpaged; the page itself is paged by the server.
      const paged = !this.compact && this.minAmount === 0;
      const items = paged ? this.pages.took(await get<Page<InboxItem>>(`${base}${qs(this.pages.params())}`)) : await get<InboxItem[]>(base);
      this.items = items.filter((i) => i.amount > this.minAmount || this.minAmount === 0);
      this.selected = new Set([...this.selected].filter((k) => this.items.some((i) => itemKey(i) === k)));
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.loaded = true;
    }
  }

  toggle(key: string, on: boolean) {
    const s = new Set(this.selected);
    if (on) s.add(key);
    else s.delete(key);
    this.selected = s;
  }

  toggleAll(on: boolean) {
    this.selected = on ? new Set(this.items.map(itemKey)) : new Set();
  }

  private async decide(items: InboxItem[], action: 'approve' | 'reject', comment: string) {
    this.busy = true;
    this.error = '';
    this.message = '';
    const body = comment.trim() ? { comment: comment.trim() } : {};
    let ok = 0;
    const failures: string[] = [];
    // One after another: each decision is its own command with its own rule checks.
    for (const i of items) {
      try {
        await post(`/api/units/${this.ctx.unitId}/${PATHS[i.target]}/${i.targetId}/${action}`, body);
        ok++;
      } catch (e) {
        failures.push(`${nameOf(i)} ${errorText(e)}`);
      }
    }
    this.message = ok ? t(action === 'approve' ? 'ap_approvedN' : 'ap_rejectedN', { n: ok }) : '';
    if (failures.length) this.error = t('failedN', { n: failures.length, msg: failures.join(t('semi')) });
    this.comment = '';
    this.busy = false;
    this.selected = new Set();
    await this.load();
    // The open document shows what the decision made of it.
    await this.renderRoot.querySelector('ub-doc-panel')?.fetch();
    this.dispatchEvent(new CustomEvent('decided', { bubbles: true, composed: true }));
  }

  approveSelected() {
    return this.decide(this.items.filter((i) => this.selected.has(itemKey(i))), 'approve', this.comment);
  }

  approve(i: InboxItem) {
    return this.decide([i], 'approve', this.comment);
  }

  /** Opens the confirmation: a rejection needs its reason (the comment typed so far is its start). */
  askReject(items: InboxItem[]) {
    if (items.length === 0) return;
    this.rejecting = items;
    this.reason = this.comment;
    this.reasonError = '';
    this.message = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLTextAreaElement>('.confirm textarea')?.focus());
  }

  async confirmReject() {
    const items = this.rejecting;
    if (!items) return;
    if (!this.reason.trim()) {
      this.reasonError = t('ap_rejectReasonMissing');
      this.renderRoot.querySelector<HTMLTextAreaElement>('.confirm textarea')?.focus();
      return;
    }
    const reason = this.reason;
    this.rejecting = null;
    this.reason = '';
    await this.decide(items, 'reject', reason);
  }

  cancelReject() {
    this.rejecting = null;
    this.reason = '';
    this.reasonError = '';
  }

  private renderReject() {
    const items = this.rejecting;
    if (!items) return '';
    return html`<div class="card confirm" role="dialog" aria-labelledby="reject-h" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.cancelReject()}>
      <h2 id="reject-h" style="margin-top:0">${t('ap_rejectTitle')}</h2>
      <p>${t('ap_rejectWhich', { n: items.length, list: items.map(nameOf).join('、') })}</p>
      <label class="field">${t('ap_rejectReason')}
        <textarea name="reason" required maxlength=${COMMENT_MAX} aria-invalid=${this.reasonError ? 'true' : 'false'} aria-describedby="reject-err"
          placeholder=${t('ap_rejectReasonHint')} .value=${this.reason}
          @input=${(e: Event) => { this.reason = (e.target as HTMLTextAreaElement).value; this.reasonError = ''; }}></textarea></label>
      <div id="reject-err" class="field-error" role=${this.reasonError ? 'alert' : 'none'}>${this.reasonError}</div>
      <div class="row">
        <button class="danger" ?disabled=${this.busy} @click=${this.confirmReject}>${t('ap_rejectConfirm')}</button>
        <button ?disabled=${this.busy} @click=${this.cancelReject}>${t('ap_cancel')}</button>
      </div>
    </div>`;
  }

  override render() {
    const all = this.items.length > 0 && this.selected.size === this.items.length;
    const chosen = this.items.filter((i) => this.selected.has(itemKey(i)));
    return html`${this.compact ? '' : html`<h1>${t('inboxTitle')}</h1><ub-first-run-hint hint="inbox" .userId=${this.ctx.me.id}></ub-first-run-hint>`}
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : ''}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      ${this.renderReject()}
      <div class="bar">
        <button class="primary" ?disabled=${this.selected.size === 0 || this.busy} @click=${this.approveSelected}>${t('approveSelected', { n: this.selected.size })}</button>
        <button class="danger" ?disabled=${this.selected.size === 0 || this.busy} @click=${() => this.askReject(chosen)}>${t('ap_rejectSelected', { n: this.selected.size })}</button>
        <label class="field grow" style="flex-direction:row;align-items:center">${t('comment')}
          <input class="grow" name="comment" maxlength=${COMMENT_MAX} .value=${this.comment} @input=${(e: Event) => (this.comment = (e.target as HTMLInputElement).value)} /></label>
        <span class="muted">${t('ap_unitYuan')}</span>
      </div>
      ${this.doc.ref && !this.compact ? html`<ub-doc-panel .unitId=${this.ctx.unitId} .doc=${this.doc.ref} @close=${this.closeDoc}
          @doc-loaded=${(e: CustomEvent<{ doc: { docNo?: string | null; serialNo?: string | null } } | null>) => void this.findDocItem(e.detail?.doc ?? null)}>
          ${this.docItem ? html`<div slot="actions" class="bar" style="margin-top:8px">
            <button class="primary" ?disabled=${this.busy} @click=${() => this.approve(this.docItem!)}>${t('approve')}</button>
            <button class="danger" ?disabled=${this.busy} @click=${() => this.askReject([this.docItem!])}>${t('reject')}</button></div>`
          : this.docItem === null ? html`<div slot="actions" class="muted">${t('dp_notYours')}</div>` : ''}
        </ub-doc-panel>` : ''}
      ${this.compact ? '' : this.pages.search()}
      <div class="x-scroll" ${scrollHint()}><table class="cards">
        <thead><tr>
          <th><input type="checkbox" aria-label=${t('selectAll')} .checked=${all} @change=${(e: Event) => this.toggleAll((e.target as HTMLInputElement).checked)} /></th>
          <th>${t('docType')}</th><th>${t('summary')}</th>${this.compact ? '' : html`<th>${t('approvalStep')}</th>`}<th>${t('requestedBy')}</th><th class="num">${t('amountYuan')}</th><th></th>
        </tr></thead>
        <tbody>
          ${this.loaded && this.items.length === 0 ? html`<tr><td colspan="7" class="muted">${t('inboxEmpty')}</td></tr>` : ''}
          ${this.items.map((i) => {
            const key = itemKey(i);
            return html`<tr data-key=${key}>
              <td><input type="checkbox" aria-label="${t('selectRow')} ${nameOf(i)}" .checked=${this.selected.has(key)} @change=${(e: Event) => this.toggle(key, (e.target as HTMLInputElement).checked)} /></td>
              <td><span class="badge nowrap">${nameOf(i)}</span></td>
              <td>${i.summary}</td>
              ${this.compact ? '' : html`<td class="nowrap">${i.seq}. ${stepLabel(i.label)}</td>`}
              <td>${i.requestedBy}${this.compact ? '' : html` <span class="muted">${when(i.requestedAt)}</span>`}</td>
              <td class="num">${formatFen(i.amount)}</td>
              <td class="act">
                <button ?disabled=${this.busy} aria-label="${t('approve')} ${nameOf(i)}" @click=${() => this.approve(i)}>${t('approve')}</button>
                <button class="danger" ?disabled=${this.busy} aria-label="${t('reject')} ${nameOf(i)}" @click=${() => this.askReject([i])}>${t('reject')}</button>
              </td>
            </tr>`;
          })}
        </tbody>
      </table></div>${this.compact ? '' : this.pages.nav()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-approval-inbox': UbApprovalInbox }
}
