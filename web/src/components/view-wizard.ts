import { html, css, nothing, unsafeCSS } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { ApiError, api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { WizardBlock } from './view-spec.js';
import { collectFields, fieldOfError, fieldStyles, initialValue, renderField, type FieldValue, type Submitted } from './view-fields.js';
import { fieldHostOf, pluginRouteUrl } from './view-form.js';

let wizardSeq = 0;

/** `#step=3` of the page address: the step (1-based) a reload or a shared link opens at. */
function stepFromHash(count: number): number {
  const m = /(?:^#|&)step=(\d{1,2})(?:&|$)/.exec(location.hash);
  const n = m ? Number(m[1]) - 1 : 0;
  return n >= 0 && n < count ? n : 0;
}

/**
 * A multi-step plugin form: one step at a time (its number in the address as `#step=N`, focus on the
 * step heading), required fields checked before 下一步, values kept across steps, and on the last
 * step every step's values merged into one JSON body posted to `submit`. A refusal naming a field
 * (`details.field`) opens that field's step and marks it.
 */
@customElement('ub-view-wizard')
export class UbViewWizard extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    ol.steps { display: flex; flex-wrap: wrap; gap: 6px 18px; list-style: none; padding: 0; margin: 0 0 12px; font-size: 13px; color: #667085; }
    ol.steps li[aria-current='step'] { color: #1d5fbf; font-weight: 600; }
    ol.steps li.done { color: #137333; }
    h4 { margin: 0 0 4px; }
    h4:focus { outline: 2px solid #1d5fbf; outline-offset: 2px; }
    .fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; align-items: end; margin: 10px 0; }
    .actions { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
    ${unsafeCSS(fieldStyles)}
  `];

  @property({ attribute: false }) block!: WizardBlock;
  @property({ attribute: false }) unitId = '';
  @property({ attribute: false }) pluginId = '';
  @state() step = 0;
  @state() values: Record<string, FieldValue> = {};
  @state() errors: Record<string, string> = {};
  @state() busy = false;
  @state() message = '';
  @state() failure = '';
  @query('h4') private heading?: HTMLElement;
  private initialisedFor: WizardBlock | null = null;
  private readonly host = fieldHostOf(this, `wz${++wizardSeq}`);
  private focusHeading = false;

  override willUpdate() {
    if (this.block && this.initialisedFor !== this.block) {
      this.initialisedFor = this.block;
      const v: Record<string, FieldValue> = {};
      for (const s of this.block.steps) for (const f of s.fields) v[f.key] = initialValue(f);
      this.values = v;
      this.errors = {};
      this.step = stepFromHash(this.block.steps.length);
    }
  }

  override updated() {
    if (this.focusHeading) {
      this.focusHeading = false;
      this.heading?.focus();
    }
  }

  /** Shows step `n`, writes it into the address (replacing the entry: 上一步 is the back button here) and moves focus to its heading. */
  go(n: number) {
    this.step = n;
    this.focusHeading = true;
    const others = location.hash.replace(/^#/, '').split('&').filter((p) => p && !p.startsWith('step='));
    history.replaceState(history.state, '', `${location.pathname}${location.search}#${[...others, `step=${n + 1}`].join('&')}`);
  }

  /** Checks the shown step; true when 下一步 may go on. */
  private checkStep(n: number): { ok: boolean; body: Record<string, Submitted> } {
    const { body, errors } = collectFields(this.block.steps[n]!.fields, this.values);
    const keys = new Set(this.block.steps[n]!.fields.map((f) => f.key));
    const kept = Object.fromEntries(Object.entries(this.errors).filter(([k]) => !keys.has(k)));
    this.errors = { ...kept, ...errors };
    return { ok: body !== null, body: body ?? {} };
  }

  next() {
    this.failure = '';
    if (this.checkStep(this.step).ok) this.go(this.step + 1);
  }

  async submit(e?: Event) {
    e?.preventDefault();
    this.message = '';
    this.failure = '';
    if (this.step < this.block.steps.length - 1) return this.next();
    // Every step again (a link may have opened a later step first): the first with a problem is shown.
    const merged: Record<string, Submitted> = {};
    for (let n = 0; n < this.block.steps.length; n += 1) {
      const { ok, body } = this.checkStep(n);
      if (!ok) {
        if (n !== this.step) this.go(n);
        return;
      }
      Object.assign(merged, body);
    }
    this.busy = true;
    try {
      const reply = await api<{ message?: unknown } | null>(this.block.method ?? 'POST', pluginRouteUrl(this.unitId, this.pluginId, this.block.submit), merged);
      this.message = reply && typeof reply.message === 'string' ? reply.message : t('pv_submitted');
      this.dispatchEvent(new CustomEvent('view-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this.failure = err instanceof ApiError ? err.message : String(err);
      const fields = this.block.steps.flatMap((s) => s.fields);
      const field = err instanceof ApiError ? fieldOfError(err.details, fields) : null;
      if (field) {
        this.errors = { ...this.errors, [field]: this.failure };
        const at = this.block.steps.findIndex((s) => s.fields.some((f) => f.key === field));
        if (at !== this.step) this.go(at);
      }
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (!this.block) return nothing;
    const steps = this.block.steps;
    const current = steps[this.step]!;
    const last = this.step === steps.length - 1;
    return html`${this.block.title ? html`<h3>${this.block.title}</h3>` : nothing}
      <ol class="steps" aria-label=${t('hx_stepsNav')}>
        ${steps.map((s, i) => html`<li class=${i < this.step ? 'done' : ''} aria-current=${i === this.step ? 'step' : nothing}>${i + 1}. ${s.title}</li>`)}
      </ol>
      <form @submit=${this.submit} novalidate data-step=${current.id}>
        <p class="muted">${t('hx_step', { n: String(this.step + 1), total: String(steps.length) })}</p>
        <h4 tabindex="-1">${current.title}</h4>
        ${current.description ? html`<p class="muted">${current.description}</p>` : nothing}
        <div class="fields">${current.fields.map((f) => renderField(this.host, f))}</div>
        <div class="actions">
          ${this.step > 0 ? html`<button type="button" data-act="prev" @click=${() => { this.failure = ''; this.go(this.step - 1); }}>${t('hx_prev')}</button>` : nothing}
          ${last
            ? html`<button class="primary" type="submit" data-act="submit" ?disabled=${this.busy}>${this.block.submitLabel ?? t('pv_submit')}</button>`
            : html`<button class="primary" type="submit" data-act="next">${t('hx_next')}</button>`}
          ${this.message ? html`<span class="ok" role="status">${this.message}</span>` : nothing}
          ${this.failure ? html`<span class="error" role="alert">${this.failure}</span>` : nothing}
        </div>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-view-wizard': UbViewWizard }
}
