import { html, css, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { shared } from '../lib/base.js';
import { api, errorText } from '../lib/api.js';
import { t } from '../lib/i18n.js';

export const EXPLANATION_MIN = 4;
export const EXPLANATION_MAX = 500;

/** What a deviation's explanation is about: the 决算 line and the check's message. */
export interface ExplainTarget { table: string; line: string; message: string; text: string }

/**
 * 填写说明: the form a finance officer writes a 决算 deviation's reason in (4–500 characters once trimmed),
 * saved with PUT …/reports/final-accounts/explanations. Fires `saved` (the page runs the checks again) or `cancel`.
 */
@customElement('ub-deviation-explain')
export class UbDeviationExplain extends LitElement {
  static override styles = [shared, css`
    :host { display: block; border: 1px solid #1d5fbf; border-radius: 6px; padding: 8px 12px; margin: 8px 0 12px; background: #f7faff; }
    h3 { font-size: 14px; margin: 0 0 4px; }
    p.target { margin: 0 0 6px; font-size: 13px; overflow-wrap: anywhere; }
    textarea { width: 100%; box-sizing: border-box; }
    .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-top: 6px; }
  `];

  @property({ attribute: false }) unitId = '';
  @property({ type: Number }) year = 0;
  @property({ attribute: false }) target!: ExplainTarget;
  @state() text = '';
  @state() error = '';
  @state() busy = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.text = this.target?.text ?? '';
  }

  private async save(e: Event) {
    e.preventDefault();
    const text = this.text.trim();
    if ([...text].length < EXPLANATION_MIN) {
      this.error = t('rep_explain_too_short', { min: EXPLANATION_MIN });
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      await api('PUT', `/api/units/${this.unitId}/reports/final-accounts/explanations`, { year: this.year, table: this.target.table, line: this.target.line, explanation: text });
      this.dispatchEvent(new CustomEvent('saved', { bubbles: true, composed: true }));
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<form @submit=${this.save} aria-labelledby="explain-h">
      <h3 id="explain-h">${t('rep_explain_title')}</h3>
      <p class="target">${this.target.message}</p>
      <label class="field">${t('rep_explain_label', { min: EXPLANATION_MIN, max: EXPLANATION_MAX })}
        <textarea name="explanation" rows="3" maxlength=${EXPLANATION_MAX} .value=${this.text} aria-invalid=${this.error ? 'true' : 'false'}
          @input=${(e: Event) => ((this.text = (e.target as HTMLTextAreaElement).value), (this.error = ''))}></textarea></label>
      <div class="row">
        <span class="muted">${t('rep_explain_count', { n: [...this.text.trim()].length, max: EXPLANATION_MAX })}</span>
        <span class="grow"></span>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('cancel', { bubbles: true, composed: true }))}>${t('rep_explain_cancel')}</button>
        <button type="submit" class="primary" ?disabled=${this.busy}>${t('rep_explain_save')}</button>
      </div>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : ''}
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-deviation-explain': UbDeviationExplain }
}
