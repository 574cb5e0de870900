import { html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { ApiError, api, errorText, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen, moneyUnit } from '../lib/money.js';
import type { UnitContext } from '../lib/context.js';
import type { PerformanceTarget, Project, TrailEntry } from '../lib/types.js';
import '../components/amount-input.js';
import type { AmountChange } from '../components/amount-input.js';
import { fieldErrors } from '../lib/field-errors.js';
import { draftKey, FormDraft, UnsavedGuard } from '../lib/draft.js';

/** A project as GET /api/units/:unitId/projects/:id answers: with its yearly plan, targets and status trail. */
export type ProjectDetail = Project & { plans: Array<{ year: number; amount: number }>; targets: PerformanceTarget[]; trail: TrailEntry[] };

/** The largest amount the core takes (MAX_FEN, 1,000 亿元) and the longest project span (30 years). */
const MAX_FEN = 10_000_000_000_000;
const MAX_SPAN = 30;

export interface ProjectDraft {
  code: string;
  name: string;
  departmentId: number | null;
  functionalCode: string;
  fundSourceCode: string;
  startYear: number | null;
  endYear: number | null;
  totalAmount: number | null;
  plans: Array<{ year: number; amount: number | null }>;
  description: string;
}

export const emptyDraft = (year: number, departmentId: number | null): ProjectDraft => ({
  code: '', name: '', departmentId, functionalCode: '', fundSourceCode: '', startYear: year, endYear: year,
  totalAmount: null, plans: [{ year, amount: null }], description: '',
});

export const draftOf = (p: ProjectDetail): ProjectDraft => ({
  code: p.code, name: p.name, departmentId: p.departmentId, functionalCode: p.functionalCode, fundSourceCode: p.fundSourceCode,
  startYear: p.startYear, endYear: p.endYear, totalAmount: p.totalAmount, description: p.description,
  plans: spanYears(p.startYear, p.endYear).map((year) => ({ year, amount: p.plans.find((x) => x.year === year)?.amount ?? 0 })),
});

function spanYears(start: number | null, end: number | null): number[] {
  if (start === null || end === null || end < start || end - start > MAX_SPAN) return start === null ? [] : [start];
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

/** The sum of the yearly plan in fen (blank years count as 0). */
export const planSum = (d: ProjectDraft) => d.plans.reduce((n, p) => n + (p.amount ?? 0), 0);

/**
 * The checks of the core's CreateProjectBody (core/ledger/projects/schema.ts) and of its plan rule
 * (the plan lies in the span and adds up to the total), said in the user's language before the form
 * is sent; the server's own refusals are mapped onto the same fields (serverErrors).
 */
export function draftErrors(d: ProjectDraft, known: { functional: Map<string, string>; fundSources: Map<string, string> }): Record<string, string> {
  const e: Record<string, string> = {};
  const code = d.code.trim();
  if (!code) e.code = t('required');
  else if (!/^[0-9A-Za-z_-]{1,40}$/.test(code)) e.code = t('la_pj_codeFormat');
  const name = d.name.trim();
  if (!name) e.name = t('required');
  else if (name.length < 2 || name.length > 200) e.name = t('la_pj_nameLength');
  if (d.departmentId === null) e.departmentId = t('required');
  const fc = d.functionalCode.trim();
  if (!fc) e.functionalCode = t('required');
  else if (!/^[0-9]{3,7}$/.test(fc)) e.functionalCode = t('la_pj_classFormat');
  else if (known.functional.size > 0 && !known.functional.has(fc)) e.functionalCode = t('la_pj_classUnknown', { code: fc });
  if (!d.fundSourceCode) e.fundSourceCode = t('required');
  const yearOk = (y: number | null) => y !== null && Number.isInteger(y) && y >= 2000 && y <= 2100;
  if (!yearOk(d.startYear)) e.startYear = t('la_pj_yearRange');
  if (!yearOk(d.endYear)) e.endYear = t('la_pj_yearRange');
  else if (yearOk(d.startYear) && (d.endYear! < d.startYear! || d.endYear! - d.startYear! > MAX_SPAN)) e.endYear = t('la_pj_spanInvalid');
  if (d.totalAmount === null || d.totalAmount <= 0) e.totalAmount = t('amountPositive');
  else if (d.totalAmount > MAX_FEN) e.totalAmount = t('amountRange');
  const sum = planSum(d);
  if (d.plans.length === 0) e.plans = t('la_pj_planEmpty');
  else if (d.totalAmount !== null && d.totalAmount > 0 && sum !== d.totalAmount) {
    e.plans = t('la_pj_planMismatch', { sum: formatFen(sum), total: formatFen(d.totalAmount) });
  }
  if (d.description.length > 2000) e.description = t('la_pj_descriptionLength');
  return e;
}

/** Where a refusal of the core belongs on the form. */
export function serverErrors(err: ApiError): Record<string, string> {
  const e = fieldErrors(err, {
    PROJECT_CODE_EXISTS: 'code', PROJECT_PLAN_MISMATCH: 'plans', PROJECT_YEAR_OUT_OF_SPAN: 'endYear', DEPARTMENT_NOT_FOUND: 'departmentId',
    CLASSIFICATION_NOT_FOUND: err.details.kind === 'fund_source' ? 'fundSourceCode' : 'functionalCode',
  });
  return Object.keys(e).length ? e : { form: err.message };
}

/** 项目入库 / 修改项目: the project's fields and its 分年度计划, in 元, checked while typing. */
@customElement('ub-project-form')
export class UbProjectForm extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .fields { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; }
    .fields .wide { grid-column: 1 / -1; }
    .fields input, .fields select, .fields textarea { width: 100%; }
    .hint { font-size: 12px; color: #667085; min-height: 1em; }
    .plans { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 4px 12px; }
    .plan-sum { margin: 4px 0; }
    .plan-sum strong { font-variant-numeric: tabular-nums; }
    .actions { display: flex; gap: 8px; margin-top: 16px; flex-wrap: wrap; }
  `];

  @property({ attribute: false }) ctx!: UnitContext;
  /** The project being edited (PATCH), or null for a new one (POST). */
  @property({ attribute: false }) project: ProjectDetail | null = null;
  @property({ attribute: false }) functional = new Map<string, string>();
  @property({ attribute: false }) fundSources = new Map<string, string>();
  @state() draft: ProjectDraft = emptyDraft(new Date().getFullYear(), null);
  @state() touched = false;
  /** Fields the user has typed in: their errors show while typing, the others' once the form is sent. */
  @state() dirty = new Set<string>();
  @state() server: Record<string, string> = {};
  @state() busy = false;
  private initFor: ProjectDetail | null | undefined = undefined;
  // A new project's fields survive reload and Back (a draft per user and unit, cleared once saved or cancelled).
  readonly kept = new FormDraft<ProjectDraft>(this, () => draftKey('project', this.ctx.unitId, this.ctx.me.id), () => this.draft, (d) => (this.draft = d),
    (d) => !d.code.trim() && !d.name.trim() && !d.functionalCode.trim() && !d.description.trim() && d.totalAmount === null);
  readonly guard = new UnsavedGuard(this, () => this.project === null && this.kept.dirty);

  override willUpdate(): void {
    if (this.initFor !== this.project && this.ctx) {
      this.initFor = this.project;
      this.touched = false;
      this.dirty = new Set();
      this.server = {};
      this.draft = this.project ? draftOf(this.project) : emptyDraft(new Date().getFullYear(), this.ctx.departmentId ?? this.ctx.departments[0]?.id ?? null);
      if (!this.project) this.kept.restore((d) => Array.isArray(d.plans));
    }
  }

  get errors(): Record<string, string> {
    return { ...draftErrors(this.draft, { functional: this.functional, fundSources: this.fundSources }), ...this.server };
  }

  /**
   * The errors on screen: all of them once the form was sent; before, those of the fields typed in,
   * and the plan's once the total and every year's amount are filled in.
   */
  get shown(): Record<string, string> {
    const all = this.errors;
    if (this.touched) return all;
    const planFilled = this.draft.totalAmount !== null && this.draft.plans.every((p) => p.amount !== null);
    const out: Record<string, string> = { ...this.server };
    for (const [k, v] of Object.entries(all)) if (this.dirty.has(k) || (k === 'plans' && planFilled)) out[k] ??= v;
    return out;
  }

  set(patch: Partial<ProjectDraft>) {
    const next = { ...this.draft, ...patch };
    if ('startYear' in patch || 'endYear' in patch) {
      // The plan follows the span: one row per year, amounts kept where the year stays.
      next.plans = spanYears(next.startYear, next.endYear).map((year) => ({ year, amount: this.draft.plans.find((p) => p.year === year)?.amount ?? null }));
    }
    this.draft = next;
    this.dirty = new Set([...this.dirty, ...Object.keys(patch)]);
    const cleared = { ...this.server };
    for (const k of Object.keys(patch)) delete cleared[k];
    if ('plans' in patch || 'totalAmount' in patch || 'startYear' in patch || 'endYear' in patch) delete cleared.plans;
    delete cleared.form;
    this.server = cleared;
  }

  setPlan(year: number, amount: number | null) {
    this.set({ plans: this.draft.plans.map((p) => (p.year === year ? { ...p, amount } : p)) });
  }

  /** The body of the POST (or PATCH): the core's CreateProjectBody. */
  body() {
    const d = this.draft;
    const b: Record<string, unknown> = {
      code: d.code.trim(), name: d.name.trim(), departmentId: d.departmentId, functionalCode: d.functionalCode.trim(),
      fundSourceCode: d.fundSourceCode, startYear: d.startYear, endYear: d.endYear, totalAmount: d.totalAmount,
      plans: d.plans.map((p) => ({ year: p.year, amount: p.amount ?? 0 })),
    };
    if (d.description.trim()) b.description = d.description.trim();
    return b;
  }

  async submit(e?: Event) {
    e?.preventDefault();
    this.touched = true;
    this.server = {};
    if (Object.keys(this.errors).length > 0) return;
    this.busy = true;
    try {
      const u = `/api/units/${this.ctx.unitId}/projects`;
      const saved = this.project ? await api<ProjectDetail>('PATCH', `${u}/${this.project.id}`, this.body()) : await post<ProjectDetail>(u, this.body());
      if (!this.project) this.kept.clear();
      this.dispatchEvent(new CustomEvent<ProjectDetail>('project-saved', { detail: saved, bubbles: true, composed: true }));
    } catch (err) {
      this.server = err instanceof ApiError ? serverErrors(err) : { form: errorText(err) };
      // Keyboard users land on the first field the server refused.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } finally {
      this.busy = false;
    }
  }

  private field(key: keyof ProjectDraft | 'plans', label: string, input: unknown, hint: unknown = '', wide = false) {
    const err = this.shown[key];
    return html`<label class="field ${wide ? 'wide' : ''}" data-field=${key}>
      <span>${label}</span>${input}
      ${err ? html`<span class="error" role="alert">${err}</span>` : html`<span class="hint">${hint}</span>`}
    </label>`;
  }

  override render() {
    const d = this.draft;
    const errs = this.shown;
    const inv = (k: string) => (errs[k] ? 'true' : 'false');
    const num = (v: string) => (v.trim() === '' ? null : Number(v));
    const sum = planSum(d);
    return html`<form novalidate @submit=${this.submit} aria-label=${t(this.project ? 'la_pj_edit' : 'la_pj_new')}>
      ${this.kept.restored ? html`<div class="notice" role="status">${t('dl_draftRestored')} <button type="button" data-discard
        @click=${() => { this.kept.clear(); this.draft = emptyDraft(new Date().getFullYear(), this.ctx.departmentId ?? this.ctx.departments[0]?.id ?? null); }}>${t('dl_draftDiscard')}</button></div>` : ''}
      <div class="fields">
        ${this.field('code', t('la_pj_code'), html`<input name="code" maxlength="40" .value=${d.code} aria-invalid=${inv('code')} autocomplete="off" @input=${(e: Event) => this.set({ code: (e.target as HTMLInputElement).value })} />`, t('la_pj_codeHint'))}
        ${this.field('name', t('la_pj_name'), html`<input name="name" maxlength="200" .value=${d.name} aria-invalid=${inv('name')} @input=${(e: Event) => this.set({ name: (e.target as HTMLInputElement).value })} />`)}
        ${this.field('departmentId', t('department'), html`<select name="departmentId" aria-invalid=${inv('departmentId')} @change=${(e: Event) => this.set({ departmentId: num((e.target as HTMLSelectElement).value) })}>
          <option value="" ?selected=${d.departmentId === null}>${t('la_choose')}</option>
          ${this.ctx.departments.map((x) => html`<option value=${x.id} ?selected=${x.id === d.departmentId}>${x.code} ${x.name}</option>`)}
        </select>`)}
        ${this.field('functionalCode', t('la_pj_functional'), html`<input name="functionalCode" list="functional-codes" inputmode="numeric" maxlength="7" .value=${d.functionalCode} aria-invalid=${inv('functionalCode')}
            @input=${(e: Event) => this.set({ functionalCode: (e.target as HTMLInputElement).value })} />
          <datalist id="functional-codes">${[...this.functional].filter(([c]) => c.length === 7).map(([c, n]) => html`<option value=${c}>${n}</option>`)}</datalist>`,
          this.functional.get(d.functionalCode.trim()) ?? t('la_pj_functionalHint'))}
        ${this.field('fundSourceCode', t('fundSource'), html`<select name="fundSourceCode" aria-invalid=${inv('fundSourceCode')} @change=${(e: Event) => this.set({ fundSourceCode: (e.target as HTMLSelectElement).value })}>
          <option value="" ?selected=${!d.fundSourceCode}>${t('la_choose')}</option>
          ${[...this.fundSources].map(([c, n]) => html`<option value=${c} ?selected=${c === d.fundSourceCode}>${c} ${n}</option>`)}
        </select>`)}
        ${this.field('startYear', t('la_pj_startYear'), html`<input name="startYear" type="number" min="2000" max="2100" .value=${d.startYear === null ? '' : String(d.startYear)} aria-invalid=${inv('startYear')}
          @input=${(e: Event) => this.set({ startYear: num((e.target as HTMLInputElement).value) })} />`)}
        ${this.field('endYear', t('la_pj_endYear'), html`<input name="endYear" type="number" min="2000" max="2100" .value=${d.endYear === null ? '' : String(d.endYear)} aria-invalid=${inv('endYear')}
          @input=${(e: Event) => this.set({ endYear: num((e.target as HTMLInputElement).value) })} />`)}
        <div data-field="totalAmount">
          <ub-amount-input name="totalAmount" label=${t('la_pj_total')} required .value=${d.totalAmount}
            @amount-change=${(e: CustomEvent<AmountChange>) => this.set({ totalAmount: e.detail.fen })}></ub-amount-input>
          ${errs.totalAmount ? html`<span class="error" role="alert">${errs.totalAmount}</span>` : ''}
        </div>
        ${this.field('description', t('la_pj_description'), html`<textarea name="description" rows="2" maxlength="2000" .value=${d.description} aria-invalid=${inv('description')}
          @input=${(e: Event) => this.set({ description: (e.target as HTMLTextAreaElement).value })}></textarea>`, '', true)}
      </div>
      <h3>${t('la_pj_plans')} ${moneyUnit()}</h3>
      <div class="plans" data-field="plans" role="group" aria-label=${t('la_pj_plans')}>
        ${d.plans.map((p) => html`<div class="plan" data-year=${p.year}>
          <ub-amount-input allow-zero label=${t('la_pj_planFor', { year: p.year })} .value=${p.amount}
            @amount-change=${(e: CustomEvent<AmountChange>) => this.setPlan(p.year, e.detail.fen)}></ub-amount-input></div>`)}
      </div>
      <p class="plan-sum">${t('la_pj_planTotal')}${t('adm_colon')}<strong class="num" data-plan-sum>${formatFen(sum)}</strong> ${t('yuan')}
        ${d.totalAmount !== null && sum === d.totalAmount && sum > 0 ? html`<span class="badge ok">${t('la_pj_planMatches')}</span>` : ''}</p>
      ${errs.plans ? html`<p class="error" role="alert" data-error="plans">${errs.plans}</p>` : ''}
      ${errs.form ? html`<div class="notice error" role="alert">${errs.form}</div>` : ''}
      <div class="actions">
        <button class="primary" type="submit" ?disabled=${this.busy}>${t(this.project ? 'la_save' : 'la_pj_create')}</button>
        <button type="button" @click=${() => { if (!this.project) this.kept.clear(); this.dispatchEvent(new CustomEvent('cancel', { bubbles: true, composed: true })); }}>${t('cancel')}</button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-project-form': UbProjectForm }
}
