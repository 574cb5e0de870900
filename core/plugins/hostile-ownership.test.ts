import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle, type Bundle } from '../../sdk/bundle.js';
import type { ManifestInput } from '../../sdk/manifest.js';
import * as m009 from '../db/migrations/009_plugin_owners.js';
import { createTestEnv } from '../../test/support/kernel.js';
import { latencyDuring, type LatencyFigures } from '../../test/support/latency.js';
import { issue, submitPayment } from '../../test/support/ledger.js';
import { createPluginEnv, pluginCode, testManifest, type PluginTestEnv } from '../../test/support/plugins.js';
import { fanOut, subscribed } from './fan-out.js';
import { PluginOwnerView } from '@unibudget/sdk/contracts/plugins';

/**
 * Hostile suite, plugin identity (issue 14, item 4): a plugin id is its storage's key, so it belongs
 * to the publisher that first installed it. A second trusted publisher shipping the same id (to read
 * the real plugin's data after an "upgrade") is refused at install with nothing written, enabling
 * without naming a version never picks another publisher's version, and only the system
 * administrator's audited transfer moves an id. Each attack runs while another unit's core route is
 * measured (p99 under 300 ms, no failures).
 */
let env: PluginTestEnv;
let sys: string;
const figures: Record<string, LatencyFigures> = {};

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
const FIRST = { name: 'unibudget-first-party', ...keyPair() };
const INTRUDER = { name: 'acme-intruder', ...keyPair() };

// The real plugin keeps a unit's notes; the impostor's "upgrade" dumps whatever the id's storage holds.
const REAL = "return { routes: { 'POST notes': async (req, host) => { await host.storage.put('docs', 'secret', { kind: 'note', text: req.body.text }); return { saved: true }; }, 'GET notes': async (req, host) => ({ version: 'real', note: await host.storage.get('docs', 'secret') }) } };";
const IMPOSTOR = "return { routes: { 'GET notes': async (req, host) => ({ version: 'impostor', stolen: await host.storage.query('docs', {}, { limit: 100 }) }) } };";
const NOTES: Partial<ManifestInput> = {
  permissions: ['routes', 'storage'], collections: [{ name: 'docs', indexes: ['kind'] }],
  routes: [{ method: 'POST', path: 'notes' }, { method: 'GET', path: 'notes' }],
};

function bundle(id: string, version: string, source: string, signer: { name: string; privateKeyPem: string } | null, extra: Partial<ManifestInput> = NOTES): Bundle {
  return makeBundle({ ...testManifest(id, extra), version } as Record<string, unknown>, pluginCode(source), signer ? { publisher: signer.name, privateKeyPem: signer.privateKeyPem } : undefined);
}

const install = (b: Bundle, headers: Record<string, string> = {}) => env.call('POST', '/api/plugins', { token: sys, body: b, headers });
const enable = async (unitId: string, pluginId: string, body: Record<string, unknown>) =>
  env.call('POST', `/api/units/${unitId}/plugins/${pluginId}/enable`, { token: await env.login(`${unitId}.admin`), body: { grants: ['routes', 'storage'], ...body } });
const transfer = (pluginId: string, publisher: string | null, token = sys) => env.call('PUT', `/api/plugins/${pluginId}/owner`, { token, body: { publisher } });
const versionIn = async (unitId: string, pluginId: string) =>
  (await env.kernel.db.selectFrom('plugin_units').select('version').where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst())?.version;
const installed = async (pluginId: string) =>
  (await env.kernel.db.selectFrom('plugin_packages').select('version').where('plugin_id', '=', pluginId).orderBy('id').execute()).map((r) => r.version);
const auditCount = async () => Number((await env.kernel.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/**
 * The attack, repeated at least `times` times and for at least `forMs`, while unit b's indicators are
 * read back to back (the probe shares this process's event loop with the attack).
 */
async function underAttack<T>(name: string, attack: () => Promise<T>, times = 20, forMs = 1500): Promise<T[]> {
  const measured = await latencyDuring(env, async () => {
    const out: T[] = [];
    const started = Date.now();
    while (out.length < times || Date.now() - started < forMs) {
      out.push(await attack());
      // In-memory SQLite answers without I/O: let the probe's timer in between two attempts, as a socket would.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return out;
  });
  figures[name] = measured;
  expect(measured.failures, name).toBe(0);
  expect(measured.count, name).toBeGreaterThanOrEqual(20);
  expect(measured.p99, `${name}: p99 ${measured.p99.toFixed(1)} ms`).toBeLessThan(300);
  return measured.result as T[];
}

beforeAll(async () => {
  env = await createPluginEnv();
  sys = await env.login('sysadmin');
  for (const p of [FIRST, INTRUDER]) {
    const r = await env.call('PUT', '/api/plugins/trust', { token: sys, body: { addPublisher: { name: p.name, publicKey: p.publicKey } } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
});
afterAll(async () => {
  console.log(`hostile-ownership latency of unit b's GET /indicators during each attack (ms): ${JSON.stringify(Object.fromEntries(
    Object.entries(figures).map(([k, f]) => [k, { count: f.count, p50: Math.round(f.p50 * 10) / 10, p99: Math.round(f.p99 * 10) / 10, max: Math.round(f.max * 10) / 10, failures: f.failures }]),
  ))}`);
  await env.close();
});

describe('a plugin id belongs to the publisher that first installed it', () => {
  it('O1 a second trusted publisher signs hello-budget@9.9.9: refused, nothing written, the real plugin keeps its data; after a transfer it installs', async () => {
    expect((await install(bundle('hello-budget', '0.2.0', REAL, FIRST))).status).toBe(201);
    for (const unit of ['a', 'b']) expect((await enable(unit, 'hello-budget', {})).status).toBe(200);
    const saved = await env.call('POST', '/api/units/b/plugins/hello-budget/routes/notes', { token: await env.login('b.finance'), body: { text: '乙单位的内部记录' } });
    expect(saved.body).toEqual({ saved: true });

    const impostor = bundle('hello-budget', '9.9.9', IMPOSTOR, INTRUDER);
    const before = { audit: await auditCount(), owners: await env.kernel.db.selectFrom('plugin_owners').selectAll().execute() };
    const refusals = await underAttack('O1 second publisher installs hello-budget@9.9.9', () => install(impostor));
    for (const r of refusals) {
      expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_ID_OWNED_BY_OTHER']);
      expect(r.body.error.details).toMatchObject({ pluginId: 'hello-budget', owner: FIRST.name, publisher: INTRUDER.name });
    }
    expect(refusals[0]!.body.error.message).toContain(`「${FIRST.name}」`);
    const en = await install(impostor, { 'accept-language': 'en' });
    expect(en.body.error.message).toBe(`The plugin id hello-budget belongs to publisher "${FIRST.name}"; a bundle from publisher "${INTRUDER.name}" is refused. The system administrator can transfer the id`);
    // Nothing written: no package, no audit entry, the owner row as it was.
    expect(await installed('hello-budget')).toEqual(['0.2.0']);
    expect(await auditCount()).toBe(before.audit);
    expect(await env.kernel.db.selectFrom('plugin_owners').selectAll().execute()).toEqual(before.owners);

    // An unsigned bundle (this system allows them) never takes a publisher's id either.
    const unsigned = await install(bundle('hello-budget', '9.9.8', IMPOSTOR, null));
    expect([unsigned.status, unsigned.body.error.code, unsigned.body.error.details.publisher]).toEqual([409, 'PLUGIN_ID_OWNED_BY_OTHER', null]);
    expect(unsigned.body.error.message).toContain('未签名的插件包');

    // b.admin enabling without naming a version stays on the real plugin; the impostor's version does not exist.
    expect((await enable('b', 'hello-budget', {})).body.version).toBe('0.2.0');
    expect((await enable('b', 'hello-budget', { version: '9.9.9' })).body.error.code).toBe('PLUGIN_NOT_FOUND');
    const read = await env.call('GET', '/api/units/b/plugins/hello-budget/routes/notes', { token: await env.login('b.finance') });
    expect(read.body).toMatchObject({ version: 'real', note: { data: { text: '乙单位的内部记录' } } });

    // Only the system administrator transfers an id, only to a trusted publisher, and it is audited.
    expect((await transfer('hello-budget', INTRUDER.name, await env.login('b.admin'))).status).toBe(403);
    const unknown = await transfer('hello-budget', 'nobody-we-trust');
    expect([unknown.status, unknown.body.error.code]).toEqual([422, 'PLUGIN_PUBLISHER_UNKNOWN']);
    const moved = await transfer('hello-budget', INTRUDER.name);
    expect([moved.status, moved.body]).toEqual([200, expect.objectContaining({ pluginId: 'hello-budget', publisher: INTRUDER.name, how: 'transfer' })]);
    const entry = await env.kernel.db.selectFrom('audit_log').selectAll().where('action', '=', 'plugin.owner').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect([entry.entity_id, JSON.parse(entry.before_json).publisher, JSON.parse(entry.after_json)]).toEqual(['hello-budget', FIRST.name, { publisher: INTRUDER.name }]);
    // The sysadmin's decision: now the new owner's bundle installs, and the former owner's is refused.
    expect((await install(impostor)).status).toBe(201);
    expect((await install(bundle('hello-budget', '0.3.0', REAL, FIRST))).body.error.code).toBe('PLUGIN_ID_OWNED_BY_OTHER');
  });

  it('O2 enabling without naming a version never picks another publisher’s version; a named one only if the unit has it already', async () => {
    // hello-budget: 0.2.0 (first party, in units a and b) and 9.9.9 (acme, owner since the transfer).
    let listed = (await env.call('GET', '/api/units/a/plugins', { token: await env.login('a.admin') })).body.find((p: any) => p.pluginId === 'hello-budget');
    expect(listed).toMatchObject({ ownedBy: INTRUDER.name, latestVersion: '9.9.9', version: '0.2.0' });
    expect(listed.versions.map((v: any) => [v.version, v.signedBy, v.fromOwner])).toEqual([['9.9.9', INTRUDER.name, true], ['0.2.0', FIRST.name, false]]);
    // Unit a keeps its version until its admin chooses: re-enabling 0.2.0 (settings, after the breaker) works.
    expect((await enable('a', 'hello-budget', { version: '0.2.0' })).status).toBe(200);
    // Transferred back: the default is the first party's version again, never acme's newer 9.9.9.
    expect((await transfer('hello-budget', FIRST.name)).status).toBe(200);
    listed = (await env.call('GET', '/api/units/b/plugins', { token: await env.login('b.admin') })).body.find((p: any) => p.pluginId === 'hello-budget');
    expect(listed).toMatchObject({ ownedBy: FIRST.name, latestVersion: '0.2.0' });
    const results = await underAttack('O2 enable without a version while another publisher has a newer one', async () => (await enable('b', 'hello-budget', {})).body.version, 10);
    expect(new Set(results)).toEqual(new Set(['0.2.0']));
    // Naming the other publisher's version in a unit that does not have it is refused.
    const named = await enable('b', 'hello-budget', { version: '9.9.9' });
    expect([named.status, named.body.error.code, named.body.error.details]).toEqual([409, 'PLUGIN_VERSION_NOT_FROM_OWNER', expect.objectContaining({ version: '9.9.9', signedBy: INTRUDER.name, owner: FIRST.name })]);
    expect(await versionIn('b', 'hello-budget')).toBe('0.2.0');
    const read = await env.call('GET', '/api/units/b/plugins/hello-budget/routes/notes', { token: await env.login('b.finance') });
    expect(read.body.version).toBe('real');
    // The packages list says who owns the id and which versions come from the owner.
    const packages = (await env.call('GET', '/api/plugins', { token: sys })).body.filter((p: any) => p.pluginId === 'hello-budget');
    expect(packages.map((p: any) => [p.version, p.ownedBy, p.fromOwner])).toEqual([['0.2.0', FIRST.name, true], ['9.9.9', FIRST.name, false]]);
  });

  it('O3 two publishers race to claim a new id: exactly one wins, the other is refused with nothing written', async () => {
    const results = await underAttack('O3 racing first installs of a new id', async () => {
      const id = `race-${Math.random().toString(36).slice(2, 8)}`;
      const [x, y] = await Promise.all([install(bundle(id, '1.0.0', REAL, FIRST)), install(bundle(id, '1.0.0', IMPOSTOR, INTRUDER))]);
      return { id, statuses: [x.status, y.status].sort(), codes: [x, y].filter((r) => r.status !== 201).map((r) => r.body.error.code) };
    }, 8);
    for (const r of results) {
      expect(r.statuses).toEqual([201, 409]);
      expect(r.codes).toEqual(['PLUGIN_ID_OWNED_BY_OTHER']);
      const owner = await env.kernel.db.selectFrom('plugin_owners').select('publisher').where('plugin_id', '=', r.id).executeTakeFirstOrThrow();
      const signers = await env.kernel.db.selectFrom('plugin_packages').select('signed_by').where('plugin_id', '=', r.id).execute();
      expect(signers).toEqual([{ signed_by: owner.publisher }]);
    }
  });

  it('O4 an id first installed unsigned is taken by no publisher without a transfer; ownership outlives uninstall', async () => {
    expect((await install(bundle('local-tool', '1.0.0', REAL, null))).status).toBe(201);
    expect((await install(bundle('local-tool', '1.1.0', REAL, null))).status).toBe(201);
    const taken = await install(bundle('local-tool', '2.0.0', IMPOSTOR, INTRUDER));
    expect([taken.status, taken.body.error.code, taken.body.error.details.owner]).toEqual([409, 'PLUGIN_ID_OWNED_BY_OTHER', null]);

    // The first party's plugin is uninstalled with its data kept: the id and its data stay the first party's.
    expect((await install(bundle('kept-data', '1.0.0', REAL, FIRST))).status).toBe(201);
    expect((await enable('a', 'kept-data', {})).status).toBe(200);
    await env.call('POST', '/api/units/a/plugins/kept-data/routes/notes', { token: await env.login('a.finance'), body: { text: 'kept' } });
    expect((await env.call('POST', '/api/units/a/plugins/kept-data/disable', { token: await env.login('a.admin') })).status).toBe(200);
    expect((await env.call('DELETE', '/api/plugins/kept-data', { token: sys })).status).toBe(200);
    const squat = await underAttack('O4 second publisher installs an uninstalled id with kept data', () => install(bundle('kept-data', '9.0.0', IMPOSTOR, INTRUDER)), 10);
    for (const r of squat) expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_ID_OWNED_BY_OTHER']);
    expect(await installed('kept-data')).toEqual([]);
    expect((await install(bundle('kept-data', '1.0.1', REAL, FIRST))).status).toBe(201);

    // A reserved id cannot be given to anyone; an id nobody has installed may be reserved ahead.
    expect((await transfer('core', FIRST.name)).status).toBe(400);
    expect((await transfer('future-tool', FIRST.name)).body).toMatchObject({ pluginId: 'future-tool', publisher: FIRST.name });
    expect((await install(bundle('future-tool', '1.0.0', IMPOSTOR, INTRUDER))).body.error.code).toBe('PLUGIN_ID_OWNED_BY_OTHER');
    const owners = (await env.call('GET', '/api/plugins/owners', { token: sys })).body;
    expect(owners.filter((o: any) => ['future-tool', 'kept-data', 'local-tool'].includes(o.pluginId)).map((o: any) => [o.pluginId, o.publisher, o.how]))
      .toEqual([['future-tool', FIRST.name, 'transfer'], ['kept-data', FIRST.name, 'install'], ['local-tool', null, 'install']]);
    expect(PluginOwnerView.array().safeParse(owners).error).toBeUndefined();
    // Who installed or transferred each id, by id and by name.
    const admin = await env.kernel.db.selectFrom('users').select(['id', 'display_name']).where('username', '=', 'sysadmin').executeTakeFirstOrThrow();
    for (const id of ['future-tool', 'kept-data', 'local-tool']) {
      expect(owners.find((o: any) => o.pluginId === id)).toMatchObject({ assignedBy: admin.id, assignedByName: admin.display_name });
    }
    expect((await env.call('GET', '/api/plugins/owners', { token: await env.login('a.admin') })).status).toBe(403);
  });
});

describe('friction found by a specialist', () => {
  it('a declared view the unit did not grant `views` for answers 403 PLUGIN_VIEW_NOT_GRANTED; an undeclared one 404', async () => {
    const source = "return { routes: { 'GET go': () => ({ ok: true }) }, views: { overview: () => ({ blocks: [] }) } };";
    await env.install(makeBundle(testManifest('viewer', { permissions: ['routes', 'views'], routes: [{ method: 'GET', path: 'go' }], views: [{ id: 'overview', title: { zh: '概览', en: 'Overview' } }] }) as Record<string, unknown>, pluginCode(source)));
    await env.enable('a', 'viewer', ['routes']);
    const staff = await env.login('a.staff');
    const refused = await env.call('GET', '/api/units/a/plugins/viewer/views/overview', { token: staff });
    expect([refused.status, refused.body.error.code, refused.body.error.details]).toEqual([403, 'PLUGIN_VIEW_NOT_GRANTED', { pluginId: 'viewer', viewId: 'overview' }]);
    expect(refused.body.error.message).toContain('views');
    const missing = await env.call('GET', '/api/units/a/plugins/viewer/views/other', { token: staff });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'PLUGIN_ROUTE_NOT_FOUND']);
    await env.enable('a', 'viewer', ['routes', 'views']);
    expect((await env.call('GET', '/api/units/a/plugins/viewer/views/overview', { token: staff })).status).toBe(200);
  });

  it("a manifest may subscribe to '*' (every event), the key a catch-all handler has; author is optional", async () => {
    expect(subscribed(['*'], 'period.closed')).toBe(true);
    expect(subscribed(['payment.*'], 'transfer.approved')).toBe(false);
    const source = "return { events: { '*': async (event, host) => { await host.storage.put('docs', event.id, { kind: event.type }); } } };";
    const manifest = testManifest('catch-all', { permissions: ['events', 'storage'], events: ['*'] }) as Record<string, unknown>;
    delete manifest.author;
    await env.install(makeBundle(manifest, pluginCode(source)));
    await env.enable('a', 'catch-all', ['events', 'storage']);
    const listed = (await env.call('GET', '/api/units/a/plugins', { token: await env.login('a.admin') })).body.find((p: any) => p.pluginId === 'catch-all');
    expect(listed.author).toBe('');
    const ind = await issue(env, { amount: 5_000_000 });
    expect((await submitPayment(env, ind.id, 12_300)).status).toBe(201);
    await fanOut(env.host);
    const queued = await env.kernel.db.selectFrom('plugin_deliveries').select('type').where('plugin_id', '=', 'catch-all').execute();
    expect(queued.map((q) => q.type)).toEqual(expect.arrayContaining(['indicator.issued', 'payment.submitted']));
  });
});

describe('migration 009 gives existing installations their owner', () => {
  it('the signer of the first installed version owns the id; an id with data but no version belongs to unsigned bundles', async () => {
    const probe = await createTestEnv({}, { seed: false });
    try {
      const db = probe.kernel.db;
      await m009.down(db);
      const row = (plugin_id: string, version: string, signed_by: string | null, installed_at: string) => ({
        plugin_id, version, signed_by, installed_at, manifest: '{}', code: 'var __plugin = {};', sha256: '0'.repeat(64), installed_by: null,
      });
      // The attack of issue 14 already happened here: acme's 9.9.9 was installed after the first party's 0.2.0.
      await db.insertInto('plugin_packages').values([
        row('hello-budget', '0.2.0', 'unibudget-first-party-demo', '2026-01-01T00:00:00.000Z'),
        row('analytics', '0.2.0', 'unibudget-first-party-demo', '2026-01-01T00:00:01.000Z'),
        row('hello-budget', '9.9.9', 'acme-intruder', '2026-02-01T00:00:00.000Z'),
        row('homemade', '1.0.0', null, '2026-01-02T00:00:00.000Z'),
      ]).execute();
      await db.insertInto('plugin_docs').values({ plugin_id: 'uninstalled', unit_id: 'a', collection: 'docs', doc_id: 'x', data: '{}', idx0: null, idx1: null, idx2: null, updated_at: '2026-01-03T00:00:00.000Z' }).execute();
      await m009.up(db);
      const owners = await db.selectFrom('plugin_owners').select(['plugin_id', 'publisher', 'how']).orderBy('plugin_id').execute();
      expect(owners).toEqual([
        { plugin_id: 'analytics', publisher: 'unibudget-first-party-demo', how: 'migration' },
        { plugin_id: 'hello-budget', publisher: 'unibudget-first-party-demo', how: 'migration' },
        { plugin_id: 'homemade', publisher: null, how: 'migration' },
        { plugin_id: 'uninstalled', publisher: null, how: 'migration' },
      ]);
    } finally {
      await probe.close();
    }
  });
});
