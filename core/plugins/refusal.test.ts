import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../audit/service.js';
import { auditCount } from '../../test/support/kernel.js';
import { issue, submitPayment } from '../../test/support/ledger.js';
import { createPluginEnv, type PluginTestEnv } from '../../test/support/plugins.js';

/**
 * A plugin answers bad input with a 4xx of its own (sdk `refuse()`: plain data the host checks),
 * not a fault: no breaker, no error metric. And every POST through a plugin route that ran is in
 * the core's audit chain; GET routes and refusals that wrote nothing are not.
 */
let env: PluginTestEnv;
beforeAll(async () => {
  env = await createPluginEnv();
  await env.plugin('refusals', SOURCE, { permissions: ['routes', 'views', 'storage', 'validators'], routes: ROUTES, views: VIEWS, validators: ['payment.validate'] });
});
afterAll(async () => env.close());

const ROUTES = [
  { method: 'POST' as const, path: 'notes/save' },
  { method: 'GET' as const, path: 'notes/one' },
];
const VIEWS = [{ id: 'main', title: { zh: '主页', en: 'Main' } }];

// What `throw refuse(status, code, message, details)` of sdk/plugin.ts throws, written out: the
// host must recognise the data, not an SDK class.
const SOURCE = `
const refuse = (status, code, message, details) => {
  const e = new Error(typeof message === 'string' ? message : message.zh);
  e.__refusal = true; e.status = status; e.code = code; e.details = details;
  if (typeof message !== 'string') e.messageEn = message.en;
  return e;
};
return {
  routes: {
    'POST notes/save': async (request, host) => {
      const text = request.body && request.body.text;
      if (!text) throw refuse(422, 'TEXT_REQUIRED', { zh: '请填写内容', en: 'Text is required' }, { field: 'text' });
      if (text === 'dup') { await host.storage.put('docs', 'half', { kind: 'half' }); throw refuse(409, 'DUPLICATE', '内容已存在'); }
      if (text === 'crash') throw new Error('boom');
      if (text === 'teapot') throw refuse(418, 'TEAPOT', 'no');
      if (text === 'core') throw refuse(403, 'forbidden', 'looks like a core code');
      await host.storage.put('docs', 'note', { kind: 'note', text });
      return { saved: true };
    },
    'GET notes/one': async (request) => {
      if (!request.query.id) throw refuse(400, 'ID_REQUIRED', '缺少 id');
      return { id: request.query.id };
    },
  },
  views: {
    main: async (context) => {
      if (context.query.year === '1900') throw refuse(404, 'NO_YEAR', '没有该年度', { year: 1900 });
      return { blocks: [{ type: 'markdown', text: 'ok' }] };
    },
  },
  validators: { 'payment.validate': () => { throw refuse(422, 'NOPE', 'a validator answers ok/warn/block'); } },
};`;

const base = '/api/units/a/plugins/refusals';
const state = async () =>
  env.kernel.db.selectFrom('plugin_units').select(['state', 'faults', 'last_fault']).where('unit_id', '=', 'a').where('plugin_id', '=', 'refusals').executeTakeFirstOrThrow();
const routeAudits = async () =>
  (await env.kernel.db.selectFrom('audit_log').select(['action', 'entity', 'entity_id', 'unit_id', 'actor_name', 'after_json']).where('action', '=', 'plugin.refusals.route').orderBy('seq').execute())
    .map((r) => ({ ...r, after: JSON.parse(r.after_json) }));

describe('a plugin refuses a request with a 4xx', () => {
  it('answers the standard error shape with the plugin-namespaced code, in the caller’s language, and it is not a fault', async () => {
    const staff = await env.login('a.staff');
    let r = await env.call('POST', `${base}/routes/notes/save`, { token: staff, body: {} });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ error: { code: 'refusals.TEXT_REQUIRED', message: '请填写内容', details: { field: 'text' } } });
    r = await env.call('POST', `${base}/routes/notes/save`, { token: staff, body: {}, headers: { 'accept-language': 'en' } });
    expect([r.status, r.body.error.message]).toEqual([422, 'Text is required']);
    r = await env.call('GET', `${base}/routes/notes/one`, { token: staff });
    expect([r.status, r.body.error.code, r.body.error.details]).toEqual([400, 'refusals.ID_REQUIRED', {}]);
    r = await env.call('GET', `${base}/views/main?year=1900`, { token: staff });
    expect([r.status, r.body.error.code, r.body.error.details]).toEqual([404, 'refusals.NO_YEAR', { year: 1900 }]);
    // More refusals than the breaker threshold (3 in the test limits): the plugin stays on, no error counted.
    for (let i = 0; i < 4; i++) expect((await env.call('POST', `${base}/routes/notes/save`, { token: staff, body: { text: '' } })).status).toBe(422);
    expect(await state()).toMatchObject({ state: 'enabled', faults: 0 });
    const metrics = await env.call('GET', `${base}/metrics`, { token: await env.login('a.admin') });
    expect(metrics.body).toMatchObject({ errors: 0, consecutiveFaults: 0 });
    expect(metrics.body.calls).toBeGreaterThanOrEqual(8);
    r = await env.call('GET', `${base}/routes/notes/one?id=7`, { token: staff });
    expect([r.status, r.body]).toEqual([200, { id: '7' }]);
  });

  it('a refusal outside the allowed statuses or with a code that is not the plugin’s shape is a fault, as is any other throw', async () => {
    const staff = await env.login('a.staff');
    let r = await env.call('POST', `${base}/routes/notes/save`, { token: staff, body: { text: 'teapot' } });
    expect([r.status, r.body.error.code, r.body.error.details.code]).toEqual([500, 'PLUGIN_FAULT', 'PLUGIN_BAD_REFUSAL']);
    r = await env.call('POST', `${base}/routes/notes/save`, { token: staff, body: { text: 'core' } });
    expect([r.status, r.body.error.code, r.body.error.details.code]).toEqual([500, 'PLUGIN_FAULT', 'PLUGIN_BAD_REFUSAL']);
    await env.host.idle();
    expect(await state()).toMatchObject({ state: 'enabled', faults: 2 });
    expect((await env.call('POST', `${base}/routes/notes/save`, { token: staff, body: { text: 'fine' } })).status).toBe(200);
    await env.host.idle();
    r = await env.call('POST', `${base}/routes/notes/save`, { token: staff, body: { text: 'crash' } });
    expect([r.status, r.body.error.code, r.body.error.details.code]).toEqual([500, 'PLUGIN_FAULT', 'PLUGIN_THREW']);
    await env.host.idle();
    expect(await state()).toMatchObject({ state: 'enabled', faults: 1 });
  });

  it('in a validator a refusal is a fault: the unit’s fail-open turns it into a warning, counted toward the breaker', async () => {
    const before = (await state()).faults;
    const ind = await issue(env, { amount: 5_000_000 });
    const r = await submitPayment(env, ind.id, 10_000);
    expect(r.status).toBe(201);
    expect(r.body.warnings).toContainEqual(expect.objectContaining({ rule: 'plugin:refusals', severity: 'warn' }));
    expect(JSON.stringify(r.body.warnings)).toContain('PLUGIN_THREW');
    await env.host.idle();
    expect((await state()).faults).toBe(before + 1);
    // Reset the streak for the tests that follow.
    expect((await env.call('GET', `${base}/routes/notes/one?id=1`, { token: await env.login('a.staff') })).status).toBe(200);
    await env.host.idle();
  });
});

describe('plugin POST routes are audited', () => {
  it('a POST that ran is in the audit chain with actor, unit, route and the body’s digest and size; GET and a refusal that wrote nothing are not', async () => {
    const staff = await env.login('a.staff');
    const already = (await routeAudits()).length;
    const body = { text: 'audited note' };
    expect((await env.call('POST', `${base}/routes/notes/save`, { token: staff, body })).status).toBe(200);
    const entries = (await routeAudits()).slice(already);
    expect(entries).toHaveLength(1);
    const text = JSON.stringify(body);
    expect(entries[0]).toMatchObject({ entity: 'plugin', entity_id: 'a:refusals', unit_id: 'a', actor_name: 'a.staff' });
    expect(entries[0]!.after).toEqual({
      route: 'POST notes/save', version: '1.0.0', bodyBytes: Buffer.byteLength(text), bodySha256: createHash('sha256').update(text).digest('hex'),
      body, outcome: 'ok', writes: 1,
    });

    const count = await auditCount(env);
    expect((await env.call('GET', `${base}/routes/notes/one?id=3`, { token: staff })).status).toBe(200);
    expect((await env.call('GET', `${base}/views/main`, { token: staff })).status).toBe(200);
    expect((await env.call('POST', `${base}/routes/notes/save`, { token: staff, body: {} })).status).toBe(422);
    expect(await auditCount(env)).toBe(count);

    // A refusal after a write did change something: audited, with its outcome.
    expect((await env.call('POST', `${base}/routes/notes/save`, { token: staff, body: { text: 'dup' } })).status).toBe(409);
    expect((await routeAudits()).at(-1)!.after).toMatchObject({ outcome: 'refused', code: 'refusals.DUPLICATE', writes: 1 });

    // A large body is kept by digest and size only.
    const large = { text: 'x'.repeat(5000) };
    expect((await env.call('POST', `${base}/routes/notes/save`, { token: staff, body: large })).status).toBe(200);
    const last = (await routeAudits()).at(-1)!.after;
    expect(last).toMatchObject({ outcome: 'ok', bodyBytes: JSON.stringify(large).length, bodySha256: createHash('sha256').update(JSON.stringify(large)).digest('hex') });
    expect(last).not.toHaveProperty('body');
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  });
});
