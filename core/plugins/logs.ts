import type { Executor } from '../db/connection.js';
import { nowIso } from '../clock.js';
import { PLUGIN_LOG_LEVELS, type PluginLogEntry, type PluginLogLevel, type PluginLogPage } from '@unibudget/sdk/contracts/plugins';

/**
 * The plugin log of one plugin in one unit: a ring that keeps the newest entries (the quota
 * `logEntries`, quotas.ts), written by `host.log.*` and read by the unit's admin and digital
 * specialist (GET /api/units/:unitId/plugins/:pluginId/logs). Logging is never refused: the oldest
 * entries go. One entry is at most 2,000 characters of message and 4,000 of data.
 */
export const LOG_LEVELS = PLUGIN_LOG_LEVELS;
export type LogLevel = PluginLogLevel;

const MESSAGE_CHARS = 2000;
const DATA_CHARS = 4000;

/**
 * Appends one entry and drops what falls out of the ring (index plugin_logs_ring: two short range
 * reads), in one transaction: one commit per entry.
 */
export async function appendLog(db: Executor, pluginId: string, unitId: string, entry: { level: unknown; message: unknown; data: unknown }, keep: number): Promise<void> {
  const level: LogLevel = (LOG_LEVELS as readonly unknown[]).includes(entry.level) ? (entry.level as LogLevel) : 'info';
  let data: string | null = null;
  if (entry.data !== null && entry.data !== undefined) {
    try {
      data = (JSON.stringify(entry.data) ?? 'null').slice(0, DATA_CHARS);
    } catch {
      data = '"(not JSON)"';
    }
  }
  const values = { plugin_id: pluginId, unit_id: unitId, level, message: String(entry.message ?? '').slice(0, MESSAGE_CHARS), data, at: nowIso() };
  const write = async (tx: Executor) => {
    await tx.insertInto('plugin_logs').values(values).execute();
    await tx.deleteFrom('plugin_logs')
      .where('plugin_id', '=', pluginId).where('unit_id', '=', unitId)
      .where('id', '<=', (eb) => eb.selectFrom('plugin_logs').select('id')
        .where('plugin_id', '=', pluginId).where('unit_id', '=', unitId)
        .orderBy('id', 'desc').limit(1).offset(Math.max(0, keep)))
      .execute();
  };
  await (db.isTransaction ? write(db) : db.transaction().execute(write));
}

export interface LogQuery {
  /** Entries older than this id (the `next` of the page before). */
  before?: number | undefined;
  level?: LogLevel | undefined;
  limit?: number | undefined;
}

/** Newest first, a page at a time. `data` is the JSON the plugin logged (cut at 4,000 characters, so possibly not whole). */
export async function readLogs(db: Executor, unitId: string, pluginId: string, query: LogQuery = {}): Promise<PluginLogPage> {
  const limit = Math.min(Math.max(1, query.limit ?? 100), 500);
  const rows = await db.selectFrom('plugin_logs').select(['id', 'level', 'message', 'data', 'at'])
    .where('plugin_id', '=', pluginId).where('unit_id', '=', unitId)
    .$if(query.before !== undefined, (q) => q.where('id', '<', query.before!))
    .$if(query.level !== undefined, (q) => q.where('level', '=', query.level!))
    .orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return {
    pluginId, unitId,
    // appendLog writes only the levels of LOG_LEVELS.
    entries: page.map((r): PluginLogEntry => ({ id: r.id, level: r.level as LogLevel, message: r.message, data: r.data, at: r.at })),
    next: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}
