// End-to-end run of a working day's small things, in Chromium against a real core with the demo data
// (its own core on a fresh SQLite file unless BASE points at one):
//   node web/build.mjs && node web/e2e/daily-e2e.mjs
//
// Story: an anonymous visit asks nothing that fails (no 401 for /api/me) → a business staff member has
// 我的申请 open while the department head sends her payment back; her bell shows the notice live and
// opening it shows the request as it is now (退回), without F5 → on a 390×844 phone the department
// head opens 审批待办 through the menu and approves a payment, the leader reads the cockpit and the
// bell: no page is ever wider than the screen → no console error and no failed request anywhere.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiAs, launchBrowser, PASSWORD, startCore, step } from './lib.mjs';

let BASE = process.env.BASE;
let server;
let tmp;

/** Everything that went wrong on a page: console errors, uncaught errors, failed API requests. */
function watch(page, who, problems) {
  page.on('pageerror', (e) => problems.push(`${who}: uncaught ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`${who}: console error ${m.text()}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${who}: ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`));
}

/** A context of the given size, signed in through the login form. */
async function signIn(browser, username, problems, viewport = { width: 1280, height: 720 }) {
  const context = await browser.newContext({ viewport, isMobile: viewport.width < 600, hasTouch: viewport.width < 600 });
  const page = await context.newPage();
  watch(page, username, problems);
  await page.goto(BASE);
  try {
    await page.getByLabel('用户名').waitFor({ timeout: 60_000 });
  } catch (e) {
    if (process.env.SHOTS) await page.screenshot({ path: path.join(process.env.SHOTS, `daily-login-${username}.png`) });
    throw new Error(`${username}: no login form at ${page.url()}:\n${(await page.content()).slice(0, 800)}`, { cause: e });
  }
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('nav a').first().waitFor({ state: 'attached' });
  await page.waitForURL((u) => u.pathname !== '/');
  return page;
}

/** SHOTS=dir: a screenshot of the step (for a look; the assertions do not need it). */
const shot = async (page, name) => process.env.SHOTS && (await page.screenshot({ path: path.join(process.env.SHOTS, `daily-${name}.png`) }));

/** The page is no wider than its viewport: nothing scrolls sideways. */
async function fits(page, where) {
  await page.waitForTimeout(300);
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${where}: page is ${scroll}px wide in a ${width}px viewport`);
}

/** A payment of the staff member's department, submitted through the API; its purpose names it on screen. */
async function submitPayment(staffApi, purpose, amount = 12_300) {
  const indicators = await staffApi('GET', '/api/units/a/indicators');
  const ind = indicators.find((i) => !i.isFlexibleReserve && i.available > amount * 10 && i.expenditureKind === 'operating' && !['30217', '30231', '30212'].includes(i.economicCode));
  assert.ok(ind, 'an indicator with room');
  const fys = await staffApi('GET', '/api/units/a/fiscal-years');
  const periods = fys.find((f) => f.year === ind.year)?.periods ?? [];
  const now = new Date();
  const month = periods.some((p) => p.month === now.getMonth() + 1 && p.status === 'open') && now.getFullYear() === ind.year
    ? now.getMonth() + 1
    : periods.find((p) => p.status === 'open')?.month ?? 12;
  const date = `${ind.year}-${String(month).padStart(2, '0')}-01`;
  return staffApi('POST', '/api/units/a/payments', {
    indicatorId: ind.id, amount, date, payeeName: '示范县文印中心', payeeAccount: '6222 0000 1111 2222', payeeBank: '中国工商银行示范县支行', purpose, procurement: false,
  });
}

async function main() {
  if (!BASE) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ub-daily-e2e-'));
    ({ server, base: BASE } = await startCore({ dir: tmp, dbFile: 'daily.db', portBase: 21000 }));
  }
  const browser = await launchBrowser();
  const problems = [];
  try {
    // ---- the login page asks nothing that fails
    step('an anonymous visit shows the login form without a failing request (no 401 for /api/me)');
    {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const page = await context.newPage();
      const asked = [];
      page.on('request', (r) => asked.push(new URL(r.url()).pathname));
      watch(page, 'anonymous', problems);
      await page.goto(BASE);
      await page.getByLabel('用户名').waitFor();
      await page.waitForTimeout(500);
      assert.ok(!asked.includes('/api/me'), `the login page asked ${asked.filter((p) => p.startsWith('/api/')).join(', ')}`);
      await context.close();
    }

    // ---- a rejection reaches the requester's open page through the bell
    step('the staff member keeps 我的申请 open; the head sends her payment back; the bell opens it as it is now');
    const staffApi = await apiAs(BASE, 'a.staff');
    const headApi = await apiAs(BASE, 'a.head');
    const purposeBack = `日常测试：退回 ${Date.now()}`;
    const back = await submitPayment(staffApi, purposeBack);
    const staff = await signIn(browser, 'a.staff', problems);
    await staff.goto(`${BASE}/mine`);
    const row = staff.locator('ub-my-requests tr', { hasText: purposeBack }).first();
    await row.locator('.badge.pending').waitFor();
    await staff.waitForFunction(() => document.querySelector('ub-app')?.shadowRoot?.querySelector('ub-notification-bell')?.live === true);
    const unreadBefore = await staff.evaluate(() => document.querySelector('ub-app').shadowRoot.querySelector('ub-notification-bell').unreadCount);
    await headApi('POST', `/api/units/a/payments/${back.id}/reject`, { comment: '发票抬头与单位名称不符，请更正后重新提交' });
    await staff.waitForFunction((n) => document.querySelector('ub-app').shadowRoot.querySelector('ub-notification-bell').unreadCount > n, unreadBefore);
    // the open list reloaded on the live notice: no F5
    await staff.locator('ub-my-requests tr', { hasText: purposeBack }).first().locator('.badge.rejected').waitFor();
    await staff.locator('ub-notification-bell button.bell').click();
    const notice = staff.locator('ub-notification-bell li', { hasText: '退回' }).first();
    await notice.waitFor();
    const pageBefore = await staff.evaluateHandle(() => document.querySelector('ub-app').shadowRoot.querySelector('ub-my-requests'));
    await shot(staff, 'bell-notice');
    await notice.locator('button').click();
    await staff.waitForFunction((old) => {
      const now = document.querySelector('ub-app').shadowRoot.querySelector('ub-my-requests');
      return now && now !== old;
    }, pageBefore);
    assert.equal(new URL(staff.url()).pathname, '/mine');
    await staff.locator('ub-my-requests tr', { hasText: purposeBack }).first().locator('.badge.rejected').waitFor();
    // the notice opened its one document (?doc=payment:<id>), fetched as it is now, with the reason; a reload keeps it open
    assert.equal(new URL(staff.url()).searchParams.get('doc'), `payment:${back.id}`);
    const opened = staff.locator('ub-my-requests ub-doc-panel');
    await opened.locator('.badge.rejected').first().waitFor();
    await opened.getByText(/发票抬头与单位名称不符/).first().waitFor();
    await staff.reload();
    await staff.locator('ub-my-requests ub-doc-panel .badge.rejected').first().waitFor();

    // ---- a phone: the head approves in the inbox, the leader reads the cockpit and the bell
    step('on a 390×844 phone the department head opens 审批待办 from the menu and approves; nothing scrolls sideways');
    const purposePhone = `日常测试：手机审批 ${Date.now()}`;
    const onPhone = await submitPayment(staffApi, purposePhone, 45_600);
    const phone = { width: 390, height: 844 };
    const head = await signIn(browser, 'a.head', problems, phone);
    await fits(head, 'head: first page');
    await head.locator('header button.menu').click();
    await head.locator('nav a[href="/inbox"]').click();
    await head.locator('ub-approval-inbox').waitFor();
    const card = head.locator('ub-approval-inbox tr', { hasText: purposePhone }).first();
    await card.waitFor();
    await fits(head, 'head: inbox');
    await shot(head, 'phone-inbox');
    const approve = card.getByRole('button', { name: '同意' });
    const box = await approve.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= phone.width, 'the approve button is on the screen');
    await approve.click();
    await head.locator('ub-approval-inbox tr', { hasText: purposePhone }).waitFor({ state: 'detached' });
    await fits(head, 'head: inbox after approving');
    const after = await staffApi('GET', `/api/units/a/payments/${onPhone.id}`);
    assert.notEqual(after.steps.find((s) => s.seq === 1)?.status ?? 'approved', 'pending', 'the head step is decided');

    step('the leader on a phone: cockpit and bell fit the screen');
    // Done with them: their realtime streams need not stay open.
    await staff.context().close();
    await head.context().close();
    const leader = await signIn(browser, 'a.leader', problems, phone);
    assert.equal(new URL(leader.url()).pathname, '/cockpit');
    await leader.locator('ub-cockpit-page #h-warn').waitFor();
    await leader.waitForTimeout(800);
    await fits(leader, 'leader: cockpit');
    await shot(leader, 'phone-cockpit');
    await leader.locator('ub-notification-bell button.bell').click();
    await leader.locator('ub-notification-bell .panel').waitFor();
    await fits(leader, 'leader: bell open');
    await shot(leader, 'phone-bell');
    const panel = await leader.locator('ub-notification-bell .panel').boundingBox();
    assert.ok(panel && panel.x >= 0 && panel.x + panel.width <= phone.width, 'the bell’s panel is on the screen');

    step('every page of finance, leader and staff opens without an error and fits a 390 px phone');
    for (const who of ['a.finance', 'a.leader', 'a.staff']) {
      const p = await signIn(browser, who, problems, phone);
      const links = await p.evaluate(() => [...document.querySelector('ub-app').shadowRoot.querySelectorAll('nav a')].map((a) => a.getAttribute('href')));
      for (const href of links) {
        await p.goto(`${BASE}${href}`);
        await p.locator('main > *').first().waitFor({ state: 'attached' });
        await p.waitForTimeout(600);
        await fits(p, `${who} ${href}`);
        await shot(p, `phone-${who}-${href.replace(/\W+/g, '_')}`);
      }
      await p.context().close();
    }

    step('no console error, uncaught error or failed request on any page');
    assert.deepEqual(problems, []);
    console.log('daily e2e: all steps passed');
  } finally {
    await browser.close();
    server?.kill();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  server?.kill();
  process.exit(1);
});
