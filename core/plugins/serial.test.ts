import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryLoop } from './delivery.js';
import { issue, submitPayment } from '../../test/support/ledger.js';
import { createPluginEnv, type PluginTestEnv, waitUntil } from '../../test/support/plugins.js';

/**
 * Delivery to one (plugin, unit) is serial, whatever the number of delivery loops (processes): a
 * handler's read-modify-write of its storage never interleaves with another event of the same unit.
 */
let env: PluginTestEnv;
beforeAll(async () => {
  env = await createPluginEnv();
});
afterAll(async () => env.close());

const until = (check: () => Promise<boolean>, timeoutMs = 20_000) => waitUntil(check, timeoutMs);

// A counter kept as read → several host calls → write: two runs at once in a unit lose an update.
// The context is per unit, so the global sees how many events of this unit run at the same time.
const COUNTER = `return { events: {
  'payment.submitted': async (event, host) => {
    globalThis.running = (globalThis.running || 0) + 1;
    globalThis.most = Math.max(globalThis.most || 0, globalThis.running);
    try {
      const doc = await host.storage.get('docs', 'counter');
      for (let i = 0; i < 5; i++) await host.storage.get('docs', 'counter');
      await host.storage.put('docs', 'counter', { kind: 'counter', n: (doc ? doc.data.n : 0) + 1, most: globalThis.most });
    } finally {
      globalThis.running -= 1;
    }
  },
} };`;

const counter = async (unitId: string) => {
  const row = await env.kernel.db.selectFrom('plugin_docs').select('data').where('plugin_id', '=', 'counter').where('unit_id', '=', unitId).where('doc_id', '=', 'counter').executeTakeFirst();
  return row ? (JSON.parse(row.data) as { n: number; most: number }) : null;
};

describe('event delivery per (plugin, unit)', () => {
  it('is serial across two delivery loops: no lost update, never two events of a unit at once; other units still get theirs', async () => {
    await env.plugin('counter', COUNTER, { permissions: ['events', 'storage'], events: ['payment.submitted'] }, ['a', 'b']);
    const ind = await issue(env, { amount: 50_000_000 });
    for (let i = 1; i <= 8; i++) expect((await submitPayment(env, ind.id, 1_000 * i)).status).toBe(201);
    const indB = await issue(env, { unitId: 'b', amount: 50_000_000 });
    for (let i = 1; i <= 3; i++) expect((await submitPayment(env, indB.id, 500 * i, {}, 'b.staff')).status).toBe(201);

    // One delivery per claim, so each loop keeps coming back for the next event of the same unit.
    const loops = [new DeliveryLoop(env.host, { intervalMs: 5, batchSize: 1 }), new DeliveryLoop(env.host, { intervalMs: 5, batchSize: 1 })];
    for (const loop of loops) loop.start();
    try {
      await until(async () => {
        const open = await env.kernel.db.selectFrom('plugin_deliveries').select('id').where('plugin_id', '=', 'counter').where('status', '!=', 'done').execute();
        const all = await env.kernel.db.selectFrom('plugin_deliveries').select('id').where('plugin_id', '=', 'counter').execute();
        return all.length === 11 && open.length === 0;
      });
    } finally {
      for (const loop of loops) await loop.stop();
    }
    expect(await counter('a')).toEqual({ kind: 'counter', n: 8, most: 1 });
    expect(await counter('b')).toEqual({ kind: 'counter', n: 3, most: 1 });
  });
});
