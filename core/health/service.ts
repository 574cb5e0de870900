import type { Kernel } from '../kernel.js';
import { commandRetries } from '../db/command.js';
import { hostOf } from '../plugins/host.js';
import { outboxLag, type OutboxLag } from '../plugins/metrics.js';
import { coreMetrics } from './metrics.js';
import type { HealthHint, SystemHealthView, UnitHealthView } from './schema.js';

/**
 * Thresholds past which the health page says something in plain words. Chosen for a county
 * finance office: an event waiting five minutes is noticed, half an hour is an incident.
 */
export const THRESHOLDS = {
  outboxLagWarnMinutes: 5,
  outboxLagCriticalMinutes: 30,
  eventLoopWarnMs: 100,
  eventLoopCriticalMs: 500,
  memoryWarnMb: 1024,
  memoryCriticalMb: 2048,
  slowRouteP99Ms: 1000,
  slowRouteMinCount: 20,
  slowStatementP99Ms: 100,
} as const;

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const round = (n: number) => Math.round(n * 100) / 100;

function outboxHints(lags: OutboxLag[]): HealthHint[] {
  const hints: HealthHint[] = [];
  for (const lag of lags) {
    const minutes = Math.floor(lag.oldestSeconds / 60);
    if (lag.waiting > 0 && minutes >= THRESHOLDS.outboxLagWarnMinutes) {
      hints.push({
        kind: 'outboxLag', severity: minutes >= THRESHOLDS.outboxLagCriticalMinutes ? 'critical' : 'warning',
        pluginId: lag.pluginId, unitId: lag.unitId, value: minutes, failures: lag.attempts,
      });
    }
    if (lag.dead > 0) hints.push({ kind: 'deadEvents', severity: 'critical', pluginId: lag.pluginId, unitId: lag.unitId, value: lag.dead });
  }
  return hints;
}

function pluginCalls(kernel: Kernel, unitId?: string) {
  return hostOf(kernel).metricsSnapshot(unitId ? { unitId } : {}).map((s) => ({
    pluginId: s.pluginId, unitId: s.unitId, calls: s.calls, errors: s.errors, p50: s.latencyMs.p50, p99: s.latencyMs.p99, memoryBytes: s.memoryBytes,
  }));
}

/** Everything the system administrator's health page shows, with the hints over the thresholds. */
export async function systemHealth(kernel: Kernel): Promise<SystemHealthView> {
  const host = hostOf(kernel);
  const memory = process.memoryUsage();
  const eventLoop = coreMetrics.eventLoop();
  const outbox = await outboxLag(kernel.db);
  const routes = [...coreMetrics.routes].map(([route, m]) => ({
    route, count: m.histogram.count, p50: m.histogram.quantile(0.5), p99: m.histogram.quantile(0.99),
    meanMs: m.histogram.count ? round(m.histogram.sum / m.histogram.count) : 0, errors4xx: m.byClass['4xx'], errors5xx: m.byClass['5xx'],
  })).sort((x, y) => y.count - x.count);
  const runners = host.runner.state();
  const st = coreMetrics.statements;
  const statements = { count: st.count, p50: st.quantile(0.5), p99: st.quantile(0.99), meanMs: st.count ? round(st.sum / st.count) : 0, errors: coreMetrics.statementErrors };

  const hints: HealthHint[] = outboxHints(outbox);
  const restarts = runners.reduce((sum, r) => sum + r.restarts, 0);
  if (restarts > 0) hints.push({ kind: 'runnerRestarts', severity: restarts >= 10 ? 'critical' : 'warning', value: restarts });
  for (const r of runners) if (!r.alive && r.units > 0) hints.push({ kind: 'runnerDown', severity: 'warning', value: r.slot });
  if (eventLoop.p99 >= THRESHOLDS.eventLoopWarnMs) hints.push({ kind: 'eventLoopDelay', severity: eventLoop.p99 >= THRESHOLDS.eventLoopCriticalMs ? 'critical' : 'warning', value: eventLoop.p99 });
  const rss = mb(memory.rss);
  if (rss >= THRESHOLDS.memoryWarnMb) hints.push({ kind: 'memory', severity: rss >= THRESHOLDS.memoryCriticalMb ? 'critical' : 'warning', value: rss });
  for (const r of routes) {
    if (r.count >= THRESHOLDS.slowRouteMinCount && r.p99 >= THRESHOLDS.slowRouteP99Ms) hints.push({ kind: 'slowRoute', severity: 'warning', route: r.route, value: r.p99 });
    if (r.errors5xx > 0) hints.push({ kind: 'serverErrors', severity: 'critical', route: r.route, value: r.errors5xx });
  }
  if (statements.count >= 100 && statements.p99 >= THRESHOLDS.slowStatementP99Ms) hints.push({ kind: 'slowStatements', severity: 'warning', value: statements.p99 });

  return {
    time: new Date().toISOString(),
    database: kernel.dialect,
    uptimeSeconds: Math.round(process.uptime()),
    memory: { rssMb: rss, heapUsedMb: mb(memory.heapUsed), heapTotalMb: mb(memory.heapTotal), externalMb: mb(memory.external) },
    eventLoop,
    statements,
    commandRetries: commandRetries(),
    routes,
    runners,
    outbox,
    plugins: pluginCalls(kernel),
    volume: coreMetrics.volumeOf(null).map((m, i) => ({ minute: m.minute, requests: [...coreMetrics.volume.keys()].reduce((sum, unit) => sum + (coreMetrics.volumeOf(unit)[i]?.requests ?? 0), 0) })),
    hints,
  };
}

/** A unit admin's view: the unit's plugins (calls, faults, waiting events) and its own request volume. */
export async function unitHealth(kernel: Kernel, unitId: string): Promise<UnitHealthView> {
  const outbox = await outboxLag(kernel.db, unitId);
  return {
    time: new Date().toISOString(),
    unitId,
    requests: coreMetrics.volume.get(unitId)?.total ?? 0,
    volume: coreMetrics.volumeOf(unitId),
    outbox,
    plugins: pluginCalls(kernel, unitId),
    hints: outboxHints(outbox),
  };
}
