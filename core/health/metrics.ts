import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * The core's own measurements in this process (系统健康度监测): request latency per route, database
 * statement time, request volume per unit, event-loop delay. Recording is a few array increments
 * (no allocation on the hot path beyond the first request of a route), so it stays on in production.
 */

/** Upper bounds of the latency buckets, ms (Prometheus `le`); the last bucket is +Inf. */
export const REQUEST_BUCKETS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;
export const STATEMENT_BUCKETS_MS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000] as const;

export class Histogram {
  readonly counts: number[];
  count = 0;
  sum = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array(bounds.length + 1).fill(0);
  }
  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.counts[i]! += 1;
    this.count += 1;
    this.sum += value;
  }
  /** The bucket bound under which the share `q` of observations falls (an upper estimate). */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const target = q * this.count;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return i < this.bounds.length ? this.bounds[i]! : this.bounds[this.bounds.length - 1]! * 2;
    }
    return this.bounds[this.bounds.length - 1]!;
  }
}

interface RouteMetric {
  histogram: Histogram;
  byClass: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
}

/** Requests per minute for the last hour, one ring per unit (and '' for requests outside a unit). */
const MINUTES = 60;
interface Volume {
  total: number;
  perMinute: number[];
  minuteOf: number[];
}

class CoreMetrics {
  readonly routes = new Map<string, RouteMetric>();
  readonly statements = new Histogram(STATEMENT_BUCKETS_MS);
  statementErrors = 0;
  readonly volume = new Map<string, Volume>();
  readonly startedAt = Date.now();
  private loop: IntervalHistogram | null = null;

  recordRequest(route: string, unitId: string | null, status: number, ms: number): void {
    let metric = this.routes.get(route);
    if (!metric) {
      metric = { histogram: new Histogram(REQUEST_BUCKETS_MS), byClass: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 } };
      this.routes.set(route, metric);
    }
    metric.histogram.observe(ms);
    const klass = status >= 500 ? '5xx' : status >= 400 ? '4xx' : status >= 300 ? '3xx' : '2xx';
    metric.byClass[klass] += 1;
    const key = unitId ?? '';
    let volume = this.volume.get(key);
    if (!volume) {
      volume = { total: 0, perMinute: new Array(MINUTES).fill(0), minuteOf: new Array(MINUTES).fill(-1) };
      this.volume.set(key, volume);
    }
    volume.total += 1;
    const minute = Math.floor(Date.now() / 60_000);
    const slot = minute % MINUTES;
    if (volume.minuteOf[slot] !== minute) {
      volume.minuteOf[slot] = minute;
      volume.perMinute[slot] = 0;
    }
    volume.perMinute[slot]! += 1;
  }

  recordStatement(ms: number, failed: boolean): void {
    this.statements.observe(ms);
    if (failed) this.statementErrors += 1;
  }

  /** The last hour of a unit's requests, oldest minute first (ISO minute, count). */
  volumeOf(unitId: string | null): Array<{ minute: string; requests: number }> {
    const volume = this.volume.get(unitId ?? '');
    const now = Math.floor(Date.now() / 60_000);
    const out = [];
    for (let m = now - MINUTES + 1; m <= now; m++) {
      const slot = m % MINUTES;
      out.push({ minute: new Date(m * 60_000).toISOString(), requests: volume && volume.minuteOf[slot] === m ? volume.perMinute[slot]! : 0 });
    }
    return out;
  }

  /** Event-loop delay since the first look (ms): started lazily, sampled every 20 ms by Node itself. */
  eventLoop(): { p50: number; p99: number; max: number } {
    if (!this.loop) {
      this.loop = monitorEventLoopDelay({ resolution: 20 });
      this.loop.enable();
    }
    const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
    if (this.loop.count === 0) return { p50: 0, p99: 0, max: 0 };
    return { p50: ms(this.loop.percentile(50)), p99: ms(this.loop.percentile(99)), max: ms(this.loop.max) };
  }

  /** Starts the event-loop monitor early, so the first look has history (the server start calls it). */
  watchEventLoop(): void {
    this.eventLoop();
  }
}

/** One per process: every kernel of the process shares the event loop and the metrics scrape. */
export const coreMetrics = new CoreMetrics();

const esc = (s: string) => s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
const num = (n: number) => (Number.isFinite(n) ? String(Math.round(n * 1000) / 1000) : '0');

function histogramLines(name: string, labels: string, h: Histogram): string[] {
  const sep = labels ? `${labels},` : '';
  const lines: string[] = [];
  let cumulative = 0;
  h.bounds.forEach((bound, i) => {
    cumulative += h.counts[i]!;
    lines.push(`${name}_bucket{${sep}le="${bound}"} ${cumulative}`);
  });
  lines.push(`${name}_bucket{${sep}le="+Inf"} ${h.count}`);
  lines.push(`${name}_sum${labels ? `{${labels}}` : ''} ${num(h.sum)}`);
  lines.push(`${name}_count${labels ? `{${labels}}` : ''} ${h.count}`);
  return lines;
}

/**
 * The core's part of /api/metrics (Prometheus text): request latency per route, statement time,
 * command retries, process memory, event-loop delay. The plugin host adds its own (host.prometheus()).
 */
export function corePrometheus(commandRetries: number): string {
  const m = coreMetrics;
  const lines = ['# HELP unibudget_http_request_duration_ms API request latency per route (method and path pattern), ms.', '# TYPE unibudget_http_request_duration_ms histogram'];
  for (const [route, metric] of m.routes) lines.push(...histogramLines('unibudget_http_request_duration_ms', `route="${esc(route)}"`, metric.histogram));
  lines.push('# HELP unibudget_http_responses_total API responses per route and status class.', '# TYPE unibudget_http_responses_total counter');
  for (const [route, metric] of m.routes) {
    for (const [klass, n] of Object.entries(metric.byClass)) lines.push(`unibudget_http_responses_total{route="${esc(route)}",status="${klass}"} ${n}`);
  }
  lines.push('# HELP unibudget_http_unit_requests_total API requests per unit (unit="" for requests outside a unit).', '# TYPE unibudget_http_unit_requests_total counter');
  for (const [unit, v] of m.volume) lines.push(`unibudget_http_unit_requests_total{unit="${esc(unit)}"} ${v.total}`);
  lines.push('# HELP unibudget_db_statement_duration_ms Database statement time, ms.', '# TYPE unibudget_db_statement_duration_ms histogram');
  lines.push(...histogramLines('unibudget_db_statement_duration_ms', '', m.statements));
  lines.push('# HELP unibudget_db_statement_errors_total Statements that failed.', '# TYPE unibudget_db_statement_errors_total counter', `unibudget_db_statement_errors_total ${m.statementErrors}`);
  lines.push('# HELP unibudget_command_retries_total Commands re-run after a deadlock or serialization failure', '# TYPE unibudget_command_retries_total counter', `unibudget_command_retries_total ${commandRetries}`);
  const mem = process.memoryUsage();
  lines.push('# HELP unibudget_process_memory_bytes Memory of this core process.', '# TYPE unibudget_process_memory_bytes gauge');
  for (const [kind, bytes] of [['rss', mem.rss], ['heap_used', mem.heapUsed], ['heap_total', mem.heapTotal], ['external', mem.external]] as const) {
    lines.push(`unibudget_process_memory_bytes{kind="${kind}"} ${bytes}`);
  }
  const loop = m.eventLoop();
  lines.push('# HELP unibudget_event_loop_delay_ms Event-loop delay of this core process since it started watching, ms.', '# TYPE unibudget_event_loop_delay_ms gauge');
  lines.push(`unibudget_event_loop_delay_ms{quantile="0.5"} ${loop.p50}`, `unibudget_event_loop_delay_ms{quantile="0.99"} ${loop.p99}`, `unibudget_event_loop_delay_ms{quantile="1"} ${loop.max}`);
  lines.push('# HELP unibudget_process_uptime_seconds Seconds since this core process started.', '# TYPE unibudget_process_uptime_seconds gauge', `unibudget_process_uptime_seconds ${Math.round(process.uptime())}`);
  return lines.join('\n') + '\n';
}
