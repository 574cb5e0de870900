import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginEnv, type PluginTestEnv } from '../../test/support/plugins.js';
import { latencyDuring, type LatencyFigures } from '../../test/support/latency.js';
import { DEFAULT_QUOTAS, storageUsage } from './quotas.js';
import { STORAGE_ANSWER_BYTES } from './storage.js';
import { LEDGER_ANSWER_BYTES } from './ledger-read.js';
import { PluginLogPage, PluginQuotaView } from '@unibudget/sdk/contracts/plugins';

/**
 * Hostile plugins against what the host lets one plugin consume (issue 14, items 1, 5 and 7):
 * large host answers, storage, log and notification quotas, and GET routes that try to write. Each
 * attack runs while another unit's core route is read back to back (test/support/latency.ts): the
 * core must keep answering it (p99 < 300 ms, no failure) while the attack is contained.
 */
let env: PluginTestEnv;
const figures: Array<[string, LatencyFigures & { loopDelayMaxMs: number; loopDelayP99Ms: number }]> = [];

beforeAll(async () => {
  // The host's ordinary limits, but room for an attack of hundreds of host calls in one call (and
  // the wall time they take on a busy PostgreSQL: what is measured is the core, not the attacker).
  env = await createPluginEnv({ timeoutMs: 30_000, cpuMs: 3000, memoryMb: 64, maxHostCalls: 1000, breakerThreshold: 1000 });
}, 180_000);
afterAll(async () => {
  for (const [name, f] of figures) {
    console.log(`[hostile-resources] ${name}: ${f.count} probes, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms, failures ${f.failures}; event-loop delay p99 ${f.loopDelayP99Ms.toFixed(1)} ms, max ${f.loopDelayMaxMs.toFixed(1)} ms`);
  }
  await env?.close();
});

const call = async (method: 'GET' | 'POST', pluginId: string, path: string, options: { unitId?: string; body?: unknown; as?: string } = {}) => {
  const unitId = options.unitId ?? 'a';
  return env.call(method, `/api/units/${unitId}/plugins/${pluginId}/routes/${path}`, {
    token: await env.login(options.as ?? `${unitId}.staff`), ...(options.body === undefined ? {} : { body: options.body }),
  });
};
const routes = (...list: Array<[method: 'GET' | 'POST', path: string]>) => list.map(([method, path]) => ({ method, path }));

/**
 * The core stays usable for another unit while `attack` runs: figures recorded for the report, with
 * the delay of this process's event loop (what a host call holding the main thread would show).
 */
async function contained<T>(name: string, attack: () => Promise<T>, path?: string, unitId?: string, p99Below = 300): Promise<T> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  // Probes back to back (1 ms apart): a main thread held between two probes would otherwise go unseen.
  const f = await latencyDuring(env, attack, { pauseMs: 1, ...(path ? { path } : {}), ...(unitId ? { unitId } : {}) }).finally(() => loop.disable());
  figures.push([name, { ...f, loopDelayMaxMs: loop.max / 1e6, loopDelayP99Ms: loop.percentile(99) / 1e6 }]);
  expect(f.failures, `${name}: probes that failed`).toBe(0);
  expect(f.count, `${name}: probes`).toBeGreaterThan(0);
  expect(f.p99, `${name}: p99 of the probed route (ms)`).toBeLessThan(p99Below);
  return f.result as T;
}

const HOARDER = `
  const big = 'x'.repeat(60 * 1024 - 64);
  return { routes: {
    'POST fill': async (req, host) => {
      const from = Number(req.query.from), n = Number(req.query.n);
      const out = { stored: 0, refused: 0, codes: {}, message: null };
      for (let i = from; i < from + n; i++) {
        try { await host.storage.put('docs', 'd' + i, { kind: 'blob', i, big }); out.stored++; }
        catch (e) { out.refused++; out.codes[e.code] = (out.codes[e.code] || 0) + 1; out.message = e.message; }
      }
      return out;
    },
    'GET hog': async (req, host) => {
      const answers = await Promise.all(Array.from({ length: 16 }, () => host.storage.query('docs', {}, { limit: 500 })));
      return answers.map((a) => ({ n: a.length, chars: a.reduce((s, d) => s + String(d.data.big || '').length + 100, 0) }));
    },
    'GET walk': async (req, host) => {
      const seen = []; let after = null; let pages = 0; let largest = 0;
      do {
        const page = await host.storage.query('docs', { kind: 'blob' }, { limit: 500, after });
        pages++;
        largest = Math.max(largest, JSON.stringify(page).length);
        for (const d of page.items) seen.push(d.data.i);
        after = page.next;
      } while (after);
      return { pages, largest, count: seen.length, distinct: new Set(seen).size };
    },
    'POST shrink': async (req, host) => { await host.storage.put('docs', 'd0', { kind: 'small' }); return 'ok'; },
  } };`;

describe('storage: answers have a budget and the quota holds', () => {
  beforeAll(async () => {
    await env.plugin('hoarder', HOARDER, { permissions: ['routes', 'storage'], routes: routes(['POST', 'fill'], ['GET', 'hog'], ['GET', 'walk'], ['POST', 'shrink']) });
  });

  it('1,700 documents of 60 KiB in four concurrent calls: stored up to the quota, every one after it refused, nothing written past it', async () => {
    type Fill = { stored: number; refused: number; codes: Record<string, number>; message: string | null };
    const fill = (k: number) => call('POST', 'hoarder', `fill?from=${k * 213}&n=${Math.min(213, 1700 - k * 213)}`).then((r) => {
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as Fill;
    });
    // Eight calls, four at a time, racing for the last free bytes.
    const results = await contained('storage fill (1,700 × 60 KiB, 8 calls, 4 at a time)', async () => [
      ...(await Promise.all([0, 1, 2, 3].map(fill))), ...(await Promise.all([4, 5, 6, 7].map(fill))),
    ]);
    const stored = results.reduce((n, r) => n + r.stored, 0);
    const refused = results.reduce((n, r) => n + r.refused, 0);
    expect(stored + refused).toBe(1700);
    expect(refused).toBeGreaterThan(500);
    for (const r of results) expect(Object.keys(r.codes).every((c) => c === 'PLUGIN_QUOTA_EXCEEDED')).toBe(true);
    expect(results.find((r) => r.message)?.message).toMatch(/quota of storage bytes.*67108864/);
    const usage = await storageUsage(env.kernel.db, 'hoarder', 'a');
    expect(usage.docs).toBe(stored);
    expect(usage.bytes).toBeLessThanOrEqual(DEFAULT_QUOTAS.storageBytes);
    // Filled to the brim, not refused early: one more document would not fit.
    expect(usage.bytes + 61_000).toBeGreaterThan(DEFAULT_QUOTAS.storageBytes);
    // The recorded sizes are the stored bytes: the table holds no more than the quota.
    const stored2 = await env.kernel.db.selectFrom('plugin_docs').select((eb) => eb.fn.sum<number>(eb.fn('length', ['data'])).as('chars'))
      .where('plugin_id', '=', 'hoarder').executeTakeFirstOrThrow();
    expect(Number(stored2.chars)).toBeLessThanOrEqual(DEFAULT_QUOTAS.storageBytes);
    // A document that shrinks is accepted at the quota; the health answer shows usage against quota.
    expect((await call('POST', 'hoarder', 'shrink')).body).toBe('ok');
    const health = await env.call('GET', '/api/units/a/plugins/hoarder/metrics', { token: await env.login('a.admin') });
    expect(health.status).toBe(200);
    expect(health.body.quotas.storageDocs).toEqual({ used: stored, limit: DEFAULT_QUOTAS.storageDocs });
    expect(health.body.quotas.storageBytes.limit).toBe(DEFAULT_QUOTAS.storageBytes);
    expect(health.body.quotas.storageBytes.used).toBe((await storageUsage(env.kernel.db, 'hoarder', 'a')).bytes);
  });

  it('16 large queries in flight, four calls at a time: each answer within its budget, the core and a neighbour plugin answer, the runner lives', async () => {
    // Another plugin of the same unit, whose route makes host calls of its own.
    await env.plugin('neighbour', "return { routes: { 'GET go': async (req, host) => ({ doc: await host.storage.get('docs', 'x'), departments: (await host.ledger.departments()).length }) } };",
      { permissions: ['routes', 'storage', 'ledger.read'], routes: routes(['GET', 'go']) });
    const restarts = env.host.runner.restarts;
    const neighbour = '/api/units/a/plugins/neighbour/routes/go';
    const answers = await contained('16 storage queries in flight × 4 calls × 3 rounds', () => contained('…the same, probing /api/health', () => contained('…the same, probing another plugin of unit a', async () => {
      const out = [];
      for (let round = 0; round < 3; round++) {
        const replies = await Promise.all([0, 1, 2, 3].map(() => call('GET', 'hoarder', 'hog')));
        for (const r of replies) {
          expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
          out.push(...(r.body as Array<{ n: number; chars: number }>));
        }
      }
      return out;
      // The neighbour's calls pass through the one runner process, which is busy copying the hog's
      // answers into its isolate: slower (p99 0.3–1 s on an idle machine, up to ~2.5 s when other test
      // files share its two cores), never failing. What must stay fast is the core itself (300 ms above).
    }, neighbour, 'a', 5000), '/api/health'));
    expect(answers).toHaveLength(3 * 4 * 16);
    for (const a of answers) {
      expect(a.n).toBeGreaterThan(0);
      expect(a.n).toBeLessThan(20);
      expect(a.chars).toBeLessThanOrEqual(STORAGE_ANSWER_BYTES);
    }
    expect(env.host.runner.restarts).toBe(restarts);
  });

  it('pages with `after` walk the whole collection once, each page within the budget', async () => {
    const walked = await contained('walking 1,000+ documents of 60 KiB page by page', async () => (await call('GET', 'hoarder', 'walk')).body);
    const usage = await storageUsage(env.kernel.db, 'hoarder', 'a');
    // d0 shrank to kind 'small': every other document, once.
    expect(walked).toMatchObject({ count: usage.docs - 1, distinct: usage.docs - 1 });
    expect(walked.pages).toBeGreaterThan(50);
    expect(walked.largest).toBeLessThanOrEqual(STORAGE_ANSWER_BYTES + 1000);
  });
});

describe('logs: a ring per plugin and unit, read by the admin and the digital specialist', () => {
  it('1,800 entries of ~6 KB from two calls: the ring keeps the newest 1,000', async () => {
    await env.plugin('chatter', `
      const pad = 'y'.repeat(1900), blob = { text: 'z'.repeat(3900) };
      return { routes: { 'GET shout': async (req, host) => { const from = Number(req.query.from); for (let i = from; i < from + 900; i++) await host.log.info('entry ' + i + ' ' + pad, blob); return 'done'; } } };`,
    { permissions: ['routes', 'log'], routes: routes(['GET', 'shout']) });
    await contained('1,800 log entries of 6 KB (two GET calls)', async () => {
      // Logging stays open in a GET route (it is the plugin's own diagnostics), under the ring.
      for (const from of [0, 900]) expect((await call('GET', 'chatter', `shout?from=${from}`)).body).toBe('done');
    });
    const rows = await env.kernel.db.selectFrom('plugin_logs').select(['message']).where('plugin_id', '=', 'chatter').where('unit_id', '=', 'a').orderBy('id').execute();
    expect(rows).toHaveLength(DEFAULT_QUOTAS.logEntries);
    const index = (m: string) => Number(m.split(' ')[1]);
    expect([index(rows[0]!.message), index(rows[rows.length - 1]!.message)]).toEqual([800, 1799]);

    const path = '/api/units/a/plugins/chatter/logs';
    const first = await env.call('GET', `${path}?limit=500`, { token: await env.login('a.admin') });
    expect(first.status).toBe(200);
    expect(first.body.entries).toHaveLength(500);
    expect(first.body.entries[0].message).toMatch(/^entry 1799 /);
    expect(first.body.entries[0].data).toContain('zzz');
    expect(PluginLogPage.safeParse(first.body).error).toBeUndefined();
    const second = await env.call('GET', `${path}?limit=500&before=${first.body.next}`, { token: await env.login('a.dev') });
    expect(second.status).toBe(200);
    expect(second.body.entries.at(-1).message).toMatch(/^entry 800 /);
    expect(second.body.next).toBeNull();
    // Not for other readers of the unit, nor another unit's admin.
    for (const user of ['a.staff', 'a.finance', 'a.auditor', 'dept.leader', 'sysadmin']) {
      const r = await env.call('GET', path, { token: await env.login(user) });
      expect([user, r.status, r.body.error?.code]).toEqual([user, 403, 'FORBIDDEN']);
    }
    const en = await env.call('GET', path, { token: await env.login('a.staff'), headers: { 'accept-language': 'en' } });
    expect(en.body.error.message).toBe('Not allowed (requires plugin.manage | plugin.develop)');
    expect((await env.call('GET', path, { token: await env.login('b.admin') })).status).toBe(403);
    expect((await env.call('GET', `${path}?limit=9999`, { token: await env.login('a.admin') })).status).toBe(400);
    const health = await env.call('GET', '/api/units/a/plugins/chatter/metrics', { token: await env.login('a.admin') });
    expect(health.body.quotas.logEntries).toEqual({ used: 1000, limit: 1000 });
  });
});

describe('notifications: recipients de-duplicated, an hourly cap', () => {
  it('one call to thousands of recipients reaches each person once; the hourly cap holds', async () => {
    await env.plugin('crier', `return { routes: {
      'POST blast': async (req, host) => { await host.notify({ title: 'blast', users: req.body.users, roles: req.body.roles }); return 'sent'; },
      'POST spam': async (req, host) => {
        const out = { sent: 0, refused: 0, code: null };
        for (let i = 0; i < 300; i++) { try { await host.notify({ title: 'spam ' + i, roles: ['unit_admin', 'unit_admin'] }); out.sent++; } catch (e) { out.refused++; out.code = e.code; } }
        return out;
      } } };`, { permissions: ['routes', 'notify'], routes: routes(['POST', 'blast'], ['POST', 'spam']) });
    const members = (await env.kernel.db.selectFrom('role_grants').select('user_id').distinct().where('unit_id', '=', 'a').execute()).map((r) => r.user_id);
    const admin = await env.login('a.admin');
    const unread = async () => (await env.call('GET', '/api/units/a/notifications/unread-count', { token: admin })).body.unread as number;
    const before = await unread();
    const users = Array.from({ length: 3000 }, (_, k) => members[k % members.length]!);
    const roles = Array.from({ length: 3000 }, (_, k) => (k % 2 ? 'unit_admin' : 'finance_officer'));
    const spam = await contained('notify: one call to 6,000 recipients, then 300 calls', async () => {
      expect((await call('POST', 'crier', 'blast', { body: { users, roles } })).body).toBe('sent');
      return (await call('POST', 'crier', 'spam')).body;
    });
    const rows = await env.kernel.db.selectFrom('notifications').select(['title', 'user_id', 'role']).where('source', '=', 'plugin:crier').execute();
    const blast = rows.filter((r) => r.title === 'blast');
    // Two role rows, and a row for each member holding neither role: at most one notice per person.
    expect(blast.filter((r) => r.role !== null).map((r) => r.role).sort()).toEqual(['finance_officer', 'unit_admin']);
    expect(blast.length).toBeLessThanOrEqual(members.length + 2);
    const adminId = (await env.kernel.db.selectFrom('users').select('id').where('username', '=', 'a.admin').executeTakeFirstOrThrow()).id;
    expect(blast.some((r) => r.user_id === adminId)).toBe(false);
    // The blast counted toward the hour: 119 more, then refusals.
    expect(spam).toEqual({ sent: DEFAULT_QUOTAS.notificationsPerHour - 1, refused: 300 - (DEFAULT_QUOTAS.notificationsPerHour - 1), code: 'PLUGIN_QUOTA_EXCEEDED' });
    expect(await unread()).toBe(before + DEFAULT_QUOTAS.notificationsPerHour);
    const health = await env.call('GET', '/api/units/a/plugins/crier/metrics', { token: admin });
    expect(health.body.quotas.notificationsPerHour).toEqual({ used: DEFAULT_QUOTAS.notificationsPerHour, limit: DEFAULT_QUOTAS.notificationsPerHour });
  });
});

describe('quotas are the system administrator\'s to set', () => {
  it('per plugin and per unit, audited; a lowered quota refuses the next write', async () => {
    await env.plugin('keeper', `return { routes: {
        'POST put': async (req, host) => { try { await host.storage.put('docs', req.query.id, { kind: 'k' }); return 'ok'; } catch (e) { return e.code; } },
        'POST raw': async (req, host) => { await host.storage.put('docs', req.query.id, { kind: 'k' }); return 'ok'; },
      } };`,
      { permissions: ['routes', 'storage'], routes: routes(['POST', 'put'], ['POST', 'raw']) }, ['a', 'b']);
    const sys = await env.login('sysadmin');
    expect((await env.call('PUT', '/api/plugins/keeper/quotas', { token: await env.login('a.admin'), body: { storageDocs: 1 } })).status).toBe(403);
    expect((await env.call('PUT', '/api/plugins/keeper/quotas', { token: sys, body: { storageDocs: -1 } })).status).toBe(400);
    expect((await env.call('PUT', '/api/plugins/keeper/quotas', { token: sys, body: { storageDocs: 1, surprise: 1 } })).status).toBe(400);
    expect((await env.call('PUT', '/api/plugins/nobody/quotas', { token: sys, body: { storageDocs: 1 } })).body.error.code).toBe('PLUGIN_NOT_FOUND');
    expect((await env.call('PUT', '/api/plugins/keeper/quotas', { token: sys, body: { unitId: 'zz', storageDocs: 1 } })).body.error.code).toBe('UNIT_NOT_FOUND');

    let r = await env.call('PUT', '/api/plugins/keeper/quotas', { token: sys, body: { storageDocs: 3 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    r = await env.call('PUT', '/api/plugins/keeper/quotas', { token: sys, body: { unitId: 'b', storageDocs: 1 } });
    expect(r.status).toBe(200);
    expect(r.body.plugin).toMatchObject({ storageDocs: 3, storageBytes: null });
    expect(PluginQuotaView.safeParse(r.body).error).toBeUndefined();
    expect(r.body.units.find((u: { unitId: string }) => u.unitId === 'b').overrides).toMatchObject({ storageDocs: 1 });
    const put = (unitId: string, id: string) => call('POST', 'keeper', `put?id=${id}`, { unitId }).then((x) => x.body);
    expect([await put('a', '1'), await put('a', '2'), await put('a', '3'), await put('a', '4'), await put('a', '1')]).toEqual(['ok', 'ok', 'ok', 'PLUGIN_QUOTA_EXCEEDED', 'ok']);
    expect([await put('b', '1'), await put('b', '2')]).toEqual(['ok', 'PLUGIN_QUOTA_EXCEEDED']);
    // A plugin that does not catch the refusal: its caller gets the quota's own answer (429, the figures),
    // and a full quota is no fault of the plugin's: the breaker does not count it.
    for (let i = 0; i < 3; i++) {
      const raw = await call('POST', 'keeper', 'raw?id=9', { unitId: 'b' });
      expect([raw.status, raw.body.error.code, raw.body.error.details]).toEqual([429, 'PLUGIN_QUOTA_EXCEEDED', expect.objectContaining({ pluginId: 'keeper', quota: 'storageDocs', used: 1, limit: 1 })]);
      expect(raw.body.error.message).toBe('插件 keeper 在本单位的存储文档数配额已用尽（1/1），可请系统管理员调整');
    }
    await env.host.idle();
    expect(await env.kernel.db.selectFrom('plugin_units').select(['faults', 'state']).where('plugin_id', '=', 'keeper').where('unit_id', '=', 'b').executeTakeFirstOrThrow()).toEqual({ faults: 0, state: 'enabled' });
    // Cleared: the unit inherits the plugin's quota again.
    await env.call('PUT', '/api/plugins/keeper/quotas', { token: sys, body: { unitId: 'b', storageDocs: null } });
    expect(await put('b', '2')).toBe('ok');
    const view = await env.call('GET', '/api/plugins/keeper/quotas', { token: sys });
    expect(view.body.defaults).toEqual(DEFAULT_QUOTAS);
    expect(PluginQuotaView.safeParse(view.body).error).toBeUndefined();
    expect(view.body.units.find((u: { unitId: string }) => u.unitId === 'b').usage.storageDocs).toEqual({ used: 2, limit: 3 });
    const audit = await env.kernel.db.selectFrom('audit_log').select(['action', 'entity_id', 'after_json']).where('action', '=', 'plugin.quotas').orderBy('seq').execute();
    expect(audit.map((a) => a.entity_id)).toEqual(['keeper', 'b:keeper', 'b:keeper']);
  });
});

describe('GET routes are read-only', () => {
  it('host writes in a GET route are refused (the log stays open); the same writes in a POST route run and are audited', async () => {
    await env.plugin('scribe', `
      const attempt = async (host) => {
        const out = {};
        for (const [name, f] of [
          ['put', () => host.storage.put('docs', 'x', { kind: 'x' })], ['delete', () => host.storage.delete('docs', 'x')],
          ['notify', () => host.notify({ title: 'hello' })], ['publish', () => host.realtime.publish('news', { n: 1 })],
          ['log', () => host.log.info('reading')], ['read', () => host.storage.query('docs', {})],
        ]) { try { await f(); out[name] = 'ok'; } catch (e) { out[name] = e.code; } }
        return out;
      };
      const sneak = async (host) => { await host.storage.put('docs', 'y', { kind: 'y' }); return 'wrote'; };
      return {
        routes: { 'GET write': (req, host) => attempt(host), 'POST write': (req, host) => attempt(host), 'GET sneaky': (req, host) => sneak(host) },
        views: { board: async (req, host) => { await sneak(host); return { type: 'text', text: 'x' }; } },
      };`,
    { permissions: ['routes', 'storage', 'notify', 'realtime', 'log', 'views'], routes: routes(['GET', 'write'], ['POST', 'write'], ['GET', 'sneaky']), views: [{ id: 'board', title: { zh: '看板', en: 'Board' } }] });
    const auditCount = async () => Number((await env.kernel.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'plugin.scribe.route').executeTakeFirstOrThrow()).n);
    const written = async () => ({
      docs: (await env.kernel.db.selectFrom('plugin_docs').select('doc_id').where('plugin_id', '=', 'scribe').execute()).length,
      notices: (await env.kernel.db.selectFrom('notifications').select('id').where('source', '=', 'plugin:scribe').execute()).length,
    });

    const get = await contained('GET route writes (refused)', async () => (await call('GET', 'scribe', 'write')).body);
    expect(get).toEqual({ put: 'PLUGIN_READ_ONLY', delete: 'PLUGIN_READ_ONLY', notify: 'PLUGIN_READ_ONLY', publish: 'PLUGIN_READ_ONLY', log: 'ok', read: 'ok' });
    // Any reader of the unit, a supervising unit's reader included, triggers a GET: still nothing written.
    expect((await call('GET', 'scribe', 'write', { as: 'a.auditor' })).body.put).toBe('PLUGIN_READ_ONLY');
    // Left uncaught, the refusal is what the caller gets (not a plugin fault: the breaker does not count it).
    const sneaky = await call('GET', 'scribe', 'sneaky');
    expect([sneaky.status, sneaky.body.error.code, sneaky.body.error.details]).toEqual([403, 'PLUGIN_READ_ONLY', { pluginId: 'scribe', call: 'storage.put' }]);
    expect(sneaky.body.error.message).toBe('插件 scribe 的 GET 接口只读，不能写入（storage.put）；写入须通过会记入审计的 POST 接口');
    // A view is read as a GET is: its writes are refused too.
    const view = await env.call('GET', '/api/units/a/plugins/scribe/views/board', { token: await env.login('a.staff') });
    expect([view.status, view.body.error?.code]).toEqual([403, 'PLUGIN_READ_ONLY']);
    await env.host.idle();
    const row = await env.kernel.db.selectFrom('plugin_units').select(['faults', 'state']).where('plugin_id', '=', 'scribe').where('unit_id', '=', 'a').executeTakeFirstOrThrow();
    expect(row).toEqual({ faults: 0, state: 'enabled' });
    expect(await written()).toEqual({ docs: 0, notices: 0 });
    expect(await auditCount()).toBe(0);

    const post = await call('POST', 'scribe', 'write');
    expect(post.body).toEqual({ put: 'ok', delete: 'ok', notify: 'ok', publish: 'ok', log: 'ok', read: 'ok' });
    expect(await written()).toEqual({ docs: 0, notices: 1 });
    expect(await auditCount()).toBe(1);
    const entry = await env.kernel.db.selectFrom('audit_log').select('after_json').where('action', '=', 'plugin.scribe.route').executeTakeFirstOrThrow();
    expect(JSON.parse(entry.after_json)).toMatchObject({ route: 'POST write', outcome: 'ok', writes: 4 });
  });
});

describe('ledger answers page under their budget', () => {
  it('6,000 indicators of 1.2 KB: answers stop at the 2 MiB budget, afterId pages through all, malformed paging is refused', async () => {
    const department = await env.kernel.db.selectFrom('departments').select('id').where('unit_id', '=', 'a').executeTakeFirstOrThrow();
    const name = '指标'.repeat(400);
    for (let i = 0; i < 6000; i += 500) {
      await env.kernel.db.insertInto('indicators').values(Array.from({ length: 500 }, (_, k) => ({
        unit_id: 'a', year: 2026, code: `T${String(i + k).padStart(5, '0')}`, name, department_id: department.id, project_id: null,
        expenditure_kind: 'operating' as const, functional_code: '2050101', economic_code: '30201', fund_source_code: '11', issued_amount: 100_00,
        source_line_id: null, carried_from_id: null, created_at: '2026-01-01T00:00:00.000Z',
      }))).execute();
    }
    await env.plugin('pager', `return { routes: {
      'GET walk': async (req, host) => {
        const first = await host.ledger.indicators();
        const paged = []; let afterId = 0; let pages = 0;
        for (;;) { const page = await host.ledger.indicators({ afterId, limit: 2000 }); if (!page.length) break; pages++; for (const i of page) paged.push(i.id); afterId = page[page.length - 1].id; }
        const bad = []; for (const f of [{ afterId: -1 }, { limit: 0 }, { limit: 'x' }]) { try { await host.ledger.transfers(f); bad.push('ok'); } catch (e) { bad.push(e.code); } }
        return { first: first.length, firstChars: JSON.stringify(first).length, paged: paged.length, distinct: new Set(paged).size, ascending: paged.every((id, k) => k === 0 || id > paged[k - 1]), pages, bad };
      },
      // One full answer at a time per call: 2 MiB of CJK JSON is ~8 MB in the isolate, which the four calls share (64 MB).
      'GET flood': async (req, host) => { const out = []; for (let k = 0; k < Number(req.query.n); k++) out.push((await host.ledger.indicators()).length); return out; },
    } };`, { permissions: ['routes', 'ledger.read'], routes: routes(['GET', 'walk'], ['GET', 'flood']) });
    const r = await contained('ledger: 6,000 indicators of 1.2 KB, full reads and paging', async () => (await call('GET', 'pager', 'walk')).body);
    expect(r.first).toBeLessThan(2000);
    expect(r.firstChars).toBeLessThanOrEqual(LEDGER_ANSWER_BYTES);
    expect(r.firstChars).toBeGreaterThan(LEDGER_ANSWER_BYTES * 0.9);
    expect(r).toMatchObject({ paged: 6000, distinct: 6000, ascending: true, bad: ['PLUGIN_BAD_ARGUMENTS', 'PLUGIN_BAD_ARGUMENTS', 'PLUGIN_BAD_ARGUMENTS'] });
    // Pages of 2000 asked for, cut shorter by the budget: more pages, every record once.
    expect(r.pages).toBeGreaterThan(3);
    const restarts = env.host.runner.restarts;
    const counts = await contained('ledger: 16 full reads of 2 MiB, 4 calls at once', async () => {
      const replies = await Promise.all([0, 1, 2, 3].map(() => call('GET', 'pager', 'flood?n=4')));
      for (const x of replies) expect(x.status, JSON.stringify(x.body).slice(0, 300)).toBe(200);
      return replies.map((x) => x.body);
    });
    expect(counts.flat()).toEqual(Array(16).fill(r.first));
    expect(env.host.runner.restarts).toBe(restarts);
  });
});
