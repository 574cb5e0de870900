import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, kindLabelKey, UnitPage } from '../lib/base.js';
import { get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen, percent } from '../lib/money.js';
import { moneyUnit } from '../lib/money-unit.js';
import { classNames, deptName } from '../lib/context.js';
import type { Indicator, Project } from '../lib/types.js';
import '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { setUrlParams, urlInt, urlParam } from '../lib/url-state.js';
import { today } from '../lib/context.js';

export interface IndicatorFilter { departmentId: string; kind: string; economicCode: string; fundSourceCode: string; projectId: string; q: string }

/** Indicator names issued from a budget request read "<request title> · <line>": the line is what tells them apart. */
export const shortName = (name: string) => name.split(' · ').slice(-1)[0] ?? name;

const FILTER_KEYS = ['departmentId', 'kind', 'economicCode', 'fundSourceCode', 'projectId', 'q'] as const;

/** The filters as the address has them (reload, Back and a shared link show the same rows). */
export function filterFromUrl(): IndicatorFilter {
  const f = {} as IndicatorFilter;
  for (const k of FILTER_KEYS) f[k] = urlParam(k).slice(0, 100);
  return f;
}

export function filterIndicators(rows: Indicator[], f: IndicatorFilter): Indicator[] {
  const q = f.q.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (!f.departmentId || String(r.departmentId) === f.departmentId) &&
      (!f.kind || r.expenditureKind === f.kind) &&
      (!f.economicCode || r.economicCode.startsWith(f.economicCode)) &&
      (!f.fundSourceCode || r.fundSourceCode === f.fundSourceCode) &&
      (!f.projectId || String(r.projectId ?? '') === f.projectId) &&
      (!q || `${r.code} ${r.name}`.toLowerCase().includes(q)),
  );
}

/** 全景数据仪表盘: every indicator of the unit with filters, sort, totals and xlsx export. */
@customElement('ub-indicator-dashboard')
export class UbIndicatorDashboard extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    .filters { margin-bottom: 12px; }
    .filters select, .filters input { max-width: 220px; }
    .stats { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin-bottom: 12px; }
    @media (max-width: 600px) { .stats { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
    .stat .v { font-size: 18px; font-weight: 600; text-align: right; font-variant-numeric: tabular-nums; }
    ub-data-table { --table-max-height: 430px; }
  `];

  @state() rows: Indicator[] = [];
  @state() projects: Project[] = [];
  @state() econ = new Map<string, string>();
  @state() funds = new Map<string, string>();
  @state() years: number[] = [];
  @state() year: number | null = null;
  @state() filter: IndicatorFilter = filterFromUrl();
  @state() sortKey: string | null = urlParam('sort') || null;
  @state() sortDir: 1 | -1 = urlParam('dir') === 'desc' ? -1 : 1;
  @state() error = '';

  async load() {
    const u = this.ctx.unitId;
    try {
      const all = await get<Indicator[]>(`/api/units/${u}/indicators`);
      this.years = [...new Set(all.map((r) => r.year))].sort((a, b) => b - a);
      const fromUrl = urlInt('year', 0, 2000, 2100);
      if (this.years.includes(fromUrl)) this.year = fromUrl;
      this.year ??= this.years.includes(new Date().getFullYear()) ? new Date().getFullYear() : (this.years[0] ?? null);
      this.rows = all;
      this.projects = await get<Project[]>(`/api/units/${u}/projects`).catch(() => []);
      [this.econ, this.funds] = await Promise.all([classNames('economic'), classNames('fund_source')]);
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  get visible(): Indicator[] {
    return filterIndicators(this.rows.filter((r) => this.year === null || r.year === this.year), this.filter);
  }

  private setFilter(key: keyof IndicatorFilter) {
    return (e: Event) => {
      this.filter = { ...this.filter, [key]: (e.target as HTMLInputElement).value };
      setUrlParams({ [key]: this.filter[key] });
    };
  }

  private setYear(e: Event) {
    this.year = Number((e.target as HTMLSelectElement).value);
    setUrlParams({ year: this.year });
  }

  private onSort(e: CustomEvent<{ key: string | null; dir: 1 | -1 }>) {
    this.sortKey = e.detail.key;
    this.sortDir = e.detail.dir;
    setUrlParams({ sort: this.sortKey, dir: this.sortDir === -1 ? 'desc' : null });
  }

  /** 全景仪表盘-<单位>-<年度>-<日期>: the file says whose figures and as of when. */
  get exportName(): string {
    const safe = this.ctx.unitName.replace(/[\\/:*?"<>|]/g, '_');
    return `${t('dashboardTitle')}-${safe}-${this.year ?? ''}-${today()}`;
  }

  get columns(): Column<Indicator>[] {
    return [
      { key: 'code', nowrap: true, keep: true, label: t('indicatorCode'), value: (r) => r.code, render: (r) => html`<a href="/dashboard/${r.id}">${r.code}</a>` },
      { key: 'name', label: t('indicatorName'), value: (r) => r.name, render: (r) => html`<span title=${r.name}>${shortName(r.name)}</span>` },
      { key: 'dept', label: t('department'), value: (r) => deptName(this.ctx, r.departmentId) },
      { key: 'kind', label: t('expenditureKind'), value: (r) => t(kindLabelKey(r.expenditureKind)) },
      {
        key: 'econ', label: t('economicClass'), value: (r) => `${r.economicCode} ${this.econ.get(r.economicCode) ?? ''}`.trim(),
        split: { code: (r) => r.economicCode, name: (r) => this.econ.get(r.economicCode) ?? '' },
      },
      {
        key: 'fund', label: t('fundSource'), value: (r) => `${r.fundSourceCode} ${this.funds.get(r.fundSourceCode) ?? ''}`.trim(),
        split: { code: (r) => r.fundSourceCode, name: (r) => this.funds.get(r.fundSourceCode) ?? '' },
      },
      { key: 'amount', label: t('budgetAmount'), money: true, value: (r) => r.amount },
      { key: 'reserved', label: t('reserved'), money: true, value: (r) => r.reserved },
      { key: 'frozen', label: t('frozen'), money: true, value: (r) => r.frozen },
      { key: 'paid', label: t('paid'), money: true, value: (r) => r.paid },
      { key: 'available', label: t('available'), money: true, keep: true, value: (r) => r.available },
      {
        key: 'rate', label: t('executionRate'), keep: true, value: (r) => (r.amount ? r.paid / r.amount : 0),
        render: (r) => html`<span class="num">${percent(r.paid, r.amount)}</span>`, ratio: (r) => ({ part: r.paid, total: r.amount }),
      },
    ];
  }

  override render() {
    const rows = this.visible;
    const sum = (k: 'amount' | 'paid' | 'frozen' | 'available') => rows.reduce((n, r) => n + r[k], 0);
    const econCodes = [...new Set(this.rows.map((r) => r.economicCode))].sort();
    const fundCodes = [...new Set(this.rows.map((r) => r.fundSourceCode))].sort();
    return html`<h1>${t('dashboardTitle')}</h1>
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      <p class="unit-line" style="text-align: right; margin: 0 0 4px">${moneyUnit()}</p>
      <div class="stats">
        <div class="card stat"><div class="muted">${t('totalBudget')}</div><div class="v">${formatFen(sum('amount'))}</div></div>
        <div class="card stat"><div class="muted">${t('totalPaid')}${t('paren', { x: percent(sum('paid'), sum('amount')) })}</div><div class="v">${formatFen(sum('paid'))}</div></div>
        <div class="card stat"><div class="muted">${t('totalFrozen')}</div><div class="v">${formatFen(sum('frozen'))}</div></div>
        <div class="card stat"><div class="muted">${t('totalAvailable')}</div><div class="v">${formatFen(sum('available'))}</div></div>
      </div>
      <div class="row filters" role="search">
        <label class="field">${t('year')}<select name="year" @change=${this.setYear}>
          ${this.years.map((y) => html`<option value=${y} ?selected=${y === this.year}>${y}</option>`)}</select></label>
        <label class="field">${t('department')}<select name="department" @change=${this.setFilter('departmentId')}>
          <option value="">${t('allOption')}</option>${this.ctx.departments.map((d) => html`<option value=${d.id} ?selected=${String(d.id) === this.filter.departmentId}>${d.name}</option>`)}</select></label>
        <label class="field">${t('expenditureKind')}<select name="kind" @change=${this.setFilter('kind')}>
          <option value="">${t('allOption')}</option>${(['personnel', 'operating', 'project'] as const).map((k) => html`<option value=${k} ?selected=${k === this.filter.kind}>${t(`kind_${k}`)}</option>`)}</select></label>
        <label class="field">${t('economicClass')}<select name="economic" @change=${this.setFilter('economicCode')}>
          <option value="">${t('allOption')}</option>${econCodes.map((c) => html`<option value=${c} ?selected=${c === this.filter.economicCode}>${c} ${this.econ.get(c) ?? ''}</option>`)}</select></label>
        <label class="field">${t('fundSource')}<select name="fund" @change=${this.setFilter('fundSourceCode')}>
          <option value="">${t('allOption')}</option>${fundCodes.map((c) => html`<option value=${c} ?selected=${c === this.filter.fundSourceCode}>${c} ${this.funds.get(c) ?? ''}</option>`)}</select></label>
        <label class="field">${t('project')}<select name="project" @change=${this.setFilter('projectId')}>
          <option value="">${t('allOption')}</option>${this.projects.map((p) => html`<option value=${p.id} ?selected=${String(p.id) === this.filter.projectId}>${p.name}</option>`)}</select></label>
        <label class="field grow">${t('search')}<input type="search" name="q" maxlength="100" .value=${this.filter.q} @input=${this.setFilter('q')} /></label>
      </div>
      <ub-data-table .columns=${this.columns} .rows=${rows} caption=${t('dashboardTitle')} export-name=${this.exportName}
        .exportHeading=${{ title: t('dl_dashboardExportTitle', { year: this.year ?? '' }), unitName: this.ctx.unitName }}
        .sortKey=${this.sortKey} .sortDir=${this.sortDir} @sort-change=${this.onSort} totals></ub-data-table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-indicator-dashboard': UbIndicatorDashboard }
}
