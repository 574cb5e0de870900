import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryLoop } from './delivery.js';
import { publishEvent } from '../events/outbox.js';
import { issue, submitPayment } from '../../test/support/ledger.js';
import { createPluginEnv, type PluginTestEnv, waitUntil } from '../../test/support/plugins.js';

/**
 * Events reach plugins after commit, from the outbox: at least once, retried with backoff, and —
 * with an idempotent plugin — with an effect exactly once, even when the delivery loop dies between
 * the plugin's effect and the acknowledgement and another loop takes over.
 */
let env: PluginTestEnv;
beforeAll(async () => {
  env = await createPluginEnv();
});
afterAll(async () => env.close());

const until = (check: () => Promise<boolean>, timeoutMs = 15_000) => waitUntil(check, timeoutMs);

const IDEMPOTENT = `return { events: {
  'payment.submitted': async (event, host) => {
    const attempt = await host.storage.get('docs', 'attempt:' + event.id);
    await host.storage.put('docs', 'attempt:' + event.id, { kind: 'attempt', n: attempt ? attempt.data.n + 1 : 1 });
    if (await host.storage.get('docs', 'seen:' + event.id)) return;
    const payment = event.payload.payment;
    await host.storage.put('docs', 'seen:' + event.id, { kind: 'seen', unit: event.unitId, amount: payment.amount });
  },
} };`;

const docs = async (pluginId: string, unitId: string, kind: string) =>
  (await env.kernel.db.selectFrom('plugin_docs').select(['doc_id', 'data']).where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).where('idx0', '=', kind).execute()).map((r) => ({ id: r.doc_id, ...JSON.parse(r.data) }));

describe('outbox delivery', () => {
  it('delivers every committed event exactly once to an idempotent plugin across a delivery loop killed mid-delivery', async () => {
    await env.plugin('ledger-watch', IDEMPOTENT, { permissions: ['events', 'storage'], events: ['payment.submitted'] }, ['a', 'b']);
    const ind = await issue(env, { amount: 50_000_000 });
    for (let i = 1; i <= 6; i++) expect((await submitPayment(env, ind.id, 10_000 * i)).status).toBe(201);
    const indB = await issue(env, { unitId: 'b', amount: 50_000_000 });
    expect((await submitPayment(env, indB.id, 7_700, {}, 'b.staff')).status).toBe(201);
    // A refused payment commits nothing, so it has no event.
    expect((await submitPayment(env, ind.id, 999_999_999)).status).toBe(422);
    const expected = await env.kernel.db.selectFrom('outbox').select(['event_id', 'unit_id']).where('type', '=', 'payment.submitted').execute();
    expect(expected.length).toBe(7);

    const first = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 400, crashAfter: 3 });
    first.start();
    await until(async () => first.crashed);
    await first.stop();
    const second = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 400 });
    second.start();
    await until(async () => {
      const open = await env.kernel.db.selectFrom('plugin_deliveries').select('id').where('status', '!=', 'done').execute();
      const all = await env.kernel.db.selectFrom('plugin_deliveries').select('id').execute();
      return all.length === 7 && open.length === 0;
    });
    await second.stop();

    const seenA = await docs('ledger-watch', 'a', 'seen');
    const seenB = await docs('ledger-watch', 'b', 'seen');
    const byUnit = (u: string) => expected.filter((e) => e.unit_id === u).map((e) => `seen:${e.event_id}`).sort();
    expect(seenA.map((d) => d.id).sort()).toEqual(byUnit('a'));
    expect(seenB.map((d) => d.id).sort()).toEqual(byUnit('b'));
    expect(seenB).toEqual([expect.objectContaining({ unit: 'b', amount: 7_700 })]);
    // The delivery in flight when the first loop died was delivered again, and the plugin ignored the repeat.
    const attempts = [...(await docs('ledger-watch', 'a', 'attempt')), ...(await docs('ledger-watch', 'b', 'attempt'))];
    expect(attempts.filter((d) => d.n === 2).length).toBe(1);
    expect(attempts.every((d) => d.n <= 2)).toBe(true);
    // Another round finds nothing to do.
    expect(await second.round()).toBe(0);
  });

  it('retries a failing handler with backoff until it succeeds', async () => {
    await env.plugin('flaky', `return { events: { 'payment.*': async (event, host) => {
      const tries = await host.storage.get('docs', 'tries:' + event.id);
      const n = tries ? tries.data.n + 1 : 1;
      await host.storage.put('docs', 'tries:' + event.id, { kind: 'tries', n });
      if (n < 3) throw new Error('not yet (' + n + ')');
    } } };`, { permissions: ['events', 'storage'], events: ['payment.*'] }, ['b']);
    const loop = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 5000, retryBaseMs: 50 });
    await loop.fanOut(); // subscribe from here on
    const ind = await issue(env, { unitId: 'b', amount: 1_000_000 });
    expect((await submitPayment(env, ind.id, 1_234, {}, 'b.staff')).status).toBe(201);
    loop.start();
    await until(async () => (await env.kernel.db.selectFrom('plugin_deliveries').select('status').where('plugin_id', '=', 'flaky').where('status', '=', 'done').execute()).length === 1);
    await loop.stop();
    const row = await env.kernel.db.selectFrom('plugin_deliveries').selectAll().where('plugin_id', '=', 'flaky').executeTakeFirstOrThrow();
    expect(row.attempts).toBe(3);
    expect(row.type).toBe('payment.submitted');
    await env.host.idle();
  });
});

describe('outbox ids committed out of order (PostgreSQL)', () => {
  it('an event whose transaction commits after a later id was seen is still delivered', async () => {
    if (env.kernel.dialect !== 'postgres') return; // SQLite has one writer: ids commit in order
    await env.plugin('gap-watch', "return { events: { 'period.*': async (event, host) => { await host.storage.put('docs', event.id, { kind: 'gap' }); } } };",
      { permissions: ['events', 'storage'], events: ['period.*'] }, ['a']);
    const loop = new DeliveryLoop(env.host, { intervalMs: 10, leaseMs: 5000 });
    await loop.fanOut();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let inserted!: () => void;
    const insertedEarly = new Promise<void>((r) => { inserted = r; });
    let early = '';
    // Takes the lower outbox id and holds its transaction open…
    const slow = env.kernel.db.transaction().execute(async (tx) => {
      early = await publishEvent(tx, { type: 'period.reopened', unitId: 'a', payload: { n: 1 } });
      inserted();
      await gate;
    });
    await insertedEarly;
    // …while a later id commits and the fan-out runs.
    const late = await env.kernel.db.transaction().execute((tx) => publishEvent(tx, { type: 'period.closed', unitId: 'a', payload: { n: 2 } }));
    await loop.fanOut();
    release();
    await slow;
    await loop.fanOut();
    const queued = await env.kernel.db.selectFrom('plugin_deliveries').select('event_id').where('plugin_id', '=', 'gap-watch').execute();
    expect(queued.map((q) => q.event_id).sort()).toEqual([early, late].sort());
  });
});

describe('per-unit isolation', () => {
  it('the same plugin in two units keeps separate state and sees only its own ledger', async () => {
    await env.plugin('twin', `let memory = [];
      return { routes: { 'POST note': async (req, host) => { memory.push(req.body.text); await host.storage.put('docs', 'n' + memory.length, { kind: 'note', text: req.body.text }); return { memory }; },
        'GET summary': async (req, host) => ({ unit: host.unitId, memory, notes: (await host.storage.query('docs', { kind: 'note' })).map((d) => d.data.text), indicators: (await host.ledger.indicators()).map((i) => i.id) }) } };`,
      { permissions: ['routes', 'storage', 'ledger.read'], routes: [{ method: 'POST', path: 'note' }, { method: 'GET', path: 'summary' }] }, ['a', 'b']);
    await env.call('POST', '/api/units/a/plugins/twin/routes/note', { token: await env.login('a.staff'), body: { text: 'from a' } });
    await env.call('POST', '/api/units/b/plugins/twin/routes/note', { token: await env.login('b.staff'), body: { text: 'from b' } });
    const a = (await env.call('GET', '/api/units/a/plugins/twin/routes/summary', { token: await env.login('a.staff') })).body;
    const b = (await env.call('GET', '/api/units/b/plugins/twin/routes/summary', { token: await env.login('b.staff') })).body;
    expect(a).toMatchObject({ unit: 'a', memory: ['from a'], notes: ['from a'] });
    expect(b).toMatchObject({ unit: 'b', memory: ['from b'], notes: ['from b'] });
    const ids = async (u: string) => (await env.kernel.db.selectFrom('indicators').select('id').where('unit_id', '=', u).orderBy('id').execute()).map((r) => r.id);
    expect(a.indicators).toEqual(await ids('a'));
    expect(b.indicators).toEqual(await ids('b'));
    // a supervising reader may read the plugin's GET routes but not POST into it
    const dept = await env.login('dept.leader');
    expect((await env.call('GET', '/api/units/a/plugins/twin/routes/summary', { token: dept })).status).toBe(200);
    expect((await env.call('POST', '/api/units/a/plugins/twin/routes/note', { token: dept, body: { text: 'x' } })).status).toBe(403);
  });
});

describe('realtime', () => {
  it('a plugin publishes to a channel; an SSE client of the unit receives it', async () => {
    await env.plugin('rt', "return { routes: { 'POST say': async (req, host) => { await host.realtime.publish('news', { text: req.body.text }); return { ok: true }; } } };",
      { permissions: ['routes', 'realtime'], routes: [{ method: 'POST', path: 'say' }] });
    const controller = new AbortController();
    const response = await env.app.request('/api/units/a/realtime?channel=rt:news', { headers: { authorization: `Bearer ${await env.login('a.staff')}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: ready')) text += decoder.decode((await reader.read()).value);
    await env.call('POST', '/api/units/a/plugins/rt/routes/say', { token: await env.login('a.staff'), body: { text: '你好' } });
    while (!text.includes('你好')) text += decoder.decode((await reader.read()).value);
    expect(text).toContain('data: {"text":"你好"}');
    controller.abort();
    await reader.cancel().catch(() => {});
  });
});
