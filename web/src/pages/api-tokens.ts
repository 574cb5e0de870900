import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { api, errorText, get, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';

/** GET /api/tokens (core/accounts/schema.ts TokenView): never the secret. */
export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export type CreatedToken = ApiToken & { token: string };

/** Expiry choices in days; '' lasts until revoked. */
export const EXPIRY_CHOICES = ['30', '90', '365', ''] as const;

export function tokenState(tk: ApiToken, now = Date.now()): 'active' | 'expired' | 'revoked' {
  if (tk.revokedAt) return 'revoked';
  if (tk.expiresAt && Date.parse(tk.expiresAt) <= now) return 'expired';
  return 'active';
}

/**
 * API 令牌: the signed-in person's own bearer tokens for integrations. A token acts with its owner's
 * roles; its secret is shown once, right after it is created, and never again.
 */
@customElement('ub-api-tokens')
export class UbApiTokens extends UnitPage {
  static override styles = [shared, css`
    th.action, td.action { text-align: right; width: 1%; white-space: nowrap; }
    :host { display: block; max-width: 960px; }
    form .row input[name='name'] { min-width: 14em; }
    .secret { border: 1px solid #f0c36d; background: #fff8e6; border-radius: 6px; padding: 12px; margin: 12px 0; }
    .secret code { display: block; white-space: normal; word-break: break-all; font-size: 14px; background: #fff; border: 1px solid #dde3ea; padding: 8px; margin: 8px 0; user-select: all; }
    .buttons { display: flex; gap: 8px; flex-wrap: wrap; }
  `];

  @state() tokens: ApiToken[] = [];
  @state() name = '';
  @state() expiry: (typeof EXPIRY_CHOICES)[number] = '90';
  @state() nameError = '';
  @state() created: CreatedToken | null = null;
  @state() copied = false;
  @state() revoking: ApiToken | null = null;
  @state() message = '';
  @state() error = '';
  @state() busy = false;

  /** Tokens belong to the person, not the unit. */
  protected override unitKey(): string {
    return String(this.ctx.me.id);
  }

  async load() {
    try {
      this.tokens = await get<ApiToken[]>('/api/tokens');
    } catch (e) {
      this.error = errorText(e);
    }
  }

  async create(e?: Event) {
    e?.preventDefault();
    const name = this.name.trim();
    this.nameError = !name ? t('required') : name.length > 100 ? t('la_tk_nameLength') : '';
    if (this.nameError) return;
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      const body: { name: string; expiresInDays?: number } = { name };
      if (this.expiry) body.expiresInDays = Number(this.expiry);
      this.created = await post<CreatedToken>('/api/tokens', body);
      this.copied = false;
      this.name = '';
      await this.load();
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  async copy() {
    if (!this.created) return;
    try {
      await navigator.clipboard.writeText(this.created.token);
      this.copied = true;
    } catch {
      // No clipboard (an insecure origin): the secret is selectable by hand.
      this.error = t('la_tk_copyFailed');
    }
  }

  async revoke(tk: ApiToken) {
    this.busy = true;
    this.error = '';
    try {
      await api('DELETE', `/api/tokens/${tk.id}`);
      this.revoking = null;
      await this.load();
      this.message = t('la_tk_revokedDone', { name: tk.name });
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<h1>${t('la_tk_title')}</h1>
      <p class="muted">${t('la_tk_intro')}</p>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${this.created
        ? html`<div class="secret" role="alert" data-secret>
            <strong>${t('la_tk_createdTitle', { name: this.created.name })}</strong>
            <p>${t('la_tk_showOnce')}</p>
            <code>${this.created.token}</code>
            <div class="buttons">
              <button class="primary" data-action="copy" @click=${this.copy}>${this.copied ? t('la_tk_copied') : t('la_tk_copy')}</button>
              <button data-action="dismiss" @click=${() => (this.created = null)}>${t('la_tk_dismiss')}</button>
            </div>
          </div>`
        : nothing}
      <form class="card" novalidate @submit=${this.create} aria-label=${t('la_tk_new')}>
        <h2>${t('la_tk_new')}</h2>
        <div class="row">
          <label class="field grow">${t('la_tk_name')}
            <input name="name" maxlength="100" .value=${this.name} aria-invalid=${this.nameError ? 'true' : 'false'}
              @input=${(e: Event) => { this.name = (e.target as HTMLInputElement).value; this.nameError = ''; }} /></label>
          <label class="field">${t('la_tk_expiry')}
            <select name="expiry" @change=${(e: Event) => (this.expiry = (e.target as HTMLSelectElement).value as UbApiTokens['expiry'])}>
              ${EXPIRY_CHOICES.map((c) => html`<option value=${c} ?selected=${c === this.expiry}>${c ? t('la_tk_days', { n: c }) : t('la_tk_never')}</option>`)}
            </select></label>
          <button class="primary" type="submit" ?disabled=${this.busy}>${t('la_tk_create')}</button>
        </div>
        ${this.nameError ? html`<p class="error" role="alert" data-error="name">${this.nameError}</p>` : nothing}
        <p class="muted">${t('la_tk_scopeNote')}</p>
      </form>
      ${this.revoking
        ? html`<div class="card" role="alertdialog" aria-label=${t('la_tk_revoke')} style="margin-top:12px">
            <p>${t('la_tk_revokeConfirm', { name: this.revoking.name, prefix: this.revoking.prefix })}</p>
            <div class="buttons">
              <button class="danger" data-action="confirm-revoke" ?disabled=${this.busy} @click=${() => this.revoke(this.revoking!)}>${t('la_tk_revoke')}</button>
              <button @click=${() => (this.revoking = null)}>${t('cancel')}</button>
            </div>
          </div>`
        : nothing}
      <h2>${t('la_tk_list')}</h2>
      <div class="x-scroll" ${scrollHint()}><table data-table="tokens">
        <thead><tr><th>${t('la_tk_name')}</th><th>${t('la_tk_prefix')}</th><th>${t('status')}</th><th>${t('la_tk_createdAt')}</th>
          <th>${t('la_tk_expiresAt')}</th><th>${t('la_tk_lastUsed')}</th><th class="action">${t('action')}</th></tr></thead>
        <tbody>
          ${this.tokens.length === 0 ? html`<tr><td colspan="7" class="muted">${t('none')}</td></tr>` : nothing}
          ${this.tokens.map((tk) => {
            const st = tokenState(tk);
            return html`<tr data-id=${tk.id}>
              <td>${tk.name}</td>
              <td><code>${tk.prefix}…</code></td>
              <td><span class="badge ${st === 'active' ? 'ok' : st === 'revoked' ? 'block' : 'warn'}" data-state=${st}>${t(`la_tk_state_${st}`)}</span></td>
              <td class="date">${when(tk.createdAt)}</td>
              <td class="date">${tk.expiresAt ? when(tk.expiresAt) : t('la_tk_never')}</td>
              <td class="date">${tk.lastUsedAt ? when(tk.lastUsedAt) : t('la_tk_unused')}</td>
              <td class="action">${st === 'active'
                ? html`<button class="danger" data-action="revoke" aria-label=${t('la_tk_revokeNamed', { name: tk.name })} @click=${() => { this.revoking = tk; this.message = ''; }}>${t('la_tk_revoke')}</button>`
                : nothing}</td>
            </tr>`;
          })}
        </tbody>
      </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-api-tokens': UbApiTokens }
}
