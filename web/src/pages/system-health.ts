import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { get } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import type { Chart, Option } from '../lib/charts.js';

/** A threshold crossed, as GET /api/system/health and /api/units/:unitId/health answer it (core/health/schema.ts). */
export interface HealthHint {
  kind: 'outboxLag' | 'deadEvents' | 'runnerRestarts' | 'runnerDown' | 'eventLoopDelay' | 'memory' | 'slowRoute' | 'serverErrors' | 'slowStatements';
  severity: 'warning' | 'critical';
  pluginId?: string; unitId?: string; route?: string; value: number; failures?: number;
}
export interface OutboxLag { pluginId: string; unitId: string; waiting: number; dead: number; oldestSeconds: number; attempts: number; lastError: string | null }
export interface PluginCalls { pluginId: string; unitId: string; calls: number; errors: number; p50: number; p99: number; memoryBytes: number }
export interface Volume { minute: string; requests: number }
export interface SystemHealth {
  time: string; database: 'sqlite' | 'postgres'; uptimeSeconds: number;
  memory: { rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number };
  eventLoop: { p50: number; p99: number; max: number };
  statements: { count: number; p50: number; p99: number; meanMs: number; errors: number };
  commandRetries: number;
  routes: Array<{ route: string; count: number; p50: number; p99: number; meanMs: number; errors4xx: number; errors5xx: number }>;
  runners: Array<{ slot: number; pid: number | null; alive: boolean; units: number; inFlight: number; restarts: number }>;
  outbox: OutboxLag[]; plugins: PluginCalls[]; volume: Volume[]; hints: HealthHint[];
}
export interface UnitHealth { time: string; unitId: string; requests: number; volume: Volume[]; outbox: OutboxLag[]; plugins: PluginCalls[]; hints: HealthHint[] }

/** A hint in plain words ("事件积压 12 分钟：插件 analytics 在单位 a 失败 3 次"). */
export function hintText(hint: HealthHint): string {
  return t(`hl_hint_${hint.kind}` as MessageKey, {
    value: hint.value, pluginId: hint.pluginId ?? '', unitId: hint.unitId ?? '', route: hint.route ?? '', failures: hint.failures ?? 0,
  });
}

/** Critical first, then warnings; within each, as the server ordered them. */
export function sortHints(hints: HealthHint[]): HealthHint[] {
  return [...hints].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
}

const REFRESH_MS = 15_000;
const hhmm = (iso: string) => iso.slice(11, 16);

/**
 * 系统健康度监测: the system administrator sees the whole process (routes, statements, memory,
 * event loop, runner pool, outbox backlog, plugin calls); a unit admin sees their unit's plugins,
 * its waiting events and its own request volume. Hints over thresholds come first, in plain words.
 */
@customElement('ub-system-health')
export class UbSystemHealth extends UnitPage {
  static override styles = [shared, css`
    .hints { list-style: none; padding: 0; margin: 0 0 12px; display: grid; gap: 6px; }
    .hints li { padding: 8px 12px; border-radius: 4px; border-left: 4px solid #e6a23c; background: #fdf6ec; }
    .hints li.critical { border-left-color: #d03050; background: #fdecee; }
    .ok { padding: 8px 12px; border-radius: 4px; background: #eef8f0; border-left: 4px solid #18a058; }
    .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-bottom: 12px; }
    .figure .label { color: #5a6675; font-size: 12px; }
    .figure .value { font-size: 20px; font-weight: 600; margin-top: 4px; }
    .figure .sub { color: #5a6675; font-size: 12px; }
    .chart { width: 100%; height: 220px; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eef1f4; font-size: 13px; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    .scroll { overflow-x: auto; }
    .muted { color: #5a6675; }
    section { margin-bottom: 16px; }
  `];

  @state() system: SystemHealth | null = null;
  @state() unit: UnitHealth | null = null;
  @state() error = '';
  private timer: ReturnType<typeof setInterval> | undefined;
  private charts = new Map<string, Chart>();

  private get isSystemAdmin(): boolean {
    return this.ctx.roles.includes('system_admin') || this.ctx.me.systemAdmin === true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => void this.load(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
    this.charts.forEach((c) => c.dispose());
    this.charts.clear();
  }

  async load(): Promise<void> {
    const u = encodeURIComponent(this.ctx.unitId);
    try {
      const [system, unit] = await Promise.all([
        this.isSystemAdmin ? get<SystemHealth>('/api/system/health') : Promise.resolve(null),
        get<UnitHealth>(`/api/units/${u}/health`).catch(() => null),
      ]);
      this.system = system;
      this.unit = unit;
      this.error = '';
    } catch (e) {
      this.error = t('hl_loadFailed', { message: (e as Error).message });
    }
  }

  override updated(): void {
    if (this.system || this.unit) this.drawCharts().catch((e) => console.error('health charts:', e));
  }

  private async drawCharts(): Promise<void> {
    const { draw } = await import('../lib/charts.js');
    const put = (id: string, option: Option) => {
      const el = this.renderRoot.querySelector<HTMLElement>(`#${id}`);
      if (!el) return;
      const chart = draw(el, option, this.charts.get(id));
      this.charts.set(id, chart);
    };
    const volume = this.system?.volume ?? this.unit?.volume;
    if (volume) {
      put('volume', {
        grid: { left: 40, right: 12, top: 12, bottom: 24 }, tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: volume.map((v) => hhmm(v.minute)) }, yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', name: t('hl_requests'), data: volume.map((v) => v.requests), itemStyle: { color: '#2f6fb3' } }],
      });
    }
    if (this.system && this.system.routes.length) {
      const top = this.system.routes.slice(0, 12).reverse();
      put('routes', {
        grid: { left: 260, right: 16, top: 24, bottom: 24 }, tooltip: { trigger: 'axis' }, legend: { data: [t('hl_p50'), t('hl_p99')] },
        xAxis: { type: 'value' }, yAxis: { type: 'category', data: top.map((r) => r.route), axisLabel: { width: 250, overflow: 'truncate' } },
        series: [
          { type: 'bar', name: t('hl_p50'), data: top.map((r) => r.p50), itemStyle: { color: '#7fa8d6' } },
          { type: 'bar', name: t('hl_p99'), data: top.map((r) => r.p99), itemStyle: { color: '#2f6fb3' } },
        ],
      });
    }
    const outbox = (this.system?.outbox ?? this.unit?.outbox ?? []).filter((o) => o.waiting > 0);
    if (outbox.length) {
      put('outbox', {
        grid: { left: 160, right: 16, top: 12, bottom: 24 }, tooltip: { trigger: 'axis' },
        xAxis: { type: 'value', name: t('hl_minutes', { n: '' }).trim() },
        yAxis: { type: 'category', data: outbox.map((o) => `${o.pluginId} · ${o.unitId}`) },
        series: [{ type: 'bar', name: t('hl_oldest'), data: outbox.map((o) => Math.round(o.oldestSeconds / 6) / 10), itemStyle: { color: '#e6a23c' } }],
      });
    }
  }

  private renderHints(hints: HealthHint[]) {
    if (hints.length === 0) return html`<p class="ok" role="status">${t('hl_allGood')}</p>`;
    return html`<ul class="hints" role="alert">${sortHints(hints).map((h) => html`<li class=${h.severity}>
      <strong>${t(h.severity === 'critical' ? 'hl_critical' : 'hl_warning')}</strong>：${hintText(h)}</li>`)}</ul>`;
  }

  private renderOutbox(outbox: OutboxLag[]) {
    if (outbox.length === 0) return html`<p class="muted">${t('hl_outboxNone')}</p>`;
    return html`<div id="outbox" class="chart" style="height:${Math.max(120, 40 + outbox.length * 28)}px"></div>
      <div class="scroll"><table>
        <thead><tr><th>${t('hl_plugin')}</th><th>${t('hl_unit')}</th><th class="num">${t('hl_waiting')}</th><th class="num">${t('hl_dead')}</th>
          <th class="num">${t('hl_oldest')}</th><th class="num">${t('hl_attempts')}</th><th>${t('hl_lastError')}</th></tr></thead>
        <tbody>${outbox.map((o) => html`<tr><td>${o.pluginId}</td><td>${o.unitId}</td><td class="num">${o.waiting}</td><td class="num">${o.dead}</td>
          <td class="num">${o.oldestSeconds >= 60 ? t('hl_minutes', { n: Math.floor(o.oldestSeconds / 60) }) : t('hl_seconds', { n: o.oldestSeconds })}</td>
          <td class="num">${o.attempts}</td><td>${o.lastError ?? ''}</td></tr>`)}</tbody>
      </table></div>`;
  }

  private renderPlugins(plugins: PluginCalls[]) {
    if (plugins.length === 0) return html`<p class="muted">${t('hl_pluginsNone')}</p>`;
    return html`<div class="scroll"><table>
      <thead><tr><th>${t('hl_plugin')}</th><th>${t('hl_unit')}</th><th class="num">${t('hl_calls')}</th><th class="num">${t('hl_faults')}</th>
        <th class="num">${t('hl_p50')}</th><th class="num">${t('hl_p99')}</th></tr></thead>
      <tbody>${plugins.map((p) => html`<tr><td>${p.pluginId}</td><td>${p.unitId}</td><td class="num">${p.calls}</td><td class="num">${p.errors}</td>
        <td class="num">${p.p50}</td><td class="num">${p.p99}</td></tr>`)}</tbody>
    </table></div>`;
  }

  private renderSystem(s: SystemHealth) {
    return html`
      <div class="figures">
        <div class="card figure"><div class="label">${t('hl_memory')}</div><div class="value">${t('hl_mb', { n: s.memory.rssMb })}</div>
          <div class="sub">${t('hl_heap', { used: s.memory.heapUsedMb, total: s.memory.heapTotalMb })}</div></div>
        <div class="card figure"><div class="label">${t('hl_eventLoop')}</div><div class="value">${t('hl_ms', { n: s.eventLoop.p99 })}</div></div>
        <div class="card figure"><div class="label">${t('hl_statements')}</div><div class="value">${t('hl_ms', { n: s.statements.p99 })}</div>
          <div class="sub">${t('hl_statementsCount', { n: s.statements.count, mean: s.statements.meanMs })}</div></div>
        <div class="card figure"><div class="label">${t('hl_retries')}</div><div class="value">${s.commandRetries}</div></div>
        <div class="card figure"><div class="label">${t('hl_database')}</div><div class="value">${s.database === 'postgres' ? 'PostgreSQL' : 'SQLite'}</div>
          <div class="sub">${t('hl_uptime', { hours: Math.round(s.uptimeSeconds / 360) / 10 })}</div></div>
      </div>
      <section class="card"><h2>${t('hl_volume')}</h2><div id="volume" class="chart"></div></section>
      <section class="card"><h2>${t('hl_routes')}</h2>
        <div id="routes" class="chart" style="height:${Math.max(160, 40 + Math.min(12, s.routes.length) * 26)}px"></div>
        <div class="scroll"><table>
          <thead><tr><th>${t('hl_route')}</th><th class="num">${t('hl_count')}</th><th class="num">${t('hl_p50')}</th><th class="num">${t('hl_p99')}</th><th class="num">${t('hl_errors')}</th></tr></thead>
          <tbody>${s.routes.slice(0, 12).map((r) => html`<tr><td>${r.route}</td><td class="num">${r.count}</td><td class="num">${r.p50}</td><td class="num">${r.p99}</td>
            <td class="num">${r.errors4xx} / ${r.errors5xx}</td></tr>`)}</tbody>
        </table></div></section>
      <section class="card"><h2>${t('hl_runners')}</h2><div class="scroll"><table>
        <thead><tr><th>${t('hl_slot')}</th><th>${t('hl_pid')}</th><th>${t('hl_state')}</th><th class="num">${t('hl_units')}</th><th class="num">${t('hl_inFlight')}</th><th class="num">${t('hl_restarts')}</th></tr></thead>
        <tbody>${s.runners.map((r) => html`<tr><td>${r.slot}</td><td>${r.pid ?? '—'}</td><td>${r.alive ? t('hl_alive') : t('hl_idle')}</td>
          <td class="num">${r.units}</td><td class="num">${r.inFlight}</td><td class="num">${r.restarts}</td></tr>`)}</tbody>
      </table></div></section>
      <section class="card"><h2>${t('hl_outbox')}</h2>${this.renderOutbox(s.outbox)}</section>
      <section class="card"><h2>${t('hl_plugins')}</h2>${this.renderPlugins(s.plugins)}</section>`;
  }

  private renderUnit(u: UnitHealth) {
    return html`
      <p class="muted">${t('hl_unitIntro')} ${t('hl_requestsTotal', { n: u.requests })}</p>
      <section class="card"><h2>${t('hl_volume')}</h2><div id="volume" class="chart"></div></section>
      <section class="card"><h2>${t('hl_outbox')}</h2>${this.renderOutbox(u.outbox)}</section>
      <section class="card"><h2>${t('hl_plugins')}</h2>${this.renderPlugins(u.plugins)}</section>`;
  }

  override render() {
    const s = this.system;
    const u = this.unit;
    return html`<h1>${s ? t('hl_title') : `${t('hl_unitTitle')} · ${this.ctx.unitName}`}</h1>
      ${s ? html`<p class="muted">${t('hl_intro')}</p>` : nothing}
      <div class="row"><button @click=${() => void this.load()}>${t('hl_refresh')}</button>
        ${s || u ? html`<span class="muted">${t('hl_updated', { time: new Date((s ?? u)!.time).toLocaleTimeString() })}</span>` : nothing}</div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${s ? this.renderHints(s.hints) : u ? this.renderHints(u.hints) : nothing}
      ${s ? this.renderSystem(s) : u ? this.renderUnit(u) : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-system-health': UbSystemHealth }
}
