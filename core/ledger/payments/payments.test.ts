import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../db/command.js';
import { auditCount, createTestEnv, footprint, type TestEnv, refusedWithoutTrace, type CallResult } from '../../../test/support/kernel.js';
import { approveThrough, commandContext, commandRefusedWithoutTrace, departmentId, indicator, issue, paymentBody, submitPayment } from '../../../test/support/ledger.js';
import { PaymentDraft } from './schema.js';
import { approvePayment, createPayment, validatePayment, payPayment } from './service.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

const expectRefused = (run: () => Promise<CallResult>, status: number, code: string) => refusedWithoutTrace(env, run, status, code).then((r) => r.body);

describe('payment lifecycle', () => {
  it('answers a submission with the request exactly as its detail reads it back (built from what the command holds)', async () => {
    const ind = await issue(env, { amount: 5_000_000 });
    const cases: Array<[string, Record<string, unknown>]> = [
      ['a.staff', {}],
      ['a.staff', { procurement: true, contractNo: 'CG-2026-101', payeeBank: '示范县农商行', attachments: [] }],
      ['a.head', {}], // the requester is left out of the step they would decide
      ['a.finance', {}], // the only finance officer: the finance step goes to a stand-in
    ];
    for (const [username, extra] of cases) {
      const submitted = await submitPayment(env, ind.id, 1_000, extra, username);
      if (submitted.status === 403) continue; // a role that may not submit
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
      const read = await env.call('GET', `/api/units/a/payments/${submitted.body.id}`, { token: await env.login('a.finance') });
      expect(submitted.body, username).toEqual(read.body);
    }
  });

  it('goes pending → approved (frozen) → paid (spent), through department head and finance', async () => {
    const ind = await issue(env, { amount: 5_000_000 });
    const submitted = await submitPayment(env, ind.id, 123_456);
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ status: 'pending', amount: 123_456, economicCode: '30201', createdByName: '孙浩' });
    expect(submitted.body.steps.map((s: any) => [s.label, s.status])).toEqual([
      ['科室负责人审核', 'pending'],
      ['财务审核', 'waiting'],
    ]);

    const approved = await approveThrough(env, 'payments', submitted.body.id);
    expect(approved.status).toBe('approved');
    expect(approved.steps.every((s: any) => s.status === 'approved')).toBe(true);
    expect(approved.comments.map((c: any) => c.body)).toEqual(['同意（科室负责人审核）', '同意（财务审核）']);
    let ledger = await indicator(env, ind.id);
    expect(ledger).toMatchObject({ amount: 5_000_000, frozen: 123_456, paid: 0, available: 5_000_000 - 123_456 });

    const paid = await env.call('POST', `/api/units/a/payments/${submitted.body.id}/pay`, { token: await env.login('a.finance'), body: { date: '2026-06-12' } });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', paidAt: '2026-06-12' });
    ledger = await indicator(env, ind.id);
    expect(ledger).toMatchObject({ frozen: 0, paid: 123_456, available: 5_000_000 - 123_456 });
    expect(ledger.movements.map((m: any) => [m.kind, m.amount])).toEqual([['issue', 5_000_000], ['freeze', 123_456], ['pay', 123_456]]);

    const events = await env.kernel.db.selectFrom('outbox').select('type').where('type', 'like', 'payment.%').execute();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['payment.submitted', 'payment.approved', 'payment.paid']));
    const again = await env.call('POST', `/api/units/a/payments/${submitted.body.id}/pay`, { token: await env.login('a.finance'), body: { date: '2026-06-12' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_STATE');
  });

  it('adds the leader above 50,000 yuan and for 三公经费 at any amount', async () => {
    // Room for both requests: each holds its amount from submission (占用).
    const office = await issue(env, { amount: 200_000_00 });
    const large = await submitPayment(env, office.id, 50_000_01);
    expect(large.body.steps.map((s: any) => s.role)).toEqual(['department_head', 'finance_officer', 'leader']);
    const atLimit = await submitPayment(env, office.id, 50_000_00);
    expect(atLimit.body.steps.map((s: any) => s.role)).toEqual(['department_head', 'finance_officer']);
    const reception = await issue(env, { amount: 10_000_00, economicCode: '30217' });
    const small = await submitPayment(env, reception.id, 300_00, { purpose: '接待上级检查工作餐' });
    expect(small.body.steps.map((s: any) => s.role)).toEqual(['department_head', 'finance_officer', 'leader']);
    const done = await approveThrough(env, 'payments', small.body.id);
    expect(done.status).toBe('approved');
  });

  it('lets only the step’s role decide, never the requester, and a head only for their department', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const p = await submitPayment(env, ind.id, 10_000);
    const byFinance = await env.call('POST', `/api/units/a/payments/${p.body.id}/approve`, { token: await env.login('a.finance'), body: {} });
    expect(byFinance.status).toBe(403);
    expect(byFinance.body.error.code).toBe('NOT_YOUR_STEP');
    expect(byFinance.body.error.message).toContain('科室负责人审核');

    // The department's only head asks for money: the head's step goes to the leader (routing.ts), never to the requester.
    const own = await submitPayment(env, ind.id, 10_000, {}, 'a.head');
    expect(own.body.steps[0]).toMatchObject({ role: 'leader', label: '单位领导审批（代：科室负责人审核，无其他可审批人员）', status: 'pending', approvers: ['周伟'] });
    const self = await env.call('POST', `/api/units/a/payments/${own.body.id}/approve`, { token: await env.login('a.head'), body: {} });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('NOT_YOUR_STEP');

    const otherDept = await issue(env, { amount: 1_000_000, departmentCode: '01' });
    const p2 = await submitPayment(env, otherDept.id, 10_000, {}, 'a.finance');
    // Department 01 has no head and the requester is the only finance officer: both steps go to the leader, as one decision.
    expect(p2.body.steps.map((s: { role: string; label: string }) => [s.role, s.label])).toEqual([['leader', '单位领导审批（代：科室负责人审核、财务审核，无其他可审批人员）']]);
    const wrongHead = await env.call('POST', `/api/units/a/payments/${p2.body.id}/approve`, { token: await env.login('a.head'), body: {} });
    expect(wrongHead.status).toBe(403);
    expect(wrongHead.body.error.code).toBe('NOT_YOUR_STEP');
    const steps = await env.kernel.db.selectFrom('approval_steps').select('status').where('target_id', '=', p2.body.id).where('target', '=', 'payment').orderBy('seq').execute();
    expect(steps.map((s) => s.status)).toEqual(['pending']);
  });

  it('releases the freeze on withdrawal after approval and on finance’s refusal to pay', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const p1 = await submitPayment(env, ind.id, 200_000);
    await approveThrough(env, 'payments', p1.body.id);
    expect((await indicator(env, ind.id)).frozen).toBe(200_000);
    const notMine = await env.call('POST', `/api/units/a/payments/${p1.body.id}/withdraw`, { token: await env.login('a.head'), body: {} });
    expect(notMine.body.error.code).toBe('NOT_REQUESTER');
    const withdrawn = await env.call('POST', `/api/units/a/payments/${p1.body.id}/withdraw`, { token: await env.login('a.staff'), body: { comment: '重复申请' } });
    expect(withdrawn.body.status).toBe('withdrawn');
    expect((await indicator(env, ind.id))).toMatchObject({ frozen: 0, available: 1_000_000 });

    const p2 = await submitPayment(env, ind.id, 300_000);
    await approveThrough(env, 'payments', p2.body.id);
    const refused = await env.call('POST', `/api/units/a/payments/${p2.body.id}/reject`, { token: await env.login('a.finance'), body: { comment: '发票不合规' } });
    expect(refused.body.status).toBe('rejected');
    expect((await indicator(env, ind.id))).toMatchObject({ frozen: 0, available: 1_000_000 });

    const p3 = await submitPayment(env, ind.id, 100_000);
    const rejected = await env.call('POST', `/api/units/a/payments/${p3.body.id}/reject`, { token: await env.login('a.head'), body: { comment: '用途不明' } });
    expect(rejected.body.status).toBe('rejected');
    expect(rejected.body.steps.map((s: any) => s.status)).toEqual(['rejected', 'cancelled']);
  });
});

describe('control rules on payments: each blocks with its code and writes nothing', () => {
  it('BALANCE_EXCEEDED: never beyond the available balance', async () => {
    const ind = await issue(env, { amount: 100_000 });
    const body = await expectRefused(() => submitPayment(env, ind.id, 100_001), 422, 'BALANCE_EXCEEDED');
    expect(body.error.details).toMatchObject({ available: 100_000, amount: 100_001 });
    expect(body.error.message).toBe('超出指标可用余额：可用 1,000.00 元，申请 1,000.01 元');
  });

  it('CLASS_MISMATCH: the class comes from the indicator', async () => {
    const ind = await issue(env, { amount: 100_000 });
    await expectRefused(() => submitPayment(env, ind.id, 1_000, { economicCode: '30211' }), 422, 'CLASS_MISMATCH');
    expect((await submitPayment(env, ind.id, 1_000, { economicCode: '30201' })).status).toBe(201);
  });

  it('ECONOMIC_KIND_MISMATCH: personnel money cannot buy office supplies', async () => {
    const ind = await issue(env, { amount: 100_000, expenditureKind: 'personnel', economicCode: '30201' });
    await expectRefused(() => submitPayment(env, ind.id, 1_000), 422, 'ECONOMIC_KIND_MISMATCH');
  });

  it('THREE_PUBLIC_CAP_EXCEEDED: 三公经费 within the annual cap, counting frozen and paid', async () => {
    const finance = await env.login('a.finance');
    expect((await env.call('PUT', '/api/units/a/three-public-caps', { token: finance, body: { year: 2026, caps: [{ economicCode: '30231', amount: 1_000_00 }] } })).status).toBe(200);
    const ind = await issue(env, { amount: 5_000_00, economicCode: '30231' });
    const first = await submitPayment(env, ind.id, 800_00, { purpose: '公务用车加油' });
    await approveThrough(env, 'payments', first.body.id);
    const caps = await env.call('GET', '/api/units/a/three-public-caps?year=2026', { token: finance });
    expect(caps.body).toEqual([{ economicCode: '30231', amount: 1_000_00, used: 800_00 }]);
    const body = await expectRefused(() => submitPayment(env, ind.id, 200_01, { purpose: '公务用车维修' }), 422, 'THREE_PUBLIC_CAP_EXCEEDED');
    expect(body.error.details).toMatchObject({ used: 800_00, cap: 1_000_00 });
    expect((await submitPayment(env, ind.id, 200_00, { purpose: '公务用车维修' })).status).toBe(201);
  });

  it('CONTRACT_REQUIRED: procurement needs a contract number', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    await expectRefused(() => submitPayment(env, ind.id, 50_000, { procurement: true }), 422, 'CONTRACT_REQUIRED');
    expect((await submitPayment(env, ind.id, 50_000, { procurement: true, contractNo: 'CG-2026-017' })).status).toBe(201);
  });

  it('EXPENDITURE_STANDARD_EXCEEDED: per-day travel allowance by the standard', async () => {
    const ind = await issue(env, { amount: 1_000_000, economicCode: '30211' });
    const body = await expectRefused(
      () => submitPayment(env, ind.id, 300_01, { purpose: '出差伙食补助', standard: { item: 'travel_meal', tier: 'all', quantity: 3 } }),
      422, 'EXPENDITURE_STANDARD_EXCEEDED',
    );
    expect(body.error.details).toMatchObject({ cap: 300_00, capPerUnit: 100_00, quantity: 3 });
    const ok = await submitPayment(env, ind.id, 300_00, { purpose: '出差伙食补助', standard: { item: 'travel_meal', tier: 'all', quantity: 3 } });
    expect(ok.status).toBe(201);
  });

  it('PROJECT_NOT_EXECUTING: a project’s money is spent only while it executes', async () => {
    const dept = await departmentId(env, 'a', '03');
    const now = new Date().toISOString();
    const project = await env.kernel.db
      .insertInto('projects')
      .values({ unit_id: 'a', code: 'XM-T1', name: '测试项目', department_id: dept, functional_code: '2050201', fund_source_code: '11', status: 'approved', start_year: 2026, end_year: 2026, total_amount: 1_000_000, description: '', created_by: null, created_at: now, updated_at: now })
      .returning('id').executeTakeFirstOrThrow();
    const ind = await issue(env, { amount: 1_000_000, expenditureKind: 'project', projectId: project.id });
    await expectRefused(() => submitPayment(env, ind.id, 10_000), 422, 'PROJECT_NOT_EXECUTING');
    await env.kernel.db.updateTable('projects').set({ status: 'executing' }).where('id', '=', project.id).execute();
    expect((await submitPayment(env, ind.id, 10_000)).status).toBe(201);
  });

  it('PERIOD_CLOSED and YEAR_MISMATCH: no payment dated in a closed month or outside the indicator’s year', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const closed = await expectRefused(() => submitPayment(env, ind.id, 1_000, { date: '2026-03-15' }), 422, 'PERIOD_CLOSED');
    expect(closed.error.message).toContain('2026年3月');
    await expectRefused(() => submitPayment(env, ind.id, 1_000, { date: '2027-01-05' }), 422, 'YEAR_MISMATCH');
  });

  it('PAYMENT_DATE_IN_FUTURE: a payment dated after today (in China) needs a reason', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    // 2026-06-15 20:00 UTC is already 16 June in Beijing: the 16th is today, the 17th is not.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-06-15T20:00:00Z') });
    try {
      expect((await submitPayment(env, ind.id, 1_000, { date: '2026-06-16' })).status).toBe(201);
      const refused = await expectRefused(() => submitPayment(env, ind.id, 1_000, { date: '2026-06-17' }), 422, 'PAYMENT_DATE_IN_FUTURE');
      expect(refused.error.details).toMatchObject({ date: '2026-06-17', today: '2026-06-16' });
      expect(refused.error.message).toBe('支付日期 2026-06-17 晚于今天（2026-06-16）；如为预约支付，请说明理由后提交');
      const scheduled = await submitPayment(env, ind.id, 1_000, { date: '2026-06-30', override: { reason: '合同约定月末付款' } });
      expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(201);
      expect(scheduled.body.warnings).toContainEqual(expect.objectContaining({ rule: 'PAYMENT_DATE_IN_FUTURE', overridden: true, overrideReason: '合同约定月末付款' }));
    } finally {
      vi.useRealTimers();
    }
  });

  it('checks the pay date against closed periods too', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const p = await submitPayment(env, ind.id, 1_000);
    await approveThrough(env, 'payments', p.body.id);
    const result = await env.call('POST', `/api/units/a/payments/${p.body.id}/pay`, { token: await env.login('a.finance'), body: { date: '2026-02-01' } });
    expect(result.status).toBe(422);
    expect(result.body.error.code).toBe('PERIOD_CLOSED');
    expect((await indicator(env, ind.id))).toMatchObject({ frozen: 1_000, paid: 0 });
  });
});

describe('rule modes and overrides', () => {
  it('warn stores the warning with the payment; ignore drops it; block refuses again', async () => {
    const admin = await env.login('a.admin');
    const ind = await issue(env, { amount: 1_000_000 });
    await env.call('PUT', '/api/units/a/control-rules/CONTRACT_REQUIRED', { token: admin, body: { mode: 'warn' } });
    const warned = await submitPayment(env, ind.id, 10_000, { procurement: true });
    expect(warned.status).toBe(201);
    expect(warned.body.warnings).toEqual([expect.objectContaining({ rule: 'CONTRACT_REQUIRED', severity: 'warn' })]);
    await env.call('PUT', '/api/units/a/control-rules/CONTRACT_REQUIRED', { token: admin, body: { mode: 'ignore' } });
    const ignored = await submitPayment(env, ind.id, 10_000, { procurement: true });
    expect(ignored.body.warnings).toEqual([]);
    await env.call('PUT', '/api/units/a/control-rules/CONTRACT_REQUIRED', { token: admin, body: { mode: 'block' } });
    await expectRefused(() => submitPayment(env, ind.id, 10_000, { procurement: true }), 422, 'CONTRACT_REQUIRED');
  });

  it('hard rules cannot be relaxed', async () => {
    const result = await env.call('PUT', '/api/units/a/control-rules/BALANCE_EXCEEDED', { token: await env.login('a.admin'), body: { mode: 'warn' } });
    expect(result.status).toBe(409);
    expect(result.body.error.code).toBe('RULE_NOT_CONFIGURABLE');
    const rules = await env.call('GET', '/api/units/a/control-rules', { token: await env.login('a.staff') });
    expect(rules.body.find((r: any) => r.code === 'BALANCE_EXCEEDED')).toMatchObject({ hard: true, mode: 'block' });
  });

  it('an override with a reason passes a soft block to the leader, never a hard one', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const override = { reason: '紧急采购，合同补签中' };
    const p = await submitPayment(env, ind.id, 20_000, { procurement: true, override });
    expect(p.status).toBe(201);
    expect(p.body.warnings).toEqual([expect.objectContaining({ rule: 'CONTRACT_REQUIRED', overridden: true, overrideReason: override.reason })]);
    expect(p.body.steps.at(-1)).toMatchObject({ role: 'leader', label: '单位领导审批（越权放行）' });
    const done = await approveThrough(env, 'payments', p.body.id);
    expect(done.status).toBe('approved');
    await expectRefused(() => submitPayment(env, ind.id, 5_000_000, { override }), 422, 'BALANCE_EXCEEDED');
  });
});

describe('checks while drafting and visibility', () => {
  it('answers which rules would fire and who would approve, without writing', async () => {
    const ind = await issue(env, { amount: 100_000_00 });
    const before = await auditCount(env);
    const token = await env.login('a.staff');
    const ok = await env.call('POST', '/api/units/a/payments/check', { token, body: { indicatorId: ind.id, amount: 60_000_00 } });
    expect(ok.body).toMatchObject({ ok: true, findings: [], available: 100_000_00 });
    expect(ok.body.steps.map((s: any) => s.role)).toEqual(['department_head', 'finance_officer', 'leader']);
    const over = await env.call('POST', '/api/units/a/payments/check', { token, body: { indicatorId: ind.id, amount: 100_000_01, procurement: true } });
    expect(over.body.ok).toBe(false);
    expect(over.body.findings.map((f: any) => f.rule)).toEqual(['BALANCE_EXCEEDED', 'CONTRACT_REQUIRED']);
    expect(await auditCount(env)).toBe(before);
  });

  it('shows business staff only their own department’s indicators and payments', async () => {
    const other = await issue(env, { amount: 1_000_000, departmentCode: '01' });
    const staff = await env.login('a.staff');
    const list = await env.call('GET', '/api/units/a/indicators', { token: staff });
    const mine = await departmentId(env, 'a', '03');
    expect(list.body.length).toBeGreaterThan(0);
    expect(list.body.every((i: any) => i.departmentId === mine)).toBe(true);
    const direct = await env.call('GET', `/api/units/a/indicators/${other.id}`, { token: staff });
    expect(direct.status).toBe(403);
    expect(direct.body.error.code).toBe('DEPARTMENT_SCOPE');
    await expectRefused(() => submitPayment(env, other.id, 1_000), 403, 'DEPARTMENT_SCOPE');
    const payments = await env.call('GET', '/api/units/a/payments', { token: staff });
    expect(payments.body.every((p: any) => p.departmentId === mine)).toBe(true);
    const all = await env.call('GET', '/api/units/a/indicators', { token: await env.login('a.finance') });
    expect(all.body.some((i: any) => i.id === other.id)).toBe(true);
  });

  it('refuses fractional, negative and unsafe amounts with 400', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    for (const amount of [12.5, -100, 0, Number.MAX_SAFE_INTEGER + 2, '100']) {
      const result = await submitPayment(env, ind.id, amount as number);
      expect(result.status, String(amount)).toBe(400);
      expect(result.body.error.details.issues[0].path).toBe('amount');
    }
  });
});

describe('attachments', () => {
  it('carries the e-invoice in any of the forms 数电票 are issued in (PDF, OFD, XML) and refuses active content', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const invoices = [
      { name: '数电票-24442000000012345678.xml', size: 4_096, contentType: 'application/xml' },
      { name: '数电票-24442000000012345678.ofd', size: 40_960, contentType: 'application/ofd' },
      { name: '数电票-24442000000012345678.pdf', size: 81_920, contentType: 'application/pdf' },
    ];
    const accepted = await submitPayment(env, ind.id, 10_000, { attachments: invoices });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(accepted.body.attachments.map((a: { name: string }) => a.name)).toEqual(invoices.map((i) => i.name));
    await expectRefused(() => submitPayment(env, ind.id, 10_000, { attachments: [{ name: 'invoice.html', size: 10, contentType: 'text/plain' }] }), 400, 'VALIDATION_FAILED');
    await expectRefused(() => submitPayment(env, ind.id, 10_000, { attachments: [{ name: 'logo.svg', size: 10, contentType: 'image/svg+xml' }] }), 400, 'VALIDATION_FAILED');
  });
});

describe('payments as commands', () => {
  const submit = async (indicatorId: number, amount: number, username = 'a.staff') => {
    const { actor, scope } = await commandContext(env, username, 'payment.create');
    const draft = PaymentDraft.parse(paymentBody(indicatorId, amount));
    const check = await validatePayment(env.kernel.db, actor, scope, draft);
    return runCommand(env.kernel, (tx) => createPayment(tx, actor, scope, draft, check));
  };
  const approveAs = async (username: string, id: number, comment?: string) => {
    const { actor, scope } = await commandContext(env, username, 'payment.approve');
    return runCommand(env.kernel, (tx) => approvePayment(tx, actor, scope, id, { comment }));
  };
  const auditOf = async (id: number) =>
    (await env.kernel.db.selectFrom('audit_log').select(['action', 'actor_name', 'before_json', 'after_json'])
      .where('entity', '=', 'payment').where('entity_id', '=', String(id)).orderBy('seq').execute())
      .map((e) => [e.action, e.actor_name, JSON.parse(e.before_json), JSON.parse(e.after_json)]);
  const eventsOf = async (id: number) =>
    (await env.kernel.db.selectFrom('outbox').select(['type', 'payload']).where('type', 'like', 'payment.%').orderBy('id').execute())
      .map((r) => ({ type: r.type, payload: JSON.parse(r.payload) })).filter((e) => e.payload.payment?.id === id);

  it('each step writes its trail, audit entry and event in its own transaction; the amount is frozen, then spent, exactly', async () => {
    const ind = await issue(env, { amount: 1_000_000 });
    const submitted = await submit(ind.id, 123_45);
    await approveAs('a.head', submitted.id, '同意');
    const approved = await approveAs('a.finance', submitted.id);
    expect((await indicator(env, ind.id))).toMatchObject({ frozen: 123_45, paid: 0, available: 1_000_000 - 123_45 });
    const finance = await commandContext(env, 'a.finance', 'payment.pay');
    const paid = await runCommand(env.kernel, (tx) => payPayment(tx, finance.actor, finance.scope, submitted.id, { date: '2026-06-12', comment: '已支付' }));
    expect((await indicator(env, ind.id))).toMatchObject({ frozen: 0, paid: 123_45, available: 1_000_000 - 123_45 });

    expect(await auditOf(submitted.id)).toEqual([
      ['payment.submit', 'a.staff', null, submitted],
      ['payment.approve_step', 'a.head', { status: 'pending' }, { status: 'pending', step: '科室负责人审核', comment: '同意' }],
      ['payment.approve', 'a.finance', { status: 'pending' }, { status: 'approved', step: '财务审核', comment: null }],
      ['payment.pay', 'a.finance', { status: 'approved' }, { status: 'paid', paidAt: '2026-06-12' }],
    ]);
    expect(await eventsOf(submitted.id)).toEqual([
      { type: 'payment.submitted', payload: { payment: submitted } },
      { type: 'payment.approved', payload: { payment: approved } },
      { type: 'payment.paid', payload: { payment: paid } },
    ]);
    expect(paid.comments.map((c) => c.action)).toEqual(['approve:科室负责人审核', 'approve:财务审核', 'pay']);
  });

  it('占用: a request holds its amount from submission, so the balance is never promised twice; the final approval still re-checks under the lock', async () => {
    const ind = await issue(env, { amount: 100_000 });
    const first = await submit(ind.id, 70_000);
    // The second request asks for more than is left once the first holds its amount: refused now, not at approval.
    const { actor, scope } = await commandContext(env, 'a.staff', 'payment.create');
    const draft = PaymentDraft.parse(paymentBody(ind.id, 40_000));
    const refused = await commandRefusedWithoutTrace(env, (tx) => createPayment(tx, actor, scope, draft, { kind: 'payment.validate', document: draft, warnings: [] }), 'BALANCE_EXCEEDED');
    expect(refused.details).toMatchObject({ available: 30_000, amount: 40_000 });
    expect(await indicator(env, ind.id)).toMatchObject({ reserved: 70_000, frozen: 0, available: 30_000 });
    const second = await submit(ind.id, 30_000);
    for (const p of [first, second]) await approveAs('a.head', p.id);
    await approveAs('a.finance', first.id);
    // Approved: the held amount is now frozen; available is unchanged by the approval.
    expect(await indicator(env, ind.id)).toMatchObject({ reserved: 30_000, frozen: 70_000, available: 0 });
    // Behind the reservation, the re-check under the lock: shown by a correction made outside the ledger's commands.
    await env.kernel.db.updateTable('indicators').set({ issued_amount: 90_000 }).where('id', '=', ind.id).execute();
    const finance = await commandContext(env, 'a.finance', 'payment.approve');
    const refusal = await commandRefusedWithoutTrace(env, (tx) => approvePayment(tx, finance.actor, finance.scope, second.id, {}), 'BALANCE_EXCEEDED');
    expect(refusal.details).toMatchObject({ available: 20_000, amount: 30_000 });
  });

  it('a withdrawn or rejected request gives back what it held', async () => {
    const ind = await issue(env, { amount: 100_000 });
    const a = await submit(ind.id, 60_000);
    const b = await submit(ind.id, 40_000);
    expect(await indicator(env, ind.id)).toMatchObject({ reserved: 100_000, available: 0 });
    expect((await env.call('POST', `/api/units/a/payments/${a.id}/withdraw`, { token: await env.login('a.staff'), body: {} })).status).toBe(200);
    expect(await indicator(env, ind.id)).toMatchObject({ reserved: 40_000, available: 60_000 });
    expect((await env.call('POST', `/api/units/a/payments/${b.id}/reject`, { token: await env.login('a.head'), body: { comment: '不符合规定' } })).status).toBe(200);
    expect(await indicator(env, ind.id)).toMatchObject({ reserved: 0, frozen: 0, available: 100_000 });
  });

  it('runs only inside the command transaction: opened anywhere else, it fails before anything is kept', async () => {
    const ind = await issue(env, { amount: 100_000 });
    const { actor, scope } = await commandContext(env, 'a.staff', 'payment.create');
    const draft = PaymentDraft.parse(paymentBody(ind.id, 1_000));
    const check = await validatePayment(env.kernel.db, actor, scope, draft);
    const before = await footprint(env);
    await expect(env.kernel.db.transaction().execute((tx) => createPayment(tx, actor, scope, draft, check)))
      .rejects.toThrow(/outside a command transaction/);
    expect(await footprint(env)).toEqual(before);
  });
});
