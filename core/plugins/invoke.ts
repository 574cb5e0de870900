import type { EventEmitter } from 'node:events';
import type { Executor } from '../db/connection.js';
import { engineSatisfied } from '../../sdk/manifest.js';
import { REFUSAL_CODE, REFUSAL_STATUSES } from '../../sdk/plugin.js';
import { errorReply, type InvokeOutcome, type InvokeRequest, type MarshalledError, type Reply } from './runner/client.js';
import type { Runner } from './runner/pool.js';
import { hostApiVersion } from './version.js';
import { scheduleBudget, type PluginLimits } from './limits.js';
import type { PackageCache } from './packages.js';
import type { PluginMetrics } from './metrics.js';
import type { Breaker } from './breaker.js';
import type { Enablement } from './enablement.js';
import type { CallContext, InvokeStats } from './host-api.js';
import { DeferredPuts } from './deferred-puts.js';
import { AppError, type ErrorCode } from './errors.js';

export interface InvokeOptions {
  /** Where the call's host calls read and write (a validator's: the writer's transaction); the core's database by default. */
  executor?: Executor;
  timeoutMs?: number;
  /** Counts what the call's host calls did, for the caller. */
  stats?: InvokeStats;
  /** Host calls that write are refused (a GET route: see CallContext.readOnly). */
  readOnly?: boolean;
}

/** What an invocation works with: the host's parts. */
export interface InvokeDeps {
  db: Executor;
  runner: Runner;
  limits: PluginLimits;
  packages: PackageCache;
  metrics: PluginMetrics;
  breaker: Breaker;
  events: EventEmitter;
}

/**
 * Runs one entry of a plugin for a unit under the limits. Faults (throw, timeout, out of memory,
 * bringing the runner down, bad result) are logged with the plugin id, counted, and may trip the
 * breaker. A call that failed only because the shared runner died under it (PLUGIN_RUNNER_DIED:
 * another plugin was blamed, or no one could be) is nobody's fault: not counted, and a read (a view,
 * a GET route) whose runner death was pinned on another plugin is run once more. A quarantined
 * plugin is not run at all (PLUGIN_QUARANTINED).
 */
export async function invokeEntry(
  deps: InvokeDeps,
  enablement: Enablement,
  entry: InvokeRequest['entry'],
  name: string,
  input: unknown,
  options: InvokeOptions = {},
): Promise<Reply> {
  const { limits } = deps;
  const executor = options.executor ?? deps.db;
  if (await deps.breaker.isQuarantined(executor, enablement.pluginId)) {
    return errorReply('PLUGIN_QUARANTINED', 'the plugin repeatedly brought down the plugin runner and is quarantined until the system administrator releases it', 409);
  }
  const pkg = await deps.packages.load(executor, enablement.pluginId, enablement.version);
  // After a core upgrade an enabled plugin whose engine range no longer matches is not run at
  // all (its unit sees it listed as incompatible); that is the core's doing, not a plugin fault.
  if (!engineSatisfied(pkg.manifest.engine, hostApiVersion())) {
    return errorReply('PLUGIN_NOT_LOADED', `needs host API ${pkg.manifest.engine}; this system provides ${hostApiVersion()}`, 409);
  }
  const deferred = entry === 'eventBatch' ? new DeferredPuts() : undefined;
  const context: CallContext = {
    pluginId: pkg.pluginId, unitId: enablement.unitId, grants: new Set(enablement.grants), manifest: pkg.manifest, executor,
    stats: options.stats ?? { writes: 0 }, readOnly: options.readOnly === true, deferred,
  };
  const budget = entry === 'schedule' ? scheduleBudget(limits, pkg.manifest, name) : { timeoutMs: options.timeoutMs ?? limits.timeoutMs, cpuMs: limits.cpuMs };
  const run = () => deps.runner.invoke({
    key: pkg.key, code: pkg.code, unitId: enablement.unitId, entry, name, input, settings: enablement.settings,
    timeoutMs: budget.timeoutMs, cpuMs: budget.cpuMs, memoryMb: limits.memoryMb,
    maxResultBytes: limits.maxResultBytes, maxHostCalls: limits.maxHostCalls, context,
  });
  let outcome = await run();
  if (bystander(outcome) && outcome.death?.culpritKnown && (entry === 'views' || (entry === 'routes' && name.startsWith('GET ')))) outcome = await run();
  // A batch whose puts could not be written at all has failed, but not by a fault of the plugin's.
  let unwritten = false;
  if (deferred && outcome.reply.ok) {
    const reply = await finishBatch(context, deferred, outcome.reply.value);
    unwritten = !reply.ok;
    outcome = { ...outcome, reply };
  }
  const reply = !outcome.reply.ok && outcome.reply.error.refused ? checkedRefusal(pkg.pluginId, entry, outcome.reply.error) : withHostLimit(outcome.reply, context);
  // A refusal is the plugin answering, not failing: it neither counts as an error nor toward the
  // breaker; nor does a host limit it ran into (a full quota is the administrator's setting, not a
  // bug: the breaker must not switch a plugin off for it), nor a runner death that was not this call's doing.
  const innocent = bystander(outcome) || unwritten;
  const isFault = !reply.ok && reply.error.code !== 'PLUGIN_ENTRY_MISSING' && !reply.error.refused && !reply.error.hostLimit && !innocent;
  deps.metrics.record(pkg.pluginId, enablement.unitId, outcome, !reply.ok && isFault ? reply.error.code : null);
  if (!reply.ok && isFault) {
    console.warn(`[plugins] ${pkg.key} in unit ${enablement.unitId}: ${entry} ${name} failed: ${reply.error.code} ${reply.error.message}`);
    deps.breaker.fault(enablement, { entry, name, code: reply.error.code, message: reply.error.message });
  } else if (!innocent) {
    deps.breaker.succeeded(enablement);
  }
  deps.events.emit('invoked', { pluginId: pkg.pluginId, unitId: enablement.unitId, entry, name, reply });
  return reply;
}

/**
 * Writes the puts of the events a batch completed (its answer's `done`). A put refused stops the
 * batch at its event, as if that event's handler had failed: the answer says so.
 */
async function finishBatch(context: CallContext, deferred: DeferredPuts, value: unknown): Promise<Reply> {
  const answer = value as { done?: unknown; failed?: unknown } | null;
  const done = Number.isSafeInteger(answer?.done) ? (answer!.done as number) : 0;
  try {
    await deferred.apply(context, done);
  } catch (error) {
    if (deferred.refusedAt === null) return errorReply('HOST_ERROR', `the batch's storage writes failed: ${(error as Error).message}`.slice(0, 500));
  }
  const refusedAt = deferred.refusedAt;
  return refusedAt !== null && refusedAt < done ? { ok: true, value: { done: refusedAt, failed: true } } : { ok: true, value };
}

/** A failed call as its caller is answered (a plugin route, a view, an enable's migration). */
export function callFailure(pluginId: string, error: MarshalledError, during?: string): AppError {
  if (error.hostLimit) return new AppError(error.hostLimit.code as ErrorCode, error.hostLimit.details);
  if (error.code === 'PLUGIN_ENTRY_MISSING') return new AppError('PLUGIN_ROUTE_NOT_FOUND', { pluginId });
  if (error.code === 'PLUGIN_NOT_LOADED') return new AppError('PLUGIN_NOT_LOADED', { pluginId, reason: error.message });
  if (error.code === 'PLUGIN_QUARANTINED') return new AppError('PLUGIN_QUARANTINED', { pluginId });
  return new AppError('PLUGIN_FAULT', { pluginId, code: error.code, message: error.message, ...(during ? { during } : {}) });
}

/**
 * A call that failed with a host limit one of its own host calls was refused with (the runner only
 * lets a call report host codes it was answered with): the failure carries that limit for the caller.
 */
function withHostLimit(reply: Reply, context: CallContext): Reply {
  if (reply.ok || !context.limitsHit) return reply;
  const limit = context.limitsHit.find((e) => e.code === reply.error.code);
  if (!limit) return reply;
  return { ok: false, error: { ...reply.error, status: limit.status, hostLimit: { code: limit.code, status: limit.status, details: { ...limit.details } } } };
}

/** The call failed only because the runner died under it, and it was not the call blamed for that. */
function bystander(outcome: InvokeOutcome): boolean {
  return !outcome.reply.ok && outcome.reply.error.code === 'PLUGIN_RUNNER_DIED' && outcome.death?.charged !== true;
}

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
