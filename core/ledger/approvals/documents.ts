import type { Selectable } from 'kysely';
import { dialectOf, type Tx } from '../../db/connection.js';
import type { AdjustmentsTable, TransfersTable } from '../../db/schema.js';
import { nowIso } from '../../clock.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { AppError } from '../errors.js';
import { recordCommand } from '../record.js';
import { cancelOpenSteps, decideStep } from './service.js';
import { notifyRequester, type ApprovalDocument } from './notices.js';

/**
 * Transfers (调剂) and adjustments (追加/追减) are documents that change an indicator only when their
 * approval flow ends. Each module has its own commands; what they share lives here: taking a pending
 * document's row lock, and closing it before its end — the current approver rejects it, or the
 * requester withdraws it — which never checks a rule and never touches a balance.
 */
type DocumentTarget = 'transfer' | 'adjustment';
interface Rows {
  transfer: Selectable<TransfersTable>;
  adjustment: Selectable<AdjustmentsTable>;
}

const TABLE = { transfer: 'transfers', adjustment: 'adjustments' } as const;
const NOT_FOUND = { transfer: 'TRANSFER_NOT_FOUND', adjustment: 'ADJUSTMENT_NOT_FOUND' } as const;

/**
 * Locks a document of the unit that is still pending (PostgreSQL: the row lock, FOR NO KEY UPDATE, which
 * foreign-key checks of other transactions do not wait on), so two deciders of one document run one after
 * the other and the second sees the first's outcome. Taken before any indicator lock (ARCHITECTURE.md).
 */
export async function lockPending<T extends DocumentTarget>(tx: Tx, target: T, unitId: string, id: number): Promise<Rows[T]> {
  const row = await tx
    .selectFrom(TABLE[target] as 'transfers')
    .selectAll()
    .where('id', '=', id)
    .where('unit_id', '=', unitId)
    .$if(dialectOf(tx) === 'postgres', (qb) => qb.forNoKeyUpdate())
    .executeTakeFirst() as Rows[T] | undefined;
  if (!row) throw new AppError(NOT_FOUND[target], { id });
  if (row.status !== 'pending') throw new AppError('INVALID_STATE', { status: row.status, allowed: ['pending'] });
  return row;
}

export interface PendingDocument<V> {
  target: DocumentTarget;
  /** Its row, as lockPending returned it. */
  row: { id: number; created_by: number };
  /** What the requester's notice of a rejection says; its department decides who may reject at a 科室负责人 step. */
  notice: () => Promise<ApprovalDocument>;
  /** The document as the command leaves it (the answer). */
  view: () => Promise<V>;
  /** What it held (占用) becomes available again (a transfer's amount on its source). */
  release?: () => Promise<void>;
}

/**
 * Rejects (the current step's approver) or withdraws (the requester) a pending document: its open
 * steps end, its status is final, and the trail, audit entry and `<target>.rejected|withdrawn` event
 * are written. The requester hears of a rejection; a withdrawal is their own act.
 */
export async function closeDocument<V>(
  tx: Tx, actor: Actor, scope: UnitScope, doc: PendingDocument<V>, action: 'rejected' | 'withdrawn', comment: string | undefined,
): Promise<V> {
  const { target, row } = doc;
  if (action === 'rejected') {
    const notice = await doc.notice();
    await decideStep(tx, actor, scope.unitId, target, row.id, { userId: row.created_by, departmentId: notice.departmentId }, 'rejected', comment);
    await notifyRequester(tx, scope.unitId, notice, 'rejected', comment);
  } else {
    if (row.created_by !== actor.userId) throw new AppError('NOT_REQUESTER');
    await cancelOpenSteps(tx, target, row.id);
  }
  await doc.release?.();
  await tx.updateTable(TABLE[target]).set({ status: action, decided_at: nowIso() }).where('id', '=', row.id).execute();
  const verb = action === 'rejected' ? 'reject' : 'withdraw';
  return recordCommand(tx, actor, scope.unitId, {
    entity: target, entityId: row.id, action: `${target}.${verb}`,
    trail: { action: verb, body: comment },
    view: doc.view,
    audit: () => ({ before: { status: 'pending' }, after: { status: action } }),
    event: () => ({ type: `${target}.${action}`, payload: { id: row.id } }),
  });
}
