import type { Executor } from '../../db/connection.js';
import { databaseOf } from '../../db/direct.js';
import { authCache } from '../../db/writes.js';
import { prepared } from '../../db/prepared.js';
import { composeStepLabel } from '@unibudget/sdk/contracts/step-labels';
import { AppError } from '../errors.js';
import './errors.js';
import type { FlowStep } from './schema.js';

/**
 * Who may decide a step, and what happens to a step nobody may decide.
 *
 * A step may be decided by a user holding its role directly in the unit (not disabled), who is not
 * the requester; a department head only for their own department (decideStep enforces the same).
 * A flow step with nobody eligible — a finance officer's own transfer from 机动额度 in a unit with
 * one finance officer; a department with no head but the requester — would sit in nobody's inbox.
 * The documented fallback (README, 审批流): such a step is routed, at submission, to the first of
 *   1. the unit leader (单位领导), 2. another finance officer (财务人员)
 * who may decide it, and its label says why ("单位领导审批（代：财务审核，无其他可审批人员）"). When the
 * stand-in's role already decides a later step of the same document, the two merge into that step.
 * When no one at all is eligible the submission is refused (NO_ELIGIBLE_APPROVER): never stuck.
 * The live checks answer the same routing before submission.
 */
export const FALLBACK_ROLES = ['leader', 'finance_officer'] as const satisfies readonly FlowStep['role'][];

export interface Requester {
  userId: number;
  departmentId: number;
}

export interface Approver {
  userId: number;
  name: string;
}

export interface RoutedStep extends FlowStep {
  /** Who may decide it (display names in the answer). */
  approvers: Approver[];
  /** The flow's step it stands in for, when nobody could decide that one. */
  reroutedFrom?: { role: string; label: string } | undefined;
}

export async function eligibleApprovers(db: Executor, unitId: string, role: string, requester: Requester): Promise<Approver[]> {
  return (await approversByRole(db, unitId, [role], requester)).get(role) ?? [];
}

interface GrantHolder { role: string; userId: number; name: string; departmentId: number | null }

/**
 * Who holds a role in the unit and may still sign in, ordered by user: every submission routes its
 * steps over them. Remembered as credentials are (http/session-cache.ts): while nothing in this
 * process has written the authentication tables (role_grants and users among them: a revoked grant
 * or a disabled account is seen at once) and for at most a second (another app process on the same
 * PostgreSQL database is seen within that). A command's own transaction shares the entry of its
 * database; one that wrote those tables reads again (its version moved on).
 */
const holdersOf = authCache<GrantHolder[]>(1000);

const holderRows = prepared((db: Executor, unitId: string) => db
  .selectFrom('role_grants')
  .innerJoin('users', 'users.id', 'role_grants.user_id')
  .select(['role_grants.role', 'role_grants.department_id', 'users.id', 'users.display_name'])
  .where('role_grants.unit_id', '=', unitId)
  .where('users.disabled', '=', 0)
  .orderBy('users.id'));

const grantHolders = (db: Executor, unitId: string): Promise<GrantHolder[]> => holdersOf(databaseOf(db), unitId, async () =>
  (await holderRows(db, unitId)).map((r) => ({ role: r.role, userId: r.id, name: r.display_name, departmentId: r.department_id })));

/**
 * Who may decide a step of each of these roles: anyone granted the role in the unit, enabled, not
 * the requester, and for a department head, head of the requester's department; each once per role.
 */
async function approversByRole(db: Executor, unitId: string, roles: string[], requester: Requester): Promise<Map<string, Approver[]>> {
  const wanted = new Set(roles);
  const byRole = new Map<string, Approver[]>();
  for (const h of await grantHolders(db, unitId)) {
    if (!wanted.has(h.role) || h.userId === requester.userId) continue;
    if (h.role === 'department_head' && h.departmentId !== requester.departmentId) continue;
    const people = byRole.get(h.role) ?? [];
    if (people.at(-1)?.userId !== h.userId) people.push({ userId: h.userId, name: h.name });
    byRole.set(h.role, people);
  }
  return byRole;
}

/** The flow's steps with their approvers, each step nobody may decide routed by the fallback above. */
export async function routeSteps(db: Executor, unitId: string, steps: FlowStep[], requester: Requester): Promise<RoutedStep[]> {
  const routed: RoutedStep[] = [];
  /** Steps merged into a later step of the stand-in's role, by that role. */
  const merged = new Map<string, { role: string; label: string }>();
  const eligible = await approversByRole(db, unitId, [...steps.map((s) => s.role), ...FALLBACK_ROLES], requester);
  for (const [i, step] of steps.entries()) {
    const approvers = eligible.get(step.role) ?? [];
    if (approvers.length > 0) {
      const stoodIn = merged.get(step.role);
      merged.delete(step.role);
      routed.push(stoodIn ? { ...step, label: composeStepLabel.merged(step.label, stoodIn.label), approvers, reroutedFrom: stoodIn } : { ...step, approvers });
      continue;
    }
    let standIn: RoutedStep | null = null;
    for (const role of FALLBACK_ROLES) {
      if (role === step.role) continue;
      const people = eligible.get(role) ?? [];
      if (people.length === 0) continue;
      standIn = { role, label: composeStepLabel.standIn(role, [step.label]), approvers: people, reroutedFrom: { role: step.role, label: step.label } };
      break;
    }
    if (!standIn) throw new AppError('NO_ELIGIBLE_APPROVER', { label: step.label, role: step.role });
    // The stand-in's role decides a later step anyway: that step takes this one's place (one decision, not two).
    // So does the stand-in of the step before: one decision too.
    const previous = routed.at(-1);
    if (steps.slice(i + 1).some((s) => s.role === standIn.role)) merged.set(standIn.role, standIn.reroutedFrom!);
    else if (previous?.reroutedFrom && previous.role === standIn.role) previous.label = composeStepLabel.standInAlso(previous.label, step.label);
    else routed.push(standIn);
  }
  return routed;
}
