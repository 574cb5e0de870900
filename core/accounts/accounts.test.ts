import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../demo/seed.js';
import { runCommand } from '../db/command.js';
import { auditCount, createTestEnv, footprint, refusedWithoutTrace, type TestEnv } from '../../test/support/kernel.js';
import { authenticate } from './service.js';
import { createToken } from './tokens.js';

let env: TestEnv;

beforeAll(async () => {
  // Addresses come from X-Forwarded-For so the per-address limit can be exercised.
  env = await createTestEnv({ trustProxy: true });
});
afterAll(async () => env.close());

const login = (username: string, password: string, address = '10.0.0.1') =>
  env.call('POST', '/api/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': address } });

describe('sign-in and sessions', () => {
  it('returns a token usable as Bearer and sets an httpOnly SameSite session cookie', async () => {
    const result = await login('a.finance', DEMO_PASSWORD);
    expect(result.status).toBe(200);
    expect(result.body.token).toMatch(/^ubs_/);
    expect(result.body.user).toMatchObject({ username: 'a.finance', disabled: false });
    expect(result.body.user.memberships).toEqual([expect.objectContaining({ unitId: 'a', role: 'finance_officer' })]);
    const cookie = result.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`ub_session=${result.body.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const me = await env.call('GET', '/api/me', { token: result.body.token });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('a.finance');
    const viaCookie = await env.call('GET', '/api/me', { headers: { cookie: `ub_session=${result.body.token}` } });
    expect(viaCookie.body.username).toBe('a.finance');
  });

  it('stores only a hash of the session token', async () => {
    const { body } = await login('a.staff', DEMO_PASSWORD);
    const rows = await env.kernel.db.selectFrom('sessions').select('token_hash').execute();
    expect(rows.some((r) => r.token_hash === body.token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const wrong = await login('a.leader', 'not-the-password');
    const unknown = await login('nobody.here', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.error.message).toBe('用户名或密码错误');
    const english = await env.call('POST', '/api/auth/login', {
      body: { username: 'a.leader', password: 'x' },
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(english.body.error.message).toBe('Wrong username or password');
  });

  it('ends the session on logout', async () => {
    const { body } = await login('b.staff', DEMO_PASSWORD);
    expect((await env.call('POST', '/api/auth/logout', { token: body.token })).status).toBe(200);
    const after = await env.call('GET', '/api/me', { token: body.token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('expires sessions after their lifetime and after idling', async () => {
    const absolute = await login('b.head', DEMO_PASSWORD);
    const idle = await login('b.leader', DEMO_PASSWORD);
    const past = new Date(Date.now() - 1000).toISOString();
    const longAgo = new Date(Date.now() - 3 * 3600 * 1000).toISOString();
    const { sha256 } = await import('./service.js');
    await env.kernel.db.updateTable('sessions').set({ expires_at: past }).where('token_hash', '=', sha256(absolute.body.token)).execute();
    await env.kernel.db.updateTable('sessions').set({ last_seen_at: longAgo }).where('token_hash', '=', sha256(idle.body.token)).execute();
    for (const token of [absolute.body.token, idle.body.token]) {
      const result = await env.call('GET', '/api/me', { token });
      expect(result.status).toBe(401);
      expect(result.body.error.code).toBe('SESSION_EXPIRED');
    }
  });

  it('rejects a cookie-authenticated write from another origin', async () => {
    const { body } = await login('a.head', DEMO_PASSWORD);
    const result = await env.call('POST', '/api/tokens', {
      body: { name: 'csrf' },
      headers: { cookie: `ub_session=${body.token}`, origin: 'https://evil.example', host: 'localhost' },
    });
    expect(result.status).toBe(403);
    expect(result.body.error.code).toBe('CSRF_REJECTED');
    expect(await env.kernel.db.selectFrom('api_tokens').select('id').where('name', '=', 'csrf').execute()).toEqual([]);
  });
});

describe('sign-in rate limiting', () => {
  it('locks an account after 5 failures, even for the right password, and says how long', async () => {
    for (let i = 0; i < 5; i++) expect((await login('b.auditor', `wrong-${i}`, `10.1.0.${i}`)).status).toBe(401);
    const locked = await login('b.auditor', DEMO_PASSWORD, '10.1.0.99');
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('LOGIN_LOCKED');
    expect(locked.body.error.details.scope).toBe('username');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.body.error.message).toMatch(/分钟后再试/);
    // Another account is not affected.
    expect((await login('b.dev', DEMO_PASSWORD, '10.1.0.99')).status).toBe(200);
  });

  it('locks an address after 20 failures across many usernames', async () => {
    for (let i = 0; i < 20; i++) await login(`guess${i}`, 'password-guess', '10.2.0.1');
    const locked = await login('a.auditor', DEMO_PASSWORD, '10.2.0.1');
    expect(locked.status).toBe(429);
    expect(locked.body.error.details.scope).toBe('address');
    expect((await login('a.auditor', DEMO_PASSWORD, '10.2.0.2')).status).toBe(200);
  });

  it('clears the account count after a successful sign-in', async () => {
    for (let i = 0; i < 4; i++) await login('a.dev', 'wrong', '10.3.0.1');
    expect((await login('a.dev', DEMO_PASSWORD, '10.3.0.1')).status).toBe(200);
    for (let i = 0; i < 4; i++) await login('a.dev', 'wrong', '10.3.0.1');
    expect((await login('a.dev', DEMO_PASSWORD, '10.3.0.1')).status).toBe(200);
  });
});

describe('password change', () => {
  it('needs the current password, ends other sessions, keeps this one', async () => {
    const first = (await login('b.finance', DEMO_PASSWORD)).body.token;
    const second = (await login('b.finance', DEMO_PASSWORD)).body.token;
    const wrong = await env.call('POST', '/api/me/password', {
      token: first, body: { currentPassword: 'nope-nope', newPassword: 'a-new-password-1' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('WRONG_PASSWORD');
    const short = await env.call('POST', '/api/me/password', { token: first, body: { currentPassword: DEMO_PASSWORD, newPassword: 'short' } });
    expect(short.status).toBe(400);
    expect(short.body.error.details.issues[0].path).toBe('newPassword');

    const ok = await env.call('POST', '/api/me/password', {
      token: first, body: { currentPassword: DEMO_PASSWORD, newPassword: 'a-new-password-1' },
    });
    expect(ok.status).toBe(200);
    expect((await env.call('GET', '/api/me', { token: first })).status).toBe(200);
    expect((await env.call('GET', '/api/me', { token: second })).status).toBe(401);
    expect((await login('b.finance', DEMO_PASSWORD, '10.4.0.1')).status).toBe(401);
    expect((await login('b.finance', 'a-new-password-1', '10.4.0.1')).status).toBe(200);
  });
});

describe('API tokens', () => {
  it('creates, lists without secrets, authenticates, and stops working once revoked', async () => {
    const session = (await login('a.auditor', DEMO_PASSWORD, '10.5.0.1')).body.token;
    const created = await env.call('POST', '/api/tokens', { token: session, body: { name: '报表同步', expiresInDays: 30 } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^ubt_/);
    expect(created.body.expiresAt).toBeTruthy();

    const listed = await env.call('GET', '/api/tokens', { token: session });
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).not.toHaveProperty('token');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    const stored = await env.kernel.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(created.body.token);

    const me = await env.call('GET', '/api/me', { token: created.body.token });
    expect(me.body.username).toBe('a.auditor');
    const used = await env.call('GET', '/api/tokens', { token: session });
    expect(used.body[0].lastUsedAt).toBeTruthy();

    // Another user cannot revoke it.
    const other = await env.login('a.leader');
    expect((await env.call('DELETE', `/api/tokens/${created.body.id}`, { token: other })).status).toBe(404);

    const revoked = await env.call('DELETE', `/api/tokens/${created.body.id}`, { token: session });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeTruthy();
    const after = await env.call('GET', '/api/me', { token: created.body.token });
    expect(after.status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const session = await env.login('a.leader');
    const created = await env.call('POST', '/api/tokens', { token: session, body: { name: 'short-lived', expiresInDays: 1 } });
    await env.kernel.db.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', created.body.id).execute();
    const result = await env.call('GET', '/api/me', { token: created.body.token });
    expect(result.status).toBe(401);
    expect(result.body.error.code).toBe('SESSION_EXPIRED');
  });

  it('rejects malformed bearer credentials', async () => {
    for (const header of ['Bearer', 'Basic abc', 'Bearer ubs_doesnotexist', 'Bearer random']) {
      const result = await env.call('GET', '/api/me', { headers: { authorization: header } });
      expect(result.status, header).toBe(401);
    }
  });
});

describe('sign-in bookkeeping and the account commands', () => {
  const count = async (table: 'sessions' | 'login_attempts' | 'api_tokens', where: (qb: any) => any = (qb) => qb) =>
    Number((await where(env.kernel.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'))).executeTakeFirstOrThrow()).n);
  const sessionsOf = async (username: string) => {
    const user = await env.kernel.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    return count('sessions', (qb) => qb.where('user_id', '=', user.id));
  };

  it('keeps a refused sign-in’s failed attempt (the lockout counts it), and writes nothing else', async () => {
    const failures = () => count('login_attempts', (qb) => qb.where('username', '=', 'b.leader').where('succeeded', '=', 0));
    const before = { footprint: await footprint(env), failures: await failures(), sessions: await sessionsOf('b.leader') };
    const refused = await login('b.leader', 'not-the-password', '10.6.0.1');
    expect(refused.status).toBe(401);
    expect(await failures()).toBe(before.failures + 1);
    // No session, no audit entry, no business row.
    expect(await sessionsOf('b.leader')).toBe(before.sessions);
    expect(await footprint(env)).toEqual(before.footprint);
  });

  it('opens a session with its successful attempt and its audit entry together', async () => {
    const audited = await auditCount(env);
    const successes = () => count('login_attempts', (qb) => qb.where('username', '=', 'b.leader').where('succeeded', '=', 1));
    const before = await successes();
    const signIn = await login('b.leader', DEMO_PASSWORD, '10.6.0.2');
    expect(signIn.status).toBe(200);
    expect(await successes()).toBe(before + 1);
    expect(await auditCount(env)).toBe(audited + 1);
    const entry = await env.kernel.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ action: 'auth.login', actor_name: 'b.leader', unit_id: null });
    expect(JSON.parse(entry.after_json)).toEqual({ address: '10.6.0.2' });
  });

  it('signs out of a session, never of an API token (revoked only), each audited as auth.logout', async () => {
    const session = (await login('a.head', DEMO_PASSWORD, '10.6.0.3')).body.token as string;
    const created = await env.call('POST', '/api/tokens', { token: session, body: { name: 'sign-out probe' } });
    expect(created.status).toBe(201);
    const audited = await auditCount(env);
    expect((await env.call('POST', '/api/auth/logout', { token: created.body.token })).status).toBe(200);
    expect((await env.call('GET', '/api/me', { token: created.body.token })).status).toBe(200);
    expect((await env.call('POST', '/api/auth/logout', { token: session })).status).toBe(200);
    expect((await env.call('GET', '/api/me', { token: session })).status).toBe(401);
    const entries = await env.kernel.db.selectFrom('audit_log').select(['action', 'actor_name']).where('seq', '>', audited).orderBy('seq').execute();
    expect(entries).toEqual([{ action: 'auth.logout', actor_name: 'a.head' }, { action: 'auth.logout', actor_name: 'a.head' }]);
  });

  it('writes a token in the caller’s command: rolled back, neither the token nor its audit entry remains', async () => {
    const actor = await authenticate(env.kernel, await env.login('a.leader'));
    const audited = await auditCount(env);
    await expect(runCommand(env.kernel, async (tx) => {
      const made = await createToken(tx, actor, { name: 'rolled back' });
      expect(made.token).toMatch(/^ubt_/);
      throw new Error('abort');
    })).rejects.toThrow('abort');
    expect(await count('api_tokens', (qb) => qb.where('name', '=', 'rolled back'))).toBe(0);
    expect(await auditCount(env)).toBe(audited);
  });

  it('revokes once: another user’s token is not found and writes nothing; revoking again changes nothing', async () => {
    const owner = await env.login('a.leader');
    const created = await env.call('POST', '/api/tokens', { token: owner, body: { name: 'revoke probe' } });
    const other = await env.login('a.finance');
    await refusedWithoutTrace(env, () => env.call('DELETE', `/api/tokens/${created.body.id}`, { token: other }), 404, 'TOKEN_NOT_FOUND');
    const first = await env.call('DELETE', `/api/tokens/${created.body.id}`, { token: owner });
    expect(first.status).toBe(200);
    const audited = await auditCount(env);
    const second = await env.call('DELETE', `/api/tokens/${created.body.id}`, { token: owner });
    expect(second.body).toEqual(first.body);
    expect(await auditCount(env)).toBe(audited);
  });

  it('refuses a wrong current password without ending any session or writing anything', async () => {
    const first = (await login('b.staff', DEMO_PASSWORD, '10.6.0.4')).body.token as string;
    await login('b.staff', DEMO_PASSWORD, '10.6.0.4');
    const sessions = await sessionsOf('b.staff');
    await refusedWithoutTrace(
      env,
      () => env.call('POST', '/api/me/password', { token: first, body: { currentPassword: 'wrong-wrong', newPassword: 'another-pass-1' } }),
      422,
      'WRONG_PASSWORD',
    );
    expect(await sessionsOf('b.staff')).toBe(sessions);
  });

  it('refuses a disabled account even with the right password: no session, no attempt, no audit entry', async () => {
    await env.kernel.db.updateTable('users').set({ disabled: 1 }).where('username', '=', 'b.head').execute();
    try {
      const attempts = await count('login_attempts', (qb) => qb.where('username', '=', 'b.head'));
      const sessions = await sessionsOf('b.head');
      const before = await footprint(env);
      const refused = await login('b.head', DEMO_PASSWORD, '10.6.0.5');
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('ACCOUNT_DISABLED');
      expect(await count('login_attempts', (qb) => qb.where('username', '=', 'b.head'))).toBe(attempts);
      expect(await sessionsOf('b.head')).toBe(sessions);
      expect(await footprint(env)).toEqual(before);
    } finally {
      await env.kernel.db.updateTable('users').set({ disabled: 0 }).where('username', '=', 'b.head').execute();
    }
  });
});
