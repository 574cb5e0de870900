import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { t } from '../lib/i18n.js';
import type { SearchBlock } from './view-spec.js';

let searchSeq = 0;

/**
 * A view's search or filter box (a `search` block, host API 1.1.0): a GET form. Submitting sends
 * `view-query` with one value per field (an empty one removes its parameter); the view that holds it
 * sets its query parameters and is asked again. Nothing is posted.
 */
@customElement('ub-view-search')
export class UbViewSearch extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    form { display: flex; flex-wrap: wrap; gap: 10px 12px; align-items: end; }
    label.field { display: flex; flex-direction: column; gap: 4px; min-width: 180px; }
    .actions { display: flex; gap: 8px; }
  `];

  @property({ attribute: false }) block!: SearchBlock;
  @state() values: Record<string, string> = {};
  private shownFor: SearchBlock | null = null;
  private readonly idPrefix = `vs${++searchSeq}`;

  override willUpdate() {
    // A fresh block (the view asked again) shows the values it carries.
    if (this.block && this.block !== this.shownFor) {
      this.shownFor = this.block;
      this.values = Object.fromEntries(this.block.fields.map((f) => [f.key, f.value === null || f.value === undefined ? '' : String(f.value)]));
    }
  }

  private send(values: Record<string, string>) {
    this.dispatchEvent(new CustomEvent('view-query', { bubbles: true, composed: true, detail: { values } }));
  }

  private submit(e: Event) {
    e.preventDefault();
    this.send(Object.fromEntries(this.block.fields.map((f) => [f.key, (this.values[f.key] ?? '').trim()])));
  }

  private clear() {
    this.values = Object.fromEntries(this.block.fields.map((f) => [f.key, '']));
    this.send({ ...this.values });
  }

  private input(key: string, e: Event) {
    this.values = { ...this.values, [key]: (e.target as HTMLInputElement | HTMLSelectElement).value };
  }

  override render() {
    const b = this.block;
    if (!b) return nothing;
    const any = b.fields.some((f) => f.value !== null && f.value !== undefined && f.value !== '');
    return html`${b.title ? html`<h3>${b.title}</h3>` : nothing}
      <form role="search" aria-label=${b.title ?? t('vs_search')} @submit=${this.submit}>
        ${b.fields.map((f) => {
          const id = `${this.idPrefix}-${f.key}`;
          const value = this.values[f.key] ?? '';
          return html`<label class="field" for=${id}>${f.label}
            ${f.input === 'select'
              ? html`<select id=${id} name=${f.key} @change=${(e: Event) => this.input(f.key, e)}>
                  <option value="" ?selected=${value === ''}>—</option>
                  ${(f.options ?? []).map((o) => html`<option value=${o.value} ?selected=${o.value === value}>${o.label}</option>`)}
                </select>`
              : html`<input id=${id} name=${f.key} type=${f.input === 'date' ? 'date' : f.input === 'number' ? 'number' : 'search'}
                  placeholder=${f.placeholder ?? nothing} .value=${value} @input=${(e: Event) => this.input(f.key, e)} />`}
          </label>`;
        })}
        <div class="actions">
          <button type="submit" class="primary" data-act="search">${b.submitLabel ?? t('vs_search')}</button>
          ${any ? html`<button type="button" data-act="clear" @click=${() => this.clear()}>${t('vs_clear')}</button>` : nothing}
        </div>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-view-search': UbViewSearch }
}
