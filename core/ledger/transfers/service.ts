import type { Selectable } from 'kysely';
import type { Db, Executor, Tx } from '../../db/connection.js';
import type { TransfersTable } from '../../db/schema.js';
import { nowIso } from '../../clock.js';
import { askBeforeCommand, unlessValidated, validatorWarningsFor, type ValidatorCheck } from '../validation.js';
import { AppError, type Lang } from '../errors.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { assertDepartmentAccess, departmentBound } from '../scope.js';
import { applyMovement, availableOf, findIndicator, lockIndicator, type IndicatorRow } from '../indicators/service.js';
import { reservation, unreserve } from '../indicators/reservations.js';
import { decideStep, plannedRoute, startApproval, startedStepsView, stepPreview, stepsOf } from '../approvals/service.js';
import { numberFirst, yearOf } from '../approvals/doc-numbers.js';
import { closeDocument, lockPending, type PendingDocument } from '../approvals/documents.js';
import { notifyPendingStep, notifyRequester, pendingStepNotice, summaryOf, type ApprovalDocument } from '../approvals/notices.js';
import { trailOf, type TrailEntry } from '../comments.js';
import { recordCommand } from '../record.js';
import { assertMayApproveOverride, documentRules, overriddenRules } from '../rules/service.js';
import { THREE_PUBLIC_CODES } from '../rules/catalog.js';
import type { TransferCheckBody, TransferDraft } from './schema.js';

type TransferRow = Selectable<TransfersTable>;

/** Locks two indicators in id order, so crossing transfers cannot deadlock. */
async function lockPair(tx: Tx, unitId: string, fromId: number, toId: number) {
  const [first, second] = fromId < toId ? [fromId, toId] : [toId, fromId];
  const a = await lockIndicator(tx, unitId, first);
  const b = await lockIndicator(tx, unitId, second);
  return fromId < toId ? { from: a, to: b } : { from: b, to: a };
}

/**
 * Every control rule on a transfer, against its indicators as they stand: at the check (no write),
 * at submission and again at the final approval, under the indicators' locks.
 */
async function evaluateTransfer(db: Executor, unitId: string, from: IndicatorRow, to: IndicatorRow | null, draft: { amount: number; date?: string | undefined }, held = 0) {
  const { findings, settings } = await documentRules(db, unitId, draft.date, to ? [from.year, to.year] : [from.year]);
  // `held`: what the transfer itself already holds on its source (占用, at its final approval).
  const available = availableOf(from) + held;
  if (draft.amount > available) findings.add('BALANCE_EXCEEDED', { available, amount: draft.amount, indicatorId: from.id });
  if (to) {
    if (THREE_PUBLIC_CODES.has(to.economic_code) && !THREE_PUBLIC_CODES.has(from.economic_code)) {
      findings.add('THREE_PUBLIC_INCREASE', { economicCode: to.economic_code });
    }
    if (from.fund_source_code !== to.fund_source_code) findings.add('FUND_SOURCE_MISMATCH', { from: from.fund_source_code, to: to.fund_source_code });
  }
  // 机动额度: from the reserve, up to the threshold, one approval is enough.
  const fastTrack = from.is_flexible_reserve === 1 && draft.amount <= settings.flexibleThreshold;
  return { findings, available, fastTrack };
}

function assertDistinct(fromId: number, toId: number | undefined) {
  if (toId !== undefined && fromId === toId) throw new AppError('SAME_INDICATOR');
}

/** What a draft transfer would meet: the rules it trips, whether it is fast-tracked, who approves. Writes nothing. */
export async function checkTransfer(db: Executor, actor: Actor, scope: UnitScope, draft: TransferCheckBody) {
  assertDistinct(draft.fromIndicatorId, draft.toIndicatorId);
  const from = await findIndicator(db, scope.unitId, draft.fromIndicatorId);
  const to = draft.toIndicatorId ? await findIndicator(db, scope.unitId, draft.toIndicatorId) : null;
  assertDepartmentAccess(actor, scope, from.department_id);
  if (to) assertDepartmentAccess(actor, scope, to.department_id);
  const { findings, available, fastTrack } = await evaluateTransfer(db, scope.unitId, from, to, draft);
  const steps = await plannedRoute(
    db, scope.unitId, 'transfer', { amount: draft.amount, economicCode: to?.economic_code ?? from.economic_code },
    { userId: actor.userId, departmentId: from.department_id }, { onlyFirst: fastTrack },
  );
  return { ok: findings.blocking.length === 0, findings: findings.items, available, fastTrack, steps: steps.map(stepPreview) };
}

/** What `transfer.validate` validators see: the draft and the classes of both indicators. */
function transferDocument(draft: TransferDraft, from: IndicatorRow, to: IndicatorRow): Record<string, unknown> {
  return { ...draft, fromEconomicCode: from.economic_code, toEconomicCode: to.economic_code };
}

/** Before the transaction: the core's rules on committed data, then the plugins' validators, outside any lock. */
export function validateTransfer(db: Db, actor: Actor, scope: UnitScope, draft: TransferDraft, lang?: Lang): Promise<ValidatorCheck> {
  return unlessValidated(db, 'transfer.validate', scope.unitId, async () => {
    assertDistinct(draft.fromIndicatorId, draft.toIndicatorId);
    const from = await findIndicator(db, scope.unitId, draft.fromIndicatorId);
    const to = await findIndicator(db, scope.unitId, draft.toIndicatorId);
    assertDepartmentAccess(actor, scope, from.department_id);
    assertDepartmentAccess(actor, scope, to.department_id);
    const { findings } = await evaluateTransfer(db, scope.unitId, from, to, draft);
    findings.enforce(draft.override?.reason);
    return askBeforeCommand(db, 'transfer.validate', scope.unitId, transferDocument(draft, from, to), lang);
  });
}

/**
 * 申请调剂. Nothing moves yet: the money moves at the final approval, which locks both indicators.
 * Within the flexible quota (机动额度) only the flow's first step applies, unless the requester
 * overrode a rule. Written as a payment is (payments/service.ts `createPayment`): the rules are judged
 * on the indicators read without a lock, and the source is locked last, by the reservation, which
 * checks its balance again.
 */
export async function createTransfer(tx: Tx, actor: Actor, scope: UnitScope, draft: TransferDraft, check: ValidatorCheck) {
  assertDistinct(draft.fromIndicatorId, draft.toIndicatorId);
  const from = await findIndicator(tx, scope.unitId, draft.fromIndicatorId);
  const to = await findIndicator(tx, scope.unitId, draft.toIndicatorId);
  assertDepartmentAccess(actor, scope, from.department_id);
  assertDepartmentAccess(actor, scope, to.department_id);
  const { findings, fastTrack } = await evaluateTransfer(tx, scope.unitId, from, to, draft);
  const warnings = findings.enforce(draft.override?.reason);
  warnings.push(...validatorWarningsFor(check, transferDocument(draft, from, to)));
  const overridden = overriddenRules(warnings).length > 0;
  const docNo = await numberFirst(tx, scope.unitId, 'transfer', yearOf(draft.date));
  const row = await tx
    .insertInto('transfers')
    .values({
      unit_id: scope.unitId, from_indicator_id: from.id, to_indicator_id: to.id, amount: draft.amount, reason: draft.reason,
      date: draft.date, status: 'pending', fast_track: fastTrack && !overridden ? 1 : 0, warnings: JSON.stringify(warnings),
      created_by: actor.userId, created_at: nowIso(), decided_at: null,
      doc_no: docNo,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const steps = await plannedRoute(
    tx, scope.unitId, 'transfer', { amount: row.amount, economicCode: to.economic_code },
    { userId: actor.userId, departmentId: from.department_id }, { onlyFirst: fastTrack && !overridden, override: overridden },
  );
  await startApproval(tx, scope.unitId, 'transfer', row.id, steps);
  const notice = await pendingStepNotice(tx, scope.unitId, transferNotice(row, from.department_id), steps[0]);
  // Its answer from what the command holds (as transferDetail would read it back: a new transfer has no trail yet).
  const view = { ...transferView(row), steps: startedStepsView(steps), comments: [] as TrailEntry[] };
  return recordCommand(tx, actor, scope.unitId, {
    entity: 'transfer', entityId: row.id, action: 'transfer.submit',
    // 占用: the amount to move out is held on the source until the transfer is decided.
    guarded: [reservation(from, draft.amount)],
    view: async () => view,
    event: (transfer) => ({ type: 'transfer.submitted', payload: { transfer } }),
    number: { kind: 'transfer', year: yearOf(draft.date), table: 'transfers', then: notice, taken: docNo },
  });
}

/** One approval; the last moves the money between the two indicators, checked again under their locks. */
export async function approveTransfer(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: { comment?: string | undefined }) {
  const row = await lockPending(tx, 'transfer', scope.unitId, id);
  const source = await findIndicator(tx, scope.unitId, row.from_indicator_id);
  const { final, label } = await decideStep(tx, actor, scope.unitId, 'transfer', id, { userId: row.created_by, departmentId: source.department_id }, 'approved', input.comment);
  if (final) {
    const { from, to } = await lockPair(tx, scope.unitId, row.from_indicator_id, row.to_indicator_id);
    // The date was checked at submission; a month closed since then books the movement in the next open one (bookingDate).
    const { findings } = await evaluateTransfer(tx, scope.unitId, from, to, { amount: row.amount }, row.amount);
    const submitted = JSON.parse(row.warnings) as Array<{ rule: string; overridden?: boolean }>;
    assertMayApproveOverride(scope, submitted);
    findings.without(overriddenRules(submitted)).enforce(undefined);
    const base = { refType: 'transfer' as const, refId: id, date: row.date, actorId: actor.userId, amount: row.amount };
    await applyMovement(tx, { ...base, indicator: from, kind: 'transfer_out', counterpartIndicatorId: to.id, fromReservation: true });
    await applyMovement(tx, { ...base, indicator: to, kind: 'transfer_in', counterpartIndicatorId: from.id });
    await tx.updateTable('transfers').set({ status: 'approved', decided_at: nowIso() }).where('id', '=', id).execute();
  }
  if (final) await notifyRequester(tx, scope.unitId, transferNotice(row, source.department_id), 'approved');
  else await notifyPendingStep(tx, scope.unitId, transferNotice(row, source.department_id));
  return recordCommand(tx, actor, scope.unitId, {
    entity: 'transfer', entityId: id, action: final ? 'transfer.approve' : 'transfer.approve_step',
    trail: { action: `approve:${label}`, body: input.comment },
    view: () => transferDetail(tx, scope.unitId, id),
    audit: (after) => ({ before: { status: 'pending' }, after: { status: after.status, step: label } }),
    event: final ? (transfer) => ({ type: 'transfer.approved', payload: { transfer } }) : undefined,
  });
}

/** 驳回: the approver of the current step refuses the transfer. Nothing had moved; nothing moves. */
export async function rejectTransfer(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: { comment?: string | undefined }) {
  const row = await lockPending(tx, 'transfer', scope.unitId, id);
  return closeDocument(tx, actor, scope, pendingTransfer(tx, scope.unitId, row), 'rejected', input.comment);
}

/** 撤回: the requester takes a pending transfer back. */
export async function withdrawTransfer(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: { comment?: string | undefined }) {
  const row = await lockPending(tx, 'transfer', scope.unitId, id);
  return closeDocument(tx, actor, scope, pendingTransfer(tx, scope.unitId, row), 'withdrawn', input.comment);
}

function pendingTransfer(tx: Tx, unitId: string, row: TransferRow): PendingDocument<TransferDetail> {
  return {
    target: 'transfer',
    row,
    notice: async () => transferNotice(row, (await findIndicator(tx, unitId, row.from_indicator_id)).department_id),
    view: () => transferDetail(tx, unitId, row.id),
    release: () => unreserve(tx, row.from_indicator_id, row.amount),
  };
}

/** What a notice about this transfer says and whom it concerns (the department of its source indicator). */
function transferNotice(row: TransferRow, departmentId: number): ApprovalDocument {
  return { target: 'transfer', id: row.id, docNo: row.doc_no, amount: row.amount, departmentId, requesterId: row.created_by, summary: summaryOf.transfer(row) };
}

export type TransferDetail = Awaited<ReturnType<typeof transferDetail>>;

function transferView(r: Selectable<TransfersTable>) {
  return {
    id: r.id, docNo: r.doc_no, fromIndicatorId: r.from_indicator_id, toIndicatorId: r.to_indicator_id, amount: r.amount, reason: r.reason, date: r.date,
    status: r.status, fastTrack: r.fast_track === 1, warnings: JSON.parse(r.warnings), createdBy: r.created_by, createdAt: r.created_at,
    decidedAt: r.decided_at,
  };
}

export async function transferDetail(db: Executor, unitId: string, id: number) {
  const r = await db.selectFrom('transfers').selectAll().where('id', '=', id).where('unit_id', '=', unitId).executeTakeFirst();
  if (!r) throw new AppError('TRANSFER_NOT_FOUND', { id });
  return { ...transferView(r), steps: await stepsOf(db, 'transfer', id), comments: await trailOf(db, unitId, 'transfer', id) };
}

/** Transfers of the unit, newest first; department-bound staff see those drawn from their department. */
export async function listTransfers(db: Executor, actor: Actor, scope: UnitScope, filter: { status?: string | undefined; indicatorId?: number | undefined }) {
  const bound = departmentBound(actor, scope);
  const rows = await db
    .selectFrom('transfers')
    .innerJoin('indicators', 'indicators.id', 'transfers.from_indicator_id')
    .select('transfers.id')
    .where('transfers.unit_id', '=', scope.unitId)
    .$if(bound !== null, (qb) => qb.where('indicators.department_id', '=', bound!))
    .$if(filter.status !== undefined, (qb) => qb.where('transfers.status', '=', filter.status as 'pending'))
    .$if(filter.indicatorId !== undefined, (qb) =>
      qb.where((eb) => eb.or([eb('transfers.from_indicator_id', '=', filter.indicatorId!), eb('transfers.to_indicator_id', '=', filter.indicatorId!)])),
    )
    .orderBy('transfers.id', 'desc')
    .limit(500)
    .execute();
  return Promise.all(rows.map((r) => transferDetail(db, scope.unitId, r.id)));
}
