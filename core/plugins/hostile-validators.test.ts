import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginEnv, type PluginTestEnv } from '../../test/support/plugins.js';
import { latencyDuring } from '../../test/support/latency.js';
import { issue, submitPayment } from '../../test/support/ledger.js';

/**
 * A validator may use its whole time limit and never be at fault; it must still never hold the
 * database. Validators are asked before the payment's transaction opens (core/ledger/validation.ts),
 * so another unit's reads go on while eight slow validations run.
 */
let env: PluginTestEnv;

beforeAll(async () => {
  env = await createPluginEnv({ timeoutMs: 1000, validatorTimeoutMs: 500, cpuMs: 1000, memoryMb: 32, breakerThreshold: 3, maxHostCalls: 200 });
  // Busy for 400 ms of its 500 ms budget, then warns: slow, but never a fault.
  await env.plugin('slow-check', `return { validators: { 'payment.validate': (input) => {
    const until = Date.now() + 400; while (Date.now() < until) {}
    return { result: 'warn', message: '慢校验通过：' + input.document.amount };
  } } };`, { permissions: ['validators'], validators: ['payment.validate'] }, ['a']);
});
afterAll(async () => env.close());

describe('a slow validator', () => {
  it('does not stall another unit while eight payments are submitted at once', async () => {
    const target = await issue(env, { amount: 10_000_000 });
    const figures = await latencyDuring(env, () => Promise.all(Array.from({ length: 8 }, (_, i) => submitPayment(env, target.id, 1_000 + i))));
    const answers = figures.result as Array<{ status: number; body: { warnings: Array<{ rule: string; message: string }> } }>;
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    for (const [i, answer] of answers.entries()) {
      expect(answer.body.warnings).toContainEqual(expect.objectContaining({ rule: 'plugin:slow-check', message: `慢校验通过：${1_000 + i}` }));
    }
    console.log(`[hostile] slow validator ×8: unit b p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, max ${figures.max.toFixed(1)} ms over ${figures.count} reads`);
    expect(figures.failures).toBe(0);
    expect(figures.count).toBeGreaterThan(5);
    expect(figures.p99).toBeLessThan(300);
  });

  it('is never asked about a draft the core refuses', async () => {
    const target = await issue(env, { amount: 1_000 });
    const callsSoFar = () => env.host.metricsSnapshot({ pluginId: 'slow-check', unitId: 'a' })[0]?.calls ?? 0;
    const before = callsSoFar();
    const refused = await submitPayment(env, target.id, 5_000);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('BALANCE_EXCEEDED');
    expect(callsSoFar()).toBe(before);
    expect((await submitPayment(env, target.id, 500)).status).toBe(201);
    expect(callsSoFar()).toBe(before + 1);
  });
});
