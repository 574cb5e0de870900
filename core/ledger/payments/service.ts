import { dialectOf, type Db, type Executor, type Tx } from '../../db/connection.js';
import { preparedInsert } from '../../db/prepared.js';
import type { PaymentsTable } from '../../db/schema.js';
import type { Selectable } from 'kysely';
import { businessDate, nowIso } from '../../clock.js';
import { askBeforeCommand, unlessValidated, validatorWarningsFor, type ValidatorCheck } from '../validation.js';
import { AppError, type Lang } from '../errors.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { assertDepartmentAccess, departmentBound } from '../scope.js';
import { containsText, needle, pageWindow } from '../../db/paging.js';
import { applyMovement, availableOf, findIndicator, lockIndicator, type IndicatorRow } from '../indicators/service.js';
import { reservation, unreserve } from '../indicators/reservations.js';
import { assertRejectReason, cancelOpenSteps, decideStep, plannedRoute, startApproval, startedStepsView, stepPreview, stepsOf } from '../approvals/service.js';
import { numberFirst, yearOf } from '../approvals/doc-numbers.js';
import { trailOf, type TrailEntry } from '../comments.js';
import { recordCommand } from '../record.js';
import { assertMayApproveOverride, documentRules, overriddenRules, threePublicCap, threePublicUsed } from '../rules/service.js';
import { THREE_PUBLIC_CODES } from '../rules/catalog.js';
import { judgeContract, judgeKind, judgeStandard, judgeThreePublic } from '../rules/engine.js';
import { standardInForce } from '../standards/service.js';
import { assertPeriodOpen } from '../../periods/service.js';
import type { PaymentDraft } from './schema.js';
import { isFiscalFund } from '../accounting/posting.js';
import { assertCashCovers, cashBalances, cashShortfall } from '../receipts/cash.js';
import { notifyPendingStep, notifyRequester, pendingStepNotice, summaryOf, type ApprovalDocument } from '../approvals/notices.js';

type PaymentRow = Selectable<PaymentsTable>;

/**
 * Evaluates every control rule on a payment draft against its indicator as it stands. Used by the
 * live check (no write), at submission and again at final approval, inside the writing transaction.
 */
/** `held`: what the payment itself already holds on the indicator (占用, at its final approval), counted as available to it. */
async function evaluatePayment(db: Executor, unitId: string, indicator: IndicatorRow, draft: Partial<PaymentDraft> & { amount: number }, held = 0) {
  const { findings, settings } = await documentRules(db, unitId, draft.date, [indicator.year]);
  const available = availableOf(indicator) + held;
  // A payment dated after today is a scheduled one (预约支付): it needs a stated reason, or the unit relaxes the rule.
  const today = businessDate();
  if (draft.date && draft.date > today) findings.add('PAYMENT_DATE_IN_FUTURE', { date: draft.date, today });
  if (draft.amount > available) findings.add('BALANCE_EXCEEDED', { available, amount: draft.amount, indicatorId: indicator.id });
  // Non-fiscal money is spent only once received (收入登记): the unit's 1002 / 800102 never go negative.
  if (!isFiscalFund(indicator.fund_source_code)) {
    const shortfall = cashShortfall(await cashBalances(db, unitId), draft.amount);
    if (shortfall) findings.add('CASH_INSUFFICIENT', { ...shortfall, indicatorId: indicator.id });
  }
  if (draft.economicCode && draft.economicCode !== indicator.economic_code) {
    findings.add('CLASS_MISMATCH', { given: draft.economicCode, expected: indicator.economic_code });
  }
  // The document rules are the engine's (rules/engine.ts), shared with the trial run.
  judgeKind(findings, settings, indicator.expenditure_kind, indicator.economic_code);
  if (THREE_PUBLIC_CODES.has(indicator.economic_code)) {
    const cap = await threePublicCap(db, unitId, indicator.year, indicator.economic_code);
    if (cap !== null) judgeThreePublic(findings, indicator.economic_code, cap, await threePublicUsed(db, unitId, indicator.year, indicator.economic_code), draft.amount);
  }
  judgeContract(findings, Boolean(draft.procurement), draft.contractNo);
  if (draft.standard) {
    // The standard in force on the payment's date: a version adopted later does not reach back.
    const row = await standardInForce(db, unitId, draft.date ?? today, draft.standard.item, draft.standard.tier);
    judgeStandard(findings, draft.standard, row, draft.amount);
  }
  if (indicator.project_id !== null) {
    const project = await db.selectFrom('projects').select('status').where('id', '=', indicator.project_id).executeTakeFirst();
    if (project && project.status !== 'executing') findings.add('PROJECT_NOT_EXECUTING', { projectId: indicator.project_id, status: project.status });
  }
  return { findings, available };
}

export async function checkPayment(db: Executor, actor: Actor, scope: UnitScope, draft: Partial<PaymentDraft> & { indicatorId: number; amount: number }) {
  const indicator = await findIndicator(db, scope.unitId, draft.indicatorId);
  assertDepartmentAccess(actor, scope, indicator.department_id);
  const { findings, available } = await evaluatePayment(db, scope.unitId, indicator, draft);
  const steps = await plannedRoute(db, scope.unitId, 'payment', { amount: draft.amount, economicCode: indicator.economic_code }, { userId: actor.userId, departmentId: indicator.department_id });
  return { ok: findings.blocking.length === 0, findings: findings.items, available, steps: steps.map(stepPreview) };
}

/**
 * What `payment.validate` validators see at submission: the draft and the class and department of its
 * indicator, `stage: 'submit'` (they are asked again before paying with `stage: 'pay'`, pay-validation.ts).
 */
function paymentDocument(draft: PaymentDraft, indicator: IndicatorRow): Record<string, unknown> {
  return { ...draft, economicCode: indicator.economic_code, departmentId: indicator.department_id, stage: 'submit' };
}

/**
 * Before the submission's transaction: the core's rules on committed data (a draft the core refuses
 * never reaches a plugin), then the plugins' validators — outside any lock.
 */
export function validatePayment(db: Db, actor: Actor, scope: UnitScope, draft: PaymentDraft, lang?: Lang): Promise<ValidatorCheck> {
  return unlessValidated(db, 'payment.validate', scope.unitId, async () => {
    const indicator = await findIndicator(db, scope.unitId, draft.indicatorId);
    assertDepartmentAccess(actor, scope, indicator.department_id);
    const { findings } = await evaluatePayment(db, scope.unitId, indicator, draft);
    findings.enforce(draft.override?.reason);
    return askBeforeCommand(db, 'payment.validate', scope.unitId, paymentDocument(draft, indicator), lang);
  });
}

/**
 * 提交支付申请: `check` is what the validators said before the transaction (validatePayment).
 *
 * The indicator is locked last, by the reservation itself, after the payment, its steps and its view
 * are written and read: on PostgreSQL every submission on one indicator waits for that lock, so it is
 * held for the tail of the command only (the number, the audit entry, the event). The rules are
 * judged on the indicator as read without the lock; of them only the balance depends on what other
 * documents do to the indicator meanwhile, and the reservation's UPDATE checks it again under the lock.
 */
export async function createPayment(tx: Tx, actor: Actor, scope: UnitScope, draft: PaymentDraft, check: ValidatorCheck) {
  const indicator = await findIndicator(tx, scope.unitId, draft.indicatorId);
  assertDepartmentAccess(actor, scope, indicator.department_id);
  const { findings } = await evaluatePayment(tx, scope.unitId, indicator, draft);
  const warnings = findings.enforce(draft.override?.reason);
  warnings.push(...validatorWarningsFor(check, paymentDocument(draft, indicator)));
  const docNo = await numberFirst(tx, scope.unitId, 'payment', yearOf(draft.date));
  const [row] = await insertPayment(tx, {
    unit_id: scope.unitId,
    indicator_id: indicator.id,
    department_id: indicator.department_id,
    payee_name: draft.payeeName,
    payee_account: draft.payeeAccount ?? '',
    payee_bank: draft.payeeBank ?? '',
    purpose: draft.purpose,
    economic_code: indicator.economic_code,
    amount: draft.amount,
    date: draft.date,
    status: 'pending',
    procurement: draft.procurement ? 1 : 0,
    contract_no: draft.contractNo ?? null,
    standard: draft.standard ? JSON.stringify(draft.standard) : null,
    attachments: JSON.stringify(draft.attachments ?? []),
    warnings: JSON.stringify(warnings),
    override_reason: draft.override?.reason ?? null,
    created_by: actor.userId,
    created_at: nowIso(),
    doc_no: docNo,
  });
  if (!row) throw new Error('payment insert returned no row');
  const steps = await plannedRoute(tx, scope.unitId, 'payment', { amount: row.amount, economicCode: row.economic_code }, { userId: actor.userId, departmentId: row.department_id }, { override: overriddenRules(warnings).length > 0 });
  await startApproval(tx, scope.unitId, 'payment', row.id, steps);
  const notice = await pendingStepNotice(tx, scope.unitId, paymentNotice(row), steps[0]);
  // Its answer from what the command holds (as paymentDetail would read it back: a new request has no trail yet).
  const view = {
    ...paymentView({ ...row, indicator_code: indicator.code, functional_code: indicator.functional_code, fund_source_code: indicator.fund_source_code, display_name: actor.displayName }),
    steps: startedStepsView(steps),
    comments: [] as TrailEntry[],
  };
  return recordCommand(tx, actor, scope.unitId, {
    entity: 'payment', entityId: row.id, action: 'payment.submit',
    // 占用: the request holds its amount from now until it is approved (frozen), rejected or withdrawn.
    guarded: [reservation(indicator, draft.amount)],
    view: async () => view,
    event: (payment) => ({ type: 'payment.submitted', payload: { payment } }),
    number: { kind: 'payment', year: yearOf(draft.date), table: 'payments', then: notice, taken: docNo },
  });
}

const insertPayment = preparedInsert('payments', [
  'unit_id', 'indicator_id', 'department_id', 'payee_name', 'payee_account', 'payee_bank', 'purpose', 'economic_code', 'amount', 'date',
  'status', 'procurement', 'contract_no', 'standard', 'attachments', 'warnings', 'override_reason', 'created_by', 'created_at', 'doc_no',
], { returningAll: true });

/**
 * The payment's row lock (PostgreSQL; SQLite transactions are serial): two deciders of one payment run
 * one after the other. Taken before any indicator lock — the lock order of ARCHITECTURE.md.
 */
async function lockPayment(tx: Tx, unitId: string, id: number): Promise<PaymentRow> {
  const row = await tx
    .selectFrom('payments')
    .selectAll()
    .where('id', '=', id)
    .where('unit_id', '=', unitId)
    .$if(dialectOf(tx) === 'postgres', (qb) => qb.forNoKeyUpdate())
    .executeTakeFirst();
  if (!row) throw new AppError('PAYMENT_NOT_FOUND', { paymentId: id });
  return row;
}

function requireStatus(row: PaymentRow, ...allowed: PaymentRow['status'][]) {
  if (!allowed.includes(row.status)) throw new AppError('INVALID_STATE', { status: row.status, allowed });
}

/**
 * One approval decision. The last approval freezes the amount on the indicator — under the
 * indicator's row lock, with the rules checked again against the balance as it is now.
 */
export async function approvePayment(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: { comment?: string | undefined }) {
  const before = await lockPayment(tx, scope.unitId, id);
  requireStatus(before, 'pending');
  const { final, label } = await decideStep(tx, actor, scope.unitId, 'payment', id, { userId: before.created_by, departmentId: before.department_id }, 'approved', input.comment);
  if (final) {
    const indicator = await lockIndicator(tx, scope.unitId, before.indicator_id);
    const { findings } = await evaluatePayment(tx, scope.unitId, indicator, {
      amount: before.amount, procurement: before.procurement === 1, ...(before.contract_no ? { contractNo: before.contract_no } : {}),
      ...(before.standard ? { standard: JSON.parse(before.standard) } : {}),
    }, before.amount);
    const previous = JSON.parse(before.warnings) as Array<{ rule: string; overridden?: boolean }>;
    assertMayApproveOverride(scope, previous);
    const warnings = findings.without(overriddenRules(previous)).enforce(undefined);
    await applyMovement(tx, { indicator, kind: 'freeze', amount: before.amount, refType: 'payment', refId: id, date: before.date, actorId: actor.userId, fromReservation: true });
    await tx
      .updateTable('payments')
      .set({ status: 'approved', approved_at: nowIso(), warnings: JSON.stringify(mergeWarnings(previous, warnings)) })
      .where('id', '=', id)
      .execute();
  }
  if (final) await notifyRequester(tx, scope.unitId, paymentNotice(before), 'approved');
  else await notifyPendingStep(tx, scope.unitId, paymentNotice(before));
  return recordCommand(tx, actor, scope.unitId, {
    entity: 'payment', entityId: id, action: final ? 'payment.approve' : 'payment.approve_step',
    trail: { action: `approve:${label}`, body: input.comment },
    view: () => paymentDetail(tx, scope.unitId, id),
    audit: (after) => ({ before: { status: before.status }, after: { status: after.status, step: label, comment: input.comment ?? null } }),
    event: final ? (payment) => ({ type: 'payment.approved', payload: { payment } }) : undefined,
  });
}

function mergeWarnings(previous: unknown[], current: unknown[]) {
  const seen = new Set(previous.map((w) => JSON.stringify(w)));
  return [...previous, ...current.filter((w) => !seen.has(JSON.stringify(w)))];
}

/** 支付: the frozen amount becomes spent. Dated by the payment date, refused in a closed period. */
export async function payPayment(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: { date?: string | undefined; comment?: string | undefined }) {
  const before = await lockPayment(tx, scope.unitId, id);
  requireStatus(before, 'approved');
  const date = input.date ?? nowIso().slice(0, 10);
  const indicator = await lockIndicator(tx, scope.unitId, before.indicator_id);
  if (Number(date.slice(0, 4)) !== indicator.year) throw new AppError('YEAR_MISMATCH', { year: indicator.year, date });
  if (!isFiscalFund(indicator.fund_source_code)) await assertCashCovers(tx, scope.unitId, before.amount);
  await assertPeriodOpen(tx, scope.unitId, date);
  await applyMovement(tx, { indicator, kind: 'pay', amount: before.amount, refType: 'payment', refId: id, date, actorId: actor.userId });
  await tx.updateTable('payments').set({ status: 'paid', paid_at: date }).where('id', '=', id).execute();
  await notifyRequester(tx, scope.unitId, paymentNotice(before), 'paid');
  return recordCommand(tx, actor, scope.unitId, {
    entity: 'payment', entityId: id, action: 'payment.pay',
    trail: { action: 'pay', body: input.comment },
    view: () => paymentDetail(tx, scope.unitId, id),
    audit: () => ({ before: { status: before.status }, after: { status: 'paid', paidAt: date } }),
    event: (payment) => ({ type: 'payment.paid', payload: { payment } }),
  });
}

/**
 * Rejection: by the approver of the current step while pending, or by finance (payment.pay) after
 * approval, which releases the frozen amount. Never checks a rule: undoing must always be possible.
 */
export async function rejectPayment(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: { comment?: string | undefined }) {
  const before = await lockPayment(tx, scope.unitId, id);
  requireStatus(before, 'pending', 'approved');
  assertRejectReason(input.comment);
  if (before.status === 'pending') {
    await decideStep(tx, actor, scope.unitId, 'payment', id, { userId: before.created_by, departmentId: before.department_id }, 'rejected', input.comment);
    await unreserve(tx, before.indicator_id, before.amount);
  } else {
    if (!scope.permissions.has('payment.pay')) throw new AppError('FORBIDDEN', { permission: 'payment.pay' });
    await release(tx, scope.unitId, before, actor.userId);
  }
  await tx.updateTable('payments').set({ status: 'rejected', closed_at: nowIso() }).where('id', '=', id).execute();
  await notifyRequester(tx, scope.unitId, paymentNotice(before), 'rejected', input.comment);
  return recordCommand(tx, actor, scope.unitId, {
    entity: 'payment', entityId: id, action: 'payment.reject',
    trail: { action: 'reject', body: input.comment },
    view: () => paymentDetail(tx, scope.unitId, id),
    audit: () => ({ before: { status: before.status }, after: { status: 'rejected', comment: input.comment ?? null } }),
    event: (payment) => ({ type: 'payment.rejected', payload: { payment } }),
  });
}

/** The requester takes a pending or approved (unpaid) payment back; an approved one releases its freeze. */
export async function withdrawPayment(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: { comment?: string | undefined }) {
  const before = await lockPayment(tx, scope.unitId, id);
  requireStatus(before, 'pending', 'approved');
  if (before.created_by !== actor.userId) throw new AppError('NOT_REQUESTER');
  await cancelOpenSteps(tx, 'payment', id);
  if (before.status === 'approved') await release(tx, scope.unitId, before, actor.userId);
  else await unreserve(tx, before.indicator_id, before.amount);
  await tx.updateTable('payments').set({ status: 'withdrawn', closed_at: nowIso() }).where('id', '=', id).execute();
  return recordCommand(tx, actor, scope.unitId, {
    entity: 'payment', entityId: id, action: 'payment.withdraw',
    trail: { action: 'withdraw', body: input.comment },
    view: () => paymentDetail(tx, scope.unitId, id),
    audit: () => ({ before: { status: before.status }, after: { status: 'withdrawn' } }),
    event: (payment) => ({ type: 'payment.withdrawn', payload: { payment } }),
  });
}

/** What a notice about this payment says and whom it concerns. */
function paymentNotice(row: PaymentRow): ApprovalDocument {
  return {
    target: 'payment', id: row.id, docNo: row.doc_no, amount: row.amount, departmentId: row.department_id, requesterId: row.created_by,
    summary: summaryOf.payment({ purpose: row.purpose, payeeName: row.payee_name }),
  };
}

async function release(tx: Tx, unitId: string, payment: PaymentRow, actorId: number) {
  const indicator = await lockIndicator(tx, unitId, payment.indicator_id);
  await applyMovement(tx, { indicator, kind: 'release', amount: payment.amount, refType: 'payment', refId: payment.id, date: payment.date, actorId });
}

const paymentColumns = [
  'payments.id', 'payments.doc_no', 'payments.unit_id', 'payments.indicator_id', 'payments.department_id', 'payments.payee_name', 'payments.payee_account',
  'payments.payee_bank', 'payments.purpose', 'payments.economic_code', 'payments.amount', 'payments.date', 'payments.status',
  'payments.procurement', 'payments.contract_no', 'payments.standard', 'payments.attachments', 'payments.warnings',
  'payments.override_reason', 'payments.created_by', 'payments.created_at', 'payments.approved_at', 'payments.paid_at',
  'indicators.code as indicator_code', 'indicators.functional_code', 'indicators.fund_source_code', 'users.display_name',
] as const;

function basePaymentQuery(db: Executor, unitId: string) {
  return db
    .selectFrom('payments')
    .innerJoin('indicators', 'indicators.id', 'payments.indicator_id')
    .innerJoin('users', 'users.id', 'payments.created_by')
    .select(paymentColumns)
    .where('payments.unit_id', '=', unitId);
}

type PaymentJoined = Awaited<ReturnType<ReturnType<typeof basePaymentQuery>['executeTakeFirstOrThrow']>>;

function paymentView(r: PaymentJoined) {
  return {
    id: r.id, docNo: r.doc_no, unitId: r.unit_id, indicatorId: r.indicator_id, indicatorCode: r.indicator_code, departmentId: r.department_id,
    payeeName: r.payee_name, payeeAccount: r.payee_account, payeeBank: r.payee_bank, purpose: r.purpose,
    functionalCode: r.functional_code, economicCode: r.economic_code, fundSourceCode: r.fund_source_code,
    amount: r.amount, date: r.date, status: r.status, procurement: r.procurement === 1, contractNo: r.contract_no,
    standard: r.standard ? JSON.parse(r.standard) : null, attachments: JSON.parse(r.attachments), warnings: JSON.parse(r.warnings),
    overrideReason: r.override_reason, createdBy: r.created_by, createdByName: r.display_name, createdAt: r.created_at,
    approvedAt: r.approved_at, paidAt: r.paid_at,
  };
}

export async function paymentDetail(db: Executor, unitId: string, id: number) {
  const row = await basePaymentQuery(db, unitId).where('payments.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('PAYMENT_NOT_FOUND', { paymentId: id });
  return { ...paymentView(row), steps: await stepsOf(db, 'payment', id, { userId: row.created_by, departmentId: row.department_id }), comments: await trailOf(db, unitId, 'payment', id) };
}

export async function getPayment(db: Executor, actor: Actor, scope: UnitScope, id: number) {
  const detail = await paymentDetail(db, scope.unitId, id);
  assertDepartmentAccess(actor, scope, detail.departmentId);
  return detail;
}

export interface PaymentFilter {
  status?: PaymentRow['status'] | undefined;
  indicatorId?: number | undefined;
  departmentId?: number | undefined;
  mine?: 'true' | 'false' | undefined;
  year?: number | undefined;
  limit: number;
  offset: number;
  /** 我的申请's server paging (core/http/paging.ts): with `page` the answer is one page and its total. */
  page?: number | undefined;
  pageSize?: number | undefined;
  /** The number, purpose or payee contains this. */
  q?: string | undefined;
}

export async function listPayments(db: Executor, actor: Actor, scope: UnitScope, filter: PaymentFilter) {
  const bound = departmentBound(actor, scope);
  const q = needle(filter.q);
  const filtered = basePaymentQuery(db, scope.unitId)
    .$if(bound !== null, (qb) => qb.where('payments.department_id', '=', bound!))
    .$if(filter.status !== undefined, (qb) => qb.where('payments.status', '=', filter.status!))
    .$if(filter.indicatorId !== undefined, (qb) => qb.where('payments.indicator_id', '=', filter.indicatorId!))
    .$if(filter.departmentId !== undefined, (qb) => qb.where('payments.department_id', '=', filter.departmentId!))
    .$if(filter.mine === 'true', (qb) => qb.where('payments.created_by', '=', actor.userId))
    .$if(filter.year !== undefined, (qb) => qb.where('indicators.year', '=', filter.year!))
    .$if(q !== null, (qb) => qb.where((eb) => eb.or([
      containsText('payments.doc_no', q!), containsText('payments.purpose', q!), containsText('payments.payee_name', q!),
    ])));
  const window = pageWindow(filter);
  if (window) {
    const [rows, count] = await Promise.all([
      filtered.orderBy('payments.id', 'desc').limit(window.pageSize).offset(window.offset).execute(),
      filtered.clearSelect().select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(paymentView), total: Number(count.n), page: window.page, pageSize: window.pageSize };
  }
  const rows = await filtered
    .orderBy('payments.id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return rows.map(paymentView);
}
