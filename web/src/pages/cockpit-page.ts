import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { get } from '../lib/api.js';
import { lang, t, type MessageKey } from '../lib/i18n.js';
import { formatFen, percent, ratio } from '../lib/money.js';
import { moneyUnit } from '../lib/money-unit.js';
import { deptName } from '../lib/context.js';
import type { Cap, Indicator, Payment, PerformanceTarget, Project, UnitPlugin } from '../lib/types.js';
import type { TimeProgressView } from '@unibudget/sdk/contracts/progress';
import type { Chart, Option } from '../lib/charts.js';
import './approval-inbox.js';
import '../components/plugin-placements.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { formatDate } from '../lib/time.js';

/** The analytics plugin: where a unit enabled it, its warnings are the cockpit's 预警事项. */
export const ANALYTICS = 'analytics';
export const WARNING_CENTRE = `/plugins/${ANALYTICS}/warnings`;

/** A warning as the analytics plugin's `GET warnings` route answers it (the fields the cockpit shows). */
export interface PluginWarning {
  id: string; key: string; grade: 'severe' | 'warning' | 'info'; title: string; subject: string;
  departmentId: number | null; status: string; active: boolean; firstSeen: string;
}

/** Unresolved red and yellow warnings, red first, then the newest. */
export function openWarnings(list: PluginWarning[]): PluginWarning[] {
  const rank = { severe: 2, warning: 1, info: 0 } as const;
  return list
    .filter((w) => w.active && w.status !== 'closed' && w.status !== 'handled' && (w.grade === 'severe' || w.grade === 'warning'))
    .sort((a, b) => rank[b.grade] - rank[a.grade] || b.firstSeen.localeCompare(a.firstSeen) || a.id.localeCompare(b.id));
}

/** True when the unit runs the analytics plugin and lets it answer routes. */
export function analyticsEnabled(plugins: UnitPlugin[]): boolean {
  return plugins.some((p) => p.pluginId === ANALYTICS && p.state === 'enabled' && !p.quarantined && p.grants.includes('routes'));
}

export interface DeptRank { departmentId: number; amount: number; paid: number; rate: number }
export function rankDepartments(rows: Indicator[]): DeptRank[] {
  const by = new Map<number, DeptRank>();
  for (const r of rows) {
    const d = by.get(r.departmentId) ?? { departmentId: r.departmentId, amount: 0, paid: 0, rate: 0 };
    d.amount += r.amount;
    d.paid += r.paid;
    by.set(r.departmentId, d);
  }
  return [...by.values()].map((d) => ({ ...d, rate: ratio(d.paid, d.amount) })).sort((a, b) => b.rate - a.rate);
}

export type Light = 'green' | 'yellow' | 'red';

/**
 * Execution against time progress (预算执行 vs 时间进度, the monitoring rule of 绩效运行监控):
 * green when no more than 5 points behind, yellow up to 15, red beyond.
 */
export function execLight(exec: number, time: number): Light {
  const behind = Math.round((time - exec) * 1000) / 10;
  return behind <= 5 ? 'green' : behind <= 15 ? 'yellow' : 'red';
}

/** A target value such as "≥95%", ">= 90 %", "≤3%": comparator and percentage; null when not of that form. */
export function parseTarget(value: string): { op: '>=' | '<='; pct: number } | null {
  const m = /(≥|>=|>|≤|<=|<|不低于|不高于|不超过)\s*(\d+(?:\.\d+)?)\s*[%％]/.exec(value);
  if (!m) return null;
  const op = m[1] === '≤' || m[1] === '<=' || m[1] === '<' || m[1] === '不高于' || m[1] === '不超过' ? '<=' : '>=';
  return { op, pct: Number(m[2]) };
}

/**
 * The core stores targets with their target value only; the one actual it holds for a project is
 * its budget execution. So a target about the execution rate (预算执行率 / 资金执行率) is judged
 * against it — met: green, within 10 points: yellow, else red; other targets have no actual here.
 */
export function targetLight(target: PerformanceTarget, exec: number): Light | null {
  if (!/执行率|execution/i.test(target.name)) return null;
  const goal = parseTarget(target.value);
  if (!goal) return null;
  const actual = exec * 100;
  const shortBy = goal.op === '>=' ? goal.pct - actual : actual - goal.pct;
  return shortBy <= 0 ? 'green' : shortBy <= 10 ? 'yellow' : 'red';
}

const WORST: Light[] = ['red', 'yellow', 'green'];
export interface ProjectLight { project: Project; amount: number; paid: number; exec: number; light: Light; targets: { target: PerformanceTarget; light: Light | null }[] }

/** One row per project with indicators this year: its execution, its targets and the worst light of them. */
export function projectLights(projects: Project[], rows: Indicator[], targets: Map<number, PerformanceTarget[]>, time: number): ProjectLight[] {
  const out: ProjectLight[] = [];
  for (const project of projects) {
    const mine = rows.filter((r) => r.projectId === project.id);
    if (mine.length === 0) continue;
    const amount = mine.reduce((n, r) => n + r.amount, 0);
    const paid = mine.reduce((n, r) => n + r.paid, 0);
    const exec = ratio(paid, amount);
    const judged = (targets.get(project.id) ?? []).map((target) => ({ target, light: targetLight(target, exec) }));
    const lights = [execLight(exec, time), ...judged.map((j) => j.light).filter((l): l is Light => l !== null)];
    out.push({ project, amount, paid, exec, light: WORST.find((w) => lights.includes(w))!, targets: judged });
  }
  return out.sort((a, b) => WORST.indexOf(a.light) - WORST.indexOf(b.light) || a.exec - b.exec);
}

/** 驾驶舱: execution vs time, warnings, departments ranked, 三公经费 vs cap, and the leader's inbox. */
@customElement('ub-cockpit-page')
export class UbCockpitPage extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    .top { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-bottom: 12px; }
    .top .v { font-size: 20px; font-weight: 600; text-align: right; font-variant-numeric: tabular-nums; }
    .grid { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 12px; }
    .chart { height: 220px; width: 100%; }
    .card h2 { margin-top: 0; }
    ul.warn { list-style: none; margin: 0; padding: 0; max-height: 220px; overflow: auto; }
    ul.warn li { padding: 5px 0; border-bottom: 1px solid #eef0f3; display: flex; gap: 8px; align-items: baseline; }
    ul.warn li .amt { margin-left: auto; }
    .behind { color: #b42318; font-weight: 600; }
    .small { font-size: 12px; }
    p.def { margin: 4px 0 0; }
    .inbox { grid-column: 1 / -1; }
    .perf { grid-column: 1 / -1; }
    .light { display: inline-block; width: 14px; height: 14px; border-radius: 50%; vertical-align: -2px; margin-right: 6px; border: 1px solid rgba(0, 0, 0, 0.15); }
    .light.green { background: #2f9e44; } .light.yellow { background: #f2b705; } .light.red { background: #d92d20; }
    .perf ul { list-style: none; margin: 0; padding: 0; }
    .perf li { font-size: 12px; }
    .grid > *, .top > * { min-width: 0; }
    @media (max-width: 1100px) { .grid { grid-template-columns: 1fr 1fr; } .top { grid-template-columns: 1fr 1fr; } }
    @media (max-width: 600px) { .grid { grid-template-columns: minmax(0, 1fr); } }
  `];

  @state() rows: Indicator[] = [];
  @state() year = new Date().getFullYear();
  @state() warnings: Payment[] = [];
  /** 序时进度 as the core answers it (GET /api/units/:unitId/time-progress): the cockpit never computes its own. */
  @state() time: TimeProgressView | null = null;
  /** The analytics plugin's warnings: null where the plugin is not enabled (the core's notices show instead). */
  @state() pluginWarnings: PluginWarning[] | null = null;
  @state() warnState: 'loading' | 'ready' | 'error' = 'loading';
  @state() warnError = '';
  @state() caps: Cap[] = [];
  @state() perf: ProjectLight[] = [];
  @state() error = '';
  private charts = new Map<string, Chart>();
  private resize = new ResizeObserver(() => this.charts.forEach((c) => c.resize()));

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
    this.charts.forEach((c) => c.dispose());
    this.charts.clear();
  }

  async load() {
    const u = this.ctx.unitId;
    try {
      const all = await get<Indicator[]>(`/api/units/${u}/indicators`);
      const years = [...new Set(all.map((r) => r.year))].sort((a, b) => b - a);
      this.year = years.includes(new Date().getFullYear()) ? new Date().getFullYear() : (years[0] ?? this.year);
      this.rows = all.filter((r) => r.year === this.year);
      // The plugin's warnings load on their own: a slow plugin never holds the rest of the cockpit.
      void this.loadWarnings();
      const [payments, caps, time] = await Promise.all([
        get<Payment[]>(`/api/units/${u}/payments?year=${this.year}&limit=1000`).catch(() => []),
        get<Cap[]>(`/api/units/${u}/three-public-caps?year=${this.year}`).catch(() => []),
        get<TimeProgressView>(`/api/units/${u}/time-progress?year=${this.year}`),
      ]);
      this.time = time;
      this.warnings = payments
        .filter((p) => p.warnings.length > 0 && p.status !== 'withdrawn' && p.status !== 'rejected')
        .sort((a, b) => b.amount - a.amount)
        .slice(0, 8);
      this.caps = caps;
      await this.loadPerformance();
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** The plugin's unresolved warnings where it is enabled; else (or when the list cannot be read) none: the core's notices show. */
  private async loadWarnings() {
    const u = encodeURIComponent(this.ctx.unitId);
    this.warnState = 'loading';
    const plugins = await get<UnitPlugin[]>(`/api/units/${u}/plugins`).catch(() => [] as UnitPlugin[]);
    if (!analyticsEnabled(plugins)) {
      this.pluginWarnings = null;
      this.warnState = 'ready';
      return;
    }
    try {
      const base = `/api/units/${u}/plugins/${ANALYTICS}/routes/warnings`;
      const [open, acknowledged] = await Promise.all(['open', 'acknowledged'].map((status) => get<{ warnings: PluginWarning[] }>(`${base}?status=${status}`)));
      this.pluginWarnings = openWarnings([...open!.warnings, ...acknowledged!.warnings]);
      this.warnState = 'ready';
    } catch (e) {
      this.pluginWarnings = [];
      this.warnError = (e as Error).message;
      this.warnState = 'error';
    }
  }

  private async loadPerformance() {
    const u = this.ctx.unitId;
    const projects = await get<Project[]>(`/api/units/${u}/projects`).catch(() => [] as Project[]);
    const used = projects.filter((p) => this.rows.some((r) => r.projectId === p.id)).slice(0, 30);
    const targets = new Map<number, PerformanceTarget[]>();
    await Promise.all(used.map(async (p) => targets.set(p.id, await get<PerformanceTarget[]>(`/api/units/${u}/projects/${p.id}/targets`).catch(() => []))));
    this.perf = projectLights(used, this.rows, targets, this.time?.value ?? 0);
  }

  get totals() {
    const s = (k: 'amount' | 'paid' | 'frozen' | 'available') => this.rows.reduce((n, r) => n + r[k], 0);
    return { amount: s('amount'), paid: s('paid'), frozen: s('frozen'), available: s('available') };
  }

  override updated() {
    if (this.rows.length > 0) this.drawCharts().catch((e) => console.error('cockpit charts:', e));
  }

  private async drawCharts() {
    const { draw } = await import('../lib/charts.js');
    const tot = this.totals;
    const exec = Math.round(ratio(tot.paid, tot.amount) * 1000) / 10;
    const time = Math.round((this.time?.value ?? 0) * 1000) / 10;
    const ranks = rankDepartments(this.rows);
    const put = (id: string, option: Option) => {
      const el = this.renderRoot.querySelector<HTMLElement>(`#${id}`);
      if (!el) return;
      const chart = draw(el, option, this.charts.get(id));
      if (!this.charts.has(id)) {
        this.charts.set(id, chart);
        this.resize.observe(el);
      }
    };
    const narrow = window.matchMedia('(max-width: 600px)').matches;
    put('execChart', {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      grid: { left: 70, right: 30, top: 10, bottom: 24 },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: [t('timeProgress'), t('execProgress')] },
      series: [{ type: 'bar', data: [{ value: time, itemStyle: { color: '#98a2b3' } }, { value: exec, itemStyle: { color: exec + 5 < time ? '#d9480f' : '#2f9e44' } }], barWidth: 26, label: { show: true, position: 'right', formatter: '{c}%' } }],
    });
    put('deptChart', {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      // containLabel: the axis names fit inside the chart on a phone too (a long department name is cut with … rather than off the edge).
      grid: { left: 8, right: 40, top: 22, bottom: 24, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%', hideOverlap: true } },
      yAxis: { type: 'category', inverse: true, data: ranks.map((r) => deptName(this.ctx, r.departmentId)), axisLabel: { width: narrow ? 72 : 120, overflow: 'truncate' } },
      series: [{ type: 'bar', data: ranks.map((r) => Math.round(r.rate * 1000) / 10), itemStyle: { color: '#1d5fbf' }, label: { show: true, position: 'right', formatter: '{c}%' },
        markLine: { symbol: 'none', data: [{ xAxis: time }], lineStyle: { color: '#d9480f', type: 'dashed' }, label: { formatter: t('timeProgress'), position: 'start' } } }],
    });
    if (this.caps.length) {
      put('capChart', {
        tooltip: { trigger: 'axis' },
        legend: { data: [t('cap'), t('used')], top: 0 },
        grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
        // On a phone the four 三公 names are turned so they never run into each other.
        xAxis: { type: 'category', data: this.caps.map((c) => t(`econ_${c.economicCode}` as MessageKey)), axisLabel: { interval: 0, fontSize: 11, rotate: narrow ? 35 : 0 } },
        yAxis: { type: 'value', name: t('yuan'), axisLabel: { formatter: (v: number) => (v < 10000 ? `${v}` : lang() === 'en' ? `${v / 1000}k` : `${v / 10000}万`) } },
        series: [
          { name: t('cap'), type: 'bar', data: this.caps.map((c) => Math.round(c.amount / 100)), itemStyle: { color: '#c1c9d4' } },
          { name: t('used'), type: 'bar', itemStyle: { color: '#2f9e44' }, data: this.caps.map((c) => ({ value: Math.round(c.used / 100), itemStyle: { color: c.used > c.amount ? '#d9480f' : '#2f9e44' } })) },
        ],
      });
    }
  }

  /** 预警事项: the analytics plugin's unresolved red/yellow warnings where it is enabled, else the core's notices on payments. */
  private renderWarnings() {
    if (this.warnState === 'loading') return html`<p class="muted" role="status">${t('ck_warnLoading')}</p>`;
    if (this.pluginWarnings === null) {
      return html`${this.warnings.length === 0 ? html`<p class="muted">${t('noWarnings')}</p>` : ''}
        <ul class="warn">
          ${this.warnings.map((p) => html`<li>
            <span class="badge warn">${t('severity_warn')}</span>
            <span>${p.purpose}<br /><span class="muted">${p.warnings.map((w) => w.message).join(t('semi'))}</span></span>
            <span class="amt num">${formatFen(p.amount)}</span></li>`)}
        </ul>`;
    }
    const list = this.pluginWarnings;
    const red = list.filter((w) => w.grade === 'severe').length;
    const shown = list.slice(0, 8);
    const link = html`<a class="centre" href=${WARNING_CENTRE}>${t('ck_warnCenter')}</a>`;
    if (this.warnState === 'error') return html`<p class="notice error" role="alert">${t('ck_warnError', { msg: this.warnError })}</p><p>${link}</p>`;
    return html`<p class="muted small" data-source="plugin">${t('ck_warnSource')}${list.length ? html` · ${t('ck_warnCounts', { r: red, y: list.length - red })}` : ''}</p>
      ${list.length === 0 ? html`<p class="muted">${t('noWarnings')}</p>` : ''}
      <ul class="warn plugin">
        ${shown.map((w) => html`<li data-grade=${w.grade}>
          <span class="badge ${w.grade === 'severe' ? 'block' : 'warn'}">${t(w.grade === 'severe' ? 'ck_grade_severe' : 'ck_grade_warning')}</span>
          <span>${w.title}${w.departmentId !== null ? html`<br /><span class="muted">${deptName(this.ctx, w.departmentId)}</span>` : ''}</span></li>`)}
      </ul>
      ${list.length > shown.length ? html`<p class="muted small">${t('ck_warnMore', { n: list.length - shown.length })}</p>` : ''}
      <p>${link}</p>`;
  }

  override render() {
    const tot = this.totals;
    const time = this.time?.value ?? 0;
    const gap = Math.round((time - ratio(tot.paid, tot.amount)) * 1000) / 10;
    return html`<h1>${t('cockpitTitle')} · ${this.ctx.unitName} · ${this.year}</h1>
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
      <p class="unit-line" style="text-align: right; margin: 0 0 4px">${moneyUnit()}</p>
      <div class="top">
        <div class="card"><div class="muted">${t('totalBudget')}</div><div class="v">${formatFen(tot.amount)}</div></div>
        <div class="card"><div class="muted">${t('totalPaid')} · ${t('executionRate')} ${percent(tot.paid, tot.amount)}</div><div class="v">${formatFen(tot.paid)}</div></div>
        <div class="card"><div class="muted">${t('totalFrozen')}</div><div class="v">${formatFen(tot.frozen)}</div></div>
        <div class="card"><div class="muted">${t('totalAvailable')}</div><div class="v">${formatFen(tot.available)}</div></div>
      </div>
      <div class="grid">
        <section class="card" aria-labelledby="h-exec">
          <h2 id="h-exec">${t('execVsTime')}</h2>
          <div id="execChart" class="chart" role="img" aria-label="${t('execProgress')} ${percent(tot.paid, tot.amount)}, ${t('timeProgress')} ${Math.round(time * 1000) / 10}%"></div>
          <p class=${gap > 5 ? 'behind' : 'ok'}>${gap > 5 ? t('behindSchedule', { d: gap }) : t('onSchedule')}</p>
          ${this.time ? html`<p class="muted small def">${lang() === 'en' ? this.time.definition.en : this.time.definition.zh}（${t('ck_timeAsOf', { date: formatDate(this.time.asOf) })}）</p>` : ''}
        </section>
        <section class="card" aria-labelledby="h-dept">
          <h2 id="h-dept">${t('deptRanking')}</h2>
          <div id="deptChart" class="chart" role="img" aria-label=${rankDepartments(this.rows).map((r) => `${deptName(this.ctx, r.departmentId)} ${percent(r.paid, r.amount)}`).join(t('adm_sep'))}></div>
        </section>
        <section class="card" aria-labelledby="h-cap">
          <h2 id="h-cap">${t('threePublic')}${this.caps.length ? html` ${moneyUnit()}` : ''}</h2>
          ${this.caps.length
            ? html`<div id="capChart" class="chart" role="img" aria-label=${this.caps.map((c) => `${t(`econ_${c.economicCode}` as MessageKey)} ${formatFen(c.used)} / ${formatFen(c.amount)}`).join(t('adm_sep'))}></div>`
            : html`<p class="muted">${t('noCaps')}</p>`}
        </section>
        <section class="card" aria-labelledby="h-warn" style="grid-column: span 1">
          <h2 id="h-warn">${t('topWarnings')}${this.pluginWarnings === null && this.warnings.length ? html` ${moneyUnit()}` : ''}</h2>
          ${this.renderWarnings()}
        </section>
        <section class="card inbox" aria-labelledby="h-inbox" style="grid-column: span 2">
          <h2 id="h-inbox">${t('leaderInbox')}</h2>
          ${this.ctx.readOnly ? html`<p class="muted">${t('readOnly')}</p>` : html`<ub-approval-inbox compact .ctx=${this.ctx} @decided=${() => this.load()}></ub-approval-inbox>`}
        </section>
        <section class="card perf" aria-labelledby="h-perf">
          <h2 id="h-perf">${t('perf_title')} ${moneyUnit()}</h2>
          ${this.perf.length === 0
            ? html`<p class="muted">${t('perf_none')}</p>`
            : html`<div class="x-scroll" ${scrollHint()}><table>
                <thead><tr><th>${t('perf_light')}</th><th>${t('project')}</th><th class="num">${t('budgetAmount')}</th><th class="num">${t('paid')}</th>
                  <th class="num">${t('executionRate')}</th><th>${t('perf_targets')}</th></tr></thead>
                <tbody>${this.perf.map((p) => html`<tr data-project=${p.project.id} data-light=${p.light}>
                  <td class="nowrap"><span class="light ${p.light}" aria-hidden="true"></span>${t(`perf_${p.light}`)}</td>
                  <td>${p.project.code} ${p.project.name}</td>
                  <td class="num">${formatFen(p.amount)}</td><td class="num">${formatFen(p.paid)}</td><td class="num">${percent(p.paid, p.amount)}</td>
                  <td>${p.targets.length === 0
                    ? html`<span class="muted">${t('perf_no_targets')}</span>`
                    : html`<ul>${p.targets.map((x) => html`<li>${x.light ? html`<span class="light ${x.light}" aria-label=${t(`perf_${x.light}`)}></span>` : ''}${x.target.name}${t('adm_colon')}${x.target.value || '—'}${x.light ? '' : html` <span class="muted">${t('perf_no_actual')}</span>`}</li>`)}</ul>`}</td>
                </tr>`)}</tbody>
              </table></div>
              <p class="muted">${t('perf_rule')}</p>`}
        </section>
      </div>
      <ub-plugin-placements unit-id=${this.ctx.unitId} placement="cockpit"></ub-plugin-placements>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-cockpit-page': UbCockpitPage }
}
