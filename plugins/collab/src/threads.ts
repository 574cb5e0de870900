import { refuse } from '@unibudget/sdk';
import type { StoredDoc } from '@unibudget/sdk';
import { assertCanSee, canSee, canSeeObject, isUnitWide, KIND_ZH, parseSubject, referenceView, resolveObject, subjectKey, type MemberBook } from './access.js';
import { ensurePrefs, prefsOf, tell, THREAD_LINK } from './notify.js';
import type { Attachment, Caller, Edit, Host, Member, Message, ReadMark, Reference, Subject, Thread, ThreadKind } from './types.js';
import { clip, idList, newId, nowIso, optionalText, randomChars, roleList, ROLE_NAMES, ROLE_ZH, text } from './util.js';

/**
 * Threads and their messages. A message document is written once and never again, so the storage
 * order of a thread's messages is the order they were stored; an edit or a soft delete is kept in
 * an `edits` document of its own (with the history), merged in when messages are read.
 *
 * Realtime: the thread's channel is random and told only to those who may read the thread; what is
 * published on it is a hint (thread id, message id, who is typing), never the content, which the
 * browser fetches through the permission-checked `GET threads/:threadId/messages?after=`.
 */

/** A message stored this long before the one a client resumes after is sent again (the client keeps each id once). */
export const RESUME_OVERLAP_MS = 3000;
/** A participant is told of news in a thread at most once in this time (mentions always). */
export const NEWS_QUIET_MS = 10 * 60_000;
const PAGE = 200;

export async function getThread(host: Host, id: string): Promise<Thread | null> {
  return (await host.storage.get<Thread>('threads', id))?.data ?? null;
}

export async function visibleThread(host: Host, book: MemberBook, user: Caller, id: string): Promise<{ thread: Thread; me: Member }> {
  const me = await book.caller(user);
  const thread = await getThread(host, id);
  assertCanSee(thread, me);
  return { thread, me };
}

export async function publish(host: Host, thread: Thread, hint: Record<string, unknown>): Promise<void> {
  await host.realtime.publish(thread.channel, { threadId: thread.id, ...hint });
}

/** Creates a thread (no message yet). The caller must be able to see the object it is about. */
export async function createThread(host: Host, book: MemberBook, user: Caller, input: {
  title: string; subject: Subject | null; kind?: ThreadKind; private?: boolean; users?: number[]; roles?: string[]; departmentId?: number | null; refId?: string | null;
}): Promise<Thread> {
  const me = await book.caller(user);
  let departmentId: number | null = input.departmentId ?? null;
  let subjectNo: string | null = null;
  if (input.subject) {
    const object = await resolveObject(host, input.subject);
    if (!object.exists) throw refuse(404, 'SUBJECT_NOT_FOUND', { zh: `${object.label}不存在`, en: 'The object does not exist' }, { field: 'subject' });
    if (!canSeeObject(me, object.departmentId)) throw refuse(403, 'SUBJECT_FORBIDDEN', { zh: '无权查看该对象，不能就其发起讨论', en: 'You may not see this object' }, { field: 'subject' });
    departmentId = object.departmentId ?? departmentId;
    subjectNo = object.no ?? null;
  }
  const invited = await membersOnly(book, input.users ?? []);
  const thread: Thread = {
    id: newId('t'), kind: input.kind ?? 'discussion', title: input.title, subject: input.subject, subjectKey: subjectKey(input.subject), subjectNo, departmentId,
    open: !input.subject && !input.private && (input.kind ?? 'discussion') === 'discussion',
    createdBy: user.id, createdByName: me.displayName, createdAt: nowIso(), participants: [...new Set([user.id, ...invited])], invitedRoles: input.roles ?? [],
    channel: `t-${randomChars(20)}`, lastMessageId: null, lastMessageAt: null, lastPreview: '', messageCount: 0, refId: input.refId ?? null,
  };
  await host.storage.put('threads', thread.id, thread);
  return thread;
}

async function membersOnly(book: MemberBook, ids: number[]): Promise<number[]> {
  const all = await book.list();
  const unknown = ids.filter((id) => !all.some((m) => m.id === id));
  if (unknown.length) throw refuse(422, 'NOT_A_MEMBER', { zh: `用户 ${unknown.join('、')} 不是本单位人员`, en: `Not people of this unit: ${unknown.join(', ')}` }, { field: 'users' });
  return ids;
}

/** `@name` of a member or `@role` (财务人员 or finance_officer) in a message's text. */
export function parseMentions(body: string, members: Member[]): { users: number[]; roles: string[] } {
  const users = new Set<number>();
  const roles = new Set<string>();
  const byLength = [...members].sort((a, b) => b.displayName.length - a.displayName.length);
  const roleNames = [...ROLE_NAMES.map((r) => [r, r] as const), ...Object.entries(ROLE_ZH).map(([r, zh]) => [zh, r] as const)].sort((a, b) => b[0].length - a[0].length);
  for (let i = body.indexOf('@'); i >= 0; i = body.indexOf('@', i + 1)) {
    const rest = body.slice(i + 1);
    const member = byLength.find((m) => m.displayName && rest.startsWith(m.displayName));
    if (member) { users.add(member.id); continue; }
    const role = roleNames.find(([name]) => rest.startsWith(name));
    if (role) roles.add(role[1]);
  }
  return { users: [...users], roles: [...roles] };
}

const REF_PATTERN = /\[\[(payment|transfer|project|budget-request):(\d{1,9})\]\]/g;

export function parseRefs(body: string, extra: unknown): Reference[] {
  const refs: Reference[] = [];
  for (const m of body.matchAll(REF_PATTERN)) refs.push({ kind: m[1] as Reference['kind'], id: Number(m[2]) });
  if (Array.isArray(extra)) {
    for (const r of extra) {
      const s = parseSubject(r);
      if (s && s.kind !== 'warning') refs.push({ kind: s.kind, id: Number(s.id) });
    }
  }
  const seen = new Set<string>();
  return refs.filter((r) => { const k = `${r.kind}:${r.id}`; if (seen.has(k)) return false; seen.add(k); return true; }).slice(0, 10);
}

export function parseAttachments(value: unknown): Attachment[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 10) throw refuse(422, 'INVALID_FIELD', { zh: '附件至多 10 个', en: 'At most 10 attachments' }, { field: 'attachments' });
  return value.map((a) => {
    const v = (a ?? {}) as Record<string, unknown>;
    const name = typeof v.name === 'string' ? v.name.trim() : '';
    const size = Number(v.size);
    const mediaType = typeof v.mediaType === 'string' ? v.mediaType : 'application/octet-stream';
    if (!name || name.length > 120 || !Number.isSafeInteger(size) || size < 0 || size > 1024 ** 3 || mediaType.length > 100) {
      throw refuse(422, 'INVALID_FIELD', { zh: '附件应有名称（≤120 字）、大小（字节）和类型', en: 'An attachment has a name (≤120), a size in bytes and a media type' }, { field: 'attachments' });
    }
    return { name, size, mediaType };
  });
}

/**
 * Posts a message: stored once, the thread's summary updated, a hint published on the thread's
 * channel, the people concerned told by their preference. Mentioned people become participants
 * (an invitation); a mentioned role reaches those of its holders who may read the thread.
 */
export async function postMessage(host: Host, book: MemberBook, user: Caller, thread: Thread, input: { text: string; refs?: unknown; attachments?: unknown; mentions?: unknown; system?: boolean }): Promise<Message> {
  const members = await book.list();
  const me = await book.caller(user);
  const parsed = parseMentions(input.text, members);
  const explicit = (input.mentions ?? {}) as { users?: unknown; roles?: unknown };
  const mentionedUsers = [...new Set([...parsed.users, ...(await membersOnly(book, idList(explicit.users, 'mentions.users')))])].filter((u) => u !== user.id);
  const mentionedRoles = [...new Set([...parsed.roles, ...roleList(explicit.roles, 'mentions.roles')])];
  const message: Message = {
    id: newId('m'), threadId: thread.id, authorId: user.id, authorName: me.displayName, text: input.text,
    mentions: { users: mentionedUsers, roles: mentionedRoles }, refs: parseRefs(input.text, input.refs), attachments: parseAttachments(input.attachments),
    createdAt: nowIso(), system: input.system ?? false,
  };
  await host.storage.put('messages', message.id, message);
  // The thread as the caller's request read it a moment ago: a message posted in the same instant by
  // someone else may be missing from the count (never from the thread: each message is its own document).
  const current = thread;
  const participants = [...new Set([...current.participants, user.id, ...mentionedUsers])];
  const draft: Thread = { ...current, participants };
  // Who hears of it: the mentioned (always, by their preference), holders of a mentioned role who may
  // read it, and the other participants — news at most once per NEWS_QUIET_MS per thread and person,
  // so a lively thread does not flood the bell (nor spend the unit's hourly notice quota).
  const roleHolders = mentionedRoles.length ? members.filter((m) => m.roles.some((r) => mentionedRoles.includes(r)) && canSee(draft, m)).map((m) => m.id) : [];
  const mentioned = [...new Set([...mentionedUsers, ...roleHolders])].filter((u) => u !== user.id);
  const at = message.createdAt;
  const noticed = { ...(current.noticed ?? {}) };
  const news = participants.filter((u) => u !== user.id && !mentioned.includes(u) && !(noticed[u] && Date.parse(at) - Date.parse(noticed[u]!) < NEWS_QUIET_MS));
  for (const u of [...mentioned, ...news]) noticed[u] = at;
  const next: Thread = {
    ...draft, noticed,
    lastMessageId: message.id > (current.lastMessageId ?? '') ? message.id : current.lastMessageId, lastMessageAt: message.createdAt,
    lastPreview: clip(`${me.displayName}：${input.text}`, 80), messageCount: current.messageCount + 1,
  };
  await host.storage.put('threads', next.id, next);
  // A second message of the same request (a review's sign-off and its verdict) builds on this one.
  Object.assign(thread, next);
  await publish(host, next, { type: 'message', messageId: message.id });
  const prefs = mentioned.length || news.length ? await prefsOf(host) : new Map();
  const link = THREAD_LINK(next.id);
  if (mentioned.length) await tell(host, { title: `${me.displayName} 在「${clip(next.title, 40)}」中提到了你`, body: clip(input.text, 500), link }, mentioned, 'mention', prefs);
  if (news.length) await tell(host, { title: `「${clip(next.title, 40)}」有新消息`, body: clip(`${me.displayName}：${input.text}`, 500), link }, news, 'news', prefs);
  return message;
}

/** Edits or soft-deletes one's own message; the earlier text stays in the history. */
export async function changeMessage(host: Host, user: Caller, thread: Thread, messageId: string, change: { text: string } | { delete: true }, editWindowMinutes: number): Promise<Edit> {
  const doc = await host.storage.get<Message>('messages', messageId);
  if (!doc || doc.data.threadId !== thread.id) throw refuse(404, 'MESSAGE_NOT_FOUND', { zh: '消息不存在', en: 'No such message' });
  const message = doc.data;
  if (message.authorId !== user.id || message.system) throw refuse(403, 'NOT_YOUR_MESSAGE', { zh: '只能修改或删除自己的消息', en: 'Only your own messages can be changed' });
  const previous = (await host.storage.get<Edit>('edits', messageId))?.data;
  if (previous?.deleted) throw refuse(409, 'MESSAGE_DELETED', { zh: '消息已删除', en: 'The message was deleted' });
  const isEdit = 'text' in change;
  if (isEdit && Date.now() - Date.parse(message.createdAt) > editWindowMinutes * 60_000) {
    throw refuse(409, 'EDIT_WINDOW_CLOSED', { zh: `消息发出 ${editWindowMinutes} 分钟后不能再修改`, en: `Messages can be edited for ${editWindowMinutes} minutes` });
  }
  const at = nowIso();
  const before = previous?.text ?? message.text;
  const edit: Edit = {
    messageId, threadId: thread.id, text: isEdit ? change.text : before, deleted: !isEdit, editedAt: at,
    history: [...(previous?.history ?? []), { text: before, at, by: user.id, action: isEdit ? 'edit' : 'delete' }],
  };
  await host.storage.put('edits', messageId, edit);
  await publish(host, thread, { type: 'edit', messageId });
  return edit;
}

/** Every stored edit of a thread (the latest state of each edited message). */
async function editsOf(host: Host, threadId: string): Promise<Map<string, Edit>> {
  const out = new Map<string, Edit>();
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    const res: { items: Array<StoredDoc<Edit>>; next: string | null } = await host.storage.query<Edit>('edits', { threadId }, { limit: 500, after });
    for (const d of res.items) out.set(d.data.messageId, d.data);
    if (!res.next) break;
    after = res.next;
  }
  return out;
}

export interface MessageView {
  id: string; author: string; authorId: number; at: string; createdAt: string; text: string; edited: boolean; deleted: boolean; system: boolean;
  mentionsMe: boolean; refs: Array<{ label: string; href: string; status?: string; amount?: number }>; attachments: Array<{ name: string; size: number }>;
}

/**
 * A thread's messages, oldest first: the latest `limit`, or — with `after` — every message stored
 * after it (and those stored up to RESUME_OVERLAP_MS before it, which a writer racing the reader
 * may have stored late; the client keeps each id once, so nothing is lost and nothing shown twice).
 */
export async function readMessages(host: Host, me: Member, thread: Thread, options: { after?: string; limit?: number; refs?: boolean }): Promise<MessageView[]> {
  const limit = Math.min(Math.max(1, options.limit ?? PAGE), 500);
  let docs: Array<StoredDoc<Message>> = [];
  if (options.after) {
    const anchor = await host.storage.get<Message>('messages', options.after);
    if (!anchor || anchor.data.threadId !== thread.id) throw refuse(404, 'MESSAGE_NOT_FOUND', { zh: '消息不存在', en: 'No such message' }, { field: 'after' });
    const floor = Date.parse(anchor.updatedAt) - RESUME_OVERLAP_MS;
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res: { items: Array<StoredDoc<Message>>; next: string | null } = await host.storage.query<Message>('messages', { threadId: thread.id }, { limit: 500, after: cursor });
      let done = false;
      for (const d of res.items) {
        if (Date.parse(d.updatedAt) < floor) { done = true; break; }
        if (d.id !== anchor.id) docs.push(d);
      }
      if (done || !res.next) break;
      cursor = res.next;
    }
  } else {
    const res = await host.storage.query<Message>('messages', { threadId: thread.id }, { limit, after: null });
    docs = res.items;
  }
  docs.sort((a, b) => (a.updatedAt === b.updatedAt ? (a.id < b.id ? -1 : 1) : a.updatedAt < b.updatedAt ? -1 : 1));
  const edits = await editsOf(host, thread.id);
  const refCache = new Map<string, ReturnType<typeof referenceView>>();
  const out: MessageView[] = [];
  for (const d of docs) {
    const m = d.data;
    const e = edits.get(m.id);
    const refs = [];
    if (!e?.deleted && options.refs !== false) {
      for (const r of m.refs) {
        const key = `${r.kind}:${r.id}`;
        if (!refCache.has(key)) refCache.set(key, referenceView(await resolveObject(host, r), me));
        refs.push(refCache.get(key)!);
      }
    }
    out.push({
      id: m.id, author: m.authorName, authorId: m.authorId, at: localTimeOf(m.createdAt), createdAt: m.createdAt,
      text: e?.deleted ? '（消息已删除）' : e?.text ?? m.text, edited: !!e && !e.deleted, deleted: !!e?.deleted, system: m.system,
      mentionsMe: m.mentions.users.includes(me.id) || m.mentions.roles.some((r) => me.roles.includes(r)),
      refs, attachments: e?.deleted ? [] : m.attachments.map((a) => ({ name: a.name, size: a.size })),
    });
  }
  return out;
}

function localTimeOf(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(5, 16).replace('T', ' ');
}

/** Read receipts of a thread: who has read up to which message. */
export async function readersOf(host: Host, threadId: string): Promise<ReadMark[]> {
  return (await host.storage.query<ReadMark>('reads', { threadId }, { limit: 200 })).map((d) => d.data);
}

export async function markRead(host: Host, book: MemberBook, user: Caller, thread: Thread, messageId: string | null): Promise<ReadMark> {
  const me = await book.caller(user);
  const id = `${thread.id}.u${user.id}`;
  const previous = (await host.storage.get<ReadMark>('reads', id))?.data;
  const upTo = messageId ?? thread.lastMessageId ?? '';
  // Read marks only move forward: a late request from an old tab does not unread newer messages.
  if (previous && previous.lastReadId >= upTo) return previous;
  const mark: ReadMark = { threadId: thread.id, userId: user.id, name: me.displayName, lastReadId: upTo, readCount: upTo >= (thread.lastMessageId ?? '') ? thread.messageCount : Math.max(previous?.readCount ?? 0, thread.messageCount - 1), at: nowIso() };
  await host.storage.put('reads', id, mark);
  await publish(host, thread, { type: 'read', userId: user.id, lastReadId: upTo });
  return mark;
}

/** Every thread the member may read (newest activity first), with their unread count. */
export async function visibleThreads(host: Host, me: Member, filter: { subjectKey?: string; kind?: ThreadKind } = {}): Promise<Array<Thread & { unread: number }>> {
  const where: Record<string, string> = {};
  if (filter.subjectKey) where.subjectKey = filter.subjectKey;
  if (filter.kind) where.kind = filter.kind;
  const threads: Thread[] = [];
  let after: string | null = null;
  for (let page = 0; page < 4; page++) {
    const res: { items: Array<StoredDoc<Thread>>; next: string | null } = await host.storage.query<Thread>('threads', where, { limit: 500, after });
    threads.push(...res.items.map((d) => d.data).filter((t) => canSee(t, me)));
    if (!res.next) break;
    after = res.next;
  }
  const marks = new Map((await host.storage.query<ReadMark>('reads', { userId: me.id }, { limit: 500 })).map((d) => [d.data.threadId, d.data]));
  return threads.map((t) => ({ ...t, unread: Math.max(0, t.messageCount - (marks.get(t.id)?.readCount ?? 0)) }));
}

export function threadSummary(t: Thread & { unread?: number }) {
  return {
    id: t.id, kind: t.kind, title: t.title, subject: t.subject, departmentId: t.departmentId, createdBy: t.createdByName, createdAt: t.createdAt,
    lastMessageAt: t.lastMessageAt, lastPreview: t.lastPreview, messageCount: t.messageCount, ...(t.unread !== undefined ? { unread: t.unread } : {}),
  };
}

export function subjectLabel(subject: Subject | null, no?: string | null): string {
  return subject ? `${KIND_ZH[subject.kind]} ${subject.kind === 'warning' ? subject.id : no ?? `#${subject.id}`}` : '（自由话题）';
}

/** The thread a ledger object's panel posts into: its first plain discussion, opened on the first message. */
export async function subjectThread(host: Host, book: MemberBook, user: Caller, subject: Subject): Promise<Thread> {
  const me = await book.caller(user);
  const existing = (await host.storage.query<Thread>('threads', { subjectKey: subjectKey(subject), kind: 'discussion' }, { limit: 50 }))
    .map((d) => d.data).filter((t) => canSee(t, me));
  const oldest = existing.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))[0];
  if (oldest) return oldest;
  const object = await resolveObject(host, subject);
  return createThread(host, book, user, { title: `关于${object.label}`, subject });
}

export function threadInput(body: Record<string, unknown>) {
  return {
    title: text(body.title, 'title', 1, 100, { zh: '标题', en: 'The title' }),
    subject: parseSubject(body.subject),
    private: body.private === true,
    users: idList(body.users, 'users'),
    roles: roleList(body.roles, 'roles'),
    text: optionalText(body.text, 'text', 2000, { zh: '消息', en: 'The message' }),
  };
}

export { ensurePrefs, isUnitWide };
