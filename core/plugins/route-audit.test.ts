import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin } from '../../sdk/build.js';
import { makeBundle } from '../../sdk/bundle.js';
import { manifestSchema } from '../../sdk/manifest.js';
import { verifyChain } from '../audit/service.js';
import { createPluginEnv, testManifest, type PluginTestEnv } from '../../test/support/plugins.js';

/**
 * The route audit rule `audit: 'writes'` (host API 1.1.0): a write route so declared is put in the
 * core's audit chain only when it left something lasting — a storage write outside `bookkeeping`
 * collections, a notification. A realtime hint (typing) or a read position alone is not audited;
 * routes without the declaration keep the rule of every POST (audited once it ran).
 */
let env: PluginTestEnv;
const COLLAB = fileURLToPath(new URL('../../plugins/collab/', import.meta.url));

const SOURCE = `
return {
  routes: {
    'POST typing': async (request, host) => { await host.realtime.publish('room', { type: 'typing' }); return { ok: true }; },
    'POST read': async (request, host) => { await host.storage.put('reads', 'u' + request.user.id, { at: 1 }); await host.realtime.publish('room', { type: 'read' }); return { ok: true }; },
    'POST post': async (request, host) => { await host.storage.put('docs', 'm1', { kind: 'message' }); await host.realtime.publish('room', { type: 'message' }); return { ok: true }; },
    'POST ping': async () => ({ ok: true }),
  },
};`;

const routeAudits = async (pluginId: string) => (await env.kernel.db.selectFrom('audit_log').select(['action', 'after_json']).where('action', '=', `plugin.${pluginId}.route`).orderBy('seq').execute())
  .map((r) => JSON.parse(r.after_json as string) as { route: string; writes: number });

beforeAll(async () => {
  env = await createPluginEnv({ timeoutMs: 3000 });
  await env.plugin('auditrule', SOURCE, {
    permissions: ['routes', 'storage', 'realtime'],
    routes: [
      { method: 'POST', path: 'typing', audit: 'writes' },
      { method: 'POST', path: 'read', audit: 'writes' },
      { method: 'POST', path: 'post', audit: 'writes' },
      { method: 'POST', path: 'ping' },
    ],
    collections: [{ name: 'docs', indexes: ['kind'] }, { name: 'reads', bookkeeping: true }],
  });
}, 60_000);
afterAll(async () => env?.close());

describe('route audit rule', () => {
  it('a typing hint and a read position are not audited; a lasting write and an undeclared POST are', async () => {
    const staff = await env.login('a.staff');
    const call = (path: string) => env.call('POST', `/api/units/a/plugins/auditrule/routes/${path}`, { token: staff, body: {} });
    expect((await call('typing')).status).toBe(200);
    expect((await call('read')).status).toBe(200);
    expect(await routeAudits('auditrule')).toEqual([]);
    expect((await call('post')).status).toBe(200);
    expect((await call('ping')).status).toBe(200);
    const entries = await routeAudits('auditrule');
    expect(entries.map((e) => e.route)).toEqual(['POST post', 'POST ping']);
    // The entry still counts every write the call made (the realtime hint included).
    expect(entries[0]!.writes).toBe(2);
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  });

  it('the manifest refuses audit on a GET route and a searchable bookkeeping collection', () => {
    const get = manifestSchema.safeParse(testManifest('x', { routes: [{ method: 'GET', path: 'a', audit: 'writes' }] }));
    expect(get.success).toBe(false);
    expect(JSON.stringify(get.error?.issues)).toContain('never audited');
    const book = manifestSchema.safeParse(testManifest('x', { collections: [{ name: 'reads', bookkeeping: true, search: ['name'] }] }));
    expect(book.success).toBe(false);
    expect(JSON.stringify(book.error?.issues)).toContain('bookkeeping');
  });

  it('collab: typing and read receipts leave no audit entry; posting, editing and deleting a message do', async () => {
    const built = await buildPlugin(COLLAB);
    await env.install(makeBundle(built.manifest, built.code));
    await env.enable('a', 'collab', (built.manifest as { permissions: string[] }).permissions);
    const finance = await env.login('a.finance');
    const api = async (path: string, body: unknown) => {
      const res = await env.call('POST', `/api/units/a/plugins/collab/routes/${path}`, { token: finance, body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as Record<string, any>;
    };
    const opened = await api('threads', { title: '审计量测试', text: '第一条' });
    const threadId = opened.thread.id as string;
    const before = (await routeAudits('collab')).length;
    await api(`threads/${threadId}/typing`, {});
    await api(`threads/${threadId}/read`, {});
    await api(`threads/${threadId}/typing`, {});
    expect((await routeAudits('collab')).length).toBe(before);
    const posted = await api(`threads/${threadId}/messages`, { text: '第二条' });
    await api(`threads/${threadId}/messages/${posted.message.id}/edit`, { text: '第二条（改）' });
    await api(`threads/${threadId}/messages/${posted.message.id}/delete`, {});
    const routes = (await routeAudits('collab')).slice(before).map((e) => e.route);
    expect(routes).toEqual(['POST threads/:threadId/messages', 'POST threads/:threadId/messages/:messageId/edit', 'POST threads/:threadId/messages/:messageId/delete']);
  }, 60_000);
});
