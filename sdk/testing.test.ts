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
    const payments = await harness.kernel.db.selectFrom('payments').select('id').where('unit_id', '=', 'a').execute();
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
