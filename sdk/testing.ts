import { randomUUID } from 'node:crypto';
import { createKernel, type Kernel } from '../core/kernel.js';
import { createApp } from '../core/server/app.js';
import { DEMO_PASSWORD, seedDemo } from '../core/demo/seed.js';
import { SYSTEM_ACTOR } from '../core/audit/service.js';
import { hostOf, type PluginHost, type PluginLimits } from '../core/plugins/host.js';
import { enable, enabledIn, installBundle, updateTrust } from '../core/plugins/service.js';
import { buildPlugin } from './build.js';
import { makeBundle, type Bundle } from './bundle.js';
import type { HostPermission } from './manifest.js';

/**
 * The plugin author's test harness: a real core in memory (SQLite), seeded with the demo units
 * (`a` and `b`, their people and fiscal year), and the plugin running in the real sandbox. Calls go
 * through the same HTTP routes the web app uses, as a demo user of the unit.
 */
export interface HarnessOptions {
  /** A plugin folder (manifest.json + src/index.ts), built with esbuild… */
  dir?: string;
  /** …or a ready bundle. */
  bundle?: Bundle;
  /** Units to enable it in (default ['a']). */
  units?: string[];
  /** Grants (default: everything the manifest requests). */
  grants?: HostPermission[];
  settings?: Record<string, unknown>;
  failMode?: 'open' | 'closed';
  limits?: Partial<PluginLimits>;
  /**
   * Seed half a year of budget work (indicators, payments through approval and payment, transfers)
   * into units a and b, so `host.ledger.*` has data to read. Off by default: it takes a few seconds.
   */
  activity?: boolean;
  /** The day the demo is seeded "as of" (default 2026-06-15T08:00:00Z). */
  today?: Date;
}

export class HarnessError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: unknown) {
    super(`${status} ${code}: ${message}`);
  }
}

export interface PluginHarness {
  kernel: Kernel;
  host: PluginHost;
  pluginId: string;
  /** Calls one of the plugin's routes as `<unit>.staff` (or `as`). */
  route(method: 'GET' | 'POST', path: string, options?: { body?: unknown; unitId?: string; as?: string; query?: Record<string, string> }): Promise<any>;
  /** Renders a view as `<unit>.staff` (or `as`), validated by the host as in production. */
  view(viewId: string, options?: { unitId?: string; as?: string; query?: Record<string, string> }): Promise<any>;
  /** Issues an indicator (10,000 yuan by default) and submits a payment against it: runs `payment.validate`. */
  submitPayment(amountFen: number, options?: { unitId?: string }): Promise<{ status: number; body: any }>;
  /**
   * Issues two indicators in the same economic class and submits a transfer between them (as the
   * unit's finance officer): runs `transfer.validate`.
   */
  submitTransfer(amountFen: number, options?: { unitId?: string; reason?: string }): Promise<{ status: number; body: any }>;
  /** Runs one scheduled job of the plugin for a unit now (as the scheduler would at its slot). */
  runSchedule(name: string, options?: { unitId?: string; scheduledAt?: string }): Promise<unknown>;
  /** Delivers one event to the plugin's handler directly (as the outbox would). */
  emit(type: string, payload: Record<string, unknown>, options?: { unitId?: string; id?: string }): Promise<unknown>;
  /** The plugin's stored documents in a collection of a unit. */
  documents(collection: string, unitId?: string): Promise<Array<{ id: string; data: any }>>;
  close(): Promise<void>;
}

export async function createPluginHarness(options: HarnessOptions): Promise<PluginHarness> {
  let bundle = options.bundle;
  if (!bundle) {
    if (!options.dir) throw new Error('createPluginHarness needs { dir } or { bundle }');
    const built = await buildPlugin(options.dir);
    bundle = makeBundle(built.manifest, built.code);
  }
  const kernel = await createKernel({ databaseUrl: ':memory:', kdf: 'fast' });
  await seedDemo(kernel, options.today ?? new Date('2026-06-15T08:00:00Z'), { activity: options.activity ?? false });
  const host = hostOf(kernel, options.limits);
  const app = createApp(kernel);
  await updateTrust(kernel, SYSTEM_ACTOR, { allowUnsigned: true });
  const installed = await installBundle(kernel, SYSTEM_ACTOR, bundle);
  const pluginId = installed.pluginId;
  const units = options.units ?? ['a'];
  for (const unitId of units) {
    await enable(kernel, SYSTEM_ACTOR, unitId, pluginId, {
      grants: options.grants ?? installed.manifest.permissions, settings: options.settings, failMode: options.failMode,
    });
  }
  const tokens = new Map<string, string>();
  const token = async (username: string) => {
    let t = tokens.get(username);
    if (!t) {
      const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
      t = ((await res.json()) as { token: string }).token;
      tokens.set(username, t);
    }
    return t;
  };
  const request = async (method: string, path: string, username: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${await token(username)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    return { status: res.status, body: parsed };
  };
  const unwrap = (r: { status: number; body: any }) => {
    if (r.status >= 400) throw new HarnessError(r.status, r.body?.error?.code, r.body?.error?.message, r.body?.error?.details);
    return r.body;
  };
  return {
    kernel, host, pluginId,
    async route(method, path, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      const qs = opts.query ? `?${new URLSearchParams(opts.query)}` : '';
      return unwrap(await request(method, `/api/units/${unitId}/plugins/${pluginId}/routes/${path}${qs}`, opts.as ?? `${unitId}.staff`, method === 'POST' ? opts.body ?? {} : undefined));
    },
    async view(viewId, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      const qs = opts.query ? `?${new URLSearchParams(opts.query)}` : '';
      return unwrap(await request('GET', `/api/units/${unitId}/plugins/${pluginId}/views/${viewId}${qs}`, opts.as ?? `${unitId}.staff`));
    },
    async submitPayment(amountFen, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      const dept = await kernel.db.selectFrom('departments').select('id').where('unit_id', '=', unitId).orderBy('code').executeTakeFirstOrThrow();
      const indicator = unwrap(await request('POST', `/api/units/${unitId}/indicators`, `${unitId}.finance`, {
        year: 2026, name: '插件测试指标', departmentId: dept.id, projectId: null, expenditureKind: 'operating', functionalCode: '2050101',
        economicCode: '30201', fundSourceCode: '11', amount: Math.max(1_000_000, amountFen * 2), date: '2026-06-01', isFlexibleReserve: false,
      }));
      return request('POST', `/api/units/${unitId}/payments`, `${unitId}.finance`, {
        indicatorId: indicator.id, payeeName: '示范县文具公司', payeeAccount: '6222020200001234567', purpose: '购买办公用品', amount: amountFen, date: '2026-06-10',
      });
    },
    async submitTransfer(amountFen, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      const dept = await kernel.db.selectFrom('departments').select('id').where('unit_id', '=', unitId).orderBy('code').executeTakeFirstOrThrow();
      const issue = async (name: string) => unwrap(await request('POST', `/api/units/${unitId}/indicators`, `${unitId}.finance`, {
        year: 2026, name, departmentId: dept.id, projectId: null, expenditureKind: 'operating', functionalCode: '2050101',
        economicCode: '30201', fundSourceCode: '11', amount: Math.max(1_000_000, amountFen * 2), date: '2026-06-01', isFlexibleReserve: false,
      }));
      const from = await issue('插件测试调出指标');
      const to = await issue('插件测试调入指标');
      return request('POST', `/api/units/${unitId}/transfers`, `${unitId}.finance`, {
        fromIndicatorId: from.id, toIndicatorId: to.id, amount: amountFen, reason: opts.reason ?? '插件测试调剂', date: '2026-06-10',
      });
    },
    async runSchedule(name, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      const enablement = await enabledIn(kernel.db, unitId, pluginId);
      const reply = await host.invoke(enablement, 'schedule', name, { scheduledAt: opts.scheduledAt ?? new Date().toISOString() });
      if (!reply.ok) throw new HarnessError(reply.error.status, reply.error.code, reply.error.message, null);
      return reply.value;
    },
    async emit(type, payload, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      const enablement = await enabledIn(kernel.db, unitId, pluginId);
      const reply = await host.invoke(enablement, 'events', type, { id: opts.id ?? randomUUID(), type, unitId, occurredAt: new Date().toISOString(), payload });
      if (!reply.ok) throw new HarnessError(reply.error.status, reply.error.code, reply.error.message, null);
      return reply.value;
    },
    async documents(collection, unitId = units[0]!) {
      const rows = await kernel.db.selectFrom('plugin_docs').select(['doc_id', 'data']).where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).where('collection', '=', collection).orderBy('id').execute();
      return rows.map((r) => ({ id: r.doc_id, data: JSON.parse(r.data) }));
    },
    close: () => kernel.close(),
  };
}
