import type { Executor } from '../db/connection.js';
import { nowIso } from '../clock.js';
import type { RealtimeBus } from '../events/realtime.js';
import type { HostPermission, Manifest } from '../../sdk/manifest.js';
import type { HostCall } from './runner/client.js';
import { AppError, HostCallError } from './errors.js';
import { objectArg, readBudgetRequests, readDepartments, readExecutionReport, readIndicators, readPayments, readProjects, readTimeProgress, readTransfers } from './ledger-read.js';
import { storageCall } from './storage.js';
import { readMembers } from './members.js';
import { sharedQuery } from './shared.js';
import { rulesTrial, standardsGet, standardsList, standardsPropose } from './standards-calls.js';
import { appendLog } from './logs.js';
import { quotaExceeded, quotasFor, takeRate, type PluginQuotas } from './quotas.js';

/**
 * The host API: the calls a plugin makes from its sandbox (`host.ledger.*`, `host.storage.*`,
 * `host.notify`, `host.realtime.publish`, `host.log.*`), each checked against the permission the
 * unit granted, and answered for the one plugin, unit and invocation that made it. Every answer
 * has a size budget (storage.ts, ledger-read.ts); writes count against the plugin's quotas in the
 * unit (quotas.ts); an invocation that may only read (a GET route) has its writes refused.
 */

/** What one invocation did, for its caller (the route audit). */
export interface InvokeStats {
  /** Host calls that wrote (storage put/delete, notify, realtime publish), answered or not. */
  writes: number;
  /**
   * Of those, the ones that left something lasting (the route rule `audit: 'writes'`): not a realtime
   * hint, not a write to a `bookkeeping` collection.
   */
  lasting?: number;
}

/** What a host call needs to be answered: bound to one plugin, one unit, one invocation. */
export interface CallContext {
  pluginId: string;
  unitId: string;
  grants: ReadonlySet<HostPermission>;
  manifest: Manifest;
  executor: Executor;
  stats: InvokeStats;
  /**
   * A read-only invocation (a GET route, which any reader of the unit may trigger and which is not
   * audited): storage.put/delete, notify and realtime.publish are refused; the log stays open.
   */
  readOnly?: boolean | undefined;
  /** The plugin's quotas in the unit, read once per invocation on first need. */
  quotaMemo?: Promise<PluginQuotas> | undefined;
  /** The host limits this invocation's host calls were refused with (invoke.ts answers an uncaught one to the caller). */
  limitsHit?: AppError[] | undefined;
  /** An event batch's storage.put calls, written later (deferred-puts.ts). */
  deferred?: { queue(call: HostCall, at: number): void; applyBefore(context: CallContext): Promise<void> } | undefined;
}

export function quotasOf(context: CallContext): Promise<PluginQuotas> {
  context.quotaMemo ??= quotasFor(context.executor, context.pluginId, context.unitId);
  return context.quotaMemo;
}

/** Host calls that change something outside the sandbox (the plugin log is not counted). */
const WRITE_METHODS = new Set(['storage.put', 'storage.delete', 'notify', 'realtime.publish', 'standards.propose']);

/** A write that leaves something kept: a realtime hint is gone once sent, a bookkeeping collection holds read positions. */
function lastingWrite(call: HostCall, manifest: Manifest): boolean {
  if (call.method === 'realtime.publish') return false;
  if (call.method === 'storage.put' || call.method === 'storage.delete') {
    const name = String(call.args[0] ?? '');
    return manifest.collections.find((c) => c.name === name)?.bookkeeping !== true;
  }
  return true;
}

const METHOD_PERMISSION: Record<string, HostPermission> = {
  'ledger.indicators': 'ledger.read',
  'ledger.payments': 'ledger.read',
  'ledger.projects': 'ledger.read',
  'ledger.departments': 'ledger.read',
  'ledger.transfers': 'ledger.read',
  'ledger.budgetRequests': 'ledger.read',
  'ledger.executionReport': 'ledger.read',
  'ledger.timeProgress': 'ledger.read',
  'storage.put': 'storage',
  'storage.get': 'storage',
  'storage.delete': 'storage',
  'storage.query': 'storage',
  'storage.search': 'storage',
  notify: 'notify',
  'realtime.publish': 'realtime',
  'members.list': 'members.read',
  'shared.query': 'shared.read',
  'standards.list': 'ledger.read',
  'standards.get': 'ledger.read',
  'standards.propose': 'standards.propose',
  'rules.trial': 'rules.trial',
  log: 'log',
};

/**
 * A counting semaphore: `run` waits for a free place (first come, first served). A place is handed
 * to the next waiter on a later turn of the event loop, never in the same one: a queue of host calls
 * must not run back to back in one turn (each resuming the next through promise callbacks), which
 * would keep every route of the core waiting until the whole queue was answered.
 */
class Gate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly places: number) {}
  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.places) this.active += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) setImmediate(next);
      else this.active -= 1;
    }
  }
}

/**
 * Host calls answered at once in this process, and of one plugin in one unit: the others wait their
 * turn (in the plugin's own wall time). A plugin firing dozens of large queries at once can then
 * take neither every database connection from the core's routes (PostgreSQL's pool, SQLite's one
 * connection) nor every turn from other plugins, nor from itself in other units.
 */
export const HOST_CALLS_AT_ONCE = 3;
export const HOST_CALLS_PER_PLUGIN_AND_UNIT = 1;
const everyone = new Gate(HOST_CALLS_AT_ONCE);
const perPluginAndUnit = new Map<string, Gate>();

async function gated<T>(context: CallContext, work: () => Promise<T>): Promise<T> {
  const key = `${context.pluginId}\u0000${context.unitId}`;
  let gate = perPluginAndUnit.get(key);
  if (!gate) perPluginAndUnit.set(key, (gate = new Gate(HOST_CALLS_PER_PLUGIN_AND_UNIT)));
  try {
    return await gate.run(() => everyone.run(work));
  } finally {
    if (gate.idle && perPluginAndUnit.get(key) === gate) perPluginAndUnit.delete(key);
  }
}

/** Answers one host call from the sandbox; a refusal is thrown as a HostCallError. */
export async function answerHostCall(call: HostCall, realtime: RealtimeBus): Promise<unknown> {
  const context = call.context as CallContext | undefined;
  if (call.at !== undefined) {
    // Only an event batch defers its puts (its context collects them); the runner sends no other.
    if (call.method === 'storage.put') context?.deferred?.queue(call, call.at);
    return null;
  }
  try {
    // The batch's puts so far are written first: this call may read them.
    if (context?.deferred) await context.deferred.applyBefore(context);
    return await dispatch(call, realtime);
  } catch (error) {
    if (context && error instanceof HostCallError && error.limit) (context.limitsHit ??= []).push(error.limit);
    throw error;
  }
}

async function dispatch(call: HostCall, realtime: RealtimeBus): Promise<unknown> {
  const context = call.context as CallContext | undefined;
  if (!context || context.unitId !== call.unitId) throw new HostCallError('PLUGIN_CALL_EXPIRED', 'this host object belongs to a call that has finished', 403);
  admit(call, context);
  // A call inside an open transaction already holds its connection: it must not queue behind calls waiting for one.
  return context.executor.isTransaction ? answer(call, context, realtime) : gated(context, () => answer(call, context, realtime));
}

/** Whether the unit granted the call and the invocation may write; counts a write. */
export function admit(call: HostCall, context: CallContext): void {
  const permission = METHOD_PERMISSION[call.method];
  if (!permission) throw new HostCallError('PLUGIN_UNKNOWN_HOST_CALL', `unknown host call ${String(call.method).slice(0, 60)}`, 400);
  if (!context.grants.has(permission)) {
    throw new HostCallError('PLUGIN_PERMISSION_DENIED', `${call.method} needs the permission ${permission}, which this unit did not grant`, 403);
  }
  if (WRITE_METHODS.has(call.method)) {
    if (context.readOnly) {
      throw HostCallError.limit(new AppError('PLUGIN_READ_ONLY', { pluginId: context.pluginId, call: call.method }));
    }
    context.stats.writes += 1;
    if (lastingWrite(call, context.manifest)) context.stats.lasting = (context.stats.lasting ?? 0) + 1;
  }
}

async function answer(call: HostCall, context: CallContext, realtime: RealtimeBus): Promise<unknown> {
  const db = context.executor;
  const unitId = context.unitId;
  const a = call.args;
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
    case 'ledger.budgetRequests':
      return readBudgetRequests(db, unitId, a[0]);
    case 'ledger.executionReport':
      return readExecutionReport(db, unitId, a[0]);
    case 'ledger.timeProgress':
      return readTimeProgress(db, unitId, a[0]);
    case 'storage.put':
    case 'storage.get':
    case 'storage.delete':
    case 'storage.query':
    case 'storage.search':
      return storageCall(db, { ...context, quotas: () => quotasOf(context) }, call.method, a);
    case 'notify':
      return notify(db, context, objectArg(a[0]));
    case 'realtime.publish': {
      const channel = String(a[0] ?? '');
      if (!/^[a-z0-9][a-z0-9:_-]{0,63}$/.test(channel)) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'channel: 1–64 of a-z 0-9 : _ -');
      const data = JSON.stringify(a[1] ?? null);
      if (data.length > 6000) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'realtime messages are limited to 6000 bytes of JSON', 413);
      await realtime.publish({ unitId, channel: `${context.pluginId}:${channel}`, data });
      return null;
    }
    case 'members.list':
      return readMembers(db, unitId, a[0]);
    case 'shared.query':
      return sharedQuery(db, context, a);
    case 'standards.list':
      return standardsList(db, unitId, a[0]);
    case 'standards.get':
      return standardsGet(db, unitId, a[0]);
    case 'standards.propose':
      return standardsPropose(db, unitId, context.pluginId, a[0]);
    case 'rules.trial':
      return rulesTrial(db, unitId, a[0]);
    case 'log':
      await appendLog(db, context.pluginId, unitId, { level: a[0], message: a[1], data: a[2] }, (await quotasOf(context)).logEntries);
      return null;
  }
  throw new HostCallError('PLUGIN_UNKNOWN_HOST_CALL', 'unknown host call', 400);
}

async function notify(db: Executor, context: CallContext, message: Record<string, unknown>): Promise<null> {
  const title = typeof message.title === 'string' ? message.title.slice(0, 200) : '';
  if (!title) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'a notification needs a title', 400);
  const body = typeof message.body === 'string' ? message.body.slice(0, 2000) : '';
  const link = typeof message.link === 'string' ? message.link.slice(0, 300) : null;
  const users = Array.isArray(message.users) ? [...new Set(message.users.filter((u): u is number => Number.isSafeInteger(u)))].slice(0, 50) : [];
  // Each role once: a role named ten times is one row, seen once by each of its holders.
  const roles = Array.isArray(message.roles) ? [...new Set(message.roles.filter((r): r is string => typeof r === 'string'))].slice(0, 10) : [];
  // Only members of the bound unit can be addressed.
  const members = users.length
    ? (await db.selectFrom('role_grants').select('user_id').distinct().where('unit_id', '=', context.unitId).where('user_id', 'in', users).execute()).map((r) => r.user_id)
    : [];
  if (members.length < users.length) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'notifications go only to members of this unit', 403);
  // A person named and also holding a named role would see the notice twice: the role reaches them.
  const covered = members.length && roles.length
    ? new Set((await db.selectFrom('role_grants').select('user_id').where('unit_id', '=', context.unitId).where('user_id', 'in', members)
      .where('role', 'in', roles as never[]).execute()).map((r) => r.user_id))
    : new Set<number>();
  const recipients = [...members.filter((u) => !covered.has(u)).map((u) => ({ user_id: u, role: null })), ...roles.map((r) => ({ user_id: null, role: r }))];
  if (recipients.length === 0) recipients.push({ user_id: null, role: 'unit_admin' });
  const { notificationsPerHour } = await quotasOf(context);
  if (!(await takeRate(db, context.pluginId, context.unitId, 'notify', notificationsPerHour))) {
    throw quotaExceeded(context.pluginId, 'notificationsPerHour', notificationsPerHour, notificationsPerHour);
  }
  await db.insertInto('notifications').values(recipients.map((r) => ({
    unit_id: context.unitId, ...r, source: `plugin:${context.pluginId}`, title, body, link, created_at: nowIso(), read_at: null,
  }))).execute();
  return null;
}
