import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle } from './bundle.js';
import { createPluginHarness, HarnessError, type PluginHarness } from './testing.js';

/**
 * The harness gives plugin authors the whole host API v1 against a seeded core: with `activity`
 * the demo's half year of payments and transfers is there to read, `submitTransfer()` runs
 * `transfer.validate`, and `runSchedule()` runs a cron job as the scheduler would.
 */
const CODE = `var __plugin = { default: {
  routes: {
    'GET ledger': async (req, host) => {
      const ids = []; let afterId = 0;
      for (;;) { const page = await host.ledger.payments({ afterId, limit: 50 }); if (!page.length) break; page.forEach((p) => ids.push(p.id)); afterId = page[page.length - 1].id; }
      const report = await host.ledger.executionReport({ year: 2026, month: 5 });
      return { payments: ids.length, ascending: ids.every((id, k) => k === 0 || id > ids[k - 1]), departments: (await host.ledger.departments()).length,
        transfers: (await host.ledger.transfers({ year: 2026 })).length, paidInMay: report.byMonth[4].paid, rows: report.rows.length };
    },
  },
  validators: { 'transfer.validate': (input) => input.document.amount > 300000 ? { result: 'block', message: '调剂太大' } : { result: 'warn', message: '已记录调剂 ' + input.document.amount } },
  schedule: { monthly: async (host, run) => { await host.storage.put('runs', run.scheduledAt, { month: run.scheduledAt.slice(0, 7) }); } },
} };`;
const MANIFEST = {
  id: 'harness-check', name: { zh: '测试', en: 'Check' }, version: '1.0.0', engine: '^1.0.0', author: 'sdk tests',
  permissions: ['ledger.read', 'routes', 'validators', 'schedule', 'storage'], routes: [{ method: 'GET', path: 'ledger' }],
  validators: ['transfer.validate'], schedule: [{ name: 'monthly', cron: '0 8 1 * *' }], collections: [{ name: 'runs', indexes: ['month'] }],
};

let harness: PluginHarness;
beforeAll(async () => {
  harness = await createPluginHarness({ bundle: makeBundle(MANIFEST, CODE), activity: true });
}, 60_000);
afterAll(async () => harness.close());

describe('plugin harness', () => {
  it('seeds ledger activity for the new ledger calls', async () => {
    const r = await harness.route('GET', 'ledger');
    const payments = await harness.ledger('a').payments({ afterId: 0, limit: 5000 });
    expect(r).toMatchObject({ payments: payments.length, ascending: true, departments: 4 });
    expect(r.payments).toBeGreaterThan(50);
    expect(r.transfers).toBeGreaterThan(0);
    expect(r.paidInMay).toBeGreaterThan(0);
  });

  it('submitTransfer runs transfer.validate', async () => {
    const warned = await harness.submitTransfer(100_000);
    expect(warned.status).toBe(201);
    expect(warned.body.warnings).toContainEqual(expect.objectContaining({ rule: 'plugin:harness-check', message: '已记录调剂 100000' }));
    const blocked = await harness.submitTransfer(400_000);
    expect([blocked.status, blocked.body.error.code]).toEqual([422, 'PLUGIN_VALIDATION_BLOCKED']);
  });

  it('runSchedule runs a cron job for a unit', async () => {
    await harness.runSchedule('monthly', { scheduledAt: '2026-07-01T08:00:00.000Z' });
    expect(await harness.documents('runs')).toEqual([{ id: '2026-07-01T08:00:00.000Z', data: { month: '2026-07' } }]);
    await expect(harness.runSchedule('nope')).rejects.toBeInstanceOf(HarnessError);
  });
});

describe('what a plugin test reads of the core, through the harness', () => {
  it('seedLedger writes rows the plugin reads back; ledger() reads them as the plugin would', async () => {
    const [dept] = await harness.ledger('b').departments();
    const { projects, indicators, payments } = await harness.seedLedger('b', {
      projects: [{ code: 'SEED-P1', name: '种子项目', startYear: 2025, endYear: 2026, totalAmount: 900_000 }],
    }).then(async ({ projects }) => ({
      projects,
      ...(await harness.seedLedger('b', {
        indicators: [{ year: 2025, code: 'SEED-I1', name: '种子指标', departmentId: dept!.id, projectId: projects[0]!.id, expenditureKind: 'project', economicCode: '30201', fundSourceCode: '11', issued: 500_000 }],
      }).then(async ({ indicators }) => ({ indicators, payments: (await harness.seedLedger('b', { payments: [{ indicatorId: indicators[0]!.id, amount: 12_345, date: '2025-03-04' }] })).payments }))),
    }));
    expect(projects[0]).toMatchObject({ code: 'SEED-P1', status: 'executing' });
    expect(indicators[0]).toMatchObject({ code: 'SEED-I1', issued: 500_000, available: 500_000, departmentId: dept!.id });
    expect(payments[0]).toMatchObject({ indicatorId: indicators[0]!.id, departmentId: dept!.id, economicCode: '30201', amount: 12_345, status: 'paid', paidAt: '2025-03-04' });
    expect((await harness.ledger('b').payments({ year: 2025 })).map((p) => p.id)).toEqual([payments[0]!.id]);
    // Seeded payments are numbered like any other (the unit's ZF series of the year); plugins show docNo, never the id.
    expect(payments[0]!.docNo).toMatch(/^ZF2025-\d{4}$/);
    expect((await harness.ledger('b').payments({ year: 2025 }))[0]!.docNo).toBe(payments[0]!.docNo);
    const next = (await harness.seedLedger('b', { payments: [{ indicatorId: indicators[0]!.id, amount: 1, date: '2025-03-05' }, { indicatorId: indicators[0]!.id, amount: 2, date: '2025-03-06' }] })).payments;
    const serial = (no: string | null) => Number(no!.slice(-4));
    expect(next.map((p) => serial(p.docNo))).toEqual([serial(payments[0]!.docNo) + 1, serial(payments[0]!.docNo) + 2]);
    expect((await harness.ledger('b').projects()).map((p) => p.code)).toContain('SEED-P1');
  });

  it('enable() changes grants and settings in a unit; enablement(), userId(), audit() and idle() report', async () => {
    await expect(harness.enablement('b')).rejects.toMatchObject({ code: 'PLUGIN_NOT_ENABLED' });
    await expect(harness.enablement('a')).resolves.toMatchObject({ state: 'enabled', faults: 0, grants: MANIFEST.permissions });
    const state = await harness.enable('b', { grants: ['routes', 'ledger.read'] });
    expect(state).toMatchObject({ unitId: 'b', state: 'enabled', grants: ['routes', 'ledger.read'] });
    expect((await harness.route('GET', 'ledger', { unitId: 'b' })).departments).toBe(4);
    expect(await harness.userId('b.finance')).toBeGreaterThan(0);
    await expect(harness.userId('nobody')).rejects.toBeInstanceOf(HarnessError);
    const enables = await harness.audit({ unitId: 'b', action: 'plugin.enable' });
    expect(enables.map((e) => [e.actorName, e.entityId])).toEqual([['b.admin', 'b:harness-check']]);
    await harness.idle();
  });
});

describe('a signed bundle installed as production installs it', () => {
  it('trusts the publisher, refuses unsigned bundles, and collects notifications and logs', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const signer = { publisher: '示范县财政局', privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    const manifest = {
      id: 'signed-check', name: { zh: '签名', en: 'Signed' }, version: '1.0.0', engine: '^1.0.0', author: 'sdk tests',
      permissions: ['routes', 'notify', 'log'], routes: [{ method: 'POST', path: 'ping', roles: ['finance_officer'] }],
    };
    const code = `var __plugin = { default: { routes: { 'POST ping': async (req, host) => {
      await host.log.info('pinged', { by: req.user.username }); await host.notify({ title: 'ping', roles: ['finance_officer'] }); return { pong: true }; } } } };`;
    const signed = await createPluginHarness({ bundle: makeBundle(manifest, code, signer), trust: { publisher: signer.publisher, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
    try {
      expect(await signed.route('POST', 'ping', { as: 'a.finance' })).toEqual({ pong: true });
      expect(await signed.logs()).toEqual([expect.objectContaining({ level: 'info', message: 'pinged', data: { by: 'a.finance' } })]);
      expect(await signed.notifications()).toEqual([expect.objectContaining({ title: 'ping', role: 'finance_officer', userId: null, source: 'plugin:signed-check' })]);
      await expect(signed.install(makeBundle({ ...manifest, version: '1.0.1' }, code))).rejects.toMatchObject({ code: 'PLUGIN_UNSIGNED_REFUSED' });
      expect(await signed.install(makeBundle({ ...manifest, version: '1.0.1' }, code, signer))).toEqual({ pluginId: 'signed-check', version: '1.0.1', signedBy: '示范县财政局' });
      expect(await signed.enable('a', { version: '1.0.1' })).toMatchObject({ version: '1.0.1' });
    } finally {
      await signed.close();
    }
  });
});
