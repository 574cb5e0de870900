import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginEnv, type PluginTestEnv } from '../../test/support/plugins.js';
import { SystemHealthView, UnitHealthView } from './schema.js';

/**
 * 系统健康度监测 (issue 21): /api/metrics carries the core's own figures beside the plugin host's,
 * and the health page's JSON names a waiting event in plain terms (plugin, unit, minutes, failures).
 */
let env: PluginTestEnv;
beforeAll(async () => {
  env = await createPluginEnv();
  await env.plugin('echo', "return { routes: { 'GET go': () => 'ok' } };", { permissions: ['routes', 'events'], routes: [{ method: 'GET', path: 'go' }], events: ['payment.submitted'] }, ['a', 'b']);
});
afterAll(async () => env.close());

async function queueOldDelivery(unitId: string, minutesAgo: number, attempts: number): Promise<void> {
  const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  await env.kernel.db.insertInto('plugin_deliveries').values({
    event_id: `old-${unitId}-${minutesAgo}`, plugin_id: 'echo', unit_id: unitId, type: 'payment.submitted', payload: '{}', occurred_at: at,
    status: 'pending', attempts, next_at: new Date(Date.now() + 3_600_000).toISOString(), claimed_by: null, claimed_until: null,
    last_error: attempts ? 'PLUGIN_TIMEOUT: no answer' : null, done_at: null,
  }).execute();
}

describe('system health', () => {
  it('/api/metrics has request latency per route, statement time, memory, event-loop delay, runner pool and outbox lag', async () => {
    const token = await env.login('a.staff');
    for (let i = 0; i < 3; i++) expect((await env.call('GET', '/api/units/a/plugins/echo/routes/go', { token })).status).toBe(200);
    expect((await env.call('GET', '/api/units/a/indicators/999999', { token })).status).toBe(404);
    await queueOldDelivery('a', 12, 3);
    const res = await env.app.request('/api/metrics', { headers: { authorization: `Bearer ${await env.login('sysadmin')}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const count = text.split('\n').find((l) => l.startsWith('unibudget_http_request_duration_ms_count{route="GET /api/units/:unitId/plugins/'));
    expect(count, text.slice(0, 2000)).toBeTruthy();
    expect(Number(count!.split(' ').pop())).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/unibudget_http_responses_total\{route="GET \/api\/units\/:unitId\/indicators\/:id",status="4xx"\} [1-9]/);
    expect(text).toMatch(/unibudget_http_unit_requests_total\{unit="a"\} [1-9]/);
    expect(text).toMatch(/unibudget_db_statement_duration_ms_count [1-9]/);
    expect(text).toMatch(/unibudget_db_statement_duration_ms_bucket\{le="\+Inf"\} [1-9]/);
    expect(text).toMatch(/unibudget_process_memory_bytes\{kind="rss"\} [1-9]/);
    expect(text).toMatch(/unibudget_event_loop_delay_ms\{quantile="0.99"\} /);
    expect(text).toMatch(/unibudget_plugin_runner_up\{slot="0"\} 1/);
    expect(text).toMatch(/unibudget_plugin_runner_units\{slot="1"\} /);
    expect(text).toMatch(/unibudget_outbox_lag_seconds\{plugin="echo",unit="a"\} (7[2-9]\d|8\d\d)/);
    expect(text).toMatch(/unibudget_outbox_waiting\{plugin="echo",unit="a"\} 1/);
    expect(text).toMatch(/unibudget_command_retries_total \d/);
  });

  it('the health page names the waiting events in plain terms; a unit admin sees only their own unit', async () => {
    await queueOldDelivery('b', 40, 0);
    const sys = await env.call('GET', '/api/system/health', { token: await env.login('sysadmin') });
    expect(sys.status).toBe(200);
    const view = SystemHealthView.parse(sys.body);
    expect(view.hints).toContainEqual({ kind: 'outboxLag', severity: 'warning', pluginId: 'echo', unitId: 'a', value: 12, failures: 3 });
    expect(view.hints).toContainEqual({ kind: 'outboxLag', severity: 'critical', pluginId: 'echo', unitId: 'b', value: 40, failures: 0 });
    expect(view.runners).toHaveLength(2);
    expect(view.routes.length).toBeGreaterThan(0);
    expect(view.outbox.find((o) => o.unitId === 'a')).toMatchObject({ waiting: 1, attempts: 3, lastError: 'PLUGIN_TIMEOUT: no answer' });

    const unit = await env.call('GET', '/api/units/a/health', { token: await env.login('a.admin') });
    expect(unit.status).toBe(200);
    const mine = UnitHealthView.parse(unit.body);
    expect(mine.outbox.map((o) => o.unitId)).toEqual(['a']);
    expect(mine.hints.map((h) => h.unitId)).toEqual(['a']);
    expect(mine.plugins.every((p) => p.unitId === 'a')).toBe(true);
    expect(mine.requests).toBeGreaterThan(0);
    expect(mine.volume).toHaveLength(60);
    expect((await env.call('GET', '/api/units/b/health', { token: await env.login('a.admin') })).status).toBe(403);
    expect((await env.call('GET', '/api/system/health', { token: await env.login('a.admin') })).status).toBe(403);
  });
});
