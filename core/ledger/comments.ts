import type { Executor, Tx } from '../db/connection.js';
import { nowIso } from '../clock.js';
import type { AuditActor } from '../audit/service.js';

export interface TrailEntry {
  action: string;
  body: string;
  authorName: string;
  at: string;
}

/** Stores one step's comment on a ledger document (project, request, payment, transfer …). */
export async function addComment(
  tx: Tx,
  by: AuditActor,
  c: { unitId: string; entity: string; entityId: number; action: string; body: string | undefined },
): Promise<void> {
  await tx
    .insertInto('comments')
    .values({ unit_id: c.unitId, entity: c.entity, entity_id: c.entityId, author_id: by.userId ?? 0, action: c.action, body: c.body ?? '', created_at: nowIso() })
    .execute();
}

/** The comment trail of a document, oldest first. */
export async function trailOf(db: Executor, unitId: string, entity: string, entityId: number): Promise<TrailEntry[]> {
  const rows = await db
    .selectFrom('comments')
    .leftJoin('users', 'users.id', 'comments.author_id')
    .select(['comments.action', 'comments.body', 'comments.created_at', 'users.display_name'])
    .where('comments.unit_id', '=', unitId)
    .where('comments.entity', '=', entity)
    .where('comments.entity_id', '=', entityId)
    .orderBy('comments.id')
    .execute();
  return rows.map((r) => ({ action: r.action, body: r.body, authorName: r.display_name ?? 'system', at: r.created_at }));
}
