import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { coreMetrics } from '../health/metrics.js';
import { authVersion, noteStatement } from '../db/writes.js';

/**
 * The authentication cache (issue 21): a repeated credential costs no statements for its session,
 * user and grants, and every change to them in this process is seen by the very next request.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

const statementsOf = async (run: () => Promise<unknown>) => {
  const before = coreMetrics.statements.count;
  await run();
  return coreMetrics.statements.count - before;
};

describe('session cache', () => {
  it('a repeated request skips the session, user and grant reads', async () => {
    const token = await env.login('a.finance');
    const read = () => env.call('GET', '/api/units/a', { token });
    await read();
    const first = await statementsOf(async () => {
      await env.kernel.db.updateTable('sessions').set({ last_seen_at: new Date().toISOString() }).execute(); // invalidates
      await read();
    });
    const cached = await statementsOf(read);
    expect(cached).toBeLessThanOrEqual(first - 1 - 3);
  });

  it('logout, an expired session, a removed grant and a disabled user are seen at once', async () => {
    const token = await env.login('a.head');
    const me = () => env.call('GET', '/api/units/a/members', { token });
    expect((await env.call('GET', '/api/me', { token })).status).toBe(200);
    expect((await env.call('GET', '/api/me', { token })).status).toBe(200);

    // A grant removed behind the API's back (one statement, no transaction) is seen by the next request.
    const user = await env.kernel.db.selectFrom('users').select('id').where('username', '=', 'a.head').executeTakeFirstOrThrow();
    expect((await me()).status).toBe(200);
    const grants = await env.kernel.db.selectFrom('role_grants').selectAll().where('user_id', '=', user.id).execute();
    await env.kernel.db.deleteFrom('role_grants').where('user_id', '=', user.id).execute();
    expect((await me()).status).toBe(403);
    await env.kernel.db.insertInto('role_grants').values(grants.map(({ id: _id, ...g }) => g) as any).execute();
    expect((await me()).status).toBe(200);

    // Disabled in a transaction: seen once it commits.
    await env.kernel.db.transaction().execute((tx) => tx.updateTable('users').set({ disabled: 1 }).where('id', '=', user.id).execute());
    expect((await env.call('GET', '/api/me', { token })).status).toBe(403);
    await env.kernel.db.updateTable('users').set({ disabled: 0 }).where('id', '=', user.id).execute();
    expect((await env.call('GET', '/api/me', { token })).status).toBe(200);

    // Expired.
    await env.kernel.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('user_id', '=', user.id).execute();
    expect((await env.call('GET', '/api/me', { token })).status).toBe(401);

    // Logged out.
    const other = await env.login('a.leader');
    expect((await env.call('GET', '/api/me', { token: other })).status).toBe(200);
    expect((await env.call('POST', '/api/auth/logout', { token: other })).status).toBeLessThan(300);
    expect((await env.call('GET', '/api/me', { token: other })).status).toBe(401);
  });

  it('only writes to the authentication tables move the version, reads never', () => {
    const v = authVersion();
    noteStatement('select * from "sessions" where "token_hash" = ?');
    noteStatement('insert into "payments" ("unit_id") values (?)');
    noteStatement('update "indicators" set "amount" = ?');
    expect(authVersion()).toBe(v);
    noteStatement('update "sessions" set "last_seen_at" = $1 where "token_hash" = $2');
    expect(authVersion()).toBe(v + 1);
    noteStatement('commit');
    expect(authVersion()).toBe(v + 2);
    noteStatement('delete from "role_grants" where "user_id" = ?');
    noteStatement('insert into role_grants (user_id) values (1)');
    expect(authVersion()).toBe(v + 4);
  });
});
