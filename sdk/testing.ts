// Over 400 lines: the harness is one object over one in-memory core; its methods share that core, its app, the sign-ins and the units enabled.
// `@unibudget/sdk/testing`: the plugin author's test harness. The only SDK file that imports the
// core: the published package carries a bundle of what it needs (sdk/scripts/build-package.ts),
// so a project that installed only @unibudget/sdk runs its plugin against the real core.
import { randomUUID } from 'node:crypto';
import { createKernel, type Kernel } from '../core/kernel.js';
import { createApp } from '../core/server/app.js';
import { DEMO_PASSWORD, seedDemo } from '../core/demo/seed.js';
import { hostOf } from '../core/plugins/host.js';
import { enablementOf } from '../core/plugins/enablement.js';
import { readBudgetRequests, readDepartments, readExecutionReport, readIndicators, readPayments, readProjects, readTimeProgress, readTransfers } from '../core/plugins/ledger-read.js';
import { takeDocNos, yearOf } from '../core/ledger/approvals/doc-numbers.js';
import type { BudgetRequestRecord, HostApi, IndicatorRecord, PaymentRecord, ProjectRecord } from './api.js';
import { buildPlugin } from './build.js';
import { makeBundle, type Bundle } from './bundle.js';
import type { HostPermission } from './manifest.js';
import type { PluginLimits } from './contracts/plugins.js';

/**
 * A real core in memory (SQLite), seeded with the demo units (`a` and `b`, their people and fiscal
 * year), and the plugin running in the real sandbox (the isolated-vm runner process). Calls go
 * through the same HTTP routes the web app uses, as a demo user of the unit; everything a test
 * wants to look at in the core comes through this object, never by importing the core.
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
  limits?: Partial<HarnessLimits>;
  /**
   * Install as production does: trust this publisher's ed25519 public key (SPKI PEM) and refuse
   * unsigned bundles, so only a bundle signed with the matching key installs. Without it the
   * harness allows unsigned bundles (what a plugin folder builds into).
   */
  trust?: { publisher: string; publicKeyPem: string };
  /**
   * Seed half a year of budget work (indicators, payments through approval and payment, transfers)
   * into units a and b, so `host.ledger.*` has data to read. Off by default: it takes a few seconds.
   */
  activity?: boolean;
  /** The day the demo is seeded "as of" (default 2026-06-15T08:00:00Z). */
  today?: Date;
}

/** The sandbox limits of the host (defaults as in production: 2 s wall time a call, 64 MB, …). */
export type HarnessLimits = PluginLimits;

export class HarnessError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: unknown) {
    super(`${status} ${code}: ${message}`);
  }
}

/** Rows written straight into a unit's ledger tables by `seedLedger` (amounts in fen). */
export interface SeedLedgerInput {
  projects?: Array<{
    code: string; name: string; startYear: number; endYear: number; totalAmount: number;
    /** Default: the unit's first department (by code). */ departmentId?: number;
    status?: 'reserve' | 'approved' | 'executing' | 'closed'; functionalCode?: string; fundSourceCode?: string;
  }>;
  indicators?: Array<{
    year: number; code: string; name: string; departmentId: number; projectId?: number | null;
    expenditureKind: 'personnel' | 'operating' | 'project'; economicCode: string; fundSourceCode: string; functionalCode?: string;
    /** Issued amount, fen. */ issued: number;
  }>;
  /** Paid payments (status `paid`, created 08:00, approved 09:00 and paid on `date`). */
  payments?: Array<{
    indicatorId: number; amount: number; date: string;
    /** Default: the indicator's. */ departmentId?: number; economicCode?: string;
    payeeName?: string; purpose?: string;
  }>;
  /**
   * Budget requests (预算申报) with one line each, numbered like any (its project's line when `projectId`
   * is given, else a basic-expenditure line), in `status` (default `submitted`, submitted at 08:00 of
   * `submittedOn`, default today): what `host.ledger.budgetRequests` reads. No lifecycle, no events.
   */
  budgetRequests?: Array<{
    year: number; title: string; amount: number;
    /** Default: the unit's first department (by code). */ departmentId?: number;
    projectId?: number; economicCode?: string;
    status?: 'draft' | 'submitted' | 'returned' | 'resubmitted' | 'approved'; submittedOn?: string;
  }>;
}

/** The unit's ledger as a plugin granted `ledger.read` reads it (the same calls and records as `host.ledger`). */
export type LedgerReader = HostApi['ledger'];

export interface EnablementState {
  pluginId: string; unitId: string; version: string;
  state: 'enabled' | 'disabled' | 'tripped';
  grants: string[]; settings: Record<string, unknown>; failMode: 'open' | 'closed';
  /** Consecutive faults (the breaker trips at `breakerThreshold`). */ faults: number;
  lastFault: string | null;
}

export interface AuditRecord {
  seq: number; at: string; actorId: number | null; actorName: string; unitId: string | null;
  action: string; entity: string; entityId: string; before: unknown; after: unknown;
}

export interface NotificationRecord {
  id: number; unitId: string; userId: number | null; role: string | null; source: string;
  title: string; body: string; link: string | null; createdAt: string;
}

export interface PluginLogRecord { level: string; message: string; data: unknown; at: string }

export interface PluginHarness {
  pluginId: string;
  /** The plugin's version installed first. */
  version: string;
  /** Calls one of the plugin's routes as `<unit>.staff` (or `as`); `lang`: the caller's language (RouteRequest.lang, and a refusal's message). */
  route(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: { body?: unknown; unitId?: string; as?: string; query?: Record<string, string>; lang?: 'zh-CN' | 'en' }): Promise<any>;
  /** Renders a view as `<unit>.staff` (or `as`), validated by the host as in production. */
  /** `lang`: the reader's language the view is asked in (ViewContext.lang), zh-CN by default. */
  view(viewId: string, options?: { unitId?: string; as?: string; query?: Record<string, string>; lang?: 'zh-CN' | 'en' }): Promise<any>;
  /**
   * Any core API path (`/api/units/a/plugins/placements?placement=cockpit`) as `<unit>.staff` of the
   * first unit (or `as`), answered as the raw Response: for headers and bytes (a route's file answer).
   */
  http(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: { as?: string; body?: unknown }): Promise<Response>;
  /**
   * Drafts a budget request (one project line; a project is created when none is given) as
   * `<unit>.staff` and submits it: runs `budgetRequest.validate`. `submit` is the submit's answer.
   */
  submitBudgetRequest(amountFen: number, options?: { unitId?: string; projectId?: number; economicCode?: string }): Promise<{ requestId: number; status: number; body: any }>;
  /** Issues an indicator (10,000 yuan by default) and submits a payment against it: runs `payment.validate` (`lang`: the submitter's language). */
  submitPayment(amountFen: number, options?: { unitId?: string; lang?: 'zh-CN' | 'en' }): Promise<{ status: number; body: any }>;
  /**
   * Issues two indicators in the same economic class and submits a transfer between them (as the
   * unit's finance officer): runs `transfer.validate`.
   */
  submitTransfer(amountFen: number, options?: { unitId?: string; reason?: string }): Promise<{ status: number; body: any }>;
  /** Runs one scheduled job of the plugin for a unit now (as the scheduler would at its slot). */
  runSchedule(name: string, options?: { unitId?: string; scheduledAt?: string }): Promise<unknown>;
  /** Delivers one event to the plugin's handler directly (as the outbox would). */
  emit(type: string, payload: Record<string, unknown>, options?: { unitId?: string; id?: string }): Promise<unknown>;
  /**
   * Delivers several events in one sandbox call, as the outbox does for a plugin whose manifest
   * declares `eventBatch`: the same handlers, one after another in order. Answers how many completed
   * and whether the batch stopped at a handler that threw (the outbox then delivers that one alone).
   */
  emitBatch(events: Array<{ type: string; payload: Record<string, unknown>; id?: string }>, options?: { unitId?: string }): Promise<{ done: number; failed: boolean }>;
  /** The plugin's stored documents in a collection of a unit. */
  documents(collection: string, unitId?: string): Promise<Array<{ id: string; data: any }>>;
  /**
   * Bulk-writes projects, indicators and paid payments straight into a unit's ledger tables, for
   * tests that need volume (years of payments). It bypasses the ledger's commands on purpose: no
   * approval flow, no events, and indicator balances are not moved (`paid`/`available` of the
   * indicators stay as issued); each payment's `pay` movement is written, so the execution report
   * (`executionReport`) counts it as paid on its date. Ids refer to the unit's rows
   * (`ledger(unit).departments()`, or the records returned by an earlier call).
   */
  seedLedger(unitId: string, input: SeedLedgerInput): Promise<{ projects: ProjectRecord[]; indicators: IndicatorRecord[]; payments: PaymentRecord[]; budgetRequests: BudgetRequestRecord[] }>;
  /** Reads a unit's ledger as the plugin would (whatever the grants). */
  ledger(unitId?: string): LedgerReader;
  /** The id of a demo user (`a.finance`, `b.head`, …). */
  userId(username: string): Promise<number>;
  /** Enables the plugin in a unit (again): grants, settings, fail mode; an upgrade with `version`. */
  enable(unitId: string, options?: { grants?: HostPermission[]; settings?: Record<string, unknown>; failMode?: 'open' | 'closed'; version?: string }): Promise<EnablementState>;
  /** Installs another bundle (a new version of the plugin, or a plugin it depends on or reads from), or builds and installs a plugin folder `{ dir }`. */
  install(bundle: Bundle | { dir: string }): Promise<{ pluginId: string; version: string; signedBy: string | null }>;
  /** Enables another installed plugin in a unit (e.g. one whose shared collections this plugin `reads`); grants default to all it requests. */
  enablePlugin(pluginId: string, unitId: string, options?: { grants?: HostPermission[]; settings?: Record<string, unknown> }): Promise<void>;
  /** The plugin's state in a unit: enabled, disabled or tripped by the breaker, its fault count. */
  enablement(unitId?: string): Promise<EnablementState>;
  /** Notifications the plugin sent in a unit (`host.notify`), oldest first. */
  notifications(unitId?: string): Promise<NotificationRecord[]>;
  /** The plugin's log lines in a unit (`host.log.*`), oldest first. */
  logs(unitId?: string): Promise<PluginLogRecord[]>;
  /** Entries of the core's audit chain (oldest first): e.g. `plugin.<id>.route` for each POST route call. */
  audit(filter?: { unitId?: string; action?: string }): Promise<AuditRecord[]>;
  /** Waits until the host has recorded every finished call (faults, breaker state, metrics). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const parseJson = (text: string | null): any => (text === null ? null : JSON.parse(text));

export async function createPluginHarness(options: HarnessOptions): Promise<PluginHarness> {
  let bundle = options.bundle;
  if (!bundle) {
    if (!options.dir) throw new Error('createPluginHarness needs { dir } or { bundle }');
    const built = await buildPlugin(options.dir);
    bundle = makeBundle(built.manifest, built.code);
  }
  const kernel = await createKernel({ databaseUrl: ':memory:', kdf: 'fast' });
  try {
    return await harnessOn(kernel, bundle, options);
  } catch (error) {
    // A core that does not start, or a bundle it refuses (unsigned, untrusted, a failing migration), leaves nothing running.
    await kernel.close();
    throw error;
  }
}

async function harnessOn(kernel: Kernel, bundle: Bundle, options: HarnessOptions): Promise<PluginHarness> {
  const db = kernel.db;
  const host = hostOf(kernel, options.limits);
  const app = createApp(kernel);
  const units = options.units ?? ['a'];
  const tokens = new Map<string, string>();
  const token = async (username: string) => {
    let t = tokens.get(username);
    if (!t) {
      const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
      if (res.status !== 200) throw new HarnessError(res.status, 'LOGIN_FAILED', `cannot sign in as ${username} (a demo user: <unit>.admin, .finance, .staff, .head, .leader, .auditor)`, null);
      t = ((await res.json()) as { token: string }).token;
      tokens.set(username, t);
    }
    return t;
  };
  const request = async (method: string, path: string, username: string, body?: unknown, lang?: 'zh-CN' | 'en') => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${await token(username)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(lang ? { 'accept-language': lang } : {}) },
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
  // Trust, install and enable go through the admin API, as the system and unit administrators do.
  const install = async (next: Bundle) =>
    unwrap(await request('POST', '/api/plugins', 'sysadmin', next)) as { pluginId: string; version: string; signedBy: string | null; manifest: { permissions: HostPermission[] } };
  const enableIn = async (unitId: string, pluginId: string, opts: { grants?: HostPermission[]; settings?: Record<string, unknown>; failMode?: 'open' | 'closed'; version?: string }) => {
    const grants = opts.grants ?? (await db.selectFrom('plugin_packages').select('manifest').where('plugin_id', '=', pluginId)
      .$if(opts.version !== undefined, (q) => q.where('version', '=', opts.version!)).orderBy('id', 'desc').executeTakeFirstOrThrow()
      .then((row) => (JSON.parse(row.manifest) as { permissions: HostPermission[] }).permissions));
    unwrap(await request('POST', `/api/units/${unitId}/plugins/${pluginId}/enable`, `${unitId}.admin`, {
      grants, ...(opts.settings ? { settings: opts.settings } : {}), ...(opts.failMode ? { failMode: opts.failMode } : {}), ...(opts.version ? { version: opts.version } : {}),
    }));
  };
  await seedDemo(kernel, options.today ?? new Date('2026-06-15T08:00:00Z'), { activity: options.activity ?? false });
  unwrap(await request('PUT', '/api/plugins/trust', 'sysadmin', options.trust
    ? { allowUnsigned: false, addPublisher: { name: options.trust.publisher, publicKey: options.trust.publicKeyPem } }
    : { allowUnsigned: true }));
  const installed = await install(bundle);
  for (const unitId of units) {
    await enableIn(unitId, installed.pluginId, { grants: options.grants ?? installed.manifest.permissions, ...(options.settings ? { settings: options.settings } : {}), ...(options.failMode ? { failMode: options.failMode } : {}) });
  }
  const pluginId = installed.pluginId;
  const invoke = async (unitId: string, kind: 'schedule' | 'events' | 'eventBatch', name: string, input: unknown) => {
    const row = await db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
    if (row?.state !== 'enabled') throw new HarnessError(409, 'PLUGIN_NOT_ENABLED', `${pluginId} is ${row?.state ?? 'not enabled'} in ${unitId}`, null);
    const reply = await host.invoke(enablementOf(row), kind, name, input);
    if (!reply.ok) throw new HarnessError(reply.error.status, reply.error.code, reply.error.message, null);
    return reply.value;
  };
  const firstDepartment = async (unitId: string) =>
    (await db.selectFrom('departments').select('id').where('unit_id', '=', unitId).orderBy('code').executeTakeFirstOrThrow()).id;
  const enablement = async (unitId: string): Promise<EnablementState> => {
    const row = await db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
    if (!row) throw new HarnessError(404, 'PLUGIN_NOT_ENABLED', `${pluginId} was never enabled in ${unitId}`, null);
    return {
      pluginId, unitId, version: row.version, state: row.state, grants: JSON.parse(row.grants), settings: JSON.parse(row.settings),
      failMode: row.fail_mode, faults: row.faults, lastFault: row.last_fault,
    };
  };
  const issueForTest = async (unitId: string, name: string, amountFen: number) =>
    unwrap(await request('POST', `/api/units/${unitId}/indicators`, `${unitId}.finance`, {
      year: 2026, name, departmentId: await firstDepartment(unitId), projectId: null, expenditureKind: 'operating', functionalCode: '2050101',
      economicCode: '30201', fundSourceCode: '11', amount: Math.max(1_000_000, amountFen * 2), date: '2026-06-01', isFlexibleReserve: false,
    }));

  return {
    pluginId,
    version: installed.version,
    async route(method, path, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      const qs = opts.query ? `?${new URLSearchParams(opts.query)}` : '';
      return unwrap(await request(method, `/api/units/${unitId}/plugins/${pluginId}/routes/${path}${qs}`, opts.as ?? `${unitId}.staff`, method === 'GET' ? undefined : opts.body ?? {}, opts.lang));
    },
    async view(viewId, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      const qs = opts.query ? `?${new URLSearchParams(opts.query)}` : '';
      return unwrap(await request('GET', `/api/units/${unitId}/plugins/${pluginId}/views/${viewId}${qs}`, opts.as ?? `${unitId}.staff`, undefined, opts.lang));
    },
    async http(method, path, opts = {}) {
      return app.request(path, {
        method,
        headers: { authorization: `Bearer ${await token(opts.as ?? `${units[0]!}.staff`)}`, ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
    },
    async submitBudgetRequest(amountFen, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      const staff = `${unitId}.staff`;
      const member = await db.selectFrom('role_grants').innerJoin('users', 'users.id', 'role_grants.user_id').select('role_grants.department_id')
        .where('users.username', '=', staff).where('role_grants.unit_id', '=', unitId).executeTakeFirstOrThrow();
      const departmentId = member.department_id ?? (await firstDepartment(unitId));
      // Else an approved project of the staff's department, straight into the project library (as seedLedger writes one).
      const now = new Date().toISOString();
      const projectId = opts.projectId ?? (await db.insertInto('projects').values({
        unit_id: unitId, code: `TEST-${randomUUID().slice(0, 8)}`, name: '插件测试项目', department_id: departmentId, functional_code: '2050101', fund_source_code: '11', status: 'approved',
        start_year: 2026, end_year: 2026, total_amount: amountFen, description: '', created_by: (await db.selectFrom('users').select('id').where('username', '=', `${unitId}.finance`).executeTakeFirstOrThrow()).id, created_at: now, updated_at: now,
      }).returning('id').executeTakeFirstOrThrow()).id;
      const draft = unwrap(await request('POST', `/api/units/${unitId}/budget-requests`, staff, {
        year: 2026, departmentId, title: '插件测试申报', lines: [{ kind: 'project', projectId, economicCode: opts.economicCode ?? '30201', amount: amountFen }],
      }));
      const submitted = await request('POST', `/api/units/${unitId}/budget-requests/${draft.id}/submit`, staff, {});
      return { requestId: draft.id as number, ...submitted };
    },
    async submitPayment(amountFen, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      const indicator = await issueForTest(unitId, '插件测试指标', amountFen);
      return request('POST', `/api/units/${unitId}/payments`, `${unitId}.finance`, {
        indicatorId: indicator.id, payeeName: '示范县文具公司', payeeAccount: '6222020200001234567', purpose: '购买办公用品', amount: amountFen, date: '2026-06-10',
      }, opts.lang);
    },
    async submitTransfer(amountFen, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      const from = await issueForTest(unitId, '插件测试调出指标', amountFen);
      const to = await issueForTest(unitId, '插件测试调入指标', amountFen);
      return request('POST', `/api/units/${unitId}/transfers`, `${unitId}.finance`, {
        fromIndicatorId: from.id, toIndicatorId: to.id, amount: amountFen, reason: opts.reason ?? '插件测试调剂', date: '2026-06-10',
      });
    },
    runSchedule: (name, opts = {}) => invoke(opts.unitId ?? units[0]!, 'schedule', name, { scheduledAt: opts.scheduledAt ?? new Date().toISOString() }),
    emit(type, payload, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      return invoke(unitId, 'events', type, { id: opts.id ?? randomUUID(), type, unitId, occurredAt: new Date().toISOString(), payload });
    },
    async emitBatch(list, opts = {}) {
      const unitId = opts.unitId ?? units[0]!;
      if (!(installed.manifest as { eventBatch?: boolean }).eventBatch) throw new HarnessError(400, 'PLUGIN_NO_EVENT_BATCH', `${pluginId} does not declare eventBatch in its manifest`, null);
      const events = list.map((e) => ({ id: e.id ?? randomUUID(), type: e.type, unitId, occurredAt: new Date().toISOString(), payload: e.payload }));
      const { limits } = host;
      return invoke(unitId, 'eventBatch', '*', { events, budgetMs: Math.floor(Math.min(limits.timeoutMs, limits.cpuMs) / 4), hostCalls: Math.floor(limits.maxHostCalls / 2) }) as Promise<{ done: number; failed: boolean }>;
    },
    async documents(collection, unitId = units[0]!) {
      const rows = await db.selectFrom('plugin_docs').select(['doc_id', 'data']).where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).where('collection', '=', collection).orderBy('id').execute();
      return rows.map((r) => ({ id: r.doc_id, data: JSON.parse(r.data) }));
    },
    async seedLedger(unitId, input) {
      const now = new Date().toISOString();
      const user = await db.selectFrom('users').select('id').where('username', '=', `${unitId}.finance`).executeTakeFirstOrThrow();
      const out = { projects: [] as ProjectRecord[], indicators: [] as IndicatorRecord[], payments: [] as PaymentRecord[], budgetRequests: [] as BudgetRequestRecord[] };
      const defaultDepartment = [...(input.projects ?? []), ...(input.budgetRequests ?? [])].some((p) => p.departmentId === undefined) ? await firstDepartment(unitId) : 0;
      for (const p of input.projects ?? []) {
        const r = await db.insertInto('projects').values({
          unit_id: unitId, code: p.code, name: p.name, department_id: p.departmentId ?? defaultDepartment, functional_code: p.functionalCode ?? '2050101',
          fund_source_code: p.fundSourceCode ?? '11', status: p.status ?? 'executing', start_year: p.startYear, end_year: p.endYear, total_amount: p.totalAmount,
          description: '', created_by: user.id, created_at: now, updated_at: now,
        }).returningAll().executeTakeFirstOrThrow();
        out.projects.push({ id: r.id, code: r.code, name: r.name, status: r.status, startYear: r.start_year, endYear: r.end_year, totalAmount: r.total_amount });
      }
      for (const i of input.indicators ?? []) {
        const r = await db.insertInto('indicators').values({
          unit_id: unitId, year: i.year, code: i.code, name: i.name, department_id: i.departmentId, project_id: i.projectId ?? null,
          expenditure_kind: i.expenditureKind, functional_code: i.functionalCode ?? '2050101', economic_code: i.economicCode, fund_source_code: i.fundSourceCode,
          issued_amount: i.issued, source_line_id: null, carried_from_id: null, created_at: now,
        }).returningAll().executeTakeFirstOrThrow();
        out.indicators.push({
          id: r.id, year: r.year, code: r.code, name: r.name, departmentId: r.department_id, projectId: r.project_id, expenditureKind: r.expenditure_kind,
          functionalCode: r.functional_code, economicCode: r.economic_code, fundSourceCode: r.fund_source_code,
          issued: r.issued_amount, adjusted: r.adjusted_amount, frozen: r.frozen_amount, paid: r.paid_amount, reserved: r.reserved_amount,
          available: r.issued_amount + r.adjusted_amount - r.frozen_amount - r.paid_amount - r.reserved_amount,
        });
      }
      const payments = input.payments ?? [];
      const needIndicator = [...new Set(payments.filter((p) => p.departmentId === undefined || p.economicCode === undefined).map((p) => p.indicatorId))];
      const indicatorOf = new Map<number, { department_id: number; economic_code: string }>();
      for (let k = 0; k < needIndicator.length; k += 500) {
        const rows = await db.selectFrom('indicators').select(['id', 'department_id', 'economic_code']).where('unit_id', '=', unitId).where('id', 'in', needIndicator.slice(k, k + 500)).execute();
        for (const r of rows) indicatorOf.set(r.id, r);
      }
      // Numbered like any payment (ZF2026-0001 …), one counter upsert per year of the batch.
      const perYear = new Map<number, number>();
      for (const p of payments) perYear.set(yearOf(p.date), (perYear.get(yearOf(p.date)) ?? 0) + 1);
      const docNos = new Map<number, { nos: string[]; next: number }>();
      for (const [year, count] of perYear) docNos.set(year, { nos: await takeDocNos(db, unitId, 'payment', year, count), next: 0 });
      for (let k = 0; k < payments.length; k += 200) {
        const rows = await db.insertInto('payments').values(payments.slice(k, k + 200).map((p) => {
          const indicator = indicatorOf.get(p.indicatorId);
          const departmentId = p.departmentId ?? indicator?.department_id;
          const economicCode = p.economicCode ?? indicator?.economic_code;
          if (departmentId === undefined || economicCode === undefined) throw new Error(`seedLedger: no indicator ${p.indicatorId} in unit ${unitId}`);
          return {
            unit_id: unitId, indicator_id: p.indicatorId, department_id: departmentId, payee_name: p.payeeName ?? '示范县供应商', payee_account: '6222020200001234567',
            payee_bank: '示范县农商银行', purpose: p.purpose ?? '生成数据', economic_code: economicCode, amount: p.amount, date: p.date, status: 'paid' as const,
            procurement: 0, contract_no: null, standard: null, attachments: '[]', warnings: '[]', override_reason: null, created_by: user.id,
            created_at: `${p.date}T08:00:00.000Z`, approved_at: `${p.date}T09:00:00.000Z`, paid_at: p.date, closed_at: null,
            doc_no: ((series) => series.nos[series.next++]!)(docNos.get(yearOf(p.date))!),
          };
        })).returningAll().execute();
        // Each payment's `pay` movement, as the ledger records a payment paid: the execution report (and
        // `host.ledger.executionReport`) sums these, so without them it answered 0 paid for seeded rows.
        if (rows.length) {
          await db.insertInto('indicator_movements').values(rows.map((r) => ({
            unit_id: unitId, indicator_id: r.indicator_id, kind: 'pay' as const, amount: r.amount, ref_type: 'payment', ref_id: r.id,
            counterpart_indicator_id: null, at: r.created_at, date: r.date, actor_id: user.id,
          }))).execute();
        }
        for (const r of rows) {
          out.payments.push({
            id: r.id, indicatorId: r.indicator_id, departmentId: r.department_id, payeeName: r.payee_name, purpose: r.purpose, economicCode: r.economic_code,
            amount: r.amount, date: r.date, status: r.status, createdAt: r.created_at, approvedAt: r.approved_at, paidAt: r.paid_at, docNo: r.doc_no,
          });
        }
      }
      for (const r of input.budgetRequests ?? []) {
        const status = r.status ?? 'submitted';
        const at = `${r.submittedOn ?? now.slice(0, 10)}T08:00:00.000Z`;
        const [docNo] = await takeDocNos(db, unitId, 'budget_request', r.year, 1);
        const row = await db.insertInto('budget_requests').values({
          unit_id: unitId, year: r.year, department_id: r.departmentId ?? defaultDepartment, title: r.title, status, round: status === 'draft' ? 0 : status === 'submitted' ? 1 : 2,
          total_amount: r.amount, control_amount: null, created_by: user.id, created_at: now, updated_at: now, doc_no: docNo!,
        }).returning('id').executeTakeFirstOrThrow();
        await db.insertInto('budget_request_lines').values({
          request_id: row.id, unit_id: unitId, line_no: 1, expenditure_kind: r.projectId ? 'project' : 'operating', project_id: r.projectId ?? null,
          functional_code: '2050101', economic_code: r.economicCode ?? '30201', fund_source_code: '11', headcount: null, standard_amount: null, amount: r.amount, control_amount: null, note: '',
        }).execute();
        // The trail line the lifecycle writes on a submission: `submittedAt` is read from it.
        if (status !== 'draft') await db.insertInto('comments').values({ unit_id: unitId, entity: 'budget_request', entity_id: row.id, author_id: user.id, action: 'submit', body: '', created_at: at }).execute();
        out.budgetRequests.push(...(await readBudgetRequests(db, unitId, { id: row.id })));
      }
      return out;
    },
    ledger(unitId = units[0]!) {
      return {
        indicators: (filter) => readIndicators(db, unitId, filter),
        payments: (filter) => readPayments(db, unitId, filter),
        projects: () => readProjects(db, unitId),
        departments: () => readDepartments(db, unitId),
        transfers: (filter) => readTransfers(db, unitId, filter),
        budgetRequests: (filter) => readBudgetRequests(db, unitId, filter),
        executionReport: (params) => readExecutionReport(db, unitId, params),
        timeProgress: (params) => readTimeProgress(db, unitId, params),
      };
    },
    async userId(username) {
      const row = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
      if (!row) throw new HarnessError(404, 'USER_NOT_FOUND', `no user ${username}`, null);
      return row.id;
    },
    async enable(unitId, opts = {}) {
      await enableIn(unitId, pluginId, opts);
      return enablement(unitId);
    },
    async install(next) {
      // A plugin folder (another plugin this one reads from) is built as `dir` is.
      const r = await install('dir' in next ? await buildPlugin(next.dir).then((b) => makeBundle(b.manifest, b.code)) : next);
      return { pluginId: r.pluginId, version: r.version, signedBy: r.signedBy };
    },
    enablePlugin: (otherId, unitId, opts = {}) => enableIn(unitId, otherId, opts),
    enablement: (unitId = units[0]!) => enablement(unitId),
    async notifications(unitId = units[0]!) {
      const rows = await db.selectFrom('notifications').selectAll().where('unit_id', '=', unitId).where('source', '=', `plugin:${pluginId}`).orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, unitId: r.unit_id, userId: r.user_id, role: r.role, source: r.source, title: r.title, body: r.body, link: r.link, createdAt: r.created_at }));
    },
    async logs(unitId = units[0]!) {
      const rows = await db.selectFrom('plugin_logs').selectAll().where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).orderBy('id').execute();
      return rows.map((r) => ({ level: r.level, message: r.message, data: parseJson(r.data), at: r.at }));
    },
    async audit(filter = {}) {
      const rows = await db.selectFrom('audit_log').selectAll()
        .$if(filter.unitId !== undefined, (q) => q.where('unit_id', '=', filter.unitId!))
        .$if(filter.action !== undefined, (q) => q.where('action', '=', filter.action!))
        .orderBy('seq').execute();
      return rows.map((r) => ({
        seq: r.seq, at: r.at, actorId: r.actor_id, actorName: r.actor_name, unitId: r.unit_id, action: r.action, entity: r.entity, entityId: r.entity_id,
        before: parseJson(r.before_json), after: parseJson(r.after_json),
      }));
    },
    idle: () => host.idle(),
    close: () => kernel.close(),
  };
}
