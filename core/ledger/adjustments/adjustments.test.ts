import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv, refusedWithoutTrace, type CallResult } from '../../../test/support/kernel.js';
import { approveThrough, indicator, issue, submitPayment } from '../../../test/support/ledger.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

const transfer = async (body: Record<string, unknown>, username = 'a.staff') =>
  env.call('POST', '/api/units/a/transfers', { token: await env.login(username), body: { reason: '工作重点调整', date: '2026-07-01', ...body } });

const expectNothingWritten = (run: () => Promise<CallResult>, status: number, code: string) => refusedWithoutTrace(env, run, status, code).then((r) => r.body);

describe('transfers (调剂)', () => {
  it('moves money between indicators with the total unchanged, linked both ways', async () => {
    const from = await issue(env, { amount: 1_000_000, name: '办公费' });
    const to = await issue(env, { amount: 500_000, name: '印刷费', economicCode: '30202' });
    const t = await transfer({ fromIndicatorId: from.id, toIndicatorId: to.id, amount: 250_000 });
    expect(t.status).toBe(201);
    expect(t.body).toMatchObject({ status: 'pending', fastTrack: false });
    expect(t.body.steps.map((s: any) => s.role)).toEqual(['finance_officer', 'leader']);
    expect((await indicator(env, from.id)).available).toBe(1_000_000);

    const done = await approveThrough(env, 'transfers', t.body.id);
    expect(done.status).toBe('approved');
    const a = await indicator(env, from.id);
    const b = await indicator(env, to.id);
    expect([a.amount, b.amount]).toEqual([750_000, 750_000]);
    expect(a.amount + b.amount).toBe(1_500_000);
    expect(a.movements.at(-1)).toMatchObject({ kind: 'transfer_out', amount: 250_000, refType: 'transfer', refId: t.body.id, counterpartIndicatorId: to.id });
    expect(b.movements.at(-1)).toMatchObject({ kind: 'transfer_in', amount: 250_000, counterpartIndicatorId: from.id });
    expect(b.origins.map((o: any) => [o.indicatorId, o.via])).toEqual([[to.id, 'issue'], [from.id, 'transfer']]);
  });

  it('passes with one approval inside the flexible quota, and takes the full flow above it', async () => {
    const reserve = await issue(env, { amount: 10_000_000, name: '机动额度', isFlexibleReserve: true });
    const to = await issue(env, { amount: 100_000 });
    const small = await transfer({ fromIndicatorId: reserve.id, toIndicatorId: to.id, amount: 20_000_00 });
    expect(small.body.fastTrack).toBe(true);
    expect(small.body.steps.map((s: any) => s.role)).toEqual(['finance_officer']);
    expect((await approveThrough(env, 'transfers', small.body.id)).status).toBe('approved');

    const large = await transfer({ fromIndicatorId: reserve.id, toIndicatorId: to.id, amount: 20_000_01 });
    expect(large.body.fastTrack).toBe(false);
    expect(large.body.steps.map((s: any) => s.role)).toEqual(['finance_officer', 'leader']);

    await env.call('PUT', '/api/units/a/ledger-settings', {
      token: await env.login('a.admin'),
      body: { flexibleThreshold: 30_000_00, kindEconomicMap: { personnel: ['301', '303'], operating: ['302', '310'], project: ['302', '310', '312'] } },
    });
    const check = await env.call('POST', '/api/units/a/transfers/check', { token: await env.login('a.staff'), body: { fromIndicatorId: reserve.id, toIndicatorId: to.id, amount: 25_000_00 } });
    expect(check.body).toMatchObject({ ok: true, fastTrack: true, steps: [{ role: 'finance_officer' }] });
  });

  it('refuses more than the source has, the same indicator, and transfers into 三公经费', async () => {
    const from = await issue(env, { amount: 100_000 });
    const to = await issue(env, { amount: 100_000 });
    const reception = await issue(env, { amount: 100_000, economicCode: '30217' });
    await expectNothingWritten(() => transfer({ fromIndicatorId: from.id, toIndicatorId: to.id, amount: 100_001 }), 422, 'BALANCE_EXCEEDED');
    await expectNothingWritten(() => transfer({ fromIndicatorId: from.id, toIndicatorId: from.id, amount: 1 }), 422, 'SAME_INDICATOR');
    await expectNothingWritten(() => transfer({ fromIndicatorId: from.id, toIndicatorId: reception.id, amount: 1_000 }), 422, 'THREE_PUBLIC_INCREASE');
    await expectNothingWritten(() => transfer({ fromIndicatorId: from.id, toIndicatorId: to.id, amount: 1_000, date: '2026-04-30' }), 422, 'PERIOD_CLOSED');
  });

  it('FUND_SOURCE_MISMATCH blocks by default and can be set to warn', async () => {
    const from = await issue(env, { amount: 100_000, fundSourceCode: '11' });
    const to = await issue(env, { amount: 100_000, fundSourceCode: '21' });
    await expectNothingWritten(() => transfer({ fromIndicatorId: from.id, toIndicatorId: to.id, amount: 1_000 }), 422, 'FUND_SOURCE_MISMATCH');
    await env.call('PUT', '/api/units/a/control-rules/FUND_SOURCE_MISMATCH', { token: await env.login('a.admin'), body: { mode: 'warn' } });
    const warned = await transfer({ fromIndicatorId: from.id, toIndicatorId: to.id, amount: 1_000 });
    expect(warned.status).toBe(201);
    expect(warned.body.warnings).toEqual([expect.objectContaining({ rule: 'FUND_SOURCE_MISMATCH', severity: 'warn' })]);
  });

  it('checks the balance again at the final approval: money spent meanwhile cannot be transferred', async () => {
    const from = await issue(env, { amount: 100_000 });
    const to = await issue(env, { amount: 100_000 });
    const t = await transfer({ fromIndicatorId: from.id, toIndicatorId: to.id, amount: 80_000 });
    const p = await submitPayment(env, from.id, 50_000);
    await approveThrough(env, 'payments', p.body.id);
    await env.call('POST', `/api/units/a/transfers/${t.body.id}/approve`, { token: await env.login('a.finance'), body: {} });
    const final = await env.call('POST', `/api/units/a/transfers/${t.body.id}/approve`, { token: await env.login('a.leader'), body: {} });
    expect(final.status).toBe(422);
    expect(final.body.error.code).toBe('BALANCE_EXCEEDED');
    const after = await env.call('GET', `/api/units/a/transfers/${t.body.id}`, { token: await env.login('a.finance') });
    expect(after.body.status).toBe('pending');
    expect(after.body.steps.map((s: any) => s.status)).toEqual(['approved', 'pending']);
    expect((await indicator(env, from.id))).toMatchObject({ amount: 100_000, frozen: 50_000 });
  });

  it('rejects and withdraws without touching balances', async () => {
    const from = await issue(env, { amount: 100_000 });
    const to = await issue(env, { amount: 100_000 });
    const t1 = await transfer({ fromIndicatorId: from.id, toIndicatorId: to.id, amount: 10_000 });
    const rejected = await env.call('POST', `/api/units/a/transfers/${t1.body.id}/reject`, { token: await env.login('a.finance'), body: { comment: '理由不充分' } });
    expect(rejected.body.status).toBe('rejected');
    const t2 = await transfer({ fromIndicatorId: from.id, toIndicatorId: to.id, amount: 10_000 });
    const other = await env.call('POST', `/api/units/a/transfers/${t2.body.id}/withdraw`, { token: await env.login('a.head'), body: {} });
    expect(other.body.error.code).toBe('NOT_REQUESTER');
    const withdrawn = await env.call('POST', `/api/units/a/transfers/${t2.body.id}/withdraw`, { token: await env.login('a.staff'), body: {} });
    expect(withdrawn.body.status).toBe('withdrawn');
    const again = await env.call('POST', `/api/units/a/transfers/${t2.body.id}/approve`, { token: await env.login('a.finance'), body: {} });
    expect(again.body.error.code).toBe('INVALID_STATE');
    expect((await indicator(env, from.id)).amount).toBe(100_000);
  });
});

describe('adjustments (追加/追减)', () => {
  const adjust = async (indicatorId: number, amount: number, date = '2026-07-01') =>
    env.call('POST', '/api/units/a/adjustments', { token: await env.login('a.finance'), body: { indicatorId, amount, reason: '年中追加', docNo: '示财预〔2026〕12号', date } });

  it('increases and reduces an indicator after approval', async () => {
    const ind = await issue(env, { amount: 100_000 });
    const up = await adjust(ind.id, 50_000);
    expect(up.status).toBe(201);
    expect((await indicator(env, ind.id)).amount).toBe(100_000);
    const approved = await approveThrough(env, 'adjustments', up.body.id);
    expect(approved.status).toBe('approved');
    expect((await indicator(env, ind.id))).toMatchObject({ issued: 100_000, adjusted: 50_000, amount: 150_000, available: 150_000 });
    const down = await adjust(ind.id, -30_000);
    await approveThrough(env, 'adjustments', down.body.id);
    expect((await indicator(env, ind.id))).toMatchObject({ adjusted: 20_000, amount: 120_000 });
  });

  it('REDUCTION_BELOW_USED: never below what is frozen and paid, at submission and at approval', async () => {
    const ind = await issue(env, { amount: 100_000 });
    const p = await submitPayment(env, ind.id, 70_000);
    await approveThrough(env, 'payments', p.body.id);
    await expectNothingWritten(() => adjust(ind.id, -30_001), 422, 'REDUCTION_BELOW_USED');
    const ok = await adjust(ind.id, -30_000);
    expect(ok.status).toBe(201);
    const p2 = await submitPayment(env, ind.id, 1_000);
    await approveThrough(env, 'payments', p2.body.id);
    const self = await env.call('POST', `/api/units/a/adjustments/${ok.body.id}/approve`, { token: await env.login('a.finance'), body: {} });
    expect(self.body.error.code).toBe('NOT_YOUR_STEP');
    const final = await env.call('POST', `/api/units/a/adjustments/${ok.body.id}/approve`, { token: await env.login('a.leader'), body: {} });
    expect(final.status).toBe(422);
    expect(final.body.error.code).toBe('REDUCTION_BELOW_USED');
    expect((await indicator(env, ind.id))).toMatchObject({ amount: 100_000, frozen: 71_000 });
  });

  it('refuses a zero adjustment and one dated in a closed period', async () => {
    const ind = await issue(env, { amount: 100_000 });
    expect((await adjust(ind.id, 0)).status).toBe(400);
    await expectNothingWritten(() => adjust(ind.id, 1_000, '2026-01-31'), 422, 'PERIOD_CLOSED');
  });
});

describe('approval flows edited by the unit admin', () => {
  it('govern the next payment', async () => {
    const admin = await env.login('a.admin');
    const flows = await env.call('GET', '/api/units/a/approval-flows', { token: admin });
    expect(flows.body.map((f: any) => f.target)).toEqual(['payment', 'transfer', 'adjustment']);
    const edited = await env.call('PUT', '/api/units/a/approval-flows/payment', {
      token: admin,
      body: { name: '简化支付审批', steps: [{ role: 'finance_officer', label: '财务审核' }, { role: 'leader', label: '领导审批', when: { amountAbove: 1_000_00 } }] },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(1);
    const ind = await issue(env, { amount: 1_000_000 });
    const small = await submitPayment(env, ind.id, 1_000_00);
    expect(small.body.steps.map((s: any) => s.role)).toEqual(['finance_officer']);
    const big = await submitPayment(env, ind.id, 1_000_01);
    expect(big.body.steps.map((s: any) => s.role)).toEqual(['finance_officer', 'leader']);
    const inbox = await env.call('GET', '/api/units/a/approvals/inbox', { token: await env.login('a.finance') });
    expect(inbox.body.map((i: any) => i.targetId)).toEqual(expect.arrayContaining([small.body.id, big.body.id]));
    const bad = await env.call('PUT', '/api/units/a/approval-flows/payment', { token: admin, body: { name: 'x', steps: [{ role: 'auditor', label: '审计' }] } });
    expect(bad.status).toBe(400);
    await env.call('PUT', '/api/units/a/approval-flows/payment', {
      token: admin,
      body: { name: '支付审批流', steps: [{ role: 'department_head', label: '科室负责人审核' }, { role: 'finance_officer', label: '财务审核' }, { role: 'leader', label: '单位领导审批', when: { amountAbove: 5_000_000, threePublic: true } }] },
    });
  });
});
