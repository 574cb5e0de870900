import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { t, type MessageKey } from '../lib/i18n.js';

/** The localStorage key that remembers a dismissed hint, per hint and per person (a shared office PC has several). */
export const hintKey = (hint: string, userId: number | string) => `ub.hint.${hint}.${userId}`;

export function hintDismissed(hint: string, userId: number | string): boolean {
  try {
    return localStorage.getItem(hintKey(hint, userId)) === 'dismissed';
  } catch {
    return false;
  }
}

/**
 * 首次使用提示: a short "how this screen works" shown to someone the first times they open a screen
 * (the payment wizard, the approval inbox) until they dismiss it; remembered per person in localStorage.
 * The text is `hlp_hint_<hint>`.
 */
@customElement('ub-first-run-hint')
export class UbFirstRunHint extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .hint { display: flex; gap: 12px; align-items: flex-start; background: #eaf1fb; border: 1px solid #b9cdea; color: #14365f;
      border-radius: 6px; padding: 10px 12px; margin: 0 0 12px; line-height: 1.6; }
    .hint p { margin: 0; flex: 1; overflow-wrap: anywhere; }
    .hint strong { margin-right: 4px; }
  `];

  @property() hint = '';
  @property({ attribute: false }) userId: number | string = '';
  @state() dismissed = false;
  private checkedFor = '';

  override willUpdate(): void {
    const key = hintKey(this.hint, this.userId);
    if (key !== this.checkedFor) {
      this.checkedFor = key;
      this.dismissed = hintDismissed(this.hint, this.userId);
    }
  }

  dismiss() {
    try {
      localStorage.setItem(hintKey(this.hint, this.userId), 'dismissed');
    } catch {
      /* storage unavailable: hidden for this visit only */
    }
    this.dismissed = true;
    this.dispatchEvent(new CustomEvent('hint-dismissed', { bubbles: true, composed: true, detail: { hint: this.hint } }));
  }

  override render() {
    if (!this.hint || this.userId === '' || this.dismissed) return nothing;
    return html`<div class="hint" role="note" aria-label=${t('hlp_hint')}>
      <p><strong>${t('hlp_hint')}</strong>${t(`hlp_hint_${this.hint}` as MessageKey)}</p>
      <button class="dismiss" aria-label=${t('hlp_dismissLabel')} @click=${() => this.dismiss()}>${t('hlp_dismiss')}</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-first-run-hint': UbFirstRunHint }
}
