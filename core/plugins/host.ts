import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Kernel } from '../kernel.js';
import type { Executor } from '../db/connection.js';
import { registerValidatorProvider, unregisterValidatorProvider } from '../events/validators.js';
import { realtimeOf, type RealtimeBus } from '../events/realtime.js';
import type { Manifest } from '../../sdk/manifest.js';
import type { InvokeRequest, Reply } from './runner/client.js';
import { RunnerPool } from './runner/pool.js';
import { DEFAULT_LIMITS, scheduleBudget, type PluginLimits } from './limits.js';
import { PackageCache, type LoadedPackage } from './packages.js';
import { outboxLag, PluginMetrics, type MetricSnapshot } from './metrics.js';
import { Breaker } from './breaker.js';
import { answerHostCall } from './host-api.js';
import { invokeEntry, type InvokeDeps, type InvokeOptions } from './invoke.js';
import { pluginValidators } from './validators.js';
import type { Enablement } from './enablement.js';

/** The limits are the host's constructor options: importable from here as from limits.ts. */
export type { PluginLimits } from './limits.js';

/**
 * The plugin host of one core, assembled from its parts: the supervised runner (runner/client.ts),
 * the host API the sandbox calls back into (host-api.ts), the package cache (packages.ts),
 * invocation under the limits (invoke.ts), the validator provider (validators.ts), metrics
 * (metrics.ts), the breaker (breaker.ts) and realtime fan-out. The outbox delivery loop is not the
 * host's: whoever starts the core starts it beside the host (delivery.ts, startDelivery).
 */
export class PluginHost {
  readonly runner: RunnerPool;
  readonly limits: PluginLimits;
  readonly realtime: RealtimeBus;
  readonly events = new EventEmitter();
  readonly instanceId = randomUUID();
  private readonly packages = new PackageCache();
  private readonly metrics = new PluginMetrics();
  private readonly breaker: Breaker;
  private readonly deps: InvokeDeps;
  private readonly stopHooks: Array<() => Promise<void>> = [];

  constructor(readonly kernel: Kernel, limits: Partial<PluginLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    // A death of the runner is charged to the plugin it was blamed on (the breaker counts kills toward quarantine).
    this.runner = new RunnerPool((call) => answerHostCall(call, this.realtime), {
      size: this.limits.runnerPoolSize, memoryMb: this.limits.runnerMemoryMb, onDeath: (death) => this.breaker.runnerKilled(death),
    });
    // The kernel's one bus: core announcements (core:notifications) and plugin channels share it.
    this.realtime = realtimeOf(kernel);
    this.breaker = new Breaker(kernel, this.limits, this.runner);
    this.deps = {
      db: kernel.db, runner: this.runner, limits: this.limits, packages: this.packages, metrics: this.metrics, breaker: this.breaker, events: this.events,
    };
    const validators = pluginValidators({
      limits: this.limits,
      loadPackage: (db, pluginId, version) => this.loadPackage(db, pluginId, version),
      invoke: (enablement, entry, name, input, options) => this.invoke(enablement, entry, name, input, options),
      breaker: this.breaker,
    });
    registerValidatorProvider(kernel.db, validators.ask, validators.applies);
  }

  /**
   * Work to finish before the host stops (the delivery loop started beside it), run first and in
   * order of registration.
   */
  beforeStop(hook: () => Promise<void>): void {
    this.stopHooks.push(hook);
  }

  async stop(): Promise<void> {
    unregisterValidatorProvider(this.kernel.db);
    for (const hook of this.stopHooks.splice(0)) await hook();
    await this.idle();
    await this.runner.stop();
    // The bus is the kernel's, not the host's: realtimeOf closes it with the kernel.
  }

  /** Waits for fault bookkeeping written in the background (tests). */
  async idle(): Promise<void> {
    await this.breaker.idle();
  }

  loadPackage(db: Executor, pluginId: string, version: string): Promise<LoadedPackage> {
    return this.packages.load(db, pluginId, version);
  }

  forgetPackage(pluginId: string, version?: string): void {
    for (const key of this.packages.forget(pluginId, version)) this.runner.drop(key);
  }

  /** Runs one entry of a plugin for a unit under the limits (invoke.ts). */
  invoke(enablement: Enablement, entry: InvokeRequest['entry'], name: string, input: unknown, options: InvokeOptions = {}): Promise<Reply> {
    return invokeEntry(this.deps, enablement, entry, name, input, options);
  }

  /** The limits of one scheduled job (limits.ts). */
  scheduleBudget(manifest: Manifest, jobName: string): { timeoutMs: number; cpuMs: number } {
    return scheduleBudget(this.limits, manifest, jobName);
  }

  /** The system administrator released a quarantined plugin (breaker.ts releaseQuarantine): run it again at once. */
  quarantineReleased(pluginId: string): void {
    this.breaker.released(pluginId);
  }

  metricsSnapshot(filter: { pluginId?: string; unitId?: string } = {}): MetricSnapshot[] {
    return this.metrics.snapshot(filter);
  }

  /** The host's part of /api/metrics: plugin calls, the runner pool's state, the outbox lag (read from the database). */
  async prometheus(): Promise<string> {
    return this.metrics.prometheus(this.runner.restarts, this.runner.state(), await outboxLag(this.kernel.db));
  }
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
