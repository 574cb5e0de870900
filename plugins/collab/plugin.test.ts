import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPluginHarness, HarnessError, type PluginHarness } from '@unibudget/sdk/testing';

/**
 * The collaboration plugin end to end in the real sandbox, through the routes the web app calls:
 * who may read which thread, mentions and notification preferences, live delivery over the host's
 * SSE channel with resume after a reconnect, the joint review that blocks paying, consultations with
 * deadline reminders, and Chinese full-text search.
 */
const dir = fileURLToPath(new URL('.', import.meta.url));
let h: PluginHarness;
/** Department ids of unit a: 01 办公室, 02 财务科, 03 基础教育科 (a.staff and a.head). */
let dept: Record<string, number>;
/** A paid payment of 办公室 (01) and one of 基础教育科 (03). */
let officePayment: number;
let schoolPayment: number;
/** A project of 办公室 (01). */
let project: number;

const refused = async (run: () => Promise<unknown>): Promise<HarnessError> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof HarnessError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

/** An SSE client of the host's realtime route, as a browser's EventSource would read it. */
function sse(channel: string, as: string) {
  const events: Array<{ event: string; data: string; at: number }> = [];
  const controller = new AbortController();
  let wake: (() => void) | null = null;
  const ready = (async () => {
    const res = await h.http('GET', `/api/units/a/realtime?channel=${encodeURIComponent(channel)}`, { as });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const pump = async () => {
      for (;;) {
        let chunk;
        try {
          chunk = await reader.read();
        } catch {
          return;
        }
        if (chunk.done || controller.signal.aborted) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
          const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          events.push({ event, data, at: Date.now() });
          wake?.();
        }
      }
    };
    controller.signal.addEventListener('abort', () => { void reader.cancel().catch(() => {}); });
    void pump();
  })();
  return {
    events,
    ready: async () => { await ready; await until(() => events.some((e) => e.event === 'ready')); },
    async until(check: () => boolean, ms = 5000) { await until(check, ms); },
    close: () => controller.abort(),
  };
  async function until(check: () => boolean, ms = 5000) {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('not in time');
      await new Promise<void>((r) => { wake = r; setTimeout(r, 20); });
    }
  }
}

/** Approves a submitted payment through its flow, each step by a demo user of its role. */
async function approveAll(paymentId: number) {
  const who: Record<string, string> = { finance_officer: 'a.finance', department_head: 'a.head', leader: 'a.leader', unit_admin: 'a.admin' };
  for (let i = 0; i < 6; i++) {
    const detail = await (await h.http('GET', `/api/units/a/payments/${paymentId}`, { as: 'a.finance' })).json() as { status: string; steps: Array<{ role: string; status: string }> };
    if (detail.status !== 'pending') return detail.status;
    const step = detail.steps.find((s) => s.status === 'pending')!;
    const res = await h.http('POST', `/api/units/a/payments/${paymentId}/approve`, { as: who[step.role] ?? 'a.finance', body: { comment: '同意' } });
    expect(res.status, await res.clone().text()).toBe(200);
  }
  throw new Error('approval did not finish');
}

beforeAll(async () => {
  h = await createPluginHarness({ dir, units: ['a'] });
  const departments = await h.ledger('a').departments();
  dept = Object.fromEntries(departments.map((d) => [d.code, d.id]));
  const seeded = await h.seedLedger('a', {
    indicators: [
      { year: 2026, code: 'T-01', name: '办公室公用经费', departmentId: dept['01']!, expenditureKind: 'operating', economicCode: '30201', fundSourceCode: '11', issued: 10_000_000 },
      { year: 2026, code: 'T-03', name: '基础教育科项目经费', departmentId: dept['03']!, expenditureKind: 'operating', economicCode: '30201', fundSourceCode: '11', issued: 10_000_000 },
    ],
  });
  const paid = await h.seedLedger('a', {
    payments: [
      { indicatorId: seeded.indicators[0]!.id, amount: 1_250_000, date: '2026-05-10', payeeName: '示范县印务公司', purpose: '印制公文用纸' },
      { indicatorId: seeded.indicators[1]!.id, amount: 3_480_000, date: '2026-05-12', payeeName: '示范县建筑公司', purpose: '食堂维修工程款' },
    ],
  });
  officePayment = paid.payments[0]!.id;
  const projects = await h.seedLedger('a', { projects: [{ code: 'XM-01', name: '办公楼维修改造', startYear: 2026, endYear: 2026, totalAmount: 50_000_000, departmentId: dept['01']! }] });
  project = projects.projects[0]!.id;
  await h.seedLedger('a', { indicators: [{ year: 2026, code: 'T-XM', name: '办公楼维修改造项目', departmentId: dept['01']!, projectId: project, expenditureKind: 'project', economicCode: '30213', fundSourceCode: '11', issued: 50_000_000 }] });
  schoolPayment = paid.payments[1]!.id;
}, 120_000);
afterAll(async () => h?.close());

describe('who may read what', () => {
  let secret: string;
  it('business staff of one department cannot read a thread on another department\'s payment unless invited', async () => {
    const created = await h.route('POST', 'threads', { as: 'a.finance', body: { title: '印制费用是否超标', subject: { kind: 'payment', id: officePayment }, text: '请办公室说明印制数量依据' } });
    secret = created.thread.id;
    for (const as of ['a.staff', 'a.head']) {
      expect((await refused(() => h.route('GET', `threads/${secret}`, { as }))).status).toBe(404);
      expect((await refused(() => h.route('GET', `threads/${secret}/messages`, { as }))).status).toBe(404);
      expect((await refused(() => h.route('POST', `threads/${secret}/messages`, { as, body: { text: '我来看看' } }))).status).toBe(404);
      expect((await refused(() => h.route('POST', `threads/${secret}/read`, { as, body: {} }))).status).toBe(404);
      expect((await refused(() => h.route('POST', `threads/${secret}/typing`, { as }))).status).toBe(404);
      expect((await h.route('GET', 'threads', { as })).threads.map((t: any) => t.id)).not.toContain(secret);
      expect((await h.route('GET', 'search', { as, query: { q: '印制数量' } })).hits).toEqual([]);
      expect((await refused(() => h.view('thread', { as, query: { threadId: secret } }))).status).toBe(404);
    }
    const first = (await h.route('GET', `threads/${secret}/messages`, { as: 'a.finance' })).messages[0].id;
    for (const [path, body] of [[`threads/${secret}/messages/${first}/edit`, { text: '改' }], [`threads/${secret}/messages/${first}/delete`, {}], [`threads/${secret}/invite`, { users: [1] }]] as const) {
      expect((await refused(() => h.route('POST', path, { as: 'a.head', body }))).status).toBe(404);
    }
    // A review of the department's project: a.staff (another department, not a reviewer) cannot see it or sign it.
    const { review } = await h.route('POST', 'reviews', { as: 'a.finance', body: { subject: { kind: 'project', id: project } } });
    expect((await refused(() => h.route('GET', `reviews/${review.id}`, { as: 'a.staff' }))).status).toBe(404);
    expect((await refused(() => h.route('POST', 'reviews/object', { as: 'a.staff', body: { id: review.id, reason: '不同意' } }))).status).toBe(404);
    expect((await h.route('GET', 'reviews', { as: 'a.staff' })).reviews.map((r: any) => r.id)).not.toContain(review.id);
    // Finance, the leader and audit read the whole unit.
    for (const as of ['a.finance', 'a.leader', 'a.auditor']) expect((await h.route('GET', `threads/${secret}/messages`, { as })).messages).toHaveLength(1);
    // Invited, a.staff reads it.
    await h.route('POST', `threads/${secret}/invite`, { as: 'a.finance', body: { users: [await h.userId('a.staff')] } });
    const seen = await h.route('GET', `threads/${secret}/messages`, { as: 'a.staff' });
    expect(seen.messages.map((m: any) => m.text)).toContain('请办公室说明印制数量依据');
    // …but a.head (same department as a.staff, not invited) still does not.
    expect((await refused(() => h.route('GET', `threads/${secret}`, { as: 'a.head' }))).status).toBe(404);
  });

  it('a thread cannot be opened on an object the caller may not see, nor by a role that may not post', async () => {
    const e = await refused(() => h.route('POST', 'threads', { as: 'a.head', body: { title: '看看办公室的支付', subject: { kind: 'payment', id: officePayment } } }));
    expect([e.status, e.code]).toEqual([403, 'collab.SUBJECT_FORBIDDEN']);
    const missing = await refused(() => h.route('POST', 'threads', { as: 'a.finance', body: { title: '不存在的支付', subject: { kind: 'payment', id: 999_999 } } }));
    expect(missing.status).toBe(404);
    const bad = await refused(() => h.route('POST', 'threads', { as: 'a.finance', body: { title: '', subject: { kind: 'invoice', id: 1 } } }));
    expect(bad.status).toBe(422);
    expect((await refused(() => h.route('POST', 'threads', { as: 'a.dev', body: { title: '开发者' } }))).status).toBe(403);
    const own = await h.route('POST', 'threads', { as: 'a.head', body: { title: '食堂维修进度', subject: { kind: 'payment', id: schoolPayment } } });
    expect((await h.route('GET', `threads/${own.thread.id}`, { as: 'a.staff' })).thread.title).toBe('食堂维修进度');
  });

  it('threads on a project, a transfer and a budget request follow the department of the object', async () => {
    const onProject = (await h.route('POST', 'threads', { as: 'a.finance', body: { title: '改造项目进度', subject: { kind: 'project', id: project }, text: '请办公室报送进度' } })).thread;
    expect(onProject.departmentId).toBe(dept['01']);
    expect((await refused(() => h.route('GET', `threads/${onProject.id}`, { as: 'a.staff' }))).status).toBe(404);
    const transfer = await h.submitTransfer(100_000);
    expect(transfer.status, JSON.stringify(transfer.body)).toBe(201);
    const onTransfer = (await h.route('POST', 'threads', { as: 'a.finance', body: { title: '调剂理由', subject: { kind: 'transfer', id: transfer.body.id } } })).thread;
    expect(onTransfer.subject).toEqual({ kind: 'transfer', id: transfer.body.id });
    const request = await h.submitBudgetRequest(800_000);
    const onRequest = (await h.route('POST', 'threads', { as: 'a.staff', body: { title: '申报说明', subject: { kind: 'budget-request', id: request.requestId } } })).thread;
    // Read live through host.ledger.budgetRequests: the thread belongs to the request's department (a.staff's 03).
    expect(onRequest.departmentId).toBe(dept['03']);
    expect((await h.route('GET', `threads/${onRequest.id}`, { as: 'a.head' })).thread.title).toBe('申报说明');
    // A quoted budget request shows its number, live status and amount in fen, like a payment.
    const posted = await h.route('POST', `threads/${onRequest.id}/messages`, { as: 'a.finance', body: { text: `请核对 [[budget-request:${request.requestId}]]` } });
    const [docNo] = (await h.ledger('a').budgetRequests({ id: request.requestId })).map((r) => r.docNo);
    expect(docNo).toBeTruthy();
    const ref = (await h.route('GET', `threads/${onRequest.id}/messages`, { as: 'a.head' })).messages.find((m: any) => m.id === posted.message.id).refs[0];
    expect(ref).toMatchObject({ status: '已报送（一上）', amount: 800_000 });
    expect(ref.label).toContain(docNo);
    expect((await h.route('GET', `threads/${onRequest.id}`, { as: 'a.finance' })).subject).toMatchObject({ status: '已报送（一上）', amount: 800_000 });
    // A request of 办公室 (seeded): its department's rule holds, unit b's ledger does not hold it.
    const seeded = (await h.seedLedger('a', { budgetRequests: [{ year: 2026, title: '办公设备购置申报', amount: 1_200_000, departmentId: dept['01']!, submittedOn: '2026-03-02' }] })).budgetRequests[0]!;
    expect(seeded).toMatchObject({ title: '办公设备购置申报', amount: 1_200_000, status: 'submitted', departmentId: dept['01'], submittedAt: '2026-03-02T08:00:00.000Z' });
    expect(await h.ledger('b').budgetRequests({ id: seeded.id })).toEqual([]);
    const e = await refused(() => h.route('POST', 'threads', { as: 'a.staff', body: { title: '看看办公室的申报', subject: { kind: 'budget-request', id: seeded.id } } }));
    expect(e.code).toBe('collab.SUBJECT_FORBIDDEN');
    const onSeeded = (await h.route('POST', 'threads', { as: 'a.finance', body: { title: '设备申报', subject: { kind: 'budget-request', id: seeded.id } } })).thread;
    expect(onSeeded.departmentId).toBe(dept['01']);
    expect((await refused(() => h.route('GET', `threads/${onSeeded.id}`, { as: 'a.head' }))).status).toBe(404);
    const panel = await h.view('project-threads', { as: 'a.finance', query: { subjectKind: 'project', subjectId: String(project) } });
    expect(panel.blocks.find((b: any) => b.type === 'chat').messages[0].text).toBe('请办公室报送进度');
  });

  it('only the author edits (within the window) or deletes a message, and both stay in the history', async () => {
    const t = (await h.route('POST', 'threads', { as: 'a.staff', body: { title: '教材采购讨论' } })).thread.id;
    const m = (await h.route('POST', `threads/${t}/messages`, { as: 'a.staff', body: { text: '教材单价 35 元' } })).message.id;
    expect((await refused(() => h.route('POST', `threads/${t}/messages/${m}/edit`, { as: 'a.head', body: { text: '改掉' } }))).status).toBe(403);
    await h.route('POST', `threads/${t}/messages/${m}/edit`, { as: 'a.staff', body: { text: '教材单价 38 元' } });
    let list = (await h.route('GET', `threads/${t}/messages`, { as: 'a.head' })).messages;
    expect(list[0]).toMatchObject({ id: m, text: '教材单价 38 元', edited: true, deleted: false });
    await h.route('POST', `threads/${t}/messages/${m}/delete`, { as: 'a.staff', body: {} });
    list = (await h.route('GET', `threads/${t}/messages`, { as: 'a.head' })).messages;
    expect(list[0]).toMatchObject({ id: m, deleted: true, text: '（消息已删除）' });
    const edit = (await h.documents('edits')).find((d) => d.id === m)!.data;
    expect(edit.history.map((x: any) => [x.action, x.text])).toEqual([['edit', '教材单价 35 元'], ['delete', '教材单价 38 元']]);
    expect((await refused(() => h.route('POST', `threads/${t}/messages/${m}/edit`, { as: 'a.staff', body: { text: '再改' } }))).code).toBe('collab.MESSAGE_DELETED');
  });
});

describe('mentions and notifications', () => {
  it('an @mention notifies the person named; preferences decide who else hears of a message', async () => {
    const staff = await h.userId('a.staff');
    const head = await h.userId('a.head');
    const leader = await h.userId('a.leader');
    const t = (await h.route('POST', 'threads', { as: 'a.head', body: { title: '学生资助资金拨付', users: [leader] } })).thread.id;
    await h.route('POST', 'prefs', { as: 'a.leader', body: { notify: 'mentions' } });
    const before = (await h.notifications('a')).length;
    await h.route('POST', `threads/${t}/messages`, { as: 'a.head', body: { text: '@孙浩 请在周五前补齐受助学生名单，附件见 [[payment:' + schoolPayment + ']]' } });
    const notes = (await h.notifications('a')).slice(before);
    const toStaff = notes.filter((n) => n.userId === staff);
    expect(toStaff).toHaveLength(1);
    expect(toStaff[0]!.title).toContain('提到了你');
    expect(toStaff[0]!.link).toBe(`/plugins/collab/thread?threadId=${t}`);
    // The leader takes part but chose mentions only: no notice for a message that does not name them.
    expect(notes.some((n) => n.userId === leader)).toBe(false);
    expect(notes.some((n) => n.userId === head)).toBe(false);
    // The mentioned person is now a participant and reads the reference with its live status and amount.
    const seen = (await h.route('GET', `threads/${t}/messages`, { as: 'a.staff' })).messages;
    expect(seen[0].mentionsMe).toBe(true);
    expect(seen[0].refs[0]).toMatchObject({ href: `/audit/${schoolPayment}`, status: '已支付', amount: 3_480_000 });
    // A role mention reaches its holders; `none` silences everything.
    await h.route('POST', 'prefs', { as: 'a.staff', body: { notify: 'none' } });
    const mark = (await h.notifications('a')).length;
    await h.route('POST', `threads/${t}/messages`, { as: 'a.head', body: { text: '@单位领导 @孙浩 名单已齐，请审阅' } });
    const after = (await h.notifications('a')).slice(mark);
    expect(after.some((n) => n.userId === leader && n.title.includes('提到了你'))).toBe(true);
    expect(after.some((n) => n.userId === staff)).toBe(false);
    await h.route('POST', 'prefs', { as: 'a.staff', body: { notify: 'all' } });
  });

  it('a lively thread tells each participant of news once in a while, not for every message', async () => {
    const staff = await h.userId('a.staff');
    const t = (await h.route('POST', 'threads', { as: 'a.head', body: { title: '运动会经费', users: [staff] } })).thread.id;
    const mark = (await h.notifications('a')).length;
    for (let i = 0; i < 4; i++) await h.route('POST', `threads/${t}/messages`, { as: 'a.head', body: { text: `第 ${i} 项安排` } });
    const news = (await h.notifications('a')).slice(mark).filter((n) => n.userId === staff);
    expect(news.map((n) => n.title)).toEqual(['「运动会经费」有新消息']);
    // A mention still reaches them at once.
    await h.route('POST', `threads/${t}/messages`, { as: 'a.head', body: { text: '@孙浩 请确认预算表' } });
    expect((await h.notifications('a')).slice(mark).filter((n) => n.userId === staff)).toHaveLength(2);
  });

  it('a message is posted even when the unit\'s hourly notice quota is spent', async () => {
    const quota = (n: number | null) => h.http('PUT', '/api/plugins/collab/quotas', { as: 'sysadmin', body: { unitId: 'a', notificationsPerHour: n } });
    expect((await quota(0)).status).toBe(200);
    try {
      const t = (await h.route('POST', 'threads', { as: 'a.head', body: { title: '配额用尽', users: [await h.userId('a.staff')] } })).thread.id;
      const r = await h.route('POST', `threads/${t}/messages`, { as: 'a.head', body: { text: '@孙浩 仍然能发出' } });
      expect(r.message.id).toMatch(/^m/);
      expect((await h.route('GET', `threads/${t}/messages`, { as: 'a.staff' })).messages.map((m: any) => m.text)).toEqual(['@孙浩 仍然能发出']);
      expect((await h.logs('a')).some((l) => l.message === 'notice not sent')).toBe(true);
    } finally {
      expect((await quota(null)).status).toBe(200);
    }
  });

  it('read receipts and unread counts follow each person', async () => {
    const t = (await h.route('POST', 'threads', { as: 'a.finance', body: { title: '月末结账安排', text: '本月 28 日结账' } })).thread.id;
    await h.route('POST', `threads/${t}/messages`, { as: 'a.finance', body: { text: '请各科室 25 日前提交报销' } });
    const unreadOf = async (as: string) => (await h.route('GET', 'threads', { as })).threads.find((x: any) => x.id === t).unread;
    expect(await unreadOf('a.staff')).toBe(2);
    const msgs = (await h.route('GET', `threads/${t}/messages`, { as: 'a.staff' })).messages;
    await h.route('POST', `threads/${t}/read`, { as: 'a.staff', body: { messageId: msgs[1].id } });
    expect(await unreadOf('a.staff')).toBe(0);
    expect(await unreadOf('a.head')).toBe(2);
    const thread = await h.route('GET', `threads/${t}`, { as: 'a.finance' });
    expect(thread.readers.map((r: any) => [r.name, r.lastReadId])).toEqual([['孙浩', msgs[1].id]]);
  });
});

describe('realtime', () => {
  it('delivers new messages, edits and typing to an open browser within a second, as hints without content', async () => {
    const t = (await h.route('POST', 'threads', { as: 'a.head', body: { title: '实时测试', users: [await h.userId('a.staff')] } })).thread;
    const { channel } = await h.route('GET', `threads/${t.id}`, { as: 'a.staff' });
    expect(channel).toMatch(/^collab:t-[a-z0-9]{20}$/);
    const client = sse(channel, 'a.staff');
    await client.ready();
    const posted = Date.now();
    const m = (await h.route('POST', `threads/${t.id}/messages`, { as: 'a.head', body: { text: '绝密内容不上频道' } })).message.id;
    await client.until(() => client.events.some((e) => e.data.includes(m)));
    const hint = client.events.find((e) => e.data.includes(m))!;
    expect(hint.at - posted).toBeLessThan(3000); // generous on a loaded machine; bench/collab measures the latency
    expect(JSON.parse(hint.data)).toEqual({ threadId: t.id, type: 'message', messageId: m });
    expect(client.events.some((e) => e.data.includes('绝密'))).toBe(false);
    await h.route('POST', `threads/${t.id}/typing`, { as: 'a.head' });
    await client.until(() => client.events.some((e) => e.data.includes('"typing"')));
    await h.route('POST', `threads/${t.id}/messages/${m}/edit`, { as: 'a.head', body: { text: '改过的内容' } });
    await client.until(() => client.events.some((e) => e.data.includes('"edit"')));
    client.close();
  });

  it('resumes after a reconnect from the last seen message id: every message once, none lost, in order', async () => {
    const t = (await h.route('POST', 'threads', { as: 'a.finance', body: { title: '断线续传', users: [await h.userId('a.staff'), await h.userId('a.head')] } })).thread;
    const { channel } = await h.route('GET', `threads/${t.id}`, { as: 'a.staff' });
    // The browser: a list of messages kept by id, filled from `after=` whenever a hint arrives.
    const shown: string[] = [];
    const add = (ms: Array<{ id: string }>) => { for (const m of ms) if (!shown.includes(m.id)) shown.push(m.id); };
    const catchUp = async () => add((await h.route('GET', `threads/${t.id}/messages`, { as: 'a.staff', ...(shown.length ? { query: { after: shown.at(-1)! } } : {}) })).messages);
    let client = sse(channel, 'a.staff');
    await client.ready();
    const posters = ['a.finance', 'a.head'];
    const post = (i: number) => h.route('POST', `threads/${t.id}/messages`, { as: posters[i % 2]!, body: { text: `第 ${i} 条` } });
    // Two people post at once while the browser is connected…
    await Promise.all(Array.from({ length: 8 }, (_, i) => post(i)));
    await client.until(() => client.events.filter((e) => e.event === 'message').length >= 8);
    await catchUp();
    // …the connection drops; more messages arrive meanwhile…
    client.close();
    for (let i = 8; i < 14; i++) await post(i);
    // …and on reconnect the browser resumes after the last message it showed.
    client = sse(channel, 'a.staff');
    await client.ready();
    await catchUp();
    await Promise.all(Array.from({ length: 4 }, (_, i) => post(14 + i)));
    await client.until(() => client.events.filter((e) => e.event === 'message').length >= 4);
    await catchUp();
    client.close();
    const all = (await h.route('GET', `threads/${t.id}/messages`, { as: 'a.finance' })).messages.map((m: any) => m.id);
    expect(all).toHaveLength(18);
    expect(new Set(shown).size).toBe(shown.length);
    expect([...shown].sort()).toEqual([...all].sort());
    const texts = (await h.route('GET', `threads/${t.id}/messages`, { as: 'a.finance' })).messages.map((m: any) => m.text);
    expect(new Set(texts).size).toBe(18);
    expect((await refused(() => h.route('GET', `threads/${t.id}/messages`, { as: 'a.staff', query: { after: 'mnonexistent1' } }))).status).toBe(404);
    expect((await refused(() => h.route('GET', `threads/${t.id}/messages`, { as: 'a.staff', query: { after: '../x' } }))).status).toBe(400);
  });
});

describe('joint review (多部门联审)', () => {
  it('an open review blocks paying the payment; once every department approved it can be paid', async () => {
    const submitted = await h.submitPayment(2_600_000);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id = submitted.body.id as number;
    expect(await approveAll(id)).toBe('approved');
    expect((await refused(() => h.route('POST', 'reviews', { as: 'a.staff', body: { subject: { kind: 'payment', id } } }))).status).toBe(403);
    const { review } = await h.route('POST', 'reviews', { as: 'a.finance', body: { subject: { kind: 'payment', id }, title: '大额采购联审' } });
    expect(review.required.map((s: any) => s.key)).toEqual(['finance', 'business', 'audit']);
    expect((await refused(() => h.route('POST', 'reviews', { as: 'a.finance', body: { subject: { kind: 'payment', id } } }))).status).toBe(409);
    const pay = await h.http('POST', `/api/units/a/payments/${id}/pay`, { as: 'a.finance', body: {} });
    const refusal = await pay.json() as any;
    expect(pay.status, JSON.stringify(refusal)).toBe(422);
    expect(refusal.error.code).toBe('PLUGIN_VALIDATION_BLOCKED');
    expect(refusal.error.message).toContain('联审');
    // The payment is named by its document number (the review's evidence keeps it), never its id.
    const [no] = (await h.ledger('a').payments({ afterId: id - 1, limit: 1 })).map((p) => p.docNo);
    expect(no).toMatch(/^ZF\d{4}-\d{4}$/);
    expect(refusal.error.message).toContain(`支付申请 ${no}`);
    expect(review.evidence['单号']).toBe(no);
    // Who may sign: the holder of an open slot, once, with a reason.
    // (a.staff cannot even see a review of another department's payment; the leader sees it but holds no slot)
    expect((await refused(() => h.route('POST', `reviews/${review.id}/sign`, { as: 'a.staff', body: { decision: 'approve', reason: '同意支付' } }))).status).toBe(404);
    expect((await refused(() => h.route('POST', `reviews/${review.id}/sign`, { as: 'a.leader', body: { decision: 'approve', reason: '同意支付' } }))).code).toBe('collab.NOT_A_REVIEWER');
    expect((await refused(() => h.route('POST', `reviews/${review.id}/sign`, { as: 'a.finance', body: { decision: 'approve', reason: '' } }))).status).toBe(422);
    expect((await refused(() => h.route('POST', `reviews/${review.id}/sign`, { as: 'a.finance', body: { decision: 'maybe', reason: '再看看' } }))).status).toBe(422);
    await h.route('POST', `reviews/${review.id}/sign`, { as: 'a.finance', body: { decision: 'approve', reason: '资金来源和指标均已落实' } });
    expect((await refused(() => h.route('POST', `reviews/${review.id}/sign`, { as: 'a.finance', body: { decision: 'approve', reason: '再签一次' } }))).code).toBe('collab.ALREADY_SIGNED');
    await h.route('POST', 'reviews/approve', { as: 'a.head', body: { id: review.id, reason: '采购需求真实' } });
    expect((await h.http('POST', `/api/units/a/payments/${id}/pay`, { as: 'a.finance', body: {} })).status).toBe(422);
    const last = await h.route('POST', `reviews/${review.id}/sign`, { as: 'a.auditor', body: { decision: 'approve', reason: '程序合规' } });
    expect(last.review).toMatchObject({ status: 'closed', outcome: 'approved' });
    const paid = await h.http('POST', `/api/units/a/payments/${id}/pay`, { as: 'a.finance', body: {} });
    expect(paid.status, await paid.clone().text()).toBe(200);
    // The record: the thread beside the payment, and each sign-off in the core's audit chain.
    const thread = await h.route('GET', `threads/${review.threadId}/messages`, { as: 'a.leader' });
    expect(thread.messages.map((m: any) => m.text).join('\n')).toContain('联审通过');
    const audits = (await h.audit({ unitId: 'a' })).filter((a) => a.action.startsWith('plugin.collab') && JSON.stringify(a.after).includes('sign'));
    expect(audits.length).toBeGreaterThanOrEqual(2);
    const view = await h.view('reviews', { as: 'a.auditor' });
    const table = view.blocks.find((b: any) => b.type === 'table');
    expect(table.rows.find((r: any) => r._id === review.id).status).toBe('通过');
  });

  it('a review closed with an objection keeps the payment from being paid', async () => {
    const submitted = await h.submitPayment(1_900_000);
    const id = submitted.body.id as number;
    await approveAll(id);
    const { review } = await h.route('POST', 'reviews', { as: 'a.leader', body: { subject: { kind: 'payment', id } } });
    const before = await h.view('reviews', { as: 'a.auditor' });
    expect(before.blocks.find((b: any) => b.type === 'table').rows.find((r: any) => r._id === review.id)._actions).toBe('approve,object');
    await h.route('POST', 'reviews/object', { as: 'a.auditor', body: { id: review.id, reason: '缺少政府采购手续' } });
    await h.route('POST', 'reviews/approve', { as: 'a.finance', body: { id: review.id, reason: '资金可以保障' } });
    const closed = await h.route('POST', 'reviews/approve', { as: 'a.head', body: { id: review.id, reason: '业务需要' } });
    expect(closed.review.outcome).toBe('objected');
    const pay = await h.http('POST', `/api/units/a/payments/${id}/pay`, { as: 'a.finance', body: {} });
    expect(pay.status).toBe(422);
    expect(((await pay.json()) as any).error.message).toContain('异议');
  });
});

describe('consultations (会商)', () => {
  it('a warning opens a consultation with the department\'s responsible people; the deadline is reminded once a day', async () => {
    const head = await h.userId('a.head');
    const before = (await h.notifications('a')).length;
    const { consultation } = await h.route('POST', 'consultations', { as: 'a.finance', body: { warningId: 'progress-2026-T-03', title: '基础教育科项目执行进度滞后', departmentId: dept['03'] } });
    expect(consultation.invitedUsers).toContain(head);
    expect((await h.notifications('a')).slice(before).some((n) => n.userId === head && n.title.startsWith('会商邀请'))).toBe(true);
    expect((await refused(() => h.route('POST', 'consultations', { as: 'a.finance', body: { warningId: 'progress-2026-T-03', title: '重复' } }))).status).toBe(409);
    expect((await refused(() => h.route('POST', `consultations/${consultation.id}/agree`, { as: 'a.staff', body: { action: '加快', deadline: '2099-01-01' } }))).status).toBe(403);
    expect((await refused(() => h.route('POST', `consultations/${consultation.id}/agree`, { as: 'a.head', body: { action: '加快', deadline: '2001-01-01' } }))).status).toBe(422);
    const today = new Date().toISOString().slice(0, 10);
    await h.route('POST', `consultations/${consultation.id}/agree`, { as: 'a.head', body: { action: '本月内完成设备采购招标并支付首期款', deadline: today } });
    const mark = (await h.notifications('a')).length;
    expect(await h.runSchedule('deadline-reminders')).toEqual({ reminded: 1 });
    expect(await h.runSchedule('deadline-reminders')).toEqual({ reminded: 0 });
    const reminders = (await h.notifications('a')).slice(mark);
    expect(reminders.some((n) => n.userId === head && n.title.includes('即将到期'))).toBe(true);
    const list = await h.view('consultations', { as: 'a.head' });
    expect(list.blocks.find((b: any) => b.type === 'table').rows[0]).toMatchObject({ _id: consultation.id, _actions: 'done', deadline: today });
    await h.route('POST', 'consultations/done', { as: 'a.head', body: { id: consultation.id, reason: '已招标' } });
    const thread = await h.route('GET', `threads/${consultation.threadId}/messages`, { as: 'a.head' });
    expect(thread.messages.map((m: any) => m.text).join('\n')).toMatch(/议定措施[\s\S]*已办结/);
  });
});

describe('search', () => {
  it('finds Chinese words of one, two or more characters, by the current text, and only in threads the reader may see', async () => {
    const open = (await h.route('POST', 'threads', { as: 'a.head', body: { title: '校舍安全', text: '关于食堂维修工程款的合同已经签订' } })).thread.id;
    const hidden = (await h.route('POST', 'threads', { as: 'a.finance', body: { title: '办公室经费', subject: { kind: 'payment', id: officePayment }, text: '办公室维修费用需要复核' } })).thread.id;
    const ids = async (q: string, as = 'a.staff') => (await h.route('GET', 'search', { as, query: { q } })).hits.map((x: any) => x.threadId);
    expect(await ids('维修')).toContain(open);
    expect(await ids('维修')).not.toContain(hidden);
    expect(await ids('维修', 'a.finance')).toEqual(expect.arrayContaining([open, hidden]));
    expect(await ids('堂')).toContain(open);
    expect(await ids('食堂 合同')).toContain(open);
    expect(await ids('工程款合同')).not.toContain(open);
    expect(await ids('ＷＸ')).toEqual([]);
    expect(await ids('校舍安全')).toContain(open);
    // An edited message is found by what it says now.
    const m = (await h.route('POST', `threads/${open}/messages`, { as: 'a.head', body: { text: '操场围栏需要更换' } })).message.id;
    await h.route('POST', `threads/${open}/messages/${m}/edit`, { as: 'a.head', body: { text: '操场护栏需要加固' } });
    expect(await ids('围栏')).not.toContain(open);
    expect(await ids('护栏')).toContain(open);
    expect((await refused(() => h.route('GET', 'search', { query: { q: '' } }))).status).toBe(400);
    const inbox = await h.view('inbox', { as: 'a.staff', query: { q: '食堂' } });
    expect(inbox.blocks.map((b: any) => b.text ?? '').join('\n')).toContain(`threadId=${open}`);
    // A thread on a payment is listed with the payment's document number.
    const [officeNo] = (await h.ledger('a').payments({ afterId: officePayment - 1, limit: 1 })).map((p) => p.docNo);
    const listed = (await h.view('inbox', { as: 'a.finance' })).blocks.map((b: any) => b.text ?? '').join('\n');
    expect(listed).toContain(`支付申请 ${officeNo}`);
    expect(listed).not.toContain(`支付申请 #${officePayment}`);
  });
});

describe('views', () => {
  it('the panel beside a payment shows its discussion with live updates; the first message opens it', async () => {
    const panel = await h.view('payment-threads', { as: 'a.head', query: { subjectKind: 'payment', subjectId: String(schoolPayment) } });
    const chat = panel.blocks.find((b: any) => b.type === 'chat');
    expect(chat).toBeTruthy();
    expect(chat.live.channel).toMatch(/^collab:t-/);
    const empty = await h.view('payment-threads', { as: 'a.finance', query: { subjectKind: 'payment', subjectId: String(officePayment) } });
    expect(empty.blocks.some((b: any) => b.type === 'form' && b.submit === 'reviews')).toBe(true);
    const denied = await h.view('payment-threads', { as: 'a.staff', query: { subjectKind: 'payment', subjectId: String(officePayment) } });
    expect(JSON.stringify(denied)).not.toContain('印制');
    for (const id of ['inbox', 'digest', 'reviews', 'consultations']) {
      const v = await h.view(id, { as: 'a.head' });
      expect(v.blocks.length).toBeGreaterThan(0);
      const en = await h.view(id, { as: 'a.head', lang: 'en' });
      expect(en.title).toMatch(/^[A-Za-z ]+$/);
    }
  });
});

describe('legal sign-off where configured', () => {
  it('a unit that names legal signers gets a legal slot, signed only by them', async () => {
    const admin = await h.userId('a.admin');
    await h.enable('a', { settings: { legalUserIds: String(admin) } });
    const submitted = await h.submitPayment(3_300_000);
    const id = submitted.body.id as number;
    await approveAll(id);
    const { review } = await h.route('POST', 'reviews', { as: 'a.finance', body: { subject: { kind: 'payment', id } } });
    expect(review.required.map((s: any) => s.key)).toEqual(['finance', 'business', 'audit', 'legal']);
    for (const as of ['a.finance', 'a.head', 'a.auditor']) await h.route('POST', 'reviews/approve', { as, body: { id: review.id, reason: '同意' } });
    expect((await h.http('POST', `/api/units/a/payments/${id}/pay`, { as: 'a.finance', body: {} })).status).toBe(422);
    expect((await refused(() => h.route('POST', 'reviews/approve', { as: 'a.leader', body: { id: review.id, reason: '同意' } }))).code).toBe('collab.NOT_A_REVIEWER');
    const done = await h.route('POST', 'reviews/approve', { as: 'a.admin', body: { id: review.id, reason: '合同条款已审查' } });
    expect(done.review).toMatchObject({ status: 'closed', outcome: 'approved' });
    expect((await h.http('POST', `/api/units/a/payments/${id}/pay`, { as: 'a.finance', body: {} })).status).toBe(200);
  });
});

describe('every action, by role and department', () => {
  it('a department\'s discussion: the other roles\' reach, auditors read and sign but do not steer, developers stay out', async () => {
    // A thread on a payment of 办公室 (01): a.staff and a.head (03) are outside it.
    const { thread } = await h.route('POST', 'threads', { as: 'a.finance', body: { title: '办公室印制费复核', subject: { kind: 'payment', id: officePayment }, text: '请复核数量' } });
    const first = (await h.route('GET', `threads/${thread.id}/messages`, { as: 'a.finance' })).messages[0].id;
    // The panel's route that opens the object's discussion refuses a reader outside its department (a.head was never invited).
    expect((await refused(() => h.route('POST', `subjects/payment/${officePayment}/messages`, { as: 'a.head', body: { text: '我来说两句' } }))).code).toBe('collab.SUBJECT_FORBIDDEN');
    // Nothing of it reaches them through the digest or the thread list either.
    for (const as of ['a.staff', 'a.head']) {
      expect(JSON.stringify(await h.view('digest', { as }))).not.toContain('办公室印制费复核');
      expect(JSON.stringify(await h.view('inbox', { as }))).not.toContain(thread.id);
    }
    // Auditors read the whole unit and may speak in the discussion (they sign the audit slot of reviews)…
    expect((await h.route('GET', `threads/${thread.id}/messages`, { as: 'a.auditor' })).messages).toHaveLength(1);
    await h.route('POST', `threads/${thread.id}/messages`, { as: 'a.auditor', body: { text: '请附采购清单' } });
    // …but neither invite, nor open reviews or consultations, nor record or close agreed actions.
    const roleRefusal = async (path: string, body: unknown) => {
      const e = await refused(() => h.route('POST', path, { as: 'a.auditor', body }));
      expect([e.status, e.code], path).toEqual([403, 'PLUGIN_ROLE_REQUIRED']);
    };
    await roleRefusal(`threads/${thread.id}/invite`, { users: [await h.userId('a.staff')] });
    await roleRefusal('reviews', { subject: { kind: 'payment', id: officePayment } });
    await roleRefusal('consultations', { warningId: 'w-audit', title: '审计发起' });
    await roleRefusal('consultations/agree', { consultationId: 'cx', action: '整改', deadline: '2099-01-01' });
    await roleRefusal('consultations/done', { id: 'cx' });
    // Nobody edits or deletes another's message, whatever their role.
    // (The unit admin administers people and plugins: a department's discussion is not theirs to read, 404.)
    expect((await refused(() => h.route('GET', `threads/${thread.id}`, { as: 'a.admin' }))).status).toBe(404);
    for (const as of ['a.auditor', 'a.leader']) {
      expect((await refused(() => h.route('POST', `threads/${thread.id}/messages/${first}/edit`, { as, body: { text: '改' } }))).status, as).toBe(403);
      expect((await refused(() => h.route('POST', `threads/${thread.id}/messages/${first}/delete`, { as, body: {} }))).status, as).toBe(403);
    }
    // A plugin developer holds no business role: no reading a department's thread, no posting, no signing.
    expect((await refused(() => h.route('GET', `threads/${thread.id}`, { as: 'a.dev' }))).status).toBe(404);
    for (const [path, body] of [[`threads/${thread.id}/messages`, { text: '开发者' }], [`threads/${thread.id}/read`, {}], [`threads/${thread.id}/typing`, {}], ['reviews/approve', { id: 'rx', reason: '同意' }], ['prefs', { notify: 'none' }]] as const) {
      expect((await refused(() => h.route('POST', path, { as: 'a.dev', body }))).code, path).toBe('PLUGIN_ROLE_REQUIRED');
    }
    // A consultation on another department's warning: not listed for a.staff / a.head, its thread closed to them.
    const { consultation } = await h.route('POST', 'consultations', { as: 'a.leader', body: { warningId: 'w-office-1', title: '办公室公用经费超进度', departmentId: dept['01'] } });
    for (const as of ['a.staff', 'a.head']) {
      expect((await h.route('GET', 'consultations', { as })).consultations.map((c: any) => c.id)).not.toContain(consultation.id);
      expect((await refused(() => h.route('POST', `threads/${consultation.threadId}/messages`, { as, body: { text: '我也说说' } }))).status).toBe(404);
    }
    expect((await refused(() => h.route('POST', `consultations/${consultation.id}/agree`, { as: 'a.head', body: { action: '压缩开支', deadline: '2099-01-01' } }))).status).toBe(404);
    expect((await h.route('GET', 'consultations', { as: 'a.auditor' })).consultations.map((c: any) => c.id)).toContain(consultation.id);
    // Business staff open neither reviews nor consultations.
    expect((await refused(() => h.route('POST', 'consultations', { as: 'a.staff', body: { warningId: 'w-staff', title: '员工发起' } }))).status).toBe(403);
    expect((await refused(() => h.route('POST', 'consultations/done', { as: 'a.staff', body: { id: 'cx' } }))).status).toBe(403);
  });
});

describe('a consultation opened from a warning', () => {
  it('the consultation view is prefilled from the warning\'s link: title, department and its responsible people', async () => {
    const head = await h.userId('a.head');
    const query = { warningId: 'progress:2026:dept:3', title: '基础教育科执行进度偏慢', departmentId: String(dept['03']) };
    const v = await h.view('consultations', { as: 'a.finance', query });
    // The form comes right after the counts.
    const form = v.blocks[3];
    expect(form).toMatchObject({ type: 'form', submit: 'consultations' });
    const value = (key: string) => form.fields.find((f: any) => f.key === key)?.value;
    expect(value('warningId')).toBe('progress:2026:dept:3');
    expect(value('title')).toBe('基础教育科执行进度偏慢');
    expect(value('departmentId')).toBe(String(dept['03']));
    expect(value('users')).toEqual([String(head)]);
    expect(form.fields.find((f: any) => f.key === 'users').options.map((o: any) => o.value)).toContain(String(await h.userId('a.staff')));
    // Submitted as the web app sends the form (a multiselect's values are strings).
    const body = Object.fromEntries(form.fields.map((f: any) => [f.key, f.value ?? '']));
    const { consultation } = await h.route('POST', 'consultations', { as: 'a.finance', body });
    expect(consultation).toMatchObject({ warningId: 'progress:2026:dept:3', departmentId: dept['03'], title: '基础教育科执行进度偏慢' });
    expect(consultation.invitedUsers).toEqual([head]);
    // Once under way the link leads to it instead of a second form (which would answer 409).
    const again = await h.view('consultations', { as: 'a.finance', query });
    expect(again.blocks.some((b: any) => b.type === 'form' && b.submit === 'consultations')).toBe(false);
    expect(again.blocks[3].text).toContain(`threadId=${consultation.threadId}`);
    // A reader who may not open one is told so; junk in the query prefills nothing.
    const staff = await h.view('consultations', { as: 'a.staff', query: { warningId: 'w-other', title: 'x' } });
    expect(staff.blocks.some((b: any) => b.type === 'form' && b.submit === 'consultations')).toBe(false);
    expect(staff.blocks[3].text).toContain('发起会商需要');
    const junk = await h.view('consultations', { as: 'a.finance', query: { warningId: '<script>', departmentId: '999999' } });
    const junkForm = junk.blocks.find((b: any) => b.type === 'form' && b.submit === 'consultations');
    expect(junkForm.fields.find((f: any) => f.key === 'warningId').value).toBeNull();
    expect(junkForm.fields.find((f: any) => f.key === 'departmentId').value).toBeNull();
    expect(junkForm.fields.find((f: any) => f.key === 'users').value).toEqual([]);
  });

  it('the inbox has a search box (a GET form) that carries the current words', async () => {
    const inbox = await h.view('inbox', { as: 'a.staff', query: { q: '食堂' } });
    const search = inbox.blocks.find((b: any) => b.type === 'search');
    expect(search.fields).toEqual([expect.objectContaining({ key: 'q', value: '食堂' })]);
    expect((await h.view('inbox', { as: 'a.staff' })).blocks.find((b: any) => b.type === 'search').fields[0].value).toBeNull();
  });
});
