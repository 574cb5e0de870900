import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, refusedWithoutTrace, type TestEnv } from '../../../test/support/kernel.js';
import { approveThrough, issue, paymentBody, submitPayment } from '../../../test/support/ledger.js';
import { setDisabled } from '../../accounts/service.js';
import { runCommand } from '../../db/command.js';

/**
 * Approvals people trust (issue 20): a rejection says why; a step nobody may decide is routed, and
 * said so before submission; the pending step names who decides it; documents carry numbers per
 * unit, kind and year; vouchers are numbered continuously per unit and month; a refused input names
 * the field and the limit in the caller's language.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

const as = async (username: string) => ({ token: await env.login(username) });
const post = async (username: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  env.call('POST', path, { ...(await as(username)), body, headers });
const transferBody = (fromIndicatorId: number, toIndicatorId: number, amount: number, date = '2026-07-01') =>
  ({ fromIndicatorId, toIndicatorId, amount, reason: '临时工作任务经费不足', date });

describe('a rejection says why', () => {
  it('refuses to reject a payment, a transfer or an adjustment without a reason (422 naming the field), and writes nothing', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const other = await issue(env, { amount: 1_000 });
    const p = await submitPayment(env, ind.id, 10_000);
    const t = await post('a.staff', '/api/units/a/transfers', transferBody(ind.id, other.id, 5_000));
    const a = await post('a.finance', '/api/units/a/adjustments', { indicatorId: ind.id, amount: 3_000, reason: '追加会议费', date: '2026-07-01' });
    for (const u of ['a.head', 'a.finance', 'a.leader']) await env.login(u); // a first sign-in is audited: not inside the footprint below
    for (const [who, path] of [['a.head', `payments/${p.body.id}`], ['a.finance', `transfers/${t.body.id}`], ['a.leader', `adjustments/${a.body.id}`]] as const) {
      for (const body of [{}, { comment: '   ' }]) {
        const refused = await refusedWithoutTrace(env, () => post(who, `/api/units/a/${path}/reject`, body), 422, 'REJECT_REASON_REQUIRED');
        expect(refused.body.error.details).toEqual({ field: 'comment' });
        expect(refused.body.error.message).toContain('退回原因');
      }
    }
    // Finance refusing to pay an approved payment gives a reason too.
    const approved = await approveThrough(env, 'payments', (await submitPayment(env, ind.id, 2_000)).body.id);
    await refusedWithoutTrace(env, () => post('a.finance', `/api/units/a/payments/${approved.id}/reject`, {}), 422, 'REJECT_REASON_REQUIRED');
  });

  it('the reason reaches the requester in the notice and stays in the trail', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const p = await submitPayment(env, ind.id, 10_000);
    const rejected = await post('a.head', `/api/units/a/payments/${p.body.id}/reject`, { comment: '发票抬头不符，请更正后重新提交' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.comments.at(-1)).toMatchObject({ action: 'reject', body: '发票抬头不符，请更正后重新提交' });
    expect(rejected.body.steps[0]).toMatchObject({ status: 'rejected', comment: '发票抬头不符，请更正后重新提交' });
    const staff = await env.kernel.db.selectFrom('users').select('id').where('username', '=', 'a.staff').executeTakeFirstOrThrow();
    const notice = await env.kernel.db.selectFrom('notifications').select(['title', 'body']).where('user_id', '=', staff.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(notice.title).toBe(`支付申请 ${p.body.docNo} 被退回，100.00 元`);
    expect(notice.body).toContain('退回原因：发票抬头不符，请更正后重新提交');
  });
});

describe('no step waits for nobody', () => {
  it('a finance officer’s own transfer from 机动额度: the live check says the leader decides it, and the leader does', async () => {
    const reserve = await issue(env, { amount: 10_000_000, name: '机动额度', isFlexibleReserve: true });
    const to = await issue(env, { amount: 1_000 });
    const check = await post('a.finance', '/api/units/a/transfers/check', { fromIndicatorId: reserve.id, toIndicatorId: to.id, amount: 50_000 });
    expect(check.status).toBe(200);
    expect(check.body.fastTrack).toBe(true);
    expect(check.body.steps).toEqual([{
      role: 'leader', label: '单位领导审批（代：财务审核，无其他可审批人员）', approvers: ['周伟'], reroutedFrom: { role: 'finance_officer', label: '财务审核' },
    }]);
    // A staff member's transfer still goes to finance: the fallback is for the step nobody may decide.
    const staffCheck = await post('a.staff', '/api/units/a/transfers/check', { fromIndicatorId: reserve.id, toIndicatorId: to.id, amount: 50_000 });
    expect(staffCheck.body.steps).toEqual([{ role: 'finance_officer', label: '财务审核', approvers: ['钱芳'] }]);

    const t = await post('a.finance', '/api/units/a/transfers', transferBody(reserve.id, to.id, 50_000));
    expect(t.status).toBe(201);
    expect(t.body.steps).toEqual([expect.objectContaining({ role: 'leader', status: 'pending', approvers: ['周伟'] })]);
    const leaderInbox = (await env.call('GET', '/api/units/a/approvals/inbox', await as('a.leader'))).body;
    expect(leaderInbox).toEqual(expect.arrayContaining([expect.objectContaining({ target: 'transfer', targetId: t.body.id, docNo: t.body.docNo })]));
    const done = await post('a.leader', `/api/units/a/transfers/${t.body.id}/approve`, { comment: '同意' });
    expect(done.body.status).toBe('approved');
  });

  it('when nobody at all may decide, the check and the submission say so and nothing is written', async () => {
    const reserve = await issue(env, { amount: 10_000_000, isFlexibleReserve: true });
    const to = await issue(env, { amount: 1_000 });
    const leader = await env.kernel.db.selectFrom('users').select('id').where('username', '=', 'a.leader').executeTakeFirstOrThrow();
    await runCommand(env.kernel, (tx) => setDisabled(tx, leader.id, true));
    try {
      const check = await post('a.finance', '/api/units/a/transfers/check', { fromIndicatorId: reserve.id, toIndicatorId: to.id, amount: 50_000 });
      expect([check.status, check.body.error.code]).toEqual([422, 'NO_ELIGIBLE_APPROVER']);
      await refusedWithoutTrace(env, () => post('a.finance', '/api/units/a/transfers', transferBody(reserve.id, to.id, 50_000)), 422, 'NO_ELIGIBLE_APPROVER');
    } finally {
      await runCommand(env.kernel, (tx) => setDisabled(tx, leader.id, false));
    }
  });

  it('a new request’s notice goes to the heads who may decide it: never to a disabled one', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const head = await env.kernel.db.selectFrom('role_grants').select(['department_id', 'user_id']).where('unit_id', '=', 'a').where('role', '=', 'department_head')
      .where('user_id', '=', (await env.kernel.db.selectFrom('users').select('id').where('username', '=', 'a.head').executeTakeFirstOrThrow()).id).executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    // A second head of the same department, whose account is then disabled.
    const { id: second } = await env.kernel.db.insertInto('users').values({ username: 'a.head2', display_name: '停用科长', password_hash: 'x', disabled: 0, created_at: now, password_changed_at: now }).returning('id').executeTakeFirstOrThrow();
    await env.kernel.db.insertInto('role_grants').values({ user_id: second, unit_id: 'a', role: 'department_head', department_id: head.department_id, granted_at: now }).execute();
    await runCommand(env.kernel, (tx) => setDisabled(tx, second, true));
    const told = async (userId: number) => (await env.kernel.db.selectFrom('notifications').select('id').where('user_id', '=', userId).execute()).length;
    const [headBefore, secondBefore] = [await told(head.user_id), await told(second)];
    const p = await submitPayment(env, ind.id, 10_000);
    expect(p.status).toBe(201);
    expect(p.body.steps[0].approvers).toEqual(['李静']);
    expect(await told(head.user_id)).toBe(headBefore + 1);
    expect(await told(second)).toBe(secondBefore);
  });

  it('who may decide is remembered between submissions, yet a granted or revoked role counts from the next request', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const financeStep = async () => (await post('a.staff', '/api/units/a/payments/check', { indicatorId: ind.id, amount: 10_000 })).body.steps[1].approvers;
    expect(await financeStep()).toEqual(['钱芳']);
    expect(await financeStep()).toEqual(['钱芳']);
    const now = new Date().toISOString();
    const { id } = await env.kernel.db.insertInto('users').values({ username: 'a.finance2', display_name: '新会计', password_hash: 'x', disabled: 0, created_at: now, password_changed_at: now }).returning('id').executeTakeFirstOrThrow();
    await env.kernel.db.insertInto('role_grants').values({ user_id: id, unit_id: 'a', role: 'finance_officer', department_id: null, granted_at: now }).execute();
    expect(await financeStep()).toEqual(['钱芳', '新会计']);
    await env.kernel.db.deleteFrom('role_grants').where('user_id', '=', id).execute();
    expect(await financeStep()).toEqual(['钱芳']);
  });

  it('every pending step names who decides it (下一步：谁审批), and only the pending one', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const p = await submitPayment(env, ind.id, 10_000);
    expect(p.body.steps.map((s: { approvers?: string[] }) => s.approvers)).toEqual([['李静'], undefined]);
    await post('a.head', `/api/units/a/payments/${p.body.id}/approve`, {});
    const after = await env.call('GET', `/api/units/a/payments/${p.body.id}`, await as('a.staff'));
    expect(after.body.steps.map((s: { approvers?: string[] }) => s.approvers)).toEqual([undefined, ['钱芳']]);
    const check = await post('a.staff', '/api/units/a/payments/check', { indicatorId: ind.id, amount: 10_000 });
    expect(check.body.steps).toEqual([
      { role: 'department_head', label: '科室负责人审核', approvers: ['李静'] },
      { role: 'finance_officer', label: '财务审核', approvers: ['钱芳'] },
    ]);
  });
});

describe('document numbers per unit, kind and year', () => {
  it('numbers each unit’s documents from 0001 per kind and year, never sharing a series', async () => {
    const fresh = await createTestEnv();
    try {
      const e = fresh;
      const tokenOf = async (u: string) => ({ token: await e.login(u) });
      const indA = await issue(e, { amount: 10_000_000 });
      const indB = await issue(e, { amount: 10_000_000, unitId: 'b' });
      const pay = async (unit: string, indicatorId: number, date: string) =>
        (await e.call('POST', `/api/units/${unit}/payments`, { ...(await tokenOf(`${unit}.staff`)), body: paymentBody(indicatorId, 1_000, { date }) })).body.docNo;
      expect([await pay('a', indA.id, '2026-06-10'), await pay('a', indA.id, '2026-06-11'), await pay('b', indB.id, '2026-06-10')]).toEqual(['ZF2026-0001', 'ZF2026-0002', 'ZF2026-0001']);
      const other = await issue(e, { amount: 1_000 });
      const t = await e.call('POST', '/api/units/a/transfers', { ...(await tokenOf('a.staff')), body: transferBody(indA.id, other.id, 1_000) });
      expect(t.body.docNo).toBe('TJ2026-0001');
      const adj = await e.call('POST', '/api/units/a/adjustments', { ...(await tokenOf('a.finance')), body: { indicatorId: indA.id, amount: 1_000, reason: '追加会议费', docNo: '示财预〔2026〕12号', date: '2026-07-01' } });
      expect([adj.body.serialNo, adj.body.docNo]).toEqual(['TZ2026-0001', '示财预〔2026〕12号']);
      // The next year starts its own series.
      const next = await e.kernel.db.selectFrom('doc_counters').selectAll().where('unit_id', '=', 'a').orderBy('kind').execute();
      expect(next.filter((c) => !c.kind.startsWith('voucher')).map((c) => [c.kind, c.year, Number(c.last_no)])).toEqual([['adjustment', 2026, 1], ['payment', 2026, 2], ['transfer', 2026, 1]]);
      const { nextDocNo } = await import('./doc-numbers.js');
      expect(await runCommand(e.kernel, (tx) => nextDocNo(tx, 'a', 'payment', 2027))).toBe('ZF2027-0001');
      expect(await runCommand(e.kernel, (tx) => nextDocNo(tx, 'a', 'payment', 2026))).toBe('ZF2026-0003');
      // Past 9999 the serial grows a digit (both dialects: PostgreSQL numbers the row in SQL).
      await e.kernel.db.updateTable('doc_counters').set({ last_no: 9_999 }).where('unit_id', '=', 'a').where('kind', '=', 'payment').where('year', '=', 2026).execute();
      expect(await pay('a', indA.id, '2026-06-12')).toBe('ZF2026-10000');
    } finally {
      await fresh.close();
    }
  });

  it('migration 016 numbers existing documents in id order per unit and year, and the counters continue from there', async () => {
    const fresh = await createTestEnv();
    try {
      const e = fresh;
      const indA = await issue(e, { amount: 10_000_000 });
      const indB = await issue(e, { amount: 10_000_000, unitId: 'b' });
      const pay = async (unit: string, indicatorId: number, date: string) =>
        (await e.call('POST', `/api/units/${unit}/payments`, { token: await e.login(`${unit}.staff`), body: paymentBody(indicatorId, 1_000, { date }) })).body.id as number;
      const ids = [await pay('a', indA.id, '2026-06-10'), await pay('b', indB.id, '2026-06-10'), await pay('a', indA.id, '2026-06-11')];
      const m016 = await import('../../db/migrations/016_doc_numbers.js');
      await m016.down(e.kernel.db);
      await m016.up(e.kernel.db);
      const rows = await e.kernel.db.selectFrom('payments').select(['id', 'unit_id', 'doc_no']).where('id', 'in', ids).orderBy('id').execute();
      expect(rows.map((r) => [r.unit_id, r.doc_no])).toEqual([['a', 'ZF2026-0001'], ['b', 'ZF2026-0001'], ['a', 'ZF2026-0002']]);
      expect((await e.call('POST', '/api/units/a/payments', { token: await e.login('a.staff'), body: paymentBody(indA.id, 1_000) })).body.docNo).toBe('ZF2026-0003');
    } finally {
      await fresh.close();
    }
  });

  it('concurrent submissions take consecutive numbers with no gap and no duplicate; a refused one takes none', async () => {
    const ind = await issue(env, { amount: 100_000_000 });
    const before = await env.kernel.db.selectFrom('doc_counters').select('last_no').where('unit_id', '=', 'a').where('kind', '=', 'payment').where('year', '=', 2026).executeTakeFirst();
    const start = Number(before?.last_no ?? 0);
    // One refused in the middle: beyond the balance, nothing is written, no number is used.
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => submitPayment(env, ind.id, 1_000)),
      submitPayment(env, ind.id, 999_999_999),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([...Array(8).fill(201), 422]);
    const numbers = results.filter((r) => r.status === 201).map((r) => r.body.docNo as string).sort();
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => `ZF2026-${String(start + i + 1).padStart(4, '0')}`));
    expect((await submitPayment(env, ind.id, 1_000)).body.docNo).toBe(`ZF2026-${String(start + 9).padStart(4, '0')}`);
  });

  it('vouchers of the 记 series are continuous per unit and month, both tracks of one event under one number', async () => {
    const fresh = await createTestEnv();
    try {
      const ind = await issue(fresh, { amount: 1_000_000, date: '2026-06-01' });
      const indB = await issue(fresh, { amount: 1_000_000, unitId: 'b', date: '2026-06-01' });
      await issue(fresh, { amount: 500_000, date: '2026-07-02' });
      const p = await fresh.call('POST', '/api/units/a/payments', { token: await fresh.login('a.staff'), body: paymentBody(ind.id, 10_000, { date: '2026-06-12' }) });
      await approveThrough(fresh, 'payments', p.body.id);
      const paid = await fresh.call('POST', `/api/units/a/payments/${p.body.id}/pay`, { token: await fresh.login('a.finance'), body: { date: '2026-06-20' } });
      expect(paid.status).toBe(200);
      void indB;
      const rows = await fresh.kernel.db.selectFrom('journal_entries').select(['unit_id', 'track', 'year', 'month', 'voucher_no', 'summary']).where('voucher_no', 'like', '记%').orderBy('id').execute();
      const series = (unit: string, month: number) => [...new Set(rows.filter((r) => r.unit_id === unit && r.month === month).map((r) => r.voucher_no))];
      expect(series('a', 6)).toEqual(['记2026-06-0001', '记2026-06-0002']);
      expect(series('a', 7)).toEqual(['记2026-07-0001']);
      expect(series('b', 6)).toEqual(['记2026-06-0001']);
      const payEntries = rows.filter((r) => r.voucher_no === '记2026-06-0002' && r.unit_id === 'a');
      expect(payEntries.map((r) => r.track).sort()).toEqual(['budgetary', 'financial']);
      expect(payEntries[0]!.summary).toContain(`支付申请 ${p.body.docNo}`);
      expect(payEntries[0]!.summary).not.toMatch(/payment #/);
    } finally {
      await fresh.close();
    }
  });
});

describe('a refused input names the field and the limit, in the caller’s language', () => {
  it('a 300-character payee, a negative amount, a missing purpose', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const body = { ...paymentBody(ind.id, -500), payeeName: '收'.repeat(300), purpose: '' };
    const zh = await refusedWithoutTrace(env, () => post('a.staff', '/api/units/a/payments', body), 400, 'VALIDATION_FAILED');
    const byPath = (r: typeof zh) => Object.fromEntries(r.body.error.details.issues.map((i: { path: string }) => [i.path, i]));
    expect(byPath(zh).payeeName).toEqual({ path: 'payeeName', field: '收款人', code: 'too_big', limit: 100, message: '收款人不能超过 100 个字符' });
    expect(byPath(zh).amount).toMatchObject({ field: '金额', code: 'too_small', message: '金额不能为负数' });
    expect(byPath(zh).purpose).toMatchObject({ field: '用途', message: '请填写用途' });
    expect(zh.body.error.message).toBe('输入不符合要求：收款人不能超过 100 个字符（共 3 处）');

    const en = await post('a.staff', '/api/units/a/payments', body, { 'accept-language': 'en-US,en;q=0.9' });
    expect(byPath(en).payeeName).toMatchObject({ field: 'Payee', limit: 100, message: 'Payee must be at most 100 characters' });
    expect(byPath(en).amount.message).toBe('Amount cannot be negative');
    expect(en.body.error.message).toBe('The input is not valid: Payee must be at most 100 characters (3 problems)');
  });

  it('amount limits read in yuan, a zero amount must be above 0, a date names its format', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const r = await post('a.staff', '/api/units/a/payments', { ...paymentBody(ind.id, 0), date: '2026/06/10' });
    const issues = r.body.error.details.issues as Array<{ path: string; message: string }>;
    expect(issues.find((i) => i.path === 'amount')?.message).toBe('金额必须大于 0');
    expect(issues.find((i) => i.path === 'date')?.message).toBe('日期格式应为 YYYY-MM-DD');
    const big = await post('a.staff', '/api/units/a/payments', paymentBody(ind.id, 10_000_000_000_001));
    expect(big.body.error.details.issues[0]).toMatchObject({ path: 'amount', code: 'too_big', message: '金额不能超过 100,000,000,000.00 元（1,000 亿元）' });
  });
});
