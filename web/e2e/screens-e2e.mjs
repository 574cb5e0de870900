// Screenshots of the screens a county office uses all day, at 1280×720 and on a 390×844 phone, for the
// README and the user guides (docs/guide/*.md show them), plus an English run of the reports centre.
//   node web/build.mjs && node web/e2e/screens-e2e.mjs        (OUT=dir: where the PNGs go, default docs/screenshots)
//
// Story: a business staff member submits a payment request → the department head approves it, so that it
// waits in finance's inbox → finance's inbox (desktop, phone) and its help (帮助 opens the finance
// officer's guide at the inbox section, served by the core from the web build) → a payment's detail: its approval trail
// (payment-trail-*) and the pay confirmation with the payee's bank and account (payment-detail-*) → the leader's
// cockpit (desktop, phone) → the reports centre (desktop, phone) → the same reports centre in English:
// the API words titles and headers in English, download links carry lang=en, no Chinese label left
// on the page but the names of the unit and of classification codes (domain data).
// CJK glyphs need a CJK font on the machine (fonts-noto-cjk); without one the story still runs and says so.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiAs, launchBrowser, PASSWORD, startCore, step } from './lib.mjs';

const OUT = process.env.OUT ?? path.join(process.cwd(), 'docs/screenshots');
let BASE = process.env.BASE;
let server;
let tmp;

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 720 };

function hasCjkFont() {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

async function main() {
  if (!BASE) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ub-screens-'));
    ({ server, base: BASE } = await startCore({ dir: tmp, dbFile: 'screens.db', portBase: 21000 }));
  }
  if (!hasCjkFont()) console.warn('! no CJK font installed (apt-get install fonts-noto-cjk): Chinese shows as boxes in the screenshots');
  fs.mkdirSync(OUT, { recursive: true });
  const browser = await launchBrowser();
  const errors = [];

  /** A page signed in through the login form at this size and language; it waits until the shell left '/'. */
  const open = async (username, viewport, lang = 'zh-CN') => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: lang === 'en' ? 'en-US' : 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await context.addInitScript((l) => localStorage.setItem('ub.lang', l), lang);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`${username}: ${e.message}`));
    await page.goto(BASE);
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.waitForURL((u) => u.pathname !== '/');
    return page;
  };
  const go = async (page, p) => {
    await page.goto(`${BASE}${p}`);
    await page.waitForLoadState('networkidle');
  };
  const shot = async (page, name) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, `${name}.png`) });
    console.log(`  saved ${name}.png`);
  };
  /** On a phone, whether the page is wider than the screen (it should never be). */
  const widthNote = async (page, name) => {
    const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    if (scroll > inner) console.warn(`! ${name}: the page is ${scroll}px wide on a ${inner}px screen`);
  };

  try {
    // ---- setup through the API: a payment request waiting for finance
    step('staff submits a payment request, the department head approves it');
    const staff = await apiAs(BASE, 'a.staff');
    const head = await apiAs(BASE, 'a.head');
    const me = await staff('GET', '/api/me');
    const departmentId = me.memberships.find((m) => m.unitId === 'a')?.departmentId;
    const indicators = await staff('GET', '/api/units/a/indicators');
    const usable = indicators.filter((i) => (departmentId == null || i.departmentId === departmentId) && i.available >= 1_000_000);
    assert.ok(usable.length, 'the staff member has an indicator with room');
    const indicator = usable.find((i) => i.economicCode === '30201') ?? usable[0];
    const payment = await staff('POST', '/api/units/a/payments', {
      indicatorId: indicator.id, amount: 386_000, payeeName: '示范县新华书店', payeeAccount: '6222021001012345678', payeeBank: '中国工商银行示范县支行',
      purpose: '教研资料及办公用书购置', date: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10),
    });
    const pending = (await head('GET', `/api/units/a/payments/${payment.id}`)).steps.find((s) => s.status === 'pending');
    if (pending?.role === 'department_head') await head('POST', `/api/units/a/payments/${payment.id}/approve`, { comment: '同意，按规定采购' });

    // ---- the inbox
    for (const [size, viewport] of [['1280', DESKTOP], ['390', PHONE]]) {
      step(`finance's inbox at ${size}`);
      const fin = await open('a.finance', viewport);
      await go(fin, '/inbox');
      await fin.locator('ub-approval-inbox').waitFor();
      await fin.locator('ub-approval-inbox tr, ub-approval-inbox .card, ub-approval-inbox [data-key]').first().waitFor({ timeout: 10_000 }).catch(() => {});
      await shot(fin, `inbox-zh-${size}`);
      if (size === '390') await widthNote(fin, 'inbox');
      // 帮助: the guide's section for this screen, from the finance officer's guide served by the core
      step(`help for the inbox at ${size}`);
      await fin.locator('ub-help-menu button.help').click();
      const current = fin.locator('ub-help-menu section.current');
      await current.waitFor({ timeout: 10_000 });
      assert.equal(await current.getAttribute('data-section'), 'inbox');
      assert.match(await current.textContent(), /驳回/);
      await shot(fin, `help-inbox-zh-${size}`);
      await fin.keyboard.press('Escape');
      await fin.locator('ub-help-menu aside').waitFor({ state: 'detached' });

      // ---- a payment's detail: its approval trail, then the pay confirmation once approved
      step(`the payment's detail at ${size}`);
      await go(fin, '/payments');
      const row = fin.locator(`ub-payments-page tr[data-id]`).first();
      await row.waitFor({ timeout: 10_000 });
      await row.getByRole('button', { name: '审批记录' }).click().catch(() => {});
      await shot(fin, `payment-trail-zh-${size}`);
      // the pay confirmation: the payee's bank and account beside the amount
      await row.locator('button.primary').click();
      await fin.locator('ub-payments-page .confirm').waitFor();
      await fin.locator('ub-payments-page .confirm').scrollIntoViewIfNeeded();
      await shot(fin, `payment-detail-zh-${size}`);
      if (size === '390') await widthNote(fin, 'payment detail');
      await fin.context().close();
    }

    // ---- the cockpit
    for (const [size, viewport] of [['1280', DESKTOP], ['390', PHONE]]) {
      step(`the leader's cockpit at ${size}`);
      const leader = await open('a.leader', viewport);
      await go(leader, '/cockpit');
      await leader.locator('ub-cockpit-page').waitFor();
      await leader.waitForTimeout(1200); // charts draw after their lazy chunk loads
      await shot(leader, `cockpit-zh-${size}`);
      if (size === '390') await widthNote(leader, 'cockpit');
      await leader.context().close();
    }

    // ---- the reports centre, in Chinese and in English
    for (const lang of ['zh-CN', 'en']) {
      for (const [size, viewport] of [['1280', DESKTOP], ['390', PHONE]]) {
        step(`the reports centre (${lang}) at ${size}`);
        const fin = await open('a.finance', viewport, lang);
        const answers = [];
        fin.on('request', (r) => { if (r.url().includes('/reports/execution')) answers.push(r.headers()['accept-language']); });
        await go(fin, '/reports');
        const page = fin.locator('ub-reports-page');
        await page.locator('section[data-table] table').first().waitFor({ timeout: 15_000 });
        if (lang === 'en') {
          assert.ok(answers.every((a) => a === 'en'), `the reports page asks in English (${answers.join(', ')})`);
          assert.equal(await page.locator('h1').textContent(), 'Reports');
          const titles = await page.locator('section[data-table] h2').allTextContents();
          assert.ok(titles.some((x) => x.includes('Budget execution by indicator')), `English table titles: ${titles.join(' | ')}`);
          assert.ok(titles.every((x) => x.includes('Unit: yuan')), 'each table says its unit in English');
          const headers = await page.locator('section[data-table] th').allTextContents();
          assert.ok(headers.includes('Execution rate') && headers.includes('Time progress'), `English headers: ${headers.slice(0, 8).join(', ')}`);
          assert.ok(!headers.some((h) => /[\u3400-\u9fff]/.test(h)), `no Chinese header: ${headers.filter((h) => /[\u3400-\u9fff]/.test(h)).join(', ')}`);
          const links = await page.locator('a.dl').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
          assert.ok(links.every((l) => l.includes('lang=en')), 'downloads are asked in English');
          const csv = await fin.evaluate(async (href) => (await fetch(href)).text(), links.find((l) => l.includes('format=csv')));
          assert.ok(csv.includes('Unit: yuan') && !csv.includes('单位：'), 'the CSV download is in English');
        } else {
          const titles = await page.locator('section[data-table] h2').allTextContents();
          assert.ok(titles.every((x) => x.includes('单位：元')), 'each table says 单位：元');
        }
        await shot(fin, `reports-${lang === 'en' ? 'en' : 'zh'}-${size}`);
        if (size === '390') await widthNote(fin, `reports (${lang})`);
        await fin.context().close();
      }
    }

    assert.deepEqual(errors, [], 'no uncaught errors in the pages');
    console.log(`screens: done, PNGs in ${path.relative(process.cwd(), OUT) || '.'}`);
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
