import { sql, type Compilable } from 'kysely';
import { prepared } from '../db/prepared.js';
import { dialectOf, type Executor, type Tx } from '../db/connection.js';
import { nowIso } from '../clock.js';
import { appendAudit, type AuditActor } from '../audit/service.js';
import { AppError, HostCallError } from './errors.js';
import {
  QUOTA_KINDS as KINDS, type PluginQuotaView, type QuotaFigure, type QuotaFigures, type QuotaKind, type QuotaLimits, type QuotaOverrides,
} from '@unibudget/sdk/contracts/plugins';

export type { QuotaFigure, QuotaFigures, QuotaKind, QuotaOverrides };

/**
 * What one plugin may consume in one unit (issue 14): stored bytes and documents, the entries its
 * log keeps (a ring: the oldest go), and notifications per clock hour. The host's defaults are
 * sized for a county office; the system administrator overrides them per plugin (every unit) or per
 * plugin and unit (`plugin_quotas`, migration 007). A host call that would pass a quota is refused
 * with `PLUGIN_QUOTA_EXCEEDED` and writes nothing; the plugin can catch it.
 */
export type PluginQuotas = QuotaLimits;
export const QUOTA_KINDS: readonly QuotaKind[] = KINDS;

export const DEFAULT_QUOTAS: Readonly<PluginQuotas> = Object.freeze({
  storageBytes: 64 * 1024 * 1024,
  storageDocs: 20_000,
  logEntries: 1_000,
  notificationsPerHour: 120,
});

const COLUMN = {
  storageBytes: 'storage_bytes', storageDocs: 'storage_docs', logEntries: 'log_entries', notificationsPerHour: 'notifications_per_hour',
} as const satisfies Record<QuotaKind, string>;

type Row = { unit_id: string } & { [K in (typeof COLUMN)[QuotaKind]]: number | null };

function overridesOf(row: Row | undefined): QuotaOverrides | null {
  if (!row) return null;
  const out: QuotaOverrides = {};
  for (const kind of QUOTA_KINDS) out[kind] = row[COLUMN[kind]] === null ? null : Number(row[COLUMN[kind]]);
  return out;
}

function merge(...layers: Array<QuotaOverrides | null>): PluginQuotas {
  const out = { ...DEFAULT_QUOTAS };
  for (const layer of layers) for (const kind of QUOTA_KINDS) if (layer && typeof layer[kind] === 'number') out[kind] = layer[kind];
  return out;
}

/** The quotas of a plugin in a unit: the unit's override, else the plugin's, else the default, per field. */
export async function quotasFor(db: Executor, pluginId: string, unitId: string): Promise<PluginQuotas> {
  const rows = (await db.selectFrom('plugin_quotas').selectAll().where('plugin_id', '=', pluginId).where('unit_id', 'in', ['', unitId]).execute()) as Row[];
  return merge(overridesOf(rows.find((r) => r.unit_id === '')), overridesOf(rows.find((r) => r.unit_id === unitId)));
}

const LABEL: Record<QuotaKind, { zh: string; en: string }> = {
  storageBytes: { zh: '存储字节', en: 'storage bytes' },
  storageDocs: { zh: '存储文档数', en: 'stored documents' },
  logEntries: { zh: '日志条数', en: 'log entries' },
  notificationsPerHour: { zh: '每小时通知数', en: 'notifications per hour' },
};

/** The refusal a plugin receives (status 429), with the figures that explain it (the catalog's English text). */
export function quotaExceeded(pluginId: string, kind: QuotaKind, used: number, limit: number, adding?: number): HostCallError {
  const error = new AppError('PLUGIN_QUOTA_EXCEEDED', { pluginId, quota: kind, quotaZh: LABEL[kind].zh, quotaEn: LABEL[kind].en, used, limit });
  return HostCallError.limit(error, adding === undefined ? '' : ` (this call needs ${adding} more)`);
}

/**
 * Storage in use by a plugin in a unit (its kept figures, plugin_storage_usage) and, in the same round
 * trip, the size of one document about to be replaced (unique key).
 */
export async function storageUsage(
  db: Executor, pluginId: string, unitId: string, doc?: { collection: string; docId: string },
): Promise<{ bytes: number; docs: number; old: number | null }> {
  // The kept figures (migration 022), not a count over every document: a put costs the same at the millionth document.
  // With no document to replace, the (collection, doc id) asked for is one no document has.
  const [row] = await usageAndOld(db, pluginId, unitId, doc?.collection ?? '', doc?.docId ?? '');
  return { bytes: Number(row?.bytes ?? 0), docs: Number(row?.docs ?? 0), old: row?.old === null || row?.old === undefined ? null : Number(row.old) };
}

const usageAndOld = prepared((db: Executor, pluginId: string, unitId: string, collection: string, docId: string) => db.selectNoFrom((eb) => [
  eb.selectFrom('plugin_storage_usage').select('docs').where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).as('docs'),
  eb.selectFrom('plugin_storage_usage').select('bytes').where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).as('bytes'),
  eb.selectFrom('plugin_docs').select('bytes').where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).where('collection', '=', collection).where('doc_id', '=', docId).as('old'),
]) as unknown as Compilable<{ docs: number | null; bytes: number | null; old: number | null }>);

/** The quota locks each open transaction holds (transaction-scoped: they end with it, and so does its entry). */
const quotaLocksHeld = new WeakMap<Executor, Set<string>>();

/**
 * Runs `work` with the (plugin, unit)'s storage serialized: on PostgreSQL under a transaction-scoped
 * advisory lock, on SQLite in a transaction (one connection: transactions never overlap). Inside an
 * open transaction (a validator's host call runs in the writer's) it joins that transaction.
 */
export async function withQuotaLock<T>(db: Executor, pluginId: string, unitId: string, work: (tx: Executor) => Promise<T>): Promise<T> {
  const run = async (tx: Executor) => {
    const key = `plugin-quota:${pluginId}:${unitId}`;
    // A transaction that already holds the lock (a batch of events writing in one transaction) does not ask again: one round trip less per write.
    if (dialectOf(tx) === 'postgres' && !quotaLocksHeld.get(tx)?.has(key)) {
      await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(tx);
      if (db.isTransaction) quotaLocksHeld.set(tx, (quotaLocksHeld.get(tx) ?? new Set()).add(key));
    }
    return work(tx);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** The start of the current clock hour (UTC), the window of hourly counters. */
export function hourWindow(now = nowIso()): string {
  return `${now.slice(0, 13)}:00:00.000Z`;
}

/**
 * Takes one unit of an hourly allowance, or answers false when the window's count has reached
 * `limit`. Race-free without a lock: the increment is conditional; a new window resets the row.
 */
export async function takeRate(db: Executor, pluginId: string, unitId: string, kind: string, limit: number, now = nowIso()): Promise<boolean> {
  if (limit <= 0) return false;
  const window = hourWindow(now);
  const increment = async () => Number((await db.updateTable('plugin_rates').set((eb) => ({ count: eb('count', '+', 1) }))
    .where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).where('kind', '=', kind)
    .where('window_start', '=', window).where('count', '<', limit)
    .executeTakeFirst()).numUpdatedRows) > 0;
  if (await increment()) return true;
  const reset = await db.insertInto('plugin_rates').values({ plugin_id: pluginId, unit_id: unitId, kind, window_start: window, count: 1 })
    .onConflict((oc) => oc.columns(['plugin_id', 'unit_id', 'kind']).doUpdateSet({ window_start: window, count: 1 })
      .where('plugin_rates.window_start', '<>', window))
    .executeTakeFirst();
  if (Number(reset.numInsertedOrUpdatedRows ?? 0) > 0) return true;
  // Another call opened the window between the two statements: count against it.
  return increment();
}

/** The count of an hourly counter in the current window. */
export async function rateUsed(db: Executor, pluginId: string, unitId: string, kind: string, now = nowIso()): Promise<number> {
  const row = await db.selectFrom('plugin_rates').select(['window_start', 'count'])
    .where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).where('kind', '=', kind).executeTakeFirst();
  return row && row.window_start === hourWindow(now) ? Number(row.count) : 0;
}

/** Usage against quota of a plugin in a unit: what its health page shows. */
export async function quotaFigures(db: Executor, pluginId: string, unitId: string): Promise<QuotaFigures> {
  const [quotas, storage, logs, notifications] = await Promise.all([
    quotasFor(db, pluginId, unitId),
    storageUsage(db, pluginId, unitId),
    db.selectFrom('plugin_logs').select((eb) => eb.fn.countAll<number>().as('n')).where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).executeTakeFirst(),
    rateUsed(db, pluginId, unitId, 'notify'),
  ]);
  return {
    storageBytes: { used: storage.bytes, limit: quotas.storageBytes },
    storageDocs: { used: storage.docs, limit: quotas.storageDocs },
    logEntries: { used: Number(logs?.n ?? 0), limit: quotas.logEntries },
    notificationsPerHour: { used: notifications, limit: quotas.notificationsPerHour },
  };
}

// ------------------------------------------------------------------ the system administrator's settings

export interface QuotaInput extends QuotaOverrides {
  /** Absent: the plugin's quotas in every unit; else this unit's. */
  unitId?: string | undefined;
}

/** A plugin's quotas as the system administrator sees them: defaults, overrides, and each unit's usage. */
export async function quotaView(db: Executor, pluginId: string): Promise<PluginQuotaView> {
  const rows = (await db.selectFrom('plugin_quotas').selectAll().where('plugin_id', '=', pluginId).execute()) as Row[];
  const pluginWide = overridesOf(rows.find((r) => r.unit_id === ''));
  const enabled = await db.selectFrom('plugin_units').select('unit_id').where('plugin_id', '=', pluginId).execute();
  const unitIds = [...new Set([...enabled.map((e) => e.unit_id), ...rows.filter((r) => r.unit_id !== '').map((r) => r.unit_id)])].sort();
  const units: PluginQuotaView['units'] = [];
  for (const unitId of unitIds) {
    units.push({ unitId, overrides: overridesOf(rows.find((r) => r.unit_id === unitId)), usage: await quotaFigures(db, pluginId, unitId) });
  }
  return { pluginId, defaults: { ...DEFAULT_QUOTAS }, plugin: pluginWide, effective: merge(pluginWide), units };
}

/**
 * Sets (or, with null, clears) quota overrides of a plugin, for every unit or one unit; audited.
 * Fields not given keep their override. Lowering a quota below what is in use refuses new writes
 * only: nothing stored is deleted.
 */
export async function setQuotas(tx: Tx, by: AuditActor, pluginId: string, input: QuotaInput): Promise<PluginQuotaView> {
  const installed = await tx.selectFrom('plugin_packages').select('id').where('plugin_id', '=', pluginId).executeTakeFirst();
  if (!installed) throw new AppError('PLUGIN_NOT_FOUND', { pluginId });
  const unitId = input.unitId ?? '';
  if (unitId && !(await tx.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst())) throw new AppError('UNIT_NOT_FOUND', { unitId });
  const row = (await tx.selectFrom('plugin_quotas').selectAll().where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).executeTakeFirst()) as Row | undefined;
  const before = overridesOf(row);
  const after: QuotaOverrides = { ...(before ?? {}) };
  for (const kind of QUOTA_KINDS) if (input[kind] !== undefined) after[kind] = input[kind];
  const values = {
    storage_bytes: after.storageBytes ?? null, storage_docs: after.storageDocs ?? null, log_entries: after.logEntries ?? null,
    notifications_per_hour: after.notificationsPerHour ?? null, updated_at: nowIso(), updated_by: by.userId,
  };
  await tx.insertInto('plugin_quotas').values({ plugin_id: pluginId, unit_id: unitId, ...values })
    .onConflict((oc) => oc.columns(['plugin_id', 'unit_id']).doUpdateSet(values)).execute();
  await appendAudit(tx, {
    actor: by, unitId: unitId || null, action: 'plugin.quotas', entity: 'plugin', entityId: unitId ? `${unitId}:${pluginId}` : pluginId, before, after,
  });
  return quotaView(tx, pluginId);
}
