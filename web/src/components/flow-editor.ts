import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatFen, parseYuan } from '../lib/money.js';
import type { FlowStep } from '../lib/types.js';
import { THREE_PUBLIC_CODES } from '@unibudget/sdk/contracts/three-public';

/** Roles that may decide a step (FlowStep.role of the SDK's ledger contract). */
type ApproverRole = FlowStep['role'];
export const APPROVER_ROLES: ApproverRole[] = ['department_head', 'finance_officer', 'leader', 'unit_admin', 'business_staff'];
/** 三公经费 economic classes: the one list the core counts (the SDK's shared contract). */
export const THREE_PUBLIC = THREE_PUBLIC_CODES;
const MAX_STEPS = 8;

/** Same rule as stepApplies() in core/ledger/approvals/service.ts: no condition, or ANY condition holds. */
export function stepApplies(step: FlowStep, subject: { amount: number; economicCode: string }): boolean {
  const w = step.when;
  if (!w || (w.amountAbove === undefined && !w.economicPrefixes?.length && !w.threePublic)) return true;
  if (w.amountAbove !== undefined && subject.amount > w.amountAbove) return true;
  if (w.economicPrefixes?.some((p) => subject.economicCode.startsWith(p))) return true;
  return !!w.threePublic && THREE_PUBLIC.has(subject.economicCode);
}

/** "金额 > 50,000.00 元 或 三公经费" */
export function describeCondition(step: FlowStep): string {
  const w = step.when;
  const parts: string[] = [];
  if (w?.amountAbove !== undefined) parts.push(t('flow_cond_amount', { amount: formatFen(w.amountAbove) }));
  if (w?.economicPrefixes?.length) parts.push(t('flow_cond_prefixes', { codes: w.economicPrefixes.join(t('adm_sep')) }));
  if (w?.threePublic) parts.push(t('flow_cond_threePublic'));
  return parts.length ? parts.join(` ${t('flow_or')} `) : t('flow_always');
}

interface DraftStep { role: ApproverRole; label: string; conditional: boolean; amount: string; prefixes: string; threePublic: boolean }

/** The draft as a step, skipping tiers typed wrong (for the preview and the summary line). */
function lenientStep(d: DraftStep): FlowStep {
  const when: NonNullable<FlowStep['when']> = {};
  if (d.conditional) {
    const a = parseYuan(d.amount);
    if (a.ok) when.amountAbove = a.fen;
    const codes = d.prefixes.split(/[,，、\s]+/).filter((c) => /^[0-9]{3,7}$/.test(c));
    if (codes.length) when.economicPrefixes = codes;
    if (d.threePublic) when.threePublic = true;
  }
  return { role: d.role, label: d.label, when };
}

function toDraft(s: FlowStep): DraftStep {
  const w = s.when;
  const conditional = !!w && (w.amountAbove !== undefined || !!w.economicPrefixes?.length || !!w.threePublic);
  return {
    role: s.role, label: s.label, conditional,
    amount: w?.amountAbove !== undefined ? formatFen(w.amountAbove, { grouping: false }) : '',
    prefixes: (w?.economicPrefixes ?? []).join(', '),
    threePublic: !!w?.threePublic,
  };
}

/**
 * Low-code editor of one approval flow: ordered steps, each with an approver role, a name and,
 * optionally, tiers (amount above N yuan, economic-class prefixes, 三公经费: any one makes the step
 * apply). A live preview shows which steps a given amount and economic class would go through.
 */
@customElement('ub-flow-editor')
export class UbFlowEditor extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
    li.step { border: 1px solid #dde3ea; border-radius: 6px; padding: 10px 12px; background: #fff; }
    .step-head { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 8px; }
    .step-head .field { min-width: 0; }
    .step-head input { min-width: 0; max-width: 100%; }
    .step-head .n { font-weight: 600; color: #14365f; min-width: 48px; }
    .step-head .spacer { flex: 1; }
    .step-head button { min-height: 28px; padding: 2px 8px; }
    .cond { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-end; margin-top: 8px; padding: 8px; background: #f5f7fa; border-radius: 4px; }
    .mode { display: flex; gap: 14px; margin-top: 8px; }
    .preview { margin-top: 14px; }
    .errors { margin: 8px 0; }
  `];

  @property({ attribute: false }) flow: { name: string; steps: FlowStep[] } | null = null;
  @state() name = '';
  @state() steps: DraftStep[] = [];
  @state() errors: string[] = [];
  @state() previewAmount = '';
  @state() previewEconomic = '';
  private loadedFrom: unknown = null;

  override willUpdate() {
    if (this.flow && this.loadedFrom !== this.flow) {
      this.loadedFrom = this.flow;
      this.name = this.flow.name;
      this.steps = this.flow.steps.map(toDraft);
      this.errors = [];
    }
  }

  private patch(i: number, change: Partial<DraftStep>) {
    this.steps = this.steps.map((s, j) => (j === i ? { ...s, ...change } : s));
    this.dispatchEvent(new CustomEvent('flow-input'));
  }

  addStep() {
    if (this.steps.length >= MAX_STEPS) return;
    this.steps = [...this.steps, { role: 'leader', label: '', conditional: false, amount: '', prefixes: '', threePublic: false }];
  }

  removeStep(i: number) {
    this.steps = this.steps.filter((_, j) => j !== i);
  }

  move(i: number, by: -1 | 1) {
    const j = i + by;
    if (j < 0 || j >= this.steps.length) return;
    const next = [...this.steps];
    [next[i], next[j]] = [next[j]!, next[i]!];
    this.steps = next;
  }

  /** The flow in the shape PUT /approval-flows/:target takes, or null with the errors listed. */
  collect(): { name: string; steps: FlowStep[] } | null {
    const errors: string[] = [];
    if (this.steps.length === 0) errors.push(t('flow_minSteps'));
    if (this.steps.length > MAX_STEPS) errors.push(t('flow_maxSteps'));
    const steps: FlowStep[] = this.steps.map((d, i) => {
      const at = `${t('flow_step', { n: i + 1 })}${t('adm_colon')}`;
      const step: FlowStep = { role: d.role, label: d.label.trim() };
      if (!step.label) errors.push(at + t('flow_labelRequired'));
      if (!d.conditional) return step;
      const when: NonNullable<FlowStep['when']> = {};
      if (d.amount.trim()) {
        const r = parseYuan(d.amount);
        if (!r.ok && r.error !== 'empty') errors.push(at + t('flow_amountInvalid'));
        else if (r.ok) when.amountAbove = r.fen;
      }
      const codes = d.prefixes.split(/[,，、\s]+/).map((c) => c.trim()).filter(Boolean);
      for (const c of codes) if (!/^[0-9]{3,7}$/.test(c)) errors.push(at + t('flow_prefixInvalid', { code: c }));
      if (codes.length) when.economicPrefixes = codes;
      if (d.threePublic) when.threePublic = true;
      if (when.amountAbove === undefined && !codes.length && !when.threePublic) errors.push(at + t('flow_conditionEmpty'));
      return { ...step, when };
    });
    this.errors = errors;
    return errors.length ? null : { name: this.name.trim() || (this.flow?.name ?? ''), steps };
  }

  /** Steps that would apply to the preview subject (the draft as typed, bad tiers ignored). */
  get previewSteps(): string[] | null {
    const amount = parseYuan(this.previewAmount);
    if (!amount.ok) return null;
    return this.steps
      .filter((d) => stepApplies(lenientStep(d), { amount: amount.fen, economicCode: this.previewEconomic.trim() }))
      .map((d) => d.label || t(`role_${d.role}` as MessageKey));
  }

  private step(d: DraftStep, i: number) {
    const id = (k: string) => `s${i}-${k}`;
    return html`<li class="step" data-step=${i}>
      <div class="step-head">
        <span class="n">${t('flow_step', { n: i + 1 })}</span>
        <label class="field">${t('flow_role')}
          <select name="role" @change=${(e: Event) => this.patch(i, { role: (e.target as HTMLSelectElement).value as ApproverRole })}>
            ${APPROVER_ROLES.map((r) => html`<option value=${r} ?selected=${r === d.role}>${t(`role_${r}` as MessageKey)}</option>`)}
          </select></label>
        <label class="field grow">${t('flow_label')}
          <input name="label" maxlength="40" .value=${d.label} aria-invalid=${d.label.trim() ? 'false' : 'true'} @input=${(e: Event) => this.patch(i, { label: (e.target as HTMLInputElement).value })} /></label>
        <span class="spacer"></span>
        <button aria-label=${`${t('flow_up')} ${i + 1}`} ?disabled=${i === 0} @click=${() => this.move(i, -1)}>↑</button>
        <button aria-label=${`${t('flow_down')} ${i + 1}`} ?disabled=${i === this.steps.length - 1} @click=${() => this.move(i, 1)}>↓</button>
        <button class="danger" data-action="remove" aria-label=${`${t('flow_removeStep')} ${i + 1}`} ?disabled=${this.steps.length <= 1} @click=${() => this.removeStep(i)}>✕</button>
      </div>
      <div class="mode" role="radiogroup" aria-label=${t('flow_step', { n: i + 1 })}>
        <label class="check"><input type="radio" name=${id('mode')} value="always" .checked=${!d.conditional} @change=${() => this.patch(i, { conditional: false })} />${t('flow_always')}</label>
        <label class="check"><input type="radio" name=${id('mode')} value="conditional" .checked=${d.conditional} @change=${() => this.patch(i, { conditional: true })} />${t('flow_conditional')}</label>
      </div>
      ${d.conditional
        ? html`<div class="cond">
            <label class="field">${t('flow_amountAbove')}
              <input name="amountAbove" inputmode="decimal" maxlength="20" .value=${d.amount} @input=${(e: Event) => this.patch(i, { amount: (e.target as HTMLInputElement).value })} /></label>
            <label class="field grow">${t('flow_prefixes')}
              <input name="prefixes" placeholder="30216, 310" .value=${d.prefixes} @input=${(e: Event) => this.patch(i, { prefixes: (e.target as HTMLInputElement).value })} /></label>
            <label class="check"><input type="checkbox" name="threePublic" .checked=${d.threePublic} @change=${(e: Event) => this.patch(i, { threePublic: (e.target as HTMLInputElement).checked })} />${t('flow_threePublic')}</label>
            <span class="muted summary">= ${describeCondition(lenientStep(d))}</span>
          </div>`
        : nothing}
    </li>`;
  }

  override render() {
    const preview = this.previewSteps;
    return html`<label class="field">${t('flow_name')}
        <input name="flowName" maxlength="60" .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} /></label>
      <h3>${t('flow_steps')}</h3>
      <ol>${this.steps.map((d, i) => this.step(d, i))}</ol>
      <p><button data-action="add" ?disabled=${this.steps.length >= MAX_STEPS} @click=${() => this.addStep()}>＋ ${t('flow_addStep')}</button>
        ${this.steps.length >= MAX_STEPS ? html`<span class="muted">${t('flow_maxSteps')}</span>` : nothing}</p>
      ${this.errors.length ? html`<ul class="errors error" role="alert">${this.errors.map((e) => html`<li>${e}</li>`)}</ul>` : nothing}
      <section class="preview card">
        <h3>${t('flow_preview')}</h3>
        <div class="row">
          <label class="field">${t('flow_previewAmount')}<input name="previewAmount" inputmode="decimal" .value=${this.previewAmount} @input=${(e: Event) => (this.previewAmount = (e.target as HTMLInputElement).value)} /></label>
          <label class="field">${t('flow_previewEconomic')}<input name="previewEconomic" .value=${this.previewEconomic} @input=${(e: Event) => (this.previewEconomic = (e.target as HTMLInputElement).value)} /></label>
        </div>
        ${preview ? html`<p class="preview-result" role="status">${t('flow_previewResult', { steps: preview.length ? preview.join(' → ') : t('flow_previewNone') })}</p>` : nothing}
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-flow-editor': UbFlowEditor }
}
