import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { ApiError, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen, parseYuan } from '../lib/money.js';
import type { Cell, FormBlock, FormField } from './view-spec.js';

/** URL of a plugin's own route (the view spec names it relative to the plugin). */
export const pluginRouteUrl = (unitId: string, pluginId: string, path: string) =>
  `/api/units/${encodeURIComponent(unitId)}/plugins/${encodeURIComponent(pluginId)}/routes/${path}`;

/**
 * A plugin form: fields as the spec declares them, checked here (required, numbers, yuan → fen),
 * then POSTed as JSON to the plugin's route. The plugin validates again on its side.
 */
@customElement('ub-view-form')
export class UbViewForm extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    form { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; align-items: end; }
    .wide { grid-column: 1 / -1; }
    textarea { min-height: 80px; width: 100%; }
    .actions { grid-column: 1 / -1; display: flex; gap: 12px; align-items: center; }
  `];

  @property({ attribute: false }) block!: FormBlock;
  @property({ attribute: false }) unitId = '';
  @property({ attribute: false }) pluginId = '';
  @state() values: Record<string, string | boolean> = {};
  @state() errors: Record<string, string> = {};
  @state() busy = false;
  @state() message = '';
  @state() failure = '';
  private initialisedFor: FormBlock | null = null;

  override willUpdate() {
    if (this.block && this.initialisedFor !== this.block) {
      this.initialisedFor = this.block;
      const v: Record<string, string | boolean> = {};
      for (const f of this.block.fields) v[f.key] = initial(f);
      this.values = v;
      this.errors = {};
    }
  }

  /** The body the plugin receives, or null (with errors shown) when a field is wrong. */
  collect(): Record<string, Cell> | null {
    const out: Record<string, Cell> = {};
    const errors: Record<string, string> = {};
    for (const f of this.block.fields) {
      const raw = this.values[f.key];
      if (f.input === 'checkbox') {
        out[f.key] = raw === true;
        continue;
      }
      const text = String(raw ?? '').trim();
      if (!text) {
        if (f.required) errors[f.key] = t('pv_required', { label: f.label });
        else out[f.key] = null;
        continue;
      }
      if (f.input === 'number') {
        const n = Number(text);
        if (!Number.isFinite(n)) errors[f.key] = t('set_number');
        else out[f.key] = n;
      } else if (f.input === 'fen') {
        const r = parseYuan(text);
        if (!r.ok) errors[f.key] = t('flow_amountInvalid');
        else out[f.key] = r.fen;
      } else out[f.key] = text;
    }
    this.errors = errors;
    return Object.keys(errors).length ? null : out;
  }

  async submit(e?: Event) {
    e?.preventDefault();
    this.message = '';
    this.failure = '';
    const body = this.collect();
    if (!body) return;
    this.busy = true;
    try {
      const reply = await post<{ message?: unknown } | null>(pluginRouteUrl(this.unitId, this.pluginId, this.block.submit), body);
      this.message = reply && typeof reply.message === 'string' ? reply.message : t('pv_submitted');
      this.dispatchEvent(new CustomEvent('view-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this.failure = err instanceof ApiError ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  private set(key: string, value: string | boolean) {
    this.values = { ...this.values, [key]: value };
  }

  private field(f: FormField) {
    const id = `f-${f.key}`;
    const err = this.errors[f.key];
    const invalid = err ? 'true' : 'false';
    const req = f.required ? html`<span aria-hidden="true"> *</span>` : nothing;
    const v = this.values[f.key];
    let control;
    switch (f.input) {
      case 'textarea':
        control = html`<textarea id=${id} name=${f.key} aria-invalid=${invalid} ?required=${f.required} .value=${String(v ?? '')} @input=${(e: Event) => this.set(f.key, (e.target as HTMLTextAreaElement).value)}></textarea>`;
        break;
      case 'select':
        control = html`<select id=${id} name=${f.key} aria-invalid=${invalid} ?required=${f.required} @change=${(e: Event) => this.set(f.key, (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!v}>${t('set_choose')}</option>
          ${(f.options ?? []).map((o) => html`<option value=${o.value} ?selected=${o.value === v}>${o.label}</option>`)}
        </select>`;
        break;
      case 'checkbox':
        return html`<label class="check"><input type="checkbox" name=${f.key} .checked=${v === true} @change=${(e: Event) => this.set(f.key, (e.target as HTMLInputElement).checked)} />${f.label}</label>`;
      default:
        control = html`<input id=${id} name=${f.key} aria-invalid=${invalid} ?required=${f.required}
          type=${f.input === 'number' ? 'number' : f.input === 'date' ? 'date' : 'text'}
          inputmode=${f.input === 'fen' ? 'decimal' : nothing} .value=${String(v ?? '')}
          @input=${(e: Event) => this.set(f.key, (e.target as HTMLInputElement).value)} />`;
    }
    return html`<label class="field ${f.input === 'textarea' ? 'wide' : ''}" for=${id}>${f.label}${f.input === 'fen' ? t('paren', { x: t('yuan') }) : ''}${req}
      ${control}${err ? html`<span class="error" role="alert">${err}</span>` : nothing}</label>`;
  }

  override render() {
    if (!this.block) return nothing;
    return html`${this.block.title ? html`<h3>${this.block.title}</h3>` : nothing}
      <form @submit=${this.submit} novalidate>
        ${this.block.fields.map((f) => this.field(f))}
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this.busy}>${this.block.submitLabel ?? t('pv_submit')}</button>
          ${this.message ? html`<span class="ok" role="status">${this.message}</span>` : nothing}
          ${this.failure ? html`<span class="error" role="alert">${this.failure}</span>` : nothing}
        </div>
      </form>`;
  }
}

function initial(f: FormField): string | boolean {
  if (f.input === 'checkbox') return f.value === true;
  if (f.value === null || f.value === undefined) return '';
  if (f.input === 'fen' && typeof f.value === 'number' && Number.isSafeInteger(f.value)) return formatFen(f.value, { grouping: false });
  return String(f.value);
}

declare global {
  interface HTMLElementTagNameMap { 'ub-view-form': UbViewForm }
}
