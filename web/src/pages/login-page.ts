import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { ApiError, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { Me } from '../lib/types.js';

/** Sign in; fires `signed-in` with the user. A lockout (LOGIN_LOCKED) says how long to wait. */
@customElement('ub-login-page')
export class UbLoginPage extends UbElement {
  static override styles = [shared, css`
    :host { display: flex; justify-content: center; padding: 64px 16px; }
    form { width: 380px; display: flex; flex-direction: column; gap: 14px; }
    input { width: 100%; }
    .hint { font-size: 12px; color: #667085; }
  `];

  @state() username = '';
  @state() password = '';
  @state() error = '';
  @state() busy = false;

  async submit(e?: Event) {
    e?.preventDefault();
    if (!this.username.trim() || !this.password) {
      this.error = t('loginMissing');
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const result = await post<{ user: Me }>('/api/auth/login', { username: this.username.trim(), password: this.password });
      this.password = '';
      this.dispatchEvent(new CustomEvent('signed-in', { detail: result.user, bubbles: true, composed: true }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'LOGIN_LOCKED') {
        const seconds = Number(err.details.retryAfterSeconds ?? 0);
        this.error = seconds > 0 ? t('loginLocked', { minutes: Math.max(1, Math.ceil(seconds / 60)) }) : err.message;
      } else {
        this.error = err instanceof Error ? err.message : String(err);
      }
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<form class="card" @submit=${this.submit} novalidate aria-labelledby="title">
      <h1 id="title">${t('loginTitle')}</h1>
      <label class="field">${t('username')}
        <input name="username" autocomplete="username" .value=${this.username}
          @input=${(e: Event) => (this.username = (e.target as HTMLInputElement).value)} required /></label>
      <label class="field">${t('password')}
        <input name="password" type="password" autocomplete="current-password" .value=${this.password}
          @input=${(e: Event) => (this.password = (e.target as HTMLInputElement).value)} required /></label>
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? t('signingIn') : t('signIn')}</button>
      ${/^(localhost|127\.0\.0\.1|\[::1\])$/.test(location.hostname) ? html`<p class="hint">${t('demoHint')}</p>` : ''}
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-login-page': UbLoginPage }
}
