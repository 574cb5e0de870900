import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx, indicator } from './fixtures.js';
import '../src/pages/indicator-dashboard.js';
import type { UbIndicatorDashboard } from '../src/pages/indicator-dashboard.js';
import { filterIndicators, shortName } from '../src/pages/indicator-dashboard.js';

const rows = [
  indicator({ id: 1, code: 'ZB-1', departmentId: 3, expenditureKind: 'personnel', economicCode: '30101', amount: 100000, paid: 50000, available: 50000 }),
  indicator({ id: 2, code: 'ZB-2', departmentId: 1, expenditureKind: 'operating', economicCode: '30201', fundSourceCode: '12', amount: 200000, paid: 0, available: 200000 }),
  indicator({ id: 3, code: 'ZB-3', departmentId: 3, expenditureKind: 'project', projectId: 7, economicCode: '30216', amount: 300000, paid: 100000, available: 200000 }),
];
const none = { departmentId: '', kind: '', economicCode: '', fundSourceCode: '', projectId: '', q: '' };

describe('indicator dashboard', () => {
  let mock: ReturnType<typeof mockFetch>;
  afterEach(() => mock?.restore());

  it('filters by department, kind, class, fund source, project and text', () => {
    expect(filterIndicators(rows, none).length).to.equal(3);
    expect(filterIndicators(rows, { ...none, departmentId: '3' }).map((r) => r.id)).to.deep.equal([1, 3]);
    expect(filterIndicators(rows, { ...none, kind: 'operating' }).map((r) => r.id)).to.deep.equal([2]);
    expect(filterIndicators(rows, { ...none, economicCode: '302' }).map((r) => r.id)).to.deep.equal([2, 3]);
    expect(filterIndicators(rows, { ...none, fundSourceCode: '12' }).map((r) => r.id)).to.deep.equal([2]);
    expect(filterIndicators(rows, { ...none, projectId: '7' }).map((r) => r.id)).to.deep.equal([3]);
    expect(filterIndicators(rows, { ...none, q: 'zb-2' }).map((r) => r.id)).to.deep.equal([2]);
    expect(shortName('2026年度基本支出预算 · 基本工资')).to.equal('基本工资');
  });

  it('shows the table with totals that follow the filters', async () => {
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: rows },
      'GET /api/units/a/projects': { body: [] },
      'GET /api/classifications': { body: [] },
    });
    const el = await fixture<UbIndicatorDashboard>(html`<ub-indicator-dashboard .ctx=${ctx({ roles: ['finance_officer'] })}></ub-indicator-dashboard>`);
    await until(() => el.rows.length === 3);
    await el.updateComplete;
    const table = el.shadowRoot!.querySelector('ub-data-table')!;
    await table.updateComplete;
    expect(table.shadowRoot!.querySelectorAll('tbody tr').length).to.equal(3);
    expect(el.shadowRoot!.querySelector('.stat .v')!.textContent).to.equal('6,000.00');
    const dept = el.shadowRoot!.querySelector('select[name=department]') as HTMLSelectElement;
    dept.value = '1';
    dept.dispatchEvent(new Event('change'));
    await el.updateComplete;
    await table.updateComplete;
    expect(table.shadowRoot!.querySelectorAll('tbody tr').length).to.equal(1);
    expect(el.shadowRoot!.querySelector('.stat .v')!.textContent).to.equal('2,000.00');
    expect(table.shadowRoot!.querySelector('tfoot')!.textContent).to.contain('2,000.00');
    expect(table.shadowRoot!.querySelector('a')!.getAttribute('href')).to.equal('/dashboard/2');
  });
});
