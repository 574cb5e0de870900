import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import { setLang } from '../src/lib/i18n.js';
import '../src/pages/fiscal-years.js';
import type { UbFiscalYears } from '../src/pages/fiscal-years.js';

const finance = ctx({ roles: ['finance_officer'], departmentId: null });
const auditor = ctx({ roles: ['auditor'], departmentId: null });
const periods = (year: number, closed: number) =>
  Array.from({ length: 12 }, (_, i) => ({ year, month: i + 1, status: i < closed ? 'closed' : 'open', closedAt: null, closedBy: null }));
const years = [
  { unitId: 'a', year: 2025, status: 'closed', periods: periods(2025, 12) },
  { unitId: 'a', year: 2026, status: 'open', periods: periods(2026, 3) },
];
const item = (over: Record<string, unknown>) => ({
  indicatorId: 1, code: 'ZB2025-0001', name: '办公费', amount: 1_000_000, paid: 400_000, frozen: 0, unspent: 600_000,
  decision: 'surplus', rule: '基本支出年末结余', carried: 0, surplus: 600_000, ...over,
});
// 6,000.00 结余 (basic) + 2,500.00 结转 (project): unspent 8,500.00
const preview = (alreadyRun: boolean) => ({
  unitId: 'a', year: 2025, nextYear: 2026, alreadyRun, runAt: alreadyRun ? '2026-01-02T01:30:00Z' : null,
  totals: { amount: 1_500_000, paid: 650_000, unspent: 850_000, carried: 250_000, surplus: 600_000 },
  items: [item({}), item({ indicatorId: 2, code: 'ZB2025-0002', name: '教师培训项目', amount: 500_000, paid: 250_000, unspent: 250_000, decision: 'carry_forward', rule: '项目支出结转下年继续使用', carried: 250_000, surplus: 0 })],
});

const root = (el: Element) => el.shadowRoot!;

describe('fiscal years and year end', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    setLang('zh-CN');
  });

  it('creates the next year, refuses an existing one without a request, and rolls over after confirmation', async () => {
    let list = [...years];
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': () => ({ body: list }),
      'GET /api/units/a/year-end': { body: preview(false) },
      'POST /api/units/a/fiscal-years': (c) => {
        const y = (c.body as { year: number }).year;
        list = [...list, { unitId: 'a', year: y, status: 'open', periods: periods(y, 0) }];
        return { status: 201, body: list.at(-1) };
      },
      'POST /api/units/a/fiscal-years/2027/rollover': () => {
        list = [...list, { unitId: 'a', year: 2028, status: 'open', periods: periods(2028, 0) }];
        return { status: 201, body: list.at(-1) };
      },
    });
    const el = await fixture<UbFiscalYears>(html`<ub-fiscal-years .ctx=${finance}></ub-fiscal-years>`);
    await until(() => el.years.length === 2);
    await el.updateComplete;
    expect(el.newYear, 'the next year is offered').to.equal(2027);
    expect(root(el).querySelector('tr[data-year="2026"]')!.textContent).to.contain('3 / 12 个月');
    // 2025 already has 2026 after it: only 2026 offers a rollover
    expect([...root(el).querySelectorAll('button[data-action=rollover]')].map((b) => b.closest('tr')!.getAttribute('data-year'))).to.deep.equal(['2026']);
    const input = root(el).querySelector('input[name=year]') as HTMLInputElement;
    input.value = '2026';
    input.dispatchEvent(new Event('input'));
    await el.create();
    await el.updateComplete;
    expect(root(el).querySelector('[data-error=year]')!.textContent).to.equal('2026 预算年度已存在');
    expect(mock.calls.filter((c) => c.method === 'POST')).to.have.length(0);
    input.value = '2027';
    input.dispatchEvent(new Event('input'));
    (root(el).querySelector('form button[type=submit]') as HTMLButtonElement).click();
    await until(() => el.years.length === 3 && root(el).querySelector('[role=status]'));
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ year: 2027 });
    await el.updateComplete;
    expect(root(el).querySelector('[role=status]')!.textContent).to.contain('2027 预算年度已建立');
    (root(el).querySelector('tr[data-year="2027"] button[data-action=rollover]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(root(el).querySelector('[role=alertdialog]')!.textContent).to.contain('将建立 2028 预算年度');
    (root(el).querySelector('button[data-action=confirm-rollover]') as HTMLButtonElement).click();
    await until(() => el.years.length === 4);
    expect(mock.calls.some((c) => c.method === 'POST' && c.url === '/api/units/a/fiscal-years/2027/rollover')).to.equal(true);
  });

  it('previews the year end per indicator in 元, runs it once after confirmation and shows that it ran', async () => {
    let ran = false;
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: years },
      'GET /api/units/a/year-end': () => ({ body: preview(ran) }),
      'POST /api/units/a/year-end': () => ((ran = true), { body: preview(true) }),
    });
    const el = await fixture<UbFiscalYears>(html`<ub-fiscal-years .ctx=${finance}></ub-fiscal-years>`);
    await until(() => el.preview !== null);
    await el.updateComplete;
    expect(mock.calls.some((c) => c.url === '/api/units/a/year-end?year=2025'), 'the latest closed year').to.equal(true);
    expect(root(el).querySelector('[data-state]')!.getAttribute('data-state')).to.equal('preview');
    expect(root(el).querySelector('[data-total=unspent] dd')!.textContent).to.equal('8,500.00');
    expect(root(el).querySelector('[data-total=carried] dd')!.textContent).to.equal('2,500.00');
    const row = root(el).querySelector('tr[data-indicator="2"]')!;
    expect(row.textContent).to.contain('结转下年');
    expect([...row.querySelectorAll('td.num')].map((td) => td.textContent)).to.deep.equal(['5,000.00', '2,500.00', '2,500.00']);
    (root(el).querySelector('button[data-action=year-end]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(mock.calls.some((c) => c.method === 'POST')).to.equal(false);
    expect(root(el).querySelector('[role=alertdialog]')!.textContent).to.contain('结转 2,500.00 元至 2026 年度指标，结余 6,000.00 元');
    (root(el).querySelector('button[data-action=confirm-year-end]') as HTMLButtonElement).click();
    // Done once the years are read again and the outcome is said (under load that is after the answer itself).
    await until(() => el.preview?.alreadyRun === true && root(el).querySelector('[role=status]') !== null);
    await el.updateComplete;
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ year: 2025 });
    expect(root(el).querySelector('[role=status]')!.textContent).to.contain('2025 年度年终结转已完成：结转 2,500.00 元，结余 6,000.00 元');
    expect(root(el).querySelector('[data-state]')!.textContent).to.contain('2026-01-02 09:30');
    expect(root(el).querySelector('button[data-action=year-end]'), 'once per year').to.equal(null);
  });

  it('shows the core’s refusal of the year end in the user’s language', async () => {
    setLang('en');
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: years },
      'GET /api/units/a/year-end': { body: preview(false) },
      'POST /api/units/a/year-end': { status: 409, body: { error: { code: 'YEAR_END_OPEN_PAYMENTS', message: '2 payment requests of 2025 are still pending or approved but unpaid; settle them first', details: {} } } },
    });
    const el = await fixture<UbFiscalYears>(html`<ub-fiscal-years .ctx=${finance}></ub-fiscal-years>`);
    await until(() => el.preview !== null);
    el.confirmRun = true;
    await el.updateComplete;
    expect(root(el).querySelector('[role=alertdialog]')!.textContent).to.contain('2,500.00 yuan is carried into 2026 indicators');
    await el.runYearEnd();
    await el.updateComplete;
    expect(root(el).querySelector('[role=alert].notice')!.textContent).to.contain('still pending or approved but unpaid');
    expect(el.preview!.alreadyRun).to.equal(false);
  });

  it('is read-only for an auditor: the preview, no create, rollover or run', async () => {
    mock = mockFetch({ 'GET /api/units/a/fiscal-years': { body: years }, 'GET /api/units/a/year-end': { body: preview(false) } });
    const el = await fixture<UbFiscalYears>(html`<ub-fiscal-years .ctx=${auditor}></ub-fiscal-years>`);
    await until(() => el.preview !== null);
    await el.updateComplete;
    expect(root(el).querySelector('tr[data-indicator="1"]')).to.exist;
    expect(root(el).querySelector('form')).to.equal(null);
    expect(root(el).querySelector('button[data-action=rollover]')).to.equal(null);
    expect(root(el).querySelector('button[data-action=year-end]')).to.equal(null);
  });
});
