import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import '../src/components/plugin-view.js';
import type { UbPluginView } from '../src/components/plugin-view.js';
import type { UbViewSearch } from '../src/components/view-search.js';
import type { ViewSpec } from '../src/components/view-spec.js';
import { forgetPluginPages } from '../src/lib/plugin-nav.js';

/** View specs (host API 1.1.0): link row actions toward another plugin's view, and search (GET) boxes. */
const VIEW = '/api/units/a/plugins/analytics/views/warnings';
const PLUGINS = '/api/units/a/plugins';
const q = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector(sel) as T | null;
const qa = (el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll(sel)] as HTMLElement[];

const warnings: ViewSpec = {
  blocks: [{
    type: 'table', title: '预警',
    columns: [{ key: 'title', label: '预警' }, { key: 'department', label: '科室' }],
    rows: [
      { _id: 'w-1', title: '执行进度偏慢', department: '基础教育科', _departmentId: 3, _actions: 'ack,consult' },
      { _id: 'w-2', title: '三公经费接近上限', department: '', _actions: 'ack' },
    ],
    actions: [
      { id: 'ack', label: '确认', route: 'warnings/ack' },
      { id: 'consult', kind: 'link', label: '发起会商', target: { plugin: 'collab', view: 'consultations', query: { warningId: '{_id}', title: '预警：{title}', departmentId: '{_departmentId}' } } },
    ],
  }],
};

const unitPlugin = (pluginId: string, views: Array<{ id: string; placement?: string }>, extra: Record<string, unknown> = {}) => ({
  pluginId, name: { zh: pluginId, en: pluginId }, state: 'enabled', grants: ['views', 'routes'], quarantined: false,
  views: views.map((v) => ({ title: { zh: v.id, en: v.id }, placement: 'page', ...v })), ...extra,
});

describe('link row actions', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  beforeEach(() => forgetPluginPages());
  afterEach(() => mock?.restore());

  it('leads to the other plugin’s view with the row’s cells in its query when that view is enabled for the unit', async () => {
    mock = mockFetch({
      [`GET ${VIEW}`]: { body: warnings },
      [`GET ${PLUGINS}`]: { body: [unitPlugin('analytics', [{ id: 'warnings' }]), unitPlugin('collab', [{ id: 'inbox' }, { id: 'consultations' }])] },
    });
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="analytics" view-id="warnings"></ub-plugin-view>`);
    await until(() => q(el, 'tbody tr a[data-action=consult]'));
    const rows = qa(el, 'tbody tr');
    const link = rows[0]!.querySelector('a[data-action=consult]') as HTMLAnchorElement;
    expect(link.textContent!.trim()).to.equal('发起会商');
    const url = new URL(link.getAttribute('href')!, location.origin);
    expect(url.pathname).to.equal('/plugins/collab/consultations');
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({ warningId: 'w-1', title: '预警：执行进度偏慢', departmentId: '3' });
    // `_actions` still limits the row; the post action stays a button.
    expect(rows[1]!.querySelector('a[data-action=consult]')).to.equal(null);
    expect(rows[0]!.querySelector('button[data-action=ack]')).to.not.equal(null);
    // A link posts nothing.
    expect(mock.calls.filter((c) => c.method !== 'GET')).to.deep.equal([]);
  });

  it('is not shown when the target plugin is not enabled, its views are not granted, or the view does not exist', async () => {
    for (const list of [
      [unitPlugin('analytics', [{ id: 'warnings' }])],
      [unitPlugin('collab', [{ id: 'consultations' }], { grants: ['routes'] })],
      [unitPlugin('collab', [{ id: 'consultations' }], { state: 'disabled' })],
      [unitPlugin('collab', [{ id: 'inbox' }])],
    ]) {
      forgetPluginPages();
      mock?.restore();
      let asked = 0;
      mock = mockFetch({ [`GET ${VIEW}`]: { body: warnings }, [`GET ${PLUGINS}`]: () => { asked += 1; return { body: list }; } });
      const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="analytics" view-id="warnings"></ub-plugin-view>`);
      await until(() => el.spec && asked > 0 && el.openable);
      await el.updateComplete;
      expect(qa(el, 'a[data-action=consult]')).to.have.length(0);
      expect(qa(el, 'button[data-action=ack]')).to.have.length(2);
    }
  });

  it('is not shown to a reader who may not list the unit’s plugins', async () => {
    mock = mockFetch({ [`GET ${VIEW}`]: { body: warnings }, [`GET ${PLUGINS}`]: { status: 403, body: { error: { code: 'FORBIDDEN', message: 'no', details: {} } } } });
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="analytics" view-id="warnings"></ub-plugin-view>`);
    await until(() => el.openable);
    await el.updateComplete;
    expect(qa(el, 'a[data-action=consult]')).to.have.length(0);
  });
});

const INBOX = '/api/units/a/plugins/collab/views/inbox';
const inbox = (q: string): ViewSpec => ({
  blocks: [
    { type: 'search', title: '搜索讨论', fields: [{ key: 'q', label: '关键词', value: q || null, placeholder: '标题或消息' }] },
    { type: 'markdown', text: q ? `搜索「${q}」` : '全部讨论' },
  ],
});

describe('search blocks', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  const start = `${location.pathname}${location.search}`;
  afterEach(() => { mock?.restore(); history.replaceState(null, '', start); });

  it('sets the view’s query parameters and asks for the view again, keeping the others; nothing is posted', async () => {
    mock = mockFetch({ [`GET ${INBOX}`]: (call) => ({ body: inbox(new URL(call.url, location.origin).searchParams.get('q') ?? '') }) });
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="collab" view-id="inbox" query="?kind=discussion"></ub-plugin-view>`);
    await until(() => el.spec);
    await el.updateComplete;
    const search = q<UbViewSearch>(el, 'ub-view-search')!;
    await search.updateComplete;
    const input = search.shadowRoot!.querySelector('input[name=q]') as HTMLInputElement;
    expect(input.type).to.equal('search');
    input.value = '食堂维修';
    input.dispatchEvent(new Event('input'));
    (search.shadowRoot!.querySelector('button[data-act=search]') as HTMLButtonElement).click();
    await until(() => (el.spec?.blocks[1] as { text?: string } | undefined)?.text === '搜索「食堂维修」');
    const last = new URL(mock.calls.at(-1)!.url, location.origin);
    expect(Object.fromEntries(last.searchParams)).to.deep.equal({ kind: 'discussion', q: '食堂维修' });
    expect(mock.calls.every((c) => c.method === 'GET')).to.equal(true);
    // The box shows the value the view carries, and clearing removes the parameter.
    await el.updateComplete;
    const again = q<UbViewSearch>(el, 'ub-view-search')!;
    await again.updateComplete;
    expect((again.shadowRoot!.querySelector('input[name=q]') as HTMLInputElement).value).to.equal('食堂维修');
    (again.shadowRoot!.querySelector('button[data-act=clear]') as HTMLButtonElement).click();
    await until(() => (el.spec?.blocks[1] as { text?: string } | undefined)?.text === '全部讨论');
    expect(Object.fromEntries(new URL(mock.calls.at(-1)!.url, location.origin).searchParams)).to.deep.equal({ kind: 'discussion' });
  });

  it('on a plugin page keeps the parameters in the page address', async () => {
    history.replaceState(null, '', `${location.pathname}?tab=1`);
    mock = mockFetch({ [`GET ${INBOX}`]: (call) => ({ body: inbox(new URL(call.url, location.origin).searchParams.get('q') ?? '') }) });
    const el = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="collab" view-id="inbox" query=${location.search}></ub-plugin-view>`);
    await until(() => el.spec);
    await el.updateComplete;
    const search = q<UbViewSearch>(el, 'ub-view-search')!;
    await search.updateComplete;
    const input = search.shadowRoot!.querySelector('input[name=q]') as HTMLInputElement;
    input.value = '预算';
    input.dispatchEvent(new Event('input'));
    (search.shadowRoot!.querySelector('form') as HTMLFormElement).requestSubmit();
    await until(() => (el.spec?.blocks[1] as { text?: string } | undefined)?.text === '搜索「预算」');
    expect(new URLSearchParams(location.search).get('q')).to.equal('预算');
    expect(new URLSearchParams(location.search).get('tab')).to.equal('1');
  });
});
