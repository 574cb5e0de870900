import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/admin-plugins.js';
import '../src/pages/plugin-page.js';
import '../src/components/plugin-health.js';
import '../src/components/plugin-logs.js';
import '../src/components/plugin-view.js';
import type { UbAdminPlugins } from '../src/pages/admin-plugins.js';
import type { UbPluginHealth } from '../src/components/plugin-health.js';
import type { UbPluginLogs } from '../src/components/plugin-logs.js';
import type { UbPluginView } from '../src/components/plugin-view.js';
import { loadPluginNav, type UbPluginPage } from '../src/pages/plugin-page.js';
import { setLang } from '../src/lib/i18n.js';
import type { PluginVersionInfo, UnitPlugin } from '../src/lib/types.js';

const admin = ctx({ roles: ['unit_admin'], departmentId: null, me: { id: 2, username: 'a.admin', displayName: '赵磊', disabled: false, memberships: [{ unitId: 'a', unitName: '示范县教育局机关', role: 'unit_admin', departmentId: null }], systemAdmin: false } });

const v = (version: string): PluginVersionInfo => ({ version, compatible: true, incompatibleReason: null, signedBy: 'first-party', fromOwner: true, permissions: ['views'] });
const plugin = (over: Partial<UnitPlugin> = {}): UnitPlugin => ({
  pluginId: 'hello-budget', name: { zh: 'hello-budget 插件', en: 'hello-budget plugin' }, description: '', author: 'your unit', ownedBy: 'first-party',
  versions: [v('0.2.0')], latestVersion: '0.2.0', compatible: true, inUseCompatible: true, inUseIncompatibleReason: null, state: 'enabled', version: '0.2.0', quarantined: false,
  requestedPermissions: ['views', 'log'], grants: ['views', 'log'], settings: {}, failMode: 'open', faults: 0, lastFault: null, settingsSchema: [],
  views: [{ id: 'overview', title: { zh: '概览', en: 'Overview' }, placement: 'dashboard' }], routes: [], dependencies: {}, ...over,
} as UnitPlugin);
const metrics = { pluginId: 'hello-budget', unitId: 'a', state: 'enabled', consecutiveFaults: 0, lastFault: null, calls: 3, errors: 0, faultsByCode: {}, latencyMs: { p50: 1, p95: 2, p99: 3 }, memoryBytes: 1024 * 1024 };
const quarantinedAnswer = { status: 409, body: { error: { code: 'PLUGIN_QUARANTINED', message: '插件 hello-budget 多次导致插件运行进程崩溃，已在全系统隔离', details: {} } } };

async function page(plugins: UnitPlugin[]) {
  const el = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${admin}></ub-admin-plugins>`);
  await until(() => el.plugins.length === plugins.length);
  await el.updateComplete;
  return el;
}
const card = (el: UbAdminPlugins, id: string) => el.shadowRoot!.querySelector(`article[data-plugin="${id}"]`)!;

describe('plugin states as the unit sees them', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    mock = undefined;
    setLang('zh-CN');
  });

  it('a quarantined plugin’s card shows 已隔离 (red) as its state, never the green 已启用; its health panel shows the quarantine', async () => {
    mock = mockFetch({
      'GET /api/units/a/plugins': { body: [plugin({ quarantined: true }), plugin({ pluginId: 'analytics' })] },
      'GET /api/units/a/plugins/hello-budget/metrics': { body: metrics },
    });
    const el = await page([plugin(), plugin()]);
    const q = card(el, 'hello-budget');
    const badges = [...q.querySelectorAll('header .badge')].map((b) => [b.textContent, b.classList.contains('block')]);
    expect(badges).to.deep.equal([['已隔离', true]]);
    expect(q.querySelector('[data-state]')!.getAttribute('data-state'), 'the unit’s own setting stays readable').to.equal('enabled');
    expect([...card(el, 'analytics').querySelectorAll('header .badge')].map((b) => b.textContent)).to.deep.equal(['已启用']);
    const toggle = q.querySelector<HTMLButtonElement>('button[data-action=health]')!;
    toggle.click();
    await el.updateComplete;
    expect(toggle.textContent, 'the toggle says what it hides').to.equal('收起运行状况');
    const health = q.querySelector<UbPluginHealth>('ub-plugin-health')!;
    await until(() => health.metrics);
    await health.updateComplete;
    expect(health.shadowRoot!.querySelector('[data-metric=breaker]')!.textContent!.trim()).to.equal('已隔离');
    expect(health.shadowRoot!.querySelector('[data-metric=breaker] .badge.block')).to.exist;
    expect(health.shadowRoot!.querySelector('[data-quarantine-note]')!.textContent).to.contain('直到系统管理员解除隔离');
    setLang('en');
    await el.updateComplete;
    expect(toggle.textContent).to.equal('Hide health');
  });

  it('a quarantined plugin’s page says why and offers no retry, from the navigation or from the view’s answer', async () => {
    mock = mockFetch({
      'GET /api/units/a/plugins': { body: [plugin({ quarantined: true, grants: ['views'] })] },
      'GET /api/units/a/plugins/hello-budget/views/overview': quarantinedAnswer,
    });
    const [item] = await loadPluginNav('a');
    expect(item!.quarantined).to.equal(true);
    const pg = await fixture<UbPluginPage>(html`<ub-plugin-page .ctx=${admin} .item=${item}></ub-plugin-page>`);
    const note = pg.shadowRoot!.querySelector('[data-quarantined]')!;
    expect(note.textContent).to.contain('在系统管理员解除隔离之前，此页面无法使用');
    expect(pg.shadowRoot!.querySelector('button')).to.equal(null);
    expect(pg.shadowRoot!.querySelector('ub-plugin-view'), 'no request that can only fail').to.equal(null);
    // quarantined after the navigation was loaded: the view's 409 says the same, without 重试
    const view = await fixture<UbPluginView>(html`<ub-plugin-view unit-id="a" plugin-id="hello-budget" view-id="overview"></ub-plugin-view>`);
    await until(() => view.shadowRoot!.querySelector('[data-state=quarantined]'));
    expect(view.shadowRoot!.querySelector('button')).to.equal(null);
  });

  it('the log button shows only for a plugin that asks for the log permission; the viewer says when it was not asked for or not granted', async () => {
    mock = mockFetch({
      'GET /api/units/a/plugins': { body: [plugin({ pluginId: 'quiet', requestedPermissions: ['views'], grants: ['views'] }), plugin({ pluginId: 'chatty' })] },
      'GET /api/units/a/plugins/chatty/logs': { body: { pluginId: 'chatty', unitId: 'a', entries: [], next: null } },
    });
    const el = await page([plugin(), plugin()]);
    expect(card(el, 'quiet').querySelector('button[data-action=logs]')).to.equal(null);
    expect(card(el, 'chatty').querySelector('button[data-action=logs]')).to.exist;
    const none = await fixture<UbPluginLogs>(html`<ub-plugin-logs .unitId=${'a'} .pluginId=${'quiet'} .requested=${false}></ub-plugin-logs>`);
    expect(none.shadowRoot!.querySelector('[data-no-log-permission]')!.textContent).to.contain('没有申请“写日志”权限');
    expect(mock.calls.some((c) => c.url.includes('/quiet/logs')), 'nothing to ask the core').to.equal(false);
    const notGranted = await fixture<UbPluginLogs>(html`<ub-plugin-logs .unitId=${'a'} .pluginId=${'chatty'} .granted=${false}></ub-plugin-logs>`);
    await until(() => notGranted.loaded);
    expect(notGranted.shadowRoot!.querySelector('[data-log-not-granted]')).to.exist;
  });

  it('the version shows once on a card; English says “Version” for one and “Versions” for more; no full-width brackets in English', async () => {
    mock = mockFetch({
      'GET /api/units/a/plugins': { body: [
        plugin(),
        plugin({ pluginId: 'fresh', state: 'available', version: null, grants: [] }),
        plugin({ pluginId: 'two', state: 'available', version: null, grants: [], versions: [v('0.3.0'), v('0.2.0')], latestVersion: '0.3.0' }),
      ] },
    });
    const el = await page([plugin(), plugin(), plugin()]);
    const count = (id: string, text: string) => card(el, id).textContent!.split(text).length - 1;
    expect(count('hello-budget', '0.2.0'), 'enabled: the current version, once').to.equal(1);
    expect(card(el, 'hello-budget').querySelector('[data-current]')!.textContent).to.equal('当前版本 0.2.0');
    expect(count('fresh', '0.2.0'), 'not enabled: the version it offers, once').to.equal(1);
    setLang('en');
    await el.updateComplete;
    expect(card(el, 'fresh').querySelector('.versions')!.textContent).to.equal('Version: 0.2.0');
    expect(card(el, 'two').querySelector('.versions')!.textContent).to.equal('Versions: 0.3.0, 0.2.0');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Plugins of this unit (示范县教育局机关)');
  });
});
