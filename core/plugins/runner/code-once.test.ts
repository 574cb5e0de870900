import { afterEach, describe, expect, it } from 'vitest';
import { RunnerClient, type InvokeRequest } from './client.js';

/**
 * A plugin's code crosses to a runner process with the first call of that plugin version only; the
 * child keeps it for every later call (any unit) until the version is dropped, and is sent it again
 * after that. Proven by what runs: a later call carrying other code still runs the code first sent.
 */
const request = (code: string, unitId: string): InvokeRequest => ({
  key: 'once@1.0.0', code, unitId, entry: 'routes', name: 'GET v', input: null, settings: {},
  timeoutMs: 5000, memoryMb: 32, maxResultBytes: 1024 * 1024, maxHostCalls: 100, context: {},
});
const version = (n: number) => `var __plugin = { default: { routes: { 'GET v': () => ${n} } } };`;

let runner: RunnerClient | null = null;
afterEach(async () => {
  await runner?.stop();
  runner = null;
});

describe('plugin code sent once per runner process', () => {
  it('later calls carry no code (a new unit still runs the code first sent); after a drop the code is sent again', async () => {
    runner = new RunnerClient(async () => JSON.stringify({ ok: true, v: null }));
    expect((await runner.invoke(request(version(1), 'a'))).reply).toEqual({ ok: true, value: 1 });
    // Unit b needs a fresh context: it is built from the code the child kept, not from this request's.
    expect((await runner.invoke(request(version(2), 'b'))).reply).toEqual({ ok: true, value: 1 });
    runner.drop('once@1.0.0');
    expect((await runner.invoke(request(version(3), 'c'))).reply).toEqual({ ok: true, value: 3 });
  });
});
