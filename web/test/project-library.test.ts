import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import { setLang } from '../src/lib/i18n.js';
import '../src/pages/project-library.js';
import type { UbProjectLibrary } from '../src/pages/project-library.js';
import type { UbProjectForm, ProjectDetail } from '../src/pages/project-form.js';

const finance = ctx({ roles: ['finance_officer'], departmentId: null });
const staff = ctx();

const project = (over: Partial<ProjectDetail> = {}): ProjectDetail => ({
  id: 7, unitId: 'a', code: 'JY2026-001', name: '教师培训项目', departmentId: 3, functionalCode: '2050801', fundSourceCode: '11',
  status: 'reserve', startYear: 2026, endYear: 2027, totalAmount: 30_000_000, description: '', createdBy: 4,
  createdAt: '2026-01-05T00:00:00Z', updatedAt: '2026-01-05T00:00:00Z',
  plans: [{ year: 2026, amount: 20_000_000 }, { year: 2027, amount: 10_000_000 }], targets: [], trail: [], ...over,
});

const classifications = {
  'GET /api/classifications': (c: { url: string }) => ({
    body: c.url.includes('kind=functional')
      ? [{ code: '2050801', name: '培训支出' }, { code: '2050299', name: '其他普通教育支出' }]
      : c.url.includes('kind=fund_source') ? [{ code: '11', name: '一般公共预算资金' }, { code: '12', name: '政府性基金预算资金' }] : [],
  }),
};

const root = (el: Element) => el.shadowRoot!;
const form = (el: UbProjectLibrary) => root(el).querySelector('ub-project-form') as UbProjectForm;
function type(host: Element, selector: string, value: string) {
  const input = host.shadowRoot!.querySelector(selector) as HTMLInputElement | HTMLSelectElement;
  input.value = value;
  input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input'));
}
/** Types yuan into the n-th amount field of the form. */
function typeYuan(f: UbProjectForm, n: number, text: string) {
  const amount = f.shadowRoot!.querySelectorAll('ub-amount-input')[n]!;
  const input = amount.shadowRoot!.querySelector('input')!;
  input.value = text;
  input.dispatchEvent(new Event('input'));
}

describe('project library', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    setLang('zh-CN');
    // A new project's form keeps a draft (localStorage): each test starts without one.
    for (const k of Object.keys(localStorage)) if (k.startsWith('ub.draft.')) localStorage.removeItem(k);
  });

  it('lists projects with status chips, code and name of the class, totals in 元; a chip filters on the server', async () => {
    mock = mockFetch({
      ...classifications,
      'GET /api/units/a/projects': (c) => ({ body: c.url.includes('status=executing') ? [project({ id: 8, status: 'executing' })] : [project(), project({ id: 8, code: 'JY2026-002', status: 'executing' })] }),
    });
    const el = await fixture<UbProjectLibrary>(html`<ub-project-library .ctx=${finance}></ub-project-library>`);
    await until(() => el.projects.length === 2 && el.functional.size > 0);
    await el.updateComplete;
    const row = root(el).querySelector('tbody tr[data-id="7"]')!;
    expect(row.textContent).to.contain('JY2026-001');
    expect(row.textContent).to.contain('2050801 培训支出');
    expect(row.textContent).to.contain('基础教育科');
    expect(row.querySelector('td.num')!.textContent).to.equal('300,000.00');
    expect(row.querySelector('[data-status]')!.textContent).to.equal('储备');
    expect(root(el).textContent).to.contain('单位：元');
    (root(el).querySelector('.chips button[data-status=executing]') as HTMLButtonElement).click();
    await until(() => el.projects.length === 1);
    expect(mock.calls.some((c) => c.url === '/api/units/a/projects?status=executing')).to.equal(true);
  });

  it('creates a project: errors in the user’s language while the form is wrong, then POSTs the plan in fen', async () => {
    let posted: unknown;
    mock = mockFetch({
      ...classifications,
      'GET /api/units/a/projects': { body: [] },
      'POST /api/units/a/projects': (c) => ((posted = c.body), { status: 201, body: project({ id: 9, code: 'XM-9', name: '校园安全监控系统升级', plans: [{ year: 2026, amount: 12_345_678 }, { year: 2027, amount: 10_000_000 }], totalAmount: 22_345_678 }) }),
    });
    const el = await fixture<UbProjectLibrary>(html`<ub-project-library .ctx=${finance}></ub-project-library>`);
    await until(() => el.functional.size > 0 && el.fundSources.size > 0);
    (root(el).querySelector('button[data-action=new]') as HTMLButtonElement).click();
    await el.updateComplete;
    const f = form(el);
    await f.updateComplete;
    // Submitting the empty form sends nothing and says what is missing.
    await f.submit();
    await f.updateComplete;
    expect(mock.calls.filter((c) => c.method === 'POST')).to.have.length(0);
    expect(f.shadowRoot!.querySelector('[data-field=code] .error')!.textContent).to.equal('此项必填');
    expect(f.shadowRoot!.querySelector('[data-field=name] [aria-invalid=true]')).to.exist;
    type(f, 'input[name=code]', 'XM 9');
    type(f, 'input[name=name]', '校园安全监控系统升级');
    type(f, 'input[name=functionalCode]', '2059999');
    type(f, 'select[name=fundSourceCode]', '11');
    type(f, 'input[name=endYear]', '2027');
    await f.updateComplete;
    expect(f.shadowRoot!.querySelector('[data-field=code] .error')!.textContent).to.contain('只能包含字母、数字');
    expect(f.shadowRoot!.querySelector('[data-field=functionalCode] .error')!.textContent).to.equal('分类编码 2059999 不存在');
    // The span makes one plan row per year.
    expect([...f.shadowRoot!.querySelectorAll('.plans [data-year]')].map((r) => r.getAttribute('data-year'))).to.deep.equal(['2026', '2027']);
    type(f, 'input[name=code]', 'XM-9');
    type(f, 'input[name=functionalCode]', '2050801');
    typeYuan(f, 0, '223,456.78'); // total
    typeYuan(f, 1, '123456.78'); // 2026
    typeYuan(f, 2, '90000'); // 2027
    await f.updateComplete;
    // 123,456.78 + 90,000.00 = 213,456.78 ≠ 223,456.78
    expect(f.shadowRoot!.querySelector('[data-plan-sum]')!.textContent).to.equal('213,456.78');
    expect(f.shadowRoot!.querySelector('[data-error=plans]')!.textContent).to.equal('分年度计划合计 213,456.78 元与项目总额 223,456.78 元不一致');
    await f.submit();
    expect(mock.calls.filter((c) => c.method === 'POST')).to.have.length(0);
    typeYuan(f, 2, '100,000');
    await f.updateComplete;
    expect(f.shadowRoot!.querySelector('[data-error=plans]')).to.equal(null);
    await f.submit();
    expect(posted).to.deep.equal({
      code: 'XM-9', name: '校园安全监控系统升级', departmentId: 3, functionalCode: '2050801', fundSourceCode: '11',
      startYear: 2026, endYear: 2027, totalAmount: 22_345_678, plans: [{ year: 2026, amount: 12_345_678 }, { year: 2027, amount: 10_000_000 }],
    });
    await until(() => el.mode === '' && el.detail?.id === 9 && el.message !== '');
    await el.updateComplete;
    expect(root(el).querySelector('[role=status]')!.textContent).to.contain('项目 XM-9 校园安全监控系统升级 已入库');
    expect(root(el).querySelector('table[data-table=plans] tfoot')!.textContent).to.contain('223,456.78');
  });

  it('checks while typing: a field’s error once typed in, the plan’s once every amount is filled', async () => {
    mock = mockFetch({ ...classifications, 'GET /api/units/a/projects': { body: [] } });
    const el = await fixture<UbProjectLibrary>(html`<ub-project-library .ctx=${finance}></ub-project-library>`);
    await until(() => el.functional.size > 0);
    el.mode = 'new';
    await el.updateComplete;
    const f = form(el);
    await f.updateComplete;
    expect(f.shadowRoot!.querySelectorAll('.error').length, 'nothing before typing').to.equal(0);
    type(f, 'input[name=code]', 'XM/1');
    type(f, 'input[name=endYear]', '2025');
    await f.updateComplete;
    expect(f.shadowRoot!.querySelector('[data-field=code] .error')!.textContent).to.contain('只能包含字母、数字');
    expect(f.shadowRoot!.querySelector('[data-field=endYear] .error')!.textContent).to.equal('结束年度不能早于开始年度，周期最长 30 年');
    expect(f.shadowRoot!.querySelector('[data-field=name] .error'), 'not typed in yet').to.equal(null);
    type(f, 'input[name=endYear]', '2026');
    typeYuan(f, 0, '100');
    await f.updateComplete;
    expect(f.shadowRoot!.querySelector('[data-error=plans]'), 'a year still blank').to.equal(null);
    typeYuan(f, 1, '99.99');
    await f.updateComplete;
    expect(f.shadowRoot!.querySelector('[data-error=plans]')!.textContent).to.equal('分年度计划合计 99.99 元与项目总额 100.00 元不一致');
    typeYuan(f, 1, '100');
    await f.updateComplete;
    expect(f.shadowRoot!.querySelector('[data-error=plans]')).to.equal(null);
  });

  it('shows the core’s refusal on its field, in English when the user reads English', async () => {
    setLang('en');
    mock = mockFetch({
      ...classifications,
      'GET /api/units/a/projects': { body: [] },
      'POST /api/units/a/projects': { status: 409, body: { error: { code: 'PROJECT_CODE_EXISTS', message: 'This unit already has a project with code XM-1', details: { code: 'XM-1' } } } },
    });
    const el = await fixture<UbProjectLibrary>(html`<ub-project-library .ctx=${finance}></ub-project-library>`);
    await until(() => el.functional.size > 0);
    el.mode = 'new';
    await el.updateComplete;
    const f = form(el);
    await f.updateComplete;
    await f.submit();
    await f.updateComplete;
    expect(f.shadowRoot!.querySelector('[data-field=code] .error')!.textContent).to.equal('Required');
    f.set({ code: 'XM-1', name: 'Campus security', functionalCode: '2050801', fundSourceCode: '11', totalAmount: 100, plans: [{ year: 2026, amount: 50 }] });
    await f.updateComplete;
    await f.submit();
    await f.updateComplete;
    expect(f.shadowRoot!.querySelector('[data-error=plans]')!.textContent).to.equal('The yearly plan sums to 0.50 yuan, but the project total is 1.00 yuan');
    f.setPlan(2026, 100);
    await f.submit();
    await f.updateComplete;
    expect(mock.calls.filter((c) => c.method === 'POST')).to.have.length(1);
    expect(f.shadowRoot!.querySelector('[data-field=code] .error')!.textContent).to.equal('This unit already has a project with code XM-1');
  });

  it('moves a project only along its lifecycle, after confirmation, with the comment', async () => {
    let detail = project();
    mock = mockFetch({
      ...classifications,
      'GET /api/units/a/projects': { body: [project()] },
      'GET /api/units/a/projects/7': () => ({ body: detail }),
      'POST /api/units/a/projects/7/status': (c) => {
        detail = project({ status: (c.body as { status: 'approved' }).status, trail: [{ action: 'approved', body: '年初批复', authorName: '王芳', at: '2026-02-01T02:00:00Z' }] });
        return { body: detail };
      },
    });
    const el = await fixture<UbProjectLibrary>(html`<ub-project-library .ctx=${finance}></ub-project-library>`);
    await until(() => el.projects.length === 1);
    await el.updateComplete;
    (root(el).querySelector('tbody tr[data-id="7"]') as HTMLElement).click();
    await until(() => el.detail !== null);
    await el.updateComplete;
    expect([...root(el).querySelectorAll('button[data-move]')].map((b) => b.getAttribute('data-move'))).to.deep.equal(['approved', 'closed']);
    expect(root(el).querySelector('button[data-action=edit]')).to.exist;
    (root(el).querySelector('button[data-move=approved]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(mock.calls.some((c) => c.method === 'POST')).to.equal(false);
    expect(root(el).querySelector('[role=alertdialog]')!.textContent).to.contain('由「储备」变更为「已批复」');
    type(el, 'textarea[name=comment]', '年初批复');
    (root(el).querySelector('button[data-action=confirm-move]') as HTMLButtonElement).click();
    await until(() => el.detail?.status === 'approved');
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ status: 'approved', comment: '年初批复' });
    await el.updateComplete;
    // approved: forward to executing or closed; no editing any more
    expect([...root(el).querySelectorAll('button[data-move]')].map((b) => b.getAttribute('data-move'))).to.deep.equal(['executing', 'closed']);
    expect(root(el).querySelector('button[data-action=edit]')).to.equal(null);
    expect(root(el).querySelector('ul.trail')!.textContent).to.contain('已批复；年初批复');
  });

  it('links a performance target by hand: refused without a name, sent as a manual target', async () => {
    let targets: ProjectDetail['targets'] = [];
    mock = mockFetch({
      ...classifications,
      'GET /api/units/a/projects': { body: [project({ status: 'executing' })] },
      'GET /api/units/a/projects/7': () => ({ body: project({ status: 'executing', targets }) }),
      'POST /api/units/a/projects/7/targets': (c) => {
        const b = c.body as { source: string; targetRef: string; name: string; value: string };
        targets = [{ id: 1, projectId: 7, ...b, createdAt: '2026-03-01T00:00:00Z' }];
        return { status: 201, body: targets[0] };
      },
    });
    const el = await fixture<UbProjectLibrary>(html`<ub-project-library .ctx=${finance}></ub-project-library>`);
    await el.open(7);
    await el.updateComplete;
    await el.addTarget();
    await el.updateComplete;
    expect(root(el).querySelector('[data-error=target]')!.textContent).to.equal('此项必填');
    expect(mock.calls.some((c) => c.method === 'POST')).to.equal(false);
    type(el, 'input[name=targetName]', '培训合格率');
    type(el, 'input[name=targetValue]', '≥95%');
    (root(el).querySelector('form[data-project] button[type=submit]') as HTMLButtonElement).click();
    await until(() => el.detail!.targets.length === 1);
    const sent = mock.calls.find((c) => c.method === 'POST')!.body as Record<string, string>;
    expect(sent).to.include({ source: 'manual', name: '培训合格率', value: '≥95%' });
    expect(sent.targetRef).to.match(/^manual-[0-9a-z]+$/);
    await el.updateComplete;
    expect(root(el).querySelector('table[data-table=targets]')!.textContent).to.contain('手工录入');
  });

  it('is read-only for business staff: no new project, no edit, no moves', async () => {
    mock = mockFetch({
      ...classifications,
      'GET /api/units/a/projects': { body: [project()] },
      'GET /api/units/a/projects/7': { body: project({ targets: [{ id: 1, projectId: 7, source: 'manual', targetRef: 't1', name: '培训人次', value: '≥500', createdAt: '2026-01-06T00:00:00Z' }] }) },
    });
    const el = await fixture<UbProjectLibrary>(html`<ub-project-library .ctx=${staff}></ub-project-library>`);
    await until(() => el.projects.length === 1);
    await el.updateComplete;
    expect(root(el).querySelector('button[data-action=new]')).to.equal(null);
    // /projects/7 opens the project
    const linked = await fixture<UbProjectLibrary>(html`<ub-project-library .ctx=${staff} .projectId=${7}></ub-project-library>`);
    await until(() => linked.detail?.id === 7);
    await el.open(7);
    await el.updateComplete;
    expect(root(el).querySelector('button[data-move]')).to.equal(null);
    expect(root(el).querySelector('button[data-action=edit]')).to.equal(null);
    expect(root(el).querySelector('table[data-table=targets]')!.textContent).to.contain('≥500');
    expect(root(el).querySelector('form[data-project]'), 'no target form').to.equal(null);
  });
});
