import type { Tx } from '../db/connection.js';
import { appendAudit, type AlongsideWrite, type GuardedWrite } from '../audit/service.js';
import { executeCompiled } from '../db/prepared.js';
import { auditActorOf } from '../accounts/service.js';
import { eventStatement } from '../events/outbox.js';
import type { Actor } from '../permissions/service.js';
import { addComment } from './comments.js';
import { numberDocument, type DocKind } from './approvals/doc-numbers.js';

export interface CommandRecord<V> {
  entity: string;
  entityId: number;
  /** The audit action, e.g. `payment.approve`. */
  action: string;
  /** The line the document's trail shows (who did what, with their comment); written before the view is read. */
  trail?: { action: string; body?: string | undefined };
  /** The document as the command leaves it: the command's answer and the event's payload. */
  view: () => Promise<V>;
  /** What the audit entry keeps; without it, the whole view is the entry's `after`. */
  audit?: (view: V) => { before?: unknown; after?: unknown };
  /** The domain event that plugins and integrators receive after commit. */
  event?: ((view: V) => { type: string; payload: Record<string, unknown> }) | undefined;
  /**
   * A new document's number (doc-numbers.ts), taken after the view is read: its counter row stays
   * locked until commit on PostgreSQL, so the unit's next submission waits only for this tail (the
   * number and the audit entry with what goes with it) instead of the whole command. `then` gives what
   * needs the number (the approvers' notice), written with the audit entry. `taken`: the number the row
   * was inserted with (numberFirst).
   */
  /** Writes that must change their row, locked before the audit head (a new document's reservation: `reservation`). */
  guarded?: GuardedWrite[];
  number?: { kind: DocKind; year: number; table: 'payments' | 'transfers'; then?: (docNo: string) => AlongsideWrite | null; taken?: string | null };
}

/**
 * The tail every ledger command writes in its own transaction: the document trail, its number, the
 * audit entry and the outbox event. One helper, so no command forgets one of them or writes them in
 * another order. Returns the view.
 */
export async function recordCommand<V>(tx: Tx, actor: Actor, unitId: string, record: CommandRecord<V>): Promise<V> {
  const by = auditActorOf(actor);
  if (record.trail) {
    await addComment(tx, by, { unitId, entity: record.entity, entityId: record.entityId, action: record.trail.action, body: record.trail.body });
  }
  const view = await record.view();
  const alongside: AlongsideWrite[] = [];
  if (record.number) {
    const { kind, year, table, then, taken } = record.number;
    const docNo = taken ?? await numberDocument(tx, table, record.entityId, unitId, kind, year);
    (view as { docNo?: string | null }).docNo = docNo;
    const numbered = then?.(docNo);
    if (numbered) alongside.push(numbered);
  }
  // The audit entry, then the event, last. The chain's head row is one lock for the whole system
  // (PostgreSQL) held to the commit, so the outbox id taken under it follows commit order, and the
  // delivery fan-out (plugins/fan-out.ts), which reads committed events in id order, hands a plugin
  // the events of one unit as they were committed.
  const audited = record.audit ? record.audit(view) : { after: view };
  const event = record.event?.(view);
  if (event) {
    const statement = eventStatement({ type: event.type, unitId, payload: event.payload });
    alongside.push({ statement: () => statement, run: (on) => executeCompiled(on, statement.compile(on)) });
  }
  await appendAudit(tx, { actor: by, unitId, action: record.action, entity: record.entity, entityId: record.entityId, ...audited }, alongside, record.guarded);
  return view;
}
