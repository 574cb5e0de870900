import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/receipts-page.js';
import type { UbReceiptsPage } from '../src/pages/receipts-page.js';
import type { ReceiptList, ReceiptView } from '@unibudget/sdk/contracts/receipts';

const receipt = (over: Partial<ReceiptView>): ReceiptView => ({
  id: 5, docNo: null, unitId: 'b', year: 2026, date: '2026-09-08', type: 'business', typeName: '事业收入', amount: 17_220_000, fundSourceCode: '3101', fundSourceName: '事业收入',
  payer: '学生家长（课后服务收费，银行代收）', summary: '2026年秋季学期课后服务收费', departmentId: null, earmarked: false, status: 'recorded',
  financialAccount: '4101', budgetaryAccount: '6101', createdBy: 9, createdByName: '冯丽', createdAt: '2026-09-08T02:00:00Z',
  reversalDate: null, reversalReason: null, reversedBy: null, reversedAt: null, ...over,
});

const list = (items: ReceiptView[], over: Partial<ReceiptList> = {}): ReceiptList => ({
  items,
  totals: { byType: [{ type: 'business', typeName: '事业收入', amount: 17_220_000, count: 1 }, { type: 'other', typeName: '其他收入', amount: 18_642, count: 1 }], total: 17_238_642 },
  cash: { bank: 9_000_000, budgetary: 9_000_000, committed: 8_500_000 },
  allowedTypes: ['business', 'superior_subsidy', 'subordinate_remit', 'operating', 'non_peer_fiscal', 'other'],
  typeFundSources: { business: ['3101', '31', '2101', '2199', '21'], superior_subsidy: ['3103', '31'], subordinate_remit: ['3104', '31'], operating: ['3102', '31'], non_peer_fiscal: ['3105', '31'], other: ['3106', '31'] },
  ...over,
});

const FUND_NAMES = [{ code: '31', name: '单位资金' }, { code: '3101', name: '事业收入' }, { code: '2101', name: '教育收费' }, { code: '3106', name: '其他收入' }];
const finance = () => ctx({ unitId: 'b', unitName: '示范县实验小学', roles: ['finance_officer'], departmentId: null });

function typeInto(root: ShadowRoot, selector: string, value: string) {
  const input = root.querySelector(selector) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
}
function choose(root: ShadowRoot, selector: string, value: string) {
  const select = root.querySelector(selector) as HTMLSelectElement;
  select.value = value;
  select.dispatchEvent(new Event('change'));
}

describe('ub-receipts-page', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('lists the year with totals by type and the cash, in 元, and records a receipt by type name and fund source', async () => {
    let items = [receipt({}), receipt({ id: 4, type: 'other', typeName: '其他收入', amount: 500_000, status: 'reversed', reversalDate: '2026-06-22', reversalReason: '重复录入' })];
    mock = mockFetch({
      'GET /api/units/b/receipts': () => ({ body: list(items) }),
      'GET /api/classifications': { body: FUND_NAMES },
      'POST /api/units/b/receipts': (c) => {
        const saved = receipt({ id: 6, ...(c.body as object), typeName: '事业收入' });
        items = [saved, ...items];
        return { status: 201, body: saved };
      },
    });
    const el = await fixture<UbReceiptsPage>(html`<ub-receipts-page .ctx=${finance()}></ub-receipts-page>`);
    await until(() => el.data !== null);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(mock.calls[0]!.url).to.equal(`/api/units/b/receipts?year=${new Date().getFullYear()}`);
    expect(root.textContent).to.contain('单位：元');
    expect(root.querySelector('tr[data-type="business"]')!.textContent).to.contain('事业收入').and.contain('172,200.00');
    expect(root.querySelector('tr.total')!.textContent).to.contain('172,386.42');
    expect(root.querySelector('[data-cash="bank"]')!.textContent).to.equal('90,000.00');
    expect(root.querySelector('[role=note]')).to.equal(null); // 85,000.00 of own-money authority is backed by 90,000.00
    const reversed = root.querySelector('tr[data-id="4"]')!;
    expect(reversed.classList.contains('reversed')).to.equal(true);
    expect(reversed.textContent).to.contain('已冲销').and.contain('重复录入');
    expect(reversed.querySelector('button')).to.equal(null);
    expect(root.querySelector('tr[data-id="5"]')!.textContent).to.contain('3101 事业收入').and.contain('4101/6101');

    // The type shows by name with its accounts; the fund source follows it, code with name.
    const typeOption = [...root.querySelectorAll<HTMLOptionElement>('select[name=type] option')].find((o) => o.value === 'business')!;
    expect(typeOption.textContent).to.equal('事业收入（4101/6101）');
    choose(root, 'select[name=type]', 'business');
    await el.updateComplete;
    const funds = [...root.querySelectorAll<HTMLOptionElement>('select[name=fundSource] option')].map((o) => o.textContent);
    expect(funds.slice(0, 3)).to.deep.equal(['3101 事业收入', '31 单位资金', '2101 教育收费']);
    choose(root, 'select[name=fundSource]', '2101');
    typeInto(root.querySelector('ub-amount-input')!.shadowRoot!, 'input', '12,345.6');
    typeInto(root, 'input[name=payer]', '示范县财政局（财政专户）');
    typeInto(root, 'input[name=summary]', '返还春季学期教育收费');
    typeInto(root, 'input[name=date]', '2026-03-06');
    await el.updateComplete;
    await el.submit();
    await el.updateComplete;
    const sent = mock.calls.find((c) => c.method === 'POST')!;
    expect(sent.body).to.deep.equal({
      date: '2026-03-06', type: 'business', amount: 1_234_560, fundSourceCode: '2101', payer: '示范县财政局（财政专户）', summary: '返还春季学期教育收费', earmarked: false,
    });
    expect(root.querySelector('[role=status]')!.textContent).to.contain('已登记收入 #6：事业收入 12,345.60 元');
    expect(el.data!.items.map((r) => r.id)).to.deep.equal([6, 5, 4]);
  });

  it('shows live errors and sends nothing while the form is wrong; an administrative unit cannot pick 事业收入', async () => {
    mock = mockFetch({
      'GET /api/units/a/receipts': { body: list([], { allowedTypes: ['non_peer_fiscal', 'other'] }) },
      'GET /api/classifications': { body: FUND_NAMES },
    });
    const el = await fixture<UbReceiptsPage>(html`<ub-receipts-page .ctx=${ctx({ roles: ['finance_officer'], departmentId: null })}></ub-receipts-page>`);
    await until(() => el.data !== null);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect([...root.querySelectorAll<HTMLOptionElement>('select[name=type] option')].map((o) => o.value)).to.deep.equal(['', 'non_peer_fiscal', 'other']);
    expect(root.textContent).to.contain('所选期间没有收入登记');
    typeInto(root, 'input[name=date]', '2999-01-01');
    typeInto(root, 'input[name=summary]', '息');
    await el.submit();
    await el.updateComplete;
    const errors = [...root.querySelectorAll('.err[role=alert]')].map((e) => e.textContent);
    expect(errors).to.include.members(['此项必填', '到账日期不能晚于今天', '请输入金额', '请选择与收入类型相符的资金来源', '请填写缴款单位（人）', '摘要至少 2 个字']);
    expect(mock.calls.some((c) => c.method === 'POST')).to.equal(false);
  });

  it('reverses a receipt with a reason after confirming, and keeps the dialog open when the rule refuses', async () => {
    let refuse = true;
    mock = mockFetch({
      'GET /api/units/b/receipts': { body: list([receipt({})]) },
      'GET /api/classifications': { body: FUND_NAMES },
      'POST /api/units/b/receipts/5/reverse': () => refuse
        ? { status: 422, body: { error: { code: 'CASH_INSUFFICIENT', message: '银行存款和资金结存—货币资金不得为负：银行存款余额 90,000.00 元', details: {} } } }
        : { body: receipt({ status: 'reversed' }) },
    });
    const el = await fixture<UbReceiptsPage>(html`<ub-receipts-page .ctx=${finance()}></ub-receipts-page>`);
    await until(() => el.data !== null);
    await el.updateComplete;
    const root = el.shadowRoot!;
    (root.querySelector('tr[data-id="5"] button.danger') as HTMLButtonElement).click();
    await el.updateComplete;
    const confirm = root.querySelector('.confirm')!;
    expect(confirm.textContent).to.contain('冲销收入 #5').and.contain('172,200.00');
    const go = () => [...confirm.querySelectorAll('button')].find((b) => b.textContent === '确认冲销')!;
    expect(go().disabled).to.equal(true);
    typeInto(root, '.confirm input[name=reason]', '金额录入错误');
    typeInto(root, '.confirm input[name=reverseDate]', '2026-09-10');
    await el.updateComplete;
    expect(go().disabled).to.equal(false);
    await el.reverse();
    await el.updateComplete;
    expect(root.querySelector('[role=alert]')!.textContent).to.contain('不得为负');
    expect(root.querySelector('.confirm')).to.not.equal(null);
    refuse = false;
    await el.reverse();
    await el.updateComplete;
    const posts = mock.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.body)).to.deep.equal([{ reason: '金额录入错误', date: '2026-09-10' }, { reason: '金额录入错误', date: '2026-09-10' }]);
    expect(root.querySelector('[role=status]')!.textContent).to.contain('收入 #5 已冲销 172,200.00 元');
    expect(root.querySelector('.confirm')).to.equal(null);
  });

  it('is read-only for a leader: totals and rows, no form, no reversal', async () => {
    mock = mockFetch({ 'GET /api/units/b/receipts': { body: list([receipt({})]) }, 'GET /api/classifications': { body: FUND_NAMES } });
    const el = await fixture<UbReceiptsPage>(html`<ub-receipts-page .ctx=${ctx({ unitId: 'b', roles: ['leader'], departmentId: null })}></ub-receipts-page>`);
    await until(() => el.data !== null);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('form')).to.equal(null);
    expect(root.querySelector('tr[data-id="5"] button')).to.equal(null);
    expect(root.textContent).to.contain('只读：收入由财务人员登记和冲销。');
    expect(root.querySelector('tr[data-type="business"]')).to.not.equal(null);
  });

  it('warns when own-money indicators exceed the cash received', async () => {
    mock = mockFetch({
      'GET /api/units/b/receipts': { body: list([], { cash: { bank: 1_000_000, budgetary: 1_000_000, committed: 3_000_000 } }) },
      'GET /api/classifications': { body: FUND_NAMES },
    });
    const el = await fixture<UbReceiptsPage>(html`<ub-receipts-page .ctx=${finance()}></ub-receipts-page>`);
    await until(() => el.data !== null);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=note]')!.textContent).to.contain('超过银行存款');
  });

  it('fits a 390 px phone: the form, the sums and the reversal dialog (the table scrolls sideways)', async () => {
    await setViewport({ width: 390, height: 844 });
    try {
      mock = mockFetch({ 'GET /api/units/b/receipts': { body: list([receipt({ payer: '示范县实验小学课后服务学生家长委员会（银行代收代付专户）' })]) }, 'GET /api/classifications': { body: FUND_NAMES } });
      const wrap = await fixture<HTMLDivElement>(html`<div style="width:362px"><ub-receipts-page .ctx=${finance()}></ub-receipts-page></div>`);
      const el = wrap.querySelector('ub-receipts-page') as UbReceiptsPage;
      await until(() => el.data !== null);
      el.askReverse(el.data!.items[0]!);
      await el.updateComplete;
      await new Promise((r) => setTimeout(r, 100));
      const right = wrap.getBoundingClientRect().right;
      const out: string[] = [];
      const walk = (root: ShadowRoot) => {
        for (const e of root.querySelectorAll('*')) {
          if (e.closest('.x-scroll')) continue;
          const r = e.getBoundingClientRect();
          if (r.width > 0 && r.right > right + 0.5) out.push(`${e.tagName.toLowerCase()}.${e.className} → ${Math.round(r.right)}`);
          if (e.shadowRoot) walk(e.shadowRoot);
        }
      };
      walk(el.shadowRoot!);
      expect(out).to.deep.equal([]);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });
});
