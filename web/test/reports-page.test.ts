import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/reports-page.js';
import { cellText, formatIn, formatRatio, reportQuery, type UbReportsPage } from '../src/pages/reports-page.js';
import type { ReportView } from '../src/lib/types.js';

const execution: ReportView = {
  report: 'execution', title: '2025年预算执行情况表（截至12月）', unitId: 'a', unitName: '示范县教育局机关', consolidated: false,
  units: [{ id: 'a', name: '示范县教育局机关' }], year: 2025, month: 12,
  tables: [
    {
      id: 'by_department', title: '预算执行情况表（按科室）', unitLabel: '元',
      columns: [{ key: 'code', header: '编码', kind: 'text' }, { key: 'name', header: '名称', kind: 'text' }, { key: 'budget', header: '预算数', kind: 'money' }, { key: 'rate', header: '执行率', kind: 'ratio' }],
      rows: [{ code: '03', name: '基础教育科', budget: 123456789, rate: 0.665 }, { code: '', name: '合计', budget: 123456789, rate: 0.665 }],
    },
    {
      id: 'three_public', title: '三公经费', unitLabel: '万元',
      columns: [{ key: 'name', header: '项目', kind: 'text' }, { key: 'amount', header: '金额', kind: 'money' }],
      rows: [{ name: '公务接待费', amount: 4_215_000 }],
    },
  ],
};

describe('ub-reports-page', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('formats report cells: yuan, 万元 rounded, ratios, integers', () => {
    expect(formatIn(123456789, '元')).to.equal('1,234,567.89');
    expect(formatIn(4_215_000, '万元')).to.equal('4.22'); // 42,150 元 → 4.215 万元 → 4.22
    expect(formatIn(-4_215_000, '万元')).to.equal('-4.22');
    expect(formatIn(4_214_999, '万元')).to.equal('4.21');
    expect(formatRatio(0.665)).to.equal('66.50%');
    expect(formatRatio(-0.2517)).to.equal('-25.17%');
    expect(cellText({ key: 'n', header: '', kind: 'integer' }, 12345, '元')).to.equal('12,345');
    expect(cellText({ key: 'n', header: '', kind: 'money' }, null, '元')).to.equal('');
    // the execution report never gets month 0 ("whole year" belongs to the ledger tabs)
    expect(reportQuery('execution', { year: 2025, month: 0, basis: 'budget', track: 'budgetary', consolidated: false })).to.deep.equal({ year: 2025, month: undefined, consolidated: undefined });
  });

  it('shows the execution report of the picked year and month with xlsx/CSV download links from the API', async () => {
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2025, status: 'closed', periods: [] }] },
      'GET /api/units/a/reports/execution': { body: execution },
    });
    const el = await fixture<UbReportsPage>(html`<ub-reports-page .ctx=${ctx({ roles: ['finance_officer'] })}></ub-reports-page>`);
    await until(() => el.report);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(mock.calls.find((c) => c.url.includes('/reports/execution'))!.url).to.equal('/api/units/a/reports/execution?year=2025&month=12');
    const first = root.querySelector('section[data-table=by_department] tbody tr')!;
    expect([...first.querySelectorAll('td')].map((td) => td.textContent)).to.deep.equal(['03', '基础教育科', '1,234,567.89', '66.50%']);
    expect(root.querySelector('section[data-table=by_department] tbody tr.total')!.textContent).to.contain('合计');
    expect(root.querySelector('section[data-table=three_public]')!.textContent).to.contain('单位：万元');
    expect(root.querySelector('section[data-table=three_public] td.num')!.textContent).to.equal('4.22');
    const links = [...root.querySelectorAll<HTMLAnchorElement>('a.dl')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
      '/api/units/a/reports/execution?year=2025&month=12&format=xlsx',
      '/api/units/a/reports/execution?year=2025&month=12&format=csv',
    ]);
    expect(links.every((a) => a.hasAttribute('download'))).to.equal(true);
    // month picker reloads
    const month = root.querySelector<HTMLSelectElement>('select[name=month]')!;
    month.value = '6';
    month.dispatchEvent(new Event('change'));
    await until(() => mock!.calls.some((c) => c.url === '/api/units/a/reports/execution?year=2025&month=6'));
  });

  it('switches tabs with the keyboard: disclosure (basis), trial balance (track, balanced), year end', async () => {
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2025, status: 'closed', periods: [] }] },
      'GET /api/units/a/reports/execution': { body: execution },
      'GET /api/units/a/reports/disclosure': { body: { ...execution, report: 'disclosure', title: '2025年部门预算公开表（执行数）' } },
      'GET /api/units/a/reports/final-accounts': { body: { ...execution, report: 'final-accounts' } },
      'GET /api/units/a/trial-balance': {
        body: {
          track: 'financial', year: 2025, month: 12, unitIds: ['a'], balanced: false,
          accounts: [{ accountCode: '1011', accountName: '零余额账户用款额度', category: 'asset', openingDebit: 100, openingCredit: 0, periodDebit: 5000, periodCredit: 0, closingDebit: 5100, closingCredit: 0 }],
          totals: { openingDebit: 100, openingCredit: 0, periodDebit: 5000, periodCredit: 0, closingDebit: 5100, closingCredit: 0 },
        },
      },
      'GET /api/units/a/year-end': {
        body: {
          unitId: 'a', year: 2025, nextYear: 2026, alreadyRun: true, runAt: '2026-01-05T10:00:00Z',
          totals: { amount: 1000000, paid: 800000, unspent: 200000, carried: 150000, surplus: 50000 },
          items: [{ indicatorId: 1, code: 'ZB2025-0001', name: '办公费', amount: 1000000, paid: 800000, unspent: 200000, decision: 'carry_forward', rule: '项目支出结转', carried: 150000, surplus: 50000 }],
        },
      },
    });
    const el = await fixture<UbReportsPage>(html`<ub-reports-page .ctx=${ctx({ roles: ['auditor'] })}></ub-reports-page>`);
    await until(() => el.report);
    const root = el.shadowRoot!;
    const key = (k: string) => root.querySelector('[role=tablist]')!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    key('ArrowRight');
    await until(() => el.report?.report === 'disclosure');
    const basis = root.querySelector<HTMLSelectElement>('select[name=basis]')!;
    basis.value = 'actual';
    basis.dispatchEvent(new Event('change'));
    await until(() => mock!.calls.some((c) => c.url === '/api/units/a/reports/disclosure?year=2025&basis=actual'));
    await el.updateComplete;
    expect(root.querySelector<HTMLAnchorElement>('a.dl')!.getAttribute('href')).to.equal('/api/units/a/reports/disclosure?year=2025&basis=actual&format=xlsx');
    key('ArrowRight');
    key('ArrowRight');
    expect(el.tab).to.equal('trial');
    await el.updateComplete;
    const track = root.querySelector<HTMLSelectElement>('select[name=track]')!;
    track.value = 'financial';
    track.dispatchEvent(new Event('change'));
    await until(() => el.trial?.track === 'financial');
    await el.updateComplete;
    expect(mock.calls.at(-1)!.url).to.equal('/api/units/a/trial-balance?track=financial&year=2025&month=12');
    expect(root.querySelector('[role=status] .badge')!.textContent).to.equal('借贷不平衡');
    expect(root.querySelector('a.dl')).to.equal(null);
    const table = root.querySelector('ub-data-table')!;
    await table.updateComplete;
    expect(table.shadowRoot!.querySelector('tbody tr')!.textContent).to.contain('51.00');
    key('End');
    await until(() => el.yearEnd);
    await el.updateComplete;
    expect(root.querySelector('[role=status]')!.textContent).to.contain('2025 年已年终结转');
    const ye = root.querySelector('ub-data-table')!;
    await ye.updateComplete;
    expect(ye.shadowRoot!.querySelector('tbody tr')!.textContent).to.contain('结转');
    expect(root.activeElement).to.equal(root.querySelector('#tab-yearend'));
  });
});
