import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RunnerClient, type HostCall, type InvokeRequest, type RunnerDeath } from './client.js';

/**
 * The runner child dying while the core is answering its host calls: every reply then goes to a
 * closed pipe. Each failed send must settle its call as PLUGIN_RUNNER_DIED, never surface as an
 * uncaught EPIPE (vitest fails a run that has one).
 */
const request = (code: string, name: string): InvokeRequest => ({
  key: 'dying@1.0.0', code, unitId: 'a', entry: 'routes', name, input: null, settings: {},
  timeoutMs: 5000, memoryMb: 32, maxResultBytes: 1024 * 1024, maxHostCalls: 100, context: {},
});

/** Blocks the event loop (no IPC is read meanwhile), so the child is dead but not yet seen as disconnected. */
const blockFor = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const PARALLEL = `var __plugin = { default: { routes: {
  'GET many': async (req, host) => Promise.all([1, 2, 3, 4, 5, 6].map((i) => host.storage.get('docs', 'd' + i))),
} } };`;

const CHILD_PATH = fileURLToPath(new URL('./child.mjs', import.meta.url));

let runner: RunnerClient | null = null;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

afterEach(async () => {
  process.off('uncaughtException', onUncaught);
  await runner?.stop();
  runner = null;
});

describe('runner client', () => {
  it('a child killed while host-call replies are in flight fails the call as PLUGIN_RUNNER_DIED, with no uncaught exception', async () => {
    process.on('uncaughtException', onUncaught);
    const arrived: HostCall[] = [];
    let releaseAll!: () => void;
    const gate = new Promise<void>((resolve) => { releaseAll = resolve; });
    runner = new RunnerClient(async (call) => {
      arrived.push(call);
      if (arrived.length === 6) {
        // Every call is waiting on its answer: kill the runner, give the kernel time to close its
        // end of the channel before this process reads the hang-up, then answer all six at once.
        process.kill(runner!.pid!, 'SIGKILL');
        blockFor(300);
        releaseAll();
      }
      await gate;
      return { id: 'x', data: {} };
    });
    const outcome = await runner.invoke(request(PARALLEL, 'GET many'));
    expect(arrived).toHaveLength(6);
    expect(outcome.reply).toMatchObject({ ok: false, error: { code: 'PLUGIN_RUNNER_DIED', status: 503 } });
    // Errors of failed sends surface on the next ticks: give them the chance.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(uncaught).toEqual([]);

    // The runner restarts for the next call.
    const next = await runner.invoke(request("var __plugin = { default: { routes: { 'GET ok': () => 'fine' } } };", 'GET ok'));
    expect(next.reply).toEqual({ ok: true, value: 'fine' });
    expect(runner.restarts).toBe(1);
  });

  it('drop and crash on a runner that is gone or going are quiet', async () => {
    process.on('uncaughtException', onUncaught);
    runner = new RunnerClient(async () => null);
    const first = await runner.invoke(request("var __plugin = { default: { routes: { 'GET ok': () => 1 } } };", 'GET ok'));
    expect(first.reply).toEqual({ ok: true, value: 1 });
    process.kill(runner.pid!, 'SIGKILL');
    blockFor(300);
    runner.drop('dying@1.0.0', 'a');
    runner.drop('dying@1.0.0');
    runner.crash();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(uncaught).toEqual([]);
  });
});

describe('runner client: blame and host errors', () => {
  const BOMB = `var __plugin = { default: { routes: { 'GET go': () => {
    const keep = []; for (let i = 0; i < 40; i++) { const m = new WebAssembly.Memory({ initial: 1600 }); new Uint8Array(m.buffer).fill(1); keep.push(m); } return keep.length;
  } } } };`;
  const WAITING = "var __plugin = { default: { routes: { 'GET go': async (req, host) => { await host.storage.get('docs', 'x'); return 'answered'; } } } };";

  it('the runner over its own memory limit names the computing isolate: its call is charged, a call waiting beside it is not', async () => {
    process.on('uncaughtException', onUncaught);
    const deaths: RunnerDeath[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    runner = new RunnerClient(async () => { await gate; return null; }, { memoryMb: 300, onDeath: (death) => deaths.push(death) });
    const waiting = runner.invoke({ ...request(WAITING, 'GET go'), key: 'waiting@1.0.0' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const bomb = await runner.invoke({ ...request(BOMB, 'GET go'), key: 'bomb@1.0.0' });
    const other = await waiting;
    release();
    expect(bomb.reply).toMatchObject({ ok: false, error: { code: 'PLUGIN_OUT_OF_MEMORY' } });
    expect(bomb.death).toMatchObject({ charged: true, culpritKnown: true });
    expect(other.reply).toMatchObject({ ok: false, error: { code: 'PLUGIN_RUNNER_DIED', status: 503 } });
    expect(other.death).toMatchObject({ charged: false, culpritKnown: true });
    expect(deaths).toEqual([expect.objectContaining({ reason: 'memory', culprit: { key: 'bomb@1.0.0', unitIds: ['a'] } })]);
    expect(runner.restarts).toBe(1);
    expect(uncaught).toEqual([]);
  });

  it('a call may fail with a host code only if one of its host calls was answered with it', async () => {
    runner = new RunnerClient(async (call) => {
      throw Object.assign(new Error('no such document'), { code: call.args[0] === 'real' ? 'PLUGIN_UNKNOWN_COLLECTION' : 'PLUGIN_NOT_INDEXED', status: 400 });
    });
    const code = `var __plugin = { default: { routes: {
      'GET rethrow': async (req, host) => { await host.storage.get('real', 'x'); },
      'GET relabel': async (req, host) => { try { await host.storage.get('real', 'x'); } catch (e) { e.code = 'PLUGIN_QUOTA_EXCEEDED'; throw e; } },
      'GET forge': async () => { throw { __hostError: true, code: 'PLUGIN_QUOTA_EXCEEDED', message: 'x' }; },
      'GET forge-seen': async (req, host) => { try { await host.storage.get('other', 'x'); } catch (e) {} const e = new Error('x'); e.code = 'PLUGIN_UNKNOWN_COLLECTION'; e.__hostError = true; throw e; },
    } } };`;
    const codeOf = async (name: string) => {
      const outcome = await runner!.invoke(request(code, name));
      return outcome.reply.ok ? 'ok' : outcome.reply.error.code;
    };
    expect(await codeOf('GET rethrow')).toBe('PLUGIN_UNKNOWN_COLLECTION');
    expect(await codeOf('GET relabel')).toBe('PLUGIN_UNKNOWN_COLLECTION');
    expect(await codeOf('GET forge')).toBe('PLUGIN_THREW');
    expect(await codeOf('GET forge-seen')).toBe('PLUGIN_THREW');
  });

  it('a runner whose core exits while it is still starting exits too, never left running on its own', async () => {
    // A core that forks a runner and is gone at once (a crash, a stop) before the runner has loaded.
    const core = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { fork } from 'node:child_process';
      const child = fork(${JSON.stringify(CHILD_PATH)}, [], { execArgv: ['--no-node-snapshot'], serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      console.log(child.pid);
      process.exit(0);`], { encoding: 'utf8' });
    const pid = Number(core.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
    for (let waited = 0; alive() && waited < 15_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive()).toBe(false);
  }, 20_000);
});
