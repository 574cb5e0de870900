import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/budget-wizard.js';
import type { UbBudgetWizard } from '../src/pages/budget-wizard.js';
import { parseHeadcount } from '../src/pages/budget-wizard.js';

const template = (kind: string, standards: object[]) => ({ unitId: 'a', kind, name: kind, functionalCode: '2050101', fundSourceCode: '11', standards });

describe('ub-budget-wizard', () => {
  let mock: ReturnType<typeof mockFetch>;
  // The wizard keeps a draft (localStorage) and its step (the address): each test starts without either.
  const start = location.href;
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
    for (const k of Object.keys(localStorage)) if (k.startsWith('ub.draft.')) localStorage.removeItem(k);
  });

  async function mount() {
    mock = mockFetch({
      'GET /api/units/a/budget-templates/personnel': { body: template('personnel', [{ economicCode: '30101', name: '基本工资', perHeadAmount: 10560000 }, { economicCode: '30102', name: '津贴补贴', perHeadAmount: 9280000 }]) },
      'GET /api/units/a/budget-templates/operating': { body: template('operating', [{ economicCode: '30201', name: '办公费', perHeadAmount: 392500 }]) },
      'GET /api/units/a/projects': { body: [{ id: 1, code: 'JY2026-001', name: '教师培训项目', departmentId: 3, status: 'executing', functionalCode: '2050801', fundSourceCode: '11', totalAmount: 1 }] },
      'GET /api/classifications': { body: [{ code: '30216', name: '培训费' }] },
      'POST /api/units/a/budget-requests': { status: 201, body: { id: 9 } },
      'POST /api/units/a/budget-requests/9/submit': { body: { id: 9 } },
    });
    const el = await fixture<UbBudgetWizard>(html`<ub-budget-wizard .ctx=${ctx()}></ub-budget-wizard>`);
    await until(() => el.templates.personnel);
    return el;
  }

  it('parses headcounts', () => {
    expect(parseHeadcount('12')).to.deep.equal({ value: 12, error: null });
    expect(parseHeadcount('')).to.deep.equal({ value: null, error: null });
    expect(parseHeadcount('1.5').error).to.contain('正整数');
    expect(parseHeadcount('0').error).to.contain('正整数');
  });

  it('will not leave the first step without a title', async () => {
    const el = await mount();
    el.go(2);
    await el.updateComplete;
    expect(el.step).to.equal(1);
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('至少 2 个字');
  });

  it('keeps a running total of headcount × standard and project lines', async () => {
    const el = await mount();
    const title = el.shadowRoot!.querySelector('input[name=title]') as HTMLInputElement;
    title.value = '2027年度预算';
    title.dispatchEvent(new Event('input'));
    el.go(2);
    await el.updateComplete;
    const hc = el.shadowRoot!.querySelector('input[name=headcount-personnel]') as HTMLInputElement;
    hc.value = '10';
    hc.dispatchEvent(new Event('input'));
    await el.updateComplete;
    // 10 × (105,600.00 + 92,800.00)
    expect(el.shadowRoot!.querySelector('[data-total]')!.textContent).to.equal('1,984,000.00');
    el.headcountText = { ...el.headcountText, operating: '10' };
    el.addProjectLine();
    el.updateLine(el.projectLines[0]!.key, { projectId: 1, economicCode: '30216', amount: 5000000 });
    await el.updateComplete;
    expect(el.total).to.equal(198400000 + 3925000 + 5000000);
    expect(el.shadowRoot!.querySelector('[data-total]')!.textContent).to.equal('2,073,250.00');
  });

  it('flags a bad headcount inline', async () => {
    const el = await mount();
    el.step = 2;
    await el.updateComplete;
    const hc = el.shadowRoot!.querySelector('input[name=headcount-personnel]') as HTMLInputElement;
    hc.value = '3.5';
    hc.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(hc.getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('正整数');
  });

  it('creates then submits the request', async () => {
    const el = await mount();
    el.reqTitle = '2027年度预算';
    el.headcountText = { personnel: '10', operating: '' };
    el.addProjectLine();
    el.updateLine(el.projectLines[0]!.key, { projectId: 1, economicCode: '30216', amount: 5000000, note: '培训' });
    await el.save(true);
    const create = mock.calls.find((c) => c.url === '/api/units/a/budget-requests')!;
    expect(create.body).to.deep.equal({
      year: new Date().getFullYear() + 1,
      departmentId: 3,
      title: '2027年度预算',
      lines: [{ kind: 'personnel', headcount: 10 }, { kind: 'project', projectId: 1, economicCode: '30216', amount: 5000000, note: '培训' }],
    });
    expect(mock.calls.some((c) => c.url === '/api/units/a/budget-requests/9/submit')).to.equal(true);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('9');
  });

  it('after a refused submission, submitting again edits the draft it created instead of making a second one', async () => {
    const el = await mount();
    mock.restore();
    let refuse = true;
    mock = mockFetch({
      'POST /api/units/a/budget-requests': { status: 201, body: { id: 9, docNo: 'YS2027-0001' } },
      'PATCH /api/units/a/budget-requests/9': { body: { id: 9, docNo: 'YS2027-0001' } },
      'POST /api/units/a/budget-requests/9/submit': () => (refuse
        ? { status: 422, body: { error: { code: 'analytics.OVER_LIMIT', message: '超出控制数', details: {} } } }
        : { body: { id: 9, docNo: 'YS2027-0001', warnings: [] } }),
    });
    el.reqTitle = '2027年度预算';
    el.headcountText = { personnel: '10', operating: '' };
    await el.save(true);
    expect(el.error).to.contain('超出控制数');
    refuse = false;
    el.headcountText = { personnel: '8', operating: '' };
    await el.save(true);
    const creates = mock.calls.filter((c) => c.method === 'POST' && c.url === '/api/units/a/budget-requests');
    expect(creates.length).to.equal(1);
    const patch = mock.calls.find((c) => c.method === 'PATCH')!;
    expect(patch.url).to.equal('/api/units/a/budget-requests/9');
    expect(patch.body).to.deep.equal({ title: '2027年度预算', lines: [{ kind: 'personnel', headcount: 8 }] });
    expect(mock.calls.filter((c) => c.url === '/api/units/a/budget-requests/9/submit').length).to.equal(2);
    expect(el.error).to.equal('');
    expect(el.done).to.contain('YS2027-0001');
  });

  it('shows plugins’ views about the request once it is saved as a draft (the evaluation of its project)', async () => {
    const el = await mount();
    mock.restore();
    mock = mockFetch({
      'POST /api/units/a/budget-requests': { status: 201, body: { id: 9, docNo: null, status: 'draft' } },
      'GET /api/units/a/plugins/placements': (c) => ({ body: { placements: c.url.includes('placement=budget-request-detail') ? [{ pluginId: 'performance', viewId: 'request', title: { zh: '上年绩效评价结果', en: 'Last year’s evaluation' } }] : [] } }),
      'GET /api/units/a/plugins/performance/views/request': (c) => ({ body: { blocks: [{ type: 'markdown', text: `subject ${new URL(c.url, location.href).searchParams.get('subjectKind')} ${new URL(c.url, location.href).searchParams.get('subjectId')}` }] } }),
    });
    el.reqTitle = '2027年度预算';
    el.headcountText = { personnel: '10', operating: '' };
    await el.save(false);
    await el.updateComplete;
    expect(mock.calls.some((c) => c.url.endsWith('/submit'))).to.equal(false);
    const placed = el.shadowRoot!.querySelector('ub-plugin-placements') as HTMLElement & { placements: unknown[]; updateComplete: Promise<unknown> };
    expect(placed.getAttribute('placement')).to.equal('budget-request-detail');
    expect(placed.getAttribute('subject-id')).to.equal('9');
    await until(() => placed.placements.length === 1);
    await placed.updateComplete;
    const view = placed.shadowRoot!.querySelector('ub-plugin-view') as HTMLElement & { spec: unknown; updateComplete: Promise<unknown> };
    await until(() => view.spec);
    await view.updateComplete;
    expect(view.shadowRoot!.querySelector('[data-kind=markdown]')!.textContent).to.contain('subject budget-request 9');
  });

  it('refuses an empty request', async () => {
    const el = await mount();
    el.reqTitle = '空申请';
    await el.save(false);
    expect(el.errors.lines).to.contain('至少填写一行');
    expect(mock.calls.some((c) => c.method === 'POST')).to.equal(false);
  });
});
