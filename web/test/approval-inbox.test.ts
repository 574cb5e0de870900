import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/approval-inbox.js';
import type { UbApprovalInbox } from '../src/pages/approval-inbox.js';

const items = [
  { target: 'payment', targetId: 11, docNo: 'ZF2026-0011', seq: 2, label: '财务审核', amount: 120000, summary: '办公用品', requestedBy: '孙浩', requestedAt: '2026-11-01T08:00:00Z' },
  { target: 'transfer', targetId: 3, docNo: 'TJ2026-0003', seq: 1, label: '财务审核', amount: 500000, summary: '调剂', requestedBy: '孙浩', requestedAt: '2026-11-02T08:00:00Z' },
  { target: 'payment', targetId: 12, docNo: 'ZF2026-0012', seq: 2, label: '财务审核', amount: 99, summary: '快递费', requestedBy: '孙浩', requestedAt: '2026-11-03T08:00:00Z' },
];

describe('ub-approval-inbox', () => {
  let mock: ReturnType<typeof mockFetch>;
  afterEach(() => mock?.restore());

  it('lists the waiting items with amounts and approves a selection in one go', async () => {
    let remaining = [...items];
    mock = mockFetch({
      'GET /api/units/a/approvals/inbox': () => ({ body: remaining }),
      'POST /api/units/a/payments/11/approve': () => ((remaining = remaining.filter((i) => i.targetId !== 11)), { body: {} }),
      'POST /api/units/a/transfers/3/approve': { status: 422, body: { error: { code: 'RULE_BLOCKED', message: '可用余额不足', details: {} } } },
    });
    const el = await fixture<UbApprovalInbox>(html`<ub-approval-inbox .ctx=${ctx({ roles: ['finance_officer'] })}></ub-approval-inbox>`);
    await until(() => el.items.length === 3);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('tbody td.num')!.textContent).to.equal('1,200.00');
    const boxes = el.shadowRoot!.querySelectorAll<HTMLInputElement>('tbody input[type=checkbox]');
    for (const i of [0, 1]) {
      boxes[i]!.checked = true;
      boxes[i]!.dispatchEvent(new Event('change'));
    }
    await el.updateComplete;
    const batch = el.shadowRoot!.querySelector('button.primary') as HTMLButtonElement;
    expect(batch.textContent).to.contain('2');
    const comment = el.shadowRoot!.querySelector('input[name=comment]') as HTMLInputElement;
    comment.value = '同意';
    comment.dispatchEvent(new Event('input'));
    await el.approveSelected();
    await el.updateComplete;
    const posts = mock.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.url)).to.deep.equal(['/api/units/a/payments/11/approve', '/api/units/a/transfers/3/approve']);
    expect(posts[0]!.body).to.deep.equal({ comment: '同意' });
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('已同意 1 项');
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('可用余额不足');
    expect(el.items.length).to.equal(2);
  });

  it('shows document numbers, not database ids, and the unit of the amounts', async () => {
    mock = mockFetch({ 'GET /api/units/a/approvals/inbox': { body: items } });
    const el = await fixture<UbApprovalInbox>(html`<ub-approval-inbox .ctx=${ctx({ roles: ['finance_officer'] })}></ub-approval-inbox>`);
    await until(() => el.items.length === 3);
    await el.updateComplete;
    const badges = [...el.shadowRoot!.querySelectorAll('tbody .badge')].map((b) => b.textContent!.trim());
    expect(badges).to.deep.equal(['支付申请 ZF2026-0011', '预算调剂 TJ2026-0003', '支付申请 ZF2026-0012']);
    expect(el.shadowRoot!.textContent).not.to.match(/#11|#3\b/);
    expect(el.shadowRoot!.textContent).to.contain('单位：元');
  });

  it('rejecting asks for the reason and a confirmation, refuses an empty one, and says 已退回', async () => {
    let remaining = [...items];
    mock = mockFetch({
      'GET /api/units/a/approvals/inbox': () => ({ body: remaining }),
      'POST /api/units/a/payments/11/reject': () => ((remaining = remaining.filter((i) => i.targetId !== 11)), { body: {} }),
    });
    const el = await fixture<UbApprovalInbox>(html`<ub-approval-inbox .ctx=${ctx({ roles: ['finance_officer'] })}></ub-approval-inbox>`);
    await until(() => el.items.length === 3);
    await el.updateComplete;
    (el.shadowRoot!.querySelector('tbody tr button.danger') as HTMLButtonElement).click();
    await el.updateComplete;
    const dialog = el.shadowRoot!.querySelector('[role=dialog]')!;
    expect(dialog.textContent).to.contain('支付申请 ZF2026-0011');
    const reason = dialog.querySelector('textarea') as HTMLTextAreaElement;
    expect(reason.required).to.equal(true);
    expect(reason.maxLength).to.equal(500);
    // Nothing is sent without a reason.
    (dialog.querySelector('button.danger') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(mock.calls.filter((c) => c.method === 'POST')).to.deep.equal([]);
    expect(el.shadowRoot!.querySelector('#reject-err')!.textContent).to.contain('请填写退回原因');
    // Cancel closes it and sends nothing.
    (dialog.querySelectorAll('button')[1] as HTMLButtonElement).click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=dialog]')).to.equal(null);

    (el.shadowRoot!.querySelector('tbody tr button.danger') as HTMLButtonElement).click();
    await el.updateComplete;
    const again = el.shadowRoot!.querySelector('[role=dialog] textarea') as HTMLTextAreaElement;
    again.value = '发票抬头不符';
    again.dispatchEvent(new Event('input'));
    await el.confirmReject();
    await el.updateComplete;
    const posts = mock.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => [c.url, c.body])).to.deep.equal([['/api/units/a/payments/11/reject', { comment: '发票抬头不符' }]]);
    const status = el.shadowRoot!.querySelector('[role=status]')!.textContent!;
    expect(status).to.contain('已退回 1 项');
    expect(status).not.to.contain('同意');
    expect(el.items.length).to.equal(2);
  });

  it('rejects a selection with one reason', async () => {
    mock = mockFetch({
      'GET /api/units/a/approvals/inbox': { body: items },
      'POST /api/units/a/payments/*': { body: {} },
      'POST /api/units/a/transfers/*': { body: {} },
    });
    const el = await fixture<UbApprovalInbox>(html`<ub-approval-inbox .ctx=${ctx({ roles: ['finance_officer'] })}></ub-approval-inbox>`);
    await until(() => el.items.length === 3);
    el.toggleAll(true);
    await el.updateComplete;
    const rejectSelected = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.bar button')].find((b) => b.textContent!.includes('退回所选'))!;
    rejectSelected.click();
    await el.updateComplete;
    el.reason = '年底集中清理，请下月重新提交';
    await el.confirmReject();
    const posts = mock.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.url)).to.deep.equal(['/api/units/a/payments/11/reject', '/api/units/a/transfers/3/reject', '/api/units/a/payments/12/reject']);
    expect(posts.every((c) => (c.body as { comment: string }).comment === '年底集中清理，请下月重新提交')).to.equal(true);
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('已退回 3 项');
  });

  it('selects all from the header', async () => {
    mock = mockFetch({ 'GET /api/units/a/approvals/inbox': { body: items } });
    const el = await fixture<UbApprovalInbox>(html`<ub-approval-inbox .ctx=${ctx()}></ub-approval-inbox>`);
    await until(() => el.items.length === 3);
    el.toggleAll(true);
    expect(el.selected.size).to.equal(3);
  });

  it('filters to items above a threshold', async () => {
    mock = mockFetch({ 'GET /api/units/a/approvals/inbox': { body: items } });
    const el = await fixture<UbApprovalInbox>(html`<ub-approval-inbox compact .minAmount=${100000} .ctx=${ctx()}></ub-approval-inbox>`);
    await until(() => el.loaded);
    expect(el.items.map((i) => i.targetId)).to.deep.equal([11, 3]);
  });

  it('says so when nothing waits', async () => {
    mock = mockFetch({ 'GET /api/units/a/approvals/inbox': { body: [] } });
    const el = await fixture<UbApprovalInbox>(html`<ub-approval-inbox .ctx=${ctx()}></ub-approval-inbox>`);
    await until(() => el.loaded);
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('没有待您审批的事项');
  });
});
