import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { t, type MessageKey } from '../lib/i18n.js';

export const permissionName = (p: string) => t(`perm_name_${p.replace('.', '_')}` as MessageKey);
export const permissionDesc = (p: string) => t(`perm_desc_${p.replace('.', '_')}` as MessageKey);

export interface GrantRequest { pluginId: string; name: string; permissions: string[]; granted?: string[] }

/**
 * Asks for a plugin's permissions one at a time, the way a phone does: each request on its own with
 * what it lets the plugin do, Allow or Deny; then a summary to confirm. Fires `grant-confirm`
 * with `{ grants }` (the allowed subset, in the plugin's order) or `grant-cancel`.
 */
@customElement('ub-permission-grant-dialog')
export class UbPermissionGrantDialog extends UbElement {
  static override styles = [shared, css`
    :host { position: fixed; inset: 0; z-index: 50; display: flex; align-items: center; justify-content: center; background: rgba(16, 24, 40, 0.45); }
    .dialog { background: #fff; border-radius: 10px; width: min(440px, calc(100vw - 24px)); padding: 20px 22px; box-shadow: 0 12px 32px rgba(0,0,0,0.25); }
    .progress { font-size: 12px; color: #667085; }
    .perm { margin: 14px 0 18px; }
    .perm .name { font-size: 17px; font-weight: 600; }
    .perm code { font-size: 12px; color: #667085; }
    .perm p { margin: 6px 0 0; color: #3d4a5c; }
    .buttons { display: flex; gap: 10px; justify-content: flex-end; }
    ul { list-style: none; padding: 0; margin: 10px 0 16px; }
    li { display: flex; justify-content: space-between; gap: 12px; padding: 6px 0; border-bottom: 1px solid #eef2f6; }
    .dots { display: flex; gap: 4px; margin-top: 6px; }
    .dots span { width: 18px; height: 4px; border-radius: 2px; background: #dde3ea; }
    .dots span.allow { background: #137333; } .dots span.deny { background: #b42318; } .dots span.current { background: #1d5fbf; }
  `];

  @property({ attribute: false }) request!: GrantRequest;
  /** Answers so far, by permission. */
  @state() answers: Record<string, boolean> = {};
  @state() index = 0;
  private startedFor: GrantRequest | null = null;

  override willUpdate() {
    if (this.request && this.startedFor !== this.request) {
      this.startedFor = this.request;
      this.answers = {};
      this.index = 0;
    }
  }

  override firstUpdated() {
    this.focusFirst();
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('index')) this.focusFirst();
  }

  private focusFirst() {
    (this.renderRoot.querySelector('button[data-default]') as HTMLButtonElement | null)?.focus();
  }

  get current(): string | undefined {
    return this.request.permissions[this.index];
  }

  get grants(): string[] {
    return this.request.permissions.filter((p) => this.answers[p]);
  }

  answer(allow: boolean) {
    const p = this.current;
    if (!p) return;
    this.answers = { ...this.answers, [p]: allow };
    this.index++;
  }

  restart() {
    this.answers = {};
    this.index = 0;
  }

  confirm() {
    this.dispatchEvent(new CustomEvent('grant-confirm', { detail: { grants: this.grants } }));
  }

  cancel() {
    this.dispatchEvent(new CustomEvent('grant-cancel'));
  }

  private onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') this.cancel();
  };

  override render() {
    if (!this.request) return nothing;
    const { permissions, name } = this.request;
    const p = this.current;
    return html`<div class="dialog" role="dialog" aria-modal="true" aria-labelledby="title" @keydown=${this.onKey}>
      <h2 id="title">${t('perm_title', { name })}</h2>
      ${permissions.length === 0
        ? html`<p>${t('perm_none')}</p>`
        : html`<div class="progress">${p ? t('perm_progress', { i: this.index + 1, n: permissions.length }) : t('perm_summary')}</div>
            <div class="dots" aria-hidden="true">${permissions.map((q, i) => html`<span class=${q in this.answers ? (this.answers[q] ? 'allow' : 'deny') : i === this.index ? 'current' : ''}></span>`)}</div>`}
      ${p
        ? html`<div class="perm" aria-live="polite">
            <div class="name">${permissionName(p)}</div><code>${p}</code>
            <p>${permissionDesc(p)}</p>
          </div>
          <div class="buttons">
            <button @click=${() => this.cancel()}>${t('adm_cancel')}</button>
            <button class="danger" @click=${() => this.answer(false)}>${t('perm_deny')}</button>
            <button class="primary" data-default @click=${() => this.answer(true)}>${t('perm_allow')}</button>
          </div>`
        : html`<ul aria-label=${t('perm_summary')}>
            ${permissions.map((q) => html`<li data-permission=${q}><span>${permissionName(q)} <code>${q}</code></span>
              <span class="badge ${this.answers[q] ? 'ok' : 'block'}">${this.answers[q] ? t('perm_allowed') : t('perm_denied')}</span></li>`)}
          </ul>
          <div class="buttons">
            <button @click=${() => this.cancel()}>${t('adm_cancel')}</button>
            ${permissions.length ? html`<button @click=${() => this.restart()}>${t('perm_back')}</button>` : nothing}
            <button class="primary" data-default @click=${() => this.confirm()}>${t('perm_confirm')}</button>
          </div>`}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-permission-grant-dialog': UbPermissionGrantDialog }
}
