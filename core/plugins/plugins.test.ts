import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle } from '../../sdk/bundle.js';
import { auditCount } from '../../test/support/kernel.js';
import { issue, submitPayment } from '../../test/support/ledger.js';
import { createPluginEnv, pluginCode, testBundle, testManifest, type PluginTestEnv } from '../../test/support/plugins.js';

let env: PluginTestEnv;
let sys: string;
beforeAll(async () => {
  env = await createPluginEnv();
  sys = await env.login('sysadmin');
});
afterAll(async () => env.close());

const lastAudit = async () =>
  env.kernel.db.selectFrom('audit_log').select(['action', 'entity_id', 'unit_id']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();

describe('install', () => {
  it('refuses a bundle whose hash does not match, an invalid manifest, an incompatible engine, bad code', async () => {
    const good = testBundle('hash-check', 'return {};');
    let r = await env.call('POST', '/api/plugins', { token: sys, body: { ...good, code: good.code + ' ' } });
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_HASH_MISMATCH']);
    r = await env.call('POST', '/api/plugins', { token: sys, body: makeBundle({ ...testManifest('bad-manifest'), version: 'one' }, 'var __plugin = {};') });
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_BUNDLE_INVALID']);
    expect(r.body.error.message).toContain('version');
    r = await env.call('POST', '/api/plugins', { token: sys, body: makeBundle(testManifest('future', { engine: '^2.0.0' }) as Record<string, unknown>, 'var __plugin = {};') });
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_ENGINE_INCOMPATIBLE']);
    expect(r.body.error.message).toContain('^2.0.0');
    r = await env.call('POST', '/api/plugins', { token: sys, body: makeBundle(testManifest('syntax') as Record<string, unknown>, 'var __plugin = {;') });
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_BUNDLE_INVALID']);
    r = await env.call('POST', '/api/plugins', { token: sys, body: makeBundle(testManifest('perm-missing', { permissions: [], validators: ['payment.validate'] }) as Record<string, unknown>, 'var __plugin = {};') });
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_BUNDLE_INVALID']);
  });

  it('verifies ed25519 signatures against trusted publishers; unsigned bundles only when allowed', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const signed = makeBundle(testManifest('signed') as Record<string, unknown>, pluginCode('return {};'), { publisher: 'acme', privateKeyPem: priv });
    let r = await env.call('POST', '/api/plugins', { token: sys, body: signed });
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_SIGNATURE_INVALID']);
    r = await env.call('PUT', '/api/plugins/trust', { token: sys, body: { addPublisher: { name: 'acme', publicKey: pub }, allowUnsigned: false } });
    expect(r.status).toBe(200);
    const tampered = { ...signed, manifest: { ...signed.manifest, permissions: ['ledger.read', 'storage', 'events', 'validators', 'notify', 'realtime', 'routes', 'views', 'log', 'schedule'] } };
    r = await env.call('POST', '/api/plugins', { token: sys, body: tampered });
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_SIGNATURE_INVALID']);
    r = await env.call('POST', '/api/plugins', { token: sys, body: signed });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ pluginId: 'signed', version: '1.0.0', signedBy: 'acme', compatible: true });
    expect(await lastAudit()).toMatchObject({ action: 'plugin.install', entity_id: 'signed@1.0.0' });
    r = await env.call('POST', '/api/plugins', { token: sys, body: testBundle('unsigned', 'return {};') });
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_UNSIGNED_REFUSED']);
    r = await env.call('POST', '/api/plugins', { token: sys, body: signed });
    expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_VERSION_EXISTS']);
    await env.call('PUT', '/api/plugins/trust', { token: sys, body: { allowUnsigned: true } });
  });
});

describe('per-unit enable, grants, settings, dependencies', () => {
  it('lists installed plugins with state and requested permissions; grants must be a subset', async () => {
    await env.install(testBundle('notes', 'return { routes: { "GET hello": (req, host) => ({ unit: host.unitId, who: req.user.username, mode: host.settings.mode }) } };', {
      permissions: ['routes', 'storage'], routes: [{ method: 'GET', path: 'hello' }],
      settings: [{ key: 'mode', label: { zh: '模式', en: 'Mode' }, type: 'select', options: [{ value: 'x', label: 'X' }, { value: 'y', label: 'Y' }], default: 'x' }],
    }));
    const admin = await env.login('a.admin');
    let r = await env.call('GET', '/api/units/a/plugins', { token: await env.login('a.staff') });
    expect(r.status).toBe(200);
    expect(r.body.find((p: any) => p.pluginId === 'notes')).toMatchObject({ state: 'available', requestedPermissions: ['routes', 'storage'], compatible: true });
    expect(r.body.find((p: any) => p.pluginId === 'notes').versions).toEqual([expect.objectContaining({ version: '1.0.0', permissions: ['routes', 'storage'] })]);
    const before = await auditCount(env);
    r = await env.call('POST', '/api/units/a/plugins/notes/enable', { token: admin, body: { grants: ['routes', 'notify'] } });
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_GRANT_NOT_REQUESTED']);
    r = await env.call('POST', '/api/units/a/plugins/notes/enable', { token: admin, body: { grants: ['routes'], settings: { mode: 'z' } } });
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_SETTINGS_INVALID']);
    expect(await auditCount(env)).toBe(before);
    r = await env.call('POST', '/api/units/a/plugins/notes/enable', { token: admin, body: { grants: ['routes'], settings: { mode: 'y' } } });
    expect(r.status).toBe(200);
    expect(await lastAudit()).toMatchObject({ action: 'plugin.enable', unit_id: 'a', entity_id: 'a:notes' });
    r = await env.call('GET', '/api/units/a/plugins/notes/routes/hello', { token: await env.login('a.staff') });
    expect(r.body).toEqual({ unit: 'a', who: 'a.staff', mode: 'y' });
    // b never enabled it
    r = await env.call('GET', '/api/units/b/plugins/notes/routes/hello', { token: await env.login('b.staff') });
    expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_NOT_ENABLED']);
    r = await env.call('POST', '/api/units/a/plugins/notes/disable', { token: admin });
    expect(r.status).toBe(200);
    expect(await lastAudit()).toMatchObject({ action: 'plugin.disable' });
    r = await env.call('GET', '/api/units/a/plugins/notes/routes/hello', { token: await env.login('a.staff') });
    expect(r.status).toBe(409);
  });

  it('enables dependencies in order and refuses to disable a plugin another depends on', async () => {
    await env.install(testBundle('base-lib', 'return {};', { permissions: [] }));
    await env.install(testBundle('uses-lib', 'return {};', { permissions: [], dependencies: { 'base-lib': '^1.0.0' } }));
    const admin = await env.login('a.admin');
    let r = await env.call('POST', '/api/units/a/plugins/uses-lib/enable', { token: admin, body: { grants: [] } });
    expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_DEPENDENCY_MISSING']);
    await env.enable('a', 'base-lib', []);
    await env.enable('a', 'uses-lib', []);
    r = await env.call('POST', '/api/units/a/plugins/base-lib/disable', { token: admin });
    expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_DEPENDED_ON']);
  });

  it('keeps several versions; upgrade runs the plugin migration for the unit; an incompatible version is shown as such', async () => {
    const source = (v: string) => `return {
      migrate: async (host, { from, to }) => { await host.storage.put('docs', 'migrations:' + to, { kind: 'migration', from, to }); },
      routes: { 'GET version': async (req, host) => ({ version: '${v}', migrations: (await host.storage.query('docs', { kind: 'migration' })).map((d) => d.data) }) },
    };`;
    const m = { permissions: ['storage', 'routes'] as any, routes: [{ method: 'GET' as const, path: 'version' }] };
    await env.install(testBundle('versioned', source('1.0.0'), m));
    await env.install(makeBundle({ ...testManifest('versioned', m), version: '1.1.0' } as Record<string, unknown>, pluginCode(source('1.1.0'))));
    await env.enable('a', 'versioned', ['storage', 'routes'], { version: '1.0.0' });
    const staff = await env.login('a.staff');
    let r = await env.call('GET', '/api/units/a/plugins/versioned/routes/version', { token: staff });
    expect(r.body).toEqual({ version: '1.0.0', migrations: [{ kind: 'migration', from: null, to: '1.0.0' }] });
    await env.enable('a', 'versioned', ['storage', 'routes']);
    expect(await lastAudit()).toMatchObject({ action: 'plugin.upgrade' });
    r = await env.call('GET', '/api/units/a/plugins/versioned/routes/version', { token: staff });
    expect(r.body.version).toBe('1.1.0');
    expect(r.body.migrations).toContainEqual({ kind: 'migration', from: '1.0.0', to: '1.1.0' });
    // After a core upgrade (host API 2.0.0) the ^1 plugin is listed as incompatible and not loaded.
    process.env.UNIBUDGET_PLUGIN_HOST_API = '2.0.0';
    try {
      r = await env.call('GET', '/api/units/a/plugins', { token: staff });
      const listed = r.body.find((p: any) => p.pluginId === 'versioned');
      expect(listed.compatible).toBe(false);
      expect(listed.versions[0].incompatibleReason).toContain('2.0.0');
      r = await env.call('POST', '/api/units/b/plugins/versioned/enable', { token: await env.login('b.admin'), body: { grants: [] } });
      expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_ENGINE_INCOMPATIBLE']);
    } finally {
      delete process.env.UNIBUDGET_PLUGIN_HOST_API;
    }
  });

  it('uninstalls only when no unit uses it, keeping or purging data', async () => {
    await env.plugin('gone', "return { routes: { 'POST save': async (req, host) => { await host.storage.put('docs', 'x', { kind: 'k' }); return { ok: true }; } } };", { permissions: ['storage', 'routes'], routes: [{ method: 'POST', path: 'save' }] });
    let r = await env.call('POST', '/api/units/a/plugins/gone/routes/save', { token: await env.login('a.staff'), body: {} });
    expect(r.body).toEqual({ ok: true });
    r = await env.call('DELETE', '/api/plugins/gone?purge=true', { token: sys });
    expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_IN_USE']);
    await env.call('POST', '/api/units/a/plugins/gone/disable', { token: await env.login('a.admin') });
    r = await env.call('DELETE', '/api/plugins/gone?purge=true', { token: sys });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ dataPurged: true, purged: { docs: 1 } });
    expect(await lastAudit()).toMatchObject({ action: 'plugin.uninstall', entity_id: 'gone' });
    const docs = await env.kernel.db.selectFrom('plugin_docs').select('id').where('plugin_id', '=', 'gone').execute();
    expect(docs).toEqual([]);
  });
});

describe('validators inside the payment transaction', () => {
  it('ok / warn / block, and fail-open vs fail-closed on a fault', async () => {
    await env.plugin('limit-check', `return { validators: { 'payment.validate': (input) => {
      const amount = input.document.amount;
      if (amount >= 900000) { for (;;) {} }
      if (amount > 500000) return { result: 'block', message: '超过插件限额 5000 元' };
      if (amount > 100000) return { result: 'warn', message: '金额较大' };
      return { result: 'ok' };
    } } };`, { permissions: ['validators'], validators: ['payment.validate'] });
    const ind = await issue(env, { amount: 10_000_000 });
    let r = await submitPayment(env, ind.id, 50_000);
    expect(r.status).toBe(201);
    r = await submitPayment(env, ind.id, 200_000);
    expect(r.status).toBe(201);
    expect(r.body.warnings).toContainEqual(expect.objectContaining({ rule: 'plugin:limit-check', severity: 'warn', message: '金额较大' }));
    const before = await auditCount(env);
    r = await submitPayment(env, ind.id, 600_000);
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_VALIDATION_BLOCKED']);
    expect(r.body.error.message).toContain('超过插件限额');
    expect(await auditCount(env)).toBe(before);
    // fault, fail-open (default): the payment passes with a warning
    r = await submitPayment(env, ind.id, 950_000);
    expect(r.status).toBe(201);
    expect(r.body.warnings).toContainEqual(expect.objectContaining({ rule: 'plugin:limit-check', message: expect.stringContaining('PLUGIN_TIMEOUT') }));
    await env.enable('a', 'limit-check', ['validators'], { failMode: 'closed' });
    r = await submitPayment(env, ind.id, 950_000);
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_VALIDATION_BLOCKED']);
    await env.host.idle();
    // unit b has no plugin: untouched
    const indB = await issue(env, { unitId: 'b', amount: 10_000_000 });
    r = await submitPayment(env, indB.id, 600_000, {}, 'b.staff');
    expect(r.status).toBe(201);
  });
});

describe('views, metrics', () => {
  it('validates view specs and reports metrics over the API and Prometheus', async () => {
    await env.plugin('dash', `return { views: {
      main: async (ctx, host) => { const list = await host.ledger.indicators(); return { title: '概览', blocks: [
        { type: 'stat', label: '指标数', value: list.length },
        { type: 'table', columns: [{ key: 'name', label: '名称' }], rows: list.slice(0, 3).map((i) => ({ name: i.name })) },
        { type: 'pie', slices: [{ label: '已用', value: 1 }, { label: '可用', value: 2 }] },
        { type: 'markdown', text: '**hi**' },
      ] }; },
      broken: () => ({ blocks: [{ type: 'stat', label: 'x' }] }),
    } };`, { permissions: ['views', 'ledger.read'], views: [{ id: 'main', title: { zh: '概览', en: 'Overview' } }, { id: 'broken', title: { zh: '坏', en: 'Broken' } }] });
    const staff = await env.login('a.staff');
    let r = await env.call('GET', '/api/units/a/plugins/dash/views/main', { token: staff });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.blocks.map((b: any) => b.type)).toEqual(['stat', 'table', 'pie', 'markdown']);
    r = await env.call('GET', '/api/units/a/plugins/dash/views/broken', { token: staff });
    expect([r.status, r.body.error.code]).toEqual([500, 'PLUGIN_VIEW_INVALID']);
    r = await env.call('GET', '/api/units/a/plugins/dash/metrics', { token: await env.login('a.admin') });
    expect(r.body).toMatchObject({ pluginId: 'dash', calls: 3, state: 'enabled' }) // the enable-time migrate call and two views;
    expect(r.body.latencyMs.p50).toBeGreaterThan(0);
    expect(r.body.memoryBytes).toBeGreaterThan(0);
    r = await env.call('GET', '/api/metrics', { token: sys });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    expect(r.body).toContain('unibudget_plugin_calls_total{plugin="dash",unit="a"} 3');
    expect(r.body).toContain('unibudget_plugin_latency_ms{plugin="dash",unit="a",quantile="0.99"}');
    expect(r.body).toMatch(/^unibudget_command_retries_total \d+$/m);
  });
});

describe('notify', () => {
  it('a member named twice is one recipient, not a refusal', async () => {
    await env.plugin('notify-twice', "return { routes: { 'POST go': async (req, host) => { const u = req.query.user * 1; await host.notify({ title: 'twice', users: [u, u] }); return 'sent'; } } };",
      { permissions: ['notify', 'routes'], routes: [{ method: 'POST', path: 'go', summary: 'go' }] });
    const head = await env.kernel.db.selectFrom('users').select('id').where('username', '=', 'a.head').executeTakeFirstOrThrow();
    const r = await env.call('POST', `/api/units/a/plugins/notify-twice/routes/go?user=${head.id}`, { token: await env.login('a.staff') });
    expect([r.status, r.body]).toEqual([200, 'sent']);
    const rows = await env.kernel.db.selectFrom('notifications').select('user_id').where('source', '=', 'plugin:notify-twice').execute();
    expect(rows).toEqual([{ user_id: head.id }]);
  });
});

describe('schedule', () => {
  it('runs a job per unit every N minutes, once per period', async () => {
    await env.plugin('nightly', "return { schedule: { tally: async (host, input) => { await host.storage.put('docs', input.scheduledAt, { kind: 'run', unit: host.unitId }); } } };",
      { permissions: ['schedule', 'storage'], schedule: [{ name: 'tally', everyMinutes: 60 }] }, ['a', 'b']);
    const { DeliveryLoop } = await import('./delivery.js');
    const loop = new DeliveryLoop(env.host);
    const t0 = Date.parse('2026-06-15T08:00:00Z');
    expect(await loop.runSchedules(t0)).toBe(2);
    expect(await loop.runSchedules(t0 + 30 * 60_000)).toBe(0);
    expect(await loop.runSchedules(t0 + 61 * 60_000)).toBe(2);
    const runs = await env.kernel.db.selectFrom('plugin_docs').select(['unit_id']).where('plugin_id', '=', 'nightly').execute();
    expect(runs.map((r) => r.unit_id).sort()).toEqual(['a', 'a', 'b', 'b']);
  });
});

describe('cron schedule', () => {
  it('runs cron jobs per unit at their UTC slots; a slot before the enable never runs; missed slots after downtime run once', async () => {
    const source = "return { schedule: { nightly: async (host, run) => { await host.storage.put('docs', 'nightly:' + run.scheduledAt, { kind: 'nightly' }); }, monthly: async (host, run) => { await host.storage.put('docs', 'monthly:' + run.scheduledAt, { kind: 'monthly' }); } } };";
    await env.plugin('cron-jobs', source, { permissions: ['schedule', 'storage'], schedule: [{ name: 'nightly', cron: '0 2 * * *' }, { name: 'monthly', cron: '0 8 1 * *' }] }, ['a', 'b']);
    const row = await env.kernel.db.selectFrom('plugin_units').select('updated_at').where('plugin_id', '=', 'cron-jobs').where('unit_id', '=', 'a').executeTakeFirstOrThrow();
    const enabledAt = Date.parse(row.updated_at);
    const { DeliveryLoop } = await import('./delivery.js');
    const { nextRun } = await import('../../sdk/cron.js');
    const loop = new DeliveryLoop(env.host);
    const runs = async (unitId: string) =>
      (await env.kernel.db.selectFrom('plugin_docs').select('doc_id').where('plugin_id', '=', 'cron-jobs').where('unit_id', '=', unitId).orderBy('doc_id').execute()).map((r) => r.doc_id);
    await loop.runSchedules(enabledAt + 1000);
    expect(await runs('a')).toEqual([]);
    const night1 = nextRun('0 2 * * *', new Date(enabledAt))!.getTime();
    await loop.runSchedules(night1 + 5 * 60_000);
    await loop.runSchedules(night1 + 10 * 60_000);
    const firstNight = `nightly:${new Date(night1).toISOString()}`;
    expect((await runs('a')).filter((d) => d.startsWith('nightly'))).toEqual([firstNight]);
    expect((await runs('b')).filter((d) => d.startsWith('nightly'))).toEqual([firstNight]);
    // Down for three nights and back at 09:00: one catch-up run for the latest slot, not three.
    const back = night1 + 3 * 86_400_000 + 7 * 3_600_000;
    await loop.runSchedules(back);
    await loop.runSchedules(back + 60_000);
    const lastNight = `nightly:${new Date(night1 + 3 * 86_400_000).toISOString()}`;
    for (const unitId of ['a', 'b']) expect((await runs(unitId)).filter((d) => d.startsWith('nightly'))).toEqual([firstNight, lastNight]);
    // The monthly report runs on the 1st at 08:00, once, however often the loop looks.
    const month1 = nextRun('0 8 1 * *', new Date(back))!.getTime();
    await loop.runSchedules(month1 - 60_000);
    const monthlyBefore = (await runs('a')).filter((d) => d.startsWith('monthly'));
    await loop.runSchedules(month1);
    await loop.runSchedules(month1 + 30 * 60_000);
    const monthly = (await runs('a')).filter((d) => d.startsWith('monthly'));
    expect(monthly).toEqual([...monthlyBefore, `monthly:${new Date(month1).toISOString()}`]);
  });

  it('two schedulers looking at the same slot run the job once per unit', async () => {
    await env.plugin('cron-once', "return { schedule: { tick: async (host, run) => { const n = await host.storage.get('docs', run.scheduledAt); await host.storage.put('docs', run.scheduledAt, { kind: 'tick', n: n ? n.data.n + 1 : 1 }); } } };",
      { permissions: ['schedule', 'storage'], schedule: [{ name: 'tick', cron: '*/10 * * * *' }] }, ['a', 'b']);
    const { DeliveryLoop } = await import('./delivery.js');
    const { nextRun } = await import('../../sdk/cron.js');
    const slot = nextRun('*/10 * * * *', new Date(Date.now() + 60_000))!.getTime();
    await Promise.all([new DeliveryLoop(env.host).runSchedules(slot + 1000), new DeliveryLoop(env.host).runSchedules(slot + 2000), new DeliveryLoop(env.host).runSchedules(slot + 3000)]);
    const docs = await env.kernel.db.selectFrom('plugin_docs').select(['unit_id', 'doc_id', 'data']).where('plugin_id', '=', 'cron-once').orderBy('unit_id').execute();
    expect(docs.map((d) => [d.unit_id, d.doc_id, JSON.parse(d.data).n])).toEqual([['a', new Date(slot).toISOString(), 1], ['b', new Date(slot).toISOString(), 1]]);
  });
});
