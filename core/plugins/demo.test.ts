import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PUBLISHER, FIRST_PARTY_DIR, firstPartyFolders, seedDemoPlugins } from '../demo/plugins.js';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { testBundle } from '../../test/support/plugins.js';

/**
 * `start --demo` installs every first-party plugin under plugins/ and enables hello-budget and
 * analytics for unit a, analytics with its first full scan already run so its views show the ledger.
 */
let env: TestEnv;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ub-demo-plugins-'));
beforeAll(async () => {
  // With the demo's half year of budget work, so analytics has payments to show.
  env = await createTestEnv({}, { activity: true });
});
afterAll(async () => {
  await env.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function writePlugin(dir: string, manifest: Record<string, unknown>, source: string) {
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  fs.writeFileSync(path.join(dir, 'src', 'index.ts'), source);
}

describe('first-party plugins in the demo', () => {
  it('the test env installs no plugin unless asked', async () => {
    expect(await env.kernel.db.selectFrom('plugin_packages').select('id').execute()).toEqual([]);
  });

  it('builds, signs with a fresh demo publisher key, installs every plugin folder and enables hello-budget and analytics in unit a', async () => {
    const folders = firstPartyFolders();
    expect(folders.map((f) => path.basename(f))).toContain('hello-budget');
    const report = await seedDemoPlugins(env.kernel);
    expect(report.installed).toContain('hello-budget@0.3.2');
    expect(report.installed).toContain('analytics@0.5.1');
    expect(report.enabled).toEqual(expect.arrayContaining(['a:hello-budget', 'a:analytics']));
    expect(report.firstRuns).toContain('a:analytics:nightly-recompute');
    // performance (issue 17): enabled in a and b with demo data, written by its first run.
    expect(report.enabled).toEqual(expect.arrayContaining(['a:performance', 'b:performance']));
    expect(report.firstRuns).toEqual(expect.arrayContaining(['a:performance:monitor', 'b:performance:monitor']));
    // collab (issue 18): enabled in a and b, its demo conversation written through its own routes.
    expect(report.enabled).toEqual(expect.arrayContaining(['a:collab', 'b:collab']));
    expect(report.firstRuns.filter((l) => l.startsWith('collab a:')).join('\n')).toMatch(/thread on payment[\s\S]*closed joint review[\s\S]*open consultation/);
    const reviews = await env.call('GET', '/api/units/a/plugins/collab/routes/reviews', { token: await env.login('a.auditor') });
    expect(reviews.body.reviews.some((r: any) => r.status === 'closed' && r.outcome === 'approved')).toBe(true);
    const consultations = await env.call('GET', '/api/units/a/plugins/collab/routes/consultations', { token: await env.login('a.head') });
    expect(consultations.body.consultations.some((c: any) => c.status === 'open')).toBe(true);
    const threadsB = await env.call('GET', '/api/units/b/plugins/collab/routes/threads', { token: await env.login('b.head') });
    expect(threadsB.body.threads.length).toBeGreaterThanOrEqual(2);
    // Every folder either installed or was reported (a plugin still being written must not stop the demo).
    expect(report.installed.length + report.failed.length).toBe(folders.length);
    const pkg = await env.kernel.db.selectFrom('plugin_packages').select(['signed_by', 'plugin_id']).where('plugin_id', '=', 'hello-budget').executeTakeFirstOrThrow();
    expect(pkg.signed_by).toBe(DEMO_PUBLISHER);
    const sys = await env.login('sysadmin');
    // Unsigned bundles are still refused: the demo trusts a publisher, it does not lower the bar.
    const unsigned = await env.call('POST', '/api/plugins', { token: sys, body: testBundle('stray', 'return {};') });
    expect([unsigned.status, unsigned.body.error.code]).toEqual([422, 'PLUGIN_UNSIGNED_REFUSED']);
    const manifest = JSON.parse(fs.readFileSync(path.join(FIRST_PARTY_DIR, 'hello-budget', 'manifest.json'), 'utf8'));
    const listed = await env.call('GET', '/api/units/a/plugins', { token: await env.login('a.admin') });
    expect(listed.body.find((p: any) => p.pluginId === 'hello-budget')).toMatchObject({ state: 'enabled', grants: manifest.permissions });
    const inB = await env.call('GET', '/api/units/b/plugins', { token: await env.login('b.admin') });
    expect(inB.body.find((p: any) => p.pluginId === 'hello-budget')).toMatchObject({ state: 'available' });
    const summary = await env.call('GET', '/api/units/a/plugins/hello-budget/routes/summary', { token: await env.login('a.staff') });
    expect(summary.status, JSON.stringify(summary.body)).toBe(200);
    expect(summary.body).toMatchObject({ unitId: 'a' });

    const analytics = JSON.parse(fs.readFileSync(path.join(FIRST_PARTY_DIR, 'analytics', 'manifest.json'), 'utf8'));
    expect(listed.body.find((p: any) => p.pluginId === 'analytics')).toMatchObject({ state: 'enabled', grants: analytics.permissions });
    // The first full scan ran at enable: every paid payment of the demo is in the plugin's state.
    const paid = await env.kernel.db.selectFrom('payments').select('id').where('unit_id', '=', 'a').where('status', '=', 'paid').execute();
    expect(paid.length).toBeGreaterThan(0);
    const built = await env.kernel.db.selectFrom('plugin_docs').select('data').where('plugin_id', '=', 'analytics').where('unit_id', '=', 'a').where('doc_id', '=', 'built').executeTakeFirstOrThrow();
    expect(JSON.parse(built.data).scanned).toBe(paid.length);
    const finance = await env.login('a.finance');
    for (const v of analytics.views as Array<{ id: string }>) {
      const rendered = await env.call('GET', `/api/units/a/plugins/analytics/views/${v.id}`, { token: finance });
      expect(rendered.status, `${v.id}: ${JSON.stringify(rendered.body).slice(0, 300)}`).toBe(200);
      expect(rendered.body.blocks.length).toBeGreaterThan(0);
    }
  });

  it('is generic over plugin folders, skips one that does not build, and is idempotent; an admin’s disable stands', async () => {
    writePlugin(path.join(tmp, 'second-demo'), {
      id: 'second-demo', name: { zh: '第二个', en: 'Second' }, version: '1.0.0', engine: '^1.0.0', author: 'unibudget',
      permissions: ['routes'], routes: [{ method: 'GET', path: 'hi' }],
    }, "export default { routes: { 'GET hi': (req: unknown, host: { unitId: string }) => ({ hi: host.unitId }) } };");
    writePlugin(path.join(tmp, 'broken-demo'), { id: 'broken-demo', name: { zh: '坏', en: 'Broken' }, version: '1.0.0', engine: '^1.0.0', author: 'x' }, 'export default {');
    fs.mkdirSync(path.join(tmp, 'not-a-plugin'));
    const enable = { a: ['second-demo'], b: ['second-demo'] };
    const first = await seedDemoPlugins(env.kernel, { dir: tmp, enable });
    expect(first.installed).toEqual(['second-demo@1.0.0']);
    expect(first.enabled).toEqual(['a:second-demo', 'b:second-demo']);
    expect(first.failed.map((f) => f.dir)).toEqual(['broken-demo']);
    const hi = await env.call('GET', '/api/units/b/plugins/second-demo/routes/hi', { token: await env.login('b.staff') });
    expect(hi.body).toEqual({ hi: 'b' });
    expect((await env.call('POST', '/api/units/b/plugins/second-demo/disable', { token: await env.login('b.admin') })).status).toBe(200);
    const trustAudits = async () => (await env.kernel.db.selectFrom('audit_log').select('seq').where('action', '=', 'plugin.trust').execute()).length;
    const trustBefore = await trustAudits();
    const again = await seedDemoPlugins(env.kernel, { dir: tmp, enable });
    expect(await trustAudits()).toBe(trustBefore);
    expect(again).toMatchObject({ installed: [], alreadyInstalled: ['second-demo@1.0.0'], enabled: [] });
    const row = await env.kernel.db.selectFrom('plugin_units').select('state').where('unit_id', '=', 'b').where('plugin_id', '=', 'second-demo').executeTakeFirstOrThrow();
    expect(row.state).toBe('disabled');
    expect((await env.kernel.db.selectFrom('plugin_packages').select('id').where('plugin_id', '=', 'second-demo').execute()).length).toBe(1);

    // A new first-party release: the unit that kept it enabled moves to it with its grants; the disabled one stays.
    writePlugin(path.join(tmp, 'second-demo'), {
      id: 'second-demo', name: { zh: '第二个', en: 'Second' }, version: '1.1.0', engine: '^1.0.0', author: 'unibudget',
      permissions: ['routes'], routes: [{ method: 'GET', path: 'hi' }],
    }, "export default { routes: { 'GET hi': (req: unknown, host: { unitId: string }) => ({ hi: host.unitId, v: 2 }) } };");
    const release = await seedDemoPlugins(env.kernel, { dir: tmp, enable });
    expect(release).toMatchObject({ installed: ['second-demo@1.1.0'], upgraded: ['a:second-demo@1.0.0→1.1.0'], enabled: [] });
    const versions = await env.kernel.db.selectFrom('plugin_units').select(['unit_id', 'version', 'state', 'grants']).where('plugin_id', '=', 'second-demo').orderBy('unit_id').execute();
    expect(versions.map((v) => [v.unit_id, v.version, v.state, JSON.parse(v.grants)])).toEqual([['a', '1.1.0', 'enabled', ['routes']], ['b', '1.0.0', 'disabled', ['routes']]]);
    const upgraded = await env.call('GET', '/api/units/a/plugins/second-demo/routes/hi', { token: await env.login('a.staff') });
    expect(upgraded.body).toEqual({ hi: 'a', v: 2 });
  });
});
