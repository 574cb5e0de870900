import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryLoop } from './delivery.js';
import { DEFAULT_LIMITS } from './limits.js';
import { issue, submitPayment } from '../../test/support/ledger.js';
import { createPluginEnv, type PluginTestEnv, waitUntil } from '../../test/support/plugins.js';

/**
 * Scheduled jobs run beside event delivery, not inside it: a long job in one unit holds up no
 * delivery to another unit or plugin. A job holds its (plugin, unit) pair as a delivery claim does,
 * so an event for that pair waits until the job ends and then arrives; their read-modify-writes of
 * one storage doc never interleave.
 */
let env: PluginTestEnv;
beforeAll(async () => {
  // The job waits by polling its storage (the sandbox has no timers), hence the high host-call cap.
  env = await createPluginEnv({ ...DEFAULT_LIMITS, maxHostCalls: 1_000_000, breakerThreshold: 50 });
  // The job's budget is the host's ceiling (60 s): it waits for the test to release it, and on a
  // loaded machine the deliveries the test waits for first can take longer than a 10 s budget (seen:
  // the job timed out, its pair was freed and the next tests counted one nightly run short).
  await env.plugin('gate', GATE, {
    permissions: ['events', 'storage', 'schedule'], events: ['payment.submitted'],
    schedule: [{ name: 'nightly', everyMinutes: 60, timeoutMs: 60_000 }],
  }, ['a', 'b']);
  await env.plugin('other', OTHER, { permissions: ['events', 'storage'], events: ['payment.submitted'] }, ['a']);
});
afterAll(async () => env.close());

// The job reads the total, stays inside the sandbox until the test writes `release` (awaiting host
// calls, as a long scan does), then writes the total back from what it read: an event folded into
// the total meanwhile would be lost.
const GATE = `return {
  schedule: {
    nightly: async (host) => {
      const before = await host.storage.get('docs', 'total');
      await host.storage.put('docs', 'job', { kind: 'job', state: 'running' });
      while (!(await host.storage.get('docs', 'release'))) { /* waiting for the test */ }
      await host.storage.put('docs', 'total', { kind: 'total', n: before ? before.data.n : 0, nightly: (before ? before.data.nightly : 0) + 1 });
      await host.storage.put('docs', 'job', { kind: 'job', state: 'done' });
    },
  },
  events: {
    'payment.submitted': async (event, host) => {
      const doc = await host.storage.get('docs', 'total');
      await host.storage.put('docs', 'total', { kind: 'total', n: (doc ? doc.data.n : 0) + 1, nightly: doc ? doc.data.nightly : 0 });
    },
  },
};`;
const OTHER = `return { events: {
  'payment.submitted': async (event, host) => {
    const doc = await host.storage.get('docs', 'seen');
    await host.storage.put('docs', 'seen', { kind: 'seen', n: (doc ? doc.data.n : 0) + 1 });
  },
} };`;

const until = (check: () => Promise<boolean>, timeoutMs = 45_000) => waitUntil(check, timeoutMs);

const doc = async (pluginId: string, unitId: string, docId: string) => {
  const row = await env.kernel.db.selectFrom('plugin_docs').select('data').where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).where('doc_id', '=', docId).executeTakeFirst();
  return row ? (JSON.parse(row.data) as Record<string, unknown>) : null;
};
const release = async (unitId: string, pluginId = 'gate') => {
  await env.kernel.db.insertInto('plugin_docs').values({
    plugin_id: pluginId, unit_id: unitId, collection: 'docs', doc_id: 'release', data: JSON.stringify({ kind: 'release' }),
    idx0: 'release', idx1: null, idx2: null, updated_at: new Date().toISOString(),
  }).execute();
};
const unrelease = async (unitId: string) => {
  await env.kernel.db.deleteFrom('plugin_docs').where('plugin_id', '=', 'gate').where('unit_id', '=', unitId).where('doc_id', 'in', ['release', 'job']).execute();
};
const statuses = async (pluginId: string, unitId: string) =>
  (await env.kernel.db.selectFrom('plugin_deliveries').select('status').where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).orderBy('id').execute()).map((r) => r.status);

describe('scheduled jobs and event delivery', () => {
  it('a long job in unit a delays no delivery to another plugin or to unit b; the event of its own pair waits for it, then arrives', async () => {
    await release('b');
    const indA = await issue(env, { amount: 50_000_000 });
    const indB = await issue(env, { unitId: 'b', amount: 50_000_000 });
    const loop = new DeliveryLoop(env.host, { intervalMs: 10 });
    loop.start();
    try {
      await until(async () => (await doc('gate', 'a', 'job'))?.state === 'running');
      expect((await submitPayment(env, indA.id, 1_000)).status).toBe(201);
      expect((await submitPayment(env, indB.id, 1_000, {}, 'b.staff')).status).toBe(201);
      await until(async () => (await statuses('other', 'a')).join() === 'done' && (await statuses('gate', 'b')).join() === 'done');
      // Delivered while the job of (gate, a) is still inside the sandbox, whose own event waits.
      expect((await doc('gate', 'a', 'job'))?.state).toBe('running');
      expect(await statuses('gate', 'a')).toEqual(['pending']);
      expect(await doc('other', 'a', 'seen')).toEqual({ kind: 'seen', n: 1 });

      await release('a');
      await until(async () => (await statuses('gate', 'a')).join() === 'done');
    } finally {
      await loop.stop();
    }
    expect((await doc('gate', 'a', 'job'))?.state).toBe('done');
    expect(await doc('gate', 'a', 'total')).toEqual({ kind: 'total', n: 1, nightly: 1 });
    expect(await doc('gate', 'b', 'total')).toEqual({ kind: 'total', n: 1, nightly: 1 });
    const unit = await env.kernel.db.selectFrom('plugin_units').select('faults').where('plugin_id', '=', 'gate').where('unit_id', '=', 'a').executeTakeFirstOrThrow();
    expect(unit.faults).toBe(0);
  });

  it('while a job holds (plugin, unit), another process claims none of its events; after the job they arrive and both updates stay', async () => {
    await unrelease('a');
    const ind = await issue(env, { amount: 50_000_000 });
    const scheduler = new DeliveryLoop(env.host);
    const job = scheduler.runSchedules(Date.now() + 61 * 60_000);
    await until(async () => (await doc('gate', 'a', 'job'))?.state === 'running');
    expect((await submitPayment(env, ind.id, 2_000)).status).toBe(201);
    expect((await submitPayment(env, ind.id, 3_000)).status).toBe(201);

    const other = new DeliveryLoop(env.host, { batchSize: 1 });
    for (let i = 0; i < 4; i++) await other.round();
    // The rounds did work (the other plugin's events of unit a), but left the held pair alone.
    expect(await statuses('other', 'a')).toEqual(['done', 'done', 'done']);
    expect(await statuses('gate', 'a')).toEqual(['done', 'pending', 'pending']);

    await release('a');
    expect(await job).toBe(2);
    while ((await other.round()) > 0) { /* drain */ }
    expect(await statuses('gate', 'a')).toEqual(['done', 'done', 'done']);
    expect(await doc('gate', 'a', 'total')).toEqual({ kind: 'total', n: 3, nightly: 2 });
  });

  it('a job whose pair has a delivery under a live claim (any process) does not start; its slot stays due and runs once the pair is free', async () => {
    const now = new Date().toISOString();
    const busy = await env.kernel.db.insertInto('plugin_deliveries').values({
      event_id: 'held-elsewhere', plugin_id: 'gate', unit_id: 'b', type: 'payment.submitted', payload: '{}', occurred_at: now,
      status: 'claimed', attempts: 0, next_at: now, claimed_by: 'another-process', claimed_until: new Date(Date.now() + 60_000).toISOString(),
      last_error: null, done_at: null,
    }).returning('id').executeTakeFirstOrThrow();
    const scheduler = new DeliveryLoop(env.host);
    const slot = Date.now() + 122 * 60_000;
    expect(await scheduler.runSchedules(slot)).toBe(1);
    expect(await doc('gate', 'a', 'total')).toMatchObject({ nightly: 3 });
    expect(await doc('gate', 'b', 'total')).toMatchObject({ nightly: 2 });

    await env.kernel.db.updateTable('plugin_deliveries').set({ status: 'done', claimed_until: null, done_at: now }).where('id', '=', busy.id).execute();
    expect(await scheduler.runSchedules(slot)).toBe(1);
    expect(await doc('gate', 'a', 'total')).toMatchObject({ nightly: 3 });
    expect(await doc('gate', 'b', 'total')).toMatchObject({ nightly: 3 });
  });

  it('stopping with failJobsAfterMs ends a job still running, gives its slot back and frees its pair', async () => {
    await env.plugin('cutoff', GATE, { permissions: ['storage', 'schedule'], schedule: [{ name: 'nightly', everyMinutes: 60, timeoutMs: 10_000 }] }, ['a']);
    const loop = new DeliveryLoop(env.host, { intervalMs: 10 });
    loop.start();
    await until(async () => (await doc('cutoff', 'a', 'job'))?.state === 'running');
    await loop.stop({ failJobsAfterMs: 100 });
    expect((await doc('cutoff', 'a', 'job'))?.state).toBe('running');
    const settings = (await env.kernel.db.selectFrom('plugin_host_settings').select('key').where('key', 'like', '%cutoff%').execute()).map((r) => r.key);
    expect(settings).toEqual([]);

    await release('a', 'cutoff');
    expect(await new DeliveryLoop(env.host).runSchedules()).toBe(1);
    expect((await doc('cutoff', 'a', 'job'))?.state).toBe('done');
  });
});
