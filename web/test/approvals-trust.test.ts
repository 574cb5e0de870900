import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx, indicator, payment, step } from './fixtures.js';
import '../src/pages/my-requests.js';
import '../src/pages/payments-page.js';
import '../src/pages/payment-wizard.js';
import '../src/pages/transfer-forms.js';
import '../src/components/step-trail.js';
import '../src/components/rule-findings.js';
import '../src/components/amount-input.js';
import type { UbMyRequests } from '../src/pages/my-requests.js';
import type { UbPaymentsPage } from '../src/pages/payments-page.js';
import type { UbPaymentWizard } from '../src/pages/payment-wizard.js';
import type { UbTransferForms } from '../src/pages/transfer-forms.js';
import type { UbStepTrail } from '../src/components/step-trail.js';
import type { UbRuleFindings } from '../src/components/rule-findings.js';
import type { UbAmountInput } from '../src/components/amount-input.js';
import { trailAction } from '../src/lib/approvals.js';

/** Issue 20, approvals people trust: numbers not ids, who decides next, why it came back, 撤回 on the row, the payee at payment, field errors. */
const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');

describe('approvals people trust', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('my requests: numbers, who decides next, why one came back, and 撤回 on the row after a confirmation', async () => {
    let rows = [
      payment({ id: 447, docNo: 'ZF2026-0012' }),
      payment({ id: 440, docNo: 'ZF2026-0009', status: 'rejected', purpose: '会议茶歇' }),
      payment({ id: 430, docNo: 'ZF2026-0005', status: 'paid', purpose: '快递费' }),
    ];
    mock = mockFetch({
      'GET /api/units/a/payments': () => ({ body: rows }),
      'GET /api/units/a/budget-requests': { body: [] },
      'GET /api/units/a/payments/447': { body: { ...rows[0], steps: [step(1, 'pending', { approvers: ['李静'] }), step(2, 'waiting')], comments: [] } },
      'GET /api/units/a/payments/440': {
        body: { ...payment({ id: 440, status: 'rejected' }), steps: [step(1, 'rejected', { decidedByName: '李静', comment: '发票抬头不符' }), step(2, 'cancelled')], comments: [{ action: 'reject', body: '发票抬头不符', authorName: '李静', at: '2026-11-21T08:00:00Z' }] },
      },
      'POST /api/units/a/payments/447/withdraw': () => ((rows = rows.map((r) => (r.id === 447 ? { ...r, status: 'withdrawn' as const } : r))), { body: { ...rows[0], status: 'withdrawn', steps: [], comments: [] } }),
    });
    const el = await fixture<UbMyRequests>(html`<ub-my-requests .ctx=${ctx()}></ub-my-requests>`);
    await until(() => el.details.size === 2);
    await el.updateComplete;
    const s = text(el);
    expect(s).to.contain('ZF2026-0012').and.contain('ZF2026-0009');
    expect(s).not.to.contain('447');
    expect(el.shadowRoot!.querySelector('tr[data-id="447"] .next')!.textContent).to.equal('下一步：科室负责人审核 · 李静');
    expect(el.shadowRoot!.querySelector('tr[data-id="440"] .reason')!.textContent).to.equal('退回原因：发票抬头不符');
    expect(s).to.contain('单位：元');
    // 撤回 is on the row of the pending one only, and asks first.
    expect(el.shadowRoot!.querySelectorAll('tbody button.danger').length).to.equal(1);
    (el.shadowRoot!.querySelector('tr[data-id="447"] button.danger') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(mock.calls.some((c) => c.method === 'POST')).to.equal(false);
    const dialog = el.shadowRoot!.querySelector('[role=dialog]')!;
    expect(dialog.textContent).to.contain('确定撤回 ZF2026-0012');
    (dialog.querySelector('button.danger') as HTMLButtonElement).click();
    await until(() => el.message !== '');
    await el.updateComplete;
    expect(mock.calls.filter((c) => c.method === 'POST').map((c) => c.url)).to.deep.equal(['/api/units/a/payments/447/withdraw']);
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('已撤回 ZF2026-0012');
  });

  it('the trail shows actions as words, never raw keys', async () => {
    const el = await fixture<UbStepTrail>(html`<ub-step-trail .steps=${[step(1, 'approved', { decidedByName: '李静' }), step(2, 'pending', { approvers: ['钱芳'] })]}
      .comments=${[{ action: 'approve:科室负责人审核', body: '同意', authorName: '李静', at: '2026-11-21T08:00:00Z' }, { action: 'pay', body: '', authorName: '钱芳', at: '2026-11-22T08:00:00Z' }]}></ub-step-trail>`);
    const s = text(el);
    expect(s).to.contain('同意（科室负责人审核）').and.contain('支付').and.contain('下一步：财务审核 · 钱芳');
    expect(s).not.to.contain('approve:').and.not.to.contain('pay ');
    expect(trailAction('withdraw')).to.equal('撤回');
    expect(trailAction('reject')).to.equal('退回');
  });

  it('the pay confirmation shows the payee’s account and bank', async () => {
    mock = mockFetch({ 'GET /api/units/a/payments': { body: [payment({ status: 'approved' })] } });
    const el = await fixture<UbPaymentsPage>(html`<ub-payments-page .ctx=${ctx({ roles: ['finance_officer'], departmentId: null })}></ub-payments-page>`);
    await until(() => el.rows.length === 1);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('tbody td')!.textContent).to.equal('ZF2026-0012');
    (el.shadowRoot!.querySelector('tr[data-id="447"] button.primary') as HTMLButtonElement).click();
    await el.updateComplete;
    const confirm = el.shadowRoot!.querySelector('.confirm')!.textContent!;
    expect(confirm).to.contain('确认支付：支付申请 ZF2026-0012').and.contain('示范县文印中心').and.contain('6222020200001234567').and.contain('示范县农商银行城关支行');
  });

  it('a payment’s detail names its classes with their names and its payee’s account', async () => {
    mock = mockFetch({
      'GET /api/units/a/payments': { body: [payment({ status: 'approved' })] },
      'GET /api/units/a/payments/447': { body: { ...payment({ status: 'approved' }), steps: [step(1, 'approved'), step(2, 'approved')], comments: [] } },
      'GET /api/classifications': (c) => ({
        body: c.url.includes('functional') ? [{ code: '2050101', name: '行政运行' }] : c.url.includes('economic') ? [{ code: '30202', name: '印刷费' }] : [{ code: '11', name: '一般公共预算资金' }],
      }),
    });
    const el = await fixture<UbPaymentsPage>(html`<ub-payments-page .ctx=${ctx({ roles: ['finance_officer'], departmentId: null })}></ub-payments-page>`);
    await until(() => el.rows.length === 1);
    await el.toggle(447);
    await el.updateComplete;
    const detail = el.shadowRoot!.querySelector('td.trail')!.textContent!.replace(/\s+/g, ' ');
    expect(detail).to.contain('功能分类 2050101 行政运行 · 经济分类 30202 印刷费 · 资金来源 11 一般公共预算资金');
    expect(detail).to.contain('收款账号：6222020200001234567');
  });

  it('the live check says who approves, and when a step is routed to the leader, says why before submission', async () => {
    const el = await fixture<UbRuleFindings>(html`<ub-rule-findings .result=${{
      ok: true, findings: [], available: 100000, fastTrack: true,
      steps: [{ role: 'leader', label: '单位领导审批（代：财务审核，无其他可审批人员）', approvers: ['周伟'], reroutedFrom: { role: 'finance_officer', label: '财务审核' } }],
    }}></ub-rule-findings>`);
    const s = text(el);
    expect(s).to.contain('周伟');
    expect(el.shadowRoot!.querySelector('.rerouted')!.textContent).to.contain('「财务审核」环节本单位没有其他可审批人员').and.contain('单位领导审批（周伟）');
  });

  it('a transfer nobody may approve is said so while typing, before submission', async () => {
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: [indicator({ id: 4, isFlexibleReserve: true }), indicator({ id: 5, code: 'ZB2026-0005' })] },
      'GET /api/units/a/transfers': { body: [] },
      'GET /api/units/a/adjustments': { body: [] },
      'POST /api/units/a/transfers/check': { status: 422, body: { error: { code: 'NO_ELIGIBLE_APPROVER', message: '「财务审核」环节在本单位没有可审批的人员', details: {} } } },
    });
    const el = await fixture<UbTransferForms>(html`<ub-transfer-forms .ctx=${ctx({ roles: ['finance_officer'] })}></ub-transfer-forms>`);
    await until(() => el.indicators.length === 2);
    el.fromId = 4;
    el.toId = 5;
    el.tAmount = 50000;
    el.scheduleCheck();
    await until(() => el.tErr !== '');
    expect(el.tErr).to.equal('无法提交：「财务审核」环节在本单位没有可审批的人员');
  });

  it('the server’s refusal lands next to its field; inputs carry their limits; a negative amount says so', async () => {
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: [indicator({ id: 4 })] },
      'GET /api/units/a/control-rules': { body: [] },
      'GET /api/classifications': { body: [] },
      'POST /api/units/a/payments/check': {
        status: 400,
        body: { error: { code: 'VALIDATION_FAILED', message: '输入不符合要求：收款人不能超过 100 个字符', details: { issues: [{ path: 'payeeName', field: '收款人', code: 'too_big', limit: 100, message: '收款人不能超过 100 个字符' }] } } },
      },
    });
    const el = await fixture<UbPaymentWizard>(html`<ub-payment-wizard .ctx=${ctx()}></ub-payment-wizard>`);
    await until(() => el.indicators.length === 1);
    el.choose(4);
    el.goDetails();
    await el.runCheck();
    await el.updateComplete;
    const payee = el.shadowRoot!.querySelector('input[name=payeeName]') as HTMLInputElement;
    expect(payee.maxLength).to.equal(100);
    expect(payee.getAttribute('aria-invalid')).to.equal('true');
    expect(payee.parentElement!.textContent).to.contain('收款人不能超过 100 个字符');
    expect((el.shadowRoot!.querySelector('textarea[name=purpose]') as HTMLTextAreaElement).maxLength).to.equal(300);
    expect((el.shadowRoot!.querySelector('input[name=payeeAccount]') as HTMLInputElement).maxLength).to.equal(40);

    const amount = el.shadowRoot!.querySelector('ub-amount-input') as UbAmountInput;
    expect(amount.validate('-50').error).to.equal('金额不能为负数');
  });
});
