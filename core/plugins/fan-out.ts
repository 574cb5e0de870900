import { sql, type Selectable } from 'kysely';
import type { Tx } from '../db/connection.js';
import type { OutboxTable } from '../db/schema.js';
import { runCommand } from '../db/command.js';
import { enablementOf } from './enablement.js';
import type { PluginHost } from './host.js';

/** An event type matches a subscription `payment.paid` exactly, `payment.*` by family, or `*` (every event). */
export function subscribed(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/**
 * Fan-out, the first step of delivery: reads the outbox past a cursor row held under lock and
 * queues one delivery per subscribed (plugin, unit), idempotent by (event id, plugin, unit), so it
 * is safe with several app processes. Returns how many deliveries it queued.
 */
export async function fanOut(host: PluginHost): Promise<number> {
  const pg = host.kernel.dialect === 'postgres';
  return runCommand(host.kernel, async (tx) => {
    const cursor = pg
      ? (await sql<{ last_id: number }>`select last_id from plugin_outbox_cursor where id = 1 for update`.execute(tx)).rows[0]
      : await tx.selectFrom('plugin_outbox_cursor').select('last_id').where('id', '=', 1).executeTakeFirst();
    if (!cursor) return 0;
    let events = await tx.selectFrom('outbox').selectAll().where('id', '>', cursor.last_id).orderBy('id').limit(500).execute();
    if (pg && events.length) {
      // Outbox ids come from a sequence, handed out before commit: a transaction still running
      // may commit id 10 after id 11 is visible. Moving the cursor past 11 would lose 10, so the
      // batch stops at the first event written by a transaction not older than every running one.
      const settled = await sql<{ id: number }>`
        select id from outbox where id > ${cursor.last_id} and id <= ${events[events.length - 1]!.id}
          and age(xmin) > age(((pg_snapshot_xmin(pg_current_snapshot())::text::bigint % 4294967296)::text)::xid)`.execute(tx);
      const ok = new Set(settled.rows.map((r) => Number(r.id)));
      const firstOpen = events.findIndex((e) => !ok.has(e.id));
      if (firstOpen >= 0) events = events.slice(0, firstOpen);
    }
    if (events.length === 0) return 0;
    const subscribers = new Map<string, Array<{ pluginId: string; events: string[] }>>();
    let queued = 0;
    for (const event of events) {
      if (!event.unit_id) continue;
      let list = subscribers.get(event.unit_id);
      if (!list) {
        list = await subscribersOf(host, tx, event.unit_id);
        subscribers.set(event.unit_id, list);
      }
      for (const s of list) {
        if (!subscribed(s.events, event.type)) continue;
        queued += await queue(tx, event, s.pluginId);
      }
    }
    await tx.updateTable('plugin_outbox_cursor').set({ last_id: events[events.length - 1]!.id }).where('id', '=', 1).execute();
    return queued;
  });
}

async function subscribersOf(host: PluginHost, tx: Tx, unitId: string): Promise<Array<{ pluginId: string; events: string[] }>> {
  const rows = await tx.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('state', '=', 'enabled').execute();
  const out = [];
  for (const row of rows) {
    const enablement = enablementOf(row);
    if (!enablement.grants.includes('events')) continue;
    const pkg = await host.loadPackage(tx, enablement.pluginId, enablement.version);
    if (pkg.manifest.events.length) out.push({ pluginId: enablement.pluginId, events: pkg.manifest.events });
  }
  return out;
}

async function queue(tx: Tx, event: Selectable<OutboxTable>, pluginId: string): Promise<number> {
  const result = await tx
    .insertInto('plugin_deliveries')
    .values({
      event_id: event.event_id, plugin_id: pluginId, unit_id: event.unit_id!, type: event.type, payload: event.payload,
      occurred_at: event.occurred_at, status: 'pending', attempts: 0, next_at: event.occurred_at,
      claimed_by: null, claimed_until: null, last_error: null, done_at: null,
    })
    .onConflict((oc) => oc.columns(['event_id', 'plugin_id', 'unit_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
