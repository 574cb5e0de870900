// Signs in as each role against a running core (BASE, default http://127.0.0.1:8787) and saves a
// 1280×720 screenshot of the role's main page under docs/screenshots/ (or OUT).
//   node web/scripts/screenshots.mjs            (after `npm start` in another terminal)
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { findBrowser } from './browser.mjs';

const BASE = process.env.BASE ?? 'http://127.0.0.1:8787';
const OUT = process.env.OUT ?? path.join(process.cwd(), 'docs/screenshots');
const ONLY = process.env.ONLY?.split(',');
fs.mkdirSync(OUT, { recursive: true });

const shots = [
  { name: 'login', user: null, path: '/' },
  { name: 'staff-payment-wizard', user: 'a.staff', path: '/payment', act: async (p) => {
      await p.locator('ub-payment-wizard input[type=radio]').nth(3).check();
      await p.getByRole('button', { name: /下一步/ }).click();
      await p.locator('ub-amount-input input').fill('3200');
      await p.locator('input[name=payeeName]').fill('示范县文印中心');
      await p.locator('textarea[name=purpose]').fill('教研资料印刷');
      await p.waitForTimeout(900);
    } },
  { name: 'staff-budget-wizard', user: 'a.staff', path: '/budget', act: async (p) => {
      await p.locator('input[name=title]').fill('2027年度基础教育科预算申报');
      await p.getByRole('button', { name: /下一步/ }).click();
      await p.locator('input[name=headcount-personnel]').fill('12');
      await p.waitForTimeout(300);
    } },
  { name: 'staff-my-requests', user: 'a.staff', path: '/mine', act: async (p) => {
      await p.waitForTimeout(500);
      await p.getByRole('button', { name: '审批记录' }).first().click();
      await p.waitForTimeout(400);
    } },
  { name: 'finance-dashboard', user: 'a.finance', path: '/dashboard' },
  { name: 'finance-indicator-detail', user: 'a.finance', path: '/dashboard/4' },
  { name: 'finance-inbox', user: 'a.finance', path: '/inbox' },
  { name: 'finance-transfers', user: 'a.finance', path: '/transfers' },
  { name: 'finance-periods', user: 'a.finance', path: '/periods' },
  { name: 'finance-payments', user: 'a.finance', path: '/payments' },
  { name: 'finance-budget-review', user: 'a.finance', path: '/review', act: async (p) => {
      // a request waiting for review (next year's round) if there is one, else this year's approved ones
      const review = p.locator('ub-budget-review');
      await review.locator('select[name=year]').selectOption(String(new Date().getFullYear() + 1));
      await p.waitForTimeout(500);
      if ((await review.locator('tbody tr[data-id]').count()) === 0) {
        await review.locator('select[name=year]').selectOption(String(new Date().getFullYear()));
        await review.locator('select[name=filter]').selectOption('');
        await p.waitForTimeout(500);
      }
      await review.locator('tbody tr[data-id] button.link').first().click();
      await p.waitForTimeout(600);
    } },
  { name: 'finance-reports', user: 'a.finance', path: '/reports', wait: 1000 },
  { name: 'finance-trial-balance', user: 'a.finance', path: '/reports', act: async (p) => {
      await p.getByRole('tab', { name: '试算平衡表' }).click();
      await p.waitForTimeout(800);
    } },
  { name: 'leader-cockpit', user: 'a.leader', path: '/cockpit', wait: 1500 },
  { name: 'leader-performance-lights', user: 'a.leader', path: '/cockpit', wait: 1500, act: async (p) => {
      await p.locator('ub-cockpit-page #h-perf').scrollIntoViewIfNeeded();
      await p.waitForTimeout(300);
    } },
  { name: 'auditor-trace', user: 'a.auditor', path: '/audit', act: async (p) => {
      await p.locator('ub-audit-trace .list button').first().click();
      await p.waitForTimeout(800);
    } },
  { name: 'supervisor-cockpit-en', user: 'dept.leader', path: '/cockpit', lang: 'en', wait: 1500 },
];

// The browser of the tests (web/scripts/browser.mjs). Chinese glyphs need CJK fonts: Debian's chromium with
// fonts-noto-cjk, or the packaged Chromium with fonts-noto-cjk installed.
const found = await findBrowser();
const browser = await chromium.launch({ executablePath: found.executablePath, args: found.args, headless: true });
try {
  for (const s of shots) {
    if (ONLY && !ONLY.includes(s.name)) continue;
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[${s.name}] page error:`, e.message));
    page.on('console', (m) => m.type() === 'error' && console.error(`[${s.name}] console:`, m.text()));
    if (s.lang) await page.addInitScript((l) => localStorage.setItem('ub.lang', l), s.lang);
    if (s.user) {
      const res = await page.request.post(`${BASE}/api/auth/login`, { data: { username: s.user, password: 'unibudget-demo' } });
      if (!res.ok()) throw new Error(`login ${s.user}: ${res.status()}`);
    }
    if (s.user === 'dept.leader') await page.addInitScript(() => localStorage.setItem('ub.unit', 'a'));
    await page.goto(`${BASE}${s.path}`);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(s.wait ?? 600);
    if (s.act) await s.act(page);
    const file = path.join(OUT, `${s.name}.png`);
    await page.screenshot({ path: file });
    console.log(file);
    await context.close();
  }
} finally {
  await browser.close();
}
