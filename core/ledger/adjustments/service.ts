import type { Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/connection.js';
import type { AdjustmentsTable } from '../../db/schema.js';
import { nowIso } from '../../clock.js';
import { AppError } from '../errors.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { applyMovement, assertUnitYearTotal, availableOf, findIndicator, lockIndicator, type IndicatorRow } from '../indicators/service.js';
import { decideStep, plannedRoute, startApproval, stepsOf } from '../approvals/service.js';
import { nextDocNo, yearOf } from '../approvals/doc-numbers.js';
import { closeDocument, lockPending, type PendingDocument } from '../approvals/documents.js';
import { notifyPendingStep, notifyRequester, summaryOf, type ApprovalDocument } from '../approvals/notices.js';
import { trailOf } from '../comments.js';
import { recordCommand } from '../record.js';
import { addDateFindings, Findings, ruleModes } from '../rules/service.js';
import type { AdjustmentDraft } from './schema.js';

type AdjustmentRow = Selectable<AdjustmentsTable>;

/** The rules an adjustment meets: its date, and no reduction below what is already frozen and paid. */
async function evaluateAdjustment(db: Executor, unitId: string, indicator: IndicatorRow, amount: number, date: string | null) {
  const findings = new Findings(await ruleModes(db, unitId));
  if (date) await addDateFindings(db, findings, unitId, date, [indicator.year]);
  const used = indicator.frozen_amount + indicator.paid_amount;
  if (amount < 0 && availableOf(indicator) < -amount) findings.add('REDUCTION_BELOW_USED', { used, amount, available: availableOf(indicator) });
  return findings;
}

/** What a draft adjustment would meet; writes nothing. */
export async function checkAdjustment(db: Executor, scope: UnitScope, draft: { indicatorId: number; amount: number; date: string }) {
  const indicator = await findIndicator(db, scope.unitId, draft.indicatorId);
  return evaluateAdjustment(db, scope.unitId, indicator, draft.amount, draft.date);
}

/** 申请追加/追减. The indicator changes only at the final approval, checked again then. */
export async function createAdjustment(tx: Tx, actor: Actor, scope: UnitScope, draft: AdjustmentDraft) {
  const indicator = await lockIndicator(tx, scope.unitId, draft.indicatorId);
  (await evaluateAdjustment(tx, scope.unitId, indicator, draft.amount, draft.date)).enforce(undefined);
  if (draft.amount > 0) await assertUnitYearTotal(tx, scope.unitId, indicator.year, draft.amount);
  const row = await tx
    .insertInto('adjustments')
    .values({
      unit_id: scope.unitId, indicator_id: indicator.id, amount: draft.amount, reason: draft.reason, doc_no: draft.docNo ?? '',
      date: draft.date, status: 'pending', created_by: actor.userId, created_at: nowIso(), decided_at: null,
      serial_no: await nextDocNo(tx, scope.unitId, 'adjustment', yearOf(draft.date)),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const steps = await plannedRoute(
    tx, scope.unitId, 'adjustment', { amount: Math.abs(draft.amount), economicCode: indicator.economic_code },
    { userId: actor.userId, departmentId: indicator.department_id },
  );
  await startApproval(tx, scope.unitId, 'adjustment', row.id, steps);
  await notifyPendingStep(tx, scope.unitId, adjustmentNotice(row, indicator.department_id));
  return recordCommand(tx, actor, scope.unitId, {
    entity: 'adjustment', entityId: row.id, action: 'adjustment.submit',
    view: () => adjustmentDetail(tx, scope.unitId, row.id),
    event: (adjustment) => ({ type: 'adjustment.submitted', payload: { adjustment } }),
  });
}

/** One approval; the last changes the indicator, under its lock, with the rules checked again. */
export async function approveAdjustment(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: { comment?: string | undefined }) {
  const row = await lockPending(tx, 'adjustment', scope.unitId, id);
  const target = await findIndicator(tx, scope.unitId, row.indicator_id);
  const { final, label } = await decideStep(tx, actor, scope.unitId, 'adjustment', id, { userId: row.created_by, departmentId: target.department_id }, 'approved', input.comment);
  if (final) {
    const indicator = await lockIndicator(tx, scope.unitId, row.indicator_id);
    // The date was checked at submission; a month closed since then books the movement in the next open one (bookingDate).
    (await evaluateAdjustment(tx, scope.unitId, indicator, row.amount, null)).enforce(undefined);
    await applyMovement(tx, { indicator, kind: 'adjust', amount: row.amount, refType: 'adjustment', refId: id, date: row.date, actorId: actor.userId });
    await tx.updateTable('adjustments').set({ status: 'approved', decided_at: nowIso() }).where('id', '=', id).execute();
  }
  if (final) await notifyRequester(tx, scope.unitId, adjustmentNotice(row, target.department_id), 'approved');
  else await notifyPendingStep(tx, scope.unitId, adjustmentNotice(row, target.department_id));
  return recordCommand(tx, actor, scope.unitId, {
    entity: 'adjustment', entityId: id, action: final ? 'adjustment.approve' : 'adjustment.approve_step',
    trail: { action: `approve:${label}`, body: input.comment },
    view: () => adjustmentDetail(tx, scope.unitId, id),
    audit: (after) => ({ before: { status: 'pending' }, after: { status: after.status, step: label } }),
    event: final ? (adjustment) => ({ type: 'adjustment.approved', payload: { adjustment } }) : undefined,
  });
}

/** 驳回: the approver of the current step refuses the adjustment; the indicator stays as it was. */
export async function rejectAdjustment(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: { comment?: string | undefined }) {
  const row = await lockPending(tx, 'adjustment', scope.unitId, id);
  return closeDocument(tx, actor, scope, pendingAdjustment(tx, scope.unitId, row), 'rejected', input.comment);
}

/** 撤回: the requester takes a pending adjustment back. */
export async function withdrawAdjustment(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: { comment?: string | undefined }) {
  const row = await lockPending(tx, 'adjustment', scope.unitId, id);
  return closeDocument(tx, actor, scope, pendingAdjustment(tx, scope.unitId, row), 'withdrawn', input.comment);
}

function pendingAdjustment(tx: Tx, unitId: string, row: AdjustmentRow): PendingDocument<AdjustmentDetail> {
  return {
    target: 'adjustment',
    row,
    notice: async () => adjustmentNotice(row, (await findIndicator(tx, unitId, row.indicator_id)).department_id),
    view: () => adjustmentDetail(tx, unitId, row.id),
  };
}

/** What a notice about this adjustment says and whom it concerns (the department of its indicator). */
function adjustmentNotice(row: AdjustmentRow, departmentId: number): ApprovalDocument {
  return { target: 'adjustment', id: row.id, docNo: row.serial_no, amount: row.amount, departmentId, requesterId: row.created_by, summary: summaryOf.adjustment(row) };
}

export type AdjustmentDetail = Awaited<ReturnType<typeof adjustmentDetail>>;

export async function adjustmentDetail(db: Executor, unitId: string, id: number) {
  const r = await db.selectFrom('adjustments').selectAll().where('id', '=', id).where('unit_id', '=', unitId).executeTakeFirst();
  if (!r) throw new AppError('ADJUSTMENT_NOT_FOUND', { id });
  return {
    id: r.id, indicatorId: r.indicator_id, amount: r.amount, reason: r.reason, docNo: r.doc_no, serialNo: r.serial_no, date: r.date, status: r.status,
    createdBy: r.created_by, createdAt: r.created_at, decidedAt: r.decided_at,
    steps: await stepsOf(db, 'adjustment', id), comments: await trailOf(db, unitId, 'adjustment', id),
  };
}

/** Adjustments of the unit, newest first. */
export async function listAdjustments(db: Executor, scope: UnitScope, filter: { status?: string | undefined; indicatorId?: number | undefined }) {
  const rows = await db
    .selectFrom('adjustments')
    .select('id')
    .where('unit_id', '=', scope.unitId)
    .$if(filter.status !== undefined, (qb) => qb.where('status', '=', filter.status as 'pending'))
    .$if(filter.indicatorId !== undefined, (qb) => qb.where('indicator_id', '=', filter.indicatorId!))
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  return Promise.all(rows.map((r) => adjustmentDetail(db, scope.unitId, r.id)));
}
