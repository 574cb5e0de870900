import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from '../../test/support/kernel.js';
import { createPluginEnv, type PluginTestEnv } from '../../test/support/plugins.js';
import { latencyDuring, type LatencyFigures } from '../../test/support/latency.js';
import type { InvokeOutcome, InvokeRequest } from './runner/client.js';
import { PluginQuarantineView, UnitPluginView } from '@unibudget/sdk/contracts/plugins';

/**
 * Blame (issue 14, items 2, 6 and 8): a runner death is charged to the plugin that caused it and to
 * no neighbour; a plugin that keeps killing the runner is quarantined everywhere until the system
 * administrator releases it; isolated-vm's option objects cannot be rewritten from inside a plugin;
 * a plugin cannot dress its fault as a host code, and nothing it writes reaches an admin's notice.
 * Each attack runs while another unit's core route is measured: p99 under 300 ms, no failures.
 */
let env: PluginTestEnv;
const GO = { permissions: ['routes'] as any, routes: [{ method: 'GET' as const, path: 'go' }] };

/** Every runner outcome that carried a death, by plugin version. */
const deaths: Array<{ key: string; charged: boolean; code: string | null }> = [];

beforeAll(async () => {
  // Long enough a call for a bomb to reach the runner's own memory limit before its time runs out, also
  // on a machine busy with other test files (at 3 s a loaded machine once let the time limit win).
  env = await createPluginEnv({
    timeoutMs: 8000, cpuMs: 8000, validatorTimeoutMs: 400, memoryMb: 32, breakerThreshold: 5, maxHostCalls: 200, runnerMemoryMb: 400,
  });
  const runner = env.host.runner;
  const invoke = runner.invoke.bind(runner);
  runner.invoke = async (request: InvokeRequest): Promise<InvokeOutcome> => {
    const outcome = await invoke(request);
    if (outcome.death) deaths.push({ key: request.key, charged: outcome.death.charged, code: outcome.reply.ok ? null : outcome.reply.error.code });
    return outcome;
  };
  // The first-party-like neighbour: answers at once (GET go), or after a chain of host calls (GET wait).
  await env.plugin('control', `return { routes: {
    'GET go': (req, host) => ({ pong: true, unit: host.unitId }),
    'GET wait': async (req, host) => { for (let i = 0; i < 8; i++) await host.ledger.departments(); return { pong: true, unit: host.unitId }; },
  } };`, { permissions: ['routes', 'ledger.read'], routes: [{ method: 'GET', path: 'go' }, { method: 'GET', path: 'wait' }] }, ['a', 'b']);
});
afterAll(async () => env.close());

async function go(pluginId: string, unitId = 'a', query = ''): Promise<CallResult> {
  return env.call('GET', `/api/units/${unitId}/plugins/${pluginId}/routes/go${query}`, { token: await env.login(`${unitId}.staff`) });
}

function expectFault(result: CallResult, code: string): void {
  expect(result.status, JSON.stringify(result.body)).toBe(500);
  expect(result.body.error.code).toBe('PLUGIN_FAULT');
  expect(result.body.error.details.code).toBe(code);
}

function expectCoreUnharmed(figures: LatencyFigures, attack: string): void {
  console.log(`[hostile-blame] ${attack}: unit b p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, max ${figures.max.toFixed(1)} ms over ${figures.count} reads`);
  expect(figures.failures).toBe(0);
  expect(figures.count).toBeGreaterThan(3);
  expect(figures.p99).toBeLessThan(300);
}

/** Calls the control plugin in both units (three callers, one after another each), until `done` settles. */
async function controlWhile(done: Promise<unknown>): Promise<CallResult[]> {
  const answers: CallResult[] = [];
  let running = true;
  void done.finally(() => { running = false; });
  const caller = async (unitId: string, path: string) => {
    const token = await env.login(`${unitId}.staff`);
    while (running) {
      answers.push(await env.call('GET', `/api/units/${unitId}/plugins/control/routes/${path}`, { token }));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  await Promise.all([caller('a', 'wait'), caller('b', 'go'), caller('b', 'wait')]);
  return answers;
}

async function unitRow(pluginId: string, unitId: string) {
  return env.kernel.db.selectFrom('plugin_units').select(['state', 'faults', 'last_fault']).where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirstOrThrow();
}

describe('blame for a runner death', () => {
  // WebAssembly memory is not counted by isolated-vm's per-isolate limit (32 MB here): this bomb
  // gets past it and would take the whole runner process down; the runner's own limit (400 MB)
  // ends it first, naming the isolate that was computing.
  const BOMB = `const keep = []; return { routes: { 'GET go': (req) => {
    if (req.query.small) return { ok: true, kept: keep.length };
    for (let i = 0; i < 40; i++) { const m = new WebAssembly.Memory({ initial: 1600 }); new Uint8Array(m.buffer).fill(7); keep.push(m); }
    return { survived: keep.length };
  } } };`;

  it('a memory bomb kills the runner while the control plugin serves calls: only the bomber is charged, and after three kills it is quarantined everywhere', async () => {
    await env.plugin('bomber', BOMB, GO, ['a', 'b']);
    // Loaded and answering in both units first: what is measured is the bomb, not a first load.
    for (const unitId of ['a', 'b']) expect((await go('bomber', unitId, '?small=1')).body).toEqual({ ok: true, kept: 0 });
    let cutOff = 0;
    for (let round = 1; round <= 3; round++) {
      const restarts = env.host.runner.restarts;
      const before = deaths.length;
      const figures = await latencyDuring(env, async () => {
        const bomb = go('bomber');
        const [answer, control] = await Promise.all([bomb, controlWhile(bomb)]);
        return { answer, control };
      });
      const { answer, control } = figures.result as { answer: CallResult; control: CallResult[] };
      expectCoreUnharmed(figures, `memory bomb, round ${round} (${control.length} control calls beside it)`);
      expectFault(answer, 'PLUGIN_OUT_OF_MEMORY');
      expect(env.host.runner.restarts).toBe(restarts + 1);
      // Every control call answered: those the death cut off were run again on the new runner.
      expect(control.length).toBeGreaterThan(4);
      for (const c of control) expect(c.status, JSON.stringify(c.body)).toBe(200);
      const these = deaths.slice(before);
      expect(these.filter((d) => d.charged)).toEqual([{ key: 'bomber@1.0.0', charged: true, code: 'PLUGIN_OUT_OF_MEMORY' }]);
      cutOff += these.filter((d) => d.key === 'control@1.0.0' && !d.charged && d.code === 'PLUGIN_RUNNER_DIED').length;
      await env.host.idle();
    }
    // The deaths did cut off calls of the control plugin (in flight at the time), charged to no one.
    console.log(`[hostile-blame] control calls cut off by the three runner deaths: ${cutOff}, each run again and answered 200`);
    expect(cutOff).toBeGreaterThan(0);

    // The neighbour: enabled in both units, not one fault, nothing counted against it.
    for (const unitId of ['a', 'b']) {
      expect(await unitRow('control', unitId)).toEqual({ state: 'enabled', faults: 0, last_fault: null });
      expect(env.host.metricsSnapshot({ pluginId: 'control', unitId })[0]?.faultsByCode ?? {}).toEqual({});
    }
    // The bomber: three faults in unit a (still under its breaker), three kills, quarantined.
    expect(await unitRow('bomber', 'a')).toMatchObject({ state: 'enabled', faults: 3, last_fault: 'routes GET go: PLUGIN_OUT_OF_MEMORY' });
    const kills = await env.kernel.db.selectFrom('plugin_runner_kills').select(['plugin_id', 'version', 'reason', 'unit_id']).execute();
    expect(kills).toEqual(Array(3).fill({ plugin_id: 'bomber', version: '1.0.0', reason: 'memory', unit_id: 'a' }));
    const held = await env.kernel.db.selectFrom('plugin_quarantine').selectAll().where('plugin_id', '=', 'bomber').executeTakeFirstOrThrow();
    expect(held).toMatchObject({ version: '1.0.0', kills: 3, reason: 'memory', released_at: null });
    const audit = await env.kernel.db.selectFrom('audit_log').select(['action', 'unit_id', 'entity_id']).where('action', '=', 'plugin.quarantine').execute();
    expect(audit).toEqual([{ action: 'plugin.quarantine', unit_id: null, entity_id: 'bomber' }]);
    // The system administrator and the admins of both units are told, in the host's words.
    const notes = await env.kernel.db.selectFrom('notifications').select(['unit_id', 'role', 'title']).where('source', '=', 'plugin-host').where('title', 'like', '%bomber%').execute();
    expect(notes.map((n) => `${n.unit_id}:${n.role}`).sort()).toEqual(['a:unit_admin', 'b:unit_admin', 'bureau:system_admin']);
    expect(notes[0]!.title).toBe('插件 bomber 多次导致插件运行进程崩溃，已在全系统隔离');

    // Quarantined everywhere: not run in either unit (no new runner death, no new fault), a clear 409.
    const restarts = env.host.runner.restarts;
    for (const unitId of ['a', 'b']) {
      const refused = await go('bomber', unitId, '?small=1');
      expect([refused.status, refused.body.error.code]).toEqual([409, 'PLUGIN_QUARANTINED']);
      expect(refused.body.error.message).toBe('插件 bomber 多次导致插件运行进程崩溃，已在全系统隔离，等待系统管理员检查后解除');
    }
    const en = await env.call('GET', '/api/units/b/plugins/bomber/routes/go', { token: await env.login('b.staff'), headers: { 'accept-language': 'en' } });
    expect(en.body.error.message).toContain('quarantined until the system administrator releases it');
    expect(env.host.runner.restarts).toBe(restarts);
    await env.host.idle();
    expect((await unitRow('bomber', 'b')).faults).toBe(0);

    // The system administrator's list, and each unit's plugin list, say so.
    const sys = await env.login('sysadmin');
    const list = await env.call('GET', '/api/plugins/quarantine', { token: sys });
    expect(list.body).toEqual([expect.objectContaining({ pluginId: 'bomber', version: '1.0.0', kills: 3, reason: 'memory', releasedAt: null, releasedBy: null, releasedByName: null })]);
    expect((await env.call('GET', '/api/plugins/quarantine', { token: await env.login('a.admin') })).status).toBe(403);
    expect(PluginQuarantineView.array().safeParse(list.body).error).toBeUndefined();
    const inUnit = await env.call('GET', '/api/units/a/plugins', { token: await env.login('a.admin') });
    expect(UnitPluginView.array().safeParse(inUnit.body).error).toBeUndefined();
    expect(inUnit.body.find((p: { pluginId: string }) => p.pluginId === 'bomber').quarantined).toBe(true);
    expect(inUnit.body.find((p: { pluginId: string }) => p.pluginId === 'control').quarantined).toBe(false);
    // Enabling it again (its migration would run it) is refused before any plugin code runs: a clear 409, nothing changed.
    const before = await unitRow('bomber', 'a');
    const reEnable = await env.call('POST', '/api/units/a/plugins/bomber/enable', { token: await env.login('a.admin'), body: { grants: ['routes'] } });
    expect([reEnable.status, reEnable.body.error.code]).toEqual([409, 'PLUGIN_QUARANTINED']);
    expect(await unitRow('bomber', 'a')).toEqual(before);
    expect(env.host.runner.restarts).toBe(restarts);
  });

  it('only the system administrator releases a quarantined plugin, audited; it then runs again', async () => {
    const unitAdmin = await env.call('POST', '/api/plugins/bomber/release', { token: await env.login('a.admin') });
    expect(unitAdmin.status).toBe(403);
    const sys = await env.login('sysadmin');
    const badId = await env.call('POST', '/api/plugins/Not_An_Id/release', { token: sys });
    expect([badId.status, badId.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const released = await env.call('POST', '/api/plugins/bomber/release', { token: sys });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body).toMatchObject({ pluginId: 'bomber', state: 'released', kills: 3, reason: 'memory' });
    const audit = await env.kernel.db.selectFrom('audit_log').select(['action', 'actor_name', 'entity_id']).where('action', '=', 'plugin.release').execute();
    expect(audit).toEqual([{ action: 'plugin.release', actor_name: 'sysadmin', entity_id: 'bomber' }]);
    const again = await env.call('POST', '/api/plugins/bomber/release', { token: sys });
    expect([again.status, again.body.error.code]).toEqual([409, 'PLUGIN_NOT_QUARANTINED']);
    expect(again.body.error.message).toBe('插件 bomber 未被隔离');
    for (const unitId of ['a', 'b']) expect((await go('bomber', unitId, '?small=1')).body).toEqual({ ok: true, kept: 0 });
    const history = await env.call('GET', '/api/plugins/quarantine', { token: sys });
    const releaser = await env.kernel.db.selectFrom('users').select(['id', 'display_name']).where('username', '=', 'sysadmin').executeTakeFirstOrThrow();
    expect(history.body).toEqual([expect.objectContaining({ pluginId: 'bomber', releasedAt: expect.any(String), releasedBy: releaser.id, releasedByName: releaser.display_name })]);
    expect(PluginQuarantineView.array().safeParse(history.body).error).toBeUndefined();
  });

  it('a runner killed from outside while one plugin computes: that plugin is charged, a plugin waiting on it is not', async () => {
    await env.plugin('spinner', "return { routes: { 'GET go': () => { const until = Date.now() + 2500; while (Date.now() < until) {} return 'done'; } } };", GO, ['a']);
    await env.plugin('sleeper', "return { routes: { 'GET go': () => new Promise(() => {}) } };", GO, ['a']);
    const before = deaths.length;
    const figures = await latencyDuring(env, async () => {
      const spinning = go('spinner');
      const sleeping = go('sleeper');
      // The child reports the spinner as its suspect within a few ticks; then the system kills it.
      await new Promise((resolve) => setTimeout(resolve, 600));
      process.kill(env.host.runner.pid!, 'SIGKILL');
      return Promise.all([spinning, sleeping]);
    });
    expectCoreUnharmed(figures, 'runner killed from outside');
    const [spinning, sleeping] = figures.result as CallResult[];
    expectFault(spinning!, 'PLUGIN_RUNNER_KILLED');
    // The sleeper was waiting, not computing: its call failed with the runner, as nobody's fault.
    // (Run again on the new runner, it waited out its time limit there: a retried GET, its own timeout.)
    expect(sleeping!.body.error.details.code).toBe('PLUGIN_TIMEOUT');
    expect(deaths.slice(before).filter((d) => d.charged)).toEqual([{ key: 'spinner@1.0.0', charged: true, code: 'PLUGIN_RUNNER_KILLED' }]);
    expect(deaths.slice(before)).toContainEqual({ key: 'sleeper@1.0.0', charged: false, code: 'PLUGIN_RUNNER_DIED' });
    await env.host.idle();
    expect((await unitRow('spinner', 'a')).last_fault).toBe('routes GET go: PLUGIN_RUNNER_KILLED');
    const kills = await env.kernel.db.selectFrom('plugin_runner_kills').select(['plugin_id', 'reason']).where('plugin_id', '!=', 'bomber').execute();
    expect(kills).toEqual([{ plugin_id: 'spinner', reason: 'exit' }]);
  });

  it('a continuation left computing after its call ended is stopped, and costs no neighbour anything', async () => {
    await env.plugin('orphan', `globalThis.calls = 0; return { routes: { 'GET go': (req, host) => {
      globalThis.calls += 1;
      if (!req.query.stay) (async () => { try { await host.ledger.departments(); } catch (e) {} for (;;) {} })();
      return { calls: globalThis.calls };
    } } };`, { permissions: ['routes', 'ledger.read'], routes: [{ method: 'GET', path: 'go' }] }, ['a']);
    const figures = await latencyDuring(env, async () => {
      expect((await go('orphan')).body).toEqual({ calls: 1 });
      // The loop runs on in the isolate with no call in flight: the runner disposes it after a call's CPU budget (8 s here).
      await new Promise((resolve) => setTimeout(resolve, 8800));
    });
    expectCoreUnharmed(figures, 'a continuation left computing');
    const started = Date.now();
    // A fresh sandbox (its global state starts again), answering at once rather than after a time limit.
    expect((await go('orphan', 'a', '?stay=1')).body).toEqual({ calls: 1 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await go('control')).body).toEqual({ pong: true, unit: 'a' });
  });
});

describe('option objects handed to isolated-vm', () => {
  // Every name isolated-vm 5 reads from an options object (src/module/*.cc, ReadOption), planted on
  // Object.prototype as a getter that counts its calls, returns a hostile value and rewrites the
  // object being read (`this.result = { reference: true }`: the attack that handed a plugin a
  // Reference to the runner's own promise).
  const NAMES = [
    'timeout', 'result', 'arguments', 'copy', 'promise', 'reference', 'externalCopy', 'transferIn', 'transferOut', 'transferList',
    'filename', 'lineOffset', 'columnOffset', 'produceCachedData', 'cachedData', 'cachedDataRejected', 'release', 'inspector',
    'memoryLimit', 'snapshot', 'onCatastrophicError', 'accessors', 'unsafeInherit', 'async', 'ignored', 'meta',
  ];
  const PLANTER = `
    const NAMES = ${JSON.stringify(NAMES)};
    const HOSTILE = { timeout: 1, result: { reference: true }, arguments: { reference: true }, copy: true, promise: false, reference: true,
      externalCopy: true, transferIn: true, transferOut: true, release: true, filename: 'evil', lineOffset: -1, columnOffset: -1 };
    const counts = {};
    for (const name of NAMES) {
      counts[name] = 0;
      Object.defineProperty(Object.prototype, name, {
        configurable: true,
        get() {
          counts[name] += 1;
          try { Object.defineProperty(this, 'result', { value: { reference: true }, writable: true, configurable: true }); } catch (e) {}
          try { Object.defineProperty(this, 'arguments', { value: { reference: true }, writable: true, configurable: true }); } catch (e) {}
          return name in HOSTILE ? HOSTILE[name] : true;
        },
        set(value) { Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true }); },
      });
    }
    const kind = (v) => ({ tag: Object.prototype.toString.call(v), proto: v !== null && typeof v === 'object' ? (Object.getPrototypeOf(v) === Object.prototype ? 'Object' : Object.getPrototypeOf(v) === Array.prototype ? 'Array' : 'other') : typeof v,
      handle: v !== null && typeof v === 'object' && ['deref', 'derefInto', 'applySync', 'applySyncPromise', 'copySync', 'release'].some((k) => Object.prototype.hasOwnProperty.call(v, k)
        || typeof Object.getOwnPropertyDescriptor(Object.getPrototypeOf(v) ?? {}, k)?.value === 'function') });
  `;

  it('getters planted on Object.prototype are never called by the runner; host answers stay genuine; no Reference reaches the plugin', async () => {
    await env.plugin('getters', `${PLANTER}
      return { routes: { 'POST go': async (req, host) => {
        const out = { answers: {}, kinds: {} };
        await host.storage.put('docs', 'k', { kind: 'probe', v: 42 });
        out.answers.get = await host.storage.get('docs', 'k');
        out.answers.indicators = (await host.ledger.indicators()).map((i) => i.id);
        out.answers.departments = await host.ledger.departments();
        try { await host.storage.get('nowhere', 'x'); out.answers.refused = 'not refused'; } catch (e) { out.answers.refused = { code: e.code, isError: e instanceof Error }; }
        out.kinds = { get: kind(out.answers.get), indicators: kind(out.answers.indicators), departments: kind(out.answers.departments) };
        out.counts = counts;
        return out;
      } } };`, { permissions: ['routes', 'storage', 'ledger.read'], routes: [{ method: 'POST', path: 'go' }] }, ['a']);
    const figures = await latencyDuring(env, async () => {
      const answers = [];
      for (let i = 0; i < 20; i++) answers.push(await env.call('POST', '/api/units/a/plugins/getters/routes/go', { token: await env.login('a.staff'), body: {} }));
      return answers;
    });
    expectCoreUnharmed(figures, 'prototype getters on isolated-vm option names');
    const indicators = (await env.kernel.db.selectFrom('indicators').select('id').where('unit_id', '=', 'a').orderBy('id').execute()).map((r) => r.id);
    const departments = await env.call('GET', '/api/units/a/departments', { token: await env.login('a.finance') });
    for (const r of figures.result as CallResult[]) {
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      // Genuine: what the host stored and holds, the refusal it gave.
      expect(r.body.answers.get).toMatchObject({ id: 'k', data: { kind: 'probe', v: 42 } });
      expect([...r.body.answers.indicators].sort((x: number, y: number) => x - y)).toEqual(indicators);
      if (departments.status === 200) expect(r.body.answers.departments.length).toBe(departments.body.length);
      expect(r.body.answers.refused).toEqual({ code: 'PLUGIN_UNKNOWN_COLLECTION', isError: true });
      // Copies, never handles.
      expect(r.body.kinds).toEqual({
        get: { tag: '[object Object]', proto: 'Object', handle: false },
        indicators: { tag: '[object Array]', proto: 'Array', handle: false },
        departments: { tag: '[object Array]', proto: 'Array', handle: false },
      });
      // Not one getter was called.
      expect(r.body.counts).toEqual(Object.fromEntries(NAMES.map((n) => [n, 0])));
    }
  });

  it('the precise attack (a timeout getter that turns the host answer into a Reference) gets no Reference and no call', async () => {
    // Only the getter isolated-vm reads first, rewriting the options' result to a reference, and a
    // Promise.prototype patched so that every awaited value inside the sandbox passes through the plugin.
    await env.plugin('getters-precise', `let rewrites = 0; const handles = [];
      Object.defineProperty(Object.prototype, 'timeout', { configurable: true, get() {
        rewrites += 1;
        try { Object.defineProperty(this, 'result', { value: { reference: true, promise: true }, writable: true, configurable: true }); } catch (e) {}
        return undefined;
      } });
      const realThen = Promise.prototype.then;
      Promise.prototype.then = function (ok, bad) {
        return realThen.call(this, (v) => { if (v !== null && typeof v === 'object' && typeof v.deref === 'function') handles.push(Object.prototype.toString.call(v)); return typeof ok === 'function' ? ok(v) : v; }, bad);
      };
      Object.defineProperty(Promise.prototype, 'constructor', { value: Object, writable: true, configurable: true });
      return { routes: { 'GET go': async (req, host) => {
        let answer = null, error = null;
        try { answer = await host.ledger.departments(); } catch (e) { error = String(e && e.message); }
        return { rewrites, handles, isArray: Array.isArray(answer), error };
      } } };`, { permissions: ['routes', 'ledger.read'], routes: [{ method: 'GET', path: 'go' }] }, ['a']);
    const figures = await latencyDuring(env, async () => {
      const answers = [];
      for (let i = 0; i < 20; i++) {
        answers.push(await go('getters-precise'));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return answers;
    });
    expectCoreUnharmed(figures, 'a timeout getter rewriting the result option');
    for (const r of figures.result as CallResult[]) expect(r.body).toEqual({ rewrites: 0, handles: [], isArray: true, error: null });
  });

  it('getters planted at load time, before the first call in a unit, change nothing either', async () => {
    // The plugin's top level runs in the context right after the runner's own code: a plugin loaded
    // into a fresh context for unit b plants them before its first call there.
    await env.plugin('getters-early', `${PLANTER}
      return { routes: { 'GET go': async (req, host) => ({ unit: host.unitId, depts: kind(await host.ledger.departments()), counts }) } };`,
    { permissions: ['routes', 'ledger.read'], routes: [{ method: 'GET', path: 'go' }] }, ['a', 'b']);
    for (const unitId of ['b', 'a', 'b']) {
      const r = await go('getters-early', unitId);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toEqual({ unit: unitId, depts: { tag: '[object Array]', proto: 'Array', handle: false }, counts: Object.fromEntries(NAMES.map((n) => [n, 0])) });
    }
  });
});

describe('a plugin fault as an admin sees it', () => {
  it('a plugin cannot dress its fault as a host code', async () => {
    await env.plugin('forger', `return { routes: { 'GET go': async (req, host) => {
      const how = req.query.how;
      if (how === 'plain') throw { __hostError: true, code: 'PLUGIN_QUOTA_EXCEEDED', message: '配额已满', status: 429 };
      if (how === 'error') { const e = new Error('配额已满'); e.code = 'PLUGIN_QUOTA_EXCEEDED'; e.status = 429; e.__hostError = true; throw e; }
      if (how === 'relabel') { try { await host.ledger.indicators(); } catch (e) { e.code = 'PLUGIN_QUOTA_EXCEEDED'; e.__hostError = true; throw e; } }
      if (how === 'tojson') {
        Object.prototype.toJSON = function () { return { ok: false, e: { code: 'PLUGIN_QUOTA_EXCEEDED', message: 'forged', status: 429 } }; };
        throw new Error('plain');
      }
      if (how === 'refuse') throw { __refusal: true, __hostError: true, status: 409, code: 'PLUGIN_QUOTA_EXCEEDED', message: '配额已满' };
      return 'nothing';
    } } };`, GO, ['a']);
    const call = async (how: string) => env.call('GET', `/api/units/a/plugins/forger/routes/go?how=${how}`, { token: await env.login('a.staff') });
    const figures = await latencyDuring(env, async () => {
      // 'tojson' poisons Object.prototype in the unit's context for good, so it goes last: run beside 'relabel', it
      // could make relabel's own host call arguments unserialisable (PLUGIN_BAD_ARGUMENTS) before the refusal.
      const [plain, error, relabel, refuse] = await Promise.all(['plain', 'error', 'relabel', 'refuse'].map(call));
      const answers = [plain, error, relabel, await call('tojson'), refuse];
      // Four faults, under the breaker's five: the plugin keeps answering, as it would for its users.
      for (let i = 0; i < 40; i++) expect((await call('none')).body).toBe('nothing');
      return answers;
    });
    expectCoreUnharmed(figures, 'forged host errors');
    const [plain, error, relabel, tojson, refuse] = figures.result as CallResult[];
    expectFault(plain!, 'PLUGIN_THREW');
    expectFault(error!, 'PLUGIN_THREW');
    // A genuine host refusal rethrown keeps the code the host gave, whatever the plugin wrote on it.
    expectFault(relabel!, 'PLUGIN_PERMISSION_DENIED');
    expectFault(tojson!, 'PLUGIN_THREW');
    expect(tojson!.body.error.details.message).toBe('Error: plain');
    // A refusal is the plugin's own answer, under its own namespace: never a core code.
    expect([refuse!.status, refuse!.body.error.code]).toEqual([409, 'forger.PLUGIN_QUOTA_EXCEEDED']);
  });

  it("the breaker's notice quotes a code and a fixed sentence, never the plugin's text; the text goes to the plugin's log", async () => {
    const LURE = '请访问 https://evil.example 重新授权';
    await env.plugin('phisher', `return { routes: { 'GET go': () => { throw new Error(${JSON.stringify(LURE)}); } } };`, GO, ['a']);
    const figures = await latencyDuring(env, async () => {
      for (let i = 0; i < 5; i++) expectFault(await go('phisher'), 'PLUGIN_THREW');
      await env.host.idle();
      // Tripped: refused without running, however often it is called.
      for (let i = 0; i < 20; i++) {
        expect((await go('phisher')).body.error.code).toBe('PLUGIN_NOT_ENABLED');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
    expectCoreUnharmed(figures, 'phishing fault text');
    const admin = await env.login('a.admin');
    const inbox = await env.call('GET', '/api/units/a/notifications', { token: admin });
    const notice = (inbox.body as Array<{ source: string; title: string; body: string }>).find((n) => n.source === 'plugin-host' && n.title.includes('phisher'));
    expect(notice).toEqual(expect.objectContaining({
      title: '插件 phisher 连续出错 5 次，已在本单位自动停用',
      body: '最近一次错误代码：PLUGIN_THREW。错误详情已写入该插件在本单位的日志。请检查插件后在插件管理中重新启用。',
    }));
    const audit = await env.kernel.db.selectFrom('audit_log').select(['before_json', 'after_json']).where('action', '=', 'plugin.trip').where('entity_id', '=', 'a:phisher').execute();
    expect(audit.length).toBe(1);
    expect(JSON.stringify(audit)).not.toContain('evil');
    const listed = await env.call('GET', '/api/units/a/plugins', { token: admin });
    expect(listed.body.find((p: any) => p.pluginId === 'phisher')).toMatchObject({ state: 'tripped', lastFault: 'routes GET go: PLUGIN_THREW' });
    const metrics = await env.call('GET', '/api/units/a/plugins/phisher/metrics', { token: admin });
    expect(metrics.body.lastFault).toBe('routes GET go: PLUGIN_THREW');
    for (const shown of [inbox.body, listed.body, metrics.body]) expect(JSON.stringify(shown)).not.toMatch(/evil\.example|请访问/);
    // For the plugin's developer, the whole text, in the plugin's own log in the unit.
    const logs = await env.kernel.db.selectFrom('plugin_logs').select(['level', 'message']).where('plugin_id', '=', 'phisher').where('unit_id', '=', 'a').execute();
    expect(logs.length).toBe(5);
    expect(logs[0]).toEqual({ level: 'error', message: `[host] routes GET go: PLUGIN_THREW: Error: ${LURE}` });
  });
});
