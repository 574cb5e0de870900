import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import '../src/components/plugin-view.js';
import { safeHref } from '../src/components/markdown.js';
import type { UbPluginView } from '../src/components/plugin-view.js';
import type { ViewSpec } from '../src/components/view-spec.js';
import type { UbViewChart } from '../src/components/view-chart.js';
import type { UbViewForm } from '../src/components/view-form.js';
import type { UbViewChat } from '../src/components/view-chat.js';

const VIEW = '/api/units/a/plugins/demo/views/main';
const q = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector(sel) as T | null;
const qa = (el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll(sel)];

const full: ViewSpec = {
  title: '资金概览',
  blocks: [
    { type: 'stat', label: '指标数', value: 42, format: 'number' },
    { type: 'stat', label: '可用余额', value: 1234567, format: 'fen', trend: 'up', tone: 'good' },
    { type: 'stat', label: '执行率', value: 0.575, format: 'percent', tone: 'warn' },
    { type: 'table', title: '支付明细', columns: [{ key: 'name', label: '用途', format: 'text' }, { key: 'amount', label: '金额', format: 'fen' }, { key: 'date', label: '日期', format: 'date' }],
      rows: [{ name: '办公用品', amount: 120000, date: '2026-03-01' }, { name: '差旅费', amount: 80050, date: '2026-03-02' }] },
    { type: 'line', title: '月度支出', x: ['1月', '2月', '3月'], series: [{ name: '支出', data: [10, 20, 15] }] },
    { type: 'bar', title: '科室', x: ['办公室', '基础教育科'], series: [{ name: '预算', data: [100, 200] }, { name: '已支付', data: [50, 90] }], stacked: true },
    { type: 'pie', title: '经济分类', slices: [{ label: '办公费', value: 3 }, { label: '差旅费', value: 1 }] },
    { type: 'markdown', text: '# 说明\n\n本页**仅供**参考，见 [手册](https://example.org/doc) 与 [坏链接](javascript:alert(1))。\n\n- 第一条\n- 第二条\n\n<img src=x onerror="window.__pwned=1">' },
    { type: 'timeline', title: '进度', items: [{ at: '2026-03-01', title: '提交', text: '孙浩提交', tone: 'normal' }, { at: '2026-03-02', title: '驳回', tone: 'bad' }] },
    { type: 'form', title: '登记', submit: 'notes/save', fields: [
      { key: 'title', label: '标题', input: 'text', required: true },
      { key: 'amount', label: '金额', input: 'fen', required: true },
      { key: 'count', label: '数量', input: 'number' },
      { key: 'kind', label: '类别', input: 'select', options: [{ value: 'a', label: '甲' }, { value: 'b', label: '乙' }], value: 'b' },
      { key: 'urgent', label: '加急', input: 'checkbox' },
      { key: 'note', label: '备注', input: 'textarea' },
      { key: 'day', label: '日期', input: 'date' },
    ] },
    { type: 'chat', title: '讨论', messages: [{ id: '1', author: '孙浩', at: '09:00', text: '请看一下' }], post: 'chat/post' },
  ],
};

describe('ub-plugin-view', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());
  // ECharts comes unbundled in the test server (hundreds of modules): load it once up front.
  before(async () => void (await import('../src/components/plugin-chart-lib.js')));

  it('shows a loading state until the view arrives, then every block kind', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    mock = mockFetch({ [`GET ${VIEW}`]: () => ({ body: full }) });
    const original = window.fetch;
    window.fetch = (async (...args: Parameters<typeof fetch>) => { await gate; return original(...args); }) as typeof fetch;
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="demo" view-id="main"></ub-plugin-view>`);
    expect(q(el, '[data-state=loading]')!.textContent).to.contain('正在加载插件页面');
    expect(q(el, '[data-kind]')).to.equal(null);
    release();
    await until(() => el.spec);
    await el.updateComplete;
    window.fetch = original;
    expect(q(el, 'h2')!.textContent).to.equal('资金概览');
    // stat cards: one row, values in their format (fen shown as yuan)
    const stats = qa(el, '.stats [data-kind=stat]');
    expect(stats.map((s) => s.querySelector('.value')!.textContent!.replace(/\s+/g, ''))).to.deep.equal(['42', '12,345.67元▲', '57.5%']);
    expect(stats[1]!.classList.contains('good')).to.equal(true);
    // table with a total of the fen column
    const table = q(el, '[data-kind=table] table')!;
    expect([...table.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent))).to.deep.equal([
      ['办公用品', '1,200.00', '2026-03-01'], ['差旅费', '800.50', '2026-03-02'],
    ]);
    expect(table.querySelector('tfoot')!.textContent).to.contain('2,000.50');
    // charts: each kind drawn by ECharts on a canvas, data in the accessible name
    const charts = qa(el, 'ub-view-chart') as UbViewChart[];
    expect(charts.map((c) => c.block.type)).to.deep.equal(['line', 'bar', 'pie']);
    expect(charts[0]!.shadowRoot!.querySelector('.chart')!.getAttribute('aria-label')).to.equal('支出: 1月 10，2月 20，3月 15');
    expect(charts[2]!.shadowRoot!.querySelector('.chart')!.getAttribute('aria-label')).to.equal('办公费 3，差旅费 1');
    for (const c of charts) await until(() => c.shadowRoot!.querySelector('.chart canvas'), 15000);
    // markdown: structure rendered, links filtered, raw HTML shown as text (never parsed)
    const md = q(el, '[data-kind=markdown]')!;
    expect(md.querySelector('h2')!.textContent).to.equal('说明');
    expect(md.querySelector('strong')!.textContent).to.equal('仅供');
    expect(md.querySelectorAll('li').length).to.equal(2);
    expect([...md.querySelectorAll('a')].map((a) => a.getAttribute('href'))).to.deep.equal(['https://example.org/doc']);
    expect(md.textContent).to.contain('坏链接');
    expect(md.querySelector('img')).to.equal(null);
    expect(md.textContent).to.contain('<img src=x');
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    // timeline
    const items = q(el, '[data-kind=timeline]')!.querySelectorAll('li');
    expect(items.length).to.equal(2);
    expect(items[1]!.classList.contains('bad')).to.equal(true);
    // form and chat
    const form = q<UbViewForm>(el, 'ub-view-form')!;
    expect([...form.shadowRoot!.querySelectorAll('[name]')].map((f) => f.getAttribute('name'))).to.deep.equal(['title', 'amount', 'count', 'kind', 'urgent', 'note', 'day']);
    const chat = q<UbViewChat>(el, 'ub-view-chat')!;
    expect(chat.shadowRoot!.querySelector('li')!.textContent).to.contain('请看一下');
  });

  it('keeps markdown links to http(s), same-site paths and queries; a path another host hides behind is text', () => {
    expect(safeHref('https://example.org/doc')).to.equal('https://example.org/doc');
    expect(safeHref('/plugins/analytics/warnings')).to.equal('/plugins/analytics/warnings');
    expect(safeHref('?grade=severe')).to.equal('?grade=severe');
    for (const bad of ['//evil.example', '/\\evil.example', 'javascript:alert(1)', 'data:text/html,x', 'mailto:x@example.org']) expect(safeHref(bad), bad).to.equal(null);
  });

  it('shows the error state with the plugin fault and retries', async () => {
    let fail = true;
    mock = mockFetch({
      [`GET ${VIEW}`]: () => (fail
        ? { status: 502, body: { error: { code: 'PLUGIN_FAULT', message: '插件运行出错：timeout', details: {} } } }
        : { body: { blocks: [{ type: 'markdown', text: '恢复了' }] } }),
    });
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="demo" view-id="main"></ub-plugin-view>`);
    await until(() => q(el, '[data-state=error]'));
    expect(q(el, '[role=alert]')!.textContent).to.contain('插件运行出错：timeout');
    fail = false;
    (q(el, '[data-state=error] button') as HTMLButtonElement).click();
    await until(() => q(el, '[data-kind=markdown]'));
    expect(q(el, '[data-kind=markdown]')!.textContent).to.contain('恢复了');
  });

  it('passes the page query to the view (plugin filters)', async () => {
    mock = mockFetch({ [`GET ${VIEW}`]: (c) => ({ body: { blocks: [{ type: 'markdown', text: `查询：${new URL(c.url, location.origin).search}` }] } }) });
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="demo" view-id="main" query="?grade=severe&status=open"></ub-plugin-view>`);
    await until(() => q(el, '[data-kind=markdown]'));
    expect(q(el, '[data-kind=markdown]')!.textContent).to.contain('查询：?grade=severe&status=open');
    el.query = '?grade=info';
    await until(() => q(el, '[data-kind=markdown]')?.textContent?.includes('grade=info'));
    expect(mock.calls.map((c) => c.url)).to.deep.equal([`${VIEW}?grade=severe&status=open`, `${VIEW}?grade=info`]);
  });

  it('shows empty states: an empty view, and each block kind with nothing in it', async () => {
    const el = await fixture<UbPluginView>(html`<ub-plugin-view .spec=${{ blocks: [] }}></ub-plugin-view>`);
    expect(q(el, '[data-state=empty]')!.textContent).to.equal('此页面暂无内容');
    el.spec = {
      blocks: [
        { type: 'table', columns: [{ key: 'a', label: 'A' }], rows: [] },
        { type: 'line', x: [], series: [{ name: 's', data: [] }] },
        { type: 'bar', x: [], series: [{ name: 's', data: [] }] },
        { type: 'pie', slices: [{ label: '零', value: 0 }] },
        { type: 'timeline', items: [] },
        { type: 'chat', messages: [] },
      ],
    };
    await el.updateComplete;
    expect(q(el, '[data-kind=table] [data-state=empty]')!.textContent).to.equal('暂无数据');
    expect(q(el, '[data-kind=table] table')).to.equal(null);
    const charts = qa(el, 'ub-view-chart') as UbViewChart[];
    await Promise.all(charts.map((c) => c.updateComplete));
    expect(charts.map((c) => c.shadowRoot!.querySelector('[data-state=empty]')?.textContent)).to.deep.equal(['暂无图表数据', '暂无图表数据', '暂无图表数据']);
    expect(q(el, '[data-kind=timeline] [data-state=empty]')!.textContent).to.equal('暂无记录');
    const chat = q<UbViewChat>(el, 'ub-view-chat')!;
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('[data-state=empty]')!.textContent).to.equal('暂无消息');
    expect(chat.shadowRoot!.querySelector('form')).to.equal(null);
  });

  it('checks a form, posts it to the plugin route in fen, and reloads the view', async () => {
    let views = 0;
    mock = mockFetch({
      [`GET ${VIEW}`]: () => ((views++), { body: { blocks: [full.blocks.find((b) => b.type === 'form')!] } }),
      'POST /api/units/a/plugins/demo/routes/notes/save': { body: { message: '已登记 1 条' } },
    });
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="demo" view-id="main"></ub-plugin-view>`);
    const form = (await until(() => q<UbViewForm>(el, 'ub-view-form')))!;
    await form.updateComplete;
    const root = form.shadowRoot!;
    (root.querySelector('button[type=submit]') as HTMLButtonElement).click();
    await form.updateComplete;
    expect([...root.querySelectorAll('[role=alert]')].map((e) => e.textContent)).to.deep.equal(['请填写标题', '请填写金额']);
    expect(mock.calls.filter((c) => c.method === 'POST')).to.have.length(0);
    const type = (name: string, value: string) => {
      const f = root.querySelector(`[name=${name}]`) as HTMLInputElement;
      f.value = value;
      f.dispatchEvent(new Event('input'));
    };
    type('title', '采购台账');
    type('amount', '1,234.5');
    type('count', '3');
    const urgent = root.querySelector('[name=urgent]') as HTMLInputElement;
    urgent.checked = true;
    urgent.dispatchEvent(new Event('change'));
    await form.submit();
    const sent = mock.calls.find((c) => c.method === 'POST')!;
    expect(sent.body).to.deep.equal({ title: '采购台账', amount: 123450, count: 3, kind: 'b', urgent: true, note: null, day: null });
    await form.updateComplete;
    expect(root.querySelector('[role=status]')!.textContent).to.equal('已登记 1 条');
    await until(() => views === 2);
  });

  it('posts a chat message as { text } and shows a failure', async () => {
    let fail = false;
    mock = mockFetch({
      'POST /api/units/a/plugins/demo/routes/chat/post': () => (fail ? { status: 404, body: { error: { code: 'PLUGIN_ROUTE_NOT_FOUND', message: '插件接口不存在', details: {} } } } : { body: {} }),
    });
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="demo" .spec=${{ blocks: [full.blocks.find((b) => b.type === 'chat')!] }}></ub-plugin-view>`);
    const chat = q<UbViewChat>(el, 'ub-view-chat')!;
    await chat.updateComplete;
    const box = chat.shadowRoot!.querySelector('textarea')!;
    box.value = '好的，已处理';
    box.dispatchEvent(new Event('input'));
    await chat.send();
    expect(mock.calls[0]).to.deep.include({ method: 'POST', body: { text: '好的，已处理' } });
    expect(chat.draft).to.equal('');
    fail = true;
    chat.draft = '再发一条';
    await chat.send();
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('插件接口不存在');
  });
});
