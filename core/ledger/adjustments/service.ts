import type { Executor, Tx } from '../../db/connection.js';
import type { ApprovalTarget } from '../../db/schema.js';
import { nowIso } from '../../clock.js';
import { appendAudit } from '../../audit/service.js';
import { auditActorOf } from '../../accounts/service.js';
import { publishEvent } from '../../events/outbox.js';
import { askValidators } from '../../events/validators.js';
import { AppError } from '../errors.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { assertDepartmentAccess, departmentBound } from '../scope.js';
import { applyMovement, availableOf, findIndicator, lockIndicator, type IndicatorRow } from '../indicators/service.js';
import { cancelOpenSteps, decideStep, plannedSteps, startApproval, stepsOf } from '../approvals/service.js';
import { notifyPendingStep, notifyRequester } from '../approvals/notices.js';
import { addComment, trailOf } from '../comments.js';
import { addDateFindings, assertMayApproveOverride, Findings, ledgerSettings, overriddenRules, ruleModes } from '../rules/service.js';
import { THREE_PUBLIC_CODES } from '../rules/catalog.js';

/** Locks two indicators in id order, so crossing transfers cannot deadlock. */
async function lockPair(tx: Tx, unitId: string, fromId: number, toId: number) {
  const [first, second] = fromId < toId ? [fromId, toId] : [toId, fromId];
  const a = await lockIndicator(tx, unitId, first);
  const b = await lockIndicator(tx, unitId, second);
  return fromId < toId ? { from: a, to: b } : { from: b, to: a };
}

// ---------------------------------------------------------------- 调剂 transfers

interface TransferInput {
  amount: number;
  date?: string | undefined;
}

async function evaluateTransfer(db: Executor, unitId: string, from: IndicatorRow, to: IndicatorRow | null, draft: TransferInput) {
  const findings = new Findings(await ruleModes(db, unitId));
  const available = availableOf(from);
  if (draft.date) await addDateFindings(db, findings, unitId, draft.date, to ? [from.year, to.year] : [from.year]);
  if (draft.amount > available) findings.add('BALANCE_EXCEEDED', { available, amount: draft.amount, indicatorId: from.id });
  if (to) {
    if (THREE_PUBLIC_CODES.has(to.economic_code) && !THREE_PUBLIC_CODES.has(from.economic_code)) {
      findings.add('THREE_PUBLIC_INCREASE', { economicCode: to.economic_code });
    }
    if (from.fund_source_code !== to.fund_source_code) findings.add('FUND_SOURCE_MISMATCH', { from: from.fund_source_code, to: to.fund_source_code });
  }
  const settings = await ledgerSettings(db, unitId);
  // 机动额度: from the reserve, up to the threshold, one approval is enough.
  const fastTrack = from.is_flexible_reserve === 1 && draft.amount <= settings.flexibleThreshold;
  return { findings, available, fastTrack };
}

function assertDistinct(fromId: number, toId: number | undefined) {
  if (toId !== undefined && fromId === toId) throw new AppError('SAME_INDICATOR');
}

export async function checkTransfer(db: Executor, actor: Actor, scope: UnitScope, draft: TransferInput & { fromIndicatorId: number; toIndicatorId?: number | undefined }) {
  assertDistinct(draft.fromIndicatorId, draft.toIndicatorId);
  const from = await findIndicator(db, scope.unitId, draft.fromIndicatorId);
  const to = draft.toIndicatorId ? await findIndicator(db, scope.unitId, draft.toIndicatorId) : null;
  assertDepartmentAccess(actor, scope, from.department_id);
  if (to) assertDepartmentAccess(actor, scope, to.department_id);
  const { findings, available, fastTrack } = await evaluateTransfer(db, scope.unitId, from, to, draft);
  const steps = await plannedSteps(db, scope.unitId, 'transfer', { amount: draft.amount, economicCode: to?.economic_code ?? from.economic_code }, { onlyFirst: fastTrack });
  return { ok: findings.blocking.length === 0, findings: findings.items, available, fastTrack, steps: steps.map((s) => ({ role: s.role, label: s.label })) };
}

export async function createTransfer(
  db: Executor, actor: Actor, scope: UnitScope,
  draft: { fromIndicatorId: number; toIndicatorId: number; amount: number; reason: string; date: string; override?: { reason: string } | undefined },
) {
  assertDistinct(draft.fromIndicatorId, draft.toIndicatorId);
  return db.transaction().execute(async (tx) => {
    const { from, to } = await lockPair(tx, scope.unitId, draft.fromIndicatorId, draft.toIndicatorId);
    assertDepartmentAccess(actor, scope, from.department_id);
    assertDepartmentAccess(actor, scope, to.department_id);
    const { findings, fastTrack } = await evaluateTransfer(tx, scope.unitId, from, to, draft);
    const warnings = findings.enforce(draft.override?.reason);
    warnings.push(...(await askValidators(tx, 'transfer.validate', scope.unitId, { ...draft, fromEconomicCode: from.economic_code, toEconomicCode: to.economic_code })));
    const overridden = overriddenRules(warnings).length > 0;
    const row = await tx
      .insertInto('transfers')
      .values({
        unit_id: scope.unitId, from_indicator_id: from.id, to_indicator_id: to.id, amount: draft.amount, reason: draft.reason,
        date: draft.date, status: 'pending', fast_track: fastTrack && !overridden ? 1 : 0, warnings: JSON.stringify(warnings),
        created_by: actor.userId, created_at: nowIso(), decided_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const steps = await plannedSteps(tx, scope.unitId, 'transfer', { amount: row.amount, economicCode: to.economic_code }, { onlyFirst: fastTrack && !overridden, override: overridden });
    await startApproval(tx, scope.unitId, 'transfer', row.id, steps);
    await notifyPendingStep(tx, scope.unitId, transferNotice(row, from.department_id));
    const view = await transferDetail(tx, scope.unitId, row.id);
    await appendAudit(tx, { actor: auditActorOf(actor), unitId: scope.unitId, action: 'transfer.submit', entity: 'transfer', entityId: row.id, after: view });
    await publishEvent(tx, { type: 'transfer.submitted', unitId: scope.unitId, payload: { transfer: view } });
    return view;
  });
}

async function lockDocument(tx: Tx, table: 'transfers' | 'adjustments', unitId: string, id: number) {
  const row = await tx
    .updateTable(table)
    .set((eb) => ({ status: eb.ref('status') }))
    .where('id', '=', id)
    .where('unit_id', '=', unitId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError(table === 'transfers' ? 'TRANSFER_NOT_FOUND' : 'ADJUSTMENT_NOT_FOUND', { id });
  if (row.status !== 'pending') throw new AppError('INVALID_STATE', { status: row.status, allowed: ['pending'] });
  return row;
}

/** One approval; the last moves the money between the two indicators, checked again under their locks. */
export async function approveTransfer(db: Executor, actor: Actor, scope: UnitScope, id: number, input: { comment?: string | undefined }) {
  return db.transaction().execute(async (tx) => {
    const row = await lockDocument(tx, 'transfers', scope.unitId, id);
    const source = await findIndicator(tx, scope.unitId, row.from_indicator_id);
    const { final, label } = await decideStep(tx, actor, scope.unitId, 'transfer', id, { userId: row.created_by, departmentId: source.department_id }, 'approved', input.comment);
    await addComment(tx, auditActorOf(actor), { unitId: scope.unitId, entity: 'transfer', entityId: id, action: `approve:${label}`, body: input.comment });
    if (final) {
      const { from, to } = await lockPair(tx, scope.unitId, row.from_indicator_id, row.to_indicator_id);
      const { findings } = await evaluateTransfer(tx, scope.unitId, from, to, row);
      const submitted = JSON.parse(row.warnings) as Array<{ rule: string; overridden?: boolean }>;
      assertMayApproveOverride(scope, submitted);
      findings.without(overriddenRules(submitted)).enforce(undefined);
      const base = { refType: 'transfer' as const, refId: id, date: row.date, actorId: actor.userId, amount: row.amount };
      await applyMovement(tx, { ...base, indicator: from, kind: 'transfer_out', counterpartIndicatorId: to.id });
      await applyMovement(tx, { ...base, indicator: to, kind: 'transfer_in', counterpartIndicatorId: from.id });
      await tx.updateTable('transfers').set({ status: 'approved', decided_at: nowIso() }).where('id', '=', id).execute();
    }
    const after = await transferDetail(tx, scope.unitId, id);
    await appendAudit(tx, {
      actor: auditActorOf(actor), unitId: scope.unitId, action: final ? 'transfer.approve' : 'transfer.approve_step', entity: 'transfer', entityId: id,
      before: { status: 'pending' }, after: { status: after.status, step: label },
    });
    if (final) await publishEvent(tx, { type: 'transfer.approved', unitId: scope.unitId, payload: { transfer: after } });
    if (final) await notifyRequester(tx, scope.unitId, transferNotice(row, source.department_id), 'approved');
    else await notifyPendingStep(tx, scope.unitId, transferNotice(row, source.department_id));
    return after;
  });
}

// ---------------------------------------------------------------- 追加/追减 adjustments

async function evaluateAdjustment(db: Executor, unitId: string, indicator: IndicatorRow, amount: number, date: string) {
  const findings = new Findings(await ruleModes(db, unitId));
  await addDateFindings(db, findings, unitId, date, [indicator.year]);
  const used = indicator.frozen_amount + indicator.paid_amount;
  if (amount < 0 && availableOf(indicator) < -amount) findings.add('REDUCTION_BELOW_USED', { used, amount, available: availableOf(indicator) });
  return findings;
}

export async function checkAdjustment(db: Executor, scope: UnitScope, draft: { indicatorId: number; amount: number; date: string }) {
  const indicator = await findIndicator(db, scope.unitId, draft.indicatorId);
  const findings = await evaluateAdjustment(db, scope.unitId, indicator, draft.amount, draft.date);
  return findings;
}

export async function createAdjustment(db: Executor, actor: Actor, scope: UnitScope, draft: { indicatorId: number; amount: number; reason: string; docNo?: string | undefined; date: string }) {
  return db.transaction().execute(async (tx) => {
    const indicator = await lockIndicator(tx, scope.unitId, draft.indicatorId);
    (await evaluateAdjustment(tx, scope.unitId, indicator, draft.amount, draft.date)).enforce(undefined);
    const row = await tx
      .insertInto('adjustments')
      .values({
        unit_id: scope.unitId, indicator_id: indicator.id, amount: draft.amount, reason: draft.reason, doc_no: draft.docNo ?? '',
        date: draft.date, status: 'pending', created_by: actor.userId, created_at: nowIso(), decided_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await startApproval(tx, scope.unitId, 'adjustment', row.id, await plannedSteps(tx, scope.unitId, 'adjustment', { amount: Math.abs(draft.amount), economicCode: indicator.economic_code }));
    await notifyPendingStep(tx, scope.unitId, adjustmentNotice(row, indicator.department_id));
    const view = await adjustmentDetail(tx, scope.unitId, row.id);
    await appendAudit(tx, { actor: auditActorOf(actor), unitId: scope.unitId, action: 'adjustment.submit', entity: 'adjustment', entityId: row.id, after: view });
    await publishEvent(tx, { type: 'adjustment.submitted', unitId: scope.unitId, payload: { adjustment: view } });
    return view;
  });
}

export async function approveAdjustment(db: Executor, actor: Actor, scope: UnitScope, id: number, input: { comment?: string | undefined }) {
  return db.transaction().execute(async (tx) => {
    const row = await lockDocument(tx, 'adjustments', scope.unitId, id);
    const target = await findIndicator(tx, scope.unitId, row.indicator_id);
    const { final, label } = await decideStep(tx, actor, scope.unitId, 'adjustment', id, { userId: row.created_by, departmentId: target.department_id }, 'approved', input.comment);
    await addComment(tx, auditActorOf(actor), { unitId: scope.unitId, entity: 'adjustment', entityId: id, action: `approve:${label}`, body: input.comment });
    if (final) {
      const indicator = await lockIndicator(tx, scope.unitId, row.indicator_id);
      (await evaluateAdjustment(tx, scope.unitId, indicator, row.amount, row.date)).enforce(undefined);
      await applyMovement(tx, { indicator, kind: 'adjust', amount: row.amount, refType: 'adjustment', refId: id, date: row.date, actorId: actor.userId });
      await tx.updateTable('adjustments').set({ status: 'approved', decided_at: nowIso() }).where('id', '=', id).execute();
    }
    const after = await adjustmentDetail(tx, scope.unitId, id);
    await appendAudit(tx, {
      actor: auditActorOf(actor), unitId: scope.unitId, action: final ? 'adjustment.approve' : 'adjustment.approve_step', entity: 'adjustment', entityId: id,
      before: { status: 'pending' }, after: { status: after.status, step: label },
    });
    if (final) await publishEvent(tx, { type: 'adjustment.approved', unitId: scope.unitId, payload: { adjustment: after } });
    if (final) await notifyRequester(tx, scope.unitId, adjustmentNotice(row, target.department_id), 'approved');
    else await notifyPendingStep(tx, scope.unitId, adjustmentNotice(row, target.department_id));
    return after;
  });
}

// ---------------------------------------------------------------- shared: reject, withdraw, views

const TABLE_OF = { transfer: 'transfers', adjustment: 'adjustments' } as const;

/** Reject (current approver) or withdraw (requester) a pending transfer or adjustment. Never checks rules. */
export async function closeDocument(
  db: Executor, actor: Actor, scope: UnitScope, target: Exclude<ApprovalTarget, 'payment'>, id: number,
  action: 'rejected' | 'withdrawn', comment: string | undefined,
) {
  return db.transaction().execute(async (tx) => {
    const row = await lockDocument(tx, TABLE_OF[target], scope.unitId, id);
    if (action === 'rejected') {
      const indicatorId = target === 'transfer' ? (row as { from_indicator_id: number }).from_indicator_id : (row as { indicator_id: number }).indicator_id;
      const indicator = await findIndicator(tx, scope.unitId, indicatorId);
      await decideStep(tx, actor, scope.unitId, target, id, { userId: row.created_by, departmentId: indicator.department_id }, 'rejected', comment);
      const notice = target === 'transfer' ? transferNotice(row as { id: number; amount: number; created_by: number; reason: string }, indicator.department_id) : adjustmentNotice(row, indicator.department_id);
      await notifyRequester(tx, scope.unitId, notice, 'rejected', comment);
    } else {
      if (row.created_by !== actor.userId) throw new AppError('NOT_REQUESTER');
      await cancelOpenSteps(tx, target, id);
    }
    await tx.updateTable(TABLE_OF[target]).set({ status: action, decided_at: nowIso() }).where('id', '=', id).execute();
    await addComment(tx, auditActorOf(actor), { unitId: scope.unitId, entity: target, entityId: id, action: action === 'rejected' ? 'reject' : 'withdraw', body: comment });
    const after = target === 'transfer' ? await transferDetail(tx, scope.unitId, id) : await adjustmentDetail(tx, scope.unitId, id);
    await appendAudit(tx, { actor: auditActorOf(actor), unitId: scope.unitId, action: `${target}.${action === 'rejected' ? 'reject' : 'withdraw'}`, entity: target, entityId: id, before: { status: 'pending' }, after: { status: action } });
    await publishEvent(tx, { type: `${target}.${action}`, unitId: scope.unitId, payload: { id } });
    return after;
  });
}

/** What a notice about this document says and whom it concerns (the department of its source indicator). */
function transferNotice(row: { id: number; amount: number; created_by: number; reason: string }, departmentId: number) {
  return { target: 'transfer' as const, id: row.id, amount: row.amount, departmentId, requesterId: row.created_by, summary: `预算调剂：${row.reason}` };
}

function adjustmentNotice(row: { id: number; amount: number; created_by: number; reason: string }, departmentId: number) {
  return { target: 'adjustment' as const, id: row.id, amount: row.amount, departmentId, requesterId: row.created_by, summary: `${row.amount >= 0 ? '追加' : '追减'}：${row.reason}` };
}

export async function transferDetail(db: Executor, unitId: string, id: number) {
  const r = await db.selectFrom('transfers').selectAll().where('id', '=', id).where('unit_id', '=', unitId).executeTakeFirst();
  if (!r) throw new AppError('TRANSFER_NOT_FOUND', { id });
  return {
    id: r.id, fromIndicatorId: r.from_indicator_id, toIndicatorId: r.to_indicator_id, amount: r.amount, reason: r.reason, date: r.date,
    status: r.status, fastTrack: r.fast_track === 1, warnings: JSON.parse(r.warnings), createdBy: r.created_by, createdAt: r.created_at,
    decidedAt: r.decided_at, steps: await stepsOf(db, 'transfer', id), comments: await trailOf(db, unitId, 'transfer', id),
  };
}

export async function adjustmentDetail(db: Executor, unitId: string, id: number) {
  const r = await db.selectFrom('adjustments').selectAll().where('id', '=', id).where('unit_id', '=', unitId).executeTakeFirst();
  if (!r) throw new AppError('ADJUSTMENT_NOT_FOUND', { id });
  return {
    id: r.id, indicatorId: r.indicator_id, amount: r.amount, reason: r.reason, docNo: r.doc_no, date: r.date, status: r.status,
    createdBy: r.created_by, createdAt: r.created_at, decidedAt: r.decided_at,
    steps: await stepsOf(db, 'adjustment', id), comments: await trailOf(db, unitId, 'adjustment', id),
  };
}

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
