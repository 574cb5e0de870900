import { html, css, nothing, unsafeCSS } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { ApiError, api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { FormBlock } from './view-spec.js';
import { collectFields, fieldOfError, fieldStyles, initialValue, renderField, type FieldHost, type FieldValue, type Submitted } from './view-fields.js';

/** URL of a plugin's own route (the view spec names it relative to the plugin). */
export const pluginRouteUrl = (unitId: string, pluginId: string, path: string) =>
  `/api/units/${encodeURIComponent(unitId)}/plugins/${encodeURIComponent(pluginId)}/routes/${path}`;

let formSeq = 0;

/**
 * A plugin form: fields as the spec declares them, checked here (required, numbers and their bounds,
 * lengths, yuan → fen), then POSTed as JSON to the plugin's route. The plugin validates again on its
 * side; a refusal naming a field (`details.field`) marks that field.
 */
@customElement('ub-view-form')
export class UbViewForm extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    form { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; align-items: end; }
    .actions { grid-column: 1 / -1; display: flex; gap: 12px; align-items: center; }
    ${unsafeCSS(fieldStyles)}
  `];

  @property({ attribute: false }) block!: FormBlock;
  @property({ attribute: false }) unitId = '';
  @property({ attribute: false }) pluginId = '';
  @state() values: Record<string, FieldValue> = {};
  @state() errors: Record<string, string> = {};
  @state() busy = false;
  @state() message = '';
  @state() failure = '';
  private initialisedFor: FormBlock | null = null;
  private readonly idPrefix = `vf${++formSeq}`;

  override willUpdate() {
    if (this.block && this.initialisedFor !== this.block) {
      this.initialisedFor = this.block;
      const v: Record<string, FieldValue> = {};
      for (const f of this.block.fields) v[f.key] = initialValue(f);
      this.values = v;
      this.errors = {};
    }
  }

  /** The body the plugin receives, or null (with errors shown) when a field is wrong. */
  collect(): Record<string, Submitted> | null {
    const { body, errors } = collectFields(this.block.fields, this.values);
    this.errors = errors;
    return body;
  }

  async submit(e?: Event) {
    e?.preventDefault();
    this.message = '';
    this.failure = '';
    const body = this.collect();
    if (!body) return;
    this.busy = true;
    try {
      const reply = await api<{ message?: unknown } | null>(this.block.method ?? 'POST', pluginRouteUrl(this.unitId, this.pluginId, this.block.submit), body);
      this.message = reply && typeof reply.message === 'string' ? reply.message : t('pv_submitted');
      this.dispatchEvent(new CustomEvent('view-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this.failure = err instanceof ApiError ? err.message : String(err);
      const field = err instanceof ApiError ? fieldOfError(err.details, this.block.fields) : null;
      if (field) this.errors = { ...this.errors, [field]: this.failure };
    } finally {
      this.busy = false;
    }
  }

  private readonly host: FieldHost = fieldHostOf(this, this.idPrefix);

  override render() {
    if (!this.block) return nothing;
    return html`${this.block.title ? html`<h3>${this.block.title}</h3>` : nothing}
      <form @submit=${this.submit} novalidate>
        ${this.block.fields.map((f) => renderField(this.host, f))}
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this.busy}>${this.block.submitLabel ?? t('pv_submit')}</button>
          ${this.message ? html`<span class="ok" role="status">${this.message}</span>` : nothing}
          ${this.failure ? html`<span class="error" role="alert">${this.failure}</span>` : nothing}
        </div>
      </form>`;
  }
}

/** The field host of an element keeping `values` and `errors` as reactive state. */
export function fieldHostOf(el: { values: Record<string, FieldValue>; errors: Record<string, string> }, idPrefix: string): FieldHost {
  return {
    get values() { return el.values; },
    get errors() { return el.errors; },
    idPrefix,
    set: (key, value) => { el.values = { ...el.values, [key]: value }; },
    setError: (key, error) => {
      const next = { ...el.errors };
      if (error) next[key] = error;
      else delete next[key];
      el.errors = next;
    },
  };
}

declare global {
  interface HTMLElementTagNameMap { 'ub-view-form': UbViewForm }
}
