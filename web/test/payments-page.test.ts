import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/payments-page.js';
import type { UbPaymentsPage } from '../src/pages/payments-page.js';
import type { Payment } from '../src/lib/types.js';

const payment = (over: Partial<Payment>): Payment => ({
  id: 11, docNo: 'ZF2026-0011', unitId: 'a', indicatorId: 4, indicatorCode: 'ZB2026-0004', departmentId: 3, payeeName: '示范县文印中心', payeeAccount: '', payeeBank: '',
  purpose: '教研资料印刷', functionalCode: '2050101', economicCode: '30202', fundSourceCode: '11', amount: 320000, date: '2026-11-20',
  status: 'approved', procurement: false, contractNo: null, standard: null, attachments: [], warnings: [], overrideReason: null, createdBy: 6, createdByName: '孙浩',
  createdAt: '2026-11-20T08:00:00Z', approvedAt: '2026-11-21T08:00:00Z', paidAt: null, ...over,
});

describe('ub-payments-page', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('lists the approved payments and pays one after confirming the date', async () => {
    let rows = [payment({ id: 11 }), payment({ id: 12, amount: 99, purpose: '快递费' })];
    mock = mockFetch({
      'GET /api/units/a/payments': (c) => ({ body: c.url.includes('status=approved') ? rows : [] }),
      'POST /api/units/a/payments/11/pay': () => ((rows = rows.filter((r) => r.id !== 11)), { body: payment({ id: 11, status: 'paid' }) }),
    });
    const el = await fixture<UbPaymentsPage>(html`<ub-payments-page .ctx=${ctx({ roles: ['finance_officer'], departmentId: null })}></ub-payments-page>`);
    await until(() => el.rows.length === 2);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('tr[data-id="11"] td.num')!.textContent).to.equal('3,200.00');
    expect(root.textContent).to.contain('合计 3,200.99 元');
    (root.querySelector('tr[data-id="11"] button.primary') as HTMLButtonElement).click();
    await el.updateComplete;
    const date = root.querySelector<HTMLInputElement>('.confirm input[name=payDate]')!;
    date.value = '2026-11-25';
    date.dispatchEvent(new Event('input'));
    const comment = root.querySelector<HTMLInputElement>('.confirm input[name=payComment]')!;
    comment.value = '国库集中支付';
    comment.dispatchEvent(new Event('input'));
    await el.updateComplete;
    await el.pay();
    await el.updateComplete;
    const post = mock.calls.find((c) => c.method === 'POST')!;
    expect(post.url).to.equal('/api/units/a/payments/11/pay');
    expect(post.body).to.deep.equal({ date: '2026-11-25', comment: '国库集中支付' });
    expect(root.querySelector('[role=status]')!.textContent).to.contain('支付申请 ZF2026-0011 已支付 3,200.00 元');
    expect(el.rows.map((r) => r.id)).to.deep.equal([12]);
    expect(root.querySelector('.confirm')).to.equal(null);
  });

  it('shows the API error when paying fails and keeps the confirmation open', async () => {
    mock = mockFetch({
      'GET /api/units/a/payments': { body: [payment({ id: 11 })] },
      'POST /api/units/a/payments/11/pay': { status: 409, body: { error: { code: 'PERIOD_CLOSED', message: '该期间已结账', details: {} } } },
    });
    const el = await fixture<UbPaymentsPage>(html`<ub-payments-page .ctx=${ctx({ roles: ['finance_officer'] })}></ub-payments-page>`);
    await until(() => el.rows.length === 1);
    el.askPay(el.rows[0]!);
    await el.pay();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('该期间已结账');
    expect(el.paying?.id).to.equal(11);
  });

  it('filters by status through the API and offers no pay button to an auditor', async () => {
    mock = mockFetch({ 'GET /api/units/a/payments': (c) => ({ body: c.url.includes('status=paid') ? [payment({ id: 9, status: 'paid', paidAt: '2026-11-22T00:00:00Z' })] : [payment({ id: 11 })] }) });
    const el = await fixture<UbPaymentsPage>(html`<ub-payments-page .ctx=${ctx({ roles: ['auditor'], departmentId: null })}></ub-payments-page>`);
    await until(() => el.rows.length === 1);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('tr[data-id="11"] button.primary')).to.equal(null);
    const sel = el.shadowRoot!.querySelector<HTMLSelectElement>('select[name=status]')!;
    sel.value = 'paid';
    sel.dispatchEvent(new Event('change'));
    await until(() => el.rows[0]?.id === 9);
    expect(mock.calls.at(-1)!.url).to.equal('/api/units/a/payments?status=paid&limit=1000');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('tr[data-id="9"]')!.textContent).to.contain('已支付');
  });
});
