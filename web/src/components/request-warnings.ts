import { html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { t } from '../lib/i18n.js';

interface Warning { rule: string; message: string; details?: Record<string, unknown> }

/** What plugins' validators warned about when a document was submitted (`budgetRequest.validate`, …): nothing when none. */
@customElement('ub-request-warnings')
export class UbRequestWarnings extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    ul { margin: 4px 0 0; padding-left: 18px; }
  `];

  @property({ attribute: false }) warnings: Warning[] = [];

  override render() {
    if (!this.warnings.length) return nothing;
    return html`<div class="notice warn" role="note" data-warnings=${this.warnings.length}>
      <strong>${t('hx_pluginWarnings')}</strong>
      <ul>${this.warnings.map((w) => html`<li data-rule=${w.rule}>${w.message}${typeof w.details?.pluginId === 'string' ? html` <span class="muted">(${w.details.pluginId})</span>` : nothing}</li>`)}</ul>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-request-warnings': UbRequestWarnings }
}
