import { afterEach, describe, expect, it } from 'vitest';
import { RunnerPool } from './pool.js';
import type { InvokeRequest } from './client.js';

/**
 * The runner pool (issue 21): a unit sticks to one runner process; a plugin computing hard in one
 * unit does not hold up the same plugin's calls in a unit placed on another runner (with one runner
 * both units' contexts share one isolate, whose thread runs one call at a time).
 */
const CODE = `var __plugin = { default: { routes: {
  'GET spin': () => { const until = Date.now() + 1500; while (Date.now() < until) {} return 'spun'; },
  'GET ok': () => 'ok',
} } };`;
const request = (unitId: string, name: string): InvokeRequest => ({
  key: 'pooled@1.0.0', code: CODE, unitId, entry: 'routes', name, input: null, settings: {},
  timeoutMs: 10_000, cpuMs: 10_000, memoryMb: 32, maxResultBytes: 1024 * 1024, maxHostCalls: 10, context: {},
});

let pool: RunnerPool | null = null;
afterEach(async () => {
  await pool?.stop();
  pool = null;
});

describe('runner pool', () => {
  it('places units on the least-used runner and keeps them there, across a restart', async () => {
    pool = new RunnerPool(async () => null, { size: 2 });
    expect([pool.slotOf('a'), pool.slotOf('b'), pool.slotOf('c'), pool.slotOf('a')]).toEqual([0, 1, 0, 0]);
    expect((await pool.invoke(request('a', 'GET ok'))).reply).toEqual({ ok: true, value: 'ok' });
    expect((await pool.invoke(request('b', 'GET ok'))).reply).toEqual({ ok: true, value: 'ok' });
    expect(pool.pids()).toHaveLength(2);
    expect(pool.pidOf('a')).not.toBe(pool.pidOf('b'));
    const before = pool.pidOf('a');
    process.kill(before!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await pool.invoke(request('a', 'GET ok'))).reply).toEqual({ ok: true, value: 'ok' });
    expect(pool.slotOf('a')).toBe(0);
    expect(pool.pidOf('a')).not.toBe(before);
    expect(pool.restarts).toBe(1);
    expect(pool.state().map((s) => ({ slot: s.slot, alive: s.alive, units: s.units, restarts: s.restarts }))).toEqual([
      { slot: 0, alive: true, units: 2, restarts: 1 },
      { slot: 1, alive: true, units: 1, restarts: 0 },
    ]);
  });

  it('a plugin computing in unit a does not delay the same plugin in unit b', async () => {
    pool = new RunnerPool(async () => null, { size: 2 });
    for (const unit of ['a', 'b']) await pool.invoke(request(unit, 'GET ok'));
    const spinning = pool.invoke(request('a', 'GET spin'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const other = await pool.invoke(request('b', 'GET ok'));
    expect(other.reply).toEqual({ ok: true, value: 'ok' });
    let spun = false;
    void spinning.then(() => { spun = true; });
    await new Promise((resolve) => setImmediate(resolve));
    // Unit b was answered while unit a's call still computed (with one runner it would queue behind it).
    expect(spun).toBe(false);
    expect((await spinning).reply).toEqual({ ok: true, value: 'spun' });
  });
});
