import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOpenApi } from '../core/server/app.js';
import { allRoutes } from '../core/server/registry.js';
import { DEMO_PASSWORD } from '../core/demo/seed.js';
import { createTestEnv, type TestEnv } from './support/kernel.js';

/**
 * The authorization matrix: every registered route × every demo user, against unit `a`.
 * Each user stands to `a` as own (a.*), supervising (dept.leader, bureau.finance: read only),
 * unrelated (b.*) or system administrator. The allowed set of each route is written out here by
 * hand, independent of the role table, so a change in who may do what shows up as a failure.
 * A route missing from this table fails the test: nobody adds a route without deciding who may call it.
 */
import { ALL_USERS, type Expectation } from './authz/common.js';
import { KERNEL_MATRIX } from './authz/kernel.js';
import { LEDGER_MATRIX } from './authz/ledger.js';
import { MATRIX as NOTIFICATIONS_MATRIX } from './authz/notifications.js';
import { MATRIX as RECEIPTS_MATRIX } from './authz/receipts.js';
import { MATRIX as ASSETS_MATRIX } from './authz/assets.js';

const a = (...roles: string[]) => roles.map((r) => `a.${r}`);
const MATRIX: Record<string, Expectation> = { ...KERNEL_MATRIX, ...LEDGER_MATRIX, ...NOTIFICATIONS_MATRIX, ...RECEIPTS_MATRIX, ...ASSETS_MATRIX };

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
