import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryLoop } from './delivery.js';
import { DEFAULT_LIMITS } from './limits.js';
import { enabledIn } from './units.js';
import { manifestSchema } from '../../sdk/manifest.js';
import { createPluginEnv, testManifest, type PluginTestEnv } from '../../test/support/plugins.js';

/**
 * A scheduled job may declare a longer wall time (`timeoutMs`, CPU budget scaled with it) for work
 * an interactive call may not do, such as a nightly scan; the job alone gets it, under the ordinary
 * limits of this host (2 s wall / 1 s CPU).
 */
let env: PluginTestEnv;
beforeAll(async () => {
  env = await createPluginEnv({ ...DEFAULT_LIMITS, breakerThreshold: 50 });
  await env.plugin('long-jobs', SOURCE, {
    permissions: ['schedule', 'storage', 'routes'],
    schedule: [{ name: 'declared', everyMinutes: 60, timeoutMs: 5000 }, { name: 'undeclared', everyMinutes: 60 }],
    routes: [{ method: 'GET', path: 'spin' }],
  });
});
afterAll(async () => env.close());

// Three seconds of computing, then a write that shows the run finished.
const SOURCE = `
const spin = () => { const end = Date.now() + 3000; let n = 0; while (Date.now() < end) n++; return n; };
return {
  schedule: {
    declared: async (host) => { spin(); await host.storage.put('docs', 'declared', { kind: 'done' }); return 'done'; },
    undeclared: async (host) => { spin(); await host.storage.put('docs', 'undeclared', { kind: 'done' }); return 'done'; },
  },
  routes: { 'GET spin': () => ({ n: spin() }) },
};`;

const done = async () => (await env.kernel.db.selectFrom('plugin_docs').select('doc_id').where('plugin_id', '=', 'long-jobs').where('unit_id', '=', 'a').execute()).map((r) => r.doc_id).sort();

describe('scheduled job time budget', () => {
  it('a job of 3 s of work finishes under a declared timeoutMs of 5000 and fails without it; the scheduler applies it', async () => {
    const ran = await new DeliveryLoop(env.host).runSchedules();
    expect(ran).toBe(2);
    await env.host.idle();
    expect(await done()).toEqual(['declared']);
    const unit = await env.kernel.db.selectFrom('plugin_units').select(['faults', 'last_fault']).where('unit_id', '=', 'a').where('plugin_id', '=', 'long-jobs').executeTakeFirstOrThrow();
    expect(unit.faults).toBe(1);
    expect(unit.last_fault).toMatch(/^schedule undeclared: PLUGIN_(TIMEOUT|CPU_LIMIT)/);
  });

  it('a route never gets more than the ordinary limits', async () => {
    const r = await env.call('GET', '/api/units/a/plugins/long-jobs/routes/spin', { token: await env.login('a.staff') });
    expect(r.status).toBe(500);
    expect(r.body.error.details.code).toMatch(/^PLUGIN_(TIMEOUT|CPU_LIMIT)$/);
  });

  it('the host caps what a job may declare (its configurable maximum)', async () => {
    const pkg = await env.host.loadPackage(env.kernel.db, 'long-jobs', '1.0.0');
    expect(env.host.scheduleBudget(pkg.manifest, 'declared')).toEqual({ timeoutMs: 5000, cpuMs: 4000 });
    expect(env.host.scheduleBudget(pkg.manifest, 'undeclared')).toEqual({ timeoutMs: 2000, cpuMs: 1000 });
    const saved = env.host.limits.scheduleMaxTimeoutMs;
    env.host.limits.scheduleMaxTimeoutMs = 2500;
    try {
      expect(env.host.scheduleBudget(pkg.manifest, 'declared')).toEqual({ timeoutMs: 2500, cpuMs: 1500 });
      const reply = await env.host.invoke(await enabledIn(env.kernel.db, 'a', 'long-jobs'), 'schedule', 'declared', { scheduledAt: new Date().toISOString() });
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.code).toMatch(/^PLUGIN_(TIMEOUT|CPU_LIMIT)$/);
    } finally {
      env.host.limits.scheduleMaxTimeoutMs = saved;
    }
  });

  it('the manifest takes timeoutMs on schedule entries only within 100–60000 ms', () => {
    const withJob = (job: Record<string, unknown>) => manifestSchema.safeParse(testManifest('timed', { permissions: ['schedule'], schedule: [job as never] }));
    expect(withJob({ name: 'nightly', cron: '0 2 * * *', timeoutMs: 30_000 }).success).toBe(true);
    expect(withJob({ name: 'sync', everyMinutes: 5, timeoutMs: 60_000 }).success).toBe(true);
    expect(withJob({ name: 'nightly', cron: '0 2 * * *', timeoutMs: 60_001 }).success).toBe(false);
    expect(withJob({ name: 'nightly', cron: '0 2 * * *', timeoutMs: 50 }).success).toBe(false);
    expect(withJob({ name: 'nightly', cron: '0 2 * * *', timeoutMs: 1.5 }).success).toBe(false);
  });
});
