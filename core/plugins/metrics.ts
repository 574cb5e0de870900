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

  /** The Prometheus text format of every metric, with the runner's restart count. */
  prometheus(runnerRestarts: number): string {
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
    return lines.join('\n') + '\n';
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
const esc = (s: string) => s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
