import { refuse } from '@unibudget/sdk';
import { canSee, type MemberBook } from './access.js';
import { tell, THREAD_LINK } from './notify.js';
import { createThread, postMessage } from './threads.js';
import type { Caller, Consultation, Host, Member, Thread } from './types.js';
import { clip, idList, newId, nowIso, roleList, text, today } from './util.js';

/**
 * 会商: a warning (the analytics plugin's, or any) is talked through before it becomes a finding —
 * "事中协商" instead of "事后纠偏". Opening one invites the responsible people of the department (its
 * head and finance officer, from the unit's member list) and whoever the opener names; the agreed
 * action and its deadline are recorded in the thread; a daily job reminds before and after the deadline.
 */

/** The people responsible for a department: its head and its finance officer(s). */
export async function responsiblePeople(host: Host, departmentId: number | null): Promise<Member[]> {
  if (departmentId === null) return [];
  const members = await host.members.list({ departmentId }).catch(() => [] as Member[]);
  return members.filter((m) => m.departmentId === departmentId && (m.roles.includes('department_head') || m.roles.includes('finance_officer')));
}

export async function openConsultation(host: Host, book: MemberBook, user: Caller, body: Record<string, unknown>): Promise<Consultation> {
  const warningId = String(body.warningId ?? '').trim();
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(warningId)) throw refuse(422, 'INVALID_FIELD', { zh: '请填写预警编号', en: 'warningId: the warning to consult on' }, { field: 'warningId' });
  const title = text(body.title, 'title', 2, 100, { zh: '会商事项', en: 'The title' });
  let departmentId: number | null = null;
  if (body.departmentId !== undefined && body.departmentId !== null && body.departmentId !== '') {
    departmentId = Number(body.departmentId);
    const departments = await host.ledger.departments();
    if (!departments.some((d) => d.id === departmentId)) throw refuse(422, 'INVALID_FIELD', { zh: '科室不存在', en: 'No such department' }, { field: 'departmentId' });
  }
  const existing = (await host.storage.query<Consultation>('consultations', { warningId }, { limit: 20 })).map((d) => d.data).find((c) => c.status !== 'done');
  if (existing) throw refuse(409, 'CONSULTATION_OPEN', { zh: '该预警已有进行中的会商', en: 'A consultation on this warning is already open' }, { consultationId: existing.id });
  const responsible = (await responsiblePeople(host, departmentId)).map((m) => m.id);
  const users = [...new Set([...idList(body.users, 'users'), ...responsible])].filter((u) => u !== user.id);
  const roles = roleList(body.roles, 'roles');
  const id = newId('c');
  const thread = await createThread(host, book, user, { title, subject: { kind: 'warning', id: warningId }, kind: 'consultation', users, roles, departmentId, refId: id });
  const me = await book.caller(user);
  const consultation: Consultation = {
    id, title, warningId, departmentId, threadId: thread.id, invitedUsers: users, invitedRoles: roles, status: 'open', agreedAction: null, deadline: null,
    agreedBy: null, agreedAt: null, remindedOn: null, doneAt: null, openedBy: user.id, openedByName: me.displayName, openedAt: nowIso(),
  };
  await host.storage.put('consultations', id, consultation);
  await postMessage(host, book, user, thread, { text: `发起会商：${title}（预警 ${warningId}）。${body.note ? clip(String(body.note), 500) : '请各方就处置措施和期限协商。'}`, system: true });
  const members = await book.list();
  const roleHolders = members.filter((m) => m.roles.some((r) => roles.includes(r))).map((m) => m.id);
  await tell(host, { title: `会商邀请：${clip(title, 60)}`, body: `${me.displayName}邀请您就预警 ${warningId} 会商。`, link: THREAD_LINK(thread.id) }, [...users, ...roleHolders].filter((u) => u !== user.id), 'direct');
  return consultation;
}

async function visibleConsultation(host: Host, book: MemberBook, user: Caller, id: string): Promise<{ c: Consultation; thread: Thread }> {
  const doc = await host.storage.get<Consultation>('consultations', id);
  const thread = doc ? (await host.storage.get<Thread>('threads', doc.data.threadId))?.data : undefined;
  if (!doc || !thread || !canSee(thread, await book.caller(user))) throw refuse(404, 'CONSULTATION_NOT_FOUND', { zh: '会商不存在或无权查看', en: 'No such consultation' });
  return { c: doc.data, thread };
}

export async function agreeConsultation(host: Host, book: MemberBook, user: Caller, id: string, body: Record<string, unknown>): Promise<Consultation> {
  const { c, thread } = await visibleConsultation(host, book, user, id);
  if (c.status === 'done') throw refuse(409, 'CONSULTATION_DONE', { zh: '会商事项已办结', en: 'The consultation is done' });
  const action = text(body.action, 'action', 2, 1000, { zh: '议定措施', en: 'The agreed action' });
  const deadline = String(body.deadline ?? '');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(deadline) || Number.isNaN(Date.parse(deadline)) || deadline < today()) {
    throw refuse(422, 'INVALID_FIELD', { zh: '期限应为今天或以后的日期（YYYY-MM-DD）', en: 'deadline: a date from today on (YYYY-MM-DD)' }, { field: 'deadline' });
  }
  const next: Consultation = { ...c, status: 'agreed', agreedAction: action, deadline, agreedBy: user.id, agreedAt: nowIso(), remindedOn: null };
  await host.storage.put('consultations', c.id, next);
  await postMessage(host, book, user, thread, { text: `议定措施：${action}；期限：${deadline}。`, system: true });
  return next;
}

export async function finishConsultation(host: Host, book: MemberBook, user: Caller, id: string, note: string): Promise<Consultation> {
  const { c, thread } = await visibleConsultation(host, book, user, id);
  if (c.status !== 'agreed') throw refuse(409, 'NOT_AGREED', { zh: '尚未议定措施，不能办结', en: 'No action was agreed yet' });
  const next: Consultation = { ...c, status: 'done', doneAt: nowIso() };
  await host.storage.put('consultations', c.id, next);
  await postMessage(host, book, user, thread, { text: `会商事项已办结。${note ? `说明：${note}` : ''}`, system: true });
  return next;
}

/** Daily: reminds the people of every agreed consultation whose deadline is near or past, once a day. */
export async function remindDeadlines(host: Host): Promise<number> {
  const days = Number(host.settings.reminderDays ?? 1);
  const day = today();
  const horizon = new Date(Date.parse(day) + days * 86_400_000).toISOString().slice(0, 10);
  let sent = 0;
  for (const d of await host.storage.query<Consultation>('consultations', { status: 'agreed' }, { limit: 500 })) {
    const c = d.data;
    if (!c.deadline || c.deadline > horizon || c.remindedOn === day) continue;
    const thread = (await host.storage.get<Thread>('threads', c.threadId))?.data;
    const people = [...new Set([c.openedBy, ...c.invitedUsers, ...(thread?.participants ?? [])])];
    const overdue = c.deadline < day;
    await tell(host, {
      title: `${overdue ? '会商事项已逾期' : '会商事项即将到期'}：${clip(c.title, 50)}`,
      body: `议定措施：${c.agreedAction ?? ''}；期限：${c.deadline}。`, link: THREAD_LINK(c.threadId),
    }, people, 'direct');
    await host.storage.put('consultations', c.id, { ...c, remindedOn: day });
    sent += 1;
  }
  return sent;
}

export async function visibleConsultations(host: Host, me: Member): Promise<Consultation[]> {
  const list = (await host.storage.query<Consultation>('consultations', {}, { limit: 500 })).map((d) => d.data);
  const threads = new Map((await host.storage.query<Thread>('threads', { kind: 'consultation' }, { limit: 500 })).map((d) => [d.id, d.data]));
  const order = { open: 0, agreed: 1, done: 2 } as const;
  return list.filter((c) => { const t = threads.get(c.threadId); return t !== undefined && canSee(t, me); })
    .sort((a, b) => order[a.status] - order[b.status] || (a.openedAt < b.openedAt ? 1 : -1));
}
