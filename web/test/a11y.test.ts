import { expect, fixture, html } from '@open-wc/testing';
import 'axe-core/axe.min.js';
import type { AxeResults, RunOptions } from 'axe-core';
import { mockFetch, until } from './mock-fetch.js';
import { analyticsPlugin, ctx, indicator, timeProgressAnswer } from './fixtures.js';
import '../src/pages/login-page.js';
import '../src/pages/approval-inbox.js';
import '../src/pages/payment-wizard.js';
import '../src/pages/my-requests.js';
import '../src/pages/cockpit-page.js';
import '../src/pages/reports-page.js';
import '../src/pages/indicator-dashboard.js';

/** axe-core, loaded as the browser script it is (it sets window.axe). */
const axe = (window as unknown as { axe: { run(ctx: Element, opts: RunOptions): Promise<AxeResults> } }).axe;

/** The serious and critical findings of axe on an element (its shadow roots included), as readable lines. */
async function seriousViolations(el: Element): Promise<string[]> {
  const result = await axe.run(el, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
}

const year = new Date().getFullYear();
const payments = [{
  id: 5, docNo: 'ZF2026-0005', unitId: 'a', indicatorId: 1, indicatorCode: 'ZB-1', departmentId: 3, payeeName: '文印中心', payeeAccount: '', payeeBank: '',
  purpose: '印刷', amount: 10000, date: '2026-12-01', status: 'pending', procurement: false, contractNo: null, warnings: [], createdBy: 6, createdAt: '2026-12-01T01:00:00Z',
  updatedAt: '2026-12-01T01:00:00Z', paidAt: null,
}];
const inbox = [{ target: 'payment', targetId: 5, seq: 1, label: '科室负责人审核', amount: 10000, summary: '印刷（收款人：文印中心）', requestedBy: '孙浩', requestedAt: '2026-12-01T01:00:00Z' }];

/** No serious or critical axe findings on the main pages (login, inbox, payment wizard, my requests, cockpit, reports centre, dashboard). */
describe('accessibility of the main pages (axe-core)', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  const start = location.href;
  before(async () => void (await import('../src/lib/charts.js')));
  beforeEach(() => {
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: [indicator({ year, departmentId: 3 }), indicator({ id: 2, code: 'ZB-2', year, departmentId: 1, paid: 0 })] },
      'GET /api/units/a/control-rules': { body: [] },
      'GET /api/classifications': { body: [{ code: '30201', name: '办公费' }] },
      'GET /api/units/a/payments': { body: payments },
      'GET /api/units/a/budget-requests': { body: [] },
      'GET /api/units/a/approvals/inbox': { body: inbox },
      'GET /api/units/a/three-public-caps': { body: [{ economicCode: '30217', amount: 4500000, used: 3000000 }] },
      'GET /api/units/a/time-progress': { body: timeProgressAnswer({ year }) },
      'GET /api/units/a/plugins': { body: [analyticsPlugin({ state: 'available', grants: [], version: null })] },
      'GET /api/units/a/projects': { body: [] },
      'GET /api/units/a/fiscal-years': { body: [{ year, periods: [] }] },
      'GET /api/units/a/reports/execution': { body: { report: 'execution', title: '预算执行情况表', unitId: 'a', unitName: '机关', consolidated: false, units: [], year, month: 12, tables: [] } },
    });
  });
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
  });

  it('the check itself finds what is wrong, inside shadow roots too', async () => {
    const host = await fixture(html`<div></div>`);
    host.attachShadow({ mode: 'open' }).innerHTML = '<button></button><img src="data:," /><input type="text" />';
    const found = await seriousViolations(host);
    expect(found.some((v) => v.startsWith('button-name'))).to.equal(true);
    expect(found.some((v) => v.startsWith('image-alt'))).to.equal(true);
  });

  it('login', async () => {
    const el = await fixture(html`<ub-login-page></ub-login-page>`);
    expect(await seriousViolations(el)).to.deep.equal([]);
  });

  it('approval inbox', async () => {
    const el = await fixture(html`<ub-approval-inbox .ctx=${ctx({ roles: ['department_head'] })}></ub-approval-inbox>`);
    await until(() => el.shadowRoot!.textContent!.includes('文印中心'));
    expect(await seriousViolations(el)).to.deep.equal([]);
  });

  it('payment wizard, first and second step', async () => {
    const el = await fixture<HTMLElementTagNameMap['ub-payment-wizard']>(html`<ub-payment-wizard .ctx=${ctx()}></ub-payment-wizard>`);
    await until(() => el.indicators.length === 2);
    await el.updateComplete;
    expect(await seriousViolations(el)).to.deep.equal([]);
    el.choose(1);
    el.goDetails();
    await el.updateComplete;
    expect(await seriousViolations(el)).to.deep.equal([]);
  });

  it('my requests', async () => {
    const el = await fixture(html`<ub-my-requests .ctx=${ctx()}></ub-my-requests>`);
    await until(() => el.shadowRoot!.textContent!.includes('文印中心'));
    expect(await seriousViolations(el)).to.deep.equal([]);
  });

  it('cockpit', async () => {
    const el = await fixture<HTMLElementTagNameMap['ub-cockpit-page']>(html`<ub-cockpit-page .ctx=${ctx({ roles: ['leader'], departmentId: null })}></ub-cockpit-page>`);
    await until(() => el.rows.length === 2 && el.time !== null && el.warnState === 'ready');
    await el.updateComplete;
    expect(await seriousViolations(el)).to.deep.equal([]);
  });

  it('reports centre', async () => {
    const el = await fixture(html`<ub-reports-page .ctx=${ctx({ roles: ['finance_officer'] })}></ub-reports-page>`);
    await until(() => mock!.calls.some((c) => c.url.includes('/reports/execution')));
    await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(await seriousViolations(el)).to.deep.equal([]);
  });

  it('dashboard', async () => {
    const el = await fixture<HTMLElementTagNameMap['ub-indicator-dashboard']>(html`<ub-indicator-dashboard .ctx=${ctx({ roles: ['finance_officer'] })}></ub-indicator-dashboard>`);
    await until(() => el.rows.length === 2);
    await el.updateComplete;
    expect(await seriousViolations(el)).to.deep.equal([]);
  });
});
