import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../db/command.js';
import { createTestEnv, type TestEnv, refusedWithoutTrace, type CallResult } from '../../../test/support/kernel.js';
import { approveThrough, commandContext, commandRefusedWithoutTrace, indicator, issue, submitPayment } from '../../../test/support/ledger.js';
import { DEFAULT_FLOWS, saveFlow } from '../approvals/service.js';
import { approveAdjustment, createAdjustment, rejectAdjustment, withdrawAdjustment } from './service.js';
import type { AdjustmentDraft } from './schema.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

const expectNothingWritten = (run: () => Promise<CallResult>, status: number, code: string) => refusedWithoutTrace(env, run, status, code).then((r) => r.body);

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

describe('adjustments as commands', () => {
  const draft = (indicatorId: number, amount: number): AdjustmentDraft => ({ indicatorId, amount, reason: '年中追加', docNo: '示财预〔2026〕12号', date: '2026-07-01' });
  const submit = async (body: AdjustmentDraft) => {
    const { actor, scope } = await commandContext(env, 'a.finance', 'indicator.adjust');
    return runCommand(env.kernel, (tx) => createAdjustment(tx, actor, scope, body));
  };
  const eventsOf = async (id: number) => {
    const rows = await env.kernel.db.selectFrom('outbox').select(['type', 'payload']).where('type', 'like', 'adjustment.%').orderBy('id').execute();
    return rows.map((r) => ({ type: r.type, payload: JSON.parse(r.payload) })).filter((e) => (e.payload.adjustment?.id ?? e.payload.id) === id);
  };
  const auditOf = async (id: number) =>
    (await env.kernel.db.selectFrom('audit_log').select(['action', 'actor_name', 'before_json', 'after_json'])
      .where('entity', '=', 'adjustment').where('entity_id', '=', String(id)).orderBy('seq').execute())
      .map((e) => [e.action, e.actor_name, JSON.parse(e.before_json), JSON.parse(e.after_json)]);

  it('changes the indicator by exactly the amount at the leader’s approval, with audit entries and events', async () => {
    const ind = await issue(env, { amount: 123_456 });
    const submitted = await submit(draft(ind.id, -23_456));
    expect(submitted).toMatchObject({ status: 'pending', amount: -23_456, docNo: '示财预〔2026〕12号', steps: [{ role: 'leader', status: 'pending' }] });
    expect((await indicator(env, ind.id)).amount).toBe(123_456);
    const leader = await commandContext(env, 'a.leader', 'transfer.approve');
    const done = await runCommand(env.kernel, (tx) => approveAdjustment(tx, leader.actor, leader.scope, submitted.id, { comment: '同意' }));
    expect(done).toMatchObject({ status: 'approved', comments: [{ action: 'approve:单位领导审批', body: '同意' }] });
    expect((await indicator(env, ind.id))).toMatchObject({ issued: 123_456, adjusted: -23_456, amount: 100_000, available: 100_000 });
    expect(await auditOf(submitted.id)).toEqual([
      ['adjustment.submit', 'a.finance', null, submitted],
      ['adjustment.approve', 'a.leader', { status: 'pending' }, { status: 'approved', step: '单位领导审批' }],
    ]);
    expect(await eventsOf(submitted.id)).toEqual([
      { type: 'adjustment.submitted', payload: { adjustment: submitted } }, { type: 'adjustment.approved', payload: { adjustment: done } },
    ]);
  });

  it('tiers by the size of the change, whichever its sign', async () => {
    const admin = await commandContext(env, 'a.admin', 'approval.manage');
    // The requester is the unit's only finance officer: a 财务复核 step would be routed to the leader (routing.ts), so the tiers here are the head's and the leader's.
    await runCommand(env.kernel, (tx) => saveFlow(tx, admin.actor, admin.scope, 'adjustment', {
      name: '大额调整报领导', steps: [{ role: 'department_head', label: '科室负责人审核' }, { role: 'leader', label: '单位领导审批', when: { amountAbove: 10_000 } }],
    }));
    const ind = await issue(env, { amount: 1_000_000 });
    expect((await submit(draft(ind.id, 10_000))).steps.map((s) => s.role)).toEqual(['department_head']);
    expect((await submit(draft(ind.id, -10_001))).steps.map((s) => s.role)).toEqual(['department_head', 'leader']);
    await runCommand(env.kernel, (tx) => saveFlow(tx, admin.actor, admin.scope, 'adjustment', DEFAULT_FLOWS.adjustment));
  });

  it('a refused approval or closing writes nothing; reject and withdraw leave the indicator as it was', async () => {
    const ind = await issue(env, { amount: 100_000 });
    const leader = await commandContext(env, 'a.leader', 'transfer.approve');
    const finance = await commandContext(env, 'a.finance', 'indicator.adjust');
    const staff = await commandContext(env, 'a.staff', 'transfer.create');
    const cut = await submit(draft(ind.id, -60_000));
    await submitPayment(env, ind.id, 50_000).then((p) => approveThrough(env, 'payments', p.body.id));
    await commandRefusedWithoutTrace(env, (tx) => approveAdjustment(tx, leader.actor, leader.scope, cut.id, {}), 'REDUCTION_BELOW_USED');
    await commandRefusedWithoutTrace(env, (tx) => approveAdjustment(tx, finance.actor, finance.scope, cut.id, {}), 'NOT_YOUR_STEP');
    await commandRefusedWithoutTrace(env, (tx) => withdrawAdjustment(tx, staff.actor, staff.scope, cut.id, {}), 'NOT_REQUESTER');

    const rejected = await runCommand(env.kernel, (tx) => rejectAdjustment(tx, leader.actor, leader.scope, cut.id, { comment: '已有支出，不宜调减' }));
    expect(rejected).toMatchObject({ status: 'rejected', steps: [{ status: 'rejected' }], comments: [{ action: 'reject', body: '已有支出，不宜调减' }] });
    expect((await eventsOf(cut.id)).at(-1)).toEqual({ type: 'adjustment.rejected', payload: { id: cut.id } });
    const notice = await env.kernel.db.selectFrom('notifications').select(['user_id', 'title']).where('user_id', '=', finance.actor.userId).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(cut.serialNo).toMatch(/^TZ2026-\d{4}$/);
    expect(notice.title).toBe(`预算调整 ${cut.serialNo} 被退回，600.00 元`);

    const more = await submit(draft(ind.id, 5_000));
    const withdrawn = await runCommand(env.kernel, (tx) => withdrawAdjustment(tx, finance.actor, finance.scope, more.id, {}));
    expect(withdrawn).toMatchObject({ status: 'withdrawn', steps: [{ status: 'cancelled' }] });
    expect((await auditOf(more.id)).at(-1)).toEqual(['adjustment.withdraw', 'a.finance', { status: 'pending' }, { status: 'withdrawn' }]);
    await commandRefusedWithoutTrace(env, (tx) => approveAdjustment(tx, leader.actor, leader.scope, more.id, {}), 'INVALID_STATE');
    expect((await indicator(env, ind.id))).toMatchObject({ amount: 100_000, adjusted: 0, frozen: 50_000 });
  });
});
