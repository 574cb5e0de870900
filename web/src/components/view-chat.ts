import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { ApiError, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { ChatBlock } from './view-spec.js';
import { pluginRouteUrl } from './view-form.js';

/** A chat thread; with `post` set, a message box that sends `{ text }` to the plugin's route. */
@customElement('ub-view-chat')
export class UbViewChat extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    ol { list-style: none; margin: 0 0 10px; padding: 0; display: flex; flex-direction: column; gap: 8px; max-height: 420px; overflow: auto; }
    li { background: #f5f7fa; border-radius: 8px; padding: 8px 12px; max-width: 80%; }
    li.mine { align-self: flex-end; background: #eaf1fb; }
    .meta { font-size: 12px; color: #667085; }
    .text { white-space: pre-wrap; }
    form { display: flex; gap: 8px; }
    textarea { flex: 1; min-height: 38px; }
  `];

  @property({ attribute: false }) block!: ChatBlock;
  @property({ attribute: false }) unitId = '';
  @property({ attribute: false }) pluginId = '';
  /** Display name of the signed-in user: their own messages sit on the right. */
  @property({ attribute: false }) me = '';
  @state() draft = '';
  @state() busy = false;
  @state() failure = '';

  async send(e?: Event) {
    e?.preventDefault();
    const text = this.draft.trim();
    if (!text || !this.block.post) return;
    this.busy = true;
    this.failure = '';
    try {
      await post(pluginRouteUrl(this.unitId, this.pluginId, this.block.post), { text });
      this.draft = '';
      this.dispatchEvent(new CustomEvent('view-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this.failure = err instanceof ApiError ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (!this.block) return nothing;
    const b = this.block;
    return html`${b.title ? html`<h3>${b.title}</h3>` : nothing}
      ${b.messages.length === 0
        ? html`<p class="muted" data-state="empty">${t('pv_noMessages')}</p>`
        : html`<ol aria-live="polite">${b.messages.map((m) => html`<li class=${m.author === this.me ? 'mine' : ''}><div class="meta">${m.author} · ${m.at}</div><div class="text">${m.text}</div></li>`)}</ol>`}
      ${b.post
        ? html`<form @submit=${this.send}>
            <textarea aria-label=${t('pv_message')} .value=${this.draft} @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)}
              @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void this.send(e); }}></textarea>
            <button class="primary" type="submit" ?disabled=${this.busy || !this.draft.trim()}>${t('pv_send')}</button>
          </form>
          ${this.failure ? html`<p class="error" role="alert">${this.failure}</p>` : nothing}`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-view-chat': UbViewChat }
}
