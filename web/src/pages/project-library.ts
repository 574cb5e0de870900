import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { errorText, get, post, qs } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatFen, moneyUnit } from '../lib/money.js';
import { classNames, deptName } from '../lib/context.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';
import type { Project } from '../lib/types.js';
import './project-form.js';
import '../components/plugin-placements.js';
import type { ProjectDetail } from './project-form.js';

export const PROJECT_STATUSES = ['reserve', 'approved', 'executing', 'closed'] as const;
type Status = (typeof PROJECT_STATUSES)[number];

/**
 * The core's lifecycle (PROJECT_TRANSITIONS in core/ledger/projects/schema.ts): one step forward at a
 * time, and closed from any open state. The page offers only these; the core refuses any other.
 */
export const PROJECT_TRANSITIONS: Record<Status, readonly Status[]> = {
  reserve: ['approved', 'closed'],
  approved: ['executing', 'closed'],
  executing: ['closed'],
  closed: [],
};

const statusLabel = (s: string) => t(`la_pj_status_${s}` as MessageKey);
const moveLabel = (s: string) => t(`la_pj_move_${s}` as MessageKey);
const badgeClass: Record<Status, string> = { reserve: 'pending', approved: 'returned', executing: 'ok', closed: '' };

/** 项目库: the unit's projects, filtered by status, department and year; create, edit in reserve, move along. */
@customElement('ub-project-library')
export class UbProjectLibrary extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 1100px; }
    .filters { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-end; margin-bottom: 12px; }
    .chips { display: flex; gap: 6px; flex-wrap: wrap; }
    .chips button[aria-pressed='true'] { background: #1d5fbf; color: #fff; border-color: #1d5fbf; }
    .filters input[type='number'] { width: 7em; }
    tbody tr { cursor: pointer; }
    tbody tr:hover { background: #f0f6ff; }
    dl { display: grid; grid-template-columns: 9em minmax(0, 1fr); gap: 6px 12px; margin: 0 0 12px; }
    dt { color: #667085; }
    dd { margin: 0; overflow-wrap: anywhere; }
    .head { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; justify-content: space-between; margin-bottom: 12px; }
    .moves { display: flex; gap: 8px; flex-wrap: wrap; }
    .confirm textarea { width: 100%; }
    .trail li { margin: 3px 0; }
    @media (max-width: 600px) { dl { grid-template-columns: 1fr; } dt { margin-top: 6px; } }
  `];

  /** /projects/:id opens that project. */
  @property({ attribute: false }) projectId: number | null = null;
  @state() projects: Project[] = [];
  @state() status: Status | '' = '';
  @state() departmentId: number | null = null;
  @state() year: number | null = null;
  @state() detail: ProjectDetail | null = null;
  /** 'new', 'edit', or '' (the list or the detail). */
  @state() mode: '' | 'new' | 'edit' = '';
  @state() moving: Status | null = null;
  @state() comment = '';
  @state() targetName = '';
  @state() targetValue = '';
  @state() targetError = '';
  @state() functional = new Map<string, string>();
  @state() fundSources = new Map<string, string>();
  @state() message = '';
  @state() error = '';
  @state() busy = false;

  /** Finance officers keep the project library (project.manage); everyone else reads it. */
  get canManage(): boolean {
    return !this.ctx.readOnly && this.ctx.roles.includes('finance_officer');
  }

  async load() {
    void classNames('functional').then((m) => (this.functional = m));
    void classNames('fund_source').then((m) => (this.fundSources = m));
    await this.reload();
    if (this.projectId) await this.open(this.projectId);
  }

  async reload() {
    try {
      this.error = '';
      this.projects = await get<Project[]>(`/api/units/${this.ctx.unitId}/projects${qs({ status: this.status, departmentId: this.departmentId, year: this.year })}`);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  filter(patch: Partial<Pick<UbProjectLibrary, 'status' | 'departmentId' | 'year'>>) {
    Object.assign(this, patch);
    void this.reload();
  }

  async open(id: number) {
    this.message = '';
    this.error = '';
    this.mode = '';
    this.moving = null;
    this.targetName = '';
    this.targetValue = '';
    this.targetError = '';
    try {
      this.detail = await get<ProjectDetail>(`/api/units/${this.ctx.unitId}/projects/${id}`);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private async saved(e: CustomEvent<ProjectDetail>) {
    const created = this.mode === 'new';
    this.detail = e.detail;
    this.mode = '';
    await this.reload();
    this.message = t(created ? 'la_pj_created' : 'la_pj_saved', { code: e.detail.code, name: e.detail.name });
  }

  async move(to: Status) {
    const p = this.detail;
    if (!p) return;
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      const body: Record<string, string> = { status: to };
      if (this.comment.trim()) body.comment = this.comment.trim();
      this.detail = await post<ProjectDetail>(`/api/units/${this.ctx.unitId}/projects/${p.id}/status`, body);
      this.moving = null;
      this.comment = '';
      await this.reload();
      this.message = t('la_pj_moved', { code: p.code, status: statusLabel(to) });
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  private codeName(map: Map<string, string>, code: string) {
    const name = map.get(code);
    return name ? `${code} ${name}` : code;
  }

  private renderList() {
    return html`
      <div class="filters">
        <div class="chips" role="group" aria-label=${t('status')}>
          <button aria-pressed=${this.status === '' ? 'true' : 'false'} @click=${() => this.filter({ status: '' })}>${t('la_all')}</button>
          ${PROJECT_STATUSES.map((s) => html`<button data-status=${s} aria-pressed=${this.status === s ? 'true' : 'false'} @click=${() => this.filter({ status: s })}>${statusLabel(s)}</button>`)}
        </div>
        <label class="field">${t('department')}
          <select name="department" @change=${(e: Event) => { const v = (e.target as HTMLSelectElement).value; this.filter({ departmentId: v ? Number(v) : null }); }}>
            <option value="">${t('la_all')}</option>
            ${this.ctx.departments.map((d) => html`<option value=${d.id}>${d.code} ${d.name}</option>`)}
          </select></label>
        <label class="field">${t('la_pj_yearFilter')}
          <input name="year" type="number" min="2000" max="2100" placeholder=${t('la_all')}
            @change=${(e: Event) => { const v = Number((e.target as HTMLInputElement).value); this.filter({ year: v >= 2000 && v <= 2100 ? v : null }); }} /></label>
        ${this.canManage ? html`<button class="primary" data-action="new" @click=${() => { this.mode = 'new'; this.detail = null; this.message = ''; }}>${t('la_pj_new')}</button>` : nothing}
      </div>
      <p>${moneyUnit()}</p>
      <div class="x-scroll" ${scrollHint()}><table>
        <thead><tr><th>${t('la_pj_code')}</th><th>${t('la_pj_name')}</th><th>${t('department')}</th><th>${t('la_pj_functional')}</th>
          <th>${t('la_pj_span')}</th><th class="num">${t('la_pj_total')}</th><th>${t('status')}</th></tr></thead>
        <tbody>
          ${this.projects.length === 0 ? html`<tr><td colspan="7" class="muted">${t('none')}</td></tr>` : nothing}
          ${this.projects.map((p) => html`<tr data-id=${p.id} tabindex="0" @click=${() => this.open(p.id)} @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.open(p.id)}>
            <td class="nowrap"><a href="#" @click=${(e: Event) => e.preventDefault()}>${p.code}</a></td>
            <td>${p.name}</td>
            <td>${deptName(this.ctx, p.departmentId)}</td>
            <td>${this.codeName(this.functional, p.functionalCode)}</td>
            <td class="nowrap">${p.startYear === p.endYear ? p.startYear : `${p.startYear}–${p.endYear}`}</td>
            <td class="num">${formatFen(p.totalAmount)}</td>
            <td><span class="badge ${badgeClass[p.status]}" data-status=${p.status}>${statusLabel(p.status)}</span></td>
          </tr>`)}
        </tbody>
      </table></div>`;
  }

  /** 关联绩效目标 by hand (source manual); a plugin's targets arrive through the same route. */
  async addTarget(e?: Event) {
    e?.preventDefault();
    const p = this.detail;
    if (!p) return;
    const name = this.targetName.trim();
    const value = this.targetValue.trim();
    this.targetError = !name ? t('required') : name.length > 200 ? t('la_pj_targetNameLength') : value.length > 500 ? t('la_pj_targetValueLength') : '';
    if (this.targetError) return;
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      const body: Record<string, string> = { source: 'manual', targetRef: `manual-${Date.now().toString(36)}`, name };
      if (value) body.value = value;
      await post(`/api/units/${this.ctx.unitId}/projects/${p.id}/targets`, body);
      this.targetName = '';
      this.targetValue = '';
      this.message = t('la_pj_targetAdded', { name });
      this.detail = await get<ProjectDetail>(`/api/units/${this.ctx.unitId}/projects/${p.id}`);
    } catch (err) {
      this.targetError = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private renderTargetForm(p: ProjectDetail) {
    return html`<form class="row" novalidate @submit=${this.addTarget} aria-label=${t('la_pj_addTarget')} data-project=${p.id} style="margin-top:8px">
        <label class="field grow">${t('la_pj_targetName')}<input name="targetName" maxlength="200" .value=${this.targetName}
          aria-invalid=${this.targetError ? 'true' : 'false'} @input=${(e: Event) => { this.targetName = (e.target as HTMLInputElement).value; this.targetError = ''; }} /></label>
        <label class="field">${t('la_pj_targetValue')}<input name="targetValue" maxlength="500" placeholder="≥95%" .value=${this.targetValue}
          @input=${(e: Event) => (this.targetValue = (e.target as HTMLInputElement).value)} /></label>
        <button type="submit" ?disabled=${this.busy}>${t('la_pj_addTarget')}</button>
      </form>
      ${this.targetError ? html`<p class="error" role="alert" data-error="target">${this.targetError}</p>` : nothing}`;
  }

  private renderDetail(p: ProjectDetail) {
    const moves = this.canManage ? PROJECT_TRANSITIONS[p.status] : [];
    return html`<section class="card" aria-label=${`${p.code} ${p.name}`}>
      <div class="head">
        <h2>${p.code} ${p.name} <span class="badge ${badgeClass[p.status]}" data-status=${p.status}>${statusLabel(p.status)}</span></h2>
        <button @click=${() => { this.detail = null; this.message = ''; }}>${t('backToList')}</button>
      </div>
      <dl>
        <dt>${t('department')}</dt><dd>${deptName(this.ctx, p.departmentId)}</dd>
        <dt>${t('la_pj_functional')}</dt><dd>${this.codeName(this.functional, p.functionalCode)}</dd>
        <dt>${t('fundSource')}</dt><dd>${this.codeName(this.fundSources, p.fundSourceCode)}</dd>
        <dt>${t('la_pj_span')}</dt><dd>${p.startYear}–${p.endYear}</dd>
        <dt>${t('la_pj_total')}</dt><dd>${formatFen(p.totalAmount)} ${t('yuan')}</dd>
        ${p.description ? html`<dt>${t('la_pj_description')}</dt><dd>${p.description}</dd>` : nothing}
      </dl>
      ${this.canManage
        ? html`<div class="moves">
            ${p.status === 'reserve' ? html`<button data-action="edit" @click=${() => { this.mode = 'edit'; this.message = ''; }}>${t('la_pj_edit')}</button>` : nothing}
            ${moves.map((s) => html`<button data-move=${s} class=${s === 'closed' ? 'danger' : ''} @click=${() => { this.moving = s; this.comment = ''; }}>${moveLabel(s)}</button>`)}
          </div>`
        : nothing}
      ${this.moving
        ? html`<div class="card confirm" role="alertdialog" aria-label=${moveLabel(this.moving)} style="margin-top:12px">
            <p>${t('la_pj_moveConfirm', { code: p.code, from: statusLabel(p.status), to: statusLabel(this.moving) })}</p>
            <label class="field">${t('comment')}<textarea name="comment" rows="2" maxlength="500" .value=${this.comment} @input=${(e: Event) => (this.comment = (e.target as HTMLTextAreaElement).value)}></textarea></label>
            <p class="moves">
              <button class="primary" data-action="confirm-move" ?disabled=${this.busy} @click=${() => this.move(this.moving!)}>${t('la_confirm')}</button>
              <button @click=${() => (this.moving = null)}>${t('cancel')}</button>
            </p>
          </div>`
        : nothing}
      <h3>${t('la_pj_plans')} ${moneyUnit()}</h3>
      <div class="x-scroll" ${scrollHint()} style="max-width:420px"><table data-table="plans">
        <thead><tr><th>${t('la_pj_planYear')}</th><th class="num">${t('la_pj_planAmount')}</th></tr></thead>
        <tbody>${p.plans.map((x) => html`<tr><td>${x.year}</td><td class="num">${formatFen(x.amount)}</td></tr>`)}</tbody>
        <tfoot><tr><td>${t('total')}</td><td class="num">${formatFen(p.plans.reduce((n, x) => n + x.amount, 0))}</td></tr></tfoot>
      </table></div>
      <h3>${t('la_pj_targets')}</h3>
      ${p.targets.length === 0
        ? html`<p class="muted">${t('la_pj_noTargets')}</p>`
        : html`<div class="x-scroll" ${scrollHint()}><table data-table="targets">
            <thead><tr><th>${t('la_pj_targetName')}</th><th>${t('la_pj_targetValue')}</th><th>${t('la_pj_targetSource')}</th></tr></thead>
            <tbody>${p.targets.map((x) => html`<tr><td>${x.name}</td><td>${x.value}</td><td class="nowrap">${x.source === 'manual' ? t('la_pj_manual') : x.source}</td></tr>`)}</tbody>
          </table></div>`}
      ${this.canManage && p.status !== 'closed' ? this.renderTargetForm(p) : nothing}
      <h3>${t('la_pj_trail')}</h3>
      ${p.trail.length === 0
        ? html`<p class="muted">${t('none')}</p>`
        : html`<ul class="trail">${p.trail.map((x) => html`<li>${when(x.at)} · ${x.authorName} · ${PROJECT_STATUSES.includes(x.action as Status) ? statusLabel(x.action) : x.action}${x.body ? html`${t('semi')}${x.body}` : nothing}</li>`)}</ul>`}
      <ub-plugin-placements unit-id=${this.ctx.unitId} placement="project-detail" subject-kind="project" subject-id=${String(p.id)}></ub-plugin-placements>
    </section>`;
  }

  override render() {
    const form = this.mode !== '' && this.canManage;
    return html`<h1>${t('la_pj_title')}</h1>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${form
        ? html`<section class="card"><h2>${t(this.mode === 'new' ? 'la_pj_new' : 'la_pj_edit')}</h2>
            <ub-project-form .ctx=${this.ctx} .project=${this.mode === 'edit' ? this.detail : null} .functional=${this.functional} .fundSources=${this.fundSources}
              @project-saved=${this.saved} @cancel=${() => (this.mode = '')}></ub-project-form></section>`
        : this.detail ? this.renderDetail(this.detail) : this.renderList()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-project-library': UbProjectLibrary }
}
