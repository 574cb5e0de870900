import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from '../../test/support/kernel.js';
import { createPluginEnv, type PluginTestEnv } from '../../test/support/plugins.js';

/**
 * The hostile-plugin suite: each plugin tries one thing. Every test checks that the plugin got a
 * clear fault (or nothing it should not have), and that the host stayed up: a well-behaved plugin
 * and the core itself still answer in time afterwards, and nothing leaked into the host.
 */
let env: PluginTestEnv;
const GO = { permissions: ['routes'] as any, routes: [{ method: 'GET' as const, path: 'go' }] };
const withPerms = (...perms: string[]) => ({ ...GO, permissions: ['routes', ...perms] as any });
/** GET routes are read-only: a plugin that writes declares `POST go` too. */
const WRITE = (...perms: string[]) => ({ permissions: ['routes', ...perms] as any, routes: [{ method: 'GET' as const, path: 'go' }, { method: 'POST' as const, path: 'go' }] });

beforeAll(async () => {
  env = await createPluginEnv({ timeoutMs: 400, validatorTimeoutMs: 400, memoryMb: 32, breakerThreshold: 3, maxHostCalls: 200 });
  await env.plugin('control', "return { routes: { 'GET go': (req, host) => ({ pong: true, unit: host.unitId }) } };", GO, ['a', 'b']);
});
afterAll(async () => env.close());

async function go(pluginId: string, unitId = 'a'): Promise<CallResult> {
  return env.call('GET', `/api/units/${unitId}/plugins/${pluginId}/routes/go`, { token: await env.login(`${unitId}.staff`) });
}

async function post(pluginId: string, unitId = 'a'): Promise<CallResult> {
  return env.call('POST', `/api/units/${unitId}/plugins/${pluginId}/routes/go`, { token: await env.login(`${unitId}.staff`) });
}

/** The host is up: a good plugin and a core route both answer, quickly. */
async function hostStaysUp(): Promise<void> {
  const started = Date.now();
  const control = await go('control');
  expect(control.body).toEqual({ pong: true, unit: 'a' });
  const core = await env.call('GET', '/api/units/a/indicators', { token: await env.login('a.finance') });
  expect(core.status).toBe(200);
  expect(Date.now() - started).toBeLessThan(1500);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

function expectFault(result: CallResult, ...codes: string[]): void {
  expect(result.status, JSON.stringify(result.body)).toBe(500);
  expect(result.body.error.code).toBe('PLUGIN_FAULT');
  expect(codes).toContain(result.body.error.details.code);
  expect(result.body.error.message).toContain(result.body.error.details.pluginId);
}

async function hostile(id: string, source: string, manifest: Record<string, unknown> = GO, units = ['a']): Promise<void> {
  await env.plugin(id, source, manifest as any, units);
}

describe('runaway code is stopped', () => {
  it('1 synchronous infinite loop → timeout', async () => {
    await hostile('loop', "return { routes: { 'GET go': () => { for (;;) {} } } };");
    const started = Date.now();
    expectFault(await go('loop'), 'PLUGIN_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
    await hostStaysUp();
  });

  it('2 a loop after an await (isolated-vm timeout does not cover it) → watchdog timeout', async () => {
    await hostile('loop-async', "return { routes: { 'GET go': async () => { await null; for (;;) {} } } };");
    expectFault(await go('loop-async'), 'PLUGIN_TIMEOUT');
    await hostStaysUp();
  });

  it('3 a promise that never settles → watchdog timeout', async () => {
    await hostile('never', "return { routes: { 'GET go': () => new Promise(() => {}) } };");
    expectFault(await go('never'), 'PLUGIN_TIMEOUT');
    await hostStaysUp();
  });

  it('4 deep recursion → RangeError reported', async () => {
    await hostile('recurse', "function f(n) { return f(n + 1) + 1; } return { routes: { 'GET go': () => f(0) } };");
    const r = await go('recurse');
    expectFault(r, 'PLUGIN_THREW');
    expect(r.body.error.details.message).toContain('RangeError');
    await hostStaysUp();
  });

  it('5 memory bomb → out of memory, sandbox reset, next call works', async () => {
    await hostile('membomb', "const keep = []; return { routes: { 'GET go': (req) => { if (req.query.small) return { ok: true }; for (;;) keep.push(new Array(1e5).fill({ a: Math.random() })); } } };");
    expectFault(await go('membomb'), 'PLUGIN_OUT_OF_MEMORY', 'PLUGIN_TIMEOUT');
    const again = await env.call('GET', '/api/units/a/plugins/membomb/routes/go?small=1', { token: await env.login('a.staff') });
    expect(again.body).toEqual({ ok: true });
    await hostStaysUp();
  });

  it('6 a huge result → refused by size', async () => {
    await hostile('huge', "return { routes: { 'GET go': () => 'x'.repeat(3 * 1024 * 1024) } };");
    expectFault(await go('huge'), 'PLUGIN_RESULT_TOO_LARGE');
    await hostStaysUp();
  });

  it('7 endless code at load time (top level) → timeout', async () => {
    await env.install((await import('../../test/support/plugins.js')).testBundle('toplevel-loop', 'for (;;) {} return {};', GO));
    // Enabling runs the plugin (its migration) first: a plugin that cannot load is refused, clearly.
    const r = await env.call('POST', '/api/units/a/plugins/toplevel-loop/enable', { token: await env.login('a.admin'), body: { grants: ['routes'] } });
    expectFault(r, 'PLUGIN_TIMEOUT');
    expect(r.body.error.details.during).toBe('migrate');
    expect([(await go('toplevel-loop')).status]).toEqual([409]);
    await hostStaysUp();
  });

  it('8 a thenable whose then never calls back → timeout', async () => {
    await hostile('thenable', "return { routes: { 'GET go': () => ({ then() {} }) } };");
    expectFault(await go('thenable'), 'PLUGIN_TIMEOUT');
    await hostStaysUp();
  });

  it('9 a misbehaving plugin does not slow another running at the same time', async () => {
    await hostile('busy', "return { routes: { 'GET go': () => { for (;;) {} } } };");
    const slow = go('busy');
    const started = Date.now();
    const control = await go('control');
    expect(control.body.pong).toBe(true);
    expect(Date.now() - started).toBeLessThan(300);
    expectFault(await slow, 'PLUGIN_TIMEOUT');
  });
});

describe('flooding', () => {
  it('10 thousands of host calls at once → limited', async () => {
    await hostile('flood-parallel', "return { routes: { 'GET go': async (req, host) => { const all = []; for (let i = 0; i < 5000; i++) all.push(host.log.info('x').catch(() => null)); await Promise.all(all); return 'done'; } } };", withPerms('log'));
    expectFault(await go('flood-parallel'), 'PLUGIN_HOST_CALL_LIMIT', 'PLUGIN_TIMEOUT');
    const logs = await env.kernel.db.selectFrom('plugin_logs').select((eb) => eb.fn.countAll<number>().as('n')).where('plugin_id', '=', 'flood-parallel').executeTakeFirstOrThrow();
    expect(Number(logs.n)).toBeLessThanOrEqual(200); // of 5000 attempted: stopped by the in-flight and per-call limits
    await hostStaysUp();
  });

  it('11 an endless serial stream of host calls → limited', async () => {
    await hostile('flood-serial', "return { routes: { 'GET go': async (req, host) => { for (let i = 0; i < 100000; i++) { try { await host.storage.get('docs', 'k'); } catch (e) {} } return 'done'; } } };", withPerms('storage'));
    expectFault(await go('flood-serial'), 'PLUGIN_HOST_CALL_LIMIT', 'PLUGIN_TIMEOUT');
    await hostStaysUp();
  });
});

describe('permissions and units', () => {
  it('12 a host call without the granted permission is refused', async () => {
    await env.install((await import('../../test/support/plugins.js')).testBundle('no-grant', "return { routes: { 'GET go': async (req, host) => { try { await host.ledger.indicators(); return 'leaked'; } catch (e) { return { code: e.code, message: e.message }; } } } };", withPerms('ledger.read')));
    await env.enable('a', 'no-grant', ['routes']);
    const r = await go('no-grant');
    expect(r.body.code).toBe('PLUGIN_PERMISSION_DENIED');
    expect(r.body.message).toContain('ledger.read');
    await hostStaysUp();
  });

  it('13 asking the ledger for another unit returns only the bound unit', async () => {
    await hostile('other-unit', "return { routes: { 'GET go': async (req, host) => ({ ind: (await host.ledger.indicators({ unitId: 'b', unit_id: 'b' })).map((i) => i.id), pay: (await host.ledger.payments({ unitId: 'b' })).map((p) => p.id) }) } };", withPerms('ledger.read'));
    const r = await go('other-unit');
    const own = (await env.kernel.db.selectFrom('indicators').select('id').where('unit_id', '=', 'a').execute()).map((x) => x.id);
    const bIds = new Set((await env.kernel.db.selectFrom('indicators').select('id').where('unit_id', '=', 'b').execute()).map((x) => x.id));
    expect(r.body.ind.sort()).toEqual(own.sort());
    expect(r.body.ind.some((id: number) => bIds.has(id))).toBe(false);
    const bPayments = new Set((await env.kernel.db.selectFrom('payments').select('id').where('unit_id', '=', 'b').execute()).map((x) => x.id));
    expect(r.body.pay.some((id: number) => bPayments.has(id))).toBe(false);
  });

  it('14 storage written in one unit is invisible from another', async () => {
    // Writes go through a POST route (GET routes are read-only).
    await hostile('store-cross', "return { routes: { 'POST go': async (req, host) => { await host.storage.put('docs', 'secret', { kind: 's', v: 42 }); return 'stored'; }, 'GET go': async (req, host) => ({ get: await host.storage.get('docs', 'secret'), all: await host.storage.query('docs', {}) }) } };", WRITE('storage'), ['a', 'b']);
    expect((await post('store-cross', 'a')).body).toBe('stored');
    expect((await go('store-cross', 'b')).body).toEqual({ get: null, all: [] });
  });

  it('15 global state kept in one unit does not appear in another (a context per unit)', async () => {
    await hostile('state-leak', "globalThis.calls = 0; return { routes: { 'GET go': (req, host) => { globalThis.calls += 1; globalThis.seen = (globalThis.seen || []).concat(host.unitId); return { calls: globalThis.calls, seen: globalThis.seen }; } } };", GO, ['a', 'b']);
    await go('state-leak', 'a');
    await go('state-leak', 'a');
    expect((await go('state-leak', 'a')).body).toEqual({ calls: 3, seen: ['a', 'a', 'a'] });
    expect((await go('state-leak', 'b')).body).toEqual({ calls: 1, seen: ['b'] });
  });

  it('16 a host object kept from an earlier call is dead', async () => {
    await hostile('stale-host', "let kept = null; return { routes: { 'GET go': async (req, host) => { if (!kept) { kept = host; return 'kept'; } try { await kept.storage.get('docs', 'x'); return 'used'; } catch (e) { return e.code; } } } };", withPerms('storage'));
    expect((await go('stale-host')).body).toBe('kept');
    expect((await go('stale-host')).body).toBe('PLUGIN_CALL_EXPIRED');
  });

  it('17 notifications cannot be sent to users outside the unit', async () => {
    await hostile('notify-out', "return { routes: { 'POST go': async (req, host) => { try { await host.notify({ title: 'x', users: [req.query.user * 1] }); return 'sent'; } catch (e) { return e.code; } } } };", WRITE('notify'));
    const bAdmin = await env.kernel.db.selectFrom('users').select('id').where('username', '=', 'b.admin').executeTakeFirstOrThrow();
    const r = await env.call('POST', `/api/units/a/plugins/notify-out/routes/go?user=${bAdmin.id}`, { token: await env.login('a.staff') });
    expect(r.body).toBe('PLUGIN_BAD_ARGUMENTS');
    const rows = await env.kernel.db.selectFrom('notifications').select('id').where('source', '=', 'plugin:notify-out').execute();
    expect(rows).toEqual([]);
  });

  it('18 storage outside declared collections and oversized documents are refused', async () => {
    await hostile('storage-abuse', "return { routes: { 'POST go': async (req, host) => { const out = []; for (const f of [() => host.storage.put('other', 'x', {}), () => host.storage.put('docs', 'x', { big: 'x'.repeat(100000) }), () => host.storage.query('docs', { notIndexed: 1 })]) { try { await f(); out.push('ok'); } catch (e) { out.push(e.code); } } return out; } } };", WRITE('storage'));
    expect((await post('storage-abuse')).body).toEqual(['PLUGIN_UNKNOWN_COLLECTION', 'PLUGIN_BAD_ARGUMENTS', 'PLUGIN_NOT_INDEXED']);
  });
});

describe('escaping the sandbox', () => {
  it('19 no process, require, timers, network or host globals', async () => {
    await hostile('escape', `return { routes: { 'GET go': () => {
      const probe = (f) => { try { const v = f(); return v === undefined ? 'undefined' : typeof v; } catch (e) { return 'threw'; } };
      return {
        process: typeof process, require: typeof require, module: typeof module, setTimeout: typeof setTimeout, setInterval: typeof setInterval,
        fetch: typeof fetch, Buffer: typeof Buffer, ivm: typeof ivm, importScripts: typeof importScripts,
        viaFunction: probe(() => Function('return typeof process')()),
        viaConstructor: probe(() => (function () {}).constructor('return this.process')()),
        globalKeys: Object.getOwnPropertyNames(globalThis).filter((k) => /process|require|ivm|hostRef|invoke/i.test(k)),
      };
    } } };`);
    const r = await go('escape');
    expect(r.body).toMatchObject({ process: 'undefined', require: 'undefined', module: 'undefined', setTimeout: 'undefined', setInterval: 'undefined', fetch: 'undefined', Buffer: 'undefined', ivm: 'undefined', importScripts: 'undefined', viaConstructor: 'undefined', globalKeys: [] });
    expect(['string', 'undefined']).toContain(r.body.viaFunction);
    await hostStaysUp();
  });

  it('20 dynamic import is not available', async () => {
    await hostile('dyn-import', "return { routes: { 'GET go': async () => { try { await import('node:fs'); return 'imported'; } catch (e) { return 'refused'; } } } };");
    const r = await go('dyn-import');
    expect(r.body === 'refused' || r.body?.error?.details?.code === 'PLUGIN_THREW').toBe(true);
  });

  it('21 tampering with prototypes and builtins stays inside the plugin', async () => {
    await hostile('proto', `return { routes: { 'GET go': async (req, host) => {
      Object.prototype.polluted = 'yes'; Array.prototype.push = () => { throw new Error('hijacked'); };
      JSON.parse = () => ({ ok: true, v: 'forged' }); JSON.stringify = () => '"forged"';
      Promise.prototype.then = function () { return this; };
      req.__proto__.evil = 1;
      return { done: true };
    } } };`);
    const r = await go('proto');
    expect(r.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).evil).toBeUndefined();
    expect([].push).toBe(Array.prototype.push);
    await hostStaysUp();
  });

  it('22 forged host replies via a patched JSON do not bypass permissions', async () => {
    await hostile('forge', "return { routes: { 'GET go': async (req, host) => { JSON.parse = () => ({ ok: true, v: ['forged'] }); try { return { got: await host.ledger.indicators() }; } catch (e) { return { code: e.code }; } } } };");
    expect((await go('forge')).body).toEqual({ code: 'PLUGIN_PERMISSION_DENIED' });
  });

  it('23 the host API object is frozen', async () => {
    await hostile('mutate-host', "return { routes: { 'GET go': (req, host) => { 'use strict'; try { host.ledger = { indicators: () => 'x' }; return 'mutated'; } catch (e) { return Object.isFrozen(host) && Object.isFrozen(host.storage) ? 'frozen' : 'not frozen'; } } } };");
    expect((await go('mutate-host')).body).toBe('frozen');
  });
});

describe('strange failures are reported clearly', () => {
  it('24 throwing a number', async () => {
    await hostile('throw-number', "return { routes: { 'GET go': () => { throw 42; } } };");
    const r = await go('throw-number');
    expectFault(r, 'PLUGIN_THREW');
    expect(r.body.error.details.message).toContain('non-Error value (number): 42');
  });

  it('25 throwing null and undefined', async () => {
    await hostile('throw-null', "return { routes: { 'GET go': (req) => { if (req.query.u) throw undefined; throw null; } } };");
    expect((await go('throw-null')).body.error.details.message).toContain('(null)');
    const r = await env.call('GET', '/api/units/a/plugins/throw-null/routes/go?u=1', { token: await env.login('a.staff') });
    expect(r.body.error.details.message).toContain('(undefined)');
  });

  it('26 throwing an object whose getters and toString throw', async () => {
    await hostile('throw-evil', "return { routes: { 'GET go': () => { throw { get message() { throw 1; }, toString() { throw 2; }, toJSON() { throw 3; } }; } } };");
    const r = await go('throw-evil');
    expectFault(r, 'PLUGIN_THREW');
    expect(r.body.error.details.message).toContain('non-Error');
  });

  it('27 throwing a Proxy that throws on every trap', async () => {
    await hostile('throw-proxy', "return { routes: { 'GET go': () => { throw new Proxy({}, { get() { throw 1; }, getPrototypeOf() { throw 2; }, ownKeys() { throw 3; }, has() { throw 4; } }); } } };");
    expectFault(await go('throw-proxy'), 'PLUGIN_THREW');
    await hostStaysUp();
  });

  it('28 returning a circular or BigInt value → bad result', async () => {
    await hostile('bad-result', "return { routes: { 'GET go': (req) => { if (req.query.big) return { n: 10n }; const a = {}; a.a = a; return a; } } };");
    expectFault(await go('bad-result'), 'PLUGIN_BAD_RESULT');
    const r = await env.call('GET', '/api/units/a/plugins/bad-result/routes/go?big=1', { token: await env.login('a.staff') });
    expectFault(r, 'PLUGIN_BAD_RESULT');
  });

  it('29 a plugin that throws at load time', async () => {
    await env.install((await import('../../test/support/plugins.js')).testBundle('load-throw', "throw new TypeError('broken at load'); return {};", GO));
    const r = await env.call('POST', '/api/units/a/plugins/load-throw/enable', { token: await env.login('a.admin'), body: { grants: ['routes'] } });
    expectFault(r, 'PLUGIN_THREW');
    expect(r.body.error.details.message).toContain('broken at load');
    await hostStaysUp();
  });
});

describe('runner death and the breaker', () => {
  it('30 the runner process dies mid-call: in-flight calls fail cleanly, the next call gets a fresh runner', async () => {
    await hostile('slow', "return { routes: { 'GET go': () => new Promise(() => {}) } };");
    const inFlight = go('slow');
    await new Promise((r) => setTimeout(r, 100));
    const restarts = env.host.runner.restarts;
    env.host.runner.crash();
    expectFault(await inFlight, 'PLUGIN_RUNNER_DIED');
    expect(env.host.runner.restarts).toBe(restarts + 1);
    await hostStaysUp();
  });

  it('31 repeated faults trip the breaker for that unit only, audit it and notify the unit admin', async () => {
    await hostile('faulty', "return { routes: { 'GET go': () => { throw new Error('always'); } } };", GO, ['a', 'b']);
    for (let i = 0; i < 3; i++) expectFault(await go('faulty'), 'PLUGIN_THREW');
    await env.host.idle();
    const row = await env.kernel.db.selectFrom('plugin_units').select(['state', 'faults']).where('unit_id', '=', 'a').where('plugin_id', '=', 'faulty').executeTakeFirstOrThrow();
    expect(row.state).toBe('tripped');
    const r = await go('faulty');
    expect([r.status, r.body.error.code]).toEqual([409, 'PLUGIN_NOT_ENABLED']);
    const audit = await env.kernel.db.selectFrom('audit_log').select(['action', 'unit_id']).where('action', '=', 'plugin.trip').execute();
    expect(audit).toContainEqual({ action: 'plugin.trip', unit_id: 'a' });
    const notes = await env.kernel.db.selectFrom('notifications').selectAll().where('unit_id', '=', 'a').where('role', '=', 'unit_admin').where('source', '=', 'plugin-host').execute();
    expect(notes.length).toBe(1);
    expect(notes[0]!.title).toContain('faulty');
    const inbox = await env.call('GET', '/api/units/a/notifications', { token: await env.login('a.admin') });
    expect(inbox.body).toContainEqual(expect.objectContaining({ source: 'plugin-host', title: expect.stringContaining('faulty') }));
    const staffInbox = await env.call('GET', '/api/units/a/notifications', { token: await env.login('a.staff') });
    expect(staffInbox.body.some((n: any) => n.source === 'plugin-host')).toBe(false);
    const listed = await env.call('GET', '/api/units/a/plugins', { token: await env.login('a.admin') });
    expect(listed.body.find((p: any) => p.pluginId === 'faulty')).toMatchObject({ state: 'tripped', lastFault: 'routes GET go: PLUGIN_THREW' }); // the code, never the plugin's text (issue 14)
    // unit b still runs it (and faults there on its own account)
    expectFault(await go('faulty', 'b'), 'PLUGIN_THREW');
    await hostStaysUp();
  });
});

describe('the CPU watchdog', () => {
  // A core whose wall limit is generous (host calls may wait on a busy database) but whose CPU
  // budget is small: the plugin's own computing is what is bounded.
  let cpuEnv: PluginTestEnv;
  beforeAll(async () => {
    cpuEnv = await createPluginEnv({ timeoutMs: 4000, cpuMs: 150, validatorTimeoutMs: 400, memoryMb: 32, breakerThreshold: 3, maxHostCalls: 200 });
  });
  afterAll(async () => cpuEnv.close());
  const goCpu = async (pluginId: string) => cpuEnv.call('GET', `/api/units/a/plugins/${pluginId}/routes/go`, { token: await cpuEnv.login('a.staff') });

  it('32 a loop after awaiting a host call is disposed for its CPU time, before the wall limit; waiting is not charged', async () => {
    await cpuEnv.plugin('cpu-burn', "return { routes: { 'GET go': async (req, host) => { await host.log.info('first a host call'); for (;;) {} } } };", withPerms('log'));
    const burned = await goCpu('cpu-burn');
    expectFault(burned, 'PLUGIN_CPU_LIMIT');
    expect(burned.body.error.details.message).toContain('CPU');
    // A call that waits (on a slow host call chain) far longer in wall time than its CPU budget is fine.
    await cpuEnv.plugin('cpu-patient', "return { routes: { 'GET go': async (req, host) => { for (let i = 0; i < 40; i++) await host.log.info('wait ' + i); return { done: true }; } } };", withPerms('log'));
    expect((await goCpu('cpu-patient')).body).toEqual({ done: true });
    // The sandbox was reset, not the runner: the same plugin's fresh isolate and others still answer.
    await cpuEnv.plugin('cpu-control', "return { routes: { 'GET go': (req, host) => ({ pong: host.unitId }) } };", GO);
    expect((await goCpu('cpu-control')).body).toEqual({ pong: 'a' });
    expect(cpuEnv.host.runner.restarts).toBe(0);
    const metrics = cpuEnv.host.metricsSnapshot({ pluginId: 'cpu-burn' });
    expect(metrics[0]?.faultsByCode).toEqual({ PLUGIN_CPU_LIMIT: 1 });
  });
});
