import { sql, type Insertable, type Selectable } from 'kysely';
import type { Tx } from '../db/connection.js';
import type { OutboxTable, PluginDeliveriesTable } from '../db/schema.js';
import { runCommand } from '../db/command.js';
import { enablementOf } from './enablement.js';
import type { PluginHost } from './host.js';

/** An event type matches a subscription `payment.paid` exactly, `payment.*` by family, or `*` (every event). */
export function subscribed(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/**
 * Fan-out, the first step of delivery: takes up to 500 committed outbox events still marked
 * `fan_pending`, in id order, queues one delivery per subscribed (plugin, unit), idempotent by
 * (event id, plugin, unit), and clears their marks, all in one transaction. The cursor row is held
 * under lock as the fan-out's mutex, so several app processes never fan out at once. The mark, not
 * an id cursor, says what is left: outbox ids are taken at insert, not at commit, so on PostgreSQL a
 * lower id can become visible after a higher one (migrations/023_outbox_fan_pending.ts). Events of
 * one transaction become visible together, and an indicator's events are ordered by its row lock, so
 * a (plugin, unit)'s deliveries still follow commit order. Returns how many deliveries it queued.
 */
export async function fanOut(host: PluginHost): Promise<number> {
  const pg = host.kernel.dialect === 'postgres';
  return runCommand(host.kernel, async (tx) => {
    if (pg) await sql`select last_id from plugin_outbox_cursor where id = 1 for update`.execute(tx);
    const events = await tx.selectFrom('outbox').selectAll().where('fan_pending', 'is not', null).orderBy('id').limit(500).execute();
    if (events.length === 0) return 0;
    const subscribers = new Map<string, Array<{ pluginId: string; events: string[] }>>();
    const deliveries: Array<Insertable<PluginDeliveriesTable>> = [];
    for (const event of events) {
      if (!event.unit_id) continue;
      let list = subscribers.get(event.unit_id);
      if (!list) {
        list = await subscribersOf(host, tx, event.unit_id);
        subscribers.set(event.unit_id, list);
      }
      for (const s of list) if (subscribed(s.events, event.type)) deliveries.push(deliveryOf(event, s.pluginId));
    }
    const queued = await queue(tx, deliveries);
    await tx.updateTable('outbox').set({ fan_pending: null }).where('id', 'in', events.map((e) => e.id)).execute();
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

function deliveryOf(event: Selectable<OutboxTable>, pluginId: string): Insertable<PluginDeliveriesTable> {
  return {
    event_id: event.event_id, plugin_id: pluginId, unit_id: event.unit_id!, type: event.type, payload: event.payload,
    occurred_at: event.occurred_at, status: 'pending', attempts: 0, next_at: event.occurred_at,
    claimed_by: null, claimed_until: null, last_error: null, done_at: null,
  };
}

/**
 * Inserts the deliveries in event order, 250 rows a statement (not one statement per delivery), each
 * idempotent by (event id, plugin, unit). Returns how many were new.
 */
async function queue(tx: Tx, deliveries: Array<Insertable<PluginDeliveriesTable>>): Promise<number> {
  let queued = 0;
  for (let at = 0; at < deliveries.length; at += 250) {
    const result = await tx.insertInto('plugin_deliveries').values(deliveries.slice(at, at + 250))
      .onConflict((oc) => oc.columns(['event_id', 'plugin_id', 'unit_id']).doNothing())
      .executeTakeFirst();
    queued += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return queued;
}
