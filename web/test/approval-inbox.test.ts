import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/approval-inbox.js';
import type { UbApprovalInbox } from '../src/pages/approval-inbox.js';

const items = [
  { target: 'payment', targetId: 11, seq: 2, label: '财务审核', amount: 120000, summary: '办公用品', requestedBy: '孙浩', requestedAt: '2026-11-01T08:00:00Z' },
  { target: 'transfer', targetId: 3, seq: 1, label: '财务审核', amount: 500000, summary: '调剂', requestedBy: '孙浩', requestedAt: '2026-11-02T08:00:00Z' },
  { target: 'payment', targetId: 12, seq: 2, label: '财务审核', amount: 99, summary: '快递费', requestedBy: '孙浩', requestedAt: '2026-11-03T08:00:00Z' },
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
