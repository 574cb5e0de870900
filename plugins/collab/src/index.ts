import { definePlugin, refuse } from '@unibudget/sdk';
import type { HostApi, RouteRequest, ViewContext } from '@unibudget/sdk';
import { assertCanSee, canSeeObject, memberBook, parseSubject, resolveObject } from './access.js';
import { agreeConsultation, finishConsultation, openConsultation, remindDeadlines, visibleConsultations } from './consultations.js';
import { ensurePrefs, myPrefs } from './notify.js';
import { openReview, openSlotsFor, signReview, validatePayment, visibleReviews } from './reviews.js';
import {
  changeMessage, createThread, getThread, markRead, postMessage, publish, readersOf, readMessages, subjectThread, threadInput, threadSummary, visibleThread, visibleThreads,
} from './threads.js';
import type { Context, Host, Request, Review, Subject, Thread } from './types.js';
import { bodyOf, clip, param, text } from './util.js';
import { consultationsView, digestData, digestView, inboxView, reviewsView, searchHits, subjectPanel, threadView } from './views.js';

/**
 * 协同会商 (collab): discussion threads beside the money, the joint review workbench and
 * consultations on warnings. Everything it keeps is in its own storage; it reads the ledger and the
 * unit's people through the host, and speaks to browsers only through hints on random channels.
 */
type Route = (request: Request, host: Host) => Promise<unknown>;
const route = (fn: Route) => (request: RouteRequest, host: HostApi) => fn(request as Request, host as Host);
const viewOf = (fn: (ctx: Context, host: Host) => Promise<unknown>) => (ctx: ViewContext, host: HostApi) => fn(ctx as Context, host as Host) as never;

const messageText = (body: Record<string, unknown>) => text(body.text, 'text', 1, 2000, { zh: '消息', en: 'The message' });

const threadMessages: Route = async (request, host) => {
  const book = memberBook(host);
  const { thread, me } = await visibleThread(host, book, request.user, param(request, 'threadId', 1));
  const after = request.query.after;
  if (after !== undefined && !/^m[a-z0-9]{1,40}$/.test(after)) throw refuse(400, 'INVALID_AFTER', { zh: 'after 应为消息编号', en: 'after: a message id' }, { field: 'after' });
  const limit = request.query.limit ? Number(request.query.limit) : undefined;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1 || limit > 500)) throw refuse(400, 'INVALID_LIMIT', { zh: 'limit 为 1–500', en: 'limit: 1–500' }, { field: 'limit' });
  const messages = await readMessages(host, me, thread, { ...(after ? { after } : {}), ...(limit ? { limit } : {}) });
  return { threadId: thread.id, messages, lastMessageId: thread.lastMessageId };
};

const sign = (decision: 'approve' | 'object'): Route => async (request, host) => {
  const body = bodyOf(request);
  const id = String(body.id ?? '');
  if (!/^r[a-z0-9]{1,40}$/.test(id)) throw refuse(422, 'INVALID_FIELD', { zh: '请选择联审事项', en: 'id: a joint review' }, { field: 'id' });
  const review = await signReview(host, memberBook(host), request.user, id, { decision, reason: body.reason });
  return { review, message: review.status === 'closed' ? `联审已结束：${review.outcome === 'approved' ? '通过' : '有异议'}` : `已会签（${review.signoffs.length}/${review.required.length}）` };
};

export default definePlugin({
  validators: {
    'payment.validate': (input, host) => validatePayment(input, host as Host),
  },
  routes: {
    'GET threads': route(async (request, host) => {
      const me = await memberBook(host).caller(request.user);
      const q = request.query;
      let key: string | undefined;
      if (q.subjectKind || q.subjectId) {
        const subject = parseSubject({ kind: q.subjectKind, id: q.subjectId });
        key = `${subject!.kind}:${subject!.id}`;
      }
      const kind = q.kind === 'discussion' || q.kind === 'review' || q.kind === 'consultation' ? q.kind : undefined;
      const threads = await visibleThreads(host, me, { ...(key ? { subjectKey: key } : {}), ...(kind ? { kind } : {}) });
      return { threads: threads.map(threadSummary), unread: threads.reduce((s, t) => s + t.unread, 0) };
    }),
    'POST threads': route(async (request, host) => {
      const book = memberBook(host);
      const input = threadInput(bodyOf(request));
      const thread = await createThread(host, book, request.user, input);
      if (input.text) await postMessage(host, book, request.user, thread, { text: input.text, refs: (request.body as Record<string, unknown>).refs, attachments: (request.body as Record<string, unknown>).attachments });
      return { thread: threadSummary((await getThread(host, thread.id)) ?? thread), message: '已发起讨论' };
    }),
    'GET threads/:threadId': route(async (request, host) => {
      const book = memberBook(host);
      const { thread } = await visibleThread(host, book, request.user, param(request, 'threadId', 1));
      const members = await book.list();
      const object = thread.subject ? await resolveObject(host, thread.subject) : null;
      const me = await book.caller(request.user);
      return {
        thread: threadSummary(thread), channel: `collab:${thread.channel}`,
        subject: object && canSeeObject(me, object.departmentId) ? { label: object.label, href: object.href, status: object.status, amount: object.amount } : null,
        participants: thread.participants.map((id) => ({ id, name: members.find((m) => m.id === id)?.displayName ?? `#${id}` })),
        invitedRoles: thread.invitedRoles,
        readers: await readersOf(host, thread.id),
      };
    }),
    'GET threads/:threadId/messages': route(threadMessages),
    'POST threads/:threadId/messages': route(async (request, host) => {
      const book = memberBook(host);
      const body = bodyOf(request);
      const { thread } = await visibleThread(host, book, request.user, param(request, 'threadId', 1));
      const message = await postMessage(host, book, request.user, thread, { text: messageText(body), refs: body.refs, attachments: body.attachments, mentions: body.mentions });
      return { message: { id: message.id, threadId: thread.id, createdAt: message.createdAt, mentions: message.mentions, refs: message.refs } };
    }),
    'POST threads/:threadId/messages/:messageId/edit': route(async (request, host) => {
      const book = memberBook(host);
      const body = bodyOf(request);
      const { thread } = await visibleThread(host, book, request.user, param(request, 'threadId', 1));
      const edit = await changeMessage(host, request.user, thread, param(request, 'messageId', 3), { text: messageText(body) }, Number(host.settings.editWindowMinutes ?? 15));
      return { edit, message: '已修改' };
    }),
    'POST threads/:threadId/messages/:messageId/delete': route(async (request, host) => {
      const book = memberBook(host);
      const { thread } = await visibleThread(host, book, request.user, param(request, 'threadId', 1));
      const edit = await changeMessage(host, request.user, thread, param(request, 'messageId', 3), { delete: true }, Number(host.settings.editWindowMinutes ?? 15));
      return { edit, message: '已删除' };
    }),
    'POST threads/:threadId/read': route(async (request, host) => {
      const book = memberBook(host);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const { thread } = await visibleThread(host, book, request.user, param(request, 'threadId', 1));
      const messageId = body.messageId === undefined || body.messageId === null ? null : String(body.messageId);
      if (messageId !== null && !/^m[a-z0-9]{1,40}$/.test(messageId)) throw refuse(422, 'INVALID_FIELD', { zh: 'messageId 应为消息编号', en: 'messageId: a message id' }, { field: 'messageId' });
      return { read: await markRead(host, book, request.user, thread, messageId) };
    }),
    'POST threads/:threadId/typing': route(async (request, host) => {
      const book = memberBook(host);
      const { thread, me } = await visibleThread(host, book, request.user, param(request, 'threadId', 1));
      await publish(host, thread, { type: 'typing', userId: me.id, name: me.displayName });
      return { ok: true };
    }),
    'POST threads/:threadId/invite': route(async (request, host) => {
      const book = memberBook(host);
      const body = bodyOf(request);
      const { thread, me } = await visibleThread(host, book, request.user, param(request, 'threadId', 1));
      const extra = threadInput({ ...body, title: thread.title });
      const members = await book.list();
      const unknown = extra.users.filter((u) => !members.some((m) => m.id === u));
      if (unknown.length) throw refuse(422, 'NOT_A_MEMBER', { zh: `用户 ${unknown.join('、')} 不是本单位人员`, en: 'Not people of this unit' }, { field: 'users' });
      const current = (await getThread(host, thread.id)) ?? thread;
      const next: Thread = { ...current, participants: [...new Set([...current.participants, ...extra.users])], invitedRoles: [...new Set([...current.invitedRoles, ...extra.roles])] };
      await host.storage.put('threads', next.id, next);
      const names = extra.users.map((u) => members.find((m) => m.id === u)?.displayName ?? `#${u}`);
      if (names.length || extra.roles.length) await postMessage(host, book, request.user, next, { text: `${me.displayName} 邀请 ${[...names.map((n) => `@${n}`), ...extra.roles].join('、')} 参加讨论`, system: true, mentions: { users: extra.users } });
      return { thread: threadSummary(next), message: '已邀请' };
    }),
    'POST subjects/:subjectKind/:subjectId/messages': route(async (request, host) => {
      const book = memberBook(host);
      const body = bodyOf(request);
      const subject = parseSubject({ kind: param(request, 'subjectKind', 1), id: param(request, 'subjectId', 2) }) as Subject;
      if (subject.kind === 'warning') throw refuse(422, 'INVALID_SUBJECT', { zh: '预警的讨论请通过会商发起', en: 'Discuss a warning through a consultation' });
      const thread = await subjectThread(host, book, request.user, subject);
      const me = await book.caller(request.user);
      assertCanSee(thread, me);
      const message = await postMessage(host, book, request.user, thread, { text: messageText(body), refs: body.refs, attachments: body.attachments, mentions: body.mentions });
      return { threadId: thread.id, message: { id: message.id } };
    }),
    'GET search': route(async (request, host) => {
      const q = (request.query.q ?? '').trim();
      if (q.length < 1 || q.length > 100) throw refuse(400, 'INVALID_QUERY', { zh: '搜索词为 1–100 个字符', en: 'q: 1–100 characters' }, { field: 'q' });
      const book = memberBook(host);
      const me = await book.caller(request.user);
      return { q, hits: await searchHits(host, book, me, q, 50) };
    }),
    'GET prefs': route(async (request, host) => {
      const prefs = await myPrefs(host, request.user.id);
      return { notify: prefs.notify };
    }),
    'POST prefs': route(async (request, host) => {
      const body = bodyOf(request);
      if (body.notify !== 'all' && body.notify !== 'mentions' && body.notify !== 'none') throw refuse(422, 'INVALID_FIELD', { zh: '通知方式为 all、mentions 或 none', en: 'notify: all, mentions or none' }, { field: 'notify' });
      const prefs = await ensurePrefs(host, request.user.id, body.notify);
      return { notify: prefs.notify, message: '已保存' };
    }),
    'GET digest': route(async (request, host) => {
      const me = await memberBook(host).caller(request.user);
      const d = await digestData(host, me);
      return {
        threads: d.threads.map(threadSummary), mentions: d.mentions.map((m) => ({ threadId: m.thread.id, title: m.thread.title, messageId: m.message.id, author: m.message.author, text: clip(m.message.text, 200) })),
        pendingReviews: d.pending.map((r) => ({ id: r.id, title: r.title })), dueConsultations: d.due.map((c) => ({ id: c.id, title: c.title, deadline: c.deadline })),
      };
    }),
    'GET members': route(async (_request, host) => {
      const members = await memberBook(host).list();
      return { members: members.map((m) => ({ id: m.id, displayName: m.displayName, roles: m.roles, departmentId: m.departmentId, departmentName: m.departmentName })) };
    }),
    'GET reviews': route(async (request, host) => {
      const me = await memberBook(host).caller(request.user);
      const reviews = await visibleReviews(host, me);
      return { reviews: reviews.map((r) => ({ ...r, mySlots: openSlotsFor(r, me).map((s) => s.key) })) };
    }),
    'POST reviews': route(async (request, host) => {
      const body = bodyOf(request);
      // The workbench's form sends the object flat; the API takes `subject`.
      const subject = body.subject ?? (body.subjectKind ? { kind: body.subjectKind, id: body.subjectId } : undefined);
      const review = await openReview(host, memberBook(host), request.user, { ...body, subject });
      return { review, message: `已发起联审：${review.title}` };
    }),
    'GET reviews/:reviewId': route(async (request, host) => {
      const book = memberBook(host);
      const me = await book.caller(request.user);
      const doc = await host.storage.get<Review>('reviews', param(request, 'reviewId', 1));
      const thread = doc ? await getThread(host, doc.data.threadId) : null;
      if (!doc) throw refuse(404, 'REVIEW_NOT_FOUND', { zh: '联审不存在或无权查看', en: 'No such joint review' });
      assertCanSee(thread, me);
      const object = await resolveObject(host, doc.data.subject);
      return { review: doc.data, mySlots: openSlotsFor(doc.data, me).map((s) => s.key), live: canSeeObject(me, object.departmentId) ? { label: object.label, status: object.status, amount: object.amount, href: object.href } : null };
    }),
    'POST reviews/:reviewId/sign': route(async (request, host) => {
      const review = await signReview(host, memberBook(host), request.user, param(request, 'reviewId', 1), bodyOf(request));
      return { review, message: review.status === 'closed' ? `联审已结束：${review.outcome === 'approved' ? '通过' : '有异议'}` : '已会签' };
    }),
    'POST reviews/approve': route(sign('approve')),
    'POST reviews/object': route(sign('object')),
    'GET consultations': route(async (request, host) => {
      const me = await memberBook(host).caller(request.user);
      return { consultations: await visibleConsultations(host, me) };
    }),
    'POST consultations': route(async (request, host) => {
      const c = await openConsultation(host, memberBook(host), request.user, bodyOf(request));
      return { consultation: c, message: `已发起会商：${c.title}` };
    }),
    'POST consultations/:consultationId/agree': route(async (request, host) => {
      const c = await agreeConsultation(host, memberBook(host), request.user, param(request, 'consultationId', 1), bodyOf(request));
      return { consultation: c, message: '已记录议定措施' };
    }),
    'POST consultations/agree': route(async (request, host) => {
      const body = bodyOf(request);
      const id = String(body.consultationId ?? '');
      if (!/^c[a-z0-9]{1,40}$/.test(id)) throw refuse(422, 'INVALID_FIELD', { zh: '请选择会商事项', en: 'consultationId: a consultation' }, { field: 'consultationId' });
      const c = await agreeConsultation(host, memberBook(host), request.user, id, body);
      return { consultation: c, message: '已记录议定措施' };
    }),
    'POST consultations/done': route(async (request, host) => {
      const body = bodyOf(request);
      const id = String(body.id ?? '');
      if (!/^c[a-z0-9]{1,40}$/.test(id)) throw refuse(422, 'INVALID_FIELD', { zh: '请选择会商事项', en: 'id: a consultation' }, { field: 'id' });
      const c = await finishConsultation(host, memberBook(host), request.user, id, typeof body.reason === 'string' ? clip(body.reason.trim(), 500) : '');
      return { consultation: c, message: '已办结' };
    }),
  },
  views: {
    inbox: viewOf(inboxView),
    thread: viewOf(threadView),
    reviews: viewOf(reviewsView),
    consultations: viewOf(consultationsView),
    digest: viewOf(digestView),
    'payment-threads': viewOf(subjectPanel),
    'transfer-threads': viewOf(subjectPanel),
    'project-threads': viewOf(subjectPanel),
    'request-threads': viewOf(subjectPanel),
  },
  schedule: {
    'deadline-reminders': async (host) => ({ reminded: await remindDeadlines(host as Host) }),
  },
});
