import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../permissions/roles.js';
import { CORE_ROLES, DEFAULT_POST_ROLES, manifestSchema, type ManifestInput } from '../../sdk/manifest.js';
import { refusedWithoutTrace } from '../../test/support/kernel.js';
import { createPluginEnv, testBundle, testManifest, type PluginTestEnv } from '../../test/support/plugins.js';

/**
 * Role-gated plugin routes: a route's `roles` (or, for a POST without them, the business roles) are
 * checked by the host against the caller's roles in the unit before any plugin code runs; a refused
 * call is a 403 in the standard error shape that stores, audits and runs nothing. The plugin sees
 * the caller's roles in `request.user.roles` / `context.user.roles`.
 */
let env: PluginTestEnv;

// Every entry writes a document and counts its runs, so a call that got through would show.
const SOURCE = `
const ran = async (host, what, user) => {
  const prev = await host.storage.get('docs', 'runs');
  const n = (prev ? prev.data.n : 0) + 1;
  await host.storage.put('docs', 'runs', { kind: 'runs', n, last: what });
  return { n, user };
};
return {
  routes: {
    'POST close': (request, host) => ran(host, 'close', request.user),
    'POST note': (request, host) => ran(host, 'note', request.user),
    'GET summary': (request) => ({ user: request.user }),
    'GET secret': (request) => ({ user: request.user }),
  },
  views: {
    main: (context) => ({ blocks: [{ type: 'markdown', text: 'roles: ' + context.user.roles.join(',') }] }),
  },
};`;

const ROUTES: NonNullable<ManifestInput['routes']> = [
  { method: 'POST', path: 'close', roles: ['finance_officer', 'leader'] },
  { method: 'POST', path: 'note' },
  { method: 'GET', path: 'summary' },
  { method: 'GET', path: 'secret', roles: ['leader'] },
];
const base = '/api/units/a/plugins/gated/routes';

beforeAll(async () => {
  env = await createPluginEnv({ timeoutMs: 2000, breakerThreshold: 3 });
  await env.plugin('gated', SOURCE, {
    permissions: ['routes', 'views', 'storage'], routes: ROUTES,
    views: [{ id: 'main', title: { zh: '主页', en: 'Main' } }],
  });
}, 60_000);
afterAll(async () => env?.close());

const runs = async () => (await env.kernel.db.selectFrom('plugin_docs').select('id').where('plugin_id', '=', 'gated').execute()).length;
const calls = () => env.host.metricsSnapshot({ pluginId: 'gated', unitId: 'a' })[0]?.calls ?? 0;

describe('role-gated plugin routes', () => {
  it('refuses callers without a declared role with 403 PLUGIN_ROLE_REQUIRED, before any plugin code runs, leaving no trace', async () => {
    const before = calls();
    for (const user of ['a.staff', 'a.auditor', 'a.head', 'a.admin', 'a.dev', 'sysadmin']) {
      const token = await env.login(user);
      const r = await refusedWithoutTrace(env, () => env.call('POST', `${base}/close`, { token, body: { id: 1 } }), 403, 'PLUGIN_ROLE_REQUIRED');
      expect(r.body.error.message).toBe('此插件功能（POST close）仅限财务人员、单位领导使用');
      expect(r.body.error.details).toMatchObject({ pluginId: 'gated', route: 'POST close', roles: ['finance_officer', 'leader'] });
    }
    const en = await env.call('POST', `${base}/close`, { token: await env.login('a.auditor'), body: {}, headers: { 'accept-language': 'en' } });
    expect(en.body.error.message).toBe('This plugin action (POST close) is only for: Finance officer, Unit leader');
    // The sandbox was never entered.
    expect(calls()).toBe(before);
    expect(await runs()).toBe(0);
    // Refusals by the host are not plugin faults: the plugin stays enabled with no fault streak.
    expect(await env.kernel.db.selectFrom('plugin_units').select(['state', 'faults']).where('unit_id', '=', 'a').where('plugin_id', '=', 'gated').executeTakeFirstOrThrow())
      .toEqual({ state: 'enabled', faults: 0 });
  });

  it('lets a declared role through, with the caller’s roles in the unit passed to the plugin', async () => {
    const r = await env.call('POST', `${base}/close`, { token: await env.login('a.finance'), body: { id: 1 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ n: 1, user: { username: 'a.finance', roles: ['finance_officer'] } });
    const leader = await env.call('POST', `${base}/close`, { token: await env.login('a.leader'), body: { id: 1 } });
    expect(leader.body).toMatchObject({ n: 2, user: { username: 'a.leader', roles: ['leader'] } });
    const audits = await env.kernel.db.selectFrom('audit_log').select('actor_name').where('action', '=', 'plugin.gated.route').execute();
    expect(audits).toHaveLength(2);
  });

  it('a POST without roles takes the business roles: auditors, plugin developers and system admins are refused', async () => {
    expect(DEFAULT_POST_ROLES).toEqual(['unit_admin', 'finance_officer', 'business_staff', 'department_head', 'leader']);
    for (const user of ['a.auditor', 'a.dev', 'sysadmin']) {
      await refusedWithoutTrace(env, async () => env.call('POST', `${base}/note`, { token: await env.login(user), body: {} }), 403, 'PLUGIN_ROLE_REQUIRED');
    }
    for (const user of ['a.staff', 'a.head', 'a.admin']) {
      const r = await env.call('POST', `${base}/note`, { token: await env.login(user), body: {} });
      expect(r.status, `${user} ${JSON.stringify(r.body)}`).toBe(200);
    }
    // A supervising unit's leader reads unit a but never writes there (unchanged: FORBIDDEN before the role check).
    const supervising = await env.call('POST', `${base}/note`, { token: await env.login('dept.leader'), body: {} });
    expect([supervising.status, supervising.body.error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('a GET without roles stays open to every reader; a GET with roles is gated, and supervising grants are not roles in the unit', async () => {
    for (const user of ['a.auditor', 'a.dev', 'dept.leader', 'sysadmin']) {
      const r = await env.call('GET', `${base}/summary`, { token: await env.login(user) });
      expect(r.status, user).toBe(200);
    }
    expect((await env.call('GET', `${base}/summary`, { token: await env.login('dept.leader') })).body.user.roles).toEqual([]);
    expect((await env.call('GET', `${base}/summary`, { token: await env.login('sysadmin') })).body.user.roles).toEqual(['system_admin']);
    expect((await env.call('GET', `${base}/secret`, { token: await env.login('a.leader') })).status).toBe(200);
    for (const user of ['a.finance', 'dept.leader']) {
      const r = await env.call('GET', `${base}/secret`, { token: await env.login(user) });
      expect([r.status, r.body.error.code], user).toEqual([403, 'PLUGIN_ROLE_REQUIRED']);
    }
  });

  it('views receive the caller’s roles in the unit', async () => {
    const r = await env.call('GET', '/api/units/a/plugins/gated/views/main', { token: await env.login('a.head') });
    expect(r.status).toBe(200);
    expect(r.body.blocks[0].text).toBe('roles: department_head');
  });
});

describe('manifest `roles`', () => {
  it('the SDK’s role names are the core’s', () => {
    expect([...CORE_ROLES]).toEqual([...ROLES]);
  });

  it('accepts core role names only, at least one, without repeats', () => {
    const route = (roles: unknown) => manifestSchema.safeParse(testManifest('roles-check', { routes: [{ method: 'POST', path: 'x', roles: roles as never }] }));
    expect(route(['finance_officer', 'leader']).success).toBe(true);
    expect(route(undefined).success).toBe(true);
    for (const bad of [['accountant'], [], ['leader', 'leader'], 'leader']) expect(route(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('an uploaded bundle naming an unknown role is refused at install', async () => {
    const bundle = testBundle('bad-roles', 'return {};', { permissions: ['routes'], routes: [{ method: 'POST', path: 'x', roles: ['cashier' as never] }] });
    const r = await env.call('POST', '/api/plugins', { token: await env.login('sysadmin'), body: bundle });
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_BUNDLE_INVALID']);
    expect(r.body.error.message).toContain('roles');
  });
});

describe('the plugin\'s own OpenAPI document (issue 15 item 6)', () => {
  it('lists each route of the plugin as enabled in the unit, under the unit\'s path, with the roles it admits', async () => {
    const r = await env.call('GET', '/api/units/a/plugins/gated/openapi.json', { token: await env.login('a.auditor') });
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths).sort()).toEqual([`${base}/close`, `${base}/note`, `${base}/secret`, `${base}/summary`]);
    expect(r.body.paths[`${base}/close`].post['x-unibudget-roles']).toEqual(['finance_officer', 'leader']);
    expect(r.body.paths[`${base}/note`].post['x-unibudget-roles']).toEqual([...DEFAULT_POST_ROLES]);
    expect(r.body.paths[`${base}/summary`].get['x-unibudget-roles']).toEqual([]);
    expect(r.body.paths[`${base}/secret`].get.responses['403'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    // Another unit has not enabled it: not found there, as its routes are.
    const b = await env.call('GET', '/api/units/b/plugins/gated/openapi.json', { token: await env.login('b.admin') });
    expect([b.status, b.body.error.code]).toEqual([409, 'PLUGIN_NOT_ENABLED']);
  });
});
