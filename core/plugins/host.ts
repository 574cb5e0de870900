import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Kernel } from '../kernel.js';
import type { Executor, Tx } from '../db/connection.js';
import { nowIso } from '../clock.js';
import { appendAudit, SYSTEM_ACTOR } from '../audit/service.js';
import { registerValidatorProvider, unregisterValidatorProvider, type ValidatorKind, type ValidatorVerdict } from '../events/validators.js';
import { engineSatisfied, manifestSchema, type HostPermission, type Manifest } from '../../sdk/manifest.js';
import { errorReply, RunnerClient, type HostCall, type InvokeRequest, type MarshalledError, type Reply } from './runner/client.js';
import { REFUSAL_CODE, REFUSAL_STATUSES } from '../../sdk/plugin.js';
import { hostApiVersion } from './version.js';
import { DeliveryLoop, type DeliveryOptions } from './delivery.js';
import { realtimeOf, type RealtimeBus } from '../events/realtime.js';
import { HostCallError } from './errors.js';
import { objectArg, readDepartments, readExecutionReport, readIndicators, readPayments, readProjects, readTransfers } from './ledger-read.js';

export interface PluginLimits {
  /** Wall-time limit of every entry (event, route, view, schedule, migrate), ms. */
  timeoutMs: number;
  /** Validators run inside the writer's transaction: a stricter limit. */
  validatorTimeoutMs: number;
  /**
   * CPU time of one entry, ms (capped by its wall limit). Code running after an await escapes
   * isolated-vm's own timeout; this budget stops it even while the wall limit has time left.
   */
  cpuMs: number;
  memoryMb: number;
  maxResultBytes: number;
  maxHostCalls: number;
  /** Consecutive faults in one unit that trip the breaker. */
  breakerThreshold: number;
  /**
   * The most wall time a scheduled job may declare (`timeoutMs` of its manifest entry), ms. Only
   * scheduled jobs get more than `timeoutMs`; validators, routes, views, events and migrations never do.
   */
  scheduleMaxTimeoutMs: number;
}

export const DEFAULT_LIMITS: PluginLimits = {
  timeoutMs: 2000,
  validatorTimeoutMs: 500,
  cpuMs: 1000,
  memoryMb: 64,
  maxResultBytes: 1024 * 1024,
  maxHostCalls: 1000,
  breakerThreshold: 5,
  scheduleMaxTimeoutMs: Number(process.env.UNIBUDGET_PLUGIN_SCHEDULE_MAX_MS) > 0 ? Number(process.env.UNIBUDGET_PLUGIN_SCHEDULE_MAX_MS) : 60_000,
};

/** Host calls that change something outside the sandbox (the plugin log is not counted). */
const WRITE_METHODS = new Set(['storage.put', 'storage.delete', 'notify', 'realtime.publish']);

/** What one invocation did, for its caller (the route audit). */
export interface InvokeStats {
  /** Host calls that wrote (storage put/delete, notify, realtime publish), answered or not. */
  writes: number;
}

export interface LoadedPackage {
  pluginId: string;
  version: string;
  key: string;
  manifest: Manifest;
  code: string;
}

export interface Enablement {
  unitId: string;
  pluginId: string;
  version: string;
  state: 'enabled' | 'disabled' | 'tripped';
  grants: HostPermission[];
  settings: Record<string, unknown>;
  failMode: 'open' | 'closed';
  faults: number;
}

/** What a host call needs to be answered: bound to one plugin, one unit, one invocation. */
interface CallContext {
  pluginId: string;
  unitId: string;
  grants: ReadonlySet<HostPermission>;
  manifest: Manifest;
  executor: Executor;
  stats: InvokeStats;
}

interface Metric {
  calls: number;
  errors: number;
  faultsByCode: Record<string, number>;
  latencies: number[];
  next: number;
  memory: number;
}

const LATENCY_WINDOW = 1024;

const METHOD_PERMISSION: Record<string, HostPermission> = {
  'ledger.indicators': 'ledger.read',
  'ledger.payments': 'ledger.read',
  'ledger.projects': 'ledger.read',
  'ledger.departments': 'ledger.read',
  'ledger.transfers': 'ledger.read',
  'ledger.executionReport': 'ledger.read',
  'storage.put': 'storage',
  'storage.get': 'storage',
  'storage.delete': 'storage',
  'storage.query': 'storage',
  notify: 'notify',
  'realtime.publish': 'realtime',
  log: 'log',
};

export function enablementOf(row: {
  unit_id: string; plugin_id: string; version: string; state: Enablement['state']; grants: string; settings: string; fail_mode: 'open' | 'closed'; faults: number;
}): Enablement {
  return {
    unitId: row.unit_id, pluginId: row.plugin_id, version: row.version, state: row.state,
    grants: JSON.parse(row.grants), settings: JSON.parse(row.settings), failMode: row.fail_mode, faults: row.faults,
  };
}

/**
 * The plugin host of one core: the supervised runner, the host API the sandbox calls back into,
 * the validator provider, the event delivery loop, realtime fan-out, metrics and the breaker.
 */
export class PluginHost {
  readonly runner: RunnerClient;
  readonly limits: PluginLimits;
  readonly realtime: RealtimeBus;
  readonly events = new EventEmitter();
  private readonly packages = new Map<string, LoadedPackage>();
  private readonly metrics = new Map<string, Metric>();
  private readonly background = new Set<Promise<unknown>>();
  delivery: DeliveryLoop | null = null;
  readonly instanceId = randomUUID();

  constructor(readonly kernel: Kernel, limits: Partial<PluginLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.runner = new RunnerClient((call) => this.answer(call));
    // The kernel's one bus: core announcements (core:notifications) and plugin channels share it.
    this.realtime = realtimeOf(kernel);
    registerValidatorProvider(kernel.db, (tx, kind, unitId, document) => this.validate(tx, kind, unitId, document));
  }

  async stop(): Promise<void> {
    unregisterValidatorProvider(this.kernel.db);
    // Within a graceful shutdown's budget (core/cli.ts gives 15 s in all): a longer job is failed and rescheduled.
    await this.delivery?.stop({ failJobsAfterMs: 5000 });
    this.delivery = null;
    await this.idle();
    await this.runner.stop();
    // The bus is the kernel's, not the host's: realtimeOf closes it with the kernel.
  }

  /** Starts the outbox delivery loop of this process (idempotent). */
  startDelivery(options: Partial<DeliveryOptions> = {}): DeliveryLoop {
    if (!this.delivery) {
      this.delivery = new DeliveryLoop(this, options);
      this.delivery.start();
    }
    return this.delivery;
  }

  /** Waits for fault bookkeeping written in the background (tests). */
  async idle(): Promise<void> {
    while (this.background.size) await Promise.allSettled([...this.background]);
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((error) => console.error('[plugins] background write failed:', error)).finally(() => this.background.delete(p));
    this.background.add(p);
  }

  // ------------------------------------------------------------------ packages

  async loadPackage(db: Executor, pluginId: string, version: string): Promise<LoadedPackage> {
    const key = `${pluginId}@${version}`;
    const cached = this.packages.get(key);
    if (cached) return cached;
    const row = await db.selectFrom('plugin_packages').select(['manifest', 'code']).where('plugin_id', '=', pluginId).where('version', '=', version).executeTakeFirst();
    if (!row) throw new HostCallError('PLUGIN_NOT_FOUND', `plugin ${key} is not installed`, 404);
    const loaded = { pluginId, version, key, manifest: manifestSchema.parse(JSON.parse(row.manifest)), code: row.code };
    this.packages.set(key, loaded);
    return loaded;
  }

  forgetPackage(pluginId: string, version?: string): void {
    for (const key of [...this.packages.keys()]) {
      if (key.startsWith(`${pluginId}@`) && (!version || key === `${pluginId}@${version}`)) {
        this.packages.delete(key);
        this.runner.drop(key);
      }
    }
  }

  // ------------------------------------------------------------------ calling into a plugin

  /**
   * Runs one entry of a plugin for a unit under the limits. Faults (throw, timeout, out of memory,
   * runner death, bad result) are logged with the plugin id, counted, and may trip the breaker.
   */
  async invoke(
    enablement: Enablement,
    entry: InvokeRequest['entry'],
    name: string,
    input: unknown,
    options: { executor?: Executor; timeoutMs?: number; stats?: InvokeStats } = {},
  ): Promise<Reply> {
    const executor = options.executor ?? this.kernel.db;
    const pkg = await this.loadPackage(executor, enablement.pluginId, enablement.version);
    // After a core upgrade an enabled plugin whose engine range no longer matches is not run at
    // all (its unit sees it listed as incompatible); that is the core's doing, not a plugin fault.
    if (!engineSatisfied(pkg.manifest.engine, hostApiVersion())) {
      return errorReply('PLUGIN_NOT_LOADED', `needs host API ${pkg.manifest.engine}; this system provides ${hostApiVersion()}`, 409);
    }
    const context: CallContext = {
      pluginId: pkg.pluginId, unitId: enablement.unitId, grants: new Set(enablement.grants), manifest: pkg.manifest, executor,
      stats: options.stats ?? { writes: 0 },
    };
    const budget = entry === 'schedule' ? this.scheduleBudget(pkg.manifest, name) : { timeoutMs: options.timeoutMs ?? this.limits.timeoutMs, cpuMs: this.limits.cpuMs };
    const outcome = await this.runner.invoke({
      key: pkg.key, code: pkg.code, unitId: enablement.unitId, entry, name, input, settings: enablement.settings,
      timeoutMs: budget.timeoutMs, cpuMs: budget.cpuMs, memoryMb: this.limits.memoryMb,
      maxResultBytes: this.limits.maxResultBytes, maxHostCalls: this.limits.maxHostCalls, context,
    });
    const metric = this.metricOf(pkg.pluginId, enablement.unitId);
    metric.calls += 1;
    metric.latencies[metric.next] = outcome.wallMs;
    metric.next = (metric.next + 1) % LATENCY_WINDOW;
    if (outcome.memory) metric.memory = outcome.memory;
    const reply = !outcome.reply.ok && outcome.reply.error.refused ? checkedRefusal(pkg.pluginId, entry, outcome.reply.error) : outcome.reply;
    // A refusal is the plugin answering, not failing: it neither counts as an error nor toward the breaker.
    const isFault = !reply.ok && reply.error.code !== 'PLUGIN_ENTRY_MISSING' && !reply.error.refused;
    if (isFault) {
      metric.errors += 1;
      metric.faultsByCode[reply.error.code] = (metric.faultsByCode[reply.error.code] ?? 0) + 1;
      console.warn(`[plugins] ${pkg.key} in unit ${enablement.unitId}: ${entry} ${name} failed: ${reply.error.code} ${reply.error.message}`);
      this.track(this.recordFault(enablement, `${entry} ${name}: ${reply.error.code}: ${reply.error.message}`));
    } else if (enablement.faults > 0) {
      enablement.faults = 0;
      this.track(this.kernel.db.updateTable('plugin_units').set({ faults: 0 }).where('unit_id', '=', enablement.unitId).where('plugin_id', '=', enablement.pluginId).where('state', '=', 'enabled').execute());
    }
    this.events.emit('invoked', { pluginId: pkg.pluginId, unitId: enablement.unitId, entry, name, reply });
    return reply;
  }

  /**
   * The limits of one scheduled job: its manifest entry may declare a longer wall time (up to the
   * host's maximum), and its CPU budget grows by the same amount, keeping the allowance an
   * interactive call has for waiting on host calls (by default 2 s wall / 1 s CPU, so 5 s declared
   * gives 4 s of CPU). A job that declares nothing runs under the ordinary limits.
   */
  scheduleBudget(manifest: Manifest, jobName: string): { timeoutMs: number; cpuMs: number } {
    const job = manifest.schedule.find((j) => j.name === jobName);
    const ceiling = Math.max(this.limits.timeoutMs, this.limits.scheduleMaxTimeoutMs);
    const timeoutMs = job?.timeoutMs ? Math.min(Math.max(job.timeoutMs, this.limits.timeoutMs), ceiling) : this.limits.timeoutMs;
    const waiting = Math.max(0, this.limits.timeoutMs - this.limits.cpuMs);
    return { timeoutMs, cpuMs: Math.min(timeoutMs, Math.max(this.limits.cpuMs, timeoutMs - waiting)) };
  }

  private async recordFault(enablement: Enablement, description: string): Promise<void> {
    const db = this.kernel.db;
    const row = await db
      .updateTable('plugin_units')
      .set((eb) => ({ faults: eb('faults', '+', 1), last_fault: description.slice(0, 1000), updated_at: nowIso() }))
      .where('unit_id', '=', enablement.unitId)
      .where('plugin_id', '=', enablement.pluginId)
      .where('state', '=', 'enabled')
      .returning(['faults'])
      .executeTakeFirst();
    if (!row) return;
    enablement.faults = row.faults;
    if (row.faults < this.limits.breakerThreshold) return;
    await db.transaction().execute(async (tx) => {
      const tripped = await tx
        .updateTable('plugin_units')
        .set({ state: 'tripped', updated_at: nowIso() })
        .where('unit_id', '=', enablement.unitId)
        .where('plugin_id', '=', enablement.pluginId)
        .where('state', '=', 'enabled')
        .returning(['id'])
        .executeTakeFirst();
      if (!tripped) return;
      await appendAudit(tx, {
        actor: SYSTEM_ACTOR, unitId: enablement.unitId, action: 'plugin.trip', entity: 'plugin', entityId: `${enablement.unitId}:${enablement.pluginId}`,
        before: { state: 'enabled' }, after: { state: 'tripped', faults: row.faults, lastFault: description.slice(0, 500) },
      });
      await tx.insertInto('notifications').values({
        unit_id: enablement.unitId, user_id: null, role: 'unit_admin', source: 'plugin-host',
        title: `插件 ${enablement.pluginId} 连续出错 ${row.faults} 次，已在本单位自动停用`,
        body: `最近一次错误：${description.slice(0, 500)}。请检查插件后在插件管理中重新启用。`,
        link: '/admin-plugins', created_at: nowIso(), read_at: null,
      }).execute();
    });
    enablement.state = 'tripped';
    console.warn(`[plugins] breaker tripped: ${enablement.pluginId} disabled in unit ${enablement.unitId} after ${row.faults} faults`);
    this.runner.drop(`${enablement.pluginId}@${enablement.version}`, enablement.unitId);
  }

  // ------------------------------------------------------------------ validators

  private async validate(tx: Tx, kind: ValidatorKind, unitId: string, document: Record<string, unknown>): Promise<ValidatorVerdict[]> {
    const rows = await tx.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('state', '=', 'enabled').execute();
    if (rows.length === 0) return [];
    const verdicts: ValidatorVerdict[] = [];
    for (const row of rows) {
      const enablement = enablementOf(row);
      if (!enablement.grants.includes('validators')) continue;
      const pkg = await this.loadPackage(tx, enablement.pluginId, enablement.version);
      if (!pkg.manifest.validators.includes(kind)) continue;
      const reply = await this.invoke(enablement, 'validators', kind, { kind, unitId, document }, { executor: tx, timeoutMs: this.limits.validatorTimeoutMs });
      const answer = reply.ok ? readVerdict(reply.value) : null;
      if (answer) {
        verdicts.push({ source: enablement.pluginId, ...answer });
        continue;
      }
      const why = reply.ok ? 'the validator returned something other than ok/warn/block' : `${reply.error.code}: ${reply.error.message}`;
      if (!reply.ok && reply.error.code === 'PLUGIN_ENTRY_MISSING') continue;
      if (reply.ok) this.track(this.recordFault(enablement, `validators ${kind}: PLUGIN_BAD_RESULT`));
      verdicts.push({
        source: enablement.pluginId,
        result: enablement.failMode === 'closed' ? 'block' : 'warn',
        message: `插件校验未完成（${why}）`,
      });
    }
    return verdicts;
  }

  // ------------------------------------------------------------------ the host API (calls from the sandbox)

  private async answer(call: HostCall): Promise<unknown> {
    const context = call.context as CallContext | undefined;
    if (!context || context.unitId !== call.unitId) throw new HostCallError('PLUGIN_CALL_EXPIRED', 'this host object belongs to a call that has finished', 403);
    const permission = METHOD_PERMISSION[call.method];
    if (!permission) throw new HostCallError('PLUGIN_UNKNOWN_HOST_CALL', `unknown host call ${String(call.method).slice(0, 60)}`, 400);
    if (!context.grants.has(permission)) {
      throw new HostCallError('PLUGIN_PERMISSION_DENIED', `${call.method} needs the permission ${permission}, which this unit did not grant`, 403);
    }
    const db = context.executor;
    const unitId = context.unitId;
    const a = call.args;
    if (WRITE_METHODS.has(call.method)) context.stats.writes += 1;
    switch (call.method) {
      case 'ledger.indicators':
        return readIndicators(db, unitId, a[0]);
      case 'ledger.payments':
        return readPayments(db, unitId, a[0]);
      case 'ledger.projects':
        return readProjects(db, unitId);
      case 'ledger.departments':
        return readDepartments(db, unitId);
      case 'ledger.transfers':
        return readTransfers(db, unitId, a[0]);
      case 'ledger.executionReport':
        return readExecutionReport(db, unitId, a[0]);
      case 'storage.put':
      case 'storage.get':
      case 'storage.delete':
      case 'storage.query':
        return storageCall(db, context, call.method, a);
      case 'notify':
        return notify(db, context, objectArg(a[0]));
      case 'realtime.publish': {
        const channel = String(a[0] ?? '');
        if (!/^[a-z0-9][a-z0-9:_-]{0,63}$/.test(channel)) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'channel: 1–64 of a-z 0-9 : _ -');
        const data = JSON.stringify(a[1] ?? null);
        if (data.length > 6000) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'realtime messages are limited to 6000 bytes of JSON', 413);
        await this.realtime.publish({ unitId, channel: `${context.pluginId}:${channel}`, data });
        return null;
      }
      case 'log': {
        const level = ['info', 'warn', 'error'].includes(String(a[0])) ? String(a[0]) : 'info';
        const data = a[2] === null || a[2] === undefined ? null : JSON.stringify(a[2]).slice(0, 4000);
        await db.insertInto('plugin_logs').values({ plugin_id: context.pluginId, unit_id: unitId, level, message: String(a[1] ?? '').slice(0, 2000), data, at: nowIso() }).execute();
        return null;
      }
    }
    throw new HostCallError('PLUGIN_UNKNOWN_HOST_CALL', 'unknown host call', 400);
  }

  // ------------------------------------------------------------------ observability

  private metricOf(pluginId: string, unitId: string): Metric {
    const key = `${pluginId}\u0000${unitId}`;
    let metric = this.metrics.get(key);
    if (!metric) {
      metric = { calls: 0, errors: 0, faultsByCode: {}, latencies: [], next: 0, memory: 0 };
      this.metrics.set(key, metric);
    }
    return metric;
  }

  metricsSnapshot(filter: { pluginId?: string; unitId?: string } = {}) {
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

  prometheus(): string {
    const lines = [
      '# HELP unibudget_plugin_calls_total Calls into plugin code, per plugin and unit.',
      '# TYPE unibudget_plugin_calls_total counter',
    ];
    const snapshot = this.metricsSnapshot();
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
    lines.push(`unibudget_plugin_runner_restarts_total ${this.runner.restarts}`);
    return lines.join('\n') + '\n';
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
const esc = (s: string) => s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

/**
 * A refusal as the sandbox reported it, believed only where a refusal means something (a route or a
 * view answering its caller) and only in its allowed shape; otherwise it is the plugin's fault. The
 * code is prefixed with the plugin id (`analytics.BAD_INPUT`): core codes have no lower case or dot,
 * so a plugin cannot answer as the core would.
 */
function checkedRefusal(pluginId: string, entry: InvokeRequest['entry'], error: MarshalledError): Reply {
  const shown = `${error.status} ${error.code}: ${error.message}`.slice(0, 500);
  if (entry !== 'routes' && entry !== 'views') return errorReply('PLUGIN_THREW', `refused (${shown}) where only a result or a throw is expected`, 500);
  if (!(REFUSAL_STATUSES as readonly number[]).includes(error.status)) {
    return errorReply('PLUGIN_BAD_REFUSAL', `a refusal's status must be one of ${REFUSAL_STATUSES.join(', ')} (${shown})`, 500);
  }
  if (!REFUSAL_CODE.test(error.code)) return errorReply('PLUGIN_BAD_REFUSAL', `a refusal's code must match ${REFUSAL_CODE} (${shown})`, 500);
  const refused: MarshalledError = {
    code: `${pluginId}.${error.code}`, message: (error.message || error.code).slice(0, 500), status: error.status, refused: true,
    details: error.details && typeof error.details === 'object' && !Array.isArray(error.details) ? error.details : {},
  };
  if (error.messageEn) refused.messageEn = error.messageEn.slice(0, 500);
  return { ok: false, error: refused };
}

function readVerdict(value: unknown): { result: 'ok' | 'warn' | 'block'; message: string } | null {
  const v = objectArg(value);
  if (v.result === 'ok') return { result: 'ok', message: '' };
  if ((v.result === 'warn' || v.result === 'block') && typeof v.message === 'string') return { result: v.result, message: v.message.slice(0, 500) };
  return null;
}

// ------------------------------------------------------------------ storage

const MAX_DOC_BYTES = 64 * 1024;

async function storageCall(db: Executor, context: CallContext, method: string, a: unknown[]): Promise<unknown> {
  const name = String(a[0] ?? '');
  const collection = context.manifest.collections.find((c) => c.name === name);
  if (!collection) throw new HostCallError('PLUGIN_UNKNOWN_COLLECTION', `collection ${name.slice(0, 40)} is not declared in the manifest`, 400);
  const base = db
    .selectFrom('plugin_docs')
    .where('plugin_id', '=', context.pluginId)
    .where('unit_id', '=', context.unitId)
    .where('collection', '=', name);
  if (method === 'storage.query') {
    const where = objectArg(a[1]);
    const options = objectArg(a[2]);
    let q = base.select(['doc_id', 'data', 'updated_at']);
    for (const [field, value] of Object.entries(where)) {
      const index = collection.indexes.indexOf(field);
      if (index < 0) throw new HostCallError('PLUGIN_NOT_INDEXED', `field ${field.slice(0, 40)} is not an indexed field of ${name}`, 400);
      q = q.where(`idx${index}` as 'idx0', '=', String(value));
    }
    const limit = Math.min(Math.max(1, Number(options.limit) || 100), 500);
    const rows = await q.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: r.doc_id, data: JSON.parse(r.data), updatedAt: r.updated_at }));
  }
  const id = String(a[1] ?? '');
  if (id.length === 0 || id.length > 200) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'document ids are 1–200 characters', 400);
  if (method === 'storage.get') {
    const row = await base.select(['doc_id', 'data', 'updated_at']).where('doc_id', '=', id).executeTakeFirst();
    return row ? { id: row.doc_id, data: JSON.parse(row.data), updatedAt: row.updated_at } : null;
  }
  if (method === 'storage.delete') {
    const result = await db.deleteFrom('plugin_docs')
      .where('plugin_id', '=', context.pluginId).where('unit_id', '=', context.unitId).where('collection', '=', name).where('doc_id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
  const data = a[2];
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'documents are JSON objects', 400);
  const json = JSON.stringify(data);
  if (json.length > MAX_DOC_BYTES) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', `documents are limited to ${MAX_DOC_BYTES} bytes`, 413);
  const idx = (i: number) => {
    const field = collection.indexes[i];
    const value = field ? (data as Record<string, unknown>)[field] : undefined;
    return value === undefined || value === null ? null : String(value).slice(0, 200);
  };
  const values = { idx0: idx(0), idx1: idx(1), idx2: idx(2), data: json, updated_at: nowIso() };
  await db
    .insertInto('plugin_docs')
    .values({ plugin_id: context.pluginId, unit_id: context.unitId, collection: name, doc_id: id, ...values })
    .onConflict((oc) => oc.columns(['plugin_id', 'unit_id', 'collection', 'doc_id']).doUpdateSet(values))
    .execute();
  return null;
}

async function notify(db: Executor, context: CallContext, message: Record<string, unknown>): Promise<null> {
  const title = typeof message.title === 'string' ? message.title.slice(0, 200) : '';
  if (!title) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'a notification needs a title', 400);
  const body = typeof message.body === 'string' ? message.body.slice(0, 2000) : '';
  const link = typeof message.link === 'string' ? message.link.slice(0, 300) : null;
  const users = Array.isArray(message.users) ? [...new Set(message.users.filter((u): u is number => Number.isSafeInteger(u)))].slice(0, 50) : [];
  const roles = Array.isArray(message.roles) ? message.roles.filter((r): r is string => typeof r === 'string').slice(0, 10) : [];
  // Only members of the bound unit can be addressed.
  const members = users.length
    ? (await db.selectFrom('role_grants').select('user_id').distinct().where('unit_id', '=', context.unitId).where('user_id', 'in', users).execute()).map((r) => r.user_id)
    : [];
  if (members.length < users.length) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'notifications go only to members of this unit', 403);
  const recipients = [...members.map((u) => ({ user_id: u, role: null })), ...roles.map((r) => ({ user_id: null, role: r }))];
  if (recipients.length === 0) recipients.push({ user_id: null, role: 'unit_admin' });
  await db.insertInto('notifications').values(recipients.map((r) => ({
    unit_id: context.unitId, ...r, source: `plugin:${context.pluginId}`, title, body, link, created_at: nowIso(), read_at: null,
  }))).execute();
  return null;
}

// ------------------------------------------------------------------ one host per core

const hosts = new WeakMap<Kernel, PluginHost>();

/** The plugin host of a core, created on first use; closing the kernel stops it. */
export function hostOf(kernel: Kernel, limits: Partial<PluginLimits> = {}): PluginHost {
  let host = hosts.get(kernel);
  if (!host) {
    const created = new PluginHost(kernel, limits);
    host = created;
    hosts.set(kernel, created);
    const close = kernel.close;
    kernel.close = async () => {
      hosts.delete(kernel);
      await created.stop();
      await close();
    };
  }
  return host;
}

export function existingHost(kernel: Kernel): PluginHost | undefined {
  return hosts.get(kernel);
}
