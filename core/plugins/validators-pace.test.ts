import { describe, expect, it } from 'vitest';
import { pluginValidators, type ValidatorDeps } from './validators.js';
import type { Reply } from './runner/client.js';
import type { Db } from '../db/connection.js';

/**
 * How many calls of one plugin's validator in one unit are in flight at once (validators.ts `paced`):
 * one while the validator is unknown, slow or failing (each call gets its whole time limit), up to
 * eight while it answers quickly (a busy unit's submissions no longer wait a process round trip each).
 */
function harness(validatorTimeoutMs = 500) {
  let inFlight = 0;
  let most = 0;
  const calls: Array<{ settle: (reply: Reply) => void }> = [];
  const row = { unit_id: 'a', plugin_id: 'p', version: '1.0.0', state: 'enabled', grants: '["validators"]', settings: '{}', fail_mode: 'open', faults: 0 };
  const query = { selectAll: () => query, where: () => query, execute: async () => [row] };
  const db = { selectFrom: () => query } as unknown as Db;
  const deps = {
    limits: { validatorTimeoutMs },
    loadPackage: async () => ({ manifest: { validators: ['payment.validate'] } }),
    invoke: () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      return new Promise<Reply>((resolve) => calls.push({ settle: (reply) => { inFlight -= 1; resolve(reply); } }));
    },
    breaker: { fault: () => undefined },
  } as unknown as ValidatorDeps;
  const { ask } = pluginValidators(deps);
  const submit = () => ask(db, 'payment.validate', 'a', { amount: 1 });
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { submit, calls, tick, inFlight: () => inFlight, most: () => most, reset: () => { most = inFlight; } };
}

const ok: Reply = { ok: true, value: { result: 'ok' } };

describe('pacing of a plugin validator', () => {
  it('runs one call at a time until it has answered quickly, then up to eight at once; never more', async () => {
    const h = harness();
    const first = [h.submit(), h.submit(), h.submit()];
    await h.tick();
    expect(h.inFlight()).toBe(1);
    h.calls[0]!.settle(ok);
    await h.tick();
    // The answer was quick: the two waiting run together.
    expect(h.inFlight()).toBe(2);
    h.calls[1]!.settle(ok);
    h.calls[2]!.settle(ok);
    await Promise.all(first);
    const burst = Array.from({ length: 20 }, () => h.submit());
    await h.tick();
    expect(h.inFlight()).toBe(8);
    for (let i = 3; i < 23; i++) {
      h.calls[i]!.settle(ok);
      await h.tick();
      expect(h.inFlight()).toBeLessThanOrEqual(8);
    }
    expect(await Promise.all(burst)).toEqual(Array(20).fill([{ source: 'p', result: 'ok', message: '' }]));
    expect(h.most()).toBe(8);
  });

  it('goes back to one call at a time after a slow answer or a failure', async () => {
    const h = harness(160); // quick = within 160 / 16 = 10 ms
    await Promise.all([h.submit(), h.tick().then(() => h.calls[0]!.settle(ok))]);
    const burst = Array.from({ length: 8 }, () => h.submit());
    await h.tick();
    expect(h.inFlight()).toBe(8);
    // The first of them answers slowly: the rest already sent finish, nothing new starts beside them.
    await new Promise((resolve) => setTimeout(resolve, 30));
    h.calls[1]!.settle(ok);
    const more = Array.from({ length: 3 }, () => h.submit());
    for (let i = 2; i <= 8; i++) h.calls[i]!.settle(ok);
    await Promise.all(burst);
    await h.tick();
    h.reset();
    expect(h.inFlight()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    h.calls[9]!.settle({ ok: false, error: { code: 'PLUGIN_THREW', message: 'x', status: 500 } });
    await h.tick();
    expect(h.inFlight()).toBe(1);
    h.calls[10]!.settle(ok);
    await h.tick();
    h.calls[11]!.settle(ok);
    const verdicts = await Promise.all(more);
    expect(verdicts[0]).toEqual([{ source: 'p', result: 'warn', message: expect.stringContaining('PLUGIN_THREW') }]);
    expect(h.most()).toBe(1);
  });
});
