import { block, ok, refuse } from '@unibudget/sdk';
import type { ValidationInput, ValidationResult } from '@unibudget/sdk';
import { canSee, describeObject, parseSubject, resolveObject, subjectKey, type MemberBook } from './access.js';
import { tell, THREAD_LINK } from './notify.js';
import { createThread, postMessage } from './threads.js';
import type { Caller, Host, Member, Review, SignOff, SignSlot, Thread } from './types.js';
import { clip, newId, nowIso, text } from './util.js';

/**
 * 多部门联审: a joint review of a large payment or project. Opening it names the required sign-offs
 * — finance, the business department of the object, audit, and legal where the unit configured legal
 * signers — and opens a review thread beside the object. Each reviewer records approve or object
 * with a reason; when every slot has signed, the review closes with its outcome (approved only if
 * nobody objected), recorded in the thread and — each sign-off being a POST route — in the core's
 * audit chain. While a review of a payment is open, or after it closed with an objection, the
 * payment cannot be paid (`payment.validate` at the pay stage).
 */

const SLOT_LABEL: Record<SignSlot['key'], string> = { finance: '财务', business: '业务部门', audit: '审计', legal: '法务' };

export async function openReview(host: Host, book: MemberBook, user: Caller, body: Record<string, unknown>): Promise<Review> {
  const subject = parseSubject(body.subject);
  if (!subject || (subject.kind !== 'payment' && subject.kind !== 'project')) {
    throw refuse(422, 'INVALID_SUBJECT', { zh: '联审对象应为支付申请或项目', en: 'A joint review is of a payment or a project' }, { field: 'subject' });
  }
  const key = subjectKey(subject);
  const open = (await host.storage.query<Review>('reviews', { subjectKey: key, status: 'open' }, { limit: 5 }));
  if (open.length) throw refuse(409, 'REVIEW_ALREADY_OPEN', { zh: '该对象已有进行中的联审', en: 'A joint review of this object is already open' });
  const object = await resolveObject(host, subject);
  if (!object.exists) throw refuse(404, 'SUBJECT_NOT_FOUND', { zh: `${object.label}不存在`, en: 'The object does not exist' }, { field: 'subject' });
  if (subject.kind === 'payment' && (object.facts['状态'] === '已支付' || object.facts['状态'] === '已退回' || object.facts['状态'] === '已撤回')) {
    throw refuse(409, 'SUBJECT_CLOSED', { zh: `${object.label}已${String(object.facts['状态']).replace('已', '')}，无需联审`, en: 'The payment is already decided' });
  }
  const title = body.title ? text(body.title, 'title', 2, 100, { zh: '联审事项', en: 'The title' }) : `联审：${clip(object.label, 60)}`;
  const members = await book.list();
  // The business department signs through its head; a department without one is signed by any department head.
  const businessDept = object.departmentId !== null && members.some((m) => m.departmentId === object.departmentId && m.roles.includes('department_head')) ? object.departmentId : null;
  const legal = String(host.settings.legalUserIds ?? '').split(/[,\s]+/).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
  const required: SignSlot[] = [
    { key: 'finance', label: SLOT_LABEL.finance, role: 'finance_officer', departmentId: null, userIds: [] },
    { key: 'business', label: SLOT_LABEL.business, role: 'department_head', departmentId: businessDept, userIds: [] },
    { key: 'audit', label: SLOT_LABEL.audit, role: 'auditor', departmentId: null, userIds: [] },
    ...(legal.length ? [{ key: 'legal' as const, label: SLOT_LABEL.legal, role: null, departmentId: null, userIds: legal }] : []),
  ];
  const reviewers = members.filter((m) => required.some((s) => mayFill(s, m))).map((m) => m.id);
  const id = newId('r');
  const thread = await createThread(host, book, user, { title, subject, kind: 'review', users: reviewers, departmentId: object.departmentId, refId: id });
  const me = await book.caller(user);
  const review: Review = {
    id, title, subject, subjectKey: key, departmentId: object.departmentId, threadId: thread.id, required, signoffs: [], status: 'open', outcome: null,
    openedBy: user.id, openedByName: me.displayName, openedAt: nowIso(), closedAt: null, evidence: { ...object.facts, 对象: object.label },
  };
  await host.storage.put('reviews', id, review);
  await postMessage(host, book, user, thread, {
    text: `发起联审：${describeObject(object)}。需会签：${required.map((s) => s.label).join('、')}。${body.note ? `说明：${clip(String(body.note), 300)}` : ''}`, system: true,
  });
  await tell(host, { title: `请参加联审：${clip(title, 60)}`, body: `${me.displayName}发起联审，需${required.map((s) => s.label).join('、')}会签。`, link: '/plugins/collab/reviews' }, reviewers.filter((u) => u !== user.id), 'direct');
  return review;
}

function mayFill(slot: SignSlot, m: Member): boolean {
  if (slot.userIds.length) return slot.userIds.includes(m.id);
  if (!slot.role || !m.roles.includes(slot.role)) return false;
  return slot.departmentId === null || m.departmentId === slot.departmentId;
}

/** The slots the member could still sign. */
export function openSlotsFor(review: Review, m: Member): SignSlot[] {
  if (review.status !== 'open') return [];
  return review.required.filter((s) => !review.signoffs.some((o) => o.key === s.key) && mayFill(s, m));
}

export async function signReview(host: Host, book: MemberBook, user: Caller, reviewId: string, body: Record<string, unknown>): Promise<Review> {
  const decision = body.decision;
  if (decision !== 'approve' && decision !== 'object') throw refuse(422, 'INVALID_FIELD', { zh: '意见应为同意（approve）或异议（object）', en: 'decision: approve or object' }, { field: 'decision' });
  const reason = text(body.reason, 'reason', 2, 500, { zh: '理由', en: 'The reason' });
  const doc = await host.storage.get<Review>('reviews', reviewId);
  const me = await book.caller(user);
  const thread = doc ? (await host.storage.get<Thread>('threads', doc.data.threadId))?.data ?? null : null;
  if (!doc || !thread || !canSee(thread, me)) throw refuse(404, 'REVIEW_NOT_FOUND', { zh: '联审不存在或无权查看', en: 'No such joint review' });
  const review = doc.data;
  if (review.status !== 'open') throw refuse(409, 'REVIEW_CLOSED', { zh: '联审已结束', en: 'The joint review is closed' });
  const slots = openSlotsFor(review, me);
  const wanted = typeof body.slot === 'string' ? slots.find((s) => s.key === body.slot) : slots[0];
  if (!wanted) {
    const signed = review.signoffs.some((o) => o.userId === user.id);
    throw signed
      ? refuse(409, 'ALREADY_SIGNED', { zh: '您已会签', en: 'You have already signed' })
      : refuse(403, 'NOT_A_REVIEWER', { zh: `您不是本次联审的会签人（需${review.required.map((s) => s.label).join('、')}）`, en: 'You are not a reviewer of this joint review' });
  }
  const signoff: SignOff = { key: wanted.key, userId: user.id, name: me.displayName, decision, reason, at: nowIso() };
  const signoffs = [...review.signoffs, signoff];
  const complete = review.required.every((s) => signoffs.some((o) => o.key === s.key));
  const next: Review = {
    ...review, signoffs,
    ...(complete ? { status: 'closed' as const, outcome: signoffs.every((o) => o.decision === 'approve') ? 'approved' as const : 'objected' as const, closedAt: nowIso() } : {}),
  };
  await host.storage.put('reviews', review.id, next);
  await postMessage(host, book, user, thread, { text: `${wanted.label}会签：${decision === 'approve' ? '同意' : '异议'}。理由：${reason}`, system: true });
  if (complete) {
    const verdict = next.outcome === 'approved' ? '联审通过' : '联审有异议';
    await postMessage(host, book, user, thread, { text: `${verdict}：${next.signoffs.map((o) => `${SLOT_LABEL[o.key]}${o.name}${o.decision === 'approve' ? '同意' : '异议'}`).join('；')}。`, system: true });
    await tell(host, { title: `${verdict}：${clip(review.title, 60)}`, link: THREAD_LINK(thread.id) }, [review.openedBy, ...thread.participants].filter((u) => u !== user.id), 'direct');
  }
  return next;
}

/**
 * `payment.validate`: at the pay stage (document.stage 'pay', with paymentId), a payment with an
 * open joint review, or whose latest review closed with an objection, is not paid. Submission and
 * other stages pass: the review is about a payment that exists.
 */
/** The payment's number as the review's evidence kept it (ZF2026-0001), else its id. */
const docNoOf = (r: Review, id: unknown) => (typeof r.evidence['单号'] === 'string' ? r.evidence['单号'] : `#${String(id)}`);

export async function validatePayment(input: ValidationInput, host: Host): Promise<ValidationResult> {
  const doc = input.document as { stage?: unknown; paymentId?: unknown };
  if (doc.stage !== 'pay' || !Number.isSafeInteger(doc.paymentId)) return ok();
  const reviews = (await host.storage.query<Review>('reviews', { subjectKey: `payment:${doc.paymentId}` }, { limit: 20 })).map((d) => d.data);
  const open = reviews.find((r) => r.status === 'open');
  if (open) {
    const missing = open.required.filter((s) => !open.signoffs.some((o) => o.key === s.key)).map((s) => s.label);
    return block(`支付申请 ${docNoOf(open, doc.paymentId)} 正在多部门联审（${clip(open.title, 40)}），尚待${missing.join('、')}会签，联审结束前不能支付`);
  }
  const latest = reviews.filter((r) => r.closedAt).sort((a, b) => (a.closedAt! < b.closedAt! ? 1 : -1))[0];
  if (latest?.outcome === 'objected') return block(`支付申请 ${docNoOf(latest, doc.paymentId)} 的联审有异议（${clip(latest.title, 40)}），不能支付；请退回或重新发起联审`);
  return ok();
}

export async function visibleReviews(host: Host, me: Member): Promise<Review[]> {
  const reviews = (await host.storage.query<Review>('reviews', {}, { limit: 500 })).map((d) => d.data);
  const threads = new Map((await host.storage.query<Thread>('threads', { kind: 'review' }, { limit: 500 })).map((d) => [d.id, d.data]));
  return reviews.filter((r) => { const t = threads.get(r.threadId); return t !== undefined && canSee(t, me); })
    .sort((a, b) => (a.status === b.status ? (a.openedAt < b.openedAt ? 1 : -1) : a.status === 'open' ? -1 : 1));
}

export { SLOT_LABEL };
