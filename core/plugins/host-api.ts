import type { Executor } from '../db/connection.js';
import { nowIso } from '../clock.js';
import type { RealtimeBus } from '../events/realtime.js';
import type { HostPermission, Manifest } from '../../sdk/manifest.js';
import type { HostCall } from './runner/client.js';
import { HostCallError } from './errors.js';
import { objectArg, readDepartments, readExecutionReport, readIndicators, readPayments, readProjects, readTransfers } from './ledger-read.js';
import { storageCall } from './storage.js';

/**
 * The host API: the calls a plugin makes from its sandbox (`host.ledger.*`, `host.storage.*`,
 * `host.notify`, `host.realtime.publish`, `host.log.*`), each checked against the permission the
 * unit granted, and answered for the one plugin, unit and invocation that made it.
 */

/** What one invocation did, for its caller (the route audit). */
export interface InvokeStats {
  /** Host calls that wrote (storage put/delete, notify, realtime publish), answered or not. */
  writes: number;
}

/** What a host call needs to be answered: bound to one plugin, one unit, one invocation. */
export interface CallContext {
  pluginId: string;
  unitId: string;
  grants: ReadonlySet<HostPermission>;
  manifest: Manifest;
  executor: Executor;
  stats: InvokeStats;
}

/** Host calls that change something outside the sandbox (the plugin log is not counted). */
const WRITE_METHODS = new Set(['storage.put', 'storage.delete', 'notify', 'realtime.publish']);

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

/** Answers one host call from the sandbox; a refusal is thrown as a HostCallError. */
export async function answerHostCall(call: HostCall, realtime: RealtimeBus): Promise<unknown> {
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
      await realtime.publish({ unitId, channel: `${context.pluginId}:${channel}`, data });
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
