import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryLoop } from './delivery.js';
import { publishEvent } from '../events/outbox.js';
import { runCommand } from '../db/command.js';
import { createPluginEnv, TEST_LIMITS, type PluginTestEnv, waitUntil } from '../../test/support/plugins.js';

/**
 * Event delivery to a plugin that declares `eventBatch` (issue 21): several events per sandbox call,
 * the same handlers, and every guarantee of one-at-a-time delivery kept — after commit, in order,
 * serial per (plugin, unit) across delivery loops, exactly one effect per event for an idempotent
 * plugin across a loop killed mid-batch, and a batch that fails part way acknowledges only what
 * succeeded while the failing event is retried under the usual rules. Runs on SQLite and PostgreSQL.
 */
let env: PluginTestEnv;
/** Sandbox calls per plugin and entry, from the host's `invoked` events. */
const calls = new Map<string, number>();
beforeAll(async () => {
  // A batch stops starting events after a quarter of min(timeout, CPU limit): 1 s here, so a loaded machine still batches.
  env = await createPluginEnv({ ...TEST_LIMITS, timeoutMs: 4000, cpuMs: 4000 });
  env.host.events.on('invoked', (e: { pluginId: string; entry: string }) => calls.set(`${e.pluginId}:${e.entry}`, (calls.get(`${e.pluginId}:${e.entry}`) ?? 0) + 1));
});
afterAll(async () => env.close());

const until = (check: () => Promise<boolean>, timeoutMs = 20_000) => waitUntil(check, timeoutMs);

/** Publishes `n` events of a type in unit a, each committed in its own transaction; answers their ids in commit order. */
async function publish(type: string, n: number, unitId = 'a'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) ids.push(await runCommand(env.kernel, (tx) => publishEvent(tx, { type, unitId, payload: { seq: i } })));
  return ids;
}

/** Earlier events (the seed's) are not for these plugins: the fan-out starts past them. */
const skipHistory = () => env.kernel.db.updateTable('outbox').set({ fan_pending: null }).execute();

/**
 * Queues every published event before a loop works them (on PostgreSQL the fan-out may take the
 * events in several passes; the tests need them in one claim).
 */
async function queueAll(pluginId: string, n: number): Promise<void> {
  const loop = new DeliveryLoop(env.host, {});
  await until(async () => {
    await loop.fanOut();
    return (await deliveries(pluginId)).length === n;
  });
}

const deliveries = (pluginId: string) =>
  env.kernel.db.selectFrom('plugin_deliveries').select(['event_id', 'status', 'attempts', 'last_error', 'next_at']).where('plugin_id', '=', pluginId).orderBy('id').execute();
const doc = async (pluginId: string, unitId: string, id: string) => {
  const row = await env.kernel.db.selectFrom('plugin_docs').select('data').where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).where('doc_id', '=', id).executeTakeFirst();
  return row ? JSON.parse(row.data) : null;
};
const docsOf = async (pluginId: string, kind: string) =>
  (await env.kernel.db.selectFrom('plugin_docs').select(['doc_id', 'data']).where('plugin_id', '=', pluginId).where('idx0', '=', kind).execute()).map((r) => ({ id: r.doc_id, ...JSON.parse(r.data) }));

// An idempotent plugin (seen:<id> once) that also logs the order of its runs and how many runs each event had.
const IDEMPOTENT = (type: string) => `return { events: {
  '${type}': async (event, host) => {
    const log = await host.storage.get('docs', 'log');
    await host.storage.put('docs', 'log', { kind: 'log', order: (log ? log.data.order : []).concat([event.payload.seq]) });
    const attempt = await host.storage.get('docs', 'attempt:' + event.id);
    await host.storage.put('docs', 'attempt:' + event.id, { kind: 'attempt', n: attempt ? attempt.data.n + 1 : 1 });
    if (await host.storage.get('docs', 'seen:' + event.id)) return;
    await host.storage.put('docs', 'seen:' + event.id, { kind: 'seen', seq: event.payload.seq });
  },
} };`;

describe('batched event delivery (manifest eventBatch)', () => {
  it('hands several events to the sandbox in one call, in commit order, and only committed ones', async () => {
    await env.plugin('batch-order', IDEMPOTENT('period.*'), { permissions: ['events', 'storage'], events: ['period.*'], eventBatch: true });
    const loop = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 5000 });
    await skipHistory();
    const ids = await publish('period.closed', 12);
    // A transaction that fails after publishing commits no event: nothing is delivered for it.
    await expect(runCommand(env.kernel, async (tx) => {
      await publishEvent(tx, { type: 'period.closed', unitId: 'a', payload: { seq: 99 } });
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    await queueAll('batch-order', 12);
    while ((await loop.round()) > 0);
    const rows = await deliveries('batch-order');
    expect(rows.map((r) => r.event_id)).toEqual(ids);
    expect(rows.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
    expect((await doc('batch-order', 'a', 'log')).order).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // 12 events in batches: fewer sandbox calls than events (a batch stops starting events after a
    // quarter of the call's time limit; a lone last event goes alone).
    const batches = calls.get('batch-order:eventBatch') ?? 0;
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches + (calls.get('batch-order:events') ?? 0)).toBeLessThanOrEqual(6);
  });

  it('a batch that fails part way acknowledges what succeeded; the failing event is delivered alone and retried with backoff; the rest follow in order', async () => {
    // seq 3 fails until its log shows it once already; every run logs itself, then may fail.
    await env.plugin('batch-fail', `return { events: { 'period.*': async (event, host) => {
      const log = await host.storage.get('docs', 'log');
      const order = (log ? log.data.order : []).concat([event.payload.seq]);
      await host.storage.put('docs', 'log', { kind: 'log', order });
      if (event.payload.seq === 3 && order.filter((s) => s === 3).length < 2) throw new Error('seq 3 not yet');
    } } };`, { permissions: ['events', 'storage'], events: ['period.*'], eventBatch: true }, ['b']);
    const loop = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 5000, retryBaseMs: 60_000 });
    await skipHistory();
    const ids = await publish('period.reopened', 6, 'b');
    await queueAll('batch-fail', 6);
    expect(await loop.round()).toBe(6);
    let rows = await deliveries('batch-fail');
    // The batch ran 1, 2 and stopped at 3, whose write in the batch is not kept (a failed handler's
    // deferred put is dropped); 3 went alone (its write kept, and failed: attempt 1, backoff); then 4, 5, 6 in a batch.
    expect((await doc('batch-fail', 'b', 'log')).order).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.map((r) => [r.event_id, r.status, r.attempts])).toEqual([
      [ids[0], 'done', 1], [ids[1], 'done', 1], [ids[2], 'pending', 1], [ids[3], 'done', 1], [ids[4], 'done', 1], [ids[5], 'done', 1],
    ]);
    expect(rows[2]!.last_error).toMatch(/^PLUGIN_THREW: .*seq 3 not yet/);
    expect(Date.parse(rows[2]!.next_at)).toBeGreaterThan(Date.now() + 50_000);
    // Not due yet: nothing to do. Once due, it is delivered (alone: the only one) and succeeds.
    expect(await loop.round()).toBe(0);
    await env.kernel.db.updateTable('plugin_deliveries').set({ next_at: '2000-01-01T00:00:00.000Z' }).where('event_id', '=', ids[2]!).execute();
    expect(await loop.round()).toBe(1);
    rows = await deliveries('batch-fail');
    expect(rows.every((r) => r.status === 'done')).toBe(true);
    expect(rows[2]!.attempts).toBe(2);
    expect((await doc('batch-fail', 'b', 'log')).order).toEqual([1, 2, 3, 4, 5, 6, 3]);
    await env.host.idle();
  });

  it('a batch\'s puts are written in order, the last put of a document winning, and counted in the storage usage', async () => {
    // No reads: the puts go together (one statement on PostgreSQL).
    await env.plugin('batch-puts', `return { events: { 'project.*': async (event, host) => {
      await host.storage.put('docs', 'latest', { kind: 'latest', seq: event.payload.seq });
      await host.storage.put('docs', 'e' + event.payload.seq, { kind: 'e', seq: event.payload.seq });
    } } };`, { permissions: ['events', 'storage'], events: ['project.*'], eventBatch: true });
    const loop = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 5000 });
    await skipHistory();
    await publish('project.noted', 12);
    await queueAll('batch-puts', 12);
    while ((await loop.round()) > 0);
    expect((await deliveries('batch-puts')).every((r) => r.status === 'done')).toBe(true);
    expect(await doc('batch-puts', 'a', 'latest')).toEqual({ kind: 'latest', seq: 12 });
    expect((await docsOf('batch-puts', 'e')).map((d) => d.seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const usage = await env.kernel.db.selectFrom('plugin_storage_usage').select(['docs', 'bytes']).where('plugin_id', '=', 'batch-puts').where('unit_id', '=', 'a').executeTakeFirstOrThrow();
    const stored = await env.kernel.db.selectFrom('plugin_docs').select(['bytes']).where('plugin_id', '=', 'batch-puts').where('unit_id', '=', 'a').execute();
    expect({ docs: Number(usage.docs), bytes: Number(usage.bytes) }).toEqual({ docs: 13, bytes: stored.reduce((sum, d) => sum + Number(d.bytes), 0) });
  });

  it('many puts of one handler, awaited together, are all written, and a read after them sees them', async () => {
    // 70 puts per event, all in flight at once: more than the sandbox keeps before handing them over
    // (64), and more than a call may have host calls in flight (32), which deferred puts are not. Two
    // events: both fit in one batch's host calls (a lone event would go alone, over that limit).
    await env.plugin('batch-many', `return { events: { 'budget.*': async (event, host) => {
      const seq = event.payload.seq;
      await Promise.all(Array.from({ length: 70 }, (_, k) => host.storage.put('docs', seq + ':' + k, { kind: 'm', seq, k })));
      const back = await host.storage.query('docs', { kind: 'm' }, { limit: 500 });
      await host.storage.put('docs', 'check:' + seq, { kind: 'check', seen: back.filter((d) => d.data.seq === seq).length });
    } } };`, { permissions: ['events', 'storage'], events: ['budget.*'], eventBatch: true }, ['b']);
    const loop = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 5000 });
    await skipHistory();
    await publish('budget.noted', 2, 'b');
    await queueAll('batch-many', 2);
    while ((await loop.round()) > 0);
    expect((await deliveries('batch-many')).every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
    const stored = await env.kernel.db.selectFrom('plugin_docs').select(['doc_id', 'data']).where('plugin_id', '=', 'batch-many').where('unit_id', '=', 'b').execute();
    expect(stored.length).toBe(2 * 71);
    expect(stored.filter((d) => d.doc_id.startsWith('check:')).map((d) => JSON.parse(d.data).seen)).toEqual([70, 70]);
    expect(calls.get('batch-many:events')).toBeUndefined();
  });

  it('a put refused when the batch\'s writes are made stops the batch at its event: the events before keep their writes, that event goes alone and meets the refusal in its handler', async () => {
    // Each event stores a document of its own: the quota of 3 documents refuses the fourth.
    await env.plugin('batch-quota', `return { events: { 'indicator.*': async (event, host) => {
      try {
        await host.storage.put('docs', 'e' + event.payload.seq, { kind: 'e', seq: event.payload.seq });
      } catch (e) {
        await host.log.warn('refused', { seq: event.payload.seq, code: e.code });
        throw e;
      }
    } } };`, { permissions: ['events', 'storage', 'log'], events: ['indicator.*'], eventBatch: true });
    const sys = await env.login('sysadmin');
    expect((await env.call('PUT', '/api/plugins/batch-quota/quotas', { token: sys, body: { storageDocs: 3 } })).status).toBe(200);
    const loop = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 5000, retryBaseMs: 60_000 });
    await skipHistory();
    const ids = await publish('indicator.noted', 6);
    await queueAll('batch-quota', 6);
    const before = calls.get('batch-quota:eventBatch') ?? 0;
    expect(await loop.round()).toBe(6);
    // One batch wrote e1–e3 and stopped at 4; 4 went alone and met the quota in its handler; 5 and 6 (one more batch) stopped at 5, which went alone too.
    expect((await docsOf('batch-quota', 'e')).map((d) => d.seq).sort()).toEqual([1, 2, 3]);
    const rows = await deliveries('batch-quota');
    expect(rows.map((r) => [r.event_id, r.status])).toEqual([
      [ids[0], 'done'], [ids[1], 'done'], [ids[2], 'done'], [ids[3], 'pending'], [ids[4], 'pending'], [ids[5], 'pending'],
    ]);
    expect(rows[3]!.last_error).toMatch(/^PLUGIN_QUOTA_EXCEEDED/);
    expect(rows[4]!.last_error).toMatch(/^PLUGIN_QUOTA_EXCEEDED/);
    expect((calls.get('batch-quota:eventBatch') ?? 0) - before).toBeLessThanOrEqual(3);
    // The handlers that met the refusal saw it as a host error they could catch.
    const logged = await env.kernel.db.selectFrom('plugin_logs').select('data').where('plugin_id', '=', 'batch-quota').execute();
    expect(logged.map((l) => JSON.parse(l.data!))).toEqual(expect.arrayContaining([{ seq: 4, code: 'PLUGIN_QUOTA_EXCEEDED' }]));
    // A quota is the administrator's setting, not a fault of the plugin's: the breaker counted nothing.
    const unit = await env.kernel.db.selectFrom('plugin_units').select(['faults', 'state']).where('plugin_id', '=', 'batch-quota').where('unit_id', '=', 'a').executeTakeFirstOrThrow();
    expect(unit).toEqual({ faults: 0, state: 'enabled' });
    await env.host.idle();
  });

  it('delivers every event exactly once to an idempotent plugin across a loop killed mid-batch (the unacknowledged batch is delivered again)', async () => {
    await env.plugin('batch-crash', IDEMPOTENT('budget.*'), { permissions: ['events', 'storage'], events: ['budget.*'], eventBatch: true });
    await skipHistory();
    const ids = await publish('budget.noted', 10);
    await queueAll('batch-crash', 10);
    const first = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 400, crashAfter: 4 });
    first.start();
    await until(async () => first.crashed);
    await first.stop();
    // What the dead loop acknowledged is done; the rest (its last batch's effects happened, unacknowledged) stays claimed.
    const acknowledged = new Set((await deliveries('batch-crash')).filter((r) => r.status === 'done').map((r) => r.event_id));
    expect(acknowledged.size).toBeLessThan(10);
    const second = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 400 });
    second.start();
    await until(async () => (await deliveries('batch-crash')).every((r) => r.status === 'done'));
    await second.stop();
    const seen = await docsOf('batch-crash', 'seen');
    expect(seen.map((d) => d.id).sort()).toEqual(ids.map((id) => `seen:${id}`).sort());
    const attempts = await docsOf('batch-crash', 'attempt');
    expect(attempts.length).toBe(10);
    // Each event acknowledged before the kill ran once and never again; an unacknowledged one ran at most twice (its repeat ignored by the plugin).
    for (const d of attempts) {
      if (acknowledged.has(d.id.slice('attempt:'.length))) expect([d.id, d.n]).toEqual([d.id, 1]);
      else expect(d.n).toBeLessThanOrEqual(2);
    }
    expect(attempts.filter((d) => d.n === 2).length).toBeGreaterThanOrEqual(1);
    expect(await second.round()).toBe(0);
  });

  it('is serial per (plugin, unit) across two delivery loops: a read-modify-write counter loses no update', async () => {
    await env.plugin('batch-counter', `return { events: { 'payment.*': async (event, host) => {
      globalThis.running = (globalThis.running || 0) + 1;
      globalThis.most = Math.max(globalThis.most || 0, globalThis.running);
      try {
        const doc = await host.storage.get('docs', 'counter');
        for (let i = 0; i < 3; i++) await host.storage.get('docs', 'counter');
        await host.storage.put('docs', 'counter', { kind: 'counter', n: (doc ? doc.data.n : 0) + 1, most: globalThis.most, order: (doc ? doc.data.order : []).concat([event.payload.seq]) });
      } finally {
        globalThis.running -= 1;
      }
    } } };`, { permissions: ['events', 'storage'], events: ['payment.*'], eventBatch: true }, ['a', 'b']);
    const loops = [new DeliveryLoop(env.host, { intervalMs: 5, batchSize: 4 }), new DeliveryLoop(env.host, { intervalMs: 5, batchSize: 4 })];
    await skipHistory();
    await publish('payment.noted', 24, 'a');
    await publish('payment.noted', 6, 'b');
    for (const loop of loops) loop.start();
    try {
      await until(async () => (await deliveries('batch-counter')).filter((r) => r.status === 'done').length === 30);
    } finally {
      for (const loop of loops) await loop.stop();
    }
    const a = await doc('batch-counter', 'a', 'counter');
    const b = await doc('batch-counter', 'b', 'counter');
    expect(a).toMatchObject({ n: 24, most: 1 });
    expect(a.order).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(b).toMatchObject({ n: 6, most: 1 });
    expect(calls.get('batch-counter:eventBatch')).toBeGreaterThanOrEqual(2);
  });

  it('an eventBatch without subscribed events is refused by the manifest', async () => {
    const { manifestSchema } = await import('../../sdk/manifest.js');
    const bad = manifestSchema.safeParse({ id: 'no-events', name: { zh: '无', en: 'None' }, version: '1.0.0', engine: '^1.0.0', eventBatch: true });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('eventBatch needs at least one subscribed event');
  });
});
