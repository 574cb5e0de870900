import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createKernel } from '../kernel.js';
import { DEMO_PASSWORD } from '../demo/seed.js';
import { createTestEnv, refusedWithoutTrace, TEST_YEAR, type TestEnv } from '../../test/support/kernel.js';
import { approveThrough, departmentId, issue, submitPayment } from '../../test/support/ledger.js';
import { ensureClassifications } from '../ledger/classifications/service.js';
import { realtimeOf, type RealtimeMessage } from '../events/realtime.js';
import { hostOf } from '../plugins/host.js';
import { CORE_NOTIFICATIONS_CHANNEL, announce, notify } from './service.js';
import { runCommand } from '../db/command.js';
import { formatYuan } from '../errors.js';

/**
 * The module stores and delivers, knowing no ledger document: `notify` writes on the command's
 * transaction and announces after its commit (first block, no ledger involved). The blocks after it
 * see notices as people do, from the ledger's approvals (core/ledger/approvals/notices.ts): each
 * transition writes exactly the notices it should, to the right people, in the same transaction (a
 * refused change notifies nobody); read state is per user; units never see each other's notices;
 * SSE clients hear about it.
 */

let env: TestEnv;
const userIds = new Map<number, string>();

beforeAll(async () => {
  env = await createTestEnv();
  await ensureClassifications(env.kernel, TEST_YEAR);
  // A second finance officer: a role notice is one row shared by both, read state is not.
  const added = await env.call('POST', '/api/units/a/members', {
    token: await env.login('a.admin'),
    body: { username: 'a.finance2', displayName: '财务二', password: DEMO_PASSWORD, roles: ['finance_officer'], departmentId: await departmentId(env, 'a', '02') },
  });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  for (const u of await env.kernel.db.selectFrom('users').select(['id', 'username']).execute()) userIds.set(u.id, u.username);
  // Sign-ins are audited: sign everyone in first so "nothing written" checks see only the command.
  for (const username of userIds.values()) await env.login(username);
});
afterAll(async () => env.close());

const as = async (username: string) => ({ token: await env.login(username) });
const post = async (username: string, path: string, body: unknown = {}) => env.call('POST', path, { ...(await as(username)), body });
const get = async (username: string, path: string) => env.call('GET', path, await as(username));

async function lastId(): Promise<number> {
  const row = await env.kernel.db.selectFrom('notifications').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** A document's number as notices name it (ZF2026-0001; an adjustment's serial TZ2026-0001). */
async function noOf(table: 'payments' | 'transfers' | 'adjustments' | 'budget_requests', id: number): Promise<string> {
  if (table === 'adjustments') return (await env.kernel.db.selectFrom('adjustments').select('serial_no').where('id', '=', id).executeTakeFirstOrThrow()).serial_no ?? '';
  return (await env.kernel.db.selectFrom(table).select('doc_no').where('id', '=', id).executeTakeFirstOrThrow()).doc_no ?? '';
}

/** Core notices written since `after`: to whom (a username or `role:x`), title and link. */
async function noticesSince(after: number) {
  const rows = await env.kernel.db.selectFrom('notifications').selectAll().where('id', '>', after).orderBy('id').execute();
  return rows.map((r) => ({
    unit: r.unit_id, source: r.source, to: r.user_id !== null ? userIds.get(r.user_id) : `role:${r.role}`, title: r.title, link: r.link,
  }));
}

/** Runs one step and returns the notices it wrote. */
async function step(run: () => Promise<{ status: number; body: any }>, status = 200) {
  const before = await lastId();
  const result = await run();
  expect(result.status, JSON.stringify(result.body).slice(0, 400)).toBe(status);
  return { result, notices: await noticesSince(before) };
}

describe('storing and delivering', () => {
  const userId = async (username: string) => (await env.kernel.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const notice = (title: string) => ({ title, body: '正文', link: '/inbox' });

  async function listen(unitId: string) {
    const heard: RealtimeMessage[] = [];
    const stop = await realtimeOf(env.kernel).subscribe(unitId, CORE_NOTIFICATIONS_CHANNEL, (m) => heard.push(m));
    return { heard, stop };
  }
  /** Lets a PostgreSQL NOTIFY come back through LISTEN (in-process with SQLite: at once). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, env.kernel.dialect === 'postgres' ? 300 : 10));

  it('writes one core notice per distinct recipient, addressed to a person or to a role', async () => {
    const before = await lastId();
    const head = await userId('a.head');
    const written = await runCommand(env.kernel, (tx) =>
      notify(tx, 'a', [{ userId: head }, { role: 'finance_officer' }, { userId: head }, { role: 'finance_officer' }], notice('通知一')));
    expect(written).toBe(2);
    expect(await noticesSince(before)).toEqual([
      { unit: 'a', source: 'core', to: 'a.head', title: '通知一', link: '/inbox' },
      { unit: 'a', source: 'core', to: 'role:finance_officer', title: '通知一', link: '/inbox' },
    ]);
    expect(await runCommand(env.kernel, (tx) => notify(tx, 'a', [], notice('无人')))).toBe(0);
    expect((await noticesSince(before)).length).toBe(2);
  });

  it('announces once per unit after the commit, however many notices the command wrote', async () => {
    const a = await listen('a');
    const b = await listen('b');
    try {
      const staffA = await userId('a.staff');
      const staffB = await userId('b.staff');
      await runCommand(env.kernel, async (tx) => {
        await notify(tx, 'a', [{ userId: staffA }], notice('甲'));
        await notify(tx, 'a', [{ role: 'leader' }], notice('乙'));
        await notify(tx, 'b', [{ userId: staffB }], notice('丙'));
        await settle();
        expect([a.heard, b.heard]).toEqual([[], []]);
      });
      await settle();
      expect(a.heard.map((m) => m.unitId)).toEqual(['a']);
      expect(b.heard.map((m) => m.unitId)).toEqual(['b']);
      // The channel is shared by everyone in the unit: the announcement carries no content.
      expect(JSON.parse(a.heard[0]!.data)).toEqual({ changed: true, at: expect.any(String) });
    } finally {
      a.stop();
      b.stop();
    }
  });

  it('announcements asked for while one waits to be sent are that one; one asked for after it is sent is sent again', async () => {
    const a = await listen('a');
    const b = await listen('b');
    try {
      await Promise.all([announce(env.kernel, 'a'), announce(env.kernel, 'a'), announce(env.kernel, 'b'), announce(env.kernel, 'a')]);
      await settle();
      expect([a.heard.length, b.heard.length]).toEqual([1, 1]);
      await announce(env.kernel, 'a');
      await settle();
      expect([a.heard.length, b.heard.length]).toEqual([2, 1]);
    } finally {
      a.stop();
      b.stop();
    }
  });

  it('takes its notices with a command that rolls back, and announces nothing', async () => {
    const a = await listen('a');
    try {
      const before = await lastId();
      await expect(runCommand(env.kernel, async (tx) => {
        await notify(tx, 'a', [{ role: 'leader' }], notice('回滚'));
        throw new Error('refused');
      })).rejects.toThrow('refused');
      await settle();
      expect(await noticesSince(before)).toEqual([]);
      expect(a.heard).toEqual([]);
    } finally {
      a.stop();
    }
  });

  it('refuses to notify outside a command transaction, where nothing would announce it', async () => {
    const before = await lastId();
    await expect(env.kernel.db.transaction().execute((tx) => notify(tx, 'a', [{ role: 'leader' }], notice('无主'))))
      .rejects.toThrow(/outside a command transaction/);
    expect(await noticesSince(before)).toEqual([]);
  });
});

describe('payments notify', () => {
  it('submitted → the department head; step approved → finance; finally approved, paid → the creator', async () => {
    const ind = await issue(env, { amount: 10_000_000 });
    const submitted = await step(() => submitPayment(env, ind.id, 1_234_567), 201);
    const id = submitted.result.body.id as number;
    expect(submitted.notices).toEqual([
      { unit: 'a', source: 'core', to: 'a.head', title: `待审批：支付申请 ${await noOf('payments', id)}，12,345.67 元`, link: `/inbox?doc=payment:${id}` },
    ]);

    const first = await step(() => post('a.head', `/api/units/a/payments/${id}/approve`));
    expect(first.notices).toEqual([
      { unit: 'a', source: 'core', to: 'role:finance_officer', title: `待审批：支付申请 ${await noOf('payments', id)}，12,345.67 元`, link: `/inbox?doc=payment:${id}` },
    ]);

    const final = await step(() => post('a.finance', `/api/units/a/payments/${id}/approve`));
    expect(final.result.body.status).toBe('approved');
    expect(final.notices).toEqual([
      { unit: 'a', source: 'core', to: 'a.staff', title: `支付申请 ${await noOf('payments', id)} 已审批通过，12,345.67 元`, link: `/mine?doc=payment:${id}` },
    ]);

    const paid = await step(() => post('a.finance', `/api/units/a/payments/${id}/pay`, { date: '2026-06-12' }));
    expect(paid.notices).toEqual([
      { unit: 'a', source: 'core', to: 'a.staff', title: `支付申请 ${await noOf('payments', id)} 已支付，12,345.67 元`, link: `/mine?doc=payment:${id}` },
    ]);
    // The staff member's list shows them, newest first, unread.
    const mine = await get('a.staff', '/api/units/a/notifications');
    expect(mine.body.slice(0, 2).map((n: any) => [n.title, n.read, n.readAt, n.source, n.link])).toEqual([
      [`支付申请 ${await noOf('payments', id)} 已支付，12,345.67 元`, false, null, 'core', `/mine?doc=payment:${id}`],
      [`支付申请 ${await noOf('payments', id)} 已审批通过，12,345.67 元`, false, null, 'core', `/mine?doc=payment:${id}`],
    ]);
  });

  it('adds the leader as the next step above 50,000 yuan; rejected → the creator with the reason; withdrawn → nobody', async () => {
    const ind = await issue(env, { amount: 20_000_000 });
    const big = (await submitPayment(env, ind.id, 60_000_00)).body.id as number;
    await post('a.head', `/api/units/a/payments/${big}/approve`);
    const toLeader = await step(() => post('a.finance', `/api/units/a/payments/${big}/approve`));
    expect(toLeader.notices.map((n) => [n.to, n.title])).toEqual([['role:leader', `待审批：支付申请 ${await noOf('payments', big)}，60,000.00 元`]]);

    const rejected = await step(() => post('a.leader', `/api/units/a/payments/${big}/reject`, { comment: '超预算' }));
    expect(rejected.notices.map((n) => [n.to, n.title])).toEqual([['a.staff', `支付申请 ${await noOf('payments', big)} 被退回，60,000.00 元`]]);
    const row = await env.kernel.db.selectFrom('notifications').select('body').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row.body).toContain('退回原因：超预算');

    const other = (await submitPayment(env, ind.id, 100_00)).body.id as number;
    const withdrawn = await step(() => post('a.staff', `/api/units/a/payments/${other}/withdraw`));
    expect(withdrawn.notices).toEqual([]);
  });

  it('a department-head step in a department without a head goes to the leader (the documented fallback), never to the requester', async () => {
    // 财务科 (02) has no department head: finance submits against its indicator.
    const ind = await issue(env, { amount: 10_000_000, departmentCode: '02' });
    const heads02 = await env.kernel.db.selectFrom('role_grants').select('user_id').where('unit_id', '=', 'a').where('role', '=', 'department_head')
      .where('department_id', '=', await departmentId(env, 'a', '02')).execute();
    expect(heads02).toEqual([]);
    const submitted = await step(() => submitPayment(env, ind.id, 500_00, {}, 'a.finance'), 201);
    const id = submitted.result.body.id as number;
    expect(submitted.notices).toEqual([
      { unit: 'a', source: 'core', to: 'role:leader', title: `待审批：支付申请 ${await noOf('payments', id)}，500.00 元`, link: `/inbox?doc=payment:${id}` },
    ]);
    const row = await env.kernel.db.selectFrom('notifications').select('body').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row.body).toContain('代：科室负责人审核');

    // When the department's only head is the requester, the leader decides too: nobody is asked to approve their own request.
    const staffInd = await issue(env, { amount: 10_000_000 });
    const own = await step(() => submitPayment(env, staffInd.id, 300_00, {}, 'a.head'), 201);
    expect(own.notices.map((n) => n.to)).toEqual(['role:leader']);
  });

  it('a payment refused by a hard rule notifies nobody: at submission and at the final approval (rolled back)', async () => {
    const ind = await issue(env, { amount: 1_000_00 });
    await refusedWithoutTrace(env, () => submitPayment(env, ind.id, 1_000_01), 422, 'BALANCE_EXCEEDED');

    const p1 = (await submitPayment(env, ind.id, 900_00)).body.id as number;
    const p2 = (await submitPayment(env, ind.id, 100_00)).body.id as number;
    expect((await approveThrough(env, 'payments', p1)).status).toBe('approved');
    await post('a.head', `/api/units/a/payments/${p2}/approve`);
    // p2 holds its amount (占用), so only a correction made outside the ledger's commands (a data repair)
    // can leave too little behind it: finance's approval is then refused, and with it the notice to the creator.
    await env.kernel.db.updateTable('indicators').set({ issued_amount: 950_00 }).where('id', '=', ind.id).execute();
    const before = await lastId();
    await refusedWithoutTrace(env, () => post('a.finance', `/api/units/a/payments/${p2}/approve`), 422, 'BALANCE_EXCEEDED');
    expect(await noticesSince(before)).toEqual([]);
  });
});

describe('transfers, adjustments and budget requests notify', () => {
  it('transfer: pending → the approving role at each step; approved or rejected → its creator', async () => {
    const from = await issue(env, { amount: 1_000_000 });
    const to = await issue(env, { amount: 500_000, economicCode: '30202' });
    const body = { fromIndicatorId: from.id, toIndicatorId: to.id, amount: 250_000, reason: '工作重点调整', date: '2026-07-01' };
    const created = await step(() => post('a.staff', '/api/units/a/transfers', body), 201);
    const id = created.result.body.id as number;
    expect(created.notices.map((n) => [n.to, n.title, n.link])).toEqual([['role:finance_officer', `待审批：预算调剂 ${await noOf('transfers', id)}，2,500.00 元`, `/inbox?doc=transfer:${id}`]]);
    const first = await step(() => post('a.finance', `/api/units/a/transfers/${id}/approve`));
    expect(first.notices.map((n) => n.to)).toEqual(['role:leader']);
    const final = await step(() => post('a.leader', `/api/units/a/transfers/${id}/approve`));
    // The requester (staff) finds it in 我的申请; finance, who work on 预算调剂, there (the adjustment below).
    expect(final.notices.map((n) => [n.to, n.title, n.link])).toEqual([['a.staff', `预算调剂 ${await noOf('transfers', id)} 已审批通过，2,500.00 元`, `/mine?doc=transfer:${id}`]]);

    const second = (await post('a.staff', '/api/units/a/transfers', body)).body.id as number;
    const rejected = await step(() => post('a.finance', `/api/units/a/transfers/${second}/reject`, { comment: '理由不充分' }));
    expect(rejected.notices.map((n) => [n.to, n.title])).toEqual([['a.staff', `预算调剂 ${await noOf('transfers', second)} 被退回，2,500.00 元`]]);
    const third = (await post('a.staff', '/api/units/a/transfers', body)).body.id as number;
    expect((await step(() => post('a.staff', `/api/units/a/transfers/${third}/withdraw`))).notices).toEqual([]);
  });

  it('adjustment: pending → the leader; approved → its creator (finance)', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const created = await step(() => post('a.finance', '/api/units/a/adjustments', { indicatorId: ind.id, amount: -300_000, reason: '压减公用经费', date: '2026-07-01' }), 201);
    const id = created.result.body.id as number;
    expect(created.notices.map((n) => [n.to, n.title])).toEqual([['role:leader', `待审批：预算调整 ${await noOf('adjustments', id)}，3,000.00 元`]]);
    const approved = await step(() => post('a.leader', `/api/units/a/adjustments/${id}/approve`));
    expect(approved.notices.map((n) => [n.to, n.title, n.link])).toEqual([['a.finance', `预算调整 ${await noOf('adjustments', id)} 已审批通过，3,000.00 元`, `/transfers?doc=adjustment:${id}`]]);
  });

  it('budget request: returned with control numbers → its creator; approved (indicators issued) → its creator', async () => {
    const draft = await post('a.staff', '/api/units/a/budget-requests', {
      year: 2026, departmentId: await departmentId(env, 'a', '03'), title: '2026年基础教育科部门预算',
      lines: [{ kind: 'personnel', headcount: 7 }, { kind: 'operating', headcount: 7 }],
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const id = draft.body.id as number;
    expect((await step(() => post('a.staff', `/api/units/a/budget-requests/${id}/submit`))).notices).toEqual([]);
    const detail = (await get('a.finance', `/api/units/a/budget-requests/${id}`)).body as { lines: Array<{ id: number; amount: number }> };
    const control = detail.lines.reduce((s, l) => s + l.amount, 0);
    const returned = await step(() => post('a.finance', `/api/units/a/budget-requests/${id}/return`, { lines: detail.lines.map((l) => ({ lineId: l.id, controlAmount: l.amount })) }));
    expect(returned.notices.map((n) => [n.to, n.title, n.link])).toEqual([['a.staff', `预算申请 ${await noOf('budget_requests', id)} 已下达控制数 ${formatYuan(control)} 元`, `/mine?doc=budget:${id}`]]);
    await post('a.staff', `/api/units/a/budget-requests/${id}/submit`);
    const approved = await step(() => post('a.leader', `/api/units/a/budget-requests/${id}/approve`, { date: '2026-06-20' }));
    expect(approved.notices.map((n) => [n.to, n.title])).toEqual([['a.staff', `预算申请 ${await noOf('budget_requests', id)} 已批复，下达指标 ${formatYuan(control)} 元`]]);
  });
});

describe('read state', () => {
  it('is per user: a role notice read by one finance officer stays unread for the other', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const p = (await submitPayment(env, ind.id, 500_00)).body.id as number;
    await post('a.head', `/api/units/a/payments/${p}/approve`);
    const list = await get('a.finance', '/api/units/a/notifications?unreadOnly=true');
    const title = `待审批：支付申请 ${await noOf('payments', p)}，500.00 元`;
    const notice = list.body.find((n: any) => n.title === title);
    expect(notice).toMatchObject({ role: 'finance_officer', read: false, readAt: null });
    const countBefore = (await get('a.finance2', '/api/units/a/notifications/unread-count')).body.unread as number;
    const mineBefore = (await get('a.finance', '/api/units/a/notifications/unread-count')).body.unread as number;

    const marked = await post('a.finance', `/api/units/a/notifications/${notice.id}/read`);
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ id: notice.id, read: true, unread: mineBefore - 1 });
    // Marking again changes nothing and keeps the first time.
    const again = await post('a.finance', `/api/units/a/notifications/${notice.id}/read`);
    expect(again.body.readAt).toBe(marked.body.readAt);

    const mine = await get('a.finance', '/api/units/a/notifications');
    expect(mine.body.find((n: any) => n.id === notice.id)).toMatchObject({ read: true, readAt: marked.body.readAt });
    expect((await get('a.finance', '/api/units/a/notifications?unreadOnly=true')).body.some((n: any) => n.id === notice.id)).toBe(false);
    const theirs = await get('a.finance2', '/api/units/a/notifications?unreadOnly=true');
    expect(theirs.body.find((n: any) => n.id === notice.id)).toMatchObject({ read: false });
    expect((await get('a.finance2', '/api/units/a/notifications/unread-count')).body.unread).toBe(countBefore);

    const all = await post('a.finance2', '/api/units/a/notifications/read-all');
    expect(all.body).toEqual({ marked: countBefore, unread: 0 });
    expect((await get('a.finance2', '/api/units/a/notifications?unreadOnly=true')).body).toEqual([]);
    expect((await get('a.finance', '/api/units/a/notifications/unread-count')).body.unread).toBe(mineBefore - 1);
  });

  it('read-all with upToId leaves newer notices unread', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    await submitPayment(env, ind.id, 100_00);
    const list = (await get('a.head', '/api/units/a/notifications?unreadOnly=true')).body as Array<{ id: number }>;
    expect(list.length).toBeGreaterThan(0);
    await submitPayment(env, ind.id, 200_00);
    const result = await post('a.head', '/api/units/a/notifications/read-all', { upToId: list[0]!.id });
    expect(result.body).toEqual({ marked: list.length, unread: 1 });
    const left = (await get('a.head', '/api/units/a/notifications?unreadOnly=true')).body;
    expect(left.map((n: any) => n.title)).toEqual([expect.stringContaining('200.00 元')]);
  });

  it('marks only the caller’s own notices of that unit: anything else is 404 and writes nothing', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const p = (await submitPayment(env, ind.id, 300_00)).body.id as number;
    const number = await noOf('payments', p);
    const forHead = (await get('a.head', '/api/units/a/notifications')).body.find((n: any) => n.title.includes(`${number}，`));
    expect(forHead).toBeDefined();
    const reads = async () => Number((await env.kernel.db.selectFrom('notification_reads').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await reads();
    // Addressed to someone else in the same unit.
    await refusedWithoutTrace(env, () => post('a.staff', `/api/units/a/notifications/${forHead.id}/read`), 404, 'NOT_FOUND');
    // Through another unit's path, by a member of that unit.
    await refusedWithoutTrace(env, () => post('b.head', `/api/units/b/notifications/${forHead.id}/read`), 404, 'NOT_FOUND');
    // A supervising reader of `a` holds no role there: not theirs either.
    await refusedWithoutTrace(env, () => post('dept.leader', `/api/units/a/notifications/${forHead.id}/read`), 404, 'NOT_FOUND');
    expect(await reads()).toBe(before);
    // read-all in another unit does not touch unit a's notices.
    await post('b.head', '/api/units/b/notifications/read-all');
    expect((await get('a.head', '/api/units/a/notifications')).body.find((n: any) => n.id === forHead.id).read).toBe(false);
  });
});

describe('isolation between units', () => {
  it('unit b’s people never see unit a’s notices, and b’s own transitions notify b', async () => {
    const aTitles = (await noticesSince(0)).filter((n) => n.unit === 'a').map((n) => n.title);
    expect(aTitles.length).toBeGreaterThan(0);
    const ind = await issue(env, { unitId: 'b', amount: 1_000_000 });
    const created = await step(() => submitPayment(env, ind.id, 700_00, {}, 'b.staff'), 201);
    expect(created.notices.map((n) => [n.unit, n.to])).toEqual([['b', 'b.head']]);
    for (const username of ['b.finance', 'b.head', 'b.staff', 'b.leader']) {
      const list = await get(username, '/api/units/b/notifications');
      expect(list.body.some((n: any) => aTitles.includes(n.title))).toBe(false);
      expect((await get(username, '/api/units/a/notifications')).status).toBe(403);
    }
  });
});

describe('realtime announcement on core:notifications', () => {
  it('uses the one bus of the kernel, shared with the plugin host', () => {
    expect(hostOf(env.kernel).realtime).toBe(realtimeOf(env.kernel));
  });

  it('an SSE client of the unit hears about an approval; a refused change announces nothing', async () => {
    const heard: RealtimeMessage[] = [];
    const stop = await realtimeOf(env.kernel).subscribe('a', CORE_NOTIFICATIONS_CHANNEL, (m) => heard.push(m));
    const ind = await issue(env, { amount: 1_000_00 });
    const p1 = (await submitPayment(env, ind.id, 800_00)).body.id as number;
    const p2 = (await submitPayment(env, ind.id, 200_00)).body.id as number;
    await post('a.head', `/api/units/a/payments/${p1}/approve`);
    await post('a.head', `/api/units/a/payments/${p2}/approve`);
    expect((await approveThrough(env, 'payments', p1)).status).toBe('approved');

    const controller = new AbortController();
    const response = await env.app.request(`/api/units/a/realtime?channel=${encodeURIComponent(CORE_NOTIFICATIONS_CHANNEL)}`, {
      headers: { authorization: `Bearer ${await env.login('a.staff')}` }, signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: ready')) text += decoder.decode((await reader.read()).value);
    heard.length = 0;

    // Refused (a data repair left too little behind p2's hold): rolled back, so nothing is announced …
    await env.kernel.db.updateTable('indicators').set({ issued_amount: 900_00 }).where('id', '=', ind.id).execute();
    expect((await post('a.finance', `/api/units/a/payments/${p2}/approve`)).status).toBe(422);
    // … and the next committed change is: its announcement is the first and only one heard.
    expect((await post('a.finance', `/api/units/a/payments/${p1}/pay`, { date: '2026-06-12' })).status).toBe(200);
    while (!text.includes('event: message')) text += decoder.decode((await reader.read()).value);
    expect(text).toMatch(/data: \{"changed":true/);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ unitId: 'a', channel: 'core:notifications' });
    // The announcement carries no notice content: the channel is shared by everyone in the unit.
    expect(heard[0]!.data).not.toContain('支付');
    controller.abort();
    await reader.cancel().catch(() => {});
    stop();
  });

  // PostgreSQL: a second core process on the same database hears the announcement (LISTEN/NOTIFY).
  it.runIf(process.env.DATABASE_URL?.startsWith('postgres'))('reaches a subscriber of another kernel on the same PostgreSQL schema', async () => {
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(env.kernel.db)).rows[0]!.s;
    const other = await createKernel({ databaseUrl: process.env.DATABASE_URL!, pgSchema: schema, kdf: 'fast' });
    try {
      let resolveHeard: (m: RealtimeMessage) => void;
      const heard = new Promise<RealtimeMessage>((r) => (resolveHeard = r));
      const stop = await realtimeOf(other).subscribe('a', CORE_NOTIFICATIONS_CHANNEL, (m) => resolveHeard(m));
      const ind = await issue(env, { amount: 1_000_000 });
      expect((await submitPayment(env, ind.id, 100_00)).status).toBe(201);
      expect(await heard).toMatchObject({ unitId: 'a', channel: 'core:notifications' });
      stop();
    } finally {
      await other.close();
    }
  });
});

describe('the demo history', () => {
  it('opens the bell on the newest notices only: the seeded history reads as dealt with', async () => {
    const demo = await createTestEnv({}, { activity: true });
    try {
      const token = await demo.login('a.staff');
      const all = await demo.call('GET', '/api/units/a/notifications?limit=200', { token });
      expect(all.status).toBe(200);
      expect(all.body.length).toBeGreaterThan(20);
      const unread = await demo.call('GET', '/api/units/a/notifications/unread-count', { token });
      expect(unread.body.unread).toBeGreaterThan(0);
      expect(unread.body.unread).toBeLessThanOrEqual(5);
      // Role-addressed notices too: the finance officer's queue history is read as well.
      const finance = await demo.call('GET', '/api/units/a/notifications/unread-count', { token: await demo.login('a.finance') });
      expect(finance.body.unread).toBeLessThanOrEqual(5);
    } finally {
      await demo.close();
    }
  });
});
