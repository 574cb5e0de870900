import type { Tx } from '../../db/connection.js';
import type { ApprovalTarget } from '../../db/schema.js';
import { notify, type Notice, type Recipient } from '../../notifications/service.js';
import { formatYuan } from '../../errors.js';

/**
 * Approval notices: who must act on a document next, and what the requester hears at its end.
 * The notifications module stores and delivers; what a ledger document is, and who approves it,
 * is known only here.
 */

/** Web pages a notice links to (web/src/app.ts NAV): where the recipient acts on it. */
const LINKS = { mine: '/mine', inbox: '/inbox', transfers: '/transfers' } as const;

/**
 * Who must act on a document's current (pending) approval step. A department head approves only
 * for their own department (decideStep), so that step goes to the heads of the document's
 * department by name rather than to every head in the unit; other roles are addressed as a role.
 * The requester is never told to approve their own request.
 */
async function currentApprovers(tx: Tx, unitId: string, target: ApprovalTarget, targetId: number, departmentId: number, requesterId: number) {
  const step = await tx
    .selectFrom('approval_steps')
    .select(['role', 'label'])
    .where('unit_id', '=', unitId)
    .where('target', '=', target)
    .where('target_id', '=', targetId)
    .where('status', '=', 'pending')
    .orderBy('seq')
    .executeTakeFirst();
  if (!step) return null;
  if (step.role !== 'department_head') return { label: step.label, recipients: [{ role: step.role }] as Recipient[] };
  const heads = await tx
    .selectFrom('role_grants')
    .select('user_id')
    .where('unit_id', '=', unitId)
    .where('role', '=', 'department_head')
    .where('department_id', '=', departmentId)
    .where('user_id', '!=', requesterId)
    .execute();
  if (heads.length) return { label: step.label, recipients: heads.map((h) => ({ userId: h.user_id })) as Recipient[] };
  // No head of that department other than the requester: the document would wait with nobody told.
  // Tell the unit's department heads instead — by name, so the requester (who may be the department's
  // only head) is still never asked to approve their own request — and say why it reached them.
  const unitHeads = await tx
    .selectFrom('role_grants')
    .select('user_id')
    .distinct()
    .where('unit_id', '=', unitId)
    .where('role', '=', 'department_head')
    .where('user_id', '!=', requesterId)
    .execute();
  return { label: `${step.label}；本科室未设科室负责人`, recipients: unitHeads.map((h) => ({ userId: h.user_id })) as Recipient[] };
}

const DOC_NAME: Record<ApprovalTarget, string> = { payment: '支付申请', transfer: '预算调剂', adjustment: '预算调整' };

/** How a document reads in a notice and in the approval inbox: one line saying what it is for. */
export const summaryOf = {
  payment: (p: { purpose: string; payeeName: string }) => `${p.purpose}（收款人：${p.payeeName}）`,
  transfer: (t: { reason: string }) => `预算调剂：${t.reason}`,
  adjustment: (a: { amount: number; reason: string }) => `${a.amount >= 0 ? '追加' : '追减'}：${a.reason}`,
};

const numberOf = (doc: { id: number; docNo: string | null }) => doc.docNo ?? `#${doc.id}`;

/** What a notice says about a document going through its approval flow, and whom it concerns. */
export interface ApprovalDocument {
  target: ApprovalTarget;
  id: number;
  /** 单据编号 (ZF2026-0001); the id only for a row made around the commands. */
  docNo: string | null;
  /** fen; a reduction (追减) is negative and reads as its absolute value */
  amount: number;
  /** The department whose head decides a 科室负责人 step (a transfer's is its source indicator's). */
  departmentId: number;
  requesterId: number;
  summary: string;
}

/** A document waits at its current step: tell that step's approvers. */
export async function notifyPendingStep(tx: Tx, unitId: string, doc: ApprovalDocument): Promise<number> {
  const approvers = await currentApprovers(tx, unitId, doc.target, doc.id, doc.departmentId, doc.requesterId);
  if (!approvers) return 0;
  return notify(tx, unitId, approvers.recipients, {
    title: `待审批：${DOC_NAME[doc.target]} ${numberOf(doc)}，${formatYuan(Math.abs(doc.amount))} 元`,
    body: `${doc.summary}（${approvers.label}）`,
    link: LINKS.inbox,
  });
}

/** A document reached its end (approved, rejected, paid): tell the person who submitted it. */
export async function notifyRequester(
  tx: Tx, unitId: string, doc: ApprovalDocument,
  outcome: 'approved' | 'rejected' | 'paid', comment?: string | undefined,
): Promise<number> {
  const verb = { approved: '已审批通过', rejected: '被退回', paid: '已支付' }[outcome];
  const link = doc.target === 'payment' ? LINKS.mine : LINKS.transfers;
  return notify(tx, unitId, [{ userId: doc.requesterId }], {
    title: `${DOC_NAME[doc.target]} ${numberOf(doc)} ${verb}，${formatYuan(Math.abs(doc.amount))} 元`,
    body: comment ? `${doc.summary}\n${outcome === 'rejected' ? '退回原因' : '意见'}：${comment}` : doc.summary,
    link,
  });
}

/** Budget requests (二上二下): finance hands down control numbers, or approves and issues indicators. */
export async function notifyBudgetRequest(
  tx: Tx, unitId: string, request: { id: number; docNo?: string | null; title: string; createdBy: number; amount: number },
  outcome: 'returned' | 'approved',
): Promise<number> {
  const no = request.docNo ?? `#${request.id}`;
  const notice: Notice = outcome === 'returned'
    ? { title: `预算申请 ${no} 已下达控制数 ${formatYuan(request.amount)} 元`, body: `「${request.title}」请按控制数调整后再次上报`, link: LINKS.mine }
    : { title: `预算申请 ${no} 已批复，下达指标 ${formatYuan(request.amount)} 元`, body: `「${request.title}」`, link: LINKS.mine };
  return notify(tx, unitId, [{ userId: request.createdBy }], notice);
}
