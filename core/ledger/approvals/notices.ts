import type { Tx } from '../../db/connection.js';
import { eligibleApprovers } from './routing.js';
import type { ApprovalTarget } from '../../db/schema.js';
import { defineNoticeText, notify, noticeWrite, writeNotice, type NoticeWrite, type Recipient } from '../../notifications/service.js';
import { formatYuan, type Lang } from '../../errors.js';
import { composeStepLabel, localizeStepLabel } from '@unibudget/sdk/contracts/step-labels';

/**
 * Approval notices: who must act on a document next, and what the requester hears at its end.
 * The notifications module stores and delivers; what a ledger document is, and who approves it,
 * is known only here.
 */

/**
 * Where a notice takes its reader (web/src/app.ts routes on the path): the page on which they act on it,
 * opened on the one document (`?doc=<kind>:<id>`, read by web/src/lib/doc-link.ts). The page fetches the
 * document as it is now, so a notice never shows a stale state; a link without `doc` opens the list.
 */
export const docLink = (page: 'mine' | 'inbox' | 'transfers', kind: ApprovalTarget | 'budget', id: number): string => `/${page}?doc=${kind}:${id}`;

/**
 * The step a new document waits at, when its creator has just written it (saves reading it back),
 * with who may decide it as routing found them (approvals/routing.ts).
 */
export interface PendingStep {
  role: string;
  label: string;
  approvers?: Array<{ userId: number }>;
}

/**
 * Who must act on a document's current (pending) approval step. A department head approves only
 * for their own department (decideStep), so that step goes to the heads of the document's
 * department by name rather than to every head in the unit; other roles are addressed as a role.
 * The requester is never told to approve their own request, nor is a disabled account told anything.
 */
async function currentApprovers(tx: Tx, unitId: string, target: ApprovalTarget, targetId: number, departmentId: number, requesterId: number, first?: PendingStep) {
  const step = first ?? await tx
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
  // Who may decide it is routing's to say (enabled heads of the department, not the requester); a new document's step carries them.
  const heads = first?.approvers ?? await eligibleApprovers(tx, unitId, 'department_head', { userId: requesterId, departmentId });
  if (heads.length) return { label: step.label, recipients: heads.map((h) => ({ userId: h.userId })) as Recipient[] };
  // No head of that department other than the requester: the document would wait with nobody told.
  // Tell the unit's department heads instead — by name, so the requester (who may be the department's
  // only head) is still never asked to approve their own request — and say why it reached them.
  const unitHeads = await tx
    .selectFrom('role_grants')
    .innerJoin('users', 'users.id', 'role_grants.user_id')
    .select('role_grants.user_id')
    .distinct()
    .where('role_grants.unit_id', '=', unitId)
    .where('role_grants.role', '=', 'department_head')
    .where('role_grants.user_id', '!=', requesterId)
    .where('users.disabled', '=', 0)
    .execute();
  return { label: composeStepLabel.noHead(step.label), recipients: unitHeads.map((h) => ({ userId: h.user_id })) as Recipient[] };
}

const DOC_NAME: Record<ApprovalTarget, Record<Lang, string>> = {
  payment: { zh: '支付申请', en: 'Payment request' },
  transfer: { zh: '预算调剂', en: 'Transfer' },
  adjustment: { zh: '预算调整', en: 'Adjustment' },
};

/** What a document is for, kept as its facts so that it reads in either language (summaryText). */
export type Summary =
  | { kind: 'payment'; purpose: string; payeeName: string }
  | { kind: 'transfer'; reason: string }
  | { kind: 'adjustment'; amount: number; reason: string };

/** How a document reads in a notice and in the approval inbox: one line saying what it is for. */
export const summaryOf = {
  payment: (p: { purpose: string; payeeName: string }): Summary => ({ kind: 'payment', purpose: p.purpose, payeeName: p.payeeName }),
  transfer: (t: { reason: string }): Summary => ({ kind: 'transfer', reason: t.reason }),
  adjustment: (a: { amount: number; reason: string }): Summary => ({ kind: 'adjustment', amount: a.amount, reason: a.reason }),
};

export function summaryText(s: Summary, lang: Lang): string {
  const en = lang === 'en';
  if (s.kind === 'payment') return en ? `${s.purpose} (payee: ${s.payeeName})` : `${s.purpose}（收款人：${s.payeeName}）`;
  if (s.kind === 'transfer') return en ? `Transfer: ${s.reason}` : `预算调剂：${s.reason}`;
  return en ? `${s.amount >= 0 ? 'Increase' : 'Reduction'}: ${s.reason}` : `${s.amount >= 0 ? '追加' : '追减'}：${s.reason}`;
}

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
  summary: Summary;
}

// ------------------------------------------------------------------ notice texts (message key + params)

interface DocParams { target: ApprovalTarget; id: number; docNo: string | null; amount: number; summary: Summary }
const yuan = (fen: number, lang: Lang) => `${formatYuan(Math.abs(fen))} ${lang === 'en' ? 'yuan' : '元'}`;
const docParams = (doc: ApprovalDocument): DocParams => ({ target: doc.target, id: doc.id, docNo: doc.docNo, amount: doc.amount, summary: doc.summary });

defineNoticeText('approval.pending', (raw, lang) => {
  const p = raw as unknown as DocParams & { label: string };
  const label = localizeStepLabel(p.label, lang);
  return lang === 'en'
    ? { title: `Awaiting approval: ${DOC_NAME[p.target].en} ${numberOf(p)}, ${yuan(p.amount, lang)}`, body: `${summaryText(p.summary, lang)} (${label})` }
    : { title: `待审批：${DOC_NAME[p.target].zh} ${numberOf(p)}，${yuan(p.amount, lang)}`, body: `${summaryText(p.summary, lang)}（${label}）` };
});

const OUTCOME = {
  approved: { zh: '已审批通过', en: 'approved' },
  rejected: { zh: '被退回', en: 'sent back' },
  paid: { zh: '已支付', en: 'paid' },
} as const;

defineNoticeText('approval.outcome', (raw, lang) => {
  const p = raw as unknown as DocParams & { outcome: keyof typeof OUTCOME; comment?: string };
  const summary = summaryText(p.summary, lang);
  const rejected = p.outcome === 'rejected';
  if (lang === 'en') {
    return {
      title: `${DOC_NAME[p.target].en} ${numberOf(p)} ${OUTCOME[p.outcome].en}, ${yuan(p.amount, lang)}`,
      body: p.comment ? `${summary}\n${rejected ? 'Reason' : 'Comment'}: ${p.comment}` : summary,
    };
  }
  return {
    title: `${DOC_NAME[p.target].zh} ${numberOf(p)} ${OUTCOME[p.outcome].zh}，${yuan(p.amount, lang)}`,
    body: p.comment ? `${summary}\n${rejected ? '退回原因' : '意见'}：${p.comment}` : summary,
  };
});

defineNoticeText('budget.returned', (raw, lang) => {
  const p = raw as { no: string; title: string; amount: number };
  return lang === 'en'
    ? { title: `Budget request ${p.no}: control number ${yuan(p.amount, lang)} handed down`, body: `“${p.title}”: please adjust it to the control number and submit it again` }
    : { title: `预算申请 ${p.no} 已下达控制数 ${yuan(p.amount, lang)}`, body: `「${p.title}」请按控制数调整后再次上报` };
});

defineNoticeText('budget.approved', (raw, lang) => {
  const p = raw as { no: string; title: string; amount: number };
  return lang === 'en'
    ? { title: `Budget request ${p.no} approved: indicators of ${yuan(p.amount, lang)} issued`, body: `“${p.title}”` }
    : { title: `预算申请 ${p.no} 已批复，下达指标 ${yuan(p.amount, lang)}`, body: `「${p.title}」` };
});

/** A document waits at its current step: tell that step's approvers. */
export async function notifyPendingStep(tx: Tx, unitId: string, doc: ApprovalDocument): Promise<number> {
  return writeNotice(tx, (await pendingStepNotice(tx, unitId, doc))(doc.docNo));
}

/**
 * The same notice in two steps: who is told is read now; the notice, with the number the document
 * gets later, is written with its audit entry (record.ts: the number is taken last, under its
 * counter's lock, and on PostgreSQL the notice goes in the audit entry's statement: no round trip
 * more under that lock).
 */
export async function pendingStepNotice(tx: Tx, unitId: string, doc: ApprovalDocument, first?: PendingStep): Promise<(docNo: string | null) => NoticeWrite | null> {
  const approvers = await currentApprovers(tx, unitId, doc.target, doc.id, doc.departmentId, doc.requesterId, first);
  return (docNo) => {
    if (!approvers) return null;
    return noticeWrite(tx, unitId, approvers.recipients, {
      key: 'approval.pending',
      params: { ...docParams({ ...doc, docNo }), label: approvers.label },
      link: docLink('inbox', doc.target, doc.id),
    });
  };
}

/**
 * The page on which a requester finds their document: 我的申请 for payments; a transfer or adjustment on
 * 预算调剂 when they work there (finance), else in 我的申请 (staff may request a transfer too).
 */
async function requesterPage(tx: Tx, unitId: string, doc: ApprovalDocument): Promise<'mine' | 'transfers'> {
  if (doc.target === 'payment') return 'mine';
  const finance = await tx.selectFrom('role_grants').select('user_id')
    .where('unit_id', '=', unitId).where('user_id', '=', doc.requesterId).where('role', '=', 'finance_officer').executeTakeFirst();
  return finance ? 'transfers' : 'mine';
}

/** A document reached its end (approved, rejected, paid): tell the person who submitted it. */
export async function notifyRequester(
  tx: Tx, unitId: string, doc: ApprovalDocument,
  outcome: 'approved' | 'rejected' | 'paid', comment?: string | undefined,
): Promise<number> {
  return notify(tx, unitId, [{ userId: doc.requesterId }], {
    key: 'approval.outcome',
    params: { ...docParams(doc), outcome, ...(comment ? { comment } : {}) },
    link: docLink(await requesterPage(tx, unitId, doc), doc.target, doc.id),
  });
}

/** Budget requests (二上二下): finance hands down control numbers, or approves and issues indicators. */
export async function notifyBudgetRequest(
  tx: Tx, unitId: string, request: { id: number; docNo?: string | null; title: string; createdBy: number; amount: number },
  outcome: 'returned' | 'approved',
): Promise<number> {
  return notify(tx, unitId, [{ userId: request.createdBy }], {
    key: outcome === 'returned' ? 'budget.returned' : 'budget.approved',
    params: { no: request.docNo ?? `#${request.id}`, title: request.title, amount: request.amount },
    link: docLink('mine', 'budget', request.id),
  });
}
