import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx, indicator } from './fixtures.js';
import '../src/pages/cockpit-page.js';
import type { UbCockpitPage } from '../src/pages/cockpit-page.js';

describe('ub-cockpit-page', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());
  // ECharts comes unbundled in the test server (hundreds of modules): load it once up front.
  before(async () => void (await import('../src/lib/charts.js')));

  it('shows totals, warnings, 三公 vs cap, the inbox, and draws the charts with ECharts', async () => {
    const year = new Date().getFullYear();
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: [indicator({ year, departmentId: 3, amount: 1000000, paid: 250000, available: 750000 }), indicator({ id: 2, year, departmentId: 1, amount: 1000000, paid: 900000, frozen: 0, available: 100000 })] },
      'GET /api/units/a/payments': {
        body: [
          { id: 8, purpose: '公务接待', amount: 300000, status: 'pending', warnings: [{ rule: 'THREE_PUBLIC_CAP_EXCEEDED', severity: 'warn', message: '超过三公经费控制数', details: {} }] },
          { id: 9, purpose: '已撤回', amount: 900000, status: 'withdrawn', warnings: [{ rule: 'X', severity: 'warn', message: 'x', details: {} }] },
        ],
      },
      'GET /api/units/a/three-public-caps': { body: [{ economicCode: '30217', amount: 4500000, used: 3000000 }] },
      'GET /api/units/a/approvals/inbox': { body: [{ target: 'payment', targetId: 8, seq: 3, label: '单位领导审批', amount: 300000, summary: '公务接待', requestedBy: '孙浩', requestedAt: '' }] },
    });
    const el = await fixture<UbCockpitPage>(html`<ub-cockpit-page .ctx=${ctx({ roles: ['leader'], departmentId: null })}></ub-cockpit-page>`);
    await until(() => el.rows.length === 2 && el.caps.length === 1);
    await el.updateComplete;
    const s = el.shadowRoot!.textContent!;
    expect(s).to.contain('20,000.00');
    expect(s).to.contain('执行率 57.5%');
    expect(el.shadowRoot!.querySelectorAll('ul.warn li').length).to.equal(1);
    expect(el.shadowRoot!.querySelector('ul.warn li')!.textContent).to.contain('超过三公经费控制数');
    expect(el.shadowRoot!.querySelector('#capChart')!.getAttribute('aria-label')).to.contain('30,000.00 / 45,000.00');
    expect(el.shadowRoot!.querySelector('#deptChart')!.getAttribute('aria-label')).to.match(/^办公室 90\.0%，基础教育科 25\.0%$/);
    await until(() => el.shadowRoot!.querySelector('#execChart canvas'), 15000);
    await until(() => el.shadowRoot!.querySelector('#capChart canvas'), 15000);
    const inbox = el.shadowRoot!.querySelector('ub-approval-inbox')!;
    await until(() => inbox.shadowRoot!.textContent!.includes('公务接待'));
  });
});
