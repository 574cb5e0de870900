import { z } from 'zod';
import { HOST_PERMISSIONS, manifestSchema, routeDeclSchema, settingFieldSchema, viewDeclSchema } from '../manifest.js';

/**
 * The plugin administration answers the web app reads: installed packages, a unit's plugins with
 * their state and grants, and a plugin's metrics in a unit. Built from the manifest's own schemas,
 * so a field the manifest gains reaches the admin console's types at once. core/plugins annotates its
 * answers with these types, and the plugin administration routes declare them as their OpenAPI
 * response schemas.
 */

const localized = z.object({ zh: z.string(), en: z.string() });
export type Localized = z.infer<typeof localized>;

/** One installed version of a plugin. */
export const PluginPackageView = z.object({
  pluginId: z.string(),
  version: z.string(),
  sha256: z.string(),
  signedBy: z.string().nullable(),
  installedAt: z.string(),
  ownedBy: z.string().nullable().optional().describe('the publisher the plugin id belongs to (null: unsigned bundles)'),
  fromOwner: z.boolean().optional().describe('this version comes from the id\'s owner (false: installed before a transfer)'),
  compatible: z.boolean().describe("the manifest's engine range accepts this host API"),
  incompatibleReason: z.string().nullable(),
  manifest: manifestSchema,
});
export type PluginPackageView = z.infer<typeof PluginPackageView>;

export const PluginVersionInfo = z.object({
  version: z.string(),
  compatible: z.boolean(),
  incompatibleReason: z.string().nullable(),
  signedBy: z.string().nullable(),
  fromOwner: z.boolean().optional().describe('signed by the publisher the id belongs to: only such versions are enabled without naming one'),
  permissions: z.array(z.enum(HOST_PERMISSIONS)).describe('what this version requests'),
});
export type PluginVersionInfo = z.infer<typeof PluginVersionInfo>;

/** An installed plugin as one unit has it (GET /api/units/:unitId/plugins). */
export const UnitPluginView = z.object({
  pluginId: z.string(),
  name: localized,
  description: z.union([z.string(), localized]).describe('one text, or zh and en'),
  author: z.string(),
  ownedBy: z.string().nullable().optional().describe('the publisher the plugin id belongs to (null: unsigned bundles)'),
  versions: z.array(PluginVersionInfo).describe('newest first'),
  latestVersion: z.string().describe('the newest compatible version, else the newest'),
  compatible: z.boolean().describe('some installed version runs on this host'),
  inUseCompatible: z.boolean().nullable().describe('the version this unit has is run at all (false after a core upgrade left it behind; null: not in use)'),
  inUseIncompatibleReason: z.string().nullable(),
  state: z.enum(['available', 'enabled', 'disabled', 'tripped']),
  quarantined: z.boolean().describe('it brought the plugin runner down again and again: no unit runs or enables it until the system administrator releases it'),
  version: z.string().nullable(),
  requestedPermissions: z.array(z.enum(HOST_PERMISSIONS)),
  grants: z.array(z.string()),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  failMode: z.enum(['open', 'closed']),
  faults: z.number().int(),
  lastFault: z.string().nullable(),
  settingsSchema: z.array(settingFieldSchema),
  views: z.array(viewDeclSchema),
  routes: z.array(routeDeclSchema),
  dependencies: z.record(z.string(), z.string()),
});
export type UnitPluginView = z.infer<typeof UnitPluginView>;

export const QUOTA_KINDS = ['storageBytes', 'storageDocs', 'logEntries', 'notificationsPerHour'] as const;
export const QuotaKind = z.enum(QUOTA_KINDS);
export type QuotaKind = z.infer<typeof QuotaKind>;

/** Usage against one quota. */
export const QuotaFigure = z.object({ used: z.number(), limit: z.number() });
export type QuotaFigure = z.infer<typeof QuotaFigure>;

/** Usage against each quota of a plugin in a unit (core/plugins/quotas.ts quotaFigures). */
export const QuotaFigures = z.object({
  storageBytes: QuotaFigure,
  storageDocs: QuotaFigure,
  logEntries: QuotaFigure.describe('entries the log ring keeps'),
  notificationsPerHour: QuotaFigure.describe('notify calls in the current clock hour (UTC)'),
});
export type QuotaFigures = z.infer<typeof QuotaFigures>;

/** A plugin's calls, errors, latency and memory in one unit, as counted by the answering process. */
export const PluginMetricsView = z.object({
  pluginId: z.string(),
  unitId: z.string(),
  state: z.string(),
  consecutiveFaults: z.number().int(),
  lastFault: z.string().nullable(),
  calls: z.number().int(),
  errors: z.number().int(),
  faultsByCode: z.record(z.string(), z.number().int()),
  latencyMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }),
  memoryBytes: z.number(),
  /** Usage against the plugin's quotas in this unit (core/plugins/quotas.ts). */
  quotas: QuotaFigures.optional(),
});
export type PluginMetricsView = z.infer<typeof PluginMetricsView>;

/** Who owns a plugin id (GET /api/plugins/owners; PUT /api/plugins/:pluginId/owner answers the new owner). */
export const PluginOwnerView = z.object({
  pluginId: z.string(),
  publisher: z.string().nullable().describe('the trusted publisher whose bundles install under the id (the name its key is trusted under); null: unsigned bundles'),
  since: z.string(),
  how: z.enum(['install', 'transfer', 'migration']).describe("install: the id's first install claimed it; transfer: the system administrator gave it; migration: the upgrade that introduced ownership"),
  assignedBy: z.number().int().nullable().describe('the user who installed or transferred it (null: the system)'),
  assignedByName: z.string().nullable().describe("that user's display name (null: the system)"),
});
export type PluginOwnerView = z.infer<typeof PluginOwnerView>;

/** Quotas of one scope, every kind set (defaults, or what applies). */
export const QuotaLimits = z.object({
  storageBytes: z.number().describe('UTF-8 bytes of the JSON of every stored document'),
  storageDocs: z.number(),
  logEntries: z.number().describe('the log keeps this many newest entries (a ring; logging is never refused)'),
  notificationsPerHour: z.number().describe('`host.notify` calls per clock hour (UTC); each reaches a person at most once'),
});
export type QuotaLimits = z.infer<typeof QuotaLimits>;

/** Quota overrides of one scope: null (or absent) inherits (unit → every unit → default). */
export const QuotaOverrides = z.object({
  storageBytes: z.number().nullable().optional(),
  storageDocs: z.number().nullable().optional(),
  logEntries: z.number().nullable().optional(),
  notificationsPerHour: z.number().nullable().optional(),
});
export type QuotaOverrides = z.infer<typeof QuotaOverrides>;

/** A plugin's quotas as the system administrator sees them (GET /api/plugins/:pluginId/quotas; PUT answers the same). */
export const PluginQuotaView = z.object({
  pluginId: z.string(),
  defaults: QuotaLimits.describe("the host's defaults"),
  plugin: QuotaOverrides.nullable().describe('the override for every unit; null: none'),
  effective: QuotaLimits.describe('the defaults with the every-unit override applied'),
  units: z.array(z.object({
    unitId: z.string(),
    overrides: QuotaOverrides.nullable().describe("this unit's override; null: none"),
    usage: QuotaFigures,
  })).describe('units that have the plugin enabled or an override of their own, by id'),
});
export type PluginQuotaView = z.infer<typeof PluginQuotaView>;

export const PLUGIN_LOG_LEVELS = ['info', 'warn', 'error'] as const;
export const PluginLogLevel = z.enum(PLUGIN_LOG_LEVELS);
export type PluginLogLevel = z.infer<typeof PluginLogLevel>;

/** One entry of a plugin's log in a unit. */
export const PluginLogEntry = z.object({
  id: z.number().int(),
  level: PluginLogLevel,
  message: z.string().describe('at most 2,000 characters'),
  data: z.string().nullable().describe('the JSON the plugin logged, cut at 4,000 characters (so possibly not whole); null: none'),
  at: z.string(),
});
export type PluginLogEntry = z.infer<typeof PluginLogEntry>;

/** One page of a plugin's log in a unit, newest first (GET /api/units/:unitId/plugins/:pluginId/logs). */
export const PluginLogPage = z.object({
  pluginId: z.string(),
  unitId: z.string(),
  entries: z.array(PluginLogEntry),
  next: z.number().int().nullable().describe('the `before` of the next (older) page; null: no older entries'),
});
export type PluginLogPage = z.infer<typeof PluginLogPage>;

/** A plugin's last quarantine (GET /api/plugins/quarantine: current ones first, then released ones, newest first). */
export const PluginQuarantineView = z.object({
  pluginId: z.string(),
  version: z.string().describe('the version that brought the runner down'),
  since: z.string(),
  kills: z.number().int().describe('runner deaths it was blamed for within the window'),
  reason: z.string().describe('how the runner died the last time: memory, hung, catastrophic or exit'),
  releasedAt: z.string().nullable().describe('null: still quarantined'),
  releasedBy: z.number().int().nullable().describe('the system administrator who released it; null: still quarantined'),
  releasedByName: z.string().nullable().describe("that user's display name; null: still quarantined"),
});
export type PluginQuarantineView = z.infer<typeof PluginQuarantineView>;

/** The sandbox limits the host applies to every plugin call (defaults in core/plugins/limits.ts; the harness takes overrides). */
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
