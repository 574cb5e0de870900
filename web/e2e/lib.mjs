// What both e2e stories need: a core of their own with the demo data, API clients per demo user, and
// a Chromium page logged in through the real login form.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import path from 'node:path';
import { findBrowser } from '../scripts/browser.mjs';

export const PASSWORD = 'unibudget-demo';

export const step = (name) => console.log(`• ${name}`);

/**
 * Starts `unibudget start --demo` on a fresh SQLite file in dir. Each story picks its own port range
 * so the two can run side by side. Resolves once /api/health answers.
 */
export async function startCore({ dir, dbFile, portBase }) {
  const port = portBase + Math.floor(Math.random() * 1000);
  const server = spawn(process.execPath, ['bin/unibudget.mjs', 'start', '--demo'], {
    env: { ...process.env, DATABASE_URL: path.join(dir, dbFile), PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { server, base };
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline || server.exitCode !== null) {
      server.kill();
      throw new Error(`core did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Logs username in through the API; the returned function calls the API as that user and throws on a non-2xx answer. */
export async function apiAs(base, username) {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  assert.equal(res.status, 200, `login ${username}`);
  const { token } = await res.json();
  return async (method, p, body) => {
    const r = await fetch(`${base}${p}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await r.json();
    if (!r.ok) throw Object.assign(new Error(`${method} ${p} → ${r.status} ${JSON.stringify(data)}`), { status: r.status, data });
    return data;
  };
}

/** Headless Chromium: CHROME_PATH, Debian's /usr/bin/chromium, or the one inside @sparticuz/chromium (web/scripts/browser.mjs). */
export async function launchBrowser() {
  const { executablePath, args } = await findBrowser();
  return chromium.launch({ executablePath, args, headless: true });
}

/**
 * A fresh browser context logged in as username through the login form. Uncaught page errors go to
 * errors, so a story can assert at its end that there were none.
 * landed: also wait until the shell has left '/' for the role's first page (it does so once the
 * unit's departments are loaded), for stories that act on that page straight away.
 */
export async function loginPage(browser, base, username, errors, { height = 720, landed = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height } });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${username}: ${e.message}`));
  await page.goto(base);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('nav a').first().waitFor();
  if (landed) await page.waitForURL((u) => u.pathname !== '/');
  return page;
}

/** An open accounting date of the year (today when its month is open, else the 1st of the first open month). */
export async function openDate(api, year) {
  const fys = await api('GET', '/api/units/a/fiscal-years');
  const periods = fys.find((f) => f.year === year).periods;
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  if (now.getFullYear() === year && periods.find((p) => p.month === now.getMonth() + 1)?.status === 'open') {
    return `${year}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }
  const open = periods.find((p) => p.status === 'open');
  assert.ok(open, `an open period in ${year}`);
  return `${year}-${pad(open.month)}-01`;
}
