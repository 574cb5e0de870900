import { randomUUID } from 'node:crypto';
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
  await tx
    .insertInto('outbox')
    .values({
      event_id: eventId,
      unit_id: event.unitId,
      type: event.type,
      payload: JSON.stringify(event.payload),
      occurred_at: nowIso(),
    })
    .execute();
  return eventId;
}
