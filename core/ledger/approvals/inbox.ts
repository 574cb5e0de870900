import type { Executor } from '../../db/connection.js';
import type { ApprovalTarget } from '../../db/schema.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import type { Lang } from '../../errors.js';
import { needle } from '../../db/paging.js';
import { localizeStepLabel } from '@unibudget/sdk/contracts/step-labels';
import { summaryOf, summaryText } from './notices.js';

/**
 * The approval inbox (待我审批): pending steps in the unit whose role the actor holds there, less
 * what they may not decide — their own requests, and, for a department head, other departments'.
 * The same rules decideStep enforces, so nothing is listed that would then be refused.
 */
export async function inbox(db: Executor, actor: Actor, scope: UnitScope, options: { lang?: Lang; q?: string | undefined } = {}) {
  const lang = options.lang ?? 'zh';
  const q = needle(options.q);
  const { unitId } = scope;
  const roles = actor.grants.filter((g) => g.unitId === unitId).map((g) => g.role);
  if (roles.length === 0) return [];
  const steps = await db
    .selectFrom('approval_steps')
    .selectAll()
    .where('unit_id', '=', unitId)
    .where('status', '=', 'pending')
    .where('role', 'in', roles)
    .orderBy('id')
    .execute();
  const headOf = new Set(actor.grants.filter((g) => g.unitId === unitId && g.role === 'department_head').map((g) => g.departmentId));
  const items = [];
  for (const step of steps) {
    const doc = await documentSummary(db, step.target, step.target_id);
    if (!doc || doc.requestedById === actor.userId) continue;
    if (step.role === 'department_head' && !headOf.has(doc.departmentId)) continue;
    const summary = summaryText(doc.summary, lang);
    // 搜索: the number, what it is for (purpose, payee, reason) in either language, and who asked.
    if (q && ![doc.docNo ?? `#${step.target_id}`, summaryText(doc.summary, 'zh'), summary, doc.requestedBy].some((x) => x.toLowerCase().includes(q))) continue;
    items.push({
      target: step.target, targetId: step.target_id, docNo: doc.docNo, seq: step.seq, label: localizeStepLabel(step.label, lang),
      amount: doc.amount, summary, requestedBy: doc.requestedBy, requestedAt: doc.requestedAt,
    });
  }
  return items;
}

/** A document as the inbox lists it; its department is a transfer's source indicator's, an adjustment's indicator's. */
export async function documentSummary(db: Executor, target: ApprovalTarget, id: number) {
  if (target === 'payment') {
    const p = await db
      .selectFrom('payments').innerJoin('users', 'users.id', 'payments.created_by')
      .select(['payments.amount', 'payments.purpose', 'payments.payee_name', 'payments.department_id', 'payments.created_by', 'payments.created_at', 'users.display_name', 'payments.doc_no'])
      .where('payments.id', '=', id).executeTakeFirst();
    return p && {
      docNo: p.doc_no, amount: p.amount, summary: summaryOf.payment({ purpose: p.purpose, payeeName: p.payee_name }), departmentId: p.department_id,
      requestedById: p.created_by, requestedBy: p.display_name, requestedAt: p.created_at,
    };
  }
  if (target === 'transfer') {
    const t = await db
      .selectFrom('transfers').innerJoin('users', 'users.id', 'transfers.created_by')
      .innerJoin('indicators', 'indicators.id', 'transfers.from_indicator_id')
      .select(['transfers.amount', 'transfers.reason', 'transfers.created_by', 'transfers.created_at', 'users.display_name', 'indicators.department_id', 'transfers.doc_no'])
      .where('transfers.id', '=', id).executeTakeFirst();
    return t && {
      docNo: t.doc_no, amount: t.amount, summary: summaryOf.transfer(t), departmentId: t.department_id,
      requestedById: t.created_by, requestedBy: t.display_name, requestedAt: t.created_at,
    };
  }
  const a = await db
    .selectFrom('adjustments').innerJoin('users', 'users.id', 'adjustments.created_by')
    .innerJoin('indicators', 'indicators.id', 'adjustments.indicator_id')
    .select(['adjustments.amount', 'adjustments.reason', 'adjustments.created_by', 'adjustments.created_at', 'users.display_name', 'indicators.department_id', 'adjustments.serial_no'])
    .where('adjustments.id', '=', id).executeTakeFirst();
  return a && {
    docNo: a.serial_no, amount: a.amount, summary: summaryOf.adjustment(a), departmentId: a.department_id,
    requestedById: a.created_by, requestedBy: a.display_name, requestedAt: a.created_at,
  };
}
