import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../db/connection.js';
import { nowIso } from '../clock.js';

export interface DomainEvent {
  type: string;
  unitId: string | null;
  payload: Record<string, unknown>;
}

/**
 * Records a domain event in the outbox inside the writer's transaction: it exists exactly when
 * the change it describes was committed. Delivery to subscribers happens after commit.
 */
export async function publishEvent(tx: Tx, event: DomainEvent): Promise<string> {
  const eventId = randomUUID();
  await eventStatement(event, eventId).execute(tx);
  return eventId;
}

/**
 * The same event as a statement to run inside another (audit/service.ts writes it in the audit
 * entry's statement on PostgreSQL, saving a round trip under the audit chain's lock).
 */
export function eventStatement(event: DomainEvent, eventId: string = randomUUID()): RawBuilder<unknown> {
  return sql`insert into outbox (event_id, unit_id, type, payload, occurred_at, fan_pending)
    values (${eventId}, ${event.unitId}, ${event.type}, ${JSON.stringify(event.payload)}, ${nowIso()}, 1)`;
}
