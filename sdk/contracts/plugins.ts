import { z } from 'zod';
import { HOST_PERMISSIONS, manifestSchema, routeDeclSchema, settingFieldSchema, viewDeclSchema } from '../manifest.js';

/**
 * The plugin administration answers the web app reads: installed packages, a unit's plugins with
 * their state and grants, and a plugin's metrics in a unit. Built from the manifest's own schemas,
 * so a field the manifest gains reaches the admin console's types at once. (The core's plugin routes
 * declare no response schema in the OpenAPI document; these describe what core/plugins answers.)
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
  description: z.string(),
  author: z.string(),
  ownedBy: z.string().nullable().optional().describe('the publisher the plugin id belongs to (null: unsigned bundles)'),
  versions: z.array(PluginVersionInfo).describe('newest first'),
  latestVersion: z.string().describe('the newest compatible version, else the newest'),
  compatible: z.boolean().describe('some installed version runs on this host'),
  inUseCompatible: z.boolean().nullable().describe('the version this unit has is run at all (false after a core upgrade left it behind; null: not in use)'),
  inUseIncompatibleReason: z.string().nullable(),
  state: z.enum(['available', 'enabled', 'disabled', 'tripped']),
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
  quotas: z.object({
    storageBytes: z.object({ used: z.number(), limit: z.number() }),
    storageDocs: z.object({ used: z.number(), limit: z.number() }),
    logEntries: z.object({ used: z.number(), limit: z.number() }).describe('entries the log ring keeps'),
    notificationsPerHour: z.object({ used: z.number(), limit: z.number() }).describe('notify calls in the current clock hour (UTC)'),
  }).optional(),
});
export type PluginMetricsView = z.infer<typeof PluginMetricsView>;

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
