import { html, css, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { api, get, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import { classNames } from '../lib/context.js';
import type { BudgetRequestDetail, Project, Template } from '../lib/types.js';
import '../components/amount-input.js';
import '../components/request-warnings.js';
import '../components/plugin-placements.js';
import type { AmountChange } from '../components/amount-input.js';
import { docLabel } from '../lib/approvals.js';
import { draftKey, FormDraft, UnsavedGuard } from '../lib/draft.js';
import { StepInUrl } from '../lib/wizard.js';
import { fieldErrors, ServerFieldErrors } from '../lib/field-errors.js';

/** The fields a budget request draft keeps (see FormDraft). */
interface BudgetDraftFields {
  year: number; departmentId: number | null; reqTitle: string; headcountText: Record<'personnel' | 'operating', string>; projectLines: ProjectLine[];
  /** The draft request this form already created (a refused submission leaves it): the next try edits it. */
  created?: CreatedDraft | null | undefined;
}

/** A draft request the wizard created, and the year and department it was made for (a draft cannot change them). */
interface CreatedDraft { id: number; docNo: string | null; year: number; departmentId: number }

export interface ProjectLine { key: number; projectId: number | null; economicCode: string; amount: number | null; amountError: string | null; note: string }

/** Headcount text → positive integer or an error. */
export function parseHeadcount(text: string): { value: number | null; error: string | null } {
  const s = text.trim();
  if (s === '') return { value: null, error: null };
  if (!/^\d+$/.test(s) || Number(s) <= 0 || Number(s) > 100_000) return { value: null, error: t('headcountInvalid') };
  return { value: Number(s), error: null };
}

/** 向导式预算申报: basics → personnel (headcount × standard) → operating → project lines → confirm. */
@customElement('ub-budget-wizard')
export class UbBudgetWizard extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 1100px; }
    ol.steps { display: flex; gap: 8px; list-style: none; padding: 0; margin: 0 0 16px; flex-wrap: wrap; }
    ol.steps li button { border-radius: 16px; background: #eef2f6; border: 0; font-size: 13px; }
    ol.steps li button[aria-current='step'] { background: #1d5fbf; color: #fff; }
    .layout { display: grid; grid-template-columns: minmax(0, 1fr) 260px; gap: 16px; align-items: start; }
    .total { position: sticky; top: 0; }
    .total .big { font-size: 22px; font-weight: 600; text-align: right; font-variant-numeric: tabular-nums; }
    .total table td { padding: 4px 0; border: 0; }
    .actions { display: flex; gap: 8px; margin-top: 16px; }
    input.hc { width: 110px; text-align: right; }
    .plines td { vertical-align: top; }
    .plines select { max-width: 240px; }
    @media (max-width: 1000px) { .layout { grid-template-columns: 1fr; } .total { position: static; } }
  `];

  @state() step = 1;
  @state() year = new Date().getFullYear() + 1;
  @state() departmentId: number | null = null;
  @state() reqTitle = '';
  @state() templates: Partial<Record<'personnel' | 'operating', Template>> = {};
  @state() headcountText: Record<'personnel' | 'operating', string> = { personnel: '', operating: '' };
  @state() projects: Project[] = [];
  @state() projectLines: ProjectLine[] = [];
  @state() econ = new Map<string, string>();
  @state() error = '';
  @state() done = '';
  @state() busy = false;
  @state() showErrors = false;
  /** The draft created by an earlier save whose submission was refused: saving again edits it, never a second draft. */
  created: CreatedDraft | null = null;
  private nextKey = 1;
  // Reload and Back keep what was typed (a draft per user and unit, cleared once saved or submitted), the
  // step lives in the address, and leaving with unsaved input asks first.
  readonly kept = new FormDraft<BudgetDraftFields>(this, () => draftKey('budget', this.ctx.unitId, this.ctx.me.id),
    () => ({ year: this.year, departmentId: this.departmentId, reqTitle: this.reqTitle, headcountText: this.headcountText, projectLines: this.projectLines, created: this.created }),
    (d) => {
      Object.assign(this, { year: d.year, reqTitle: d.reqTitle, headcountText: d.headcountText, projectLines: d.projectLines, created: d.created ?? null });
      if (this.ctx.departmentId === null && this.ctx.departments.some((x) => x.id === d.departmentId)) this.departmentId = d.departmentId;
      this.nextKey = Math.max(0, ...d.projectLines.map((l) => l.key)) + 1;
    },
    (d) => !d.reqTitle.trim() && !d.headcountText.personnel.trim() && !d.headcountText.operating.trim() && d.projectLines.length === 0);
  /** The server's refusals under the fields they name (the basic fields are on step 1). */
  readonly fields = new ServerFieldErrors(this);
  readonly steps = new StepInUrl(this, (s) => Array.from({ length: s - 1 }, (_, i) => i + 1).every((k) => this.stepErrors(k).length === 0), 5);
  readonly guard = new UnsavedGuard(this, () => this.step <= 5 && this.kept.dirty);

  protected override unitChanged(): void {
    this.departmentId = this.ctx.departmentId ?? this.ctx.departments[0]?.id ?? null;
    super.unitChanged();
  }

  override willUpdate(changed: PropertyValues) {
    super.willUpdate(changed);
    if (this.departmentId === null && this.ctx?.departments.length) this.departmentId = this.ctx.departments[0]!.id;
  }

  async load() {
    const u = this.ctx.unitId;
    try {
      const [personnel, operating, projects] = await Promise.all([
        get<Template>(`/api/units/${u}/budget-templates/personnel`),
        get<Template>(`/api/units/${u}/budget-templates/operating`),
        get<Project[]>(`/api/units/${u}/projects`).catch(() => []),
      ]);
      this.templates = { personnel, operating };
      this.projects = projects.filter((p) => p.status === 'approved' || p.status === 'executing' || p.status === 'reserve');
      const names = await classNames('economic');
      this.econ = new Map([...names].filter(([code]) => code.length === 5));
      if (this.kept.restore()) this.step = this.steps.fromUrl();
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  headcount(kind: 'personnel' | 'operating') {
    return parseHeadcount(this.headcountText[kind]);
  }

  /** Lines a template gives for a headcount: one per standard, headcount × per-head amount (fen). */
  basicLines(kind: 'personnel' | 'operating') {
    const n = this.headcount(kind).value;
    const tpl = this.templates[kind];
    if (!tpl || n === null) return [];
    return tpl.standards.map((s) => ({ ...s, amount: s.perHeadAmount * n }));
  }

  subtotal(kind: 'personnel' | 'operating' | 'project'): number {
    if (kind === 'project') return this.projectLines.reduce((sum, l) => sum + (l.amount ?? 0), 0);
    return this.basicLines(kind).reduce((sum, l) => sum + l.amount, 0);
  }

  get total(): number {
    return this.subtotal('personnel') + this.subtotal('operating') + this.subtotal('project');
  }

  /** Field errors of the whole request, keyed by field. */
  get errors(): Record<string, string> {
    const e: Record<string, string> = {};
    if (this.reqTitle.trim().length < 2) e.title = t('titleTooShort');
    if (this.departmentId === null) e.department = t('required');
    for (const k of ['personnel', 'operating'] as const) {
      const h = this.headcount(k);
      if (h.error) e[k] = h.error;
    }
    this.projectLines.forEach((l) => {
      if (l.projectId === null) e[`p${l.key}.project`] = t('required');
      if (!l.economicCode) e[`p${l.key}.econ`] = t('required');
      if (l.amount === null) e[`p${l.key}.amount`] = l.amountError ?? t('amountEmpty');
    });
    const hasLine = this.headcount('personnel').value !== null || this.headcount('operating').value !== null || this.projectLines.length > 0;
    if (!hasLine) e.lines = t('atLeastOneLine');
    return e;
  }

  /** The request body for POST budget-requests. */
  body() {
    const lines: unknown[] = [];
    for (const k of ['personnel', 'operating'] as const) {
      const n = this.headcount(k).value;
      if (n !== null) lines.push({ kind: k, headcount: n });
    }
    for (const l of this.projectLines) {
      lines.push({ kind: 'project', projectId: l.projectId, economicCode: l.economicCode, amount: l.amount, ...(l.note.trim() ? { note: l.note.trim() } : {}) });
    }
    return { year: this.year, departmentId: this.departmentId, title: this.reqTitle.trim(), lines };
  }

  stepErrors(step: number): string[] {
    const e = this.errors;
    const keys = step === 1 ? ['title', 'department'] : step === 2 ? ['personnel'] : step === 3 ? ['operating'] : step === 4 ? Object.keys(e).filter((k) => k.startsWith('p')) : Object.keys(e);
    return keys.filter((k) => e[k]);
  }

  go(step: number) {
    if (step > this.step && this.stepErrors(this.step).length) {
      this.showErrors = true;
      return;
    }
    this.showErrors = false;
    this.step = step;
  }

  /** Starts over: the kept draft is dropped and the form emptied. */
  discardDraft() {
    this.kept.clear();
    Object.assign(this, { step: 1, reqTitle: '', headcountText: { personnel: '', operating: '' }, projectLines: [], showErrors: false, error: '', created: null });
  }

  addProjectLine() {
    this.projectLines = [...this.projectLines, { key: this.nextKey++, projectId: null, economicCode: '', amount: null, amountError: null, note: '' }];
  }

  updateLine(key: number, patch: Partial<ProjectLine>) {
    this.projectLines = this.projectLines.map((l) => (l.key === key ? { ...l, ...patch } : l));
  }

  /** What plugins warned about on submission. */
  @state() warnings: NonNullable<BudgetRequestDetail['warnings']> = [];
  /** The request just saved (a draft or submitted): plugins' views about it show with the confirmation. */
  @state() savedId: number | null = null;

  async save(submit: boolean) {
    this.showErrors = true;
    if (Object.keys(this.errors).length) return;
    this.busy = true;
    this.error = '';
    try {
      const created = await this.saveDraft();
      // Plugins' budgetRequest.validate may warn (shown with the confirmation) or refuse (the error below).
      if (submit) this.warnings = (await post<BudgetRequestDetail>(`/api/units/${this.ctx.unitId}/budget-requests/${created.id}/submit`, {})).warnings ?? [];
      this.done = submit ? t('budgetSubmitted', { id: docLabel(created) }) : t('budgetSaved', { id: docLabel(created) });
      this.savedId = created.id;
      this.created = null;
      this.kept.clear();
      this.step = 6;
    } catch (e) {
      const basic = Object.keys(fieldErrors(e)).some((k) => k === 'title' || k === 'year' || k === 'departmentId');
      if (basic) {
        this.step = 1;
        await this.updateComplete;
      }
      this.error = this.fields.show(e);
    } finally {
      this.busy = false;
    }
  }

  /**
   * The draft to submit: the one created by an earlier, refused try (edited to what the form says now), or a
   * new one. A draft keeps its year and department, so a form changed in either makes a new draft.
   */
  private async saveDraft(): Promise<{ id: number; docNo: string | null }> {
    const body = this.body();
    const kept = this.created;
    if (kept && kept.year === body.year && kept.departmentId === body.departmentId) {
      await api<BudgetRequestDetail>('PATCH', `/api/units/${this.ctx.unitId}/budget-requests/${kept.id}`, { title: body.title, lines: body.lines });
      return kept;
    }
    const created = await post<BudgetRequestDetail>(`/api/units/${this.ctx.unitId}/budget-requests`, body);
    // Kept with the form's draft (saved on the next update): a reload after a refusal still edits this one.
    this.created = { id: created.id, docNo: created.docNo ?? null, year: body.year, departmentId: body.departmentId! };
    return created;
  }

  private err(key: string) {
    const m = this.showErrors ? this.errors[key] : undefined;
    return m ? html`<span class="error" role="alert">${m}</span>` : '';
  }

  private renderBasic() {
    const bound = this.ctx.departmentId !== null;
    return html`<div class="card row">
      <label class="field">${t('year')}<input type="number" name="year" min="2000" max="2100" .value=${String(this.year)} @input=${(e: Event) => (this.year = Number((e.target as HTMLInputElement).value))} /></label>
      <label class="field">${t('department')}
        <select data-field="departmentId" ?disabled=${bound} @change=${(e: Event) => (this.departmentId = Number((e.target as HTMLSelectElement).value))}>
          ${this.ctx.departments.map((d) => html`<option value=${d.id} ?selected=${d.id === this.departmentId}>${d.name}</option>`)}
        </select>${this.err('department')}</label>
      <label class="field grow">${t('requestTitle')} *<input name="title" minlength="2" maxlength="100" .value=${this.reqTitle} aria-invalid=${this.showErrors && this.errors.title ? 'true' : 'false'}
        @input=${(e: Event) => (this.reqTitle = (e.target as HTMLInputElement).value)} />${this.err('title')}</label>
    </div>`;
  }

  private renderBasicLines(kind: 'personnel' | 'operating') {
    const tpl = this.templates[kind];
    const lines = this.basicLines(kind);
    return html`<div class="card">
      <label class="field">${t('headcount')}
        <input class="hc" name="headcount-${kind}" inputmode="numeric" maxlength="6" .value=${this.headcountText[kind]}
          aria-invalid=${this.headcount(kind).error ? 'true' : 'false'}
          @input=${(e: Event) => (this.headcountText = { ...this.headcountText, [kind]: (e.target as HTMLInputElement).value })} />
        ${this.headcount(kind).error ? html`<span class="error" role="alert">${this.headcount(kind).error}</span>` : ''}
      </label>
      <table style="margin-top:12px">
        <thead><tr><th>${t('economicClass')}</th><th>${t('standardItem')}</th><th class="num">${t('perHead')}</th><th class="num">${t('headcount')}</th><th class="num">${t('lineAmount')}</th></tr></thead>
        <tbody>
          ${(tpl?.standards ?? []).map((s) => {
            const line = lines.find((l) => l.economicCode === s.economicCode);
            return html`<tr><td>${s.economicCode}</td><td>${s.name}</td><td class="num">${formatFen(s.perHeadAmount)}</td>
              <td class="num">${this.headcount(kind).value ?? '—'}</td><td class="num">${line ? formatFen(line.amount) : '—'}</td></tr>`;
          })}
        </tbody>
        <tfoot><tr><td colspan="4"><strong>${t('total')}</strong></td><td class="num"><strong>${formatFen(this.subtotal(kind))}</strong></td></tr></tfoot>
      </table>
    </div>`;
  }

  private renderProjects() {
    return html`<div class="card">
      <table class="plines">
        <thead><tr><th>${t('project')}</th><th>${t('economicClass')}</th><th class="num">${t('amountYuan')}</th><th>${t('note')}</th><th></th></tr></thead>
        <tbody>
          ${this.projectLines.map(
            (l, i) => html`<tr>
              <td><select aria-label="${t('project')} ${i + 1}" @change=${(e: Event) => this.updateLine(l.key, { projectId: Number((e.target as HTMLSelectElement).value) || null })}>
                  <option value="">—</option>
                  ${this.projects.map((p) => html`<option value=${p.id} ?selected=${p.id === l.projectId}>${p.code} ${p.name}</option>`)}
                </select>${this.err(`p${l.key}.project`)}</td>
              <td><select aria-label="${t('economicClass')} ${i + 1}" @change=${(e: Event) => this.updateLine(l.key, { economicCode: (e.target as HTMLSelectElement).value })}>
                  <option value="">—</option>
                  ${[...this.econ].map(([code, name]) => html`<option value=${code} ?selected=${code === l.economicCode}>${code} ${name}</option>`)}
                </select>${this.err(`p${l.key}.econ`)}</td>
              <td><ub-amount-input .label=${`${t('amountYuan')} ${i + 1}`} required .value=${l.amount}
                  @amount-change=${(e: CustomEvent<AmountChange>) => this.updateLine(l.key, { amount: e.detail.fen, amountError: e.detail.error })}></ub-amount-input></td>
              <td><input aria-label="${t('note')} ${i + 1}" maxlength="200" .value=${l.note} @input=${(e: Event) => this.updateLine(l.key, { note: (e.target as HTMLInputElement).value })} /></td>
              <td><button class="danger" @click=${() => (this.projectLines = this.projectLines.filter((x) => x.key !== l.key))}>${t('removeLine')}</button></td>
            </tr>`,
          )}
        </tbody>
        <tfoot><tr><td colspan="2"><strong>${t('total')}</strong></td><td class="num"><strong>${formatFen(this.subtotal('project'))}</strong></td><td colspan="2"></td></tr></tfoot>
      </table>
      <button style="margin-top:8px" @click=${this.addProjectLine}>＋ ${t('addProject')}</button>
    </div>`;
  }

  private renderConfirm() {
    const errs = Object.values(this.showErrors ? this.errors : {});
    return html`<div class="card">
      <p><strong>${this.reqTitle}</strong> · ${this.year} · ${this.ctx.departments.find((d) => d.id === this.departmentId)?.name ?? ''}</p>
      <table>
        <tbody>
          ${(['personnel', 'operating', 'project'] as const).map((k) => html`<tr><td>${t(`kind_${k}`)}</td><td class="num">${formatFen(this.subtotal(k))}</td></tr>`)}
        </tbody>
        <tfoot><tr><td><strong>${t('runningTotal')}</strong></td><td class="num"><strong>${formatFen(this.total)}</strong></td></tr></tfoot>
      </table>
      ${errs.length ? html`<ul class="error" role="alert">${errs.map((m) => html`<li>${m}</li>`)}</ul>` : ''}
      <div class="actions">
        <button @click=${() => this.save(false)} ?disabled=${this.busy}>${t('saveDraft')}</button>
        <button class="primary" @click=${() => this.save(true)} ?disabled=${this.busy}>${t('submitBudget')}</button>
      </div>
      ${this.created
        // Once saved as a draft, the plugins' views about the request (e.g. the project's last evaluation) show while it is still being drafted.
        ? html`<ub-plugin-placements unit-id=${this.ctx.unitId} placement="budget-request-detail" subject-kind="budget-request" subject-id=${String(this.created.id)}></ub-plugin-placements>`
        : ''}
    </div>`;
  }

  override render() {
    const names = [t('stepBasic'), t('stepPersonnel'), t('stepOperating'), t('stepProjects'), t('stepConfirm')];
    if (this.step === 6) {
      return html`<h1>${t('budgetTitle')}</h1><div class="notice" role="status"><h2 class="step-heading" tabindex="-1" style="font-size: inherit; margin: 0">${this.done}</h2></div><ub-request-warnings .warnings=${this.warnings}></ub-request-warnings><a href="/mine">${t('nav_mine')}</a>
        ${this.savedId !== null ? html`<ub-plugin-placements unit-id=${this.ctx.unitId} placement="budget-request-detail" subject-kind="budget-request" subject-id=${String(this.savedId)}></ub-plugin-placements>` : ''}`;
    }
    return html`<h1>${t('budgetTitle')}</h1>
      <ol class="steps">${names.map((n, i) => html`<li><button aria-current=${this.step === i + 1 ? 'step' : 'false'} @click=${() => this.go(i + 1)}>${i + 1}. ${n}</button></li>`)}</ol>
      <h2 class="step-heading" tabindex="-1">${this.step}. ${names[this.step - 1]}</h2>
      ${this.kept.restored ? html`<div class="notice" role="status">${t('dl_draftRestored')} <button @click=${this.discardDraft}>${t('dl_draftDiscard')}</button></div>` : ''}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      <div class="layout">
        <div>
          ${this.step === 1 ? this.renderBasic() : this.step === 2 ? this.renderBasicLines('personnel') : this.step === 3 ? this.renderBasicLines('operating') : this.step === 4 ? this.renderProjects() : this.renderConfirm()}
          ${this.step < 5
            ? html`<div class="actions">
                ${this.step > 1 ? html`<button @click=${() => this.go(this.step - 1)}>${t('back')}</button>` : ''}
                <button class="primary" @click=${() => this.go(this.step + 1)}>${t('next')}</button>
              </div>`
            : ''}
        </div>
        <aside class="card total" aria-label=${t('runningTotal')}>
          <div class="muted">${t('runningTotal')}${t('paren', { x: t('yuan') })}</div>
          <div class="big" data-total>${formatFen(this.total)}</div>
          <table>
            ${(['personnel', 'operating', 'project'] as const).map((k) => html`<tr><td class="muted">${t(`kind_${k}`)}</td><td class="num">${formatFen(this.subtotal(k))}</td></tr>`)}
          </table>
        </aside>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-budget-wizard': UbBudgetWizard }
}
