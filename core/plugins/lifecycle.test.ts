import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle } from '../../sdk/bundle.js';
import { DeliveryLoop } from './delivery.js';
import { auditCount } from '../../test/support/kernel.js';
import { approveThrough, issue, submitPayment } from '../../test/support/ledger.js';
import { createPluginEnv, pluginCode, testManifest, type PluginTestEnv, waitUntil } from '../../test/support/plugins.js';

/**
 * The plugin lifecycle while the core runs: plugins enabled or upgraded under a running delivery
 * loop get the events committed after that, transfer.validate sits in the transfer's transaction,
 * fail-open/fail-closed is each unit's choice, upgrades migrate per unit, and a core upgrade that
 * leaves a plugin's engine range behind stops it from running.
 */
let env: PluginTestEnv;
let loop: DeliveryLoop;
beforeAll(async () => {
  env = await createPluginEnv();
  loop = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 2000, retryBaseMs: 50 });
  loop.start();
});
afterAll(async () => {
  await loop.stop();
  await env.close();
});

const until = (check: () => Promise<boolean>, timeoutMs = 15_000) => waitUntil(check, timeoutMs);

const docsOf = async (pluginId: string, unitId: string) =>
  (await env.kernel.db.selectFrom('plugin_docs').select(['doc_id', 'data']).where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).orderBy('id').execute()).map((r) => ({ id: r.doc_id, ...JSON.parse(r.data) }));

const fannedOut = async () => !(await env.kernel.db.selectFrom('outbox').select('id').where('fan_pending', 'is not', null).limit(1).executeTakeFirst());

const RECORDER = (version: string) => `return { events: { '*': async (event, host) => {
  await host.storage.put('docs', event.id, { kind: event.type, version: '${version}', paymentId: event.payload.payment ? event.payload.payment.id : null });
} } };`;

describe('events reach plugins enabled while the core runs', () => {
  it('a plugin enabled under a running delivery loop gets the events committed after its enable, not before', async () => {
    const ind = await issue(env, { amount: 50_000_000 });
    const before = await submitPayment(env, ind.id, 11_100);
    expect(before.status).toBe(201);
    await until(fannedOut);
    await env.plugin('late', RECORDER('1'), { permissions: ['events', 'storage'], events: ['payment.submitted'] });
    const after = await submitPayment(env, ind.id, 22_200);
    expect(after.status).toBe(201);
    await until(async () => (await docsOf('late', 'a')).length >= 1);
    await until(fannedOut);
    await until(async () => (await env.kernel.db.selectFrom('plugin_deliveries').select('id').where('plugin_id', '=', 'late').where('status', '!=', 'done').execute()).length === 0);
    expect((await docsOf('late', 'a')).map((d) => d.paymentId)).toEqual([after.body.id]);
  });

  it('after an upgrade the new version’s subscriptions and code take the events', async () => {
    const m = (version: string, events: string[]) => makeBundle({ ...testManifest('upgrading', { permissions: ['events', 'storage'], events }), version } as Record<string, unknown>, pluginCode(RECORDER(version)));
    await env.install(m('1.0.0', ['payment.submitted']));
    await env.install(m('2.0.0', ['payment.submitted', 'payment.approved']));
    await env.enable('a', 'upgrading', ['events', 'storage'], { version: '1.0.0' });
    const ind = await issue(env, { amount: 50_000_000 });
    const p1 = await submitPayment(env, ind.id, 1_000);
    await until(async () => (await docsOf('upgrading', 'a')).length === 1);
    await env.enable('a', 'upgrading', ['events', 'storage'], { version: '2.0.0' });
    const p2 = await submitPayment(env, ind.id, 2_000);
    expect((await approveThrough(env, 'payments', p2.body.id)).status).toBe('approved');
    await until(async () => (await docsOf('upgrading', 'a')).length >= 3);
    await until(fannedOut);
    await until(async () => (await env.kernel.db.selectFrom('plugin_deliveries').select('id').where('plugin_id', '=', 'upgrading').where('status', '!=', 'done').execute()).length === 0);
    const seen = await docsOf('upgrading', 'a');
    expect(seen.find((d) => d.paymentId === p1.body.id)).toMatchObject({ kind: 'payment.submitted', version: '1.0.0' });
    expect(seen.find((d) => d.paymentId === p2.body.id && d.kind === 'payment.submitted')).toMatchObject({ version: '2.0.0' });
    // payment.approved is a subscription of 2.0.0 only.
    expect(seen.filter((d) => d.kind === 'payment.approved')).toEqual([expect.objectContaining({ paymentId: p2.body.id, version: '2.0.0' })]);
  });
});

describe('transfer.validate', () => {
  const TRANSFER_CHECK = `return { validators: { 'transfer.validate': (input) => {
    const amount = input.document.amount;
    if (amount === 777) { for (;;) {} }
    if (amount > 500000) return { result: 'block', message: '调剂超过插件限额' };
    if (amount > 100000) return { result: 'warn', message: '调剂金额较大' };
    if (input.document.fromEconomicCode !== '30201') return { result: 'block', message: 'wrong document' };
    return { result: 'ok' };
  } } };`;

  async function transfer(unitId: string, amount: number) {
    const from = await issue(env, { unitId, amount: 10_000_000, name: '调出' });
    const to = await issue(env, { unitId, amount: 1_000_000, name: '调入' });
    return env.call('POST', `/api/units/${unitId}/transfers`, {
      token: await env.login(`${unitId}.finance`), body: { fromIndicatorId: from.id, toIndicatorId: to.id, amount, reason: '测试调剂', date: '2026-06-10' },
    });
  }

  it('runs inside the transfer submit: ok, warn stored with the transfer, block writes nothing', async () => {
    await env.plugin('transfer-check', TRANSFER_CHECK, { permissions: ['validators'], validators: ['transfer.validate'] }, ['a', 'b']);
    let r = await transfer('a', 50_000);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.warnings.some((w: any) => w.rule === 'plugin:transfer-check')).toBe(false);
    r = await transfer('a', 200_000);
    expect(r.status).toBe(201);
    expect(r.body.warnings).toContainEqual(expect.objectContaining({ rule: 'plugin:transfer-check', severity: 'warn', message: '调剂金额较大' }));
    const stored = await env.call('GET', `/api/units/a/transfers/${r.body.id}`, { token: await env.login('a.finance') });
    expect(stored.body.warnings).toContainEqual(expect.objectContaining({ rule: 'plugin:transfer-check' }));
    const transfersBefore = await env.kernel.db.selectFrom('transfers').select('id').execute();
    const auditBefore = await auditCount(env);
    r = await transfer('a', 600_000);
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_VALIDATION_BLOCKED']);
    expect(r.body.error.message).toContain('调剂超过插件限额');
    expect((await env.kernel.db.selectFrom('transfers').select('id').execute()).length).toBe(transfersBefore.length);
    // The two indicators issued for the refused transfer are audited; the transfer itself is not.
    const actions = await env.kernel.db.selectFrom('audit_log').select('action').orderBy('seq', 'desc').limit((await auditCount(env)) - auditBefore).execute();
    expect(actions.map((a) => a.action)).not.toContain('transfer.submit');
  });

  it('a validator fault: fail-open warns in one unit while fail-closed blocks in another (both validators)', async () => {
    await env.enable('a', 'transfer-check', ['validators'], { failMode: 'closed' });
    await env.enable('b', 'transfer-check', ['validators'], { failMode: 'open' });
    let r = await transfer('a', 777);
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_VALIDATION_BLOCKED']);
    expect(r.body.error.message).toContain('PLUGIN_TIMEOUT');
    r = await transfer('b', 777);
    expect(r.status).toBe(201);
    expect(r.body.warnings).toContainEqual(expect.objectContaining({ rule: 'plugin:transfer-check', message: expect.stringContaining('PLUGIN_TIMEOUT') }));

    await env.plugin('pay-check', "return { validators: { 'payment.validate': (input) => { if (input.document.amount === 777) throw new Error('broken'); return { result: 'ok' }; } } };",
      { permissions: ['validators'], validators: ['payment.validate'] }, ['a', 'b']);
    await env.enable('a', 'pay-check', ['validators'], { failMode: 'open' });
    await env.enable('b', 'pay-check', ['validators'], { failMode: 'closed' });
    const indA = await issue(env, { amount: 1_000_000 });
    const indB = await issue(env, { unitId: 'b', amount: 1_000_000 });
    r = await submitPayment(env, indA.id, 777);
    expect(r.status).toBe(201);
    expect(r.body.warnings).toContainEqual(expect.objectContaining({ rule: 'plugin:pay-check', message: expect.stringContaining('PLUGIN_THREW') }));
    r = await submitPayment(env, indB.id, 777, {}, 'b.staff');
    expect([r.status, r.body.error.code]).toEqual([422, 'PLUGIN_VALIDATION_BLOCKED']);
    expect((await submitPayment(env, indB.id, 778, {}, 'b.staff')).status).toBe(201);
    await env.host.idle();
    const listed = await env.call('GET', '/api/units/b/plugins', { token: await env.login('b.admin') });
    expect(listed.body.find((p: any) => p.pluginId === 'pay-check')).toMatchObject({ failMode: 'closed' });
  });
});

describe('upgrade, dependencies, core upgrade', () => {
  const MIGRATING = (v: string) => `return {
    migrate: async (host, { from, to }) => { await host.storage.put('docs', 'migrated:' + (from || 'none') + '->' + to, { kind: 'migration', unit: host.unitId }); },
    routes: { 'GET version': () => ({ version: '${v}' }) },
  };`;
  const bundle = (id: string, version: string, extra: Record<string, unknown> = {}) =>
    makeBundle({ ...testManifest(id, { permissions: ['storage', 'routes'], routes: [{ method: 'GET', path: 'version' }], ...extra }), version } as Record<string, unknown>, pluginCode(MIGRATING(version)));

  it('runs the plugin’s migration for each unit when that unit upgrades, and only then', async () => {
    await env.install(bundle('migrating', '1.0.0'));
    await env.install(bundle('migrating', '1.2.0'));
    for (const u of ['a', 'b']) await env.enable(u, 'migrating', ['storage', 'routes'], { version: '1.0.0' });
    await env.enable('a', 'migrating', ['storage', 'routes'], { version: '1.2.0' });
    const ids = async (u: string) => (await docsOf('migrating', u)).map((d) => d.id);
    expect(await ids('a')).toEqual(['migrated:none->1.0.0', 'migrated:1.0.0->1.2.0']);
    expect(await ids('b')).toEqual(['migrated:none->1.0.0']);
    const version = async (u: string) => (await env.call('GET', `/api/units/${u}/plugins/migrating/routes/version`, { token: await env.login(`${u}.staff`) })).body.version;
    expect(await version('a')).toBe('1.2.0');
    expect(await version('b')).toBe('1.0.0');
    // Re-enabling the same version does not migrate again.
    await env.enable('a', 'migrating', ['storage', 'routes']);
    expect(await ids('a')).toHaveLength(2);
    // A migration that fails leaves the unit on its old version.
    await env.install(makeBundle({ ...testManifest('migrating', { permissions: ['storage', 'routes'], routes: [{ method: 'GET', path: 'version' }] }), version: '1.3.0' } as Record<string, unknown>,
      pluginCode("return { migrate: () => { throw new Error('cannot migrate'); }, routes: { 'GET version': () => ({ version: '1.3.0' }) } };")));
    const r = await env.call('POST', '/api/units/b/plugins/migrating/enable', { token: await env.login('b.admin'), body: { grants: ['storage', 'routes'], version: '1.3.0' } });
    expect([r.status, r.body.error.code, r.body.error.details.during]).toEqual([500, 'PLUGIN_FAULT', 'migrate']);
    expect(await version('b')).toBe('1.0.0');
  });

  it('enables dependencies first, in a matching version', async () => {
    await env.install(bundle('dep-base', '1.0.0'));
    await env.install(bundle('dep-base', '2.0.0'));
    await env.install(bundle('dep-user', '1.0.0', { dependencies: { 'dep-base': '^2.0.0' } }));
    const admin = await env.login('a.admin');
    let r = await env.call('POST', '/api/units/a/plugins/dep-user/enable', { token: admin, body: { grants: ['storage', 'routes'] } });
    expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_DEPENDENCY_MISSING']);
    await env.enable('a', 'dep-base', ['storage', 'routes'], { version: '1.0.0' });
    r = await env.call('POST', '/api/units/a/plugins/dep-user/enable', { token: admin, body: { grants: ['storage', 'routes'] } });
    expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_DEPENDENCY_MISSING']);
    expect(r.body.error.message).toContain('^2.0.0');
    await env.enable('a', 'dep-base', ['storage', 'routes'], { version: '2.0.0' });
    await env.enable('a', 'dep-user', ['storage', 'routes']);
    r = await env.call('POST', '/api/units/a/plugins/dep-base/disable', { token: admin });
    expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_DEPENDED_ON']);
  });

  it('after a core upgrade an enabled plugin whose engine no longer matches is listed incompatible and not run', async () => {
    await env.install(bundle('engine-bound', '1.0.0'));
    await env.enable('a', 'engine-bound', ['storage', 'routes']);
    const staff = await env.login('a.staff');
    expect((await env.call('GET', '/api/units/a/plugins/engine-bound/routes/version', { token: staff })).body).toEqual({ version: '1.0.0' });
    const metricsBefore = env.host.metricsSnapshot({ pluginId: 'engine-bound', unitId: 'a' })[0]!;
    process.env.UNIBUDGET_PLUGIN_HOST_API = '2.0.0';
    try {
      const listed = (await env.call('GET', '/api/units/a/plugins', { token: staff })).body.find((p: any) => p.pluginId === 'engine-bound');
      expect(listed).toMatchObject({ state: 'enabled', compatible: false, inUseCompatible: false, inUseIncompatibleReason: expect.stringContaining('2.0.0') });
      expect(listed.versions[0].incompatibleReason).toContain('2.0.0');
      const r = await env.call('GET', '/api/units/a/plugins/engine-bound/routes/version', { token: staff });
      expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_NOT_LOADED']);
      expect(r.body.error.message).toContain('2.0.0');
      // Not the plugin's fault: no fault counted, the breaker untouched.
      const metricsAfter = env.host.metricsSnapshot({ pluginId: 'engine-bound', unitId: 'a' })[0]!;
      expect(metricsAfter.errors).toBe(metricsBefore.errors);
      const row = await env.kernel.db.selectFrom('plugin_units').select(['state', 'faults']).where('plugin_id', '=', 'engine-bound').where('unit_id', '=', 'a').executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'enabled', faults: 0 });
    } finally {
      delete process.env.UNIBUDGET_PLUGIN_HOST_API;
    }
    expect((await env.call('GET', '/api/units/a/plugins/engine-bound/routes/version', { token: staff })).body).toEqual({ version: '1.0.0' });
  });
});
