import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/budget-review.js';
import type { UbBudgetReview } from '../src/pages/budget-review.js';
import type { UbAmountInput } from '../src/components/amount-input.js';
import type { BudgetLine, BudgetRequestDetail } from '../src/lib/types.js';

const line = (over: Partial<BudgetLine>): BudgetLine => ({
  id: 1, lineNo: 1, expenditureKind: 'operating', projectId: null, functionalCode: '2050101', economicCode: '30201', fundSourceCode: '11',
  headcount: 12, standardAmount: 160000, amount: 1920000, controlAmount: null, note: '', indicatorId: null, indicatorCode: null, ...over,
});
const request = (over: Partial<BudgetRequestDetail>): BudgetRequestDetail => ({
  id: 5, docNo: 'YS2027-0005', unitId: 'a', year: 2027, departmentId: 3, departmentName: '基础教育科', title: '2027年度基础教育科预算申请', status: 'submitted',
  round: 1, amount: 51920000, controlAmount: null, createdBy: 6, createdAt: '2026-11-20T08:00:00Z', updatedAt: '2026-11-20T08:00:00Z',
  lines: [line({ id: 1 }), line({ id: 2, lineNo: 2, expenditureKind: 'project', projectId: 2, economicCode: '31002', headcount: null, standardAmount: null, amount: 50000000, note: '智慧校园二期' })],
  trail: [{ action: 'submit', body: '请审核', authorName: '孙浩', at: '2026-11-20T08:00:00Z' }],
  ...over,
});
const years = { body: [{ unitId: 'a', year: 2026, status: 'open', periods: [] }] };
const { lines: _l, trail: _t, ...summary } = request({});

async function typeAmount(input: UbAmountInput, text: string) {
  const box = input.shadowRoot!.querySelector('input')!;
  box.value = text;
  box.dispatchEvent(new Event('input'));
  await input.updateComplete;
}

describe('ub-budget-review', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('finance gives every line a control number (cut shown, total updated) and returns the request', async () => {
    let detail = request({});
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': years,
      'GET /api/classifications': { body: [{ code: '30201', name: '办公费' }] },
      'GET /api/units/a/budget-requests': () => ({ body: [{ ...summary, status: detail.status }, { ...summary, id: 4, status: 'approved' }, { ...summary, id: 3, status: 'draft' }] }),
      'GET /api/units/a/budget-requests/5': () => ({ body: detail }),
      'POST /api/units/a/budget-requests/5/return': (c) => {
        const ctl = new Map((c.body as { lines: { lineId: number; controlAmount: number }[] }).lines.map((l) => [l.lineId, l.controlAmount]));
        detail = request({ status: 'returned', controlAmount: [...ctl.values()].reduce((a, b) => a + b, 0), lines: detail.lines.map((l) => ({ ...l, controlAmount: ctl.get(l.id)! })) });
        return { body: detail };
      },
    });
    const el = await fixture<UbBudgetReview>(html`<ub-budget-review .ctx=${ctx({ roles: ['finance_officer'], departmentId: null })}></ub-budget-review>`);
    await until(() => el.loaded);
    el.year = 2027;
    await el.load();
    await el.updateComplete;
    const root = el.shadowRoot!;
    // only the requests waiting for review
    expect([...root.querySelectorAll('tbody tr[data-id]')].map((r) => r.getAttribute('data-id'))).to.deep.equal(['5']);
    (root.querySelector('tr[data-id="5"] button.link') as HTMLButtonElement).click();
    await until(() => el.detail);
    await el.updateComplete;
    const inputs = [...root.querySelectorAll<UbAmountInput>('ub-amount-input')];
    expect(inputs.length).to.equal(2);
    await inputs[0]!.updateComplete;
    expect(inputs[0]!.shadowRoot!.querySelector('input')!.value).to.equal('19,200.00');
    await typeAmount(inputs[1]!, '450,000');
    await el.updateComplete;
    expect(root.querySelector('tr[data-line="2"] .diff')!.textContent).to.contain('核减 50,000.00');
    expect(root.querySelector('[data-total]')!.textContent).to.equal('469,200.00');
    // a line without a control number blocks the return
    await typeAmount(inputs[0]!, '');
    await el.updateComplete;
    expect((root.querySelector('button[name=return]') as HTMLButtonElement).disabled).to.equal(true);
    await typeAmount(inputs[0]!, '0');
    await el.updateComplete;
    const ret = root.querySelector('button[name=return]') as HTMLButtonElement;
    expect(ret.disabled).to.equal(false);
    const comment = root.querySelector<HTMLInputElement>('input[name=comment]')!;
    comment.value = '办公费压减';
    comment.dispatchEvent(new Event('input'));
    expect(root.querySelector('button[name=approve]')).to.equal(null); // finance cannot approve
    await el.returnRequest();
    await el.updateComplete;
    const post = mock.calls.find((c) => c.method === 'POST')!;
    expect(post.body).to.deep.equal({ comment: '办公费压减', lines: [{ lineId: 1, controlAmount: 0 }, { lineId: 2, controlAmount: 45000000 }] });
    expect(root.querySelector('[role=status]')!.textContent).to.contain('已下达控制数');
    expect(el.detail!.status).to.equal('returned');
    expect(root.querySelector('ub-amount-input')).to.equal(null);
    expect(root.querySelector('tr[data-line="2"]')!.textContent).to.contain('450,000.00');
  });

  it('the leader approves a resubmitted request on a date and sees the indicators issued', async () => {
    const resubmitted = request({ status: 'resubmitted', round: 2, year: 2026, controlAmount: 51920000, lines: request({}).lines.map((l) => ({ ...l, controlAmount: l.amount })) });
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': years,
      'GET /api/classifications': { body: [] },
      'GET /api/units/a/budget-requests': { body: [{ ...summary, year: 2026, status: 'resubmitted' }] },
      'GET /api/units/a/budget-requests/5': { body: resubmitted },
      'POST /api/units/a/budget-requests/5/approve': { body: { ...resubmitted, status: 'approved', lines: resubmitted.lines.map((l, i) => ({ ...l, indicatorId: 40 + i, indicatorCode: `ZB2026-00${40 + i}` })) } },
    });
    const el = await fixture<UbBudgetReview>(html`<ub-budget-review .ctx=${ctx({ roles: ['leader'], departmentId: null })}></ub-budget-review>`);
    await until(() => el.loaded);
    el.year = 2026;
    await el.load();
    await el.open(5);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('ub-amount-input')).to.equal(null); // the leader does not set control numbers
    expect(root.querySelector('button[name=return]')).to.equal(null);
    const date = root.querySelector<HTMLInputElement>('input[name=approveDate]')!;
    date.value = '2026-11-30';
    date.dispatchEvent(new Event('input'));
    await el.approve();
    await el.updateComplete;
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ date: '2026-11-30' });
    expect(root.querySelector('[role=status]')!.textContent).to.contain('下达指标 2 个');
    expect([...root.querySelectorAll('tr[data-line] a')].map((a) => a.getAttribute('href'))).to.deep.equal(['/dashboard/40', '/dashboard/41']);
    // Indicators by their code, requests by their number: no database id on screen (issue 20).
    expect([...root.querySelectorAll('tr[data-line] a')].map((a) => a.textContent)).to.deep.equal(['ZB2026-0040', 'ZB2026-0041']);
    expect(root.querySelector('tr[data-id="5"] td')!.textContent).to.equal('YS2027-0005');
    expect(root.querySelectorAll('[data-money-unit=yuan]').length).to.be.greaterThan(1);
  });

  it('is read-only for an auditor', async () => {
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': years,
      'GET /api/classifications': { body: [] },
      'GET /api/units/a/budget-requests': { body: [summary] },
      'GET /api/units/a/budget-requests/5': { body: request({}) },
    });
    const el = await fixture<UbBudgetReview>(html`<ub-budget-review .ctx=${ctx({ roles: ['auditor'], departmentId: null })}></ub-budget-review>`);
    await until(() => el.loaded);
    await el.open(5);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('ub-amount-input')).to.equal(null);
    expect(root.querySelector('.actions')).to.equal(null);
    expect(root.textContent).to.contain('请审核');
  });
});
