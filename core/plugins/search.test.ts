import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginEnv, type PluginTestEnv } from '../../test/support/plugins.js';
import { normalizeText, termsOf } from './search.js';

/**
 * `host.storage.search` (migration 017): Chinese without spaces, queries of one and two characters,
 * several words, full-width and case folded, the old text of a rewritten document forgotten, a
 * deleted document gone, a purge leaving no term behind — the same on SQLite and PostgreSQL (run
 * this file with DATABASE_URL=postgres://… for the second).
 */
let env: PluginTestEnv;
const docs = [
  ['d1', '关于食堂维修工程款的合同已经签订'],
  ['d2', '办公室维修费用需要复核'],
  ['d3', 'Budget 2026 预算执行进度滞后'],
  ['d4', '学生资助资金拨付名单'],
] as const;

beforeAll(async () => {
  env = await createPluginEnv({ timeoutMs: 2000 });
  await env.plugin('finder', `return { routes: {
    'POST put': async (req, host) => { await host.storage.put('notes', req.body.id, { text: req.body.text, kind: 'note' }); return { ok: true }; },
    'POST delete': async (req, host) => ({ deleted: await host.storage.delete('notes', req.body.id) }),
    'GET find': async (req, host) => (await host.storage.search('notes', req.query.q, { limit: Number(req.query.limit || 20) })).map((d) => d.id),
    'GET plain': async (req, host) => host.storage.search('plain', req.query.q),
  } };`, {
    permissions: ['storage', 'routes'],
    collections: [{ name: 'notes', indexes: ['kind'], search: ['text'] }, { name: 'plain', indexes: [] }],
    routes: [{ method: 'POST', path: 'put' }, { method: 'POST', path: 'delete' }, { method: 'GET', path: 'find' }, { method: 'GET', path: 'plain' }],
  });
  const token = await env.login('a.staff');
  for (const [id, text] of docs) expect((await env.call('POST', '/api/units/a/plugins/finder/routes/put', { token, body: { id, text } })).status).toBe(200);
}, 60_000);
afterAll(async () => env?.close());

const find = async (q: string, limit?: number) => {
  const r = await env.call('GET', `/api/units/a/plugins/finder/routes/find?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ''}`, { token: await env.login('a.staff') });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return [...(r.body as string[])].sort();
};

describe('storage.search', () => {
  it('finds Chinese substrings of one, two and more characters, and every word of a query', async () => {
    expect(await find('维修')).toEqual(['d1', 'd2']);
    expect(await find('修')).toEqual(['d1', 'd2']);
    expect(await find('食堂维修工程')).toEqual(['d1']);
    expect(await find('维修 复核')).toEqual(['d2']);
    // Bigrams all present but not as one substring: not a match.
    expect(await find('工程款合同')).toEqual([]);
    expect(await find('拨付名单学生')).toEqual([]);
    expect(await find('budget')).toEqual(['d3']);
    expect(await find('ＢＵＤＧＥＴ ２０２６')).toEqual(['d3']);
    expect(await find('维修', 1)).toHaveLength(1);
  });

  it('forgets the old text of a rewritten document and a deleted one', async () => {
    const token = await env.login('a.staff');
    await env.call('POST', '/api/units/a/plugins/finder/routes/put', { token, body: { id: 'd2', text: '办公室电脑更新' } });
    expect(await find('维修')).toEqual(['d1']);
    expect(await find('电脑')).toEqual(['d2']);
    await env.call('POST', '/api/units/a/plugins/finder/routes/delete', { token, body: { id: 'd1' } });
    expect(await find('维修')).toEqual([]);
    const rows = await env.kernel.db.selectFrom('plugin_doc_terms').select('doc_row_id').distinct().where('plugin_id', '=', 'finder').execute();
    expect(rows).toHaveLength(3);
  });

  it('refuses an empty or overlong query and a collection without search fields', async () => {
    const token = await env.login('a.staff');
    for (const q of ['', ' ', 'x'.repeat(101)]) {
      const r = await env.call('GET', `/api/units/a/plugins/finder/routes/find?q=${encodeURIComponent(q)}`, { token });
      expect(r.status).toBe(500);
      expect(r.body.error.code).toBe('PLUGIN_FAULT');
    }
    const r = await env.call('GET', '/api/units/a/plugins/finder/routes/plain?q=abc', { token });
    expect(r.body.error.code).toBe('PLUGIN_FAULT');
  });

  it('keeps units apart', async () => {
    await env.enable('b', 'finder', ['storage', 'routes']);
    const r = await env.call('GET', `/api/units/b/plugins/finder/routes/find?q=${encodeURIComponent('预算')}`, { token: await env.login('b.staff') });
    expect(r.body).toEqual([]);
  });

  it('cuts text into characters and bigrams, never across a space', () => {
    expect(normalizeText('  ＡＢ  预算\n执行 ')).toBe('ab 预算 执行');
    expect(termsOf('ab 预算').sort()).toEqual(['a', 'ab', 'b', '算', '预', '预算'].sort());
  });
});
