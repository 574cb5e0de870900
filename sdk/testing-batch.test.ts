import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle } from './bundle.js';
import { createPluginHarness, HarnessError, type PluginHarness } from './testing.js';

/**
 * `emitBatch()` runs several events in one sandbox call, as the outbox does for a plugin whose
 * manifest declares `eventBatch`: the same handlers in order, stopping at the first that throws.
 */
const CODE = `var __plugin = { default: { events: {
  'payment.*': async (event, host) => {
    if (event.payload.fail) throw new Error('refused ' + event.payload.n);
    const log = await host.storage.get('log', 'order');
    await host.storage.put('log', 'order', { order: (log ? log.data.order : []).concat([event.payload.n]) });
  },
} } };`;
const manifest = (eventBatch: boolean) => ({
  id: eventBatch ? 'batcher' : 'single', name: { zh: '批量', en: 'Batch' }, version: '1.0.0', engine: '^1.0.0', author: 'sdk tests',
  permissions: ['events', 'storage'], events: ['payment.*'], collections: [{ name: 'log', indexes: [] }], ...(eventBatch ? { eventBatch } : {}),
});

let harness: PluginHarness;
beforeAll(async () => {
  harness = await createPluginHarness({ bundle: makeBundle(manifest(true), CODE) });
}, 60_000);
afterAll(async () => harness.close());

describe('harness emitBatch', () => {
  it('runs the events in order in one call and stops at the first handler that throws', async () => {
    const ev = (n: number, fail = false) => ({ type: 'payment.paid', payload: { n, fail } });
    expect(await harness.emitBatch([ev(1), ev(2), ev(3)])).toEqual({ done: 3, failed: false });
    expect(await harness.emitBatch([ev(4), ev(5, true), ev(6)])).toEqual({ done: 1, failed: true });
    expect((await harness.documents('log'))[0]!.data.order).toEqual([1, 2, 3, 4]);
  });

  it('is refused for a plugin that does not declare eventBatch', async () => {
    const single = await createPluginHarness({ bundle: makeBundle(manifest(false), CODE) });
    try {
      await expect(single.emitBatch([{ type: 'payment.paid', payload: { n: 1 } }])).rejects.toBeInstanceOf(HarnessError);
      expect(await single.documents('log')).toEqual([]);
    } finally {
      await single.close();
    }
  }, 60_000);
});
