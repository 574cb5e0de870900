// End-to-end run of the web app in Chromium (playwright-core, web/scripts/browser.mjs) against a real core
// with the demo data. Starts its own core on a fresh SQLite file unless BASE points at one.
//   node web/build.mjs && node web/e2e/e2e.mjs          (SHOTS=dir saves a screenshot per step)
//
// Story: the unit lets 三公经费 caps warn instead of block → business staff fills a payment against
// 公务用车运行维护费 and sees the live 三公 warning while typing → submits → department head and
// finance approve (finance in the inbox UI) → the leader sees it on the cockpit (warnings and inbox)
// and approves it there → finance pays it on the payments page and the staff user's bell shows the
// core's own "paid" notice live (written with the payment, announced on core:notifications after
// commit) and marks it read on the server when opened → finance returns a budget request
// with control numbers, the staff resubmits, the leader approves it and its indicators are issued →
// finance opens the reports page and downloads the execution report as xlsx → finance enters a two-year
// project in the project library (the plan checked while typing) and approves it → finance opens the
// year-end preview → an auditor traces the
// payment back to the original budget with the chain verified → a finance officer of unit b never
// sees unit a.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiAs, launchBrowser, loginPage, startCore, step } from './lib.mjs';

const SHOTS = process.env.SHOTS;
let BASE = process.env.BASE;
let server;
let tmp;

async function main() {
  if (!BASE) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ub-e2e-'));
    ({ server, base: BASE } = await startCore({ dir: tmp, dbFile: 'e2e.db', portBase: 18000 }));
  }
  const browser = await launchBrowser();
  const errors = [];
  const pageAs = (username) => loginPage(browser, BASE, username, errors, { landed: true });
  const shot = async (page, name) => SHOTS && (await page.screenshot({ path: path.join(SHOTS, `${name}.png`) }));
  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });

  try {
    // ---- setup through the API: 三公 caps warn; the vehicle indicator gets room above its cap
    const admin = await apiAs(BASE, 'a.admin');
    await admin('PUT', '/api/units/a/control-rules/THREE_PUBLIC_CAP_EXCEEDED', { mode: 'warn' });
    const finApi = await apiAs(BASE, 'a.finance');
    const leaderApi = await apiAs(BASE, 'a.leader');
    const indicators = await finApi('GET', '/api/units/a/indicators');
    const vehicle = indicators.find((i) => i.economicCode === '30231');
    assert.ok(vehicle, 'demo has a 公务用车运行维护费 indicator');
    const year = vehicle.year;
    const adj = await finApi('POST', '/api/units/a/adjustments', { indicatorId: vehicle.id, amount: 10_000_000, reason: '端到端测试追加', date: `${year}-${String(new Date().getMonth() + 1).padStart(2, '0')}-01` }).catch(async (e) => {
      // the current month may be closed in the demo: fall back to the first open period
      const fys = await finApi('GET', '/api/units/a/fiscal-years');
      const open = fys.find((f) => f.year === year).periods.find((p) => p.status === 'open');
      if (!open) throw e;
      return finApi('POST', '/api/units/a/adjustments', { indicatorId: vehicle.id, amount: 10_000_000, reason: '端到端测试追加', date: `${year}-${String(open.month).padStart(2, '0')}-01` });
    });
    for (;;) {
      const a = await finApi('GET', `/api/units/a/adjustments/${adj.id}`);
      if (a.status !== 'pending') break;
      const who = a.steps.find((s) => s.status === 'pending').role === 'leader' ? leaderApi : finApi;
      await who('POST', `/api/units/a/adjustments/${adj.id}/approve`, {});
    }
    const caps = await finApi('GET', `/api/units/a/three-public-caps?year=${year}`);
    const cap = caps.find((c) => c.economicCode === '30231');
    const capLeft = cap.amount - cap.used; // fen
    const over = Math.floor(capLeft / 100) + 1000; // yuan: above the cap, within the balance

    // ---- business staff: live rule check while typing, then submit
    step('business staff fills a payment and sees the live 三公 warning while typing');
    const staff = await pageAs('a.staff');
    assert.equal(new URL(staff.url()).pathname, '/payment');
    await staff.getByLabel(new RegExp(vehicle.code)).check();
    await staff.getByRole('button', { name: '下一步' }).click();
    const amount = staff.getByLabel('金额（元）');
    await amount.pressSequentially('100', { delay: 60 });
    const findings = staff.locator('ub-rule-findings');
    await findings.getByText('未触发控制规则').waitFor();
    await amount.fill('');
    await amount.pressSequentially(String(over), { delay: 60 });
    await findings.locator('li[data-rule=THREE_PUBLIC_CAP_EXCEEDED]').waitFor();
    await findings.getByText('有预警，可以提交').waitFor();
    await findings.getByText("单位领导审批").waitFor();
    await shot(staff, 'e2e-1-staff-live-warning');
    await staff.getByLabel('收款人').fill('示范县机动车维修中心');
    await staff.getByLabel('用途').fill('端到端测试：公务用车维修保养');
    await staff.getByRole('button', { name: '下一步' }).click();
    await staff.getByRole('button', { name: '提交' }).click();
    const done = await staff.getByRole('status').textContent();
    // Documents carry their number per unit and year (ZF2026-0001), not the database id.
    const docNo = /编号 (ZF\d{4}-\d{4})/.exec(done)[1];
    const paymentId = (await finApi('GET', '/api/units/a/payments?limit=50')).find((p) => p.docNo === docNo).id;
    assert.ok(paymentId > 0);
    await staff.getByRole('link', { name: '我的申请' }).first().click();
    await staff.getByRole('cell', { name: '端到端测试：公务用车维修保养' }).first().waitFor();

    // ---- department head (API), then finance in the inbox UI
    step(`department head and finance approve payment #${paymentId}`);
    const head = await apiAs(BASE, 'a.head');
    await head('POST', `/api/units/a/payments/${paymentId}/approve`, { comment: '同意' });
    const fin = await pageAs('a.finance');
    await fin.getByRole('link', { name: '审批待办' }).click();
    const row = fin.locator('tr', { hasText: `支付申请 ${docNo}` });
    await row.waitFor();
    await row.getByRole('button', { name: '同意' }).click();
    await fin.getByRole('status').getByText('已同意 1 项').waitFor();
    // the inbox shows its message before it reloads: wait for the row to go rather than count at once
    await fin.locator('tr', { hasText: `支付申请 ${docNo}` }).waitFor({ state: 'detached' });

    // ---- leader: the cockpit shows the warning and the request waiting above the threshold
    step('the leader sees it on the cockpit and approves it there');
    const leader = await pageAs('a.leader');
    assert.equal(new URL(leader.url()).pathname, '/cockpit');
    await leader.locator('#h-warn').waitFor();
    // 预警事项: the analytics plugin's warnings where the unit enabled it (the demo does), else the core's notice on this payment
    await leader.locator('ul.warn li', { hasText: '端到端测试：公务用车维修保养' }).or(leader.locator('ub-cockpit-page [data-source=plugin]')).first().waitFor();
    const waiting = leader.locator('ub-approval-inbox tr', { hasText: `支付申请 ${docNo}` });
    await waiting.waitFor();
    await leader.waitForTimeout(500);
    await shot(leader, 'e2e-2-leader-cockpit');
    await waiting.getByRole('button', { name: '同意' }).click();
    await leader.locator('ub-approval-inbox').getByText('已同意 1 项').waitFor();
    const approved = await finApi('GET', `/api/units/a/payments/${paymentId}`);
    assert.equal(approved.status, 'approved');

    // ---- finance pays it; the staff user's bell (open all along) shows the notice live
    step('finance pays the approved payment; the staff bell shows the notification live');
    const bell = staff.locator('ub-notification-bell');
    const bellUnread = () => staff.evaluate(() => document.querySelector('ub-app')?.shadowRoot?.querySelector('ub-notification-bell')?.unreadCount);
    const staffUnread = async () => (await (await apiAs(BASE, 'a.staff'))('GET', '/api/units/a/notifications/unread-count')).unread;
    // the bell is on the core's realtime stream (it reloads on a push; its poll is a minute away)
    await staff.waitForFunction(() => document.querySelector('ub-app')?.shadowRoot?.querySelector('ub-notification-bell')?.live === true);
    // the approvals just made announced too: wait until the bell agrees with the server
    const unreadBefore = await staffUnread();
    await staff.waitForFunction((n) => document.querySelector('ub-app')?.shadowRoot?.querySelector('ub-notification-bell')?.unreadCount === n, unreadBefore);
    const staffNotices = await (await apiAs(BASE, 'a.staff'))('GET', '/api/units/a/notifications');
    assert.ok(staffNotices.some((n) => n.source === 'core' && n.title.startsWith(`支付申请 ${docNo} 已审批通过`)), 'the core told the requester of the final approval');
    await fin.getByRole('link', { name: '支付管理' }).click();
    const payRow = fin.locator(`ub-payments-page tr[data-id="${paymentId}"]`);
    await payRow.getByRole('button', { name: `支付 ${docNo}` }).click();
    await fin.locator('ub-payments-page .confirm').getByRole('button', { name: '支付', exact: true }).click();
    await fin.getByRole('status').getByText(`支付申请 ${docNo} 已支付`).waitFor();
    assert.equal((await finApi('GET', `/api/units/a/payments/${paymentId}`)).status, 'paid');
    const badge = (n) => (n > 99 ? '99+' : String(n));
    await bell.locator('.count', { hasText: badge(unreadBefore + 1) }).waitFor({ timeout: 15_000 });
    assert.equal(await bellUnread(), unreadBefore + 1);
    await bell.locator('button.bell').click();
    const notice = bell.locator('.panel li.unread', { hasText: `支付申请 ${docNo} 已支付` });
    await notice.waitFor();
    assert.ok((await notice.textContent()).includes(' 元'), 'the notice shows the amount in yuan');
    await bell.getByText('实时推送已连接').waitFor();
    await shot(staff, 'e2e-4-staff-bell');
    await notice.locator('button').click();
    // the notice opens the one document, in its state now
    await staff.waitForURL((url) => url.pathname === '/mine' && url.searchParams.get('doc') === `payment:${paymentId}`);
    await staff.locator('ub-doc-panel').getByText('已支付').first().waitFor();
    // read on the server, not just in this browser
    for (let i = 0; (await staffUnread()) !== unreadBefore; i++) {
      assert.ok(i < 50, 'the server records the notice as read');
      await staff.waitForTimeout(100);
    }
    assert.equal(await bellUnread(), unreadBefore, 'the bell shows the server count');
    if (unreadBefore === 0) assert.equal(await bell.locator('.count').count(), 0);
    else await bell.locator('.count', { hasText: badge(unreadBefore) }).waitFor();

    // ---- budget review: staff submits a request (API), finance returns it with control numbers (UI)
    step('finance returns a budget request with control numbers; the leader approves the resubmission');
    const staffApi = await apiAs(BASE, 'a.staff');
    const staffDept = (await staffApi('GET', '/api/me')).memberships.find((m) => m.unitId === 'a' && m.departmentId !== null).departmentId;
    const draft = await staffApi('POST', '/api/units/a/budget-requests', { year, departmentId: staffDept, title: '端到端测试预算申请', lines: [{ kind: 'operating', headcount: 3 }] });
    await staffApi('POST', `/api/units/a/budget-requests/${draft.id}/submit`, { comment: '请审核' });
    await fin.getByRole('link', { name: '预算审核' }).click();
    const review = fin.locator('ub-budget-review');
    await review.locator('select[name=year]').selectOption(String(year));
    await review.locator(`tr[data-id="${draft.id}"]`).getByRole('button').click();
    const firstLine = draft.lines[0];
    const ctl = review.getByLabel(`第 ${firstLine.lineNo} 行控制数（元）`);
    await ctl.fill('1,000');
    await review.locator('input[name=comment]').fill('压减');
    await review.getByRole('button', { name: '下达控制数并退回' }).click();
    await review.getByRole('status').getByText(`预算申请 ${draft.docNo} 已下达控制数`).waitFor();
    const returned = await finApi('GET', `/api/units/a/budget-requests/${draft.id}`);
    assert.equal(returned.status, 'returned');
    assert.equal(returned.lines.find((l) => l.id === firstLine.id).controlAmount, 100_000);
    await staffApi('POST', `/api/units/a/budget-requests/${draft.id}/submit`, { comment: '按控制数调整', lines: [{ lineId: firstLine.id, amount: 100_000 }] });
    const openPeriod = (await finApi('GET', '/api/units/a/fiscal-years')).find((f) => f.year === year).periods.find((p) => p.status === 'open');
    await leader.getByRole('link', { name: '预算审核' }).click();
    const leaderReview = leader.locator('ub-budget-review');
    await leaderReview.locator('select[name=year]').selectOption(String(year));
    await leaderReview.locator(`tr[data-id="${draft.id}"]`).getByRole('button').click();
    await leaderReview.locator('input[name=approveDate]').fill(`${year}-${String(openPeriod.month).padStart(2, '0')}-01`);
    await leaderReview.getByRole('button', { name: '批复并下达指标' }).click();
    await leaderReview.getByRole('status').getByText(`预算申请 ${draft.docNo} 已批复，下达指标 ${draft.lines.length} 个`).waitFor();
    const issued = await finApi('GET', `/api/units/a/budget-requests/${draft.id}`);
    assert.equal(issued.status, 'approved');
    assert.ok(issued.lines.every((l) => l.indicatorId !== null), 'an indicator per line');
    await leaderReview.getByRole('link', { name: issued.lines[0].indicatorCode }).waitFor();

    // ---- reports: the execution report, downloaded as xlsx from the API
    step('finance opens the reports page and downloads the execution report as xlsx');
    await fin.getByRole('link', { name: '报表中心' }).click();
    const reports = fin.locator('ub-reports-page');
    await reports.locator('section[data-table=by_indicator]').getByText(vehicle.code).waitFor();
    await shot(fin, 'e2e-5-finance-reports');
    const [download] = await Promise.all([fin.waitForEvent('download'), reports.getByRole('link', { name: '下载 Excel' }).click()]);
    assert.match(download.suggestedFilename(), /^execution-a-\d{4}-\d{2}\.xlsx$/);
    const file = await download.path();
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx (zip) file');
    assert.ok(bytes.length > 2000, `xlsx of ${bytes.length} bytes`);

    // ---- project library: finance enters a two-year project through the screen and approves it
    step('finance creates a project in the project library (live plan check) and moves it to approved');
    await fin.getByRole('link', { name: '项目库' }).click();
    const library = fin.locator('ub-project-library');
    await library.getByRole('button', { name: '项目入库' }).click();
    const pf = library.locator('ub-project-form');
    const projectCode = `E2E-${Date.now() % 1_000_000}`;
    const projectName = '端到端测试：智慧校园建设';
    await pf.locator('input[name=code]').fill(projectCode);
    await pf.locator('input[name=name]').fill(projectName);
    await pf.locator('select[name=departmentId]').selectOption({ index: 1 });
    await pf.locator('input[name=functionalCode]').fill('2050299');
    await pf.locator('[data-field=functionalCode] .hint', { hasText: '其他普通教育支出' }).waitFor(); // the code's name, shown while typing
    await pf.locator('select[name=fundSourceCode]').selectOption('11');
    const firstYear = Number(await pf.locator('input[name=startYear]').inputValue());
    await pf.locator('input[name=endYear]').fill(String(firstYear + 1));
    await pf.getByLabel('项目总额（元）').fill('150,000');
    await pf.getByLabel(`${firstYear} 年计划金额（元）`).fill('100,000');
    await pf.getByLabel(`${firstYear + 1} 年计划金额（元）`).fill('40,000');
    await pf.getByText('分年度计划合计 140,000.00 元与项目总额 150,000.00 元不一致').waitFor();
    await pf.getByLabel(`${firstYear + 1} 年计划金额（元）`).fill('50,000');
    await pf.locator('[data-error=plans]').waitFor({ state: 'detached' });
    await pf.getByRole('button', { name: '入库', exact: true }).click();
    await library.getByRole('status').getByText(`项目 ${projectCode} ${projectName} 已入库`).waitFor();
    await shot(fin, 'e2e-6-finance-project');
    await library.getByRole('button', { name: '批复立项' }).click();
    await library.locator('textarea[name=comment]').fill('端到端测试批复');
    await library.getByRole('button', { name: '确认', exact: true }).click();
    await library.getByRole('status').getByText(`项目 ${projectCode} 已变更为「已批复」`).waitFor();
    const created = (await finApi('GET', '/api/units/a/projects')).find((p) => p.code === projectCode);
    assert.ok(created, 'the project is in the library');
    assert.equal(created.status, 'approved');
    assert.equal(created.totalAmount, 15_000_000);
    const createdDetail = await finApi('GET', `/api/units/a/projects/${created.id}`);
    assert.deepEqual(createdDetail.plans, [{ year: firstYear, amount: 10_000_000 }, { year: firstYear + 1, amount: 5_000_000 }]);

    // ---- fiscal years: the year-end preview of the year
    step('finance opens the year-end preview');
    await fin.getByRole('link', { name: '年度与年终结转' }).click();
    const years = fin.locator('ub-fiscal-years');
    await years.locator('select[name=yearEndYear]').selectOption(String(year));
    await years.locator('[data-state=preview]').getByText(`${year} 年度尚未年终结转`).waitFor();
    await years.locator('table[data-table=year-end] tr[data-indicator]').first().waitFor();
    await years.locator(`table[data-table=year-end] tr[data-indicator="${vehicle.id}"]`).waitFor();

    // ---- auditor: trace to the indicator, the original budget and the audit chain
    step('an auditor traces it back to the original budget, chain verified');
    const auditor = await pageAs('a.auditor');
    await auditor.goto(`${BASE}/audit/${paymentId}`);
    const trace = auditor.locator('ub-audit-trace');
    await trace.getByText(`支付申请 ${docNo} 的追溯链`).waitFor();
    await trace.getByText(/审计哈希链完整/).waitFor();
    await trace.getByRole('link', { name: vehicle.code }).waitFor();
    // back to the original budget: the budget request it was issued from, or the direct issue
    const detail = await finApi('GET', `/api/units/a/indicators/${vehicle.id}`);
    const origin = trace.locator('li[data-origin]');
    await origin.getByText(detail.origins.some((o) => o.budgetRequestId !== null) ? /预算申请 (YS\d{4}-\d{4}|#\d+)/ : /直接下达/).first().waitFor();
    for (const o of detail.origins) await origin.getByText(o.code).first().waitFor();
    // audit actions read as words (支付申请 · 提交), the key stays in the cell's title
    await trace.locator('td', { hasText: '支付申请 · 提交' }).waitFor();
    await trace.locator('td', { hasText: '支付申请 · 审批' }).first().waitFor();
    await shot(auditor, 'e2e-3-auditor-trace');

    // ---- unit b never sees unit a
    step('a finance officer of unit b never sees unit a');
    const b = await pageAs('b.finance');
    assert.equal(new URL(b.url()).pathname, '/dashboard');
    await b.locator('ub-data-table').waitFor();
    await b.waitForTimeout(500);
    const text = await b.locator('ub-app').innerText();
    assert.ok(!text.includes('示范县教育局机关'), 'unit a is not named');
    assert.ok(!text.includes(vehicle.code) || !(await b.locator('ub-data-table').innerText()).includes('公务用车'), 'no unit a indicators');
    assert.equal(await b.locator('header select option[value=a]').count(), 0, 'unit a is not in the switcher');
    const res = await b.request.get(`${BASE}/api/units/a/indicators`);
    assert.ok(res.status() === 403 || res.status() === 404, `unit b reads unit a: ${res.status()}`);
    await b.goto(`${BASE}/audit/${paymentId}`);
    await b.locator('nav a').first().waitFor();
    assert.ok(!(await b.locator('ub-app').innerText()).includes('端到端测试'), 'the payment is not shown to unit b');

    assert.deepEqual(errors, [], 'no page errors');
    console.log('e2e: all steps passed');
  } finally {
    await browser.close();
    if (server) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
