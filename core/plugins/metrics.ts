import type { Executor } from '../db/connection.js';
import type { RunnerSlotState } from './runner/pool.js';

/** Calls, faults, latency and memory of each plugin in each unit, in this process (metrics routes, Prometheus). */
interface Metric {
  calls: number;
  errors: number;
  faultsByCode: Record<string, number>;
  latencies: number[];
  next: number;
  memory: number;
}

const LATENCY_WINDOW = 1024;

export interface MetricSnapshot {
  pluginId: string;
  unitId: string;
  calls: number;
  errors: number;
  faultsByCode: Record<string, number>;
  latencyMs: { p50: number; p95: number; p99: number };
  memoryBytes: number;
}

export class PluginMetrics {
  private readonly metrics = new Map<string, Metric>();

  /** One finished call: its wall time, the isolate's heap after it, and its fault code if it faulted. */
  record(pluginId: string, unitId: string, outcome: { wallMs: number; memory: number }, faultCode: string | null): void {
    const metric = this.metricOf(pluginId, unitId);
    metric.calls += 1;
    metric.latencies[metric.next] = outcome.wallMs;
    metric.next = (metric.next + 1) % LATENCY_WINDOW;
    if (outcome.memory) metric.memory = outcome.memory;
    if (faultCode !== null) {
      metric.errors += 1;
      metric.faultsByCode[faultCode] = (metric.faultsByCode[faultCode] ?? 0) + 1;
    }
  }

  private metricOf(pluginId: string, unitId: string): Metric {
    const key = `${pluginId}\u0000${unitId}`;
    let metric = this.metrics.get(key);
    if (!metric) {
      metric = { calls: 0, errors: 0, faultsByCode: {}, latencies: [], next: 0, memory: 0 };
      this.metrics.set(key, metric);
    }
    return metric;
  }

  snapshot(filter: { pluginId?: string; unitId?: string } = {}): MetricSnapshot[] {
    const out = [];
    for (const [key, m] of this.metrics) {
      const [pluginId, unitId] = key.split('\u0000') as [string, string];
      if (filter.pluginId && filter.pluginId !== pluginId) continue;
      if (filter.unitId && filter.unitId !== unitId) continue;
      const sorted = [...m.latencies].sort((x, y) => x - y);
      const pct = (p: number) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!) : 0);
      out.push({ pluginId, unitId, calls: m.calls, errors: m.errors, faultsByCode: m.faultsByCode, latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99) }, memoryBytes: m.memory });
    }
    return out;
  }

  /** The Prometheus text format of every metric, with the runner pool's state and the outbox lag. */
  prometheus(runnerRestarts: number, runners: RunnerSlotState[] = [], lag: OutboxLag[] = []): string {
    const lines = [
      '# HELP unibudget_plugin_calls_total Calls into plugin code, per plugin and unit.',
      '# TYPE unibudget_plugin_calls_total counter',
    ];
    const snapshot = this.snapshot();
    const label = (s: { pluginId: string; unitId: string }) => `plugin="${esc(s.pluginId)}",unit="${esc(s.unitId)}"`;
    for (const s of snapshot) lines.push(`unibudget_plugin_calls_total{${label(s)}} ${s.calls}`);
    lines.push('# HELP unibudget_plugin_errors_total Faulted calls into plugin code.', '# TYPE unibudget_plugin_errors_total counter');
    for (const s of snapshot) lines.push(`unibudget_plugin_errors_total{${label(s)}} ${s.errors}`);
    lines.push('# HELP unibudget_plugin_latency_ms Call latency percentiles over the last 1024 calls.', '# TYPE unibudget_plugin_latency_ms gauge');
    for (const s of snapshot) {
      for (const [q, v] of [['0.5', s.latencyMs.p50], ['0.95', s.latencyMs.p95], ['0.99', s.latencyMs.p99]] as const) {
        lines.push(`unibudget_plugin_latency_ms{${label(s)},quantile="${q}"} ${v}`);
      }
    }
    lines.push('# HELP unibudget_plugin_memory_bytes Heap used by the plugin isolate after its last call.', '# TYPE unibudget_plugin_memory_bytes gauge');
    for (const s of snapshot) lines.push(`unibudget_plugin_memory_bytes{${label(s)}} ${s.memoryBytes}`);
    lines.push('# HELP unibudget_plugin_runner_restarts_total Restarts of the sandbox runner process.', '# TYPE unibudget_plugin_runner_restarts_total counter');
    lines.push(`unibudget_plugin_runner_restarts_total ${runnerRestarts}`);
    lines.push('# HELP unibudget_plugin_runner_up Runner processes of the pool: 1 running, 0 not (started on a unit\'s next call).', '# TYPE unibudget_plugin_runner_up gauge');
    for (const r of runners) lines.push(`unibudget_plugin_runner_up{slot="${r.slot}"} ${r.alive ? 1 : 0}`);
    lines.push('# HELP unibudget_plugin_runner_units Units placed on each runner of the pool.', '# TYPE unibudget_plugin_runner_units gauge');
    for (const r of runners) lines.push(`unibudget_plugin_runner_units{slot="${r.slot}"} ${r.units}`);
    lines.push('# HELP unibudget_plugin_runner_in_flight Calls in flight on each runner of the pool.', '# TYPE unibudget_plugin_runner_in_flight gauge');
    for (const r of runners) lines.push(`unibudget_plugin_runner_in_flight{slot="${r.slot}"} ${r.inFlight}`);
    lines.push('# HELP unibudget_plugin_runner_slot_restarts_total Restarts of each runner of the pool.', '# TYPE unibudget_plugin_runner_slot_restarts_total counter');
    for (const r of runners) lines.push(`unibudget_plugin_runner_slot_restarts_total{slot="${r.slot}"} ${r.restarts}`);
    lines.push('# HELP unibudget_outbox_lag_seconds Age of the oldest undelivered event per plugin and unit (all processes: read from the database).', '# TYPE unibudget_outbox_lag_seconds gauge');
    for (const l of lag) lines.push(`unibudget_outbox_lag_seconds{${label(l)}} ${l.oldestSeconds}`);
    lines.push('# HELP unibudget_outbox_waiting Undelivered events per plugin and unit.', '# TYPE unibudget_outbox_waiting gauge');
    for (const l of lag) lines.push(`unibudget_outbox_waiting{${label(l)}} ${l.waiting}`);
    lines.push('# HELP unibudget_outbox_dead Events given up on (attempts exhausted) per plugin and unit.', '# TYPE unibudget_outbox_dead gauge');
    for (const l of lag) lines.push(`unibudget_outbox_dead{${label(l)}} ${l.dead}`);
    return lines.join('\n') + '\n';
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
const esc = (s: string) => s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

/** Undelivered (and given-up) events of one plugin in one unit. */
export interface OutboxLag {
  pluginId: string;
  unitId: string;
  waiting: number;
  dead: number;
  /** Age of the oldest waiting event, seconds (0: none waiting). */
  oldestSeconds: number;
  /** Failed attempts of the most-tried waiting event. */
  attempts: number;
  lastError: string | null;
}

/**
 * The outbox lag per (plugin, unit), read from the database (every process's deliveries). Only
 * waiting and dead rows are read (the (status, next_at) index), never the delivered history.
 */
export async function outboxLag(db: Executor, unitId?: string): Promise<OutboxLag[]> {
  const rows = await db.selectFrom('plugin_deliveries')
    .select(['plugin_id', 'unit_id', 'status'])
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('occurred_at').as('oldest'), eb.fn.max('attempts').as('attempts')])
    .where('status', 'in', ['pending', 'claimed', 'dead'])
    .$if(unitId !== undefined, (qb) => qb.where('unit_id', '=', unitId!))
    .groupBy(['plugin_id', 'unit_id', 'status'])
    .execute();
  const byPair = new Map<string, OutboxLag>();
  const now = Date.now();
  for (const row of rows) {
    const key = `${row.plugin_id}\u0000${row.unit_id}`;
    let lag = byPair.get(key);
    if (!lag) {
      lag = { pluginId: row.plugin_id, unitId: row.unit_id, waiting: 0, dead: 0, oldestSeconds: 0, attempts: 0, lastError: null };
      byPair.set(key, lag);
    }
    if (row.status === 'dead') {
      lag.dead += Number(row.n);
      continue;
    }
    lag.waiting += Number(row.n);
    const age = row.oldest ? Math.max(0, Math.round((now - Date.parse(String(row.oldest))) / 1000)) : 0;
    lag.oldestSeconds = Math.max(lag.oldestSeconds, age);
    lag.attempts = Math.max(lag.attempts, Number(row.attempts) || 0);
  }
  const lagging = [...byPair.values()].filter((l) => l.waiting > 0 && l.attempts > 0);
  for (const lag of lagging) {
    const last = await db.selectFrom('plugin_deliveries').select('last_error')
      .where('plugin_id', '=', lag.pluginId).where('unit_id', '=', lag.unitId).where('status', 'in', ['pending', 'claimed'])
      .where('last_error', 'is not', null).orderBy('id').limit(1).executeTakeFirst();
    lag.lastError = last?.last_error ? last.last_error.slice(0, 200) : null;
  }
  return [...byPair.values()].sort((x, y) => y.oldestSeconds - x.oldestSeconds || x.pluginId.localeCompare(y.pluginId));
}
