import { html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { formatFen, parseYuan } from '../lib/money.js';
import { t } from '../lib/i18n.js';

export interface AmountChange { fen: number | null; error: string | null }

/**
 * A yuan amount field: the user types "12345.6" or "12,345.67"; the element parses it to fen
 * without floats, shows an inline error, and re-formats with separators on blur.
 * Fires `amount-change` with { fen, error } on every keystroke.
 */
@customElement('ub-amount-input')
export class UbAmountInput extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    input { text-align: right; font-variant-numeric: tabular-nums; width: 100%; }
    .unit { color: #667085; font-size: 12px; }
  `];

  @property() label = '';
  /** Value in fen; null when empty or invalid. */
  @property({ type: Number }) value: number | null = null;
  @property({ type: Boolean, attribute: 'allow-negative' }) allowNegative = false;
  @property({ type: Boolean, attribute: 'allow-zero' }) allowZero = false;
  @property({ type: Boolean }) required = false;
  @property({ type: Boolean }) disabled = false;
  @state() private text = '';
  @state() private error: string | null = null;
  @state() private touched = false;
  private lastEmitted: number | null | undefined = undefined;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('value') && this.value !== this.lastEmitted) {
      this.text = this.value === null ? '' : formatFen(this.value);
      this.error = null;
    }
  }

  /** Validation of a text: fen or an error message. */
  validate(text: string): AmountChange {
    const r = parseYuan(text, { allowNegative: this.allowNegative });
    if (!r.ok && !this.allowNegative && /^\s*[-−－]/.test(text)) return { fen: null, error: t('ap_negative') };
    if (!r.ok) {
      if (r.error === 'empty') return { fen: null, error: this.required ? t('amountEmpty') : null };
      return { fen: null, error: t(r.error === 'precision' ? 'amountPrecision' : r.error === 'range' ? 'amountRange' : 'amountInvalid') };
    }
    if (r.fen === 0 && !this.allowZero) return { fen: null, error: t(this.allowNegative ? 'amountNonZero' : 'amountPositive') };
    return { fen: r.fen, error: null };
  }

  private onInput(e: Event) {
    this.text = (e.target as HTMLInputElement).value;
    const result = this.validate(this.text);
    this.error = this.touched || result.fen !== null || this.text.length > 0 ? result.error : null;
    this.emit(result);
  }

  private onBlur() {
    this.touched = true;
    const result = this.validate(this.text);
    this.error = result.error;
    if (result.fen !== null) this.text = formatFen(result.fen);
  }

  private emit(result: AmountChange) {
    this.lastEmitted = result.fen;
    this.value = result.fen;
    this.dispatchEvent(new CustomEvent<AmountChange>('amount-change', { detail: result, bubbles: true, composed: true }));
  }

  /** Shows the error even before the user touched the field (e.g. on submit). */
  reportValidity(): boolean {
    this.touched = true;
    const r = this.validate(this.text);
    this.error = r.error;
    return r.error === null;
  }

  override render() {
    return html`<label class="field">
      <span>${this.label}${this.required ? html`<span aria-hidden="true"> *</span>` : ''}</span>
      <input
        inputmode="decimal"
        maxlength="24"
        autocomplete="off"
        .value=${this.text}
        ?disabled=${this.disabled}
        ?required=${this.required}
        aria-invalid=${this.error ? 'true' : 'false'}
        aria-describedby="err"
        placeholder="0.00"
        @input=${this.onInput}
        @blur=${this.onBlur}
      />
      <span id="err" class="error" role=${this.error ? 'alert' : 'none'}>${this.error ?? ''}</span>
    </label>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-amount-input': UbAmountInput }
}
