import semver from 'semver';
import { z } from 'zod';
import { ROLES, type Role } from './contracts/roles.js';
import { cronProblem } from './cron.js';

/**
 * The version of the host API this SDK describes; a plugin's `engine` range must match it. 1.1.0 added
 * view placements on core screens, table row actions, wizards, file answers, route path parameters,
 * `budgetRequest.validate`, `host.members` (with the permission `members.read`), PUT and DELETE routes,
 * `host.ledger.payments({ projectId })` and `host.shared.query` (`shares`, `reads`, `shared.read`): all backward
 * compatible, so `^1.0.0` plugins still load.
 */
export const HOST_API_VERSION = '1.1.0';

/** Every permission of host API v1: each host call needs one, granted by the unit admin. */
export const HOST_PERMISSIONS = [
  'ledger.read',
  'storage',
  'events',
  'validators',
  'notify',
  'realtime',
  'routes',
  'views',
  'schedule',
  'log',
  'members.read',
  // Host API 1.1.0 (issue 19): propose a new expenditure-standard version (a person adopts it in the core); trial-run control rules on past payments.
  'standards.propose',
  'rules.trial',
  // Host API 1.1.0 (issue 17): read another plugin's collections that it shares (`shares`), as declared in `reads`.
  'shared.read',
] as const;
export type HostPermission = (typeof HOST_PERMISSIONS)[number];

/** Domain events a plugin may subscribe to (a trailing `.*` takes a whole family). */
export const EVENT_TYPES = [
  'payment.submitted', 'payment.approved', 'payment.paid', 'payment.rejected', 'payment.withdrawn',
  'transfer.submitted', 'transfer.approved', 'transfer.rejected', 'transfer.withdrawn',
  'adjustment.submitted', 'adjustment.approved', 'indicator.issued', 'period.closed', 'period.reopened',
] as const;

export const VALIDATOR_KINDS = ['payment.validate', 'transfer.validate', 'budgetRequest.validate'] as const;
export type ValidatorKind = (typeof VALIDATOR_KINDS)[number];

/** Ids the core itself speaks under (realtime channel `core:notifications`, audit sources): no plugin may take them. */
export const RESERVED_PLUGIN_IDS = ['core', 'system', 'unibudget'] as const;
const pluginId = z.string().regex(/^[a-z][a-z0-9-]{1,47}$/, 'lowercase letters, digits and dashes, 2–48 characters')
  .refine((id) => !(RESERVED_PLUGIN_IDS as readonly string[]).includes(id), 'this id is reserved for the core');
const semverString = z.string().refine((v) => semver.valid(v) !== null, 'not a semantic version (x.y.z)');
const semverRange = z.string().refine((v) => semver.validRange(v) !== null, 'not a semver range');
const localized = z.object({ zh: z.string().min(1).max(100), en: z.string().min(1).max(100) });
/**
 * A subscription: one event type (`payment.paid`), a family (`transfer.*`), or `*` — every domain
 * event of the unit, including types a later host adds. The same keys an `events` handler may have,
 * so a plugin whose handler is keyed `'*'` subscribes with `"events": ["*"]`.
 */
const eventPattern = z.string().regex(/^(\*|[a-z]+\.(\*|[a-z_]+))$/, 'an event type such as payment.paid, a family such as transfer.*, or * for every event');

/** One field of the settings form the admin console renders (a JSON-schema-like subset). */
export const settingFieldSchema = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/),
  label: localized,
  type: z.enum(['string', 'number', 'boolean', 'select']),
  required: z.boolean().default(false),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /**
   * How a number is shown and typed in the settings form, stored as declared: `yuan` — stored as integer
   * fen, typed in 元 with at most two decimals; `percent` — stored as a fraction (0.1), typed as 10 %.
   * `min`, `max` and `default` stay in the stored unit. Only for `type: 'number'`.
   */
  shownAs: z.enum(['yuan', 'percent']).optional(),
}).refine((f) => f.shownAs === undefined || f.type === 'number', { message: 'shownAs applies to number settings only', path: ['shownAs'] });
export type SettingField = z.infer<typeof settingFieldSchema>;

export const collectionSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  /** Top-level document fields that queries may filter on (at most 3). */
  indexes: z.array(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/)).max(3).default([]),
  /**
   * Top-level fields (text, numbers, or arrays of them) that `storage.search` finds words in, Chinese
   * included (at most 5; host API 1.1.0). Absent: the collection is not searchable.
   */
  search: z.array(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/)).max(5).optional(),
  /**
   * Per-user bookkeeping (a reader's read position, host API 1.1.0): a write to it does not make a
   * route declared `audit: 'writes'` audited. Never searchable: bookkeeping is not content.
   */
  bookkeeping: z.boolean().optional(),
});

/** The core's role names (the shared contract): a route may name the ones allowed to call it. */
export const CORE_ROLES = ROLES;
export type CoreRole = Role;

/**
 * Who may call a POST route that declares no `roles`: the roles that do the unit's business. Auditors
 * only look (a finance office never lets an audit account change anything), plugin developers build
 * plugins rather than run the unit's work, and a system administrator runs the platform, not a unit's
 * books — a route meant for any of them says so with `roles`. GET routes without `roles` stay open to
 * every reader of the unit.
 */
export const DEFAULT_POST_ROLES: readonly CoreRole[] = ['unit_admin', 'finance_officer', 'business_staff', 'department_head', 'leader'];

/** A parameter segment of a declared route path (`:projectId`): a whole segment, the name as here. */
export const ROUTE_PARAM_SEGMENT = /^:[a-zA-Z][a-zA-Z0-9]{0,39}$/;
/** What a request segment must be to fill a parameter: 1–100 of A-Z a-z 0-9 _ - (anything else is 404). */
export const ROUTE_PARAM_VALUE = /^[A-Za-z0-9_-]{1,100}$/;
const routePath = z.string().max(200).superRefine((path, ctx) => {
  const segments = path.split('/');
  const ok = /^[a-z0-9]/.test(path) && path.length <= 200 && segments.every((s) => /^[a-z0-9_-]+$/.test(s) || ROUTE_PARAM_SEGMENT.test(s));
  if (!ok) ctx.addIssue({ code: 'custom', message: 'a path such as summary, notes/save or projects/:projectId/targets: segments of a-z 0-9 _ - or a parameter :name, starting with a static segment' });
  const names = segments.filter((s) => s.startsWith(':'));
  if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', message: 'a parameter name appears twice in the path' });
});

/**
 * Matches a request path against a declared route path: the parameters (`{ projectId: '12' }`) or
 * null. Static segments match exactly; a parameter takes one segment of ROUTE_PARAM_VALUE.
 */
export function matchRoutePath(declared: string, actual: string): Record<string, string> | null {
  const want = declared.split('/');
  const got = actual.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (!ROUTE_PARAM_VALUE.test(g)) return null;
      params[w.slice(1)] = g;
    } else if (w !== g) return null;
  }
  return params;
}

/**
 * The methods of a plugin route. PUT and DELETE (host API 1.1.0) are writes like POST: audited, with
 * DEFAULT_POST_ROLES when no `roles` are declared, refused to a supervising unit; only GET is read-only.
 */
export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

export const routeDeclSchema = z.object({
  method: z.enum(ROUTE_METHODS),
  /**
   * Path under /api/units/:unitId/plugins/:pluginId/routes/, e.g. `summary`, `notes/save`, or with
   * parameter segments `projects/:projectId/targets` (host API 1.1.0; the handler gets `request.params`).
   */
  path: routePath,
  summary: z.string().max(200).default(''),
  /**
   * The roles (held in the unit itself, not through a supervising unit) that may call the route; the
   * host checks them before any plugin code runs. Absent: GET is open to readers, POST, PUT and DELETE take DEFAULT_POST_ROLES.
   */
  roles: z.array(z.enum(CORE_ROLES)).min(1).max(CORE_ROLES.length)
    .refine((roles) => new Set(roles).size === roles.length, 'roles must not repeat').optional(),
  /**
   * When a write (POST, PUT, DELETE) is put in the core's audit chain (host API 1.1.0). `always` (the default): every
   * call that ran or wrote. `writes`: only a call that changed something lasting — a storage write
   * outside `bookkeeping` collections, a notification or a standards proposal; a realtime hint (a
   * typing indicator) or a read position alone is not audited. GET routes are never audited.
   */
  audit: z.enum(['always', 'writes']).optional(),
});

/** The roles allowed to call a declared route, or null when any reader of the unit may. */
export function routeRoles(route: { method: RouteMethod; roles?: readonly string[] | undefined }): readonly string[] | null {
  if (route.roles) return route.roles;
  return route.method === 'GET' ? null : DEFAULT_POST_ROLES;
}

/** Where a view can be shown. */
export const VIEW_PLACEMENTS = ['page', 'dashboard', 'payment-detail', 'project-detail', 'budget-request-detail', 'transfer-detail', 'cockpit'] as const;
export type ViewPlacement = (typeof VIEW_PLACEMENTS)[number];
/** The kind of object a placement shows a view about (placements on no object: absent). */
export const PLACEMENT_SUBJECT: Partial<Record<ViewPlacement, 'project' | 'budget-request' | 'payment' | 'transfer'>> = {
  'payment-detail': 'payment', 'project-detail': 'project', 'budget-request-detail': 'budget-request', 'transfer-detail': 'transfer',
};

export const viewDeclSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  title: localized,
  /**
   * Where the web app shows it: its own page, the dashboard, or inside a core screen (host API 1.1.0):
   * the project's, the budget request's, the payment's or the transfer's detail, or the leader cockpit.
   * A view placed on an object's screen gets that object as `context.subject`.
   */
  placement: z.enum(VIEW_PLACEMENTS).default('page'),
});

const jobName = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
/** The longest wall time a scheduled job may declare, ms (a host may allow less). */
export const SCHEDULE_MAX_TIMEOUT_MS = 60_000;
/**
 * Wall time of one run of the job, ms, when it needs more than an interactive call (2 s): a nightly
 * scan of a large ledger. Its CPU budget grows with it. Routes, views, validators and events never get more.
 */
const jobTimeout = z.number().int().min(100).max(SCHEDULE_MAX_TIMEOUT_MS).optional();
/**
 * A scheduled job, run per unit: every N minutes, or on a five-field cron expression evaluated in
 * UTC (see cron.ts). A run missed while the core was down runs once when it is back, not once per slot.
 */
export const scheduleEntrySchema = z.union([
  z.object({ name: jobName, everyMinutes: z.number().int().min(1).max(7 * 24 * 60), timeoutMs: jobTimeout }).strict(),
  z.object({ name: jobName, cron: z.string().max(100).superRefine((v, ctx) => {
    const problem = cronProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a cron expression: ${problem}` });
  }), timeoutMs: jobTimeout }).strict(),
]);
export type ScheduleEntry = z.infer<typeof scheduleEntrySchema>;

export const manifestSchema = z.object({
  id: pluginId,
  name: localized,
  version: semverString,
  engine: semverRange,
  /** Shown in the admin console: one text, or `{ zh, en }` so that each language reads its own. */
  description: z.union([z.string().max(2000), z.object({ zh: z.string().max(2000), en: z.string().max(2000) })]).default(''),
  /** Who wrote it, shown in the admin console; optional (the console shows the signing publisher too). */
  author: z.string().max(200).default(''),
  permissions: z.array(z.enum(HOST_PERMISSIONS)).default([]),
  events: z.array(eventPattern).default([]),
  /**
   * Host API 1.1.0: the plugin's event handlers may be called several in one sandbox call (the same
   * handlers, one after another in order, with one host): faster under load. Plugin code is unchanged;
   * declare it only when no handler relies on a fresh call per event. See sdk/README.md, "Events".
   */
  eventBatch: z.boolean().default(false),
  validators: z.array(z.enum(VALIDATOR_KINDS)).default([]),
  routes: z.array(routeDeclSchema).default([]),
  views: z.array(viewDeclSchema).default([]),
  settings: z.array(settingFieldSchema).default([]),
  collections: z.array(collectionSchema).default([]),
  schedule: z.array(scheduleEntrySchema).default([]),
  dependencies: z.record(pluginId, semverRange).default({}),
  /**
   * Host API 1.1.0: collections of this plugin that other plugins of the same unit may read (never
   * write) through `host.shared.query`, when they declare them in `reads` and the unit granted them `shared.read`.
   */
  shares: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/)).max(20).default([]),
  /** Host API 1.1.0: the other plugins' shared collections this plugin reads (needs the permission `shared.read`). */
  reads: z.array(z.object({ plugin: pluginId, collection: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/) }).strict()).max(20).default([]),
}).superRefine((m, ctx) => {
  const need = (permission: HostPermission, what: string) => {
    if (!m.permissions.includes(permission)) ctx.addIssue({ code: 'custom', path: ['permissions'], message: `${what} needs the permission ${permission}` });
  };
  if (m.events.length) need('events', 'events');
  if (m.eventBatch && !m.events.length) ctx.addIssue({ code: 'custom', path: ['eventBatch'], message: 'eventBatch needs at least one subscribed event' });
  if (m.validators.length) need('validators', 'validators');
  if (m.routes.length) need('routes', 'routes');
  // Two routes that differ only in parameter names would match the same requests.
  const shapes = m.routes.map((r) => `${r.method} ${r.path.split('/').map((s) => (s.startsWith(':') ? ':' : s)).join('/')}`);
  if (new Set(shapes).size !== shapes.length) ctx.addIssue({ code: 'custom', path: ['routes'], message: 'two routes of the same method match the same paths' });
  if (m.views.length) need('views', 'views');
  if (m.collections.length) need('storage', 'collections');
  m.routes.forEach((r, i) => { if (r.audit && r.method === 'GET') ctx.addIssue({ code: 'custom', path: ['routes', i, 'audit'], message: 'a GET route is never audited: only POST, PUT and DELETE declare audit' }); });
  m.collections.forEach((c, i) => { if (c.bookkeeping && c.search) ctx.addIssue({ code: 'custom', path: ['collections', i, 'search'], message: 'a bookkeeping collection is not searchable' }); });
  if (m.schedule.length) need('schedule', 'schedule');
  const names = m.schedule.map((j) => j.name);
  if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['schedule'], message: 'schedule job names must be unique' });
  if (m.dependencies[m.id]) ctx.addIssue({ code: 'custom', path: ['dependencies'], message: 'a plugin cannot depend on itself' });
  for (const name of m.shares) {
    if (!m.collections.some((c) => c.name === name)) ctx.addIssue({ code: 'custom', path: ['shares'], message: `shares names ${name}, which is not one of the plugin's collections` });
  }
  if (m.reads.length) need('shared.read', 'reads');
  if (m.reads.some((r) => r.plugin === m.id)) ctx.addIssue({ code: 'custom', path: ['reads'], message: 'a plugin reads its own collections through storage, not reads' });
});
export type Manifest = z.output<typeof manifestSchema>;
export type ManifestInput = z.input<typeof manifestSchema>;

/** True when a plugin written for `engine` can run on host API `hostVersion`. */
export function engineSatisfied(engine: string, hostVersion: string = HOST_API_VERSION): boolean {
  return semver.satisfies(hostVersion, engine);
}
