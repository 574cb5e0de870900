import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../../core/kernel.js';
import { DEMO_PASSWORD } from '../../core/demo/seed.js';
import { testBundle } from '../support/plugins.js';
import { createTestDatabase, http, login, startServer, type ServerProcess, type TestDatabase } from './server.js';

/**
 * Web security of the real server over real HTTP (`unibudget start` as a child process): CSRF on
 * cookie sessions, security headers, session expiry and rotation, sign-in rate limiting, upload
 * limits, and secrets kept out of the server's output.
 */
let db: TestDatabase;
let server: ServerProcess;
/** A second server on the same database with a 3-second session lifetime and X-Forwarded-For trusted. */
let strict: ServerProcess;
let probe: Kernel;

beforeAll(async () => {
  db = await createTestDatabase();
  [server, strict] = await Promise.all([
    startServer(db),
    startServer(db, { UNIBUDGET_SESSION_TTL: '3', UNIBUDGET_TRUST_PROXY: '1' }),
  ]);
  probe = await db.open();
}, 120_000);
afterAll(async () => {
  await Promise.all([server?.kill('SIGTERM'), strict?.kill('SIGTERM')]);
  await probe?.close();
  await db?.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function signIn(base: string, username: string, headers: Record<string, string> = {}) {
  const reply = await http(base, 'POST', '/api/auth/login', undefined, { username, password: DEMO_PASSWORD }, headers);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  const cookie = reply.headers.get('set-cookie') ?? '';
  return { token: reply.body.token as string, cookie, value: /ub_session=([^;]+)/.exec(cookie)?.[1] ?? '' };
}

describe('CSRF: cookie sessions write only from their own origin', () => {
  it('refuses cross-origin and cross-site cookie writes, writes nothing, and accepts same-origin ones', async () => {
    const { value, cookie } = await signIn(server.base, 'a.head');
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//i);
    const host = new URL(server.base).host;
    const tokensBefore = await probe.db.selectFrom('api_tokens').select('id').execute();

    const crossOrigin = await http(server.base, 'POST', '/api/tokens', undefined, { name: 'csrf-1' }, { cookie: `ub_session=${value}`, origin: 'https://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.body.error.code).toBe('CSRF_REJECTED');
    const crossSite = await http(server.base, 'POST', '/api/tokens', undefined, { name: 'csrf-2' }, { cookie: `ub_session=${value}`, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const nullOrigin = await http(server.base, 'POST', '/api/tokens', undefined, { name: 'csrf-3' }, { cookie: `ub_session=${value}`, origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    // What a plain HTML form can send (no custom content type): refused before anything is read.
    const form = await fetch(`${server.base}/api/tokens`, {
      method: 'POST', headers: { cookie: `ub_session=${value}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=csrf-4',
    });
    expect(form.status).toBe(415);
    expect(await probe.db.selectFrom('api_tokens').select('id').execute()).toEqual(tokensBefore);

    const sameOrigin = await http(server.base, 'POST', '/api/tokens', undefined, { name: 'same-origin' }, { cookie: `ub_session=${value}`, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
    expect(sameOrigin.status).toBe(201);
    // Reads are not state changes: a cross-site GET with the cookie is answered (and CORS keeps its body from the other site).
    const read = await http(server.base, 'GET', '/api/me', undefined, undefined, { cookie: `ub_session=${value}`, origin: 'https://evil.example' });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('security headers', () => {
  const expectStrict = (headers: Headers) => {
    const csp = headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('referrer-policy')).toBe('same-origin');
    expect(headers.get('x-powered-by')).toBeNull();
  };

  it('sends a strict CSP, no framing, nosniff and a referrer policy on API answers, errors and the web app', async () => {
    const token = await login(server.base, 'a.finance');
    expectStrict((await http(server.base, 'GET', '/api/units/a/indicators', token)).headers);
    expectStrict((await http(server.base, 'GET', '/api/no-such-thing')).headers);
    expectStrict((await http(server.base, 'POST', '/api/auth/login', undefined, { username: 'x', password: 'y' }, { 'x-forwarded-for': '10.7.7.7' })).headers);
    const page = await fetch(`${server.base}/`);
    await page.text();
    expectStrict(page.headers);
    if ((page.headers.get('content-type') ?? '').includes('text/html')) expect(page.status).toBe(200);
  });
});

describe('sessions', () => {
  it('gives a new session id at every sign-in and never adopts one the client brings', async () => {
    const planted = 'ubs_attacker-chosen-session-value';
    const first = await signIn(server.base, 'a.leader', { cookie: `ub_session=${planted}` });
    const second = await signIn(server.base, 'a.leader', { cookie: `ub_session=${first.value}` });
    expect(first.value).toBe(first.token);
    expect(first.value).not.toBe(planted);
    expect(second.value).not.toBe(first.value);
    expect((await http(server.base, 'GET', '/api/me', undefined, undefined, { cookie: `ub_session=${planted}` })).status).toBe(401);
  });

  it('ends the session at sign-out: the old cookie no longer works, and the cookie is cleared', async () => {
    const { value } = await signIn(server.base, 'a.auditor');
    expect((await http(server.base, 'GET', '/api/me', undefined, undefined, { cookie: `ub_session=${value}` })).status).toBe(200);
    const out = await http(server.base, 'POST', '/api/auth/logout', undefined, undefined, { cookie: `ub_session=${value}`, origin: server.base });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie') ?? '').toMatch(/ub_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
    const after = await http(server.base, 'GET', '/api/me', undefined, undefined, { cookie: `ub_session=${value}` });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('ends a session at the end of its lifetime, even while in use', async () => {
    const busy = await signIn(strict.base, 'b.head', { 'x-forwarded-for': '10.5.0.2' });
    let last = { status: 200, body: null as any };
    for (let i = 0; i < 12 && last.status === 200; i++) {
      last = await http(strict.base, 'GET', '/api/me', busy.token);
      await sleep(400);
    }
    expect(last.status).toBe(401);
    expect(last.body.error.code).toBe('SESSION_EXPIRED');
    expect(await probe.db.selectFrom('sessions').select('token_hash').where('user_id', 'in', probe.db.selectFrom('users').select('id').where('username', '=', 'b.head')).execute()).toEqual([]);
  }, 30_000);

  it('ends a session left idle longer than the idle limit (2 h by default)', async () => {
    const idle = await signIn(server.base, 'b.staff');
    expect((await http(server.base, 'GET', '/api/me', idle.token)).status).toBe(200);
    const user = await probe.db.selectFrom('users').select('id').where('username', '=', 'b.staff').executeTakeFirstOrThrow();
    // Two hours and a minute without a request, as the server's clock sees it.
    await probe.db.updateTable('sessions').set({ last_seen_at: new Date(Date.now() - 121 * 60_000).toISOString() }).where('user_id', '=', user.id).execute();
    // The server remembers a credential for at most a second (core/http/session-cache.ts), as it
    // would after a real two-hour pause; a write behind its back is seen once that second is over.
    await sleep(1100);
    const idled = await http(server.base, 'GET', '/api/me', idle.token);
    expect(idled.status).toBe(401);
    expect(idled.body.error.code).toBe('SESSION_EXPIRED');
  });
});

describe('sign-in rate limiting', () => {
  it('locks an account after repeated failures, even for the right password, with Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      const wrong = await http(strict.base, 'POST', '/api/auth/login', undefined, { username: 'b.auditor', password: `wrong-${i}` }, { 'x-forwarded-for': `10.6.0.${i}` });
      expect(wrong.status).toBe(401);
    }
    const locked = await http(strict.base, 'POST', '/api/auth/login', undefined, { username: 'b.auditor', password: DEMO_PASSWORD }, { 'x-forwarded-for': '10.6.1.1' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('LOGIN_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('locks an address that tries many accounts', async () => {
    for (let i = 0; i < 20; i++) {
      const wrong = await http(strict.base, 'POST', '/api/auth/login', undefined, { username: `guess${i}`, password: 'x' }, { 'x-forwarded-for': '10.8.8.8' });
      expect(wrong.status).toBe(401);
    }
    const locked = await http(strict.base, 'POST', '/api/auth/login', undefined, { username: 'b.leader', password: DEMO_PASSWORD }, { 'x-forwarded-for': '10.8.8.8' });
    expect(locked.status).toBe(429);
    // Another address is not affected.
    expect((await http(strict.base, 'POST', '/api/auth/login', undefined, { username: 'b.leader', password: DEMO_PASSWORD }, { 'x-forwarded-for': '10.8.8.9' })).status).toBe(200);
  });
});

/**
 * An oversized upload is refused as soon as its size is known: 413 with `Connection: close`. A
 * client still sending the rest at that moment may see the connection reset instead of the 413
 * (what any server does that will not read a body it refuses); never anything else.
 */
function expectTooLarge(reply: { status: number; body: any; headers: Headers }) {
  expect([413, 0]).toContain(reply.status);
  if (reply.status === 413) {
    expect(reply.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(reply.headers.get('connection')).toBe('close');
  }
}

describe('uploads are limited in size and type', () => {
  it('plugin bundles: 4 MiB at most, JSON only, hash checked', async () => {
    const sys = await login(server.base, 'sysadmin');
    expect((await http(server.base, 'PUT', '/api/plugins/trust', sys, { allowUnsigned: true })).status).toBe(200);
    const huge = testBundle('too-big', `return {}; // ${'x'.repeat(4 * 1024 * 1024)}`, { permissions: [] });
    expectTooLarge(await http(server.base, 'POST', '/api/plugins', sys, huge));
    const asText = await fetch(`${server.base}/api/plugins`, { method: 'POST', headers: { authorization: `Bearer ${sys}`, 'content-type': 'text/plain' }, body: JSON.stringify(testBundle('as-text', 'return {};', { permissions: [] })) });
    expect(asText.status).toBe(415);
    const tampered = { ...testBundle('tampered', 'return {};', { permissions: [] }), code: 'var __plugin = (function () { return { evil: true }; })();' };
    const refused = await http(server.base, 'POST', '/api/plugins', sys, tampered);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('PLUGIN_HASH_MISMATCH');
    expect(await probe.db.selectFrom('plugin_packages').select('plugin_id').where('plugin_id', 'in', ['too-big', 'as-text', 'tampered']).execute()).toEqual([]);
  });

  it('classification imports: bounded size, CSV or xlsx only, unreadable files refused', async () => {
    const sys = await login(server.base, 'sysadmin');
    const body = (content: string, format = 'csv') => ({ kind: 'economic', year: 2026, format, content, mode: 'validate' });
    expectTooLarge(await http(server.base, 'POST', '/api/classifications/import', sys, body(Buffer.alloc(3 * 1024 * 1024, 'a').toString('base64'))));
    const wrongFormat = await http(server.base, 'POST', '/api/classifications/import', sys, { ...body('YQ=='), format: 'exe' });
    expect(wrongFormat.status).toBe(400);
    const notXlsx = await http(server.base, 'POST', '/api/classifications/import', sys, body(Buffer.from('MZ\x90\x00 not a spreadsheet').toString('base64'), 'xlsx'));
    expect(notXlsx.status).toBe(422);
    expect(notXlsx.body.error.code).toMatch(/^CLASSIFICATION_IMPORT_/);
  });

  it('payment attachments: size capped, no paths, no executable or active content', async () => {
    const finance = await login(server.base, 'a.finance');
    const staff = await login(server.base, 'a.staff');
    const department = await probe.db.selectFrom('departments').select('id').where('unit_id', '=', 'a').where('code', '=', '03').executeTakeFirstOrThrow();
    const made = await http(server.base, 'POST', '/api/units/a/indicators', finance, {
      year: 2026, name: '附件测试', departmentId: department.id, projectId: null, expenditureKind: 'operating', functionalCode: '2050101',
      economicCode: '30201', fundSourceCode: '11', amount: 1_000_000, date: '2026-06-01', isFlexibleReserve: false,
    });
    expect(made.status).toBe(201);
    const pay = (attachment: Record<string, unknown>) =>
      http(server.base, 'POST', '/api/units/a/payments', staff, { indicatorId: made.body.id, payeeName: '供应商', purpose: '附件', amount: 100, date: '2026-06-10', attachments: [attachment] });
    const refused = [
      { name: 'invoice.pdf', size: 51 * 1024 * 1024, contentType: 'application/pdf' },
      { name: '../../etc/passwd', size: 10 },
      { name: 'invoice.pdf.exe', size: 10 },
      { name: 'report.html', size: 10, contentType: 'text/html' },
      { name: 'logo.svg', size: 10, contentType: 'image/svg+xml' },
      { name: 'invoice.pdf', size: 10, contentType: 'application/x-msdownload' },
      { name: 'fdp.\u202Eexe.pdf', size: 10 },
    ];
    for (const attachment of refused) {
      const reply = await pay(attachment);
      expect(reply.status, JSON.stringify(attachment)).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await probe.db.selectFrom('payments').select('id').where('indicator_id', '=', made.body.id).execute()).toEqual([]);
    const accepted = await pay({ name: '发票.pdf', size: 120_000, contentType: 'application/pdf' });
    expect(accepted.status).toBe(201);
  });
});

describe('secrets are never logged', () => {
  it('keeps passwords, session tokens, API tokens and cookies out of the server output', async () => {
    const before = server.output().length;
    const wrongPassword = 'Wr0ng-Secret-Pa55word!';
    await http(server.base, 'POST', '/api/auth/login', undefined, { username: 'a.dev', password: wrongPassword }, {});
    const { token, value } = await signIn(server.base, 'a.dev');
    const created = await http(server.base, 'POST', '/api/tokens', token, { name: 'ci' });
    expect(created.status).toBe(201);
    const apiToken = created.body.token as string;
    await http(server.base, 'GET', '/api/me', apiToken);
    await http(server.base, 'GET', '/api/me', undefined, undefined, { cookie: `ub_session=${value}` });
    await http(server.base, 'GET', '/api/me', 'ubs_forged-token-value');
    const newPassword = 'N3w-Secret-Pa55word!';
    await http(server.base, 'POST', '/api/me/password', token, { currentPassword: DEMO_PASSWORD, newPassword });
    await http(server.base, 'POST', '/api/auth/login', undefined, { username: 'a.dev', password: newPassword });
    await sleep(200);
    const output = server.output().slice(before);
    for (const secret of [wrongPassword, DEMO_PASSWORD, newPassword, token, value, apiToken, 'ubs_forged-token-value']) {
      expect(output.includes(secret), `server output contains a secret: ${secret.slice(0, 6)}…`).toBe(false);
    }
    // Only hashes are stored, too.
    const stored = JSON.stringify(await probe.db.selectFrom('sessions').selectAll().execute()) + JSON.stringify(await probe.db.selectFrom('api_tokens').selectAll().execute());
    for (const secret of [token, apiToken]) expect(stored.includes(secret)).toBe(false);
    const audit = JSON.stringify(await probe.db.selectFrom('audit_log').select(['before_json', 'after_json']).execute());
    for (const secret of [wrongPassword, DEMO_PASSWORD, newPassword, token, apiToken]) expect(audit.includes(secret)).toBe(false);
  });
});
