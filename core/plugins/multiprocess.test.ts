import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue, submitPayment } from '../../test/support/ledger.js';
import { createPluginEnv, type PluginTestEnv } from '../../test/support/plugins.js';
import { startAppProcess, stopAppProcesses, type AppProcess } from '../../test/support/app-processes.js';

/**
 * Several app processes on one PostgreSQL: both run the delivery loop against the same outbox
 * (claimed with FOR UPDATE SKIP LOCKED, so no event is delivered twice), and a realtime message
 * published through one process reaches an SSE client connected to the other (LISTEN/NOTIFY).
 * With SQLite one process is the documented limit, so this file runs only on PostgreSQL.
 */
const pg = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');

let env: PluginTestEnv;
const apps: AppProcess[] = [];

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!pg)('two app processes on one PostgreSQL', () => {
  beforeAll(async () => {
    env = await createPluginEnv();
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(env.kernel.db)).rows[0]!.s;
    await env.plugin('counter', `return {
      events: { 'payment.submitted': async (event, host) => { await host.storage.put('docs', event.id + ':' + Math.random(), { kind: 'delivery', event: event.id }); } },
      routes: { 'POST say': async (req, host) => { await host.realtime.publish('news', { text: req.body.text }); return { ok: true }; } },
    };`, { permissions: ['events', 'storage', 'routes', 'realtime'], events: ['payment.submitted'], routes: [{ method: 'POST', path: 'say' }] });
    apps.push(await startAppProcess(schema), await startAppProcess(schema));
  }, 60_000);
  afterAll(async () => {
    await stopAppProcesses(apps);
    await env?.close();
  });

  it('delivers each outbox event once, though both processes claim from the same queue', async () => {
    const ind = await issue(env, { amount: 100_000_000 });
    for (let i = 1; i <= 20; i++) expect((await submitPayment(env, ind.id, 1_000 + i)).status).toBe(201);
    const events = await env.kernel.db.selectFrom('outbox').select('event_id').where('type', '=', 'payment.submitted').execute();
    expect(events.length).toBe(20);
    await until(async () => (await env.kernel.db.selectFrom('plugin_deliveries').select('id').where('status', '=', 'done').execute()).length === 20);
    const docs = await env.kernel.db.selectFrom('plugin_docs').select('data').where('plugin_id', '=', 'counter').execute();
    const perEvent = new Map<string, number>();
    for (const d of docs) {
      const { event } = JSON.parse(d.data);
      perEvent.set(event, (perEvent.get(event) ?? 0) + 1);
    }
    expect(perEvent.size).toBe(20);
    expect([...perEvent.values()].every((n) => n === 1)).toBe(true);
    const workers = await env.kernel.db.selectFrom('plugin_deliveries').select('claimed_by').distinct().execute();
    expect(workers.length).toBeGreaterThanOrEqual(1);
  });

  it('delivers the events of one unit to a plugin serially across both processes: a read-modify-write counter loses none', async () => {
    await env.plugin('tally', `return { events: { 'payment.submitted': async (event, host) => {
      const doc = await host.storage.get('docs', 'tally');
      for (let i = 0; i < 5; i++) await host.storage.get('docs', 'tally');
      await host.storage.put('docs', 'tally', { kind: 'tally', n: (doc ? doc.data.n : 0) + 1 });
    } } };`, { permissions: ['events', 'storage'], events: ['payment.submitted'] });
    const ind = await issue(env, { amount: 100_000_000 });
    for (let i = 1; i <= 20; i++) expect((await submitPayment(env, ind.id, 2_000 + i)).status).toBe(201);
    const tallyDone = async () => (await env.kernel.db.selectFrom('plugin_deliveries').select('id').where('plugin_id', '=', 'tally').where('status', '=', 'done').execute()).length;
    await until(async () => (await tallyDone()) === 20);
    const doc = await env.kernel.db.selectFrom('plugin_docs').select('data').where('plugin_id', '=', 'tally').where('doc_id', '=', 'tally').executeTakeFirstOrThrow();
    expect(JSON.parse(doc.data).n).toBe(20);
  });

  it('with eventBatch on, delivers each event once, in order, serially across both processes', async () => {
    await env.plugin('batched', `return { events: { 'payment.submitted': async (event, host) => {
      await host.storage.put('docs', 'run:' + event.id + ':' + Math.random(), { kind: 'run', event: event.id });
      const doc = await host.storage.get('docs', 'tally');
      for (let i = 0; i < 3; i++) await host.storage.get('docs', 'tally');
      await host.storage.put('docs', 'tally', { kind: 'tally', n: (doc ? doc.data.n : 0) + 1, order: (doc ? doc.data.order : []).concat([event.id]) });
    } } };`, { permissions: ['events', 'storage'], events: ['payment.submitted'], eventBatch: true });
    const ind = await issue(env, { amount: 100_000_000 });
    for (let i = 1; i <= 30; i++) expect((await submitPayment(env, ind.id, 3_000 + i)).status).toBe(201);
    const done = async () => (await env.kernel.db.selectFrom('plugin_deliveries').select('id').where('plugin_id', '=', 'batched').where('status', '=', 'done').execute()).length;
    await until(async () => (await done()) === 30);
    const queued = await env.kernel.db.selectFrom('plugin_deliveries').select('event_id').where('plugin_id', '=', 'batched').orderBy('id').execute();
    const runs = await env.kernel.db.selectFrom('plugin_docs').select('data').where('plugin_id', '=', 'batched').where('idx0', '=', 'run').execute();
    const perEvent = new Map<string, number>();
    for (const r of runs) perEvent.set(JSON.parse(r.data).event, (perEvent.get(JSON.parse(r.data).event) ?? 0) + 1);
    expect(perEvent.size).toBe(30);
    expect([...perEvent.values()].every((n) => n === 1)).toBe(true);
    const tally = JSON.parse((await env.kernel.db.selectFrom('plugin_docs').select('data').where('plugin_id', '=', 'batched').where('doc_id', '=', 'tally').executeTakeFirstOrThrow()).data);
    expect(tally.n).toBe(30);
    expect(tally.order).toEqual(queued.map((q) => q.event_id));
  });

  it('a realtime message published in one process reaches an SSE client of the other', async () => {
    const [one, two] = apps;
    const token = await env.login('a.staff');
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${one!.port}/api/units/a/realtime?channel=counter:news`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: ready')) text += decoder.decode((await reader.read()).value);
    const said = await fetch(`http://127.0.0.1:${two!.port}/api/units/a/plugins/counter/routes/say`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: '跨进程' }),
    });
    expect(said.status).toBe(200);
    const deadline = Date.now() + 5000;
    while (!text.includes('跨进程') && Date.now() < deadline) text += decoder.decode((await reader.read()).value);
    expect(text).toContain('data: {"text":"跨进程"}');
    controller.abort();
  });
});
