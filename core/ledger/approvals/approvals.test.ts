import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../db/command.js';
import { createTestEnv, refusedWithoutTrace, type TestEnv } from '../../../test/support/kernel.js';
import { actorOf, approveThrough, commandContext, commandRefusedWithoutTrace, departmentId, issue, submitPayment } from '../../../test/support/ledger.js';
import { decideStep, DEFAULT_FLOWS, getFlow, OVERRIDE_STEP, plannedSteps, saveFlow, startApproval, stepApplies, stepsOf } from './service.js';
import { inbox } from './inbox.js';
import type { FlowStep } from './schema.js';
import { THREE_PUBLIC_CODE_LIST } from '../three-public.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

const YUAN = 100;
const roles = (steps: Array<{ role: string }>) => steps.map((s) => s.role);
const planned = async (target: 'payment' | 'transfer' | 'adjustment', amount: number, economicCode: string, options = {}) =>
  roles(await plannedSteps(env.kernel.db, 'a', target, { amount, economicCode }, options));

describe('tiers: which steps a request must pass', () => {
  it('a step with no condition always applies; with conditions, when ANY holds', () => {
    const always: FlowStep = { role: 'finance_officer', label: '财务审核' };
    const big: FlowStep = { role: 'leader', label: '领导', when: { amountAbove: 1_000 } };
    const either: FlowStep = { role: 'leader', label: '领导', when: { amountAbove: 1_000, economicPrefixes: ['3021'], threePublic: true } };
    expect(stepApplies(always, { amount: 0, economicCode: '30201' })).toBe(true);
    expect(stepApplies({ ...always, when: {} }, { amount: 0, economicCode: '30201' })).toBe(true);
    expect(stepApplies(big, { amount: 1_000, economicCode: '30201' })).toBe(false);
    expect(stepApplies(big, { amount: 1_001, economicCode: '30201' })).toBe(true);
    expect(stepApplies(either, { amount: 1, economicCode: '30211' })).toBe(true);
    expect(stepApplies(either, { amount: 1, economicCode: '30231' })).toBe(true);
    expect(stepApplies(either, { amount: 1, economicCode: '30201' })).toBe(false);
  });

  it('the default payment flow: head, then finance, then the leader strictly above 50,000 yuan or for 三公经费 at any amount', async () => {
    expect(await planned('payment', 50_000 * YUAN, '30201')).toEqual(['department_head', 'finance_officer']);
    expect(await planned('payment', 50_000 * YUAN + 1, '30201')).toEqual(['department_head', 'finance_officer', 'leader']);
    for (const threePublic of THREE_PUBLIC_CODE_LIST) {
      expect(await planned('payment', 1, threePublic), threePublic).toEqual(['department_head', 'finance_officer', 'leader']);
    }
    expect(await planned('payment', 1, '30211')).toEqual(['department_head', 'finance_officer']);
    expect(await planned('transfer', 1, '30201')).toEqual(['finance_officer', 'leader']);
    expect(await planned('adjustment', 1, '30201')).toEqual(['leader']);
  });

  it('the flexible-quota fast track keeps the first step only; an override always ends with the leader, once', async () => {
    expect(await planned('transfer', 1, '30201', { onlyFirst: true })).toEqual(['finance_officer']);
    const override = await plannedSteps(env.kernel.db, 'a', 'payment', { amount: 1, economicCode: '30201' }, { override: true });
    expect(override.at(-1)).toEqual(OVERRIDE_STEP);
    expect(roles(override)).toEqual(['department_head', 'finance_officer', 'leader']);
    expect(await planned('payment', 50_000 * YUAN + 1, '30201', { override: true })).toEqual(['department_head', 'finance_officer', 'leader']);
    expect(await planned('transfer', 1, '30201', { onlyFirst: true, override: true })).toEqual(['finance_officer', 'leader']);
  });

  it('tiers by economic class: an edited flow sends 差旅/会议 (3021x) to the leader and leaves the rest to finance', async () => {
    const { actor, scope } = await commandContext(env, 'b.admin', 'approval.manage');
    await runCommand(env.kernel, (tx) => saveFlow(tx, actor, scope, 'payment', {
      name: '按经济分类分级',
      steps: [
        { role: 'finance_officer', label: '财务审核' },
        { role: 'leader', label: '领导审批', when: { economicPrefixes: ['3021'] } },
      ],
    }));
    const b = async (amount: number, economicCode: string) => roles(await plannedSteps(env.kernel.db, 'b', 'payment', { amount, economicCode }));
    expect(await b(100, '30211')).toEqual(['finance_officer', 'leader']);
    expect(await b(100, '30215')).toEqual(['finance_officer', 'leader']);
    expect(await b(10_000_000 * YUAN, '30201')).toEqual(['finance_officer']);
    expect(await planned('payment', 100, '30211')).toEqual(['department_head', 'finance_officer']);
  });
});

describe('deciding the steps', () => {
  let next = 900_000;
  const steps: FlowStep[] = DEFAULT_FLOWS.payment.steps.map(({ role, label }) => ({ role, label }));
  /** An approval of a made-up payment id: decideStep knows steps, not documents. */
  async function started(flow: FlowStep[] = steps) {
    const id = next++;
    await runCommand(env.kernel, (tx) => startApproval(tx, 'a', 'payment', id, flow));
    return id;
  }
  const statuses = async (id: number) => (await stepsOf(env.kernel.db, 'payment', id)).map((s) => s.status);

  it('goes in order: only the pending step’s role decides, and the last decision is final', async () => {
    const [staff, head, finance, leader] = await Promise.all(['a.staff', 'a.head', 'a.finance', 'a.leader'].map((u) => actorOf(env, u)));
    const requester = { userId: staff!.userId, departmentId: await departmentId(env, 'a', '03') };
    const id = await started();
    expect(await statuses(id)).toEqual(['pending', 'waiting', 'waiting']);

    const early = await commandRefusedWithoutTrace(env, (tx) => decideStep(tx, finance!, 'a', 'payment', id, requester, 'approved', undefined), 'NOT_YOUR_STEP');
    expect(early.details).toMatchObject({ label: '科室负责人审核', role: 'department_head' });

    const first = await runCommand(env.kernel, (tx) => decideStep(tx, head!, 'a', 'payment', id, requester, 'approved', '同意'));
    expect(first).toEqual({ final: false, label: '科室负责人审核' });
    expect(await statuses(id)).toEqual(['approved', 'pending', 'waiting']);
    const second = await runCommand(env.kernel, (tx) => decideStep(tx, finance!, 'a', 'payment', id, requester, 'approved', undefined));
    expect(second).toEqual({ final: false, label: '财务审核' });
    const last = await runCommand(env.kernel, (tx) => decideStep(tx, leader!, 'a', 'payment', id, requester, 'approved', undefined));
    expect(last).toEqual({ final: true, label: '单位领导审批' });

    const trail = await stepsOf(env.kernel.db, 'payment', id);
    expect(trail.map((s) => [s.status, s.decidedBy, s.comment])).toEqual([
      ['approved', head!.userId, '同意'], ['approved', finance!.userId, null], ['approved', leader!.userId, null],
    ]);
    await commandRefusedWithoutTrace(env, (tx) => decideStep(tx, leader!, 'a', 'payment', id, requester, 'approved', undefined), 'INVALID_STATE');
  });

  it('a rejection is final: the steps still open are cancelled', async () => {
    const [staff, head] = await Promise.all(['a.staff', 'a.head'].map((u) => actorOf(env, u)));
    const id = await started();
    const requester = { userId: staff!.userId, departmentId: await departmentId(env, 'a', '03') };
    const rejected = await runCommand(env.kernel, (tx) => decideStep(tx, head!, 'a', 'payment', id, requester, 'rejected', '用途不明'));
    expect(rejected).toEqual({ final: true, label: '科室负责人审核' });
    expect(await statuses(id)).toEqual(['rejected', 'cancelled', 'cancelled']);
  });

  it('refuses self-approval, even by someone holding the step’s role', async () => {
    const head = await actorOf(env, 'a.head');
    const id = await started();
    const own = { userId: head.userId, departmentId: await departmentId(env, 'a', '03') };
    await commandRefusedWithoutTrace(env, (tx) => decideStep(tx, head, 'a', 'payment', id, own, 'approved', undefined), 'SELF_APPROVAL');
    await commandRefusedWithoutTrace(env, (tx) => decideStep(tx, head, 'a', 'payment', id, own, 'rejected', undefined), 'SELF_APPROVAL');
    expect(await statuses(id)).toEqual(['pending', 'waiting', 'waiting']);
  });

  it('a department head decides only for their own department; finance and the leader for any', async () => {
    const [staff, head, finance] = await Promise.all(['a.staff', 'a.head', 'a.finance'].map((u) => actorOf(env, u)));
    const office = { userId: staff!.userId, departmentId: await departmentId(env, 'a', '01') };
    const id = await started();
    const refused = await commandRefusedWithoutTrace(env, (tx) => decideStep(tx, head!, 'a', 'payment', id, office, 'approved', undefined), 'DEPARTMENT_SCOPE');
    expect(refused.details).toEqual({ departmentId: office.departmentId });

    const financeFirst = await started([{ role: 'finance_officer', label: '财务审核' }]);
    expect(await runCommand(env.kernel, (tx) => decideStep(tx, finance!, 'a', 'payment', financeFirst, office, 'approved', undefined))).toEqual({ final: true, label: '财务审核' });
  });

  it('a supervising unit reads but never approves: its leader holds no step in the unit', async () => {
    const [staff, supervisor] = await Promise.all(['a.staff', 'dept.leader'].map((u) => actorOf(env, u)));
    const id = await started([{ role: 'leader', label: '单位领导审批' }]);
    const requester = { userId: staff!.userId, departmentId: await departmentId(env, 'a', '03') };
    await commandRefusedWithoutTrace(env, (tx) => decideStep(tx, supervisor!, 'a', 'payment', id, requester, 'approved', undefined), 'NOT_YOUR_STEP');
  });
});

describe('the inbox: what waits for whom', () => {
  const inboxOf = async (username: string) => {
    const { actor, scope } = await commandContext(env, username, 'approval.read');
    return inbox(env.kernel.db, actor, scope);
  };
  const find = (items: Array<{ target: string; targetId: number }>, target: string, id: number) => items.find((i) => i.target === target && i.targetId === id);

  it('lists each document at the step its reader decides, never their own, and a head only their department’s', async () => {
    const mine = await issue(env, { amount: 10_000_000, name: '办公费' });
    const other = await issue(env, { amount: 10_000_000, departmentCode: '01' });
    const p1 = await submitPayment(env, mine.id, 12_345);
    const p2 = await submitPayment(env, other.id, 20_000, {}, 'a.finance');
    const p3 = await submitPayment(env, mine.id, 30_000, {}, 'a.head');
    const t1 = await env.call('POST', '/api/units/a/transfers', {
      token: await env.login('a.staff'), body: { fromIndicatorId: mine.id, toIndicatorId: (await issue(env, { amount: 1_000 })).id, amount: 5_000, reason: '会议费不足', date: '2026-07-01' },
    });
    const a1 = await env.call('POST', '/api/units/a/adjustments', {
      token: await env.login('a.finance'), body: { indicatorId: mine.id, amount: -7_000, reason: '压减一般性支出', date: '2026-07-01' },
    });
    expect([p1.status, p2.status, p3.status, t1.status, a1.status]).toEqual([201, 201, 201, 201, 201]);

    const head = await inboxOf('a.head');
    expect(find(head, 'payment', p1.body.id)).toEqual({
      target: 'payment', targetId: p1.body.id, docNo: p1.body.docNo, seq: 1, label: '科室负责人审核', amount: 12_345,
      summary: '购买办公用品（收款人：示范县文具公司）', requestedBy: '孙浩', requestedAt: p1.body.createdAt,
    });
    expect(find(head, 'payment', p2.body.id)).toBeUndefined();
    expect(find(head, 'payment', p3.body.id)).toBeUndefined();
    expect(find(head, 'transfer', t1.body.id)).toBeUndefined();

    const finance = await inboxOf('a.finance');
    expect(find(finance, 'payment', p1.body.id)).toBeUndefined();
    expect(find(finance, 'transfer', t1.body.id)).toMatchObject({ seq: 1, label: '财务审核', amount: 5_000, summary: '预算调剂：会议费不足' });
    expect(find(finance, 'adjustment', a1.body.id)).toBeUndefined();

    const leader = await inboxOf('a.leader');
    expect(find(leader, 'adjustment', a1.body.id)).toMatchObject({ seq: 1, label: '单位领导审批', amount: -7_000, summary: '追减：压减一般性支出', requestedBy: '钱芳' });
    expect(find(leader, 'transfer', t1.body.id)).toBeUndefined();
    expect(await inboxOf('a.staff')).toEqual([]);
    expect(await inboxOf('a.auditor')).toEqual([]);

    // One step on, the payment leaves the head's inbox and reaches finance's.
    expect((await env.call('POST', `/api/units/a/payments/${p1.body.id}/approve`, { token: await env.login('a.head'), body: {} })).status).toBe(200);
    expect(find(await inboxOf('a.head'), 'payment', p1.body.id)).toBeUndefined();
    expect(find(await inboxOf('a.finance'), 'payment', p1.body.id)).toMatchObject({ seq: 2, label: '财务审核' });
    const overHttp = await env.call('GET', '/api/units/a/approvals/inbox', { token: await env.login('a.finance') });
    expect(overHttp.body).toEqual(await inboxOf('a.finance'));
  });
});

describe('editing a flow', () => {
  it('starts from the default (version 0), counts versions, audits each edit, and governs only the next request', async () => {
    const { actor, scope } = await commandContext(env, 'a.admin', 'approval.manage');
    const initial = await getFlow(env.kernel.db, 'a', 'transfer');
    expect(initial).toEqual({ target: 'transfer', ...DEFAULT_FLOWS.transfer, version: 0, updatedAt: '' });
    const reserve = await issue(env, { amount: 1_000_000 });
    const to = await issue(env, { amount: 1_000 });
    const before = await env.call('POST', '/api/units/a/transfers', {
      token: await env.login('a.staff'), body: { fromIndicatorId: reserve.id, toIndicatorId: to.id, amount: 1_000, reason: '编辑前提交', date: '2026-07-01' },
    });

    const v1 = await runCommand(env.kernel, (tx) => saveFlow(tx, actor, scope, 'transfer', { name: '调剂只需财务', steps: [{ role: 'finance_officer', label: '财务审核' }] }));
    expect(v1).toMatchObject({ target: 'transfer', name: '调剂只需财务', version: 1 });
    const v2 = await runCommand(env.kernel, (tx) => saveFlow(tx, actor, scope, 'transfer', { name: '调剂两级审批', steps: DEFAULT_FLOWS.transfer.steps }));
    expect(v2.version).toBe(2);
    expect(await getFlow(env.kernel.db, 'a', 'transfer')).toEqual(v2);

    const audit = await env.kernel.db.selectFrom('audit_log').select(['action', 'actor_name', 'before_json', 'after_json'])
      .where('entity', '=', 'approval_flow').where('entity_id', '=', 'a:transfer').orderBy('seq').execute();
    expect(audit.map((e) => [e.action, e.actor_name, JSON.parse(e.before_json).version, JSON.parse(e.after_json).version])).toEqual([
      ['approval_flow.update', 'a.admin', 0, 1], ['approval_flow.update', 'a.admin', 1, 2],
    ]);

    await runCommand(env.kernel, (tx) => saveFlow(tx, actor, scope, 'transfer', { name: '调剂只需财务', steps: [{ role: 'finance_officer', label: '财务审核' }] }));
    const after = await env.call('POST', '/api/units/a/transfers', {
      token: await env.login('a.staff'), body: { fromIndicatorId: reserve.id, toIndicatorId: to.id, amount: 1_000, reason: '编辑后提交', date: '2026-07-01' },
    });
    expect(roles(before.body.steps)).toEqual(['finance_officer', 'leader']);
    expect(roles(after.body.steps)).toEqual(['finance_officer']);
    expect((await approveThrough(env, 'transfers', before.body.id)).steps.map((s: { status: string }) => s.status)).toEqual(['approved', 'approved']);
    await runCommand(env.kernel, (tx) => saveFlow(tx, actor, scope, 'transfer', DEFAULT_FLOWS.transfer));
  });

  it('over HTTP: the unit admin replaces a payment flow; a role that cannot approve, or a caller without approval.manage, changes nothing', async () => {
    const admin = await env.login('a.admin');
    const flows = await env.call('GET', '/api/units/a/approval-flows', { token: admin });
    expect(flows.body.map((f: { target: string }) => f.target)).toEqual(['payment', 'transfer', 'adjustment']);
    const edited = await env.call('PUT', '/api/units/a/approval-flows/payment', {
      token: admin,
      body: { name: '简化支付审批', steps: [{ role: 'finance_officer', label: '财务审核' }, { role: 'leader', label: '领导审批', when: { amountAbove: 1_000_00 } }] },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(1);
    const ind = await issue(env, { amount: 1_000_000 });
    const small = await submitPayment(env, ind.id, 1_000_00);
    expect(roles(small.body.steps)).toEqual(['finance_officer']);
    const big = await submitPayment(env, ind.id, 1_000_01);
    expect(roles(big.body.steps)).toEqual(['finance_officer', 'leader']);

    const finance = await env.login('a.finance');
    await refusedWithoutTrace(env, () => env.call('PUT', '/api/units/a/approval-flows/payment', { token: admin, body: { name: 'x', steps: [{ role: 'auditor', label: '审计' }] } }), 400, 'VALIDATION_FAILED');
    await refusedWithoutTrace(env, () => env.call('PUT', '/api/units/a/approval-flows/payment', { token: finance, body: { name: 'x', steps: [{ role: 'leader', label: '领导' }] } }), 403, 'FORBIDDEN');
    const restored = await env.call('PUT', '/api/units/a/approval-flows/payment', { token: admin, body: DEFAULT_FLOWS.payment });
    expect(restored.body.version).toBe(2);
  });
});
