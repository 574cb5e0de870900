import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/admin-plugins.js';
import '../src/pages/admin-flows.js';
import '../src/pages/admin-rules.js';
import '../src/pages/admin-members.js';
import '../src/pages/admin-templates.js';
import type { UbAdminPlugins } from '../src/pages/admin-plugins.js';
import type { UbAdminFlows } from '../src/pages/admin-flows.js';
import type { UbAdminRules } from '../src/pages/admin-rules.js';
import type { UbAdminMembers } from '../src/pages/admin-members.js';
import type { UbAdminTemplates } from '../src/pages/admin-templates.js';
import type { UbPermissionGrantDialog } from '../src/components/permission-grant-dialog.js';
import type { UbSettingsForm } from '../src/components/settings-form.js';
import type { UbPluginHealth } from '../src/components/plugin-health.js';
import type { UnitPlugin } from '../src/lib/types.js';

const admin = ctx({ roles: ['unit_admin'], departmentId: null, me: { id: 2, username: 'a.admin', displayName: '赵磊', disabled: false, memberships: [{ unitId: 'a', unitName: '机关', role: 'unit_admin', departmentId: null }], systemAdmin: false } });
const sysadmin = ctx({ unitId: 'bureau', roles: ['system_admin'], departmentId: null, me: { id: 1, username: 'sysadmin', displayName: '系统管理员', disabled: false, memberships: [{ unitId: 'bureau', unitName: '财政局', role: 'system_admin', departmentId: null }], systemAdmin: true } });

const hello = (over: Partial<UnitPlugin> = {}): UnitPlugin => ({
  pluginId: 'hello-budget', name: { zh: 'hello-budget 插件', en: 'hello-budget plugin' }, description: '统计已支付笔数', author: 'your unit',
  versions: [
    { version: '0.2.0', compatible: false, incompatibleReason: 'needs host API ^2.0.0; this system provides 1.0.0', signedBy: null, permissions: ['ledger.read', 'storage', 'routes', 'views'] },
    { version: '0.1.0', compatible: true, incompatibleReason: null, signedBy: null, permissions: ['ledger.read', 'storage', 'routes', 'views'] },
  ],
  latestVersion: '0.1.0', compatible: true, inUseCompatible: null, inUseIncompatibleReason: null, state: 'available', quarantined: false, version: null,
  requestedPermissions: ['ledger.read', 'storage', 'routes', 'views'], grants: [], settings: {}, failMode: 'open', faults: 0, lastFault: null,
  settingsSchema: [{ key: 'warnAboveFen', label: { zh: '提醒金额（分）', en: 'Warn above (fen)' }, type: 'number', required: false, default: 1000000, min: 0 }],
  views: [{ id: 'overview', title: { zh: '概览', en: 'Overview' }, placement: 'dashboard' }], routes: [], dependencies: {}, ...over,
});

const click = (root: ShadowRoot, sel: string) => (root.querySelector(sel) as HTMLElement).click();

describe('admin console pages', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('plugins: enables with a subset of grants chosen one by one, then settings; health; disable', async () => {
    let state = hello();
    mock = mockFetch({
      'GET /api/units/a/plugins': () => ({ body: [state] }),
      'POST /api/units/a/plugins/hello-budget/enable': (c) => {
        const b = c.body as { grants: string[]; settings: Record<string, unknown> };
        state = hello({ state: 'enabled', version: '0.1.0', grants: b.grants, settings: b.settings as UnitPlugin['settings'] });
        return { body: { state: 'enabled' } };
      },
      'POST /api/units/a/plugins/hello-budget/disable': () => ((state = hello({ state: 'disabled', version: '0.1.0' })), { body: {} }),
      'GET /api/units/a/plugins/hello-budget/metrics': { body: { pluginId: 'hello-budget', unitId: 'a', state: 'enabled', consecutiveFaults: 0, lastFault: null, calls: 17, errors: 2, faultsByCode: { PLUGIN_TIMEOUT: 2 }, latencyMs: { p50: 1.5, p95: 12, p99: 40 }, memoryBytes: 3 * 1024 * 1024 } },
    });
    const el = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${admin}></ub-admin-plugins>`);
    await until(() => el.plugins.length === 1);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('[data-state]')!.textContent).to.equal('未启用');
    expect(root.querySelector('.incompatible')!.textContent).to.contain('needs host API ^2.0.0');
    expect(root.querySelector('section.system')).to.equal(null); // upload is the system admin's
    let navChanged = 0;
    el.addEventListener('plugins-changed', () => navChanged++);
    click(root, 'button[data-action=enable]');
    await el.updateComplete;
    const dialog = root.querySelector('ub-permission-grant-dialog') as UbPermissionGrantDialog;
    await dialog.updateComplete;
    for (const allow of [true, false, true, true]) {
      dialog.answer(allow);
      await dialog.updateComplete;
    }
    dialog.confirm();
    await el.updateComplete;
    // the settings step comes before anything is enabled
    expect(mock.calls.some((c) => c.url.endsWith('/enable'))).to.equal(false);
    const form = root.querySelector('ub-settings-form') as UbSettingsForm;
    await form.updateComplete;
    const amount = form.shadowRoot!.querySelector('[name=warnAboveFen]') as HTMLInputElement;
    amount.value = '500000';
    amount.dispatchEvent(new Event('input'));
    click(root, 'button[data-action=save-settings]');
    await until(() => el.plugins[0]?.state === 'enabled' && root.querySelector('[role=status]'));
    await el.updateComplete;
    expect(mock.calls.find((c) => c.url.endsWith('/enable'))!.body).to.deep.equal({ grants: ['ledger.read', 'routes', 'views'], settings: { warnAboveFen: 500000 }, version: '0.1.0' });
    expect(root.querySelector('[role=status]')!.textContent).to.equal('已为本单位启用 hello-budget 插件（授予 3 项权限）');
    expect([...root.querySelectorAll('.perms .badge.ok')].map((b) => b.getAttribute('data-permission'))).to.deep.equal(['ledger.read', 'routes', 'views']);
    expect(navChanged).to.equal(1);
    click(root, 'button[data-action=health]');
    await el.updateComplete;
    const health = root.querySelector('ub-plugin-health') as UbPluginHealth;
    await until(() => health.metrics);
    await health.updateComplete;
    const metric = (k: string) => health.shadowRoot!.querySelector(`[data-metric=${k}]`)!.textContent!.trim();
    expect([metric('calls'), metric('errors'), metric('latency'), metric('memory'), metric('breaker')]).to.deep.equal(['17', '2', '1.50 / 12 / 40', '3.0 MB', '正常']);
    expect(health.shadowRoot!.textContent).to.contain('PLUGIN_TIMEOUT × 2');
    click(root, 'button[data-action=disable]');
    await until(() => el.plugins[0]?.state === 'disabled');
    expect(navChanged).to.equal(2);
  });

  it('plugins: an upgrade asks for the permissions of the new version and enables that version', async () => {
    const current = hello({
      state: 'enabled', version: '0.1.0', latestVersion: '0.1.1', grants: ['views'], settings: { warnAboveFen: 1000 }, settingsSchema: [],
      versions: [
        { version: '0.1.1', compatible: true, incompatibleReason: null, signedBy: null, permissions: ['ledger.read', 'views', 'notify'] },
        { version: '0.1.0', compatible: true, incompatibleReason: null, signedBy: null, permissions: ['ledger.read', 'storage', 'routes', 'views'] },
      ],
    });
    mock = mockFetch({
      'GET /api/units/a/plugins': { body: [current] },
      'POST /api/units/a/plugins/hello-budget/enable': { body: {} },
    });
    const el = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${admin}></ub-admin-plugins>`);
    await until(() => el.plugins.length === 1);
    await el.updateComplete;
    const upgrade = el.shadowRoot!.querySelector('button[data-action=upgrade]') as HTMLButtonElement;
    expect(upgrade.textContent).to.equal('升级到 0.1.1…');
    upgrade.click();
    await el.updateComplete;
    const dialog = el.shadowRoot!.querySelector('ub-permission-grant-dialog') as UbPermissionGrantDialog;
    expect(dialog.request.permissions).to.deep.equal(['ledger.read', 'views', 'notify']);
    dialog.answer(false);
    dialog.answer(true);
    dialog.answer(true);
    dialog.confirm();
    await until(() => mock!.calls.some((c) => c.method === 'POST'));
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ grants: ['views', 'notify'], settings: { warnAboveFen: 1000 }, version: '0.1.1' });
  });

  it('plugins: an enabled version a core upgrade left behind is marked incompatible though a newer one fits', async () => {
    const reason = 'needs host API ^0.9.0; this system provides 1.0.0';
    mock = mockFetch({
      'GET /api/units/a/plugins': { body: [hello({ state: 'enabled', version: '0.1.0', grants: ['views'], inUseCompatible: false, inUseIncompatibleReason: reason })] },
    });
    const el = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${admin}></ub-admin-plugins>`);
    await until(() => el.plugins.length === 1);
    await el.updateComplete;
    const badge = el.shadowRoot!.querySelector('[data-incompatible]') as HTMLElement;
    expect(badge.textContent).to.equal('不兼容');
    expect(badge.title).to.equal(reason);
    mock.restore();
    mock = mockFetch({ 'GET /api/units/a/plugins': { body: [hello({ state: 'enabled', version: '0.1.0', grants: ['views'], inUseCompatible: true })] } });
    const fine = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${admin}></ub-admin-plugins>`);
    await until(() => fine.plugins.length === 1);
    await fine.updateComplete;
    expect(fine.shadowRoot!.querySelector('[data-incompatible]')).to.equal(null);
  });

  it('plugins: the system admin uploads a bundle and allows unsigned ones', async () => {
    const packages: unknown[] = [];
    let allowUnsigned = false;
    mock = mockFetch({
      'GET /api/units/bureau/plugins': { body: [] },
      'GET /api/plugins': () => ({ body: packages }),
      'GET /api/plugins/trust': () => ({ body: { allowUnsigned, hostApiVersion: '1.0.0', publishers: [] } }),
      'PUT /api/plugins/trust': (c) => ((allowUnsigned = (c.body as { allowUnsigned: boolean }).allowUnsigned), { body: {} }),
      'POST /api/plugins': (c) => {
        packages.push({ pluginId: 'hello-budget', version: '0.1.0', sha256: 'ab'.repeat(32), signedBy: null, installedAt: '2026-11-28T09:00:00Z', compatible: true, incompatibleReason: null, manifest: { name: { zh: 'hello-budget 插件', en: 'x' }, description: '', author: 'x', permissions: [], engine: '^1.0.0' } });
        expect((c.body as { sha256: string }).sha256).to.equal('cd'.repeat(32));
        return { status: 201, body: { pluginId: 'hello-budget', version: '0.1.0' } };
      },
    });
    const el = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${sysadmin}></ub-admin-plugins>`);
    await until(() => el.trust);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.textContent).to.contain('尚未安装任何插件');
    const allow = root.querySelector('[name=allowUnsigned]') as HTMLInputElement;
    allow.click();
    await until(() => el.trust?.allowUnsigned === true);
    const file = root.querySelector('input[type=file]') as HTMLInputElement;
    const dt = new DataTransfer();
    dt.items.add(new File([JSON.stringify({ format: 'unibudget-plugin/1', manifest: {}, code: 'x', sha256: 'cd'.repeat(32) })], 'hello.ubplugin.json'));
    file.files = dt.files;
    await el.upload();
    await el.updateComplete;
    expect(root.querySelector('[role=status]')!.textContent).to.equal('已安装 hello-budget 0.1.0');
    expect(root.querySelector('tr[data-package="hello-budget@0.1.0"]')).to.exist;
    dt.items.clear();
    dt.items.add(new File(['not json'], 'bad.json'));
    file.files = dt.files;
    await el.upload();
    await el.updateComplete;
    expect(root.querySelector('[role=alert]')!.textContent).to.equal('文件不是有效的插件包（JSON）');
  });

  it('plugins: the system admin uninstalls every version, purging data only when asked', async () => {
    let packages = ['0.1.0', '0.2.0'].map((version) => ({ pluginId: 'hello-budget', version, sha256: 'ab'.repeat(32), signedBy: 'first-party', installedAt: '2026-11-28T09:00:00Z', compatible: true, incompatibleReason: null, manifest: { name: { zh: 'hello-budget 插件', en: 'x' }, description: '', author: 'x', permissions: [], engine: '^1.0.0' } }));
    mock = mockFetch({
      'GET /api/units/bureau/plugins': { body: [] },
      'GET /api/plugins': () => ({ body: packages }),
      'GET /api/plugins/trust': { body: { allowUnsigned: false, hostApiVersion: '1.0.0', publishers: [{ name: 'first-party' }] } },
      'DELETE /api/plugins/hello-budget': () => ((packages = []), { body: {} }),
    });
    const confirm = window.confirm;
    const asked: string[] = [];
    window.confirm = (m?: string) => (asked.push(String(m)), true);
    try {
      const el = await fixture<UbAdminPlugins>(html`<ub-admin-plugins .ctx=${sysadmin}></ub-admin-plugins>`);
      await until(() => el.packages.length === 2);
      await el.updateComplete;
      const root = el.shadowRoot!;
      expect(root.textContent).to.contain('受信任的发布者：first-party');
      // one uninstall button per plugin, not per version
      const buttons = [...root.querySelectorAll('tr[data-package] button')];
      expect(buttons).to.have.length(1);
      el.purge = true;
      await el.uninstall('hello-budget');
      expect(asked).to.deep.equal(['卸载 hello-budget 的全部版本？']);
      expect(mock.calls.find((c) => c.method === 'DELETE')!.url).to.equal('/api/plugins/hello-budget?purge=true');
      await el.updateComplete;
      expect(root.querySelector('[role=status]')!.textContent).to.equal('已卸载 hello-budget');
      expect(root.querySelectorAll('tr[data-package]')).to.have.length(0);
    } finally {
      window.confirm = confirm;
    }
  });

  it('flows: saves the edited flow with PUT and says it governs the next request', async () => {
    const flows = [
      { target: 'payment', name: '支付审批流', version: 0, updatedAt: '', steps: [{ role: 'department_head', label: '科室负责人审核' }, { role: 'finance_officer', label: '财务审核' }] },
      { target: 'transfer', name: '预算调剂审批流', version: 0, updatedAt: '', steps: [{ role: 'finance_officer', label: '财务审核' }] },
      { target: 'adjustment', name: '预算调整审批流', version: 0, updatedAt: '', steps: [{ role: 'leader', label: '单位领导审批' }] },
    ];
    mock = mockFetch({
      'GET /api/units/a/approval-flows': { body: flows },
      'PUT /api/units/a/approval-flows/payment': (c) => ({ body: { ...(c.body as object), target: 'payment', version: 1, updatedAt: '2026-11-28T09:30:00Z' } }),
    });
    const el = await fixture<UbAdminFlows>(html`<ub-admin-flows .ctx=${admin}></ub-admin-flows>`);
    await until(() => el.editor);
    await el.editor!.updateComplete;
    el.editor!.addStep();
    await el.editor!.updateComplete;
    const added = [...el.editor!.shadowRoot!.querySelectorAll('li.step')][2]!;
    const label = added.querySelector('[name=label]') as HTMLInputElement;
    label.value = '单位领导审批';
    label.dispatchEvent(new Event('input'));
    await el.save();
    await el.updateComplete;
    expect(mock.calls.find((c) => c.method === 'PUT')!.body).to.deep.equal({ name: '支付审批流', steps: [...flows[0]!.steps, { role: 'leader', label: '单位领导审批' }] });
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('下一笔申请起按新流程审批');
    expect(el.shadowRoot!.textContent).to.contain('版本 1');
  });

  it('rules: switching a rule to warn PUTs the mode; hard rules have no choice', async () => {
    mock = mockFetch({
      'GET /api/units/a/control-rules': { body: [{ code: 'INSUFFICIENT_BALANCE', label: '可用余额不足', hard: true, mode: 'block' }, { code: 'THREE_PUBLIC_CAP_EXCEEDED', label: '超过三公经费控制数', hard: false, mode: 'block' }] },
      'PUT /api/units/a/control-rules/THREE_PUBLIC_CAP_EXCEEDED': { body: {} },
    });
    const el = await fixture<UbAdminRules>(html`<ub-admin-rules .ctx=${admin}></ub-admin-rules>`);
    await until(() => el.rules.length === 2);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('tr[data-rule=INSUFFICIENT_BALANCE] input')).to.equal(null);
    (root.querySelector('tr[data-rule=THREE_PUBLIC_CAP_EXCEEDED] input[value=warn]') as HTMLInputElement).click();
    await until(() => root.querySelector('[role=status]'));
    expect(mock.calls.find((c) => c.method === 'PUT')!.body).to.deep.equal({ mode: 'warn' });
    expect(el.rules[1]!.mode).to.equal('warn');
    expect(root.querySelector('[role=status]')!.textContent).to.equal('“超过三公经费控制数”已改为提醒，下一次校验起生效');
    // a refused change puts the saved mode back on screen
    mock.restore();
    mock = mockFetch({ 'PUT /api/units/a/control-rules/THREE_PUBLIC_CAP_EXCEEDED': { status: 403, body: { error: { code: 'FORBIDDEN', message: '没有权限', details: {} } } } });
    await el.setMode(el.rules[1]!, 'ignore');
    await el.updateComplete;
    expect(el.rules[1]!.mode).to.equal('warn');
    expect((root.querySelector('tr[data-rule=THREE_PUBLIC_CAP_EXCEEDED] input[value=warn]') as HTMLInputElement).checked).to.equal(true);
    expect(root.querySelector('[role=alert]')!.textContent).to.equal('没有权限');
  });

  it('members: changes a person’s roles and department, adds a person', async () => {
    const members = [{ userId: 5, username: 'a.staff', displayName: '孙浩', disabled: false, roles: ['business_staff'], departmentId: 3 }];
    mock = mockFetch({
      'GET /api/units/a/members': () => ({ body: members }),
      'GET /api/units/a/departments': { body: admin.departments },
      'PATCH /api/units/a/members/5': { body: members[0] },
      'POST /api/units/a/members': (c) => ({ status: 201, body: { ...(c.body as object), userId: 9, displayName: '新人', disabled: false } }),
    });
    const el = await fixture<UbAdminMembers>(html`<ub-admin-members .ctx=${admin}></ub-admin-members>`);
    await until(() => el.members.length === 1);
    await el.updateComplete;
    const root = el.shadowRoot!;
    [...root.querySelectorAll('tr[data-user="a.staff"] button')].find((b) => b.textContent === '编辑')!.dispatchEvent(new MouseEvent('click'));
    await el.updateComplete;
    (root.querySelector('tr[data-user="a.staff"] input[value=department_head]') as HTMLInputElement).click();
    const dept = root.querySelector('tr[data-user="a.staff"] select') as HTMLSelectElement;
    dept.value = '1';
    dept.dispatchEvent(new Event('change'));
    await el.saveEdit(el.members[0]!);
    expect(mock.calls.find((c) => c.method === 'PATCH')!.body).to.deep.equal({ roles: ['business_staff', 'department_head'], departmentId: 1 });
    el.newMember = { username: 'a.new', displayName: '新人', password: 'unibudget-demo-2', roles: ['auditor'], departmentId: null };
    await el.addMember(new Event('submit'));
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ username: 'a.new', displayName: '新人', password: 'unibudget-demo-2', roles: ['auditor'], departmentId: null });
    await el.updateComplete;
    expect(root.querySelector('[role=status]')!.textContent).to.equal('已添加成员 新人');
  });

  it('templates: edits a per-head standard in yuan and saves it in fen', async () => {
    mock = mockFetch({
      'GET /api/units/a/budget-templates/personnel': { body: { unitId: 'a', kind: 'personnel', name: '人员经费', functionalCode: '2050101', fundSourceCode: '11', standards: [{ economicCode: '30101', name: '基本工资', perHeadAmount: 6000000 }], version: 0, isDefault: true, updatedAt: null } },
      'PUT /api/units/a/budget-templates/personnel': (c) => ({ body: { ...(c.body as object), unitId: 'a', kind: 'personnel', version: 1, isDefault: false, updatedAt: '2026-11-28T09:00:00Z' } }),
    });
    const el = await fixture<UbAdminTemplates>(html`<ub-admin-templates .ctx=${admin}></ub-admin-templates>`);
    await until(() => el.draft);
    await el.updateComplete;
    const per = el.shadowRoot!.querySelector('[name=perHead]') as HTMLInputElement;
    expect(per.value).to.equal('60000.00');
    per.value = '65,000.50';
    per.dispatchEvent(new Event('input'));
    await el.save();
    expect(mock.calls.find((c) => c.method === 'PUT')!.body).to.deep.equal({ name: '人员经费', functionalCode: '2050101', fundSourceCode: '11', standards: [{ economicCode: '30101', name: '基本工资', perHeadAmount: 6500050 }] });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('下次编制预算时按新模板计算');
  });
});
