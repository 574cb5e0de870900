import { refuse } from '@unibudget/sdk';
import type { ViewBlock, ViewSpec } from '@unibudget/sdk';
import { canSee, canSeeObject, describeObject, isUnitWide, KIND_ZH, memberBook, parseSubject, resolveObject, subjectKey, type MemberBook } from './access.js';
import { openSlotsFor, SLOT_LABEL, visibleReviews } from './reviews.js';
import { responsiblePeople, visibleConsultations } from './consultations.js';
import { myPrefs } from './notify.js';
import { readersOf, readMessages, subjectLabel, visibleThreads, type MessageView } from './threads.js';
import type { Consultation, Context, Edit, Host, Member, Message, Review, Subject, Thread } from './types.js';
import { clip, localTime, yuan } from './util.js';

/** View words in the reader's language (user content stays as written). */
const tr = (ctx: Context, zh: string, en: string) => (ctx.lang === 'en' ? en : zh);
/** User text inside markdown: no character of it may open a link or emphasis. */
const md = (s: string) => s.replace(/\s+/g, ' ').replace(/[[\]()*`]/g, (c) => ({ '[': '［', ']': '］', '(': '（', ')': '）', '*': '＊', '`': '｀' })[c] ?? c);
const threadHref = (id: string) => `/plugins/collab/thread?threadId=${id}`;

function chatBlock(ctx: Context, thread: Thread, messages: MessageView[], canPost: boolean, me: Member): ViewBlock {
  return {
    type: 'chat',
    title: thread.title,
    messages: messages.map((m) => ({
      id: m.id, author: m.author, at: m.at, text: m.text, edited: m.edited, deleted: m.deleted, mentionsMe: m.mentionsMe, system: m.system,
      refs: m.refs, attachments: m.attachments,
    })),
    ...(canPost ? { post: `threads/${thread.id}/messages` } : {}),
    live: {
      channel: `collab:${thread.channel}`, fetch: `threads/${thread.id}/messages`,
      ...(canPost ? { typing: `threads/${thread.id}/typing` } : {}), read: `threads/${thread.id}/read`, me: me.displayName,
    },
  } as ViewBlock;
}

/** Roles that may post (the manifest's roles of POST threads/:threadId/messages). */
const POSTERS = ['unit_admin', 'finance_officer', 'business_staff', 'department_head', 'leader', 'auditor'];
const mayPost = (m: Member) => m.roles.some((r) => POSTERS.includes(r));

async function subjectHeader(host: Host, me: Member, subject: Subject | null): Promise<string> {
  if (!subject) return '';
  const object = await resolveObject(host, subject);
  if (!canSeeObject(me, object.departmentId)) return `关联：${KIND_ZH[subject.kind]}（无权查看）`;
  return `关联：[${md(describeObject(object))}](${object.href})`;
}

/** One thread: the chat with live updates, who has read how far, and what it is about. */
export async function threadView(ctx: Context, host: Host): Promise<ViewSpec> {
  const book = memberBook(host);
  const me = await book.caller(ctx.user);
  const id = ctx.query.threadId ?? '';
  // Opened from the navigation (no thread named): the inbox, from which threads are opened.
  if (!id) return inboxView(ctx, host);
  const thread = /^[a-z0-9]{1,40}$/.test(id) ? (await host.storage.get<Thread>('threads', id))?.data ?? null : null;
  if (!thread || !canSee(thread, me)) throw refuse(404, 'THREAD_NOT_FOUND', { zh: '讨论不存在或无权查看', en: 'No such discussion, or you may not read it' });
  const messages = await readMessages(host, me, thread, { limit: 200 });
  const readers = await readersOf(host, thread.id);
  const header = await subjectHeader(host, me, thread.subject);
  const blocks: ViewBlock[] = [];
  if (header) blocks.push({ type: 'markdown', text: header });
  blocks.push(chatBlock(ctx, thread, messages, mayPost(me), me));
  if (readers.length) {
    blocks.push({
      type: 'table', title: tr(ctx, '已读回执', 'Read receipts'),
      columns: [{ key: 'name', label: tr(ctx, '人员', 'Person') }, { key: 'upTo', label: tr(ctx, '读到', 'Read up to') }, { key: 'at', label: tr(ctx, '时间', 'When') }],
      rows: readers.map((r) => ({ name: r.name, upTo: r.lastReadId === thread.lastMessageId ? tr(ctx, '全部已读', 'all') : r.lastReadId, at: localTime(r.at) })),
    });
  }
  return { title: thread.title, blocks };
}

/** The panel beside a ledger object (payment, transfer, project, budget request): its discussion and reviews. */
export async function subjectPanel(ctx: Context, host: Host): Promise<ViewSpec> {
  // The host passes the checked object (placements); opened by hand, the query names it (validated here).
  const s = ctx.subject ?? (ctx.query.subjectKind || ctx.query.subjectId ? parseSubject({ kind: ctx.query.subjectKind, id: ctx.query.subjectId }) ?? undefined : undefined);
  if (!s || s.kind === 'warning') return { blocks: [{ type: 'markdown', text: tr(ctx, '在支付、调剂、项目或预算申报的详情中显示讨论。', 'Shown inside a payment, transfer, project or budget request.') }] };
  const subject: Subject = { kind: s.kind, id: s.id };
  const book = memberBook(host);
  const me = await book.caller(ctx.user);
  const object = await resolveObject(host, subject);
  if (!canSeeObject(me, object.departmentId)) return { blocks: [{ type: 'markdown', text: tr(ctx, '无权查看该对象的讨论。', 'You may not read the discussion of this object.') }] };
  const threads = await visibleThreads(host, me, { subjectKey: subjectKey(subject) });
  const blocks: ViewBlock[] = [];
  const reviews = (await host.storage.query<Review>('reviews', { subjectKey: subjectKey(subject) }, { limit: 20 })).map((d) => d.data);
  const open = reviews.find((r) => r.status === 'open');
  if (open) {
    blocks.push({ type: 'stat', label: tr(ctx, '多部门联审', 'Joint review'), value: `${tr(ctx, '进行中', 'open')} ${open.signoffs.length}/${open.required.length}`, format: 'text', tone: 'warn' });
  } else if (reviews.length) {
    const last = reviews.sort((a, b) => ((a.closedAt ?? '') < (b.closedAt ?? '') ? 1 : -1))[0]!;
    blocks.push({ type: 'stat', label: tr(ctx, '联审结论', 'Joint review'), value: last.outcome === 'approved' ? tr(ctx, '通过', 'approved') : tr(ctx, '有异议', 'objected'), format: 'text', tone: last.outcome === 'approved' ? 'good' : 'bad' });
  }
  const main = threads.filter((t) => t.kind === 'discussion').sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))[0];
  if (main) {
    blocks.push(chatBlock(ctx, main, await readMessages(host, me, main, { limit: 100 }), mayPost(me), me));
  } else if (mayPost(me)) {
    // No discussion yet: the first message opens it (POST subjects/:kind/:id/messages).
    blocks.push({ type: 'chat', title: tr(ctx, '讨论', 'Discussion'), messages: [], post: `subjects/${subject.kind}/${subject.id}/messages` });
  }
  const others = threads.filter((t) => t !== main);
  if (others.length) {
    blocks.push({ type: 'markdown', text: others.map((t) => `- [${md(t.title)}](${threadHref(t.id)})${t.unread ? `（${t.unread} ${tr(ctx, '条未读', 'unread')}）` : ''}`).join('\n') });
  }
  if ((subject.kind === 'payment' || subject.kind === 'project') && !open && me.roles.some((r) => ['finance_officer', 'leader', 'unit_admin'].includes(r))) {
    blocks.push({
      type: 'form', title: tr(ctx, '发起多部门联审', 'Open a joint review'), submit: 'reviews', submitLabel: tr(ctx, '发起联审', 'Open review'),
      fields: [
        { key: 'subjectKind', label: tr(ctx, '对象', 'Object'), input: 'select', required: true, options: [{ value: subject.kind, label: object.label }], value: subject.kind },
        { key: 'subjectId', label: tr(ctx, '编号', 'Id'), input: 'number', required: true, value: Number(subject.id) },
        { key: 'note', label: tr(ctx, '说明', 'Note'), input: 'textarea' },
      ],
    });
  }
  return { blocks };
}

/** 讨论收件箱: the threads the reader may read, unread first, and full-text search (?q=). */
export async function inboxView(ctx: Context, host: Host): Promise<ViewSpec> {
  const book = memberBook(host);
  const me = await book.caller(ctx.user);
  const threads = await visibleThreads(host, me);
  const prefs = await myPrefs(host, me.id);
  const unread = threads.reduce((s, t) => s + t.unread, 0);
  const blocks: ViewBlock[] = [
    { type: 'stat', label: tr(ctx, '未读消息', 'Unread messages'), value: unread, tone: unread ? 'warn' : 'normal' },
    { type: 'stat', label: tr(ctx, '可见讨论', 'Discussions'), value: threads.length },
    { type: 'stat', label: tr(ctx, '通知方式', 'Notifications'), value: prefLabel(ctx, prefs.notify), format: 'text' },
  ];
  // storage.search takes 1–100 characters: a longer query is searched by its first 100.
  const q = Array.from((ctx.query.q ?? '').trim()).slice(0, 100).join('');
  // A GET search box (host API 1.1.0): it sets ?q= and the inbox is asked again; the address keeps it.
  blocks.push({ type: 'search', title: tr(ctx, '搜索讨论', 'Search discussions'), submitLabel: tr(ctx, '搜索', 'Search'), fields: [
    { key: 'q', label: tr(ctx, '关键词（标题或消息，中文无需空格）', 'Words (titles or messages)'), input: 'text', value: q || null, placeholder: tr(ctx, '如：食堂维修', 'e.g. canteen repair') },
  ] });
  if (q) blocks.push(await searchBlock(ctx, host, book, me, q));
  const sorted = [...threads].sort((a, b) => (b.unread > 0 ? 1 : 0) - (a.unread > 0 ? 1 : 0) || ((a.lastMessageAt ?? a.createdAt) < (b.lastMessageAt ?? b.createdAt) ? 1 : -1));
  blocks.push({
    type: 'markdown',
    text: sorted.length
      ? sorted.slice(0, 100).map((t) => `- ${t.unread ? '**●** ' : ''}[${md(t.title)}](${threadHref(t.id)}) · ${md(subjectLabel(t.subject, t.subjectNo))}${t.unread ? ` · **${t.unread} ${tr(ctx, '条未读', 'unread')}**` : ''}${t.lastPreview ? ` — ${md(t.lastPreview)}` : ''}`).join('\n')
      : tr(ctx, '还没有讨论。在支付、项目等详情中可以发起讨论，也可在下方发起自由话题。', 'No discussions yet.'),
  });
  blocks.push({
    type: 'form', title: tr(ctx, '发起话题', 'New topic'), submit: 'threads', submitLabel: tr(ctx, '发起', 'Start'),
    fields: [
      { key: 'title', label: tr(ctx, '标题', 'Title'), input: 'text', required: true },
      { key: 'text', label: tr(ctx, '内容（@姓名 提醒同事，[[payment:12]] 引用支付申请）', 'Message (@name mentions, [[payment:12]] quotes a payment)'), input: 'textarea' },
      { key: 'private', label: tr(ctx, '仅邀请的人可见', 'Only the invited may read'), input: 'checkbox' },
    ],
  });
  blocks.push({
    type: 'form', title: tr(ctx, '通知偏好', 'Notification preference'), submit: 'prefs', submitLabel: tr(ctx, '保存', 'Save'),
    fields: [{ key: 'notify', label: tr(ctx, '通知我', 'Notify me of'), input: 'select', required: true, value: prefs.notify, options: [
      { value: 'all', label: tr(ctx, '参与讨论的全部新消息', 'every new message of my discussions') },
      { value: 'mentions', label: tr(ctx, '仅 @我 时', 'mentions only') },
      { value: 'none', label: tr(ctx, '不通知', 'nothing') },
    ] }],
  });
  return { title: tr(ctx, '讨论收件箱', 'Discussions'), blocks };
}

const prefLabel = (ctx: Context, p: string) => (p === 'mentions' ? tr(ctx, '仅@我', 'mentions') : p === 'none' ? tr(ctx, '不通知', 'none') : tr(ctx, '全部', 'all'));

/** Search hits the reader may read (threads by title, messages by their current text). */
export async function searchHits(host: Host, book: MemberBook, me: Member, q: string, limit = 30) {
  const threads = new Map<string, Thread | null>();
  const threadOf = async (id: string) => {
    if (!threads.has(id)) threads.set(id, (await host.storage.get<Thread>('threads', id))?.data ?? null);
    return threads.get(id) ?? null;
  };
  const hits: Array<{ threadId: string; title: string; messageId: string | null; text: string; at: string }> = [];
  for (const d of await host.storage.search<Thread>('threads', q, { limit: 50 })) {
    if (canSee(d.data, me)) { threads.set(d.id, d.data); hits.push({ threadId: d.id, title: d.data.title, messageId: null, text: d.data.title, at: d.updatedAt }); }
  }
  const edits = await host.storage.search<Edit>('edits', q, { limit: 100 });
  const edited = new Set<string>();
  for (const d of edits) {
    edited.add(d.id);
    const t = await threadOf(d.data.threadId);
    if (t && !d.data.deleted && canSee(t, me)) hits.push({ threadId: t.id, title: t.title, messageId: d.id, text: d.data.text, at: d.updatedAt });
  }
  for (const d of await host.storage.search<Message>('messages', q, { limit: 100 })) {
    const t = await threadOf(d.data.threadId);
    if (!t || !canSee(t, me)) continue;
    // An edited or deleted message is found by its current text only.
    if (edited.has(d.id) || (await host.storage.get('edits', d.id))) continue;
    hits.push({ threadId: t.id, title: t.title, messageId: d.id, text: d.data.text, at: d.updatedAt });
  }
  void book;
  return hits.sort((a, b) => (a.at < b.at ? 1 : -1)).slice(0, limit);
}

async function searchBlock(ctx: Context, host: Host, book: MemberBook, me: Member, q: string): Promise<ViewBlock> {
  const hits = await searchHits(host, book, me, q);
  return {
    type: 'markdown',
    text: `**${tr(ctx, '搜索', 'Search')}「${md(clip(q, 40))}」**：${hits.length ? '' : tr(ctx, '没有找到', 'nothing found')}\n\n${hits.map((h) => `- [${md(h.title)}](${threadHref(h.threadId)})：${md(clip(h.text, 80))}`).join('\n')}`,
  };
}

/** 联审工作台: reviews the reader may see; the rows they can still sign carry approve/object. */
export async function reviewsView(ctx: Context, host: Host): Promise<ViewSpec> {
  const book = memberBook(host);
  const me = await book.caller(ctx.user);
  const reviews = await visibleReviews(host, me);
  const objects = new Map<string, string>();
  for (const r of reviews.filter((x) => x.status === 'open')) {
    const o = await resolveObject(host, r.subject);
    objects.set(r.id, canSeeObject(me, o.departmentId) ? describeObject(o) : KIND_ZH[r.subject.kind]);
  }
  const blocks: ViewBlock[] = [
    { type: 'stat', label: tr(ctx, '进行中的联审', 'Open reviews'), value: reviews.filter((r) => r.status === 'open').length, tone: 'warn' },
    { type: 'stat', label: tr(ctx, '待我会签', 'Awaiting my sign-off'), value: reviews.filter((r) => openSlotsFor(r, me).length > 0).length },
    {
      type: 'table', title: tr(ctx, '联审事项', 'Joint reviews'),
      columns: [
        { key: 'title', label: tr(ctx, '事项', 'Review') }, { key: 'object', label: tr(ctx, '对象（实时）', 'Object (live)') },
        { key: 'amount', label: tr(ctx, '金额', 'Amount'), format: 'fen' }, { key: 'status', label: tr(ctx, '状态', 'Status') },
        { key: 'signed', label: tr(ctx, '会签', 'Sign-offs') }, { key: 'opened', label: tr(ctx, '发起', 'Opened') },
      ],
      rows: reviews.map((r) => {
        const mine = openSlotsFor(r, me);
        const amount = Number(r.evidence['金额_分'] ?? r.evidence['总额_分'] ?? NaN);
        return {
          _id: r.id, _actions: mine.length ? 'approve,object' : '',
          title: r.title, object: objects.get(r.id) ?? String(r.evidence['对象'] ?? ''), amount: Number.isSafeInteger(amount) ? amount : null,
          status: r.status === 'open' ? tr(ctx, '进行中', 'open') : r.outcome === 'approved' ? tr(ctx, '通过', 'approved') : tr(ctx, '有异议', 'objected'),
          signed: r.required.map((s) => { const o = r.signoffs.find((x) => x.key === s.key); return `${s.label}${o ? (o.decision === 'approve' ? '✓' : '✗') : '…'}`; }).join(' '),
          opened: `${r.openedByName} ${localTime(r.openedAt)}`,
        };
      }),
      actions: [
        { id: 'approve', label: tr(ctx, '同意', 'Approve'), route: 'reviews/approve', confirm: tr(ctx, '确认同意？请写明理由。', 'Approve? Give your reason.'), reason: 'required' },
        { id: 'object', label: tr(ctx, '异议', 'Object'), route: 'reviews/object', confirm: tr(ctx, '确认提出异议？请写明理由。', 'Object? Give your reason.'), reason: 'required', tone: 'danger' },
      ],
    } as ViewBlock,
  ];
  const record = reviews.slice(0, 20).map((r) => [
    `### ${md(r.title)}`,
    `[${tr(ctx, '讨论与记录', 'Discussion and record')}](${threadHref(r.threadId)}) · ${tr(ctx, '发起', 'opened')} ${md(r.openedByName)} ${localTime(r.openedAt)}${r.closedAt ? ` · ${tr(ctx, '结束', 'closed')} ${localTime(r.closedAt)}` : ''}`,
    `${tr(ctx, '证据（发起时）', 'Evidence (at opening)')}：${Object.entries(r.evidence).filter(([, v]) => v !== null && v !== '').map(([k, v]) => `${md(k.replace(/_分$/, ''))} ${typeof v === 'number' && /_分$/.test(k) ? `${yuan(v)} 元` : md(String(v))}`).join('；')}`,
    ...r.signoffs.map((o) => `- ${SLOT_LABEL[o.key]} ${md(o.name)}：**${o.decision === 'approve' ? tr(ctx, '同意', 'approve') : tr(ctx, '异议', 'object')}** — ${md(o.reason)}（${localTime(o.at)}）`),
  ].join('\n'));
  if (record.length) blocks.push({ type: 'markdown', text: record.join('\n\n') });
  if (me.roles.some((r) => ['finance_officer', 'leader', 'unit_admin'].includes(r))) {
    blocks.push({
      type: 'form', title: tr(ctx, '发起多部门联审', 'Open a joint review'), submit: 'reviews', submitLabel: tr(ctx, '发起联审', 'Open review'),
      fields: [
        { key: 'subjectKind', label: tr(ctx, '对象类型', 'Kind'), input: 'select', required: true, options: [{ value: 'payment', label: tr(ctx, '支付申请', 'Payment') }, { value: 'project', label: tr(ctx, '项目', 'Project') }] },
        { key: 'subjectId', label: tr(ctx, '编号', 'Id'), input: 'number', required: true },
        { key: 'title', label: tr(ctx, '事项（可空）', 'Title (optional)'), input: 'text' },
        { key: 'note', label: tr(ctx, '说明', 'Note'), input: 'textarea' },
      ],
    });
  }
  return { title: tr(ctx, '联审工作台', 'Joint review workbench'), blocks };
}

/** 会商: consultations on warnings, the agreed actions and deadlines. */
export async function consultationsView(ctx: Context, host: Host): Promise<ViewSpec> {
  const book = memberBook(host);
  const me = await book.caller(ctx.user);
  const list = await visibleConsultations(host, me);
  const day = new Date().toISOString().slice(0, 10);
  const departments = await host.ledger.departments();
  const mayAgree = me.roles.some((r) => ['finance_officer', 'department_head', 'leader'].includes(r));
  const blocks: ViewBlock[] = [
    { type: 'stat', label: tr(ctx, '协商中', 'Under discussion'), value: list.filter((c) => c.status === 'open').length },
    { type: 'stat', label: tr(ctx, '已议定待办结', 'Agreed, not done'), value: list.filter((c) => c.status === 'agreed').length },
    { type: 'stat', label: tr(ctx, '已逾期', 'Overdue'), value: list.filter((c) => c.status === 'agreed' && c.deadline !== null && c.deadline < day).length, tone: 'bad' },
    {
      type: 'table', title: tr(ctx, '会商事项', 'Consultations'),
      columns: [
        { key: 'title', label: tr(ctx, '事项', 'Subject') }, { key: 'warning', label: tr(ctx, '预警', 'Warning') }, { key: 'department', label: tr(ctx, '科室', 'Department') },
        { key: 'status', label: tr(ctx, '状态', 'Status') }, { key: 'action', label: tr(ctx, '议定措施', 'Agreed action') }, { key: 'deadline', label: tr(ctx, '期限', 'Deadline'), format: 'date' },
      ],
      rows: list.map((c) => ({
        _id: c.id, _actions: c.status === 'agreed' && mayAgree ? 'done' : '',
        title: c.title, warning: c.warningId, department: departments.find((d) => d.id === c.departmentId)?.name ?? '',
        status: c.status === 'open' ? tr(ctx, '协商中', 'open') : c.status === 'agreed' ? (c.deadline && c.deadline < day ? tr(ctx, '已逾期', 'overdue') : tr(ctx, '已议定', 'agreed')) : tr(ctx, '已办结', 'done'),
        action: c.agreedAction ?? '', deadline: c.deadline,
      })),
      actions: [{ id: 'done', label: tr(ctx, '办结', 'Done'), route: 'consultations/done', confirm: tr(ctx, '议定措施已落实，确认办结？', 'The agreed action is done?'), reason: 'optional' }],
    } as ViewBlock,
  ];
  if (list.length) blocks.push({ type: 'markdown', text: list.slice(0, 50).map((c) => `- [${md(c.title)}](${threadHref(c.threadId)}) · [${tr(ctx, '预警中心', 'warning centre')}](/plugins/analytics/warnings)`).join('\n') });
  if (mayAgree && list.some((c) => c.status !== 'done')) {
    blocks.push({
      type: 'form', title: tr(ctx, '记录议定措施', 'Record the agreed action'), submit: 'consultations/agree', submitLabel: tr(ctx, '记录', 'Record'),
      fields: [
        { key: 'consultationId', label: tr(ctx, '会商事项', 'Consultation'), input: 'select', required: true, options: list.filter((c) => c.status !== 'done').slice(0, 200).map((c) => ({ value: c.id, label: clip(c.title, 60) })) },
        { key: 'action', label: tr(ctx, '议定措施', 'Agreed action'), input: 'textarea', required: true },
        { key: 'deadline', label: tr(ctx, '期限', 'Deadline'), input: 'date', required: true },
      ],
    });
  }
  const form = await consultForm(ctx, host, book, me, list, departments);
  // Opened from a warning (the analytics warning centre's 发起会商): the prefilled form comes first.
  if (form) blocks.splice(ctx.query.warningId ? 3 : blocks.length, 0, form);
  return { title: tr(ctx, '会商', 'Consultations'), blocks };
}

/** Roles that may open a consultation (the manifest's roles of POST consultations). */
const CONSULT_OPENERS = ['finance_officer', 'department_head', 'leader', 'unit_admin'];

/**
 * The form that opens a consultation, prefilled from the query a warning's link carries (`warningId`,
 * `title`, `departmentId`): the department's responsible people (host.members) already invited. A
 * warning with a consultation under way links to it instead; a reader who may not open one is told so.
 */
async function consultForm(ctx: Context, host: Host, book: MemberBook, me: Member, list: Consultation[], departments: Array<{ id: number; code: string; name: string }>): Promise<ViewBlock | null> {
  const warningId = /^[A-Za-z0-9_.:-]{1,100}$/.test(ctx.query.warningId ?? '') ? ctx.query.warningId! : '';
  const under = warningId ? list.find((c) => c.warningId === warningId && c.status !== 'done') : undefined;
  if (under) return { type: 'markdown', text: `${tr(ctx, '该预警已在会商：', 'This warning is already under consultation: ')}[${md(under.title)}](${threadHref(under.threadId)})` };
  if (!me.roles.some((r) => CONSULT_OPENERS.includes(r))) {
    return warningId ? { type: 'markdown', text: tr(ctx, '发起会商需要财务、科室负责人、单位领导或单位管理员角色；你可以查看已有的会商。', 'Opening a consultation takes the finance, department head, leader or unit admin role; you may read the existing ones.') } : null;
  }
  const wanted = Number(ctx.query.departmentId);
  const department = departments.find((d) => d.id === wanted) ?? null;
  const responsible = department ? (await responsiblePeople(host, department.id)).filter((m) => m.id !== me.id) : [];
  const people = (await book.list()).filter((m) => m.id !== me.id).slice(0, 200);
  return {
    type: 'form', title: tr(ctx, '就预警发起会商', 'Consult on a warning'), submit: 'consultations', submitLabel: tr(ctx, '发起会商', 'Open'),
    fields: [
      { key: 'warningId', label: tr(ctx, '预警编号', 'Warning id'), input: 'text', required: true, value: warningId || null },
      { key: 'title', label: tr(ctx, '会商事项', 'Subject'), input: 'text', required: true, maxLength: 100, value: ctx.query.title ? clip(ctx.query.title.trim(), 100) : null },
      { key: 'departmentId', label: tr(ctx, '责任科室（邀请其负责人）', 'Responsible department (its head is invited)'), input: 'select', value: department ? String(department.id) : null, options: departments.map((d) => ({ value: String(d.id), label: `${d.code} ${d.name}` })) },
      ...(people.length ? [{
        key: 'users', label: tr(ctx, '邀请的人（已选责任科室负责人）', 'People invited (the department\'s responsible people are selected)'), input: 'multiselect' as const,
        value: responsible.map((m) => String(m.id)), options: people.map((m) => ({ value: String(m.id), label: clip(`${m.displayName}${m.departmentName ? `（${m.departmentName}）` : ''}`, 200) })),
      }] : []),
      { key: 'note', label: tr(ctx, '说明', 'Note'), input: 'textarea' },
    ],
  };
}

/** 每日摘要: the last day's activity for the reader, mentions, pending sign-offs and near deadlines. */
export async function digestView(ctx: Context, host: Host): Promise<ViewSpec> {
  return { title: tr(ctx, '每日摘要', 'Daily digest'), blocks: [{ type: 'markdown', text: await digestText(ctx, host) }] };
}

export async function digestData(host: Host, me: Member) {
  const since = new Date(Date.now() - 86_400_000).toISOString();
  const threads = (await visibleThreads(host, me)).filter((t) => (t.lastMessageAt ?? '') >= since);
  const mentions: Array<{ thread: Thread; message: MessageView }> = [];
  for (const t of threads.filter((x) => x.participants.includes(me.id) || isUnitWide(me.roles)).slice(0, 20)) {
    for (const m of await readMessages(host, me, t, { limit: 50, refs: false })) if (m.mentionsMe && m.createdAt >= since) mentions.push({ thread: t, message: m });
  }
  const pending = (await visibleReviews(host, me)).filter((r) => openSlotsFor(r, me).length > 0);
  const horizon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const due = (await visibleConsultations(host, me)).filter((c) => c.status === 'agreed' && c.deadline !== null && c.deadline <= horizon);
  return { threads, mentions, pending, due };
}

async function digestText(ctx: Context, host: Host): Promise<string> {
  const me = await memberBook(host).caller(ctx.user);
  const d = await digestData(host, me);
  const lines = [`**${tr(ctx, '近 24 小时', 'Last 24 hours')}**：${d.threads.length} ${tr(ctx, '个讨论有新消息', 'discussions with news')}，${d.mentions.length} ${tr(ctx, '次提到你', 'mentions of you')}，${d.pending.length} ${tr(ctx, '项联审待你会签', 'reviews await you')}，${d.due.length} ${tr(ctx, '项会商即将到期', 'consultations due')}。`];
  if (d.mentions.length) lines.push(`### ${tr(ctx, '提到你的', 'Mentions')}`, ...d.mentions.map((m) => `- [${md(m.thread.title)}](${threadHref(m.thread.id)}) ${md(m.message.author)}：${md(clip(m.message.text, 80))}`));
  if (d.pending.length) lines.push(`### ${tr(ctx, '待会签的联审', 'Reviews awaiting you')}`, ...d.pending.map((r) => `- [${md(r.title)}](/plugins/collab/reviews)`));
  if (d.due.length) lines.push(`### ${tr(ctx, '到期的会商事项', 'Consultations due')}`, ...d.due.map((c) => `- [${md(c.title)}](${threadHref(c.threadId)})：${md(c.agreedAction ?? '')}（${c.deadline}）`));
  if (d.threads.length) lines.push(`### ${tr(ctx, '有新消息的讨论', 'Discussions with news')}`, ...d.threads.map((t) => `- [${md(t.title)}](${threadHref(t.id)})${t.unread ? `（${t.unread} ${tr(ctx, '条未读', 'unread')}）` : ''}`));
  return lines.join('\n');
}
