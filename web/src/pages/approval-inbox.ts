import { html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { get, post, errorText } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import type { InboxItem } from '../lib/types.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';

const PATHS = { payment: 'payments', transfer: 'transfers', adjustment: 'adjustments' } as const;
export const itemKey = (i: InboxItem) => `${i.target}:${i.targetId}`;

/** 审批待办: what waits at a step the caller can decide; approve or reject one, or approve a selection. */
@customElement('ub-approval-inbox')
export class UbApprovalInbox extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    .bar { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; flex-wrap: wrap; }
    td.act { white-space: nowrap; }
    td.act button { margin-right: 4px; min-height: 28px; padding: 2px 10px; }
  `];

  /** Only items above this amount (fen), e.g. the leader's cockpit. */
  @property({ type: Number }) minAmount = 0;
  @property({ type: Boolean }) compact = false;
  @state() items: InboxItem[] = [];
  @state() selected = new Set<string>();
  @state() comment = '';
  @state() message = '';
  @state() error = '';
  @state() busy = false;
  @state() loaded = false;

  async load() {
    try {
      const items = await get<InboxItem[]>(`/api/units/${this.ctx.unitId}/approvals/inbox`);
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

  private async decide(items: InboxItem[], action: 'approve' | 'reject') {
    this.busy = true;
    this.error = '';
    this.message = '';
    const body = this.comment.trim() ? { comment: this.comment.trim() } : {};
    let ok = 0;
    const failures: string[] = [];
    // One after another: each approval is its own command with its own rule checks.
    for (const i of items) {
      try {
        await post(`/api/units/${this.ctx.unitId}/${PATHS[i.target]}/${i.targetId}/${action}`, body);
        ok++;
      } catch (e) {
        failures.push(`#${i.targetId} ${errorText(e)}`);
      }
    }
    this.message = ok ? t('approvedN', { n: ok }) : '';
    if (failures.length) this.error = t('failedN', { n: failures.length, msg: failures.join(t('semi')) });
    this.comment = '';
    this.busy = false;
    this.selected = new Set();
    await this.load();
    this.dispatchEvent(new CustomEvent('decided', { bubbles: true, composed: true }));
  }

  approveSelected() {
    return this.decide(this.items.filter((i) => this.selected.has(itemKey(i))), 'approve');
  }

  override render() {
    const all = this.items.length > 0 && this.selected.size === this.items.length;
    return html`${this.compact ? '' : html`<h1>${t('inboxTitle')}</h1>`}
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : ''}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      <div class="bar">
        <button class="primary" ?disabled=${this.selected.size === 0 || this.busy} @click=${this.approveSelected}>${t('approveSelected', { n: this.selected.size })}</button>
        <label class="field grow" style="flex-direction:row;align-items:center">${t('comment')}
          <input class="grow" name="comment" .value=${this.comment} @input=${(e: Event) => (this.comment = (e.target as HTMLInputElement).value)} /></label>
      </div>
      <div class="x-scroll" ${scrollHint()}><table>
        <thead><tr>
          <th><input type="checkbox" aria-label=${t('selectAll')} .checked=${all} @change=${(e: Event) => this.toggleAll((e.target as HTMLInputElement).checked)} /></th>
          <th>${t('docType')}</th><th>${t('summary')}</th>${this.compact ? '' : html`<th>${t('approvalStep')}</th>`}<th>${t('requestedBy')}</th><th class="num">${t('amountYuan')}</th><th></th>
        </tr></thead>
        <tbody>
          ${this.loaded && this.items.length === 0 ? html`<tr><td colspan="7" class="muted">${t('inboxEmpty')}</td></tr>` : ''}
          ${this.items.map((i) => {
            const key = itemKey(i);
            return html`<tr>
              <td><input type="checkbox" aria-label="${t('selectRow')} ${i.summary}" .checked=${this.selected.has(key)} @change=${(e: Event) => this.toggle(key, (e.target as HTMLInputElement).checked)} /></td>
              <td><span class="badge">${t(`target_${i.target}`)} #${i.targetId}</span></td>
              <td>${i.summary}</td>
              ${this.compact ? '' : html`<td class="nowrap">${i.seq}. ${i.label}</td>`}
              <td>${i.requestedBy}${this.compact ? '' : html` <span class="muted">${when(i.requestedAt)}</span>`}</td>
              <td class="num">${formatFen(i.amount)}</td>
              <td class="act">
                <button ?disabled=${this.busy} @click=${() => this.decide([i], 'approve')}>${t('approve')}</button>
                <button class="danger" ?disabled=${this.busy} @click=${() => this.decide([i], 'reject')}>${t('reject')}</button>
              </td>
            </tr>`;
          })}
        </tbody>
      </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-approval-inbox': UbApprovalInbox }
}
