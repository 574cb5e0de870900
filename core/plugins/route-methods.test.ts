import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';
import { makeBundle } from '../../sdk/bundle.js';
import { manifestSchema } from '../../sdk/manifest.js';

/**
 * Host API 1.1.0 through the harness (the real core and sandbox): PUT and DELETE plugin routes (writes
 * like POST: params and body reach the plugin, default roles refuse auditors, audited), GET still
 * read-only; and `host.shared.query` — a collection another plugin shares, read-only, grant-checked,
 * in the caller's unit only, and answered only while the sharing plugin is enabled there.
 */
const OWNER_SOURCE = `
return {
  routes: {
    'POST notes': async (req, host) => { await host.storage.put('notes', req.body.id, { projectId: req.body.projectId, text: req.body.text }); return { ok: true }; },
  },
};`;
const owner = {
  id: 'share-owner', name: { zh: '共享方', en: 'Owner' }, version: '1.0.0', engine: '^1.1.0',
  permissions: ['routes', 'storage'],
  routes: [{ method: 'POST', path: 'notes' }],
  collections: [{ name: 'notes', indexes: ['projectId'] }, { name: 'secrets', indexes: [] }],
  shares: ['notes'],
};

const SOURCE = `
const attempt = async (fn) => { try { return { value: await fn() }; } catch (e) { return { error: { code: e.code, status: e.status } }; } };
return {
  routes: {
    'PUT items/:itemId': async (req, host) => { await host.storage.put('items', req.params.itemId, { body: req.body }); return { method: req.method, params: req.params, body: req.body }; },
    'DELETE items/:itemId': async (req, host) => ({ method: req.method, params: req.params, body: req.body, deleted: await host.storage.delete('items', req.params.itemId) }),
    'GET items/:itemId': async (req, host) => attempt(() => host.storage.put('items', req.params.itemId, { sneaky: true })),
    'GET shared': async (req, host) => attempt(() => host.shared.query(req.query.plugin || 'share-owner', req.query.collection || 'notes', req.query.projectId ? { projectId: Number(req.query.projectId) } : {})),
  },
};`;
const manifest = {
  id: 'method-probe', name: { zh: '方法探针', en: 'Method probe' }, version: '1.0.0', engine: '^1.1.0',
  permissions: ['routes', 'storage', 'shared.read'],
  routes: [
    { method: 'PUT', path: 'items/:itemId' },
    { method: 'DELETE', path: 'items/:itemId' },
    { method: 'GET', path: 'items/:itemId' },
    { method: 'GET', path: 'shared' },
  ],
  collections: [{ name: 'items', indexes: [] }],
  reads: [{ plugin: 'share-owner', collection: 'notes' }, { plugin: 'share-owner', collection: 'secrets' }],
};

const wrap = (source: string) => `var __plugin = (function () {\n${source}\n})();`;
let h: PluginHarness;
beforeAll(async () => {
  h = await createPluginHarness({ bundle: makeBundle(manifest, wrap(SOURCE)), units: ['a', 'b'] });
  await h.install(makeBundle(owner, wrap(OWNER_SOURCE)));
}, 120_000);
afterAll(async () => h?.close());

const base = (unit = 'a') => `/api/units/${unit}/plugins/method-probe/routes`;

describe('PUT and DELETE plugin routes', () => {
  it('reach the plugin with the path parameters and the JSON body, and are audited like POST', async () => {
    const put = await h.http('PUT', `${base()}/items/x-1`, { as: 'a.finance', body: { name: '目标', weight: 40 } });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ method: 'PUT', params: { itemId: 'x-1' }, body: { name: '目标', weight: 40 } });
    expect((await h.documents('items')).map((d) => d.id)).toEqual(['x-1']);
    const del = await h.http('DELETE', `${base()}/items/x-1`, { as: 'a.finance', body: { reason: '重复' } });
    expect(await del.json()).toEqual({ method: 'DELETE', params: { itemId: 'x-1' }, body: { reason: '重复' }, deleted: true });
    expect(await h.documents('items')).toEqual([]);
    const audited = (await h.audit({ action: 'plugin.method-probe.route' })).map((e) => (e.after as { route: string }).route);
    expect(audited).toEqual(expect.arrayContaining(['PUT items/:itemId', 'DELETE items/:itemId']));
    // The harness's route() speaks them too.
    expect(await h.route('PUT', 'items/y-2', { as: 'a.head', body: { n: 1 } })).toMatchObject({ method: 'PUT', params: { itemId: 'y-2' } });
  });

  it('are refused to read-only roles by default (an auditor), before any plugin code runs', async () => {
    for (const method of ['PUT', 'DELETE'] as const) {
      const res = await h.http(method, `${base()}/items/z-9`, { as: 'a.auditor', body: {} });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PLUGIN_ROLE_REQUIRED');
    }
    expect((await h.documents('items')).some((d) => d.id === 'z-9')).toBe(false);
  });

  it('keep GET read-only: a write during a GET is refused, and an undeclared method is not found', async () => {
    const got = (await (await h.http('GET', `${base()}/items/w-1`, { as: 'a.finance' })).json()) as { error: unknown };
    expect(got.error).toMatchObject({ code: 'PLUGIN_READ_ONLY', status: 403 });
    expect((await h.documents('items')).some((d) => d.id === 'w-1')).toBe(false);
    const res = await h.http('DELETE', `${base()}/shared`, { as: 'a.finance' });
    expect(res.status).toBe(404);
  });

  it('are declared with the default write roles', () => {
    const parsed = manifestSchema.parse(manifest);
    expect(parsed.routes.map((r) => r.method)).toEqual(['PUT', 'DELETE', 'GET', 'GET']);
    expect(manifestSchema.safeParse({ ...manifest, routes: [{ method: 'PATCH', path: 'x' }] }).success).toBe(false);
  });
});

describe('host.shared.query', () => {
  const shared = async (query: Record<string, string>, unit = 'a') => (await h.route('GET', 'shared', { unitId: unit, as: `${unit}.finance`, query }));

  it('answers not-enabled until the sharing plugin is enabled in the unit', async () => {
    expect((await shared({})).error).toMatchObject({ code: 'PLUGIN_SHARED_NOT_ENABLED', status: 404 });
  });

  it('reads the shared collection of the caller’s unit only, read-only, filtered on its indexes', async () => {
    await h.enablePlugin('share-owner', 'a');
    await h.enablePlugin('share-owner', 'b');
    await h.http('POST', '/api/units/a/plugins/share-owner/routes/notes', { as: 'a.finance', body: { id: 'n1', projectId: 7, text: 'a 的里程碑' } });
    await h.http('POST', '/api/units/a/plugins/share-owner/routes/notes', { as: 'a.finance', body: { id: 'n2', projectId: 8, text: 'a 的另一条' } });
    const a = await shared({ projectId: '7' });
    expect(a.value.map((d: { id: string; data: unknown }) => [d.id, d.data])).toEqual([['n1', { projectId: 7, text: 'a 的里程碑' }]]);
    expect((await shared({})).value).toHaveLength(2);
    // Unit b has the same plugins enabled but none of a's documents.
    expect((await shared({}, 'b')).value).toEqual([]);
  });

  it('refuses what the owner does not share, what the reader did not declare, and a reader without the grant', async () => {
    expect((await shared({ collection: 'secrets' })).error).toMatchObject({ code: 'PLUGIN_SHARED_NOT_SHARED', status: 403 });
    expect((await shared({ plugin: 'other-plugin' })).error).toMatchObject({ code: 'PLUGIN_SHARED_NOT_DECLARED', status: 403 });
    await h.enable('b', { grants: ['routes', 'storage'] });
    expect((await shared({}, 'b')).error).toMatchObject({ code: 'PLUGIN_PERMISSION_DENIED', status: 403 });
  });

  it('checks the manifests: shares names a collection, reads needs shared.read', () => {
    expect(manifestSchema.safeParse({ ...owner, shares: ['nothing'] }).success).toBe(false);
    expect(manifestSchema.safeParse({ ...manifest, permissions: ['routes', 'storage'] }).success).toBe(false);
  });
});
