import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOpenApi } from '../core/http/app.js';
import { allRoutes } from '../core/http/registry.js';
import { DEMO_PASSWORD, DEMO_USERS } from '../core/demo/seed.js';
import { createTestEnv, type TestEnv } from './support/kernel.js';

/**
 * The authorization matrix: every registered route × every demo user, against unit `a`.
 * Each user stands to `a` as own (a.*), supervising (dept.leader, bureau.finance: read only),
 * unrelated (b.*) or system administrator. The allowed set of each route is written out here by
 * hand, independent of the role table, so a change in who may do what shows up as a failure.
 * A route missing from this table fails the test: nobody adds a route without deciding who may call it.
 */
const a = (...roles: string[]) => roles.map((r) => `a.${r}`);
const SUPERVISING = ['bureau.finance', 'dept.leader'];
const ALL_USERS = DEMO_USERS.map((u) => u.username);
const UNIT_READERS = ['sysadmin', ...SUPERVISING, ...a('admin', 'finance', 'staff', 'head', 'leader', 'auditor', 'dev')];
const AUDIT_READERS_ANYWHERE = [
  'sysadmin', ...SUPERVISING, ...a('admin', 'finance', 'leader', 'auditor'), 'b.admin', 'b.finance', 'b.leader', 'b.auditor',
];

interface Expectation {
  /** Demo users allowed; `public` means anyone, signed in or not. */
  allowed: string[] | 'public';
  /** Concrete request: path parameters chosen so an allowed call fails later (404/400) and writes nothing. */
  path?: string;
  body?: unknown;
}

const MATRIX: Record<string, Expectation> = {
  'GET /api/health': { allowed: 'public' },
  'GET /api/openapi.json': { allowed: 'public' },
  'POST /api/auth/login': { allowed: 'public', body: {} },
  'POST /api/auth/logout': { allowed: ALL_USERS },
  'GET /api/me': { allowed: ALL_USERS },
  'POST /api/me/password': { allowed: ALL_USERS, body: {} },
  'GET /api/tokens': { allowed: ALL_USERS },
  'POST /api/tokens': { allowed: ALL_USERS, body: {} },
  'DELETE /api/tokens/:id': { allowed: ALL_USERS, path: '/api/tokens/999999' },
  'GET /api/units': { allowed: ALL_USERS },
  'POST /api/units': { allowed: ['sysadmin'], body: {} },
  'GET /api/units/:unitId': { allowed: UNIT_READERS },
  'GET /api/units/:unitId/departments': { allowed: UNIT_READERS },
  'POST /api/units/:unitId/departments': { allowed: ['sysadmin', 'a.admin'], body: {} },
  'GET /api/units/:unitId/members': {
    allowed: ['sysadmin', ...SUPERVISING, ...a('admin', 'finance', 'head', 'leader', 'auditor')],
  },
  'POST /api/units/:unitId/members': { allowed: ['sysadmin', 'a.admin'], body: {} },
  'PATCH /api/units/:unitId/members/:userId': { allowed: ['sysadmin', 'a.admin'], path: '/api/units/a/members/999999', body: {} },
  'GET /api/units/:unitId/fiscal-years': { allowed: UNIT_READERS },
  'POST /api/units/:unitId/fiscal-years': { allowed: ['a.finance'], body: {} },
  'POST /api/units/:unitId/fiscal-years/:year/rollover': { allowed: ['a.finance'], path: '/api/units/a/fiscal-years/2099/rollover' },
  'POST /api/units/:unitId/periods/:year/:month/close': { allowed: ['a.finance'], path: '/api/units/a/periods/2099/1/close' },
  'POST /api/units/:unitId/periods/:year/:month/reopen': {
    allowed: ['a.leader'], path: '/api/units/a/periods/2099/1/reopen', body: { reason: '测试反结账' },
  },
  'GET /api/audit/verify': { allowed: AUDIT_READERS_ANYWHERE },
  'GET /api/units/:unitId/audit': { allowed: ['sysadmin', ...SUPERVISING, ...a('admin', 'finance', 'leader', 'auditor')] },
};

const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const concretePath = (path: string) => path.replace(':unitId', 'a');

let env: TestEnv;

async function writesExceptSignIns(): Promise<number> {
  const row = await env.kernel.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', 'not in', ['auth.login', 'auth.logout'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  env = await createTestEnv();
  for (const username of ALL_USERS) await env.login(username);
});
afterAll(async () => env.close());

describe('authorization matrix', () => {
  const routes = withOpenApi(allRoutes);

  it('has a decision for every registered route and no stale entries', () => {
    const registered = routes.map((r) => routeKey(r.method, r.path)).sort();
    expect(registered).toEqual(Object.keys(MATRIX).sort());
  });

  it('allows exactly the expected users on every route, for own, supervising and unrelated units, and writes nothing', async () => {
    const before = await writesExceptSignIns();
    const mismatches: string[] = [];
    for (const route of routes) {
      const key = routeKey(route.method, route.path);
      const expectation = MATRIX[key];
      if (!expectation) continue;
      const path = expectation.path ?? concretePath(route.path);
      const anonymous = await env.call(route.method.toUpperCase(), path, { body: expectation.body });
      if (expectation.allowed === 'public') {
        if ([401, 403].includes(anonymous.status)) mismatches.push(`${key} anonymous: ${anonymous.status}, expected public`);
        continue;
      }
      if (anonymous.status !== 401) mismatches.push(`${key} anonymous: ${anonymous.status}, expected 401`);
      for (const username of ALL_USERS) {
        // Logging out ends the session used: give that call a session of its own.
        const token =
          key === 'POST /api/auth/logout'
            ? (await env.call('POST', '/api/auth/login', { body: { username, password: DEMO_PASSWORD } })).body.token
            : await env.login(username);
        const result = await env.call(route.method.toUpperCase(), path, { token, body: expectation.body });
        const allowed = expectation.allowed.includes(username);
        if (allowed && [401, 403].includes(result.status)) mismatches.push(`${key} ${username}: ${result.status}, expected allowed`);
        if (!allowed && result.status !== 403) mismatches.push(`${key} ${username}: ${result.status}, expected 403`);
        if (!allowed && result.body?.error?.code !== 'FORBIDDEN') mismatches.push(`${key} ${username}: code ${result.body?.error?.code}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(await writesExceptSignIns()).toBe(before);
  });

  it('never lets a grassroots unit read upward or sideways', async () => {
    for (const username of a('admin', 'finance', 'staff', 'head', 'leader', 'auditor', 'dev')) {
      const token = await env.login(username);
      for (const unitId of ['bureau', 'dept', 'b']) {
        const result = await env.call('GET', `/api/units/${unitId}`, { token });
        expect(result.status, `${username} reading ${unitId}`).toBe(403);
      }
    }
  });

  it('lets supervising units read but never write their subordinates', async () => {
    const token = await env.login('dept.leader');
    expect((await env.call('GET', '/api/units/b/fiscal-years', { token })).status).toBe(200);
    const write = await env.call('POST', '/api/units/b/periods/2026/5/close', { token });
    expect(write.status).toBe(403);
    const finance = await env.login('bureau.finance');
    expect((await env.call('POST', '/api/units/a/periods/2026/5/close', { token: finance })).status).toBe(403);
  });
});
