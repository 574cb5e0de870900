import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin } from '../../sdk/build.js';
import { makeBundle } from '../../sdk/bundle.js';
import { createPluginEnv, type PluginTestEnv } from '../../test/support/plugins.js';
import { startAppProcess, stopAppProcesses, type AppProcess } from '../../test/support/app-processes.js';

/**
 * The collaboration plugin (issue 18) across two app processes on one PostgreSQL: a message posted
 * through one process reaches an SSE client of the other (the bus publishes with NOTIFY and every
 * process LISTENs), and that client, fetching `after=` from its own process, gets the message —
 * also after it reconnected to the other process. SQLite is one process, so this runs on PostgreSQL only.
 */
const pg = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');
const COLLAB = fileURLToPath(new URL('../../plugins/collab/', import.meta.url));

let env: PluginTestEnv;
const apps: AppProcess[] = [];

/** An SSE reader on one process; `text` grows as frames arrive. */
async function listen(port: number, channel: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}/api/units/a/realtime?channel=${encodeURIComponent(channel)}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const state = { text: '' };
  const read = async (until: (text: string) => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!until(state.text)) {
      if (Date.now() > deadline) throw new Error(`not received in time: ${state.text.slice(-300)}`);
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 200))]);
      if (chunk && !chunk.done) state.text += decoder.decode(chunk.value, { stream: true });
    }
  };
  await read((t) => t.includes('event: ready'));
  return { state, read, close: () => controller.abort() };
}

describe.skipIf(!pg)('collab realtime across two app processes on one PostgreSQL', () => {
  beforeAll(async () => {
    env = await createPluginEnv({ timeoutMs: 3000 });
    const built = await buildPlugin(COLLAB);
    await env.install(makeBundle(built.manifest, built.code));
    await env.enable('a', 'collab', (built.manifest as { permissions: string[] }).permissions);
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(env.kernel.db)).rows[0]!.s;
    apps.push(await startAppProcess(schema), await startAppProcess(schema));
  }, 90_000);
  afterAll(async () => {
    await stopAppProcesses(apps);
    await env?.close();
  });

  it('a message posted on one process reaches a browser connected to the other, and resumes there without gap or duplicate', async () => {
    const [one, two] = apps;
    const finance = await env.login('a.finance');
    const staff = await env.login('a.staff');
    const api = async (port: number, method: string, path: string, token: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/units/a/plugins/collab/routes/${path}`, {
        method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const json = await res.json() as any;
      expect(res.status, JSON.stringify(json)).toBeLessThan(300);
      return json;
    };
    const staffId = (await env.kernel.db.selectFrom('users').select('id').where('username', '=', 'a.staff').executeTakeFirstOrThrow()).id;
    const { thread } = await api(two!.port, 'POST', 'threads', finance, { title: '跨进程讨论', users: [staffId] });
    const { channel } = await api(one!.port, 'GET', `threads/${thread.id}`, staff);
    const client = await listen(one!.port, channel, staff);
    const started = Date.now();
    const first = (await api(two!.port, 'POST', `threads/${thread.id}/messages`, finance, { text: '跨进程第一条' })).message.id;
    await client.read((t) => t.includes(first));
    expect(Date.now() - started).toBeLessThan(3000);
    const shown: string[] = [];
    const catchUp = async (port: number) => {
      const page = await api(port, 'GET', `threads/${thread.id}/messages${shown.length ? `?after=${shown.at(-1)}` : ''}`, staff);
      for (const m of page.messages) if (!shown.includes(m.id)) shown.push(m.id);
    };
    await catchUp(one!.port);
    // The browser drops; messages keep coming through process two; it reconnects to process two.
    client.close();
    for (let i = 0; i < 5; i++) await api(i % 2 ? one!.port : two!.port, 'POST', `threads/${thread.id}/messages`, finance, { text: `断线期间 ${i}` });
    const again = await listen(two!.port, channel, staff);
    await catchUp(two!.port);
    const last = (await api(one!.port, 'POST', `threads/${thread.id}/messages`, finance, { text: '重连之后' })).message.id;
    await again.read((t) => t.includes(last));
    await catchUp(two!.port);
    again.close();
    const all = (await api(one!.port, 'GET', `threads/${thread.id}/messages`, finance)).messages.map((m: any) => m.id);
    expect(all).toHaveLength(7);
    expect(shown).toEqual(all);
  });
});
