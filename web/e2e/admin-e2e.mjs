// End-to-end run of the admin console and the plugin views in Chromium (playwright-core,
// web/scripts/browser.mjs) against a real core with the demo data, on its own port and a fresh SQLite file
// (unless BASE points at a running core).
//   node web/build.mjs && node web/e2e/admin-e2e.mjs          (SHOTS=docs/screenshots saves the screens)
//
// Story: the system admin uploads the hello-budget bundle (built with the SDK CLI into a temp dir)
// → a.admin enables it for unit a, allowing only some of its permissions one by one and filling its
// settings → its page appears in a's navigation and renders, and not in b's → its health shows the
// calls → disabling it removes the page → a.admin adds an approver to the payment flow and the next
// payment waits for that approver → a rule switched from block to warn only warns on the next check →
// a per-head standard edited in the templates prices the next budget request → the flexible-quota
// threshold is raised in the ledger settings (every other setting kept) → an API token is created on
// its page, works once as a Bearer token, and no longer works once revoked.
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiAs, launchBrowser, loginPage, openDate, startCore, step } from './lib.mjs';

const SHOTS = process.env.SHOTS;
let BASE = process.env.BASE;
let server;
let tmp;

/** The hello-budget bundle, packed by the SDK CLI; a higher patch version when one is installed already. */
function packHelloBudget(installed) {
  const out = path.join(tmp, 'bundle');
  execFileSync(path.join('node_modules', '.bin', 'tsx'), ['sdk/cli.ts', 'pack', 'plugins/hello-budget', '--out', out, '--unsigned'], { stdio: 'pipe' });
  const file = path.join(out, fs.readdirSync(out).find((f) => f.endsWith('.ubplugin.json')));
  const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
  const versions = installed.filter((p) => p.pluginId === 'hello-budget').map((p) => p.version);
  if (versions.length) {
    // Unsigned bundle: the manifest is not covered by a signature, and the code hash is unchanged.
    const [major, minor] = bundle.manifest.version.split('.').map(Number);
    const patch = Math.max(...versions.filter((v) => v.startsWith(`${major}.${minor}.`)).map((v) => Number(v.split('.')[2])), -1) + 1;
    bundle.manifest.version = `${major}.${minor}.${patch}`;
    fs.writeFileSync(file, JSON.stringify(bundle));
  }
  return { file, version: bundle.manifest.version, permissions: bundle.manifest.permissions };
}

async function main() {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ub-admin-e2e-'));
  if (!BASE) ({ server, base: BASE } = await startCore({ dir: tmp, dbFile: 'admin-e2e.db', portBase: 19000 }));
  const browser = await launchBrowser();
  const errors = [];
  const pageAs = (username) => loginPage(browser, BASE, username, errors, { height: 800 });
  const shot = async (page, name, fullPage = false) => {
    if (!SHOTS) return;
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
  };
  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
  const nav = (page) => page.locator('ub-app nav');

  try {
    const sys = await apiAs(BASE, 'sysadmin');
    const aAdmin = await apiAs(BASE, 'a.admin');
    const bAdmin = await apiAs(BASE, 'b.admin');
    // Another run or the demo may have enabled it already: start from "not enabled" in a and b.
    for (const [api, unit] of [[aAdmin, 'a'], [bAdmin, 'b']]) {
      const p = (await api('GET', `/api/units/${unit}/plugins`)).find((x) => x.pluginId === 'hello-budget');
      if (p && (p.state === 'enabled' || p.state === 'tripped')) await api('POST', `/api/units/${unit}/plugins/hello-budget/disable`, {});
    }
    // A rerun against the same core: drop the approver an earlier run added, the contract rule blocks.
    const NEW_STEP = '分管领导审签';
    const paymentFlow = (await aAdmin('GET', '/api/units/a/approval-flows')).find((f) => f.target === 'payment');
    if (paymentFlow.steps.some((s) => s.label === NEW_STEP)) {
      await aAdmin('PUT', '/api/units/a/approval-flows/payment', { name: paymentFlow.name, steps: paymentFlow.steps.filter((s) => s.label !== NEW_STEP) });
    }
    await aAdmin('PUT', '/api/units/a/control-rules/CONTRACT_REQUIRED', { mode: 'block' });
    const bundle = packHelloBudget(await sys('GET', '/api/plugins'));
    // hello-budget belongs to the demo's signed first-party publisher: an unsigned build may take its
    // id only after the system administrator moves the id to unsigned bundles (an audited act).
    await sys('PUT', '/api/plugins/hello-budget/owner', { publisher: null });

    // ---- system admin: allow unsigned bundles, upload the bundle in the console
    step(`system admin uploads hello-budget ${bundle.version} in the console`);
    const sa = await pageAs('sysadmin');
    await nav(sa).getByRole('link', { name: '插件管理' }).click();
    const console_ = sa.locator('ub-admin-plugins');
    const allow = console_.locator('input[name=allowUnsigned]');
    await allow.waitFor();
    if (!(await allow.isChecked())) {
      await allow.check();
      await console_.getByRole('status').getByText('已保存').waitFor();
    }
    await console_.locator('input[type=file]').setInputFiles(bundle.file);
    await console_.getByRole('button', { name: '上传并安装' }).click();
    await console_.getByRole('status').getByText(`已安装 hello-budget ${bundle.version}`).waitFor();
    await console_.locator(`tr[data-package="hello-budget@${bundle.version}"]`).waitFor();
    await shot(sa, 'admin-plugins-system', true);

    // ---- unit a's admin: permissions one at a time, then the settings form
    const allowed = ['ledger.read', 'storage', 'routes', 'views'];
    step(`a.admin enables it for unit a, allowing only ${allowed.join(', ')}`);
    const admin = await pageAs('a.admin');
    assert.equal(await nav(admin).locator('a[data-plugin=hello-budget]').count(), 0);
    await nav(admin).getByRole('link', { name: '插件管理' }).click();
    const card = admin.locator('ub-admin-plugins article[data-plugin=hello-budget]');
    await card.locator('button[data-action=enable]').click();
    const dialog = admin.locator('ub-permission-grant-dialog [role=dialog]');
    await dialog.waitFor();
    for (let i = 0; i < bundle.permissions.length; i++) {
      await dialog.locator('.progress', { hasText: `第 ${i + 1} 项，共 ${bundle.permissions.length} 项` }).waitFor();
      const permission = await dialog.locator('.perm code').textContent();
      assert.equal(permission, bundle.permissions[i], 'asked in the manifest order, one at a time');
      if (i === 0) await shot(admin, 'admin-permission-grant');
      await dialog.getByRole('button', { name: allowed.includes(permission) ? '允许' : '拒绝', exact: true }).click();
    }
    await dialog.getByRole('button', { name: '确认并启用' }).click();
    const settings = card.locator('ub-settings-form');
    // The form takes 元 (the setting is shown as yuan) and stores fen: 5,000.00 元 = 500000 fen.
    await settings.locator('input[name=warnAboveFen]').fill('5000');
    await card.locator('button[data-action=save-settings]').click();
    await admin.locator('ub-admin-plugins').getByRole('status').getByText(`已为本单位启用 hello-budget 插件（授予 ${allowed.length} 项权限）`).waitFor();
    const enabled = (await aAdmin('GET', '/api/units/a/plugins')).find((p) => p.pluginId === 'hello-budget');
    assert.equal(enabled.state, 'enabled');
    assert.equal(enabled.version, bundle.version);
    assert.deepEqual([...enabled.grants].sort(), [...allowed].sort());
    assert.deepEqual(enabled.settings, { warnAboveFen: 500000 });

    // ---- its page shows in a's navigation and renders; not in b's
    step("its page appears in a's navigation and renders its view");
    const link = nav(admin).locator('a[data-plugin=hello-budget]');
    await link.waitFor();
    assert.equal(await link.textContent(), '概览');
    await link.click();
    const view = admin.locator('ub-plugin-page ub-plugin-view');
    await view.locator('[data-kind=stat]').first().waitFor();
    const stats = await view.locator('[data-kind=stat] .label').allTextContents();
    assert.deepEqual(stats, ['指标数', '可用余额']);
    const count = Number(await view.locator('[data-kind=stat] .value').first().textContent());
    const aIndicators = await (await apiAs(BASE, 'a.finance'))('GET', '/api/units/a/indicators');
    assert.equal(count, aIndicators.length, 'the view counts unit a’s indicators');
    await shot(admin, 'plugin-hello-budget');
    await admin.reload();
    await view.locator('[data-kind=stat]').first().waitFor();
    assert.equal(new URL(admin.url()).pathname, '/plugins/hello-budget/overview', 'a deep link stays on the plugin page');

    step("unit b's admin does not see it");
    const b = await pageAs('b.admin');
    await nav(b).getByRole('link', { name: '插件管理' }).click();
    await b.locator('ub-admin-plugins article[data-plugin=hello-budget] [data-state=available]').waitFor();
    assert.equal(await nav(b).locator('a[data-plugin=hello-budget]').count(), 0);
    await assert.rejects(bAdmin('GET', '/api/units/b/plugins/hello-budget/views/overview'), (e) => e.status >= 400 && e.status < 500);
    // a deep link to a's plugin page lands b's admin on their first page instead
    await b.goto(`${BASE}/plugins/hello-budget/overview`);
    await b.waitForURL((u) => u.pathname === '/admin-members');
    assert.equal(await b.locator('ub-plugin-view').count(), 0);

    // ---- health: the view calls show up
    step('its health shows the calls');
    await nav(admin).getByRole('link', { name: '插件管理' }).click();
    await card.locator('button[data-action=health]').click();
    const health = card.locator('ub-plugin-health');
    await health.locator('[data-metric=calls]').waitFor();
    const calls = Number(await health.locator('[data-metric=calls]').textContent());
    assert.ok(calls >= 2, `two renders of the view were counted (got ${calls})`);
    assert.equal(await health.locator('[data-metric=breaker]').textContent(), '正常');
    const metrics = await aAdmin('GET', '/api/units/a/plugins/hello-budget/metrics');
    assert.ok(metrics.calls >= calls && metrics.latencyMs.p50 > 0);
    await shot(admin, 'admin-plugins', true);

    // ---- disable: the page leaves the navigation at once, and after a reload
    step('disabling it removes its page');
    await card.locator('button[data-action=disable]').click();
    await admin.locator('ub-admin-plugins').getByRole('status').getByText('已停用 hello-budget 插件').waitFor();
    await nav(admin).locator('a[data-plugin=hello-budget]').waitFor({ state: 'detached' });
    await admin.reload();
    await nav(admin).locator('a').first().waitFor();
    await admin.locator('ub-admin-plugins article[data-plugin=hello-budget] [data-state=disabled]').waitFor();
    assert.equal(await nav(admin).locator('a[data-plugin=hello-budget]').count(), 0);

    // ---- approval flow: add an always-required leader step; the next payment waits for it
    step('a.admin adds an approver to the payment flow in the editor');
    await nav(admin).getByRole('link', { name: '审批流程' }).click();
    const editor = admin.locator('ub-flow-editor');
    await editor.locator('li.step').first().waitFor(); // count() does not wait for the flow to load
    const before = await editor.locator('li.step').count();
    await editor.getByRole('button', { name: '添加环节' }).click();
    const added = editor.locator('li.step').nth(before);
    await added.locator('select[name=role]').selectOption('leader');
    await added.locator('input[name=label]').fill(NEW_STEP);
    await admin.locator('ub-admin-flows').getByRole('button', { name: '保存' }).click();
    await admin.locator('ub-admin-flows').getByRole('status').getByText('下一笔申请起按新流程审批').waitFor();
    await editor.locator('input[name=previewAmount]').fill('100');
    await editor.locator('input[name=previewEconomic]').fill('30201');
    await editor.locator('.preview-result', { hasText: NEW_STEP }).waitFor();
    await shot(admin, 'admin-flows', true);
    const flow = (await aAdmin('GET', '/api/units/a/approval-flows')).find((f) => f.target === 'payment');
    assert.deepEqual(flow.steps.at(-1), { role: 'leader', label: NEW_STEP });

    step('the next payment needs the new approver');
    const staff = await apiAs(BASE, 'a.staff');
    const me = await staff('GET', '/api/me');
    const dept = me.memberships.find((m) => m.unitId === 'a').departmentId;
    const THREE_PUBLIC = new Set(['30212', '30217', '30231', '31013']);
    const indicator = (await staff('GET', '/api/units/a/indicators')).find((i) => i.departmentId === dept && !THREE_PUBLIC.has(i.economicCode) && !i.isFlexibleReserve && i.available >= 100_00 && i.expenditureKind === 'operating');
    assert.ok(indicator, 'an operating indicator of the staff member’s department with room');
    const payment = await staff('POST', '/api/units/a/payments', {
      indicatorId: indicator.id, payeeName: '示范县文具店', purpose: '端到端测试：审批流变更后的第一笔支付', amount: 100_00, date: await openDate(staff, indicator.year),
    });
    const detail = await staff('GET', `/api/units/a/payments/${payment.id}`);
    assert.deepEqual(detail.steps.map((s) => s.label), flow.steps.filter((s) => !s.when).map((s) => s.label), 'a 100-yuan ordinary payment gets the unconditional steps, the new one last');
    assert.deepEqual(detail.steps.at(-1), { ...detail.steps.at(-1), role: 'leader', label: NEW_STEP, status: 'waiting' });
    // every earlier approver signs; the payment still waits for the new one
    const byRole = { department_head: await apiAs(BASE, 'a.head'), finance_officer: await apiAs(BASE, 'a.finance'), leader: await apiAs(BASE, 'a.leader') };
    for (const s of detail.steps.slice(0, -1)) await byRole[s.role]('POST', `/api/units/a/payments/${payment.id}/approve`, { comment: '同意' });
    const waiting = await staff('GET', `/api/units/a/payments/${payment.id}`);
    assert.equal(waiting.status, 'pending');
    assert.equal(waiting.steps.find((s) => s.status === 'pending').label, NEW_STEP);
    await byRole.leader('POST', `/api/units/a/payments/${payment.id}/approve`, { comment: '同意' });
    assert.equal((await staff('GET', `/api/units/a/payments/${payment.id}`)).status, 'approved');

    // ---- control rules: block → warn in the console changes the next check
    step('a.admin switches the contract rule from block to warn; the next check only warns');
    const checkBody = { indicatorId: indicator.id, amount: 100_00, procurement: true };
    const severity = async () => (await staff('POST', '/api/units/a/payments/check', checkBody)).findings.find((f) => f.rule === 'CONTRACT_REQUIRED')?.severity;
    assert.equal(await severity(), 'block');
    await nav(admin).getByRole('link', { name: '控制规则' }).click();
    await admin.locator('ub-admin-rules tr[data-rule=CONTRACT_REQUIRED] input[value=warn]').check();
    await admin.locator('ub-admin-rules').getByRole('status').getByText('已改为提醒').waitFor();
    assert.equal(await severity(), 'warn');

    // ---- request templates: a per-head standard edited in the console prices the next request
    step('a.admin raises a personnel standard; the next budget request uses it');
    await nav(admin).getByRole('link', { name: '申报模板' }).click();
    const templates = admin.locator('ub-admin-templates');
    const perHead = templates.locator('input[name=perHead]').first();
    await perHead.waitFor();
    const code = await templates.locator('input[name=economicCode]').first().inputValue();
    await perHead.fill('88,888.88');
    await templates.getByRole('button', { name: '保存' }).click();
    await templates.getByRole('status').getByText('下次编制预算时按新模板计算').waitFor();
    const request = await staff('POST', '/api/units/a/budget-requests', { year: indicator.year + 1, departmentId: dept, title: '端到端测试：新模板测算', lines: [{ kind: 'personnel', headcount: 3 }] });
    const line = (await staff('GET', `/api/units/a/budget-requests/${request.id}`)).lines.find((l) => l.economicCode === code);
    assert.equal(line.standardAmount, 8_888_888);
    assert.equal(line.amount, 3 * 8_888_888);

    // ---- ledger settings: the flexible-quota threshold (rule.manage: the unit admin's), in 元
    step('a.admin raises the flexible-quota threshold in the ledger settings');
    const settingsBefore = await aAdmin('GET', '/api/units/a/ledger-settings');
    await nav(admin).getByRole('link', { name: '账务设置' }).click();
    const ledger = admin.locator('ub-ledger-settings');
    const threshold = ledger.getByLabel('机动额度审批限额（元）');
    await threshold.waitFor();
    await threshold.fill('1.234');
    await ledger.getByText('金额最多两位小数').first().waitFor();
    await threshold.fill('36,000.5');
    await ledger.getByRole('button', { name: '保存', exact: true }).click();
    await ledger.getByRole('status').getByText('机动额度审批限额 36,000.50 元').waitFor();
    const settingsAfter = await aAdmin('GET', '/api/units/a/ledger-settings');
    assert.equal(settingsAfter.flexibleThreshold, 3_600_050);
    assert.deepEqual({ ...settingsAfter, flexibleThreshold: settingsBefore.flexibleThreshold }, settingsBefore, 'every other setting kept');

    // ---- API tokens: created on the screen, its secret shown once, works as a Bearer token, revoked
    step('a.admin creates an API token, uses it once, and revokes it');
    await nav(admin).getByRole('link', { name: 'API 令牌' }).click();
    const tokens = admin.locator('ub-api-tokens');
    await tokens.locator('input[name=name]').fill('端到端测试令牌');
    await tokens.locator('select[name=expiry]').selectOption('30');
    await tokens.getByRole('button', { name: '创建', exact: true }).click();
    const secret = (await tokens.locator('[data-secret] code').textContent()).trim();
    const asToken = (p) => fetch(`${BASE}${p}`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal((await asToken('/api/me')).status, 200, 'the new token works');
    await tokens.getByRole('button', { name: '我已保存，关闭' }).click();
    await tokens.locator('[data-secret]').waitFor({ state: 'detached' });
    await tokens.getByRole('button', { name: '吊销令牌 端到端测试令牌' }).first().click();
    await tokens.locator('button[data-action=confirm-revoke]').click();
    await tokens.getByRole('status').getByText('令牌「端到端测试令牌」已吊销').waitFor();
    assert.equal((await asToken('/api/me')).status, 401, 'the revoked token no longer works');

    // ---- the rest of the console, for the screenshots
    if (SHOTS) {
      for (const [name, label] of [['admin-members', '用户与角色'], ['admin-templates', '申报模板'], ['admin-rules', '控制规则']]) {
        await nav(admin).getByRole('link', { name: label }).click();
        await admin.locator(`ub-${name}`).locator('table, [role=tabpanel]').first().waitFor();
        await shot(admin, name, true);
      }
      // first-party plugins installed by the demo (plugins/analytics, …): each one's main page
      for (const p of await aAdmin('GET', '/api/units/a/plugins')) {
        if (p.pluginId === 'hello-budget' || !p.compatible || !p.views.length) continue;
        if (p.state !== 'enabled') await aAdmin('POST', `/api/units/a/plugins/${p.pluginId}/enable`, { grants: p.requestedPermissions, settings: p.settings });
        const v = p.views.find((x) => x.placement !== 'payment-detail') ?? p.views[0];
        await admin.goto(`${BASE}/plugins/${p.pluginId}/${v.id}`);
        await admin.locator('ub-plugin-view [data-kind], ub-plugin-view [data-state=error], ub-plugin-view [data-state=empty]').first().waitFor({ timeout: 30_000 });
        await admin.waitForTimeout(1500); // charts animate in
        await shot(admin, `plugin-${p.pluginId}`, true);
        step(`screenshot of ${p.pluginId}/${v.id}`);
      }
    }

    assert.deepEqual(errors, [], 'no page errors');
    console.log('admin e2e: all steps passed');
  } finally {
    await browser.close();
    if (server) server.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  if (server) server.kill();
  process.exit(1);
});
