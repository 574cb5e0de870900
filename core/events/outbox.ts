import { randomUUID } from 'node:crypto';
import type { Executor, Tx } from '../db/connection.js';
import { prepared } from '../db/prepared.js';
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
  await insertEvent(tx, eventId, event.unitId, event.type, JSON.stringify(event.payload), nowIso());
  return eventId;
}

const insertEvent = prepared((tx: Executor, eventId: string, unitId: string | null, type: string, payload: string, at: string) =>
  tx.insertInto('outbox').values({ event_id: eventId, unit_id: unitId, type, payload, occurred_at: at, fan_pending: 1 }));
