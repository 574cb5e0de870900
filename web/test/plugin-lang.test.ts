import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until, type Call } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/plugin-page.js';
import type { UbPluginPage } from '../src/pages/plugin-page.js';
import type { UbPluginView } from '../src/components/plugin-view.js';
import { loadPluginNav, navTitle } from '../src/pages/plugin-page.js';
import { setLang } from '../src/lib/i18n.js';

/**
 * Plugin pages in English: the menu reads each view's `{ zh, en }` title, the page its plugin's name,
 * and the view is asked in the reader's language (Accept-Language → ViewContext.lang), again when
 * the language changes, so the plugin's own words follow the switch.
 */
const plugins = [{
  pluginId: 'policy', name: { zh: '政策与支出标准', en: 'Policy and expenditure standards' }, state: 'enabled', grants: ['views'], quarantined: false,
  views: [{ id: 'library', title: { zh: '政策文件库', en: 'Policy library' } }, { id: 'balance', title: { zh: '指标余额', en: 'Indicator balance' }, placement: 'payment-detail' }],
}];
const spec = (en: boolean) => ({
  title: en ? 'Policy library' : '政策文件库',
  blocks: [
    { type: 'stat', label: en ? 'Documents' : '文件总数', value: 4, format: 'number', tone: 'normal', unit: en ? 'documents' : '件' },
    { type: 'stat', label: en ? 'Would be blocked' : '将被拦截', value: 1_230_000, format: 'fen', tone: 'bad' },
    { type: 'table', title: en ? 'Policy documents' : '政策文件', columns: [{ key: 'number', label: en ? 'Number' : '文号', format: 'text' }], rows: [{ number: '财行〔2016〕71号' }] },
  ],
});
const CJK = /[\u3400-\u9fff]/;

describe('plugin pages in the reader’s language', () => {
  let calls: Call[] = [];
  let restore = () => {};
  beforeEach(() => {
    ({ calls, restore } = mockFetch({ 'GET /*': (call) => ({ body: call.url.endsWith('/plugins') ? plugins : spec(call.lang === 'en') }) }));
  });
  afterEach(() => {
    restore();
    setLang('zh-CN');
  });

  it('the menu shows page views only, titled in the app’s language', async () => {
    const nav = await loadPluginNav('a');
    expect(nav.map((i) => i.viewId)).to.deep.equal(['library']);
    setLang('zh-CN');
    expect(nav.map(navTitle)).to.deep.equal(['政策文件库']);
    setLang('en');
    expect(nav.map(navTitle)).to.deep.equal(['Policy library']);
  });

  it('an English reader gets the page’s title, the plugin’s name and the view’s words in English; switching back asks again in Chinese', async () => {
    setLang('en');
    const [item] = await loadPluginNav('a');
    const page = await fixture<UbPluginPage>(html`<ub-plugin-page .ctx=${ctx({ roles: ['finance_officer'] })} .item=${item}></ub-plugin-page>`);
    const root = page.shadowRoot!;
    expect(root.querySelector('h1')!.textContent).to.equal('Policy library');
    expect(root.querySelector('.sub')!.textContent).to.equal('Policy and expenditure standards');
    const viewEl = root.querySelector<UbPluginView>('ub-plugin-view')!;
    await until(() => viewEl.shadowRoot?.textContent?.includes('Documents'));
    expect(calls.find((c) => c.url.includes('/views/library'))!.lang).to.equal('en');
    const shown = viewEl.shadowRoot!.textContent!.replace(/财行〔2016〕71号/g, '');
    expect(CJK.test(shown), shown).to.equal(false);
    // Money in a stat says its unit in the reader's language.
    expect([...viewEl.shadowRoot!.querySelectorAll('.stat .unit')].map((u) => u.textContent)).to.deep.equal(['documents', 'yuan']);

    setLang('zh-CN');
    await page.updateComplete;
    await until(() => viewEl.shadowRoot?.textContent?.includes('文件总数'));
    expect(calls.filter((c) => c.url.includes('/views/library')).map((c) => c.lang)).to.deep.equal(['en', 'zh-CN']);
    expect(root.querySelector('h1')!.textContent).to.equal('政策文件库');
  });
});
