import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/components/plugin-view.js';
import '../src/pages/project-library.js';
import type { UbPluginView } from '../src/components/plugin-view.js';
import type { UbViewWizard } from '../src/components/view-wizard.js';
import type { UbViewForm } from '../src/components/view-form.js';
import type { UbPluginPlacements } from '../src/components/plugin-placements.js';
import type { UbProjectLibrary } from '../src/pages/project-library.js';
import type { ViewSpec } from '../src/components/view-spec.js';
import { fileNameOf } from '../src/components/view-download.js';

/** Host API 1.1.0 in the web app: row actions, wizards, the new form inputs, downloads and views placed on core screens. */
const VIEW = '/api/units/a/plugins/demo/views/main';
const ROUTE = '/api/units/a/plugins/demo/routes';
const q = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector(sel) as T | null;
const qa = (el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll(sel)] as HTMLElement[];
const settle = async (el: { updateComplete: Promise<unknown> }) => { await el.updateComplete; await new Promise((r) => setTimeout(r, 0)); await el.updateComplete; };

const warnings: ViewSpec = {
  blocks: [{
    type: 'table', title: '预警',
    columns: [{ key: 'title', label: '预警', format: 'text' }, { key: '_id', label: '编号', format: 'text' }],
    rows: [
      { _id: 'w1', title: '执行进度偏慢', _actions: 'ack,handle' },
      { _id: 'w2', title: '三公经费接近上限' },
      { title: '没有编号的行' },
    ],
    actions: [
      { id: 'ack', label: '确认', route: 'warnings/ack' },
      { id: 'handle', label: '处置', route: 'warnings/handle', confirm: '确定已处置该预警？', reason: 'required' },
      { id: 'close', label: '关闭', route: 'warnings/close', confirm: '关闭后不再提醒', reason: 'optional', tone: 'danger' },
    ],
  }],
};

describe('table row actions', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('shows each row its actions, never the _ cells as columns', async () => {
    mock = mockFetch({ [`GET ${VIEW}`]: { body: warnings } });
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="demo" view-id="main"></ub-plugin-view>`);
    await until(() => el.spec);
    await el.updateComplete;
    const heads = qa(el, 'thead th').map((th) => th.textContent!.trim());
    expect(heads).to.deep.equal(['预警', '操作']);
    const rows = qa(el, 'tbody tr');
    expect([...rows[0]!.querySelectorAll('button')].map((b) => b.dataset.action)).to.deep.equal(['ack', 'handle']);
    expect([...rows[1]!.querySelectorAll('button')].map((b) => b.dataset.action)).to.deep.equal(['ack', 'handle', 'close']);
    expect(rows[2]!.querySelectorAll('button').length).to.equal(0);
    expect(rows[1]!.querySelector('button[data-action=close]')!.classList.contains('danger')).to.equal(true);
  });

  it('asks before posting, requires the reason, posts { id, reason }, shows the answer and reloads', async () => {
    let loads = 0;
    mock = mockFetch({
      [`GET ${VIEW}`]: () => { loads += 1; return { body: warnings }; },
      [`POST ${ROUTE}/warnings/handle`]: { body: { message: '预警 w1 已处置' } },
    });
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="demo" view-id="main"></ub-plugin-view>`);
    await until(() => el.spec);
    await el.updateComplete;
    q(el, 'tbody tr button[data-action=handle]')!.click();
    await settle(el);
    const dialog = q<HTMLDialogElement>(el, 'dialog')!;
    expect(dialog.open).to.equal(true);
    expect(dialog.textContent).to.contain('确定已处置该预警？');
    // No reason: refused here, nothing posted.
    q(el, 'dialog button[data-act=confirm]')!.click();
    await settle(el);
    expect(q(el, 'dialog [role=alert]')!.textContent).to.contain('请填写原因');
    expect(mock.calls.filter((c) => c.method === 'POST')).to.have.length(0);
    const reason = q<HTMLTextAreaElement>(el, 'dialog textarea')!;
    reason.value = '已督促科室加快执行';
    reason.dispatchEvent(new Event('input'));
    q(el, 'dialog button[data-act=confirm]')!.click();
    await until(() => el.actionMessage);
    await settle(el);
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ id: 'w1', reason: '已督促科室加快执行' });
    expect(q(el, '.action-status[role=status]')!.textContent).to.contain('预警 w1 已处置');
    expect(q(el, 'dialog')).to.equal(null);
    await until(() => loads === 2);
  });

  it('an action without a question posts at once; a refusal shows as an error', async () => {
    mock = mockFetch({
      [`GET ${VIEW}`]: { body: warnings },
      [`POST ${ROUTE}/warnings/ack`]: { status: 409, body: { error: { code: 'demo.DONE', message: '该预警已确认', details: {} } } },
    });
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="demo" view-id="main"></ub-plugin-view>`);
    await until(() => el.spec);
    await el.updateComplete;
    q(el, 'tbody tr:nth-child(2) button[data-action=ack]')!.click();
    await until(() => el.actionError);
    await el.updateComplete;
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ id: 'w2' });
    expect(q(el, '.action-status[role=alert]')!.textContent).to.contain('该预警已确认');
  });
});

const wizardSpec: ViewSpec = {
  blocks: [{
    type: 'wizard', title: '绩效自评', submit: 'self-eval/submit', submitLabel: '提交自评',
    steps: [
      { id: 'basic', title: '基本信息', description: '填写项目与年度', fields: [
        { key: 'project', label: '项目', input: 'select', required: true, options: [{ value: 'p1', label: '教师培训' }, { value: 'p2', label: '校舍维修' }] },
        { key: 'score', label: '自评得分', input: 'number', required: true, min: 0, max: 100, help: '0–100 分' },
      ] },
      { id: 'targets', title: '指标完成', fields: [
        { key: 'kinds', label: '评价维度', input: 'multiselect', required: true, options: [{ value: 'output', label: '产出' }, { value: 'effect', label: '效益' }] },
        { key: 'rows', label: '指标', input: 'grid', columns: [
          { key: 'name', label: '指标', input: 'readonly' }, { key: 'actual', label: '实际值', input: 'number' }, { key: 'met', label: '达成', input: 'checkbox' },
        ], rows: [{ _id: 't1', name: '培训人次', actual: null, met: false }] },
      ] },
      { id: 'confirm', title: '确认', fields: [{ key: 'note', label: '说明', input: 'textarea', maxLength: 10 }] },
    ],
  }],
};

describe('wizards', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', location.pathname);
  });

  const wizardOf = async () => {
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="demo" view-id="main"></ub-plugin-view>`);
    await until(() => el.spec);
    await el.updateComplete;
    const wz = q<UbViewWizard>(el, 'ub-view-wizard')!;
    await wz.updateComplete;
    return wz;
  };
  const set = (wz: UbViewWizard, selector: string, value: string) => {
    const input = q<HTMLInputElement | HTMLSelectElement>(wz, selector)!;
    input.value = value;
    input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input'));
  };
  const next = async (wz: UbViewWizard) => {
    q(wz, 'button[data-act=next], button[data-act=submit]')!.click();
    await settle(wz);
  };

  it('one step at a time: required and bounds checked before 下一步, values kept, step in the address, focus on the heading; one merged POST', async () => {
    mock = mockFetch({ [`GET ${VIEW}`]: { body: wizardSpec }, [`POST ${ROUTE}/self-eval/submit`]: { body: { message: '自评已提交' } } });
    const wz = await wizardOf();
    expect(q(wz, 'h4')!.textContent).to.equal('基本信息');
    expect(q(wz, '.help')!.textContent).to.contain('0–100');
    await next(wz);
    expect(wz.step).to.equal(0);
    expect(qa(wz, '[role=alert]').length).to.equal(2);
    set(wz, 'select[name=project]', 'p2');
    set(wz, 'input[name=score]', '120');
    await next(wz);
    expect(wz.step).to.equal(0);
    expect(q(wz, '[data-field=score] [role=alert]')!.textContent).to.contain('100');
    set(wz, 'input[name=score]', '92');
    await next(wz);
    expect(wz.step).to.equal(1);
    expect(location.hash).to.equal('#step=2');
    expect(wz.shadowRoot!.activeElement).to.equal(q(wz, 'h4'));
    expect(q(wz, 'h4')!.textContent).to.equal('指标完成');
    // The multiselect must have a choice.
    await next(wz);
    expect(q(wz, '[data-field=kinds] [role=alert]')).to.not.equal(null);
    (q<HTMLInputElement>(wz, 'input[name=kinds][value=effect]')!).click();
    set(wz, 'tr[data-row=t1] input[data-col=actual]', '130');
    (q<HTMLInputElement>(wz, 'tr[data-row=t1] input[data-col=met]')!).click();
    await settle(wz);
    // Back and forth keeps what was typed.
    q(wz, 'button[data-act=prev]')!.click();
    await settle(wz);
    expect(q<HTMLSelectElement>(wz, 'select[name=project]')!.value).to.equal('p2');
    expect(q<HTMLInputElement>(wz, 'input[name=score]')!.value).to.equal('92');
    await next(wz);
    await next(wz);
    expect(wz.step).to.equal(2);
    expect(q(wz, 'button[data-act=submit]')!.textContent).to.contain('提交自评');
    await next(wz);
    await until(() => wz.message);
    const posted = mock.calls.filter((c) => c.method === 'POST');
    expect(posted).to.have.length(1);
    expect(posted[0]!.body).to.deep.equal({ project: 'p2', score: 92, kinds: ['effect'], rows: [{ _id: 't1', actual: 130, met: true }], note: null });
  });

  it('a refusal naming a field opens its step and marks it', async () => {
    mock = mockFetch({
      [`GET ${VIEW}`]: { body: wizardSpec },
      [`POST ${ROUTE}/self-eval/submit`]: { status: 422, body: { error: { code: 'demo.SCORE', message: '得分与指标完成情况不符', details: { field: 'score' } } } },
    });
    const wz = await wizardOf();
    set(wz, 'select[name=project]', 'p1');
    set(wz, 'input[name=score]', '60');
    await next(wz);
    (q<HTMLInputElement>(wz, 'input[name=kinds][value=output]')!).click();
    await settle(wz);
    await next(wz);
    await next(wz);
    await until(() => wz.failure);
    await settle(wz);
    expect(wz.step).to.equal(0);
    expect(q(wz, '[data-field=score] [role=alert]')!.textContent).to.contain('得分与指标完成情况不符');
  });
});

describe('form fields and downloads', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('a form refuses text over maxLength and marks the field a refusal names', async () => {
    mock = mockFetch({ [`POST ${ROUTE}/notes/save`]: { status: 422, body: { error: { code: 'demo.BAD', message: '标题重复', details: { field: 'title' } } } } });
    const el = await fixture<UbViewForm>(html`<ub-view-form .unitId=${'a'} .pluginId=${'demo'} .block=${{ type: 'form', submit: 'notes/save', fields: [
      { key: 'title', label: '标题', input: 'text', required: true, maxLength: 4 },
    ] }}></ub-view-form>`);
    const input = q<HTMLInputElement>(el, 'input[name=title]')!;
    input.value = '超过四个字的标题';
    input.dispatchEvent(new Event('input'));
    await el.submit();
    await el.updateComplete;
    expect(el.errors.title).to.contain('4');
    expect(mock.calls).to.have.length(0);
    input.value = '标题';
    input.dispatchEvent(new Event('input'));
    await el.submit();
    await el.updateComplete;
    expect(mock.calls[0]!.body).to.deep.equal({ title: '标题' });
    expect(q(el, '[data-field=title] [role=alert]')!.textContent).to.contain('标题重复');
  });

  it('a form or wizard declaring method PUT submits with PUT (POST when absent)', async () => {
    mock = mockFetch({ [`PUT ${ROUTE}/projects/7/targets`]: { body: { message: '绩效目标已保存' } } });
    const el = await fixture<UbViewForm>(html`<ub-view-form .unitId=${'a'} .pluginId=${'demo'} .block=${{ type: 'form', submit: 'projects/7/targets', method: 'PUT', fields: [
      { key: 'year', label: '年度', input: 'number', required: true, value: 2026 },
    ] }}></ub-view-form>`);
    await el.submit();
    await el.updateComplete;
    expect(mock.calls.map((c) => `${c.method} ${c.url}`)).to.deep.equal([`PUT ${ROUTE}/projects/7/targets`]);
    expect(mock.calls[0]!.body).to.deep.equal({ year: 2026 });
    expect(el.message).to.equal('绩效目标已保存');
    mock.restore();
    mock = mockFetch({ [`PUT ${ROUTE}/projects/7/targets`]: { body: { message: '向导已保存' } } });
    const wz = await fixture<UbViewWizard>(html`<ub-view-wizard .unitId=${'a'} .pluginId=${'demo'} .block=${{ type: 'wizard', submit: 'projects/7/targets', method: 'PUT', steps: [
      { id: 'only', title: '年度', fields: [{ key: 'year', label: '年度', input: 'number', required: true, value: 2026 }] },
    ] }}></ub-view-wizard>`);
    await wz.submit();
    expect(mock.calls.map((c) => c.method)).to.deep.equal(['PUT']);
  });

  it('reads the UTF-8 file name the host gives a download', () => {
    expect(fileNameOf(`attachment; filename="_____-2026.xlsx"; filename*=UTF-8''${encodeURIComponent('绩效自评表-2026.xlsx')}`)).to.equal('绩效自评表-2026.xlsx');
    expect(fileNameOf('attachment; filename="report.json"')).to.equal('report.json');
    expect(fileNameOf(null)).to.equal('download');
  });

  it('a download block fetches its route with the query and keeps the page', async () => {
    const seen: string[] = [];
    const original = window.fetch;
    window.fetch = (async (input: RequestInfo | URL) => {
      seen.push(String(input));
      return new Response(new Uint8Array([80, 75, 3, 4]), { headers: { 'content-type': 'application/zip', 'content-disposition': "attachment; filename=\"x.xlsx\"; filename*=UTF-8''%E8%87%AA%E8%AF%84.xlsx" } });
    }) as typeof fetch;
    try {
      const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="demo" .spec=${{ blocks: [{ type: 'download', label: '导出自评表', route: 'export', query: { year: '2026' } }] }}></ub-plugin-view>`);
      const button = q(el, '[data-kind=download] button')!;
      expect(button.textContent).to.contain('导出自评表');
      button.click();
      await until(() => seen.length === 1);
      await until(() => el.downloading === '');
      expect(seen[0]).to.equal(`${ROUTE}/export?year=2026`);
      expect(el.actionError).to.equal('');
    } finally {
      window.fetch = original;
    }
  });
});

describe('views placed on core screens', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('the project screen shows each placed view with the project as its subject', async () => {
    mock = mockFetch({
      'GET /api/classifications': { body: [] },
      'GET /api/units/a/projects': { body: [] },
      'GET /api/units/a/projects/7': { body: {
        id: 7, unitId: 'a', code: 'JY2026-001', name: '教师培训项目', departmentId: 3, functionalCode: '2050801', fundSourceCode: '11',
        status: 'approved', startYear: 2026, endYear: 2026, totalAmount: 1_000_000, description: '', createdBy: 4,
        createdAt: '2026-01-05T00:00:00Z', updatedAt: '2026-01-05T00:00:00Z', plans: [{ year: 2026, amount: 1_000_000 }], targets: [], trail: [],
      } },
      'GET /api/units/a/plugins/placements': (c) => ({ body: { placements: c.url.includes('placement=project-detail') ? [{ pluginId: 'performance', viewId: 'targets', title: { zh: '绩效目标', en: 'Performance targets' } }] : [] } }),
      'GET /api/units/a/plugins/performance/views/targets': (c) => ({ body: { blocks: [{ type: 'markdown', text: `subject ${new URL(c.url, location.href).searchParams.get('subjectKind')} ${new URL(c.url, location.href).searchParams.get('subjectId')}` }] } }),
    });
    const el = await fixture<UbProjectLibrary>(html`<ub-project-library .ctx=${ctx({ roles: ['finance_officer'], departmentId: null })}></ub-project-library>`);
    await el.open(7);
    await el.updateComplete;
    const placed = q<UbPluginPlacements>(el, 'ub-plugin-placements')!;
    expect(placed.getAttribute('placement')).to.equal('project-detail');
    await until(() => placed.placements.length === 1);
    await placed.updateComplete;
    const section = q(placed, 'section.placed-view')!;
    expect(section.querySelector('h3')!.textContent).to.contain('绩效目标');
    const view = section.querySelector('ub-plugin-view') as UbPluginView;
    await until(() => view.spec);
    await view.updateComplete;
    expect(q(view, '[data-kind=markdown]')!.textContent).to.contain('subject project 7');
  });

  it('shows nothing when no plugin places a view there, or the listing fails', async () => {
    mock = mockFetch({ 'GET /api/units/a/plugins/placements': { status: 403, body: { error: { code: 'FORBIDDEN', message: 'no', details: {} } } } });
    const el = await fixture<UbPluginPlacements>(html`<ub-plugin-placements unit-id="a" placement="cockpit"></ub-plugin-placements>`);
    await until(() => mock!.calls.length === 1);
    await settle(el);
    expect(el.shadowRoot!.children.length).to.equal(0);
  });
});
