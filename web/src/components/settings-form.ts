import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { lang, t } from '../lib/i18n.js';
import type { SettingField } from '../lib/types.js';
import { formatFen, parseYuan } from '../lib/money.js';

export type SettingValue = string | number | boolean;

/**
 * A stored number as the admin types it: `yuan` fields store integer fen and read 元 with two decimals
 * (50000000 → "500000.00"); `percent` fields store a fraction and read percent (0.1 → "10").
 */
export function shownValue(f: SettingField, stored: number): string {
  if (f.shownAs === 'yuan') return Number.isSafeInteger(stored) ? formatFen(stored, { grouping: false }) : String(stored / 100);
  if (f.shownAs === 'percent') return String(Math.round(stored * 10_000) / 100);
  return String(stored);
}

/** What the admin typed, back in the stored unit; null when it is no number of that kind. */
export function storedValue(f: SettingField, text: string): number | null {
  if (f.shownAs === 'yuan') {
    const r = parseYuan(text, { allowNegative: true });
    return r.ok ? r.fen : null;
  }
  const n = Number(text.replace(/[%％]\s*$/, ''));
  if (!Number.isFinite(n)) return null;
  if (f.shownAs === 'percent') {
    // Percent with at most two decimals (12.25 % = 0.1225): no float noise in what is stored.
    const hundredths = Math.round(n * 100);
    return Math.abs(hundredths - n * 100) > 1e-6 ? null : hundredths / 10_000;
  }
  return n;
}

/** A limit (min/max, stored unit) as the admin reads it: "0.01 元", "50 %". */
function shownLimit(f: SettingField, stored: number): string {
  if (f.shownAs === 'yuan') return `${formatFen(Math.round(stored))} ${t('yuan')}`;
  if (f.shownAs === 'percent') return `${shownValue(f, stored)} %`;
  return String(stored);
}

/**
 * The settings form of a plugin, rendered from its manifest's settings schema (string, number,
 * boolean, select; required, min, max, default; numbers `shownAs` 元 or %, stored as fen or fractions). `collect()` returns the typed values the enable
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
        d[f.key] = f.type === 'boolean' ? v === true : v === undefined ? '' : typeof v === 'number' ? shownValue(f, v) : String(v);
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
        const n = storedValue(f, text);
        if (n === null) errors[f.key] = f.shownAs ? `${t('set_number')}（${t('hlp_set_decimals')}）` : t('set_number');
        else if (f.min !== undefined && n < f.min) errors[f.key] = t('set_min', { min: shownLimit(f, f.min) });
        else if (f.max !== undefined && n > f.max) errors[f.key] = t('set_max', { max: shownLimit(f, f.max) });
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
    const unit = f.shownAs === 'yuan' ? t('hlp_set_yuan') : f.shownAs === 'percent' ? t('hlp_set_percent') : '';
    const range = f.type === 'number' && (f.min !== undefined || f.max !== undefined)
      ? html`<span class="muted">${f.min !== undefined ? shownLimit(f, f.min) : '−∞'} – ${f.max !== undefined ? shownLimit(f, f.max) : '∞'}</span>` : nothing;
    // Yuan is typed as text (12,345.67 and ¥ are accepted); percent and plain numbers as numbers, limits converted.
    const numeric = f.type === 'number' && f.shownAs !== 'yuan';
    const limit = (v: number | undefined) => (v === undefined ? nothing : f.shownAs === 'percent' ? shownValue(f, v) : v);
    const control = f.type === 'select'
      ? html`<select id=${id} name=${f.key} aria-invalid=${invalid} @change=${(e: Event) => this.set(f.key, (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!v}>${t('set_choose')}</option>
          ${(f.options ?? []).map((o) => html`<option value=${o.value} ?selected=${o.value === v}>${o.label}</option>`)}
        </select>`
      : html`<input id=${id} name=${f.key} aria-invalid=${invalid} type=${numeric ? 'number' : 'text'} inputmode=${f.shownAs === 'yuan' ? 'decimal' : nothing}
          step=${f.shownAs ? '0.01' : nothing} maxlength=${f.type === 'string' ? 2000 : nothing}
          min=${numeric ? limit(f.min) : nothing} max=${numeric ? limit(f.max) : nothing} .value=${String(v ?? '')} @input=${(e: Event) => this.set(f.key, (e.target as HTMLInputElement).value)} />`;
    return html`<label class="field" for=${id}>${this.label(f)}${f.required ? html`<span aria-hidden="true"> *</span>` : nothing}${unit ? html` <span class="unit">${unit}</span>` : nothing} ${range}
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
