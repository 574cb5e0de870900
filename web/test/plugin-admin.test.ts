// Over 400 lines: one suite for the whole plugin console (cards, logs, ownership, quarantine, quotas, phone), sharing its fixtures.
import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { mockFetch, until, type Call } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/admin-plugins.js';
import '../src/components/plugin-health.js';
import '../src/components/plugin-logs.js';
import '../src/components/plugin-owners.js';
import '../src/components/plugin-quarantine.js';
import '../src/components/plugin-quotas.js';
import type { UbAdminPlugins } from '../src/pages/admin-plugins.js';
import type { UbPluginHealth } from '../src/components/plugin-health.js';
import type { UbPluginLogs } from '../src/components/plugin-logs.js';
import type { UbPluginOwners } from '../src/components/plugin-owners.js';
import type { UbPluginQuarantine } from '../src/components/plugin-quarantine.js';
import type { UbPluginQuotas } from '../src/components/plugin-quotas.js';
import type { UbQuotaBars } from '../src/components/quota-bars.js';
import type { UbPermissionGrantDialog } from '../src/components/permission-grant-dialog.js';
import { bytesToMbText, mbTextToBytes } from '../src/lib/bytes.js';
import { setLang } from '../src/lib/i18n.js';
import type { PluginLogEntry, PluginOwner, PluginQuotaView, QuotaFigures, UnitPlugin } from '../src/lib/types.js';

const admin = ctx({ roles: ['unit_admin'], departmentId: null, me: { id: 2, username: 'a.admin', displayName: '赵磊', disabled: false, memberships: [{ unitId: 'a', unitName: '机关', role: 'unit_admin', departmentId: null }], systemAdmin: false } });
const developer = ctx({ roles: ['plugin_developer'], departmentId: null, me: { id: 7, username: 'a.dev', displayName: '钱多', disabled: false, memberships: [{ unitId: 'a', unitName: '机关', role: 'plugin_developer', departmentId: null }], systemAdmin: false } });
const sysadmin = ctx({ unitId: 'bureau', roles: ['system_admin'], departmentId: null, me: { id: 1, username: 'sysadmin', displayName: '系统管理员', disabled: false, memberships: [{ unitId: 'bureau', unitName: '财政局', role: 'system_admin', departmentId: null }], systemAdmin: true } });

const version = (v: string, signedBy: string | null, fromOwner: boolean, compatible = true) =>
  ({ version: v, compatible, incompatibleReason: compatible ? null : 'needs host API ^2.0.0', signedBy, fromOwner, permissions: ['views' as const] });

const plugin = (over: Partial<UnitPlugin> = {}): UnitPlugin => ({
  pluginId: 'hello-budget', name: { zh: 'hello-budget 插件', en: 'hello-budget plugin' }, description: '', author: 'your unit', ownedBy: 'first-party',
  versions: [version('0.3.0', 'other-co', false), version('0.2.0', 'first-party', true), version('0.1.0', 'first-party', true)],
  latestVersion: '0.2.0', compatible: true, inUseCompatible: null, inUseIncompatibleReason: null, state: 'available', version: null, quarantined: false,
  requestedPermissions: ['views'], grants: [], settings: {}, failMode: 'open', faults: 0, lastFault: null, settingsSchema: [],
  views: [], routes: [], dependencies: {}, ...over,
});

const MB = 1024 * 1024;
const figures: QuotaFigures = {
  storageBytes: { used: Math.round(12.3 * MB), limit: 64 * MB },
  storageDocs: { used: 18_000, limit: 20_000 },
  logEntries: { used: 1_000, limit: 1_000 },
  notificationsPerHour: { used: 5, limit: 120 },
};
const metrics = { pluginId: 'hello-budget', unitId: 'a', state: 'enabled', consecutiveFaults: 0, lastFault: null, calls: 3, errors: 0, faultsByCode: {}, latencyMs: { p50: 1, p95: 2, p99: 3 }, memoryBytes: MB, quotas: figures };

const $ = <T extends Element = HTMLElement>(root: ParentNode, sel: string) => root.querySelector(sel) as T;
const choose = (select: HTMLSelectElement, value: string) => {
  select.value = value;
  select.dispatchEvent(new Event('change'));
};
const type = (input: HTMLInputElement, value: string) => {
  input.value = value;
  input.dispatchEvent(new Event('input'));
};
const params = (c: Call) => Object.fromEntries(new URL(c.url, location.origin).searchParams);

/** window.confirm answered by the test; the questions are kept. */
function stubConfirm(answer: boolean) {
  const original = window.confirm;
  const asked: string[] = [];
  window.confirm = (m?: string) => (asked.push(String(m)), answer);
  return { asked, restore: () => void (window.confirm = original) };
}

describe('plugin administration (quotas, logs, ownership, quarantine)', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  let confirmStub: ReturnType<typeof stubConfirm> | undefined;
  let phoneViewport = false;
  afterEach(async () => {
    if (phoneViewport) await setViewport({ width: 800, height: 600 });
    phoneViewport = false;
    mock?.restore();
    confirmStub?.restore();
    mock = undefined;
    confirmStub = undefined;
    setLang('zh-CN');
  });

  it('health: a bar per quota with the figures of the metrics answer, a warning from 90 % and “used up” at 100 %', async () => {
    mock = mockFetch({ 'GET /api/units/a/plugins/hello-budget/metrics': { body: metrics } });
    const el = await fixture<UbPluginHealth>(html`<ub-plugin-health .unitId=${'a'} .pluginId=${'hello-budget'}></ub-plugin-health>`);
    await until(() => el.metrics);
    await el.updateComplete;
    const bars = $<UbQuotaBars>(el.shadowRoot!, 'ub-quota-bars');
    expect(bars, 'the quota block').to.exist;
    await bars.updateComplete;
    const item = (k: string) => $(bars.shadowRoot!, `li[data-quota=${k}]`);
    const figure = (k: string) => item(k).querySelector('[data-figure]')!.textContent!.trim();
    expect([figure('storageBytes'), figure('storageDocs'), figure('logEntries'), figure('notificationsPerHour')])
      .to.deep.equal(['12.3 MB / 64.0 MB', '18,000 / 20,000', '1,000 / 1,000', '5 / 120']);
    expect(item('storageBytes').querySelector('[data-badge]')).to.equal(null);
    expect(item('storageDocs').querySelector('[data-badge]')!.textContent).to.equal('接近上限');
    expect(item('logEntries').querySelector('[data-badge]')!.textContent).to.equal('已用尽');
    expect(item('notificationsPerHour').querySelector('[data-badge]')).to.equal(null);
    const width = (k: string) => (item(k).querySelector('.bar span') as HTMLElement).style.width;
    expect([width('storageDocs'), width('logEntries')]).to.deep.equal(['90%', '100%']);
    expect(item('storageDocs').querySelector('[role=progressbar]')!.getAttribute('aria-valuenow')).to.equal('90');
  });

  it('log: newest first, “older” pages with the cursor, the level filter starts again, messages stay text', async () => {
    const entry = (id: number, level: PluginLogEntry['level'], message: string, data: string | null = null): PluginLogEntry =>
      ({ id, level, message, data, at: `2026-12-03T09:00:${String(id).padStart(2, '0')}.000Z` });
    mock = mockFetch({
      'GET /api/units/a/plugins/hello-budget/logs': (c) => {
        const q = params(c);
        if (q.level === 'error') return { body: { pluginId: 'hello-budget', unitId: 'a', entries: [entry(7, 'error', 'boom')], next: null } };
        if (q.before === '9') return { body: { pluginId: 'hello-budget', unitId: 'a', entries: [entry(8, 'warn', 'slow'), entry(7, 'error', 'boom')], next: null } };
        return { body: { pluginId: 'hello-budget', unitId: 'a', entries: [entry(10, 'info', '<img src=x onerror="window.hacked=1">', '{"n":1}'), entry(9, 'info', 'started')], next: 9 } };
      },
    });
    const el = await fixture<UbPluginLogs>(html`<ub-plugin-logs .unitId=${'a'} .pluginId=${'hello-budget'}></ub-plugin-logs>`);
    await until(() => el.loaded);
    await el.updateComplete;
    const root = el.shadowRoot!;
    const ids = () => [...root.querySelectorAll('tr[data-log]')].map((r) => r.getAttribute('data-log'));
    expect(ids()).to.deep.equal(['10', '9']);
    expect(params(mock.calls[0]!)).to.deep.equal({ limit: '50' });
    const first = $(root, 'tr[data-log="10"]');
    expect(first.querySelector('img'), 'plugin text is never HTML').to.equal(null);
    expect(first.querySelector('td.msg')!.textContent).to.contain('<img src=x onerror="window.hacked=1">');
    expect(first.querySelector('pre')!.textContent, 'the data, indented').to.equal('{\n  "n": 1\n}');
    expect(first.textContent, 'China time, to the second').to.contain('2026-12-03 17:00:10');
    $(root, 'button[data-action=older]').click();
    await until(() => ids().length === 4);
    expect(params(mock.calls[1]!)).to.deep.equal({ before: '9', limit: '50' });
    expect(ids()).to.deep.equal(['10', '9', '8', '7']);
    expect(root.querySelector('button[data-action=older]'), 'no cursor, no older page').to.equal(null);
    expect(root.querySelector('[data-end]')).to.exist;
    choose($<HTMLSelectElement>(root, 'select[name=level]'), 'error');
    await until(() => ids().length === 1);
    expect(params(mock.calls[2]!)).to.deep.equal({ level: 'error', limit: '50' });
    expect(ids()).to.deep.equal(['7']);
    expect($(root, 'tr[data-log="7"]').getAttribute('data-level')).to.equal('error');
  });

  it('log: a refusal (403) shows the server’s message, not a crash', async () => {
    mock = mockFetch({ 'GET /api/units/a/plugins/hello-budget/logs': { status: 403, body: { error: { code: 'FORBIDDEN', message: '没有权限查看该插件的日志', details: {} } } } });
    const el = await fixture<UbPluginLogs>(html`<ub-plugin-logs .unitId=${'a'} .pluginId=${'hello-budget'}></ub-plugin-logs>`);
    await until(() => el.loaded);
    await el.updateComplete;
    expect($(el.shadowRoot!, '[role=alert]').textContent).to.equal('没有权限查看该插件的日志');
    expect(el.shadowRoot!.querySelector('table')).to.equal(null);
    expect(el.shadowRoot!.querySelector('button[data-action=refresh]')).to.exist;
  });

  it('card: the version picker offers only the id owner’s versions (and the one the unit has); others are refused with the reason', async () => {
    mock = mockFetch({ 'GET /api/units/a/plugins': { body: [plugin()] } });
    const el = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${admin}></ub-admin-plugins>`);
    await until(() => el.plugins.length === 1);
    await el.updateComplete;
    const root = el.shadowRoot!;
    const options = () => [...root.querySelectorAll('select[name=version] option')].map((o) => (o as HTMLOptionElement).value);
    expect(options()).to.deep.equal(['0.2.0', '0.1.0']);
    expect($(root, '[data-refused="0.3.0"]').textContent).to.equal('0.3.0：不可启用——由发布者“other-co”签名，而该插件标识属于发布者“first-party”');
    expect($(root, '[data-owner]').textContent).to.equal('发布者：first-party');
    $(root, 'button[data-action=enable]').click();
    await el.updateComplete;
    const dialog = $<UbPermissionGrantDialog>(root, 'ub-permission-grant-dialog');
    expect(dialog.request.name).to.equal('hello-budget 插件 0.2.0');
    // the unit already has the other publisher's version (installed before a transfer): it stays on offer, not refused
    mock.restore();
    mock = mockFetch({ 'GET /api/units/a/plugins': { body: [plugin({ state: 'disabled', version: '0.3.0' })] } });
    const kept = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${admin}></ub-admin-plugins>`);
    await until(() => kept.plugins.length === 1);
    await kept.updateComplete;
    expect([...kept.shadowRoot!.querySelectorAll('select[name=version] option')].map((o) => (o as HTMLOptionElement).value)).to.deep.equal(['0.3.0', '0.2.0', '0.1.0']);
    expect(kept.shadowRoot!.querySelector('[data-refused]')).to.equal(null);
  });

  it('card: a quarantined plugin says the system administrator must release it; enable and upgrade are disabled', async () => {
    mock = mockFetch({
      'GET /api/units/a/plugins': { body: [plugin({ state: 'disabled', version: '0.1.0', quarantined: true }), plugin({ pluginId: 'attendance', state: 'enabled', version: '0.1.0', quarantined: true, grants: ['views'] })] },
    });
    const el = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${admin}></ub-admin-plugins>`);
    await until(() => el.plugins.length === 2);
    await el.updateComplete;
    const card = $(el.shadowRoot!, 'article[data-plugin=hello-budget]');
    expect($(card, '[data-quarantined]').textContent).to.equal('已隔离');
    expect($(card, '[data-quarantine-note]').textContent).to.contain('需由系统管理员检查并解除隔离');
    expect($<HTMLButtonElement>(card, 'button[data-action=enable]').disabled).to.equal(true);
    const upgrade = $<HTMLButtonElement>(el.shadowRoot!, 'article[data-plugin=attendance] button[data-action=upgrade]');
    expect(upgrade.textContent).to.equal('升级到 0.2.0…');
    expect(upgrade.disabled).to.equal(true);
    // the same plugin, not quarantined: enable and upgrade are on
    mock.restore();
    mock = mockFetch({ 'GET /api/units/a/plugins': { body: [plugin({ state: 'disabled', version: '0.1.0' }), plugin({ pluginId: 'attendance', state: 'enabled', version: '0.1.0', grants: ['views'] })] } });
    const free = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${admin}></ub-admin-plugins>`);
    await until(() => free.plugins.length === 2);
    await free.updateComplete;
    expect(free.shadowRoot!.querySelector('[data-quarantined]')).to.equal(null);
    expect($<HTMLButtonElement>(free.shadowRoot!, 'button[data-action=enable]').disabled).to.equal(false);
    expect($<HTMLButtonElement>(free.shadowRoot!, 'button[data-action=upgrade]').disabled).to.equal(false);
  });

  it('card: the digital specialist opens the log from the card; enabling stays the unit admin’s', async () => {
    mock = mockFetch({
      'GET /api/units/a/plugins': { body: [plugin({ state: 'enabled', version: '0.2.0', grants: ['views', 'log'], requestedPermissions: ['views', 'log'] })] },
      'GET /api/units/a/plugins/hello-budget/logs': { body: { pluginId: 'hello-budget', unitId: 'a', entries: [{ id: 1, level: 'info', message: 'hello', data: null, at: '2026-12-03T09:00:00.000Z' }], next: null } },
    });
    const el = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${developer}></ub-admin-plugins>`);
    await until(() => el.plugins.length === 1);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('button[data-action=disable]')).to.equal(null);
    expect(root.querySelector('button[data-action=health]')).to.equal(null);
    const logs = $(root, 'button[data-action=logs]');
    expect(logs.textContent).to.equal('日志');
    logs.click();
    await el.updateComplete;
    const viewer = $<UbPluginLogs>(root, 'ub-plugin-logs');
    await until(() => viewer.loaded);
    await viewer.updateComplete;
    expect(viewer.shadowRoot!.querySelector('tr[data-log="1"]')!.textContent).to.contain('hello');
  });

  it('ownership: a transfer asks first, then PUTs the chosen publisher, or null for unsigned bundles', async () => {
    let owners: PluginOwner[] = [
      { pluginId: 'hello-budget', publisher: 'first-party', since: '2026-11-28T09:00:00Z', how: 'install', assignedBy: 1, assignedByName: '系统管理员' },
      { pluginId: 'attendance', publisher: null, since: '2026-11-29T09:00:00Z', how: 'migration', assignedBy: null, assignedByName: null },
    ];
    mock = mockFetch({
      'GET /api/plugins/owners': () => ({ body: owners }),
      'PUT /api/plugins/hello-budget/owner': (c) => {
        const publisher = (c.body as { publisher: string | null }).publisher;
        owners = owners.map((o) => (o.pluginId === 'hello-budget' ? { ...o, publisher, how: 'transfer' } : o));
        return { body: owners[0] };
      },
    });
    const el = await fixture<UbPluginOwners>(html`<ub-plugin-owners .publishers=${['first-party', 'county-it']}></ub-plugin-owners>`);
    await until(() => el.owners.length === 2);
    await el.updateComplete;
    const root = el.shadowRoot!;
    const row = () => $(root, 'tr[data-owner=hello-budget]');
    expect([...row().querySelectorAll('option')].map((o) => [o.value, o.textContent])).to.deep.equal([['first-party', 'first-party'], ['county-it', 'county-it'], ['', '未签名的插件包']]);
    expect($(root, 'tr[data-owner=attendance]').textContent).to.contain('未签名的插件包');
    expect($(root, 'tr[data-owner=hello-budget] [data-assigned-by]').textContent).to.equal('操作人：系统管理员');
    expect(root.querySelector('tr[data-owner=attendance] [data-assigned-by]'), 'assigned by the system: no name').to.equal(null);
    let changed = 0;
    el.addEventListener('plugin-owner-changed', () => changed++);
    confirmStub = stubConfirm(false);
    choose($<HTMLSelectElement>(row(), 'select'), 'county-it');
    await el.updateComplete;
    $(row(), 'button[data-action=transfer]').click();
    await el.updateComplete;
    expect(confirmStub.asked[0]).to.contain('将插件标识 hello-budget 从发布者“first-party”移交给发布者“county-it”');
    expect(mock.calls.some((c) => c.method === 'PUT'), 'declined: nothing sent').to.equal(false);
    confirmStub.restore();
    confirmStub = stubConfirm(true);
    await el.transfer(el.owners[0]!);
    expect(mock.calls.filter((c) => c.method === 'PUT').map((c) => c.body)).to.deep.equal([{ publisher: 'county-it' }]);
    await el.updateComplete;
    expect($(root, '[role=status]').textContent).to.equal('已将插件标识 hello-budget 移交给发布者“county-it”');
    expect(changed).to.equal(1);
    choose($<HTMLSelectElement>(row(), 'select'), '');
    await el.updateComplete;
    $(row(), 'button[data-action=transfer]').click();
    await until(() => mock!.calls.filter((c) => c.method === 'PUT').length === 2);
    expect(mock.calls.filter((c) => c.method === 'PUT')[1]!.body).to.deep.equal({ publisher: null });
    expect(confirmStub.asked[1]).to.contain('移交给未签名的插件包');
  });

  it('quarantine: current and released ones; “release” asks, then POSTs, and the list shows it released', async () => {
    let rows = [
      { pluginId: 'bomber', version: '1.0.0', since: '2026-12-03T08:00:00.000Z', kills: 3, reason: 'memory', releasedAt: null as string | null, releasedBy: null as number | null, releasedByName: null as string | null },
      { pluginId: 'old-one', version: '0.1.0', since: '2026-11-01T08:00:00.000Z', kills: 3, reason: 'hung', releasedAt: '2026-11-02T08:00:00.000Z', releasedBy: 1, releasedByName: '系统管理员' },
    ];
    mock = mockFetch({
      'GET /api/plugins/quarantine': () => ({ body: rows }),
      'POST /api/plugins/bomber/release': () => {
        rows = rows.map((r) => (r.pluginId === 'bomber' ? { ...r, releasedAt: '2026-12-03T09:00:00.000Z', releasedBy: 1, releasedByName: '系统管理员' } : r));
        return { body: { pluginId: 'bomber', state: 'released' } };
      },
    });
    const el = await fixture<UbPluginQuarantine>(html`<ub-plugin-quarantine></ub-plugin-quarantine>`);
    await until(() => el.rows.length === 2);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect($(root, 'tr[data-quarantine=bomber]').textContent).to.contain('超出内存上限');
    expect($(root, 'tr[data-quarantine=bomber]').textContent).to.contain('隔离中');
    expect($(root, 'tr[data-quarantine=old-one]').textContent).to.contain('已解除（2026-11-02 16:00）');
    expect($(root, 'tr[data-quarantine=old-one] [data-released-by]').textContent).to.equal('操作人：系统管理员');
    expect(root.querySelector('tr[data-quarantine=bomber] [data-released-by]')).to.equal(null);
    expect(root.querySelectorAll('button[data-action=release]')).to.have.length(1);
    expect(root.querySelector('tr[data-quarantine=old-one] button')).to.equal(null);
    confirmStub = stubConfirm(true);
    $(root, 'tr[data-quarantine=bomber] button[data-action=release]').click();
    await until(() => root.querySelector('[role=status]'));
    expect(confirmStub.asked).to.deep.equal(['解除插件 bomber 的隔离？\n它将在已启用它的单位重新运行；若再次多次导致崩溃，会被重新隔离。']);
    expect(mock.calls.filter((c) => c.method === 'POST').map((c) => c.url)).to.deep.equal(['/api/plugins/bomber/release']);
    await until(() => root.querySelectorAll('button[data-action=release]').length === 0);
    expect($(root, '[role=status]').textContent).to.equal('已解除插件 bomber 的隔离');
  });

  it('system: the installed versions show the id owner and mark versions not from it; a release clears the card’s quarantine', async () => {
    const pkg = (v: string, signedBy: string | null, fromOwner: boolean) => ({
      pluginId: 'hello-budget', version: v, sha256: 'ab'.repeat(32), signedBy, ownedBy: 'first-party', fromOwner, installedAt: '2026-11-28T09:00:00Z', compatible: true, incompatibleReason: null,
      manifest: { name: { zh: 'hello-budget 插件', en: 'x' }, description: '', author: 'x', permissions: [], engine: '^1.0.0' },
    });
    let quarantined = true;
    mock = mockFetch({
      'GET /api/units/bureau/plugins': () => ({ body: [plugin({ quarantined })] }),
      'GET /api/plugins': { body: [pkg('0.1.0', 'first-party', true), pkg('0.3.0', 'other-co', false)] },
      'GET /api/plugins/trust': { body: { allowUnsigned: false, hostApiVersion: '1.0.0', publishers: [{ name: 'first-party' }] } },
      'GET /api/plugins/owners': { body: [] },
      'GET /api/plugins/quarantine': () => ({ body: [{ pluginId: 'hello-budget', version: '0.2.0', since: '2026-12-03T08:00:00.000Z', kills: 3, reason: 'exit', releasedAt: quarantined ? null : '2026-12-03T09:00:00.000Z', releasedBy: quarantined ? null : 1, releasedByName: quarantined ? null : '系统管理员' }] }),
      'POST /api/plugins/hello-budget/release': () => ((quarantined = false), { body: {} }),
      'GET /api/units': { body: [] },
      'GET /api/plugins/hello-budget/quotas': { body: { pluginId: 'hello-budget', defaults: { storageBytes: 64 * MB, storageDocs: 20000, logEntries: 1000, notificationsPerHour: 120 }, plugin: null, effective: { storageBytes: 64 * MB, storageDocs: 20000, logEntries: 1000, notificationsPerHour: 120 }, units: [] } },
    });
    const el = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${sysadmin}></ub-admin-plugins>`);
    await until(() => el.packages.length === 2);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect($(root, 'tr[data-package="hello-budget@0.1.0"] td[data-owner]').textContent!.trim()).to.equal('first-party');
    expect(root.querySelector('tr[data-package="hello-budget@0.1.0"] [data-not-from-owner]')).to.equal(null);
    const badge = $(root, 'tr[data-package="hello-budget@0.3.0"] [data-not-from-owner]');
    expect(badge.textContent).to.equal('非归属发布者');
    expect(badge.title).to.equal('此版本由发布者“other-co”签名，而插件标识现属于发布者“first-party”：各单位启用或升级时不会选用此版本');
    expect(root.querySelector('.table-wrap table'), 'the table scrolls inside its card').to.exist;
    expect(root.querySelector('article [data-quarantined]')).to.exist;
    const q = $<UbPluginQuarantine>(root, 'ub-plugin-quarantine');
    await until(() => q.rows.length === 1);
    confirmStub = stubConfirm(true);
    await q.release('hello-budget');
    await until(() => el.plugins[0]?.quarantined === false);
    await el.updateComplete;
    expect(root.querySelector('article [data-quarantined]')).to.equal(null);
  });

  it('quotas: storage typed in MB is sent as whole bytes, empty inherits (null), only changed fields are sent', async () => {
    const view = (over: Partial<PluginQuotaView> = {}): PluginQuotaView => ({
      pluginId: 'hello-budget', defaults: { storageBytes: 64 * MB, storageDocs: 20000, logEntries: 1000, notificationsPerHour: 120 },
      plugin: { storageBytes: 100_000_000, storageDocs: null, logEntries: null, notificationsPerHour: null },
      effective: { storageBytes: 100_000_000, storageDocs: 20000, logEntries: 1000, notificationsPerHour: 120 },
      units: [{ unitId: 'a', overrides: null, usage: figures }], ...over,
    });
    mock = mockFetch({
      'GET /api/units': { body: [{ id: 'a', name: '机关', path: '/a/' }, { id: 'b', name: '二中', path: '/b/' }] },
      'GET /api/plugins/hello-budget/quotas': { body: view() },
      'PUT /api/plugins/hello-budget/quotas': { body: view() },
    });
    const el = await fixture<UbPluginQuotas>(html`<ub-plugin-quotas .pluginIds=${['hello-budget']}></ub-plugin-quotas>`);
    await until(() => el.view && el.unitNames.size);
    await el.updateComplete;
    const root = el.shadowRoot!;
    const input = (scope: string, kind: string) => $<HTMLInputElement>(root, `tr[data-scope="${scope}"] input[name=${kind}]`);
    expect(input('*', 'storageBytes').value, 'the every-unit override, exactly, in MB').to.equal('95.367431640625');
    expect(input('a', 'storageBytes').value).to.equal('');
    expect(input('a', 'storageBytes').placeholder).to.equal('继承 95.367431640625');
    expect($(root, 'tr[data-scope=a]').textContent).to.contain('已用 1,000 / 1,000');
    type(input('a', 'storageBytes'), '1.5');
    type(input('a', 'notificationsPerHour'), '30');
    await el.save('a');
    const puts = () => mock!.calls.filter((c) => c.method === 'PUT').map((c) => c.body);
    expect(puts()).to.deep.equal([{ unitId: 'a', storageBytes: 1_572_864, notificationsPerHour: 30 }]);
    type(input('*', 'storageBytes'), '');
    type(input('*', 'logEntries'), '5,000');
    await el.save('');
    expect(puts()[1]).to.deep.equal({ storageBytes: null, logEntries: 5000 });
    type(input('*', 'storageDocs'), '-1');
    await el.save('');
    await el.updateComplete;
    expect(puts()).to.have.length(2);
    expect($(root, '[role=alert]').textContent).to.equal('存储文档数应为不小于 0 的数字');
  });

  it('phone (390 px): the page with health, log and every system section open does not overflow; tables scroll in their card', async () => {
    const pkg = { pluginId: 'hello-budget', version: '0.2.0', sha256: 'ab'.repeat(32), signedBy: 'first-party', ownedBy: 'first-party', fromOwner: true, installedAt: '2026-11-28T09:00:00Z', compatible: true, incompatibleReason: null, manifest: { name: { zh: 'hello-budget 插件', en: 'x' }, description: '', author: 'x', permissions: [], engine: '^1.0.0' } };
    const quotas: PluginQuotaView = { pluginId: 'hello-budget', defaults: { storageBytes: 64 * MB, storageDocs: 20000, logEntries: 1000, notificationsPerHour: 120 }, plugin: null, effective: { storageBytes: 64 * MB, storageDocs: 20000, logEntries: 1000, notificationsPerHour: 120 }, units: [{ unitId: 'bureau', overrides: null, usage: figures }] };
    mock = mockFetch({
      'GET /api/units/bureau/plugins': { body: [plugin({ state: 'enabled', version: '0.2.0', grants: ['views', 'log'], requestedPermissions: ['views', 'log'], quarantined: true })] },
      'GET /api/plugins': { body: [pkg, { ...pkg, version: '0.3.0', signedBy: 'other-co', fromOwner: false }] },
      'GET /api/plugins/trust': { body: { allowUnsigned: false, hostApiVersion: '1.0.0', publishers: [{ name: 'first-party' }] } },
      'GET /api/plugins/owners': { body: [{ pluginId: 'hello-budget', publisher: 'first-party', since: '2026-11-28T09:00:00Z', how: 'install', assignedBy: 1 }] },
      'GET /api/plugins/quarantine': { body: [{ pluginId: 'hello-budget', version: '0.2.0', since: '2026-12-03T08:00:00.000Z', kills: 3, reason: 'memory', releasedAt: null, releasedBy: null }] },
      'GET /api/units': { body: [{ id: 'bureau', name: '财政局', path: '/bureau/' }] },
      'GET /api/plugins/hello-budget/quotas': { body: quotas },
      'GET /api/units/bureau/plugins/hello-budget/metrics': { body: { ...metrics, unitId: 'bureau' } },
      'GET /api/units/bureau/plugins/hello-budget/logs': { body: { pluginId: 'hello-budget', unitId: 'bureau', entries: [{ id: 1, level: 'warn', message: 'x'.repeat(300), data: '{"a":1}', at: '2026-12-03T09:00:00.000Z' }], next: 1 } },
    });
    const phone = { ...sysadmin, roles: ['system_admin' as const, 'unit_admin' as const] };
    await setViewport({ width: 390, height: 844 });
    phoneViewport = true;
    const wrap = await fixture<HTMLDivElement>(html`<div style="width:374px"><ub-admin-plugins .ctx=${phone}></ub-admin-plugins></div>`);
    const el = wrap.querySelector('ub-admin-plugins')!;
    await until(() => el.packages.length === 2 && el.plugins.length === 1);
    await el.updateComplete;
    const root = el.shadowRoot!;
    $(root, 'button[data-action=health]').click();
    $(root, 'button[data-action=logs]').click();
    await el.updateComplete;
    await until(() => $<UbPluginLogs>(root, 'ub-plugin-logs').loaded && $<UbPluginHealth>(root, 'ub-plugin-health').metrics);
    await until(() => $<UbPluginQuotas>(root, 'ub-plugin-quotas').view && $<UbPluginQuarantine>(root, 'ub-plugin-quarantine').rows.length);
    await new Promise((r) => requestAnimationFrame(r));
    const wide = (node: Element): string[] => {
      const out: string[] = [];
      const walk = (n: Element) => {
        if (n.getBoundingClientRect().right > wrap.getBoundingClientRect().right + 0.5) {
          // inside a horizontal scroller is fine: the scroller itself must fit
          out.push(`${n.tagName.toLowerCase()}${n.className ? `.${String(n.className).split(' ').join('.')}` : ''}`);
          return;
        }
        if (getComputedStyle(n).overflowX === 'auto') return;
        for (const c of [...n.children, ...(n.shadowRoot ? [...n.shadowRoot.children] : [])]) walk(c);
      };
      walk(node);
      return out;
    };
    expect(wide(el)).to.deep.equal([]);
    expect(el.scrollWidth).to.be.at.most(390);
    expect(document.documentElement.scrollWidth, 'nothing (not even a hidden label in a scrolled table) widens the page').to.be.at.most(390);
    for (const scroller of root.querySelectorAll('.table-wrap')) expect(scroller.scrollWidth).to.be.greaterThan(scroller.clientWidth);
  });

  it('MB ↔ bytes: exact, on the digits', () => {
    expect(mbTextToBytes('1.5')).to.equal(1_572_864);
    expect(mbTextToBytes('64')).to.equal(64 * MB);
    expect(mbTextToBytes('2,048')).to.equal(2048 * MB);
    expect(mbTextToBytes('0.1')).to.equal(104_858); // 104,857.6 rounds half up
    expect(mbTextToBytes('.5')).to.equal(MB / 2);
    expect(mbTextToBytes('95.367431640625')).to.equal(100_000_000);
    expect([mbTextToBytes(''), mbTextToBytes('-1'), mbTextToBytes('1e3'), mbTextToBytes('1.2.3'), mbTextToBytes('.')]).to.deep.equal([null, null, null, null, null]);
    expect([bytesToMbText(64 * MB), bytesToMbText(MB / 2), bytesToMbText(100_000_000), bytesToMbText(0)]).to.deep.equal(['64', '0.5', '95.367431640625', '0']);
  });

  it('every new message reads in English too', async () => {
    setLang('en');
    mock = mockFetch({ 'GET /api/units/a/plugins/hello-budget/metrics': { body: metrics } });
    const el = await fixture<UbPluginHealth>(html`<ub-plugin-health .unitId=${'a'} .pluginId=${'hello-budget'}></ub-plugin-health>`);
    await until(() => el.metrics);
    await el.updateComplete;
    const bars = $<UbQuotaBars>(el.shadowRoot!, 'ub-quota-bars');
    await bars.updateComplete;
    expect(el.shadowRoot!.querySelector('section.quotas h3')!.textContent).to.equal('Quotas');
    expect($(bars.shadowRoot!, 'li[data-quota=logEntries] [data-badge]').textContent).to.equal('Used up');
  });
});
