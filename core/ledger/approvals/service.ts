import type { Executor, Tx } from '../../db/connection.js';
import { prepared, preparedInsertRows } from '../../db/prepared.js';
import type { ApprovalTarget } from '../../db/schema.js';
import { nowIso } from '../../clock.js';
import { appendAudit } from '../../audit/service.js';
import { auditActorOf } from '../../accounts/service.js';
import { AppError } from '../errors.js';
import type { Lang } from '../../errors.js';
import { localizeStepLabel } from '@unibudget/sdk/contracts/step-labels';
import type { Actor, UnitScope } from '../../permissions/service.js';
import type { Role } from '../../permissions/roles.js';
import { THREE_PUBLIC_CODES } from '../rules/catalog.js';
import type { FlowStep } from './schema.js';
import { eligibleApprovers, routeSteps, type RoutedStep } from './routing.js';
import { documentSummary } from './inbox.js';
import './errors.js';

const YUAN = 100;

/** Defaults a unit starts with; its admin edits them in the console (approval.manage). */
export const DEFAULT_FLOWS: Record<ApprovalTarget, { name: string; steps: FlowStep[] }> = {
  payment: {
    name: '支付审批流',
    steps: [
      { role: 'department_head', label: '科室负责人审核' },
      { role: 'finance_officer', label: '财务审核' },
      { role: 'leader', label: '单位领导审批', when: { amountAbove: 50_000 * YUAN, threePublic: true } },
    ],
  },
  transfer: {
    name: '预算调剂审批流',
    steps: [
      { role: 'finance_officer', label: '财务审核' },
      { role: 'leader', label: '单位领导审批' },
    ],
  },
  // Finance enters 追加/追减 (usually on a bureau's reply); the leader signs them off.
  adjustment: {
    name: '预算调整审批流',
    steps: [{ role: 'leader', label: '单位领导审批' }],
  },
};

const selectFlow = prepared((db: Executor, unitId: string, target: ApprovalTarget) =>
  db.selectFrom('approval_flows').selectAll().where('unit_id', '=', unitId).where('target', '=', target));

export async function getFlow(db: Executor, unitId: string, target: ApprovalTarget) {
  const [row] = await selectFlow(db, unitId, target);
  if (!row) return { target, ...DEFAULT_FLOWS[target], version: 0, updatedAt: '' };
  return { target, name: row.name, steps: JSON.parse(row.tiers) as FlowStep[], version: row.version, updatedAt: row.updated_at };
}

export async function listFlows(db: Executor, unitId: string) {
  return Promise.all((['payment', 'transfer', 'adjustment'] as const).map((t) => getFlow(db, unitId, t)));
}

/** The admin replaces a flow (approval.manage); documents already under way keep the steps they started with. */
export async function saveFlow(tx: Tx, actor: Actor, scope: UnitScope, target: ApprovalTarget, flow: { name: string; steps: FlowStep[] }) {
  const { unitId } = scope;
  const before = await getFlow(tx, unitId, target);
  const updatedAt = nowIso();
  const version = before.version + 1;
  if (before.version === 0) {
    await tx
      .insertInto('approval_flows')
      .values({ unit_id: unitId, target, name: flow.name, tiers: JSON.stringify(flow.steps), version, updated_by: actor.userId, updated_at: updatedAt })
      .execute();
  } else {
    await tx
      .updateTable('approval_flows')
      .set({ name: flow.name, tiers: JSON.stringify(flow.steps), version, updated_by: actor.userId, updated_at: updatedAt })
      .where('unit_id', '=', unitId)
      .where('target', '=', target)
      .execute();
  }
  const after = { target, ...flow, version, updatedAt };
  await appendAudit(tx, { actor: auditActorOf(actor), unitId, action: 'approval_flow.update', entity: 'approval_flow', entityId: `${unitId}:${target}`, before, after });
  return after;
}

export interface FlowSubject {
  amount: number;
  economicCode: string;
}

export function stepApplies(step: FlowStep, subject: FlowSubject): boolean {
  const when = step.when;
  if (!when || (when.amountAbove === undefined && !when.economicPrefixes?.length && !when.threePublic)) return true;
  if (when.amountAbove !== undefined && subject.amount > when.amountAbove) return true;
  if (when.economicPrefixes?.some((p) => subject.economicCode.startsWith(p))) return true;
  if (when.threePublic && THREE_PUBLIC_CODES.has(subject.economicCode)) return true;
  return false;
}

export const OVERRIDE_STEP: FlowStep = { role: 'leader', label: '单位领导审批（越权放行）' };

/**
 * The steps a request of this size and class must pass, in order. `onlyFirst` is the flexible-quota
 * fast track; a request carrying a rule override always ends with the leader.
 */
export async function plannedSteps(
  db: Executor, unitId: string, target: ApprovalTarget, subject: FlowSubject,
  options: { onlyFirst?: boolean; override?: boolean } = {},
) {
  const flow = await getFlow(db, unitId, target);
  let steps = flow.steps.filter((s) => stepApplies(s, subject));
  if (options.onlyFirst) steps = steps.slice(0, 1);
  if (options.override && steps.at(-1)?.role !== 'leader') steps = [...steps, OVERRIDE_STEP];
  return steps;
}

/**
 * The steps a requester's document will pass, each with who may decide it, a step nobody may
 * decide routed by the documented fallback (routing.ts). The live checks show it; submission
 * starts the approval with it, so what the requester was told is what happens.
 */
export async function plannedRoute(
  db: Executor, unitId: string, target: ApprovalTarget, subject: FlowSubject, requester: { userId: number; departmentId: number },
  options: { onlyFirst?: boolean; override?: boolean } = {},
): Promise<RoutedStep[]> {
  return routeSteps(db, unitId, await plannedSteps(db, unitId, target, subject, options), requester);
}

/**
 * An answer carrying approval steps (a document's detail, a live check) with their names in `lang`: the
 * built-in flows' and the composed labels translated, a unit's own step names as typed (step-labels).
 */
export function withStepLabels<T extends { steps: Array<{ label: string; reroutedFrom?: { role: string; label: string } | undefined }> }>(answer: T, lang: Lang): T {
  if (lang === 'zh') return answer;
  return {
    ...answer,
    steps: answer.steps.map((s) => ({
      ...s, label: localizeStepLabel(s.label, lang),
      ...(s.reroutedFrom ? { reroutedFrom: { ...s.reroutedFrom, label: localizeStepLabel(s.reroutedFrom.label, lang) } } : {}),
    })),
  };
}

/** A routed step as a check answers it: who (display names), and what it stands in for. */
export function stepPreview(s: RoutedStep) {
  return { role: s.role, label: s.label, approvers: s.approvers.map((a) => a.name), ...(s.reroutedFrom ? { reroutedFrom: s.reroutedFrom } : {}) };
}

export async function startApproval(tx: Tx, unitId: string, target: ApprovalTarget, targetId: number, steps: FlowStep[]) {
  if (steps.length === 0) throw new Error('an approval needs at least one step');
  await insertSteps(tx, steps.map((s, i) => ({
    unit_id: unitId, target, target_id: targetId, seq: i + 1, role: s.role, label: s.label,
    status: i === 0 ? ('pending' as const) : ('waiting' as const),
    decided_by: null, decided_at: null, comment: null,
  })));
}

const insertSteps = preparedInsertRows('approval_steps', ['unit_id', 'target', 'target_id', 'seq', 'role', 'label', 'status', 'decided_by', 'decided_at', 'comment']);

/**
 * A document's steps, the pending one with who may decide it. `requester`: the document's requester
 * and department when the caller has just read them, which saves reading the document again.
 */
export async function stepsOf(db: Executor, target: ApprovalTarget, targetId: number, requester?: Requester) {
  const rows = await db
    .selectFrom('approval_steps')
    .leftJoin('users', 'users.id', 'approval_steps.decided_by')
    .select([
      'approval_steps.unit_id', 'approval_steps.seq', 'approval_steps.role', 'approval_steps.label', 'approval_steps.status',
      'approval_steps.decided_by', 'approval_steps.decided_at', 'approval_steps.comment', 'users.display_name',
    ])
    .where('approval_steps.target', '=', target)
    .where('approval_steps.target_id', '=', targetId)
    .orderBy('approval_steps.seq')
    .execute();
  const pending = rows.find((r) => r.status === 'pending');
  const doc = !pending ? undefined : requester ?? await documentSummary(db, target, targetId).then((d) => d && { userId: d.requestedById, departmentId: d.departmentId });
  // 下一步：谁审批 — the people who may decide the pending step, by name.
  const approvers = pending && doc ? (await eligibleApprovers(db, pending.unit_id, pending.role, doc)).map((a) => a.name) : [];
  return rows.map((r) => ({
    seq: r.seq, role: r.role, label: r.label, status: r.status, decidedBy: r.decided_by,
    decidedByName: r.display_name ?? null, decidedAt: r.decided_at, comment: r.comment,
    ...(r.status === 'pending' ? { approvers } : {}),
  }));
}

export interface Requester {
  userId: number;
  departmentId: number;
}

/**
 * The steps of a document whose approval has just started (startApproval), as stepsOf answers them:
 * the first pending, with who may decide it, the rest waiting. Its creator builds its answer from them
 * instead of reading back what it wrote.
 */
export function startedStepsView(steps: RoutedStep[]): Awaited<ReturnType<typeof stepsOf>> {
  return steps.map((s, i) => ({
    seq: i + 1, role: s.role, label: s.label, status: i === 0 ? 'pending' : 'waiting', decidedBy: null,
    decidedByName: null, decidedAt: null, comment: null,
    ...(i === 0 ? { approvers: s.approvers.map((a) => a.name) } : {}),
  }));
}

/**
 * Records one approval decision on the current step. The approver must hold the step's role in
 * the unit directly (a supervising unit never approves), may not approve their own request, and
 * a department head approves only for their own department. Returns true when it was the last step.
 */
export async function decideStep(
  tx: Tx,
  actor: Actor,
  unitId: string,
  target: ApprovalTarget,
  targetId: number,
  requester: Requester,
  decision: 'approved' | 'rejected',
  comment: string | undefined,
): Promise<{ final: boolean; label: string }> {
  // Taking the step with an UPDATE serializes two approvers of the same step on PostgreSQL.
  const current = await tx
    .updateTable('approval_steps')
    .set((eb) => ({ status: eb.ref('status') }))
    .where('target', '=', target)
    .where('target_id', '=', targetId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  if (!current) throw new AppError('INVALID_STATE', { status: 'no pending step' });
  const grants = actor.grants.filter((g) => g.unitId === unitId && g.role === (current.role as Role));
  if (grants.length === 0) throw new AppError('NOT_YOUR_STEP', { label: current.label, role: current.role });
  if (actor.userId === requester.userId) throw new AppError('SELF_APPROVAL');
  if (current.role === 'department_head' && !grants.some((g) => g.departmentId === requester.departmentId)) {
    throw new AppError('DEPARTMENT_SCOPE', { departmentId: requester.departmentId });
  }
  if (decision === 'rejected') assertRejectReason(comment);
  const decidedAt = nowIso();
  await tx
    .updateTable('approval_steps')
    .set({ status: decision, decided_by: actor.userId, decided_at: decidedAt, comment: comment ?? null })
    .where('id', '=', current.id)
    .execute();
  if (decision === 'rejected') {
    await cancelOpenSteps(tx, target, targetId);
    return { final: true, label: current.label };
  }
  const next = await tx
    .selectFrom('approval_steps')
    .select('id')
    .where('target', '=', target)
    .where('target_id', '=', targetId)
    .where('status', '=', 'waiting')
    .orderBy('seq')
    .executeTakeFirst();
  if (next) await tx.updateTable('approval_steps').set({ status: 'pending' }).where('id', '=', next.id).execute();
  return { final: !next, label: current.label };
}

/** A rejection says why: the requester reads it in the notice, everyone in the trail. */
export function assertRejectReason(comment: string | undefined): void {
  if (!comment?.trim()) throw new AppError('REJECT_REASON_REQUIRED', { field: 'comment' });
}

export async function cancelOpenSteps(tx: Tx, target: ApprovalTarget, targetId: number): Promise<void> {
  await tx
    .updateTable('approval_steps')
    .set({ status: 'cancelled' })
    .where('target', '=', target)
    .where('target_id', '=', targetId)
    .where('status', 'in', ['pending', 'waiting'])
    .execute();
}
