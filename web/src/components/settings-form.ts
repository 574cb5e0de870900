import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { lang, t } from '../lib/i18n.js';
import type { SettingField } from '../lib/types.js';

export type SettingValue = string | number | boolean;

/**
 * The settings form of a plugin, rendered from its manifest's settings schema (string, number,
 * boolean, select; required, min, max, default). `collect()` returns the typed values the enable
 * route expects, or null with the errors shown beside the fields.
 */
@customElement('ub-settings-form')
export class UbSettingsForm extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px; }
  `];

  @property({ attribute: false }) fields: SettingField[] = [];
  /** Saved values; fields without one start at their default. */
  @property({ attribute: false }) values: Record<string, SettingValue> = {};
  @state() draft: Record<string, string | boolean> = {};
  @state() errors: Record<string, string> = {};
  private initialisedFrom: unknown = null;

  override willUpdate(changed: Map<string, unknown>) {
    if ((changed.has('fields') || changed.has('values')) && this.initialisedFrom !== this.values) {
      this.initialisedFrom = this.values;
      const d: Record<string, string | boolean> = {};
      for (const f of this.fields) {
        const v = this.values[f.key] ?? f.default;
        d[f.key] = f.type === 'boolean' ? v === true : v === undefined ? '' : String(v);
      }
      this.draft = d;
      this.errors = {};
    }
  }

  label(f: SettingField): string {
    return lang() === 'en' ? f.label.en : f.label.zh;
  }

  collect(): Record<string, SettingValue> | null {
    const out: Record<string, SettingValue> = {};
    const errors: Record<string, string> = {};
    for (const f of this.fields) {
      const raw = this.draft[f.key];
      if (f.type === 'boolean') {
        out[f.key] = raw === true;
        continue;
      }
      const text = String(raw ?? '').trim();
      if (!text) {
        if (f.required) errors[f.key] = t('set_required');
        continue;
      }
      if (f.type === 'number') {
        const n = Number(text);
        if (!Number.isFinite(n)) errors[f.key] = t('set_number');
        else if (f.min !== undefined && n < f.min) errors[f.key] = t('set_min', { min: f.min });
        else if (f.max !== undefined && n > f.max) errors[f.key] = t('set_max', { max: f.max });
        else out[f.key] = n;
      } else if (f.type === 'select' && !(f.options ?? []).some((o) => o.value === text)) {
        errors[f.key] = t('set_required');
      } else out[f.key] = text;
    }
    this.errors = errors;
    return Object.keys(errors).length ? null : out;
  }

  private set(key: string, v: string | boolean) {
    this.draft = { ...this.draft, [key]: v };
    this.dispatchEvent(new CustomEvent('settings-input'));
  }

  private field(f: SettingField) {
    const id = `s-${f.key}`;
    const err = this.errors[f.key];
    const v = this.draft[f.key];
    const invalid = err ? 'true' : 'false';
    if (f.type === 'boolean') {
      return html`<label class="check"><input type="checkbox" name=${f.key} .checked=${v === true} @change=${(e: Event) => this.set(f.key, (e.target as HTMLInputElement).checked)} />${this.label(f)}</label>`;
    }
    const range = f.type === 'number' && (f.min !== undefined || f.max !== undefined) ? html`<span class="muted">${f.min ?? '−∞'} – ${f.max ?? '∞'}</span>` : nothing;
    const control = f.type === 'select'
      ? html`<select id=${id} name=${f.key} aria-invalid=${invalid} @change=${(e: Event) => this.set(f.key, (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!v}>${t('set_choose')}</option>
          ${(f.options ?? []).map((o) => html`<option value=${o.value} ?selected=${o.value === v}>${o.label}</option>`)}
        </select>`
      : html`<input id=${id} name=${f.key} aria-invalid=${invalid} type=${f.type === 'number' ? 'number' : 'text'}
          min=${f.min ?? nothing} max=${f.max ?? nothing} .value=${String(v ?? '')} @input=${(e: Event) => this.set(f.key, (e.target as HTMLInputElement).value)} />`;
    return html`<label class="field" for=${id}>${this.label(f)}${f.required ? html`<span aria-hidden="true"> *</span>` : nothing} ${range}
      ${control}${err ? html`<span class="error" role="alert">${err}</span>` : nothing}</label>`;
  }

  override render() {
    if (this.fields.length === 0) return html`<p class="muted">${t('set_none')}</p>`;
    return html`<div class="fields">${this.fields.map((f) => this.field(f))}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-settings-form': UbSettingsForm }
}
