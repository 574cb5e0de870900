import { z } from 'zod';
import { UnitParams } from '../units/schema.js';
import type { Role } from '../permissions/roles.js';
import { HOST_PERMISSIONS, RESERVED_PLUGIN_IDS, VIEW_PLACEMENTS } from '../../sdk/manifest.js';
import { LOG_LEVELS } from './logs.js';

/** The inputs and answers of the plugin host's HTTP routes (routes.ts), checked with zod. */

export const PluginId = z.string().regex(/^[a-z][a-z0-9-]{1,47}$/);
export const PluginParams = UnitParams.extend({ pluginId: PluginId });
export const SystemPluginParams = z.object({ pluginId: PluginId });
export const ViewParams = PluginParams.extend({ viewId: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/) });
/** The object a placed view is shown about: both or neither (the other query parameters go to the view as they are). */
export const ViewQuery = z.object({
  subjectKind: z.enum(['project', 'budget-request', 'payment', 'transfer']).optional(),
  subjectId: z.string().regex(/^[1-9][0-9]{0,14}$/, 'a positive integer').optional(),
}).passthrough().refine((q) => (q.subjectKind === undefined) === (q.subjectId === undefined), { message: 'subjectKind and subjectId go together', path: ['subjectId'] });
export const PlacementQuery = z.object({ placement: z.enum(VIEW_PLACEMENTS) });
export const PlacementList = z.object({
  placements: z.array(z.object({ pluginId: z.string(), viewId: z.string(), title: z.object({ zh: z.string(), en: z.string() }) })),
});

export const EnableBody = z.object({
  grants: z.array(z.enum(HOST_PERMISSIONS)).max(HOST_PERMISSIONS.length),
  settings: z.record(z.string(), z.unknown()).optional(),
  version: z.string().max(50).optional(),
  failMode: z.enum(['open', 'closed']).optional(),
});
export const TrustBody = z.object({
  allowUnsigned: z.boolean().optional(),
  addPublisher: z.object({ name: z.string().min(1).max(100), publicKey: z.string().min(20).max(2000) }).optional(),
  removePublisher: z.string().min(1).max(100).optional(),
});
// An id the core reserves is no plugin's to own.
export const OwnedPluginParams = z.object({
  pluginId: PluginId.refine((id) => !(RESERVED_PLUGIN_IDS as readonly string[]).includes(id), 'this id is reserved for the core'),
});
export const OwnerBody = z.object({
  publisher: z.string().min(1).max(100).nullable().describe('a trusted publisher\'s name; null: unsigned bundles'),
}).strict();
export const quotaField = (max: number, what: string) => z.number().int().min(0).max(max).nullable().optional().describe(`${what}; null: inherit (unit → plugin → default)`);
export const QuotaBody = z.object({
  unitId: UnitParams.shape.unitId.optional().describe('absent: the plugin in every unit; else this unit only'),
  storageBytes: quotaField(16 * 1024 ** 3, 'UTF-8 bytes of stored documents'),
  storageDocs: quotaField(10_000_000, 'stored documents'),
  logEntries: quotaField(1_000_000, 'log entries kept (a ring)'),
  notificationsPerHour: quotaField(1_000_000, 'notify calls per clock hour'),
}).strict();
export const LogQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  level: z.enum(LOG_LEVELS).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
/** Who reads a plugin's log in a unit: its admin and its digital specialist (direct grants on the unit). */
export const LOG_READERS: readonly Role[] = ['unit_admin', 'plugin_developer'];
export const UninstallQuery = z.object({ purge: z.enum(['true', 'false']).default('false'), version: z.string().max(50).optional() });
// `pluginId:name` for a plugin's channels; `core:notifications` (the core's own) fits the same shape.
export const RealtimeQuery = z.object({ channel: z.string().regex(/^[a-z][a-z0-9-]{1,47}:[a-z0-9][a-z0-9:_-]{0,63}$/) });
