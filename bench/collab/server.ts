// bench/collab server: one app process with the collab plugin enabled in unit a, and — in the same
// process, for the ceiling — a bare hono SSE broadcast (an EventEmitter, no database, no sandbox) and
// a route that publishes straight onto the core's realtime bus (no plugin). Prints `ready <port>`.
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { createKernel } from '../../core/kernel.js';
import { createApp } from '../../core/server/app.js';
import { seedDemo } from '../../core/demo/seed.js';
import { hostOf } from '../../core/plugins/host.js';
import { realtimeOf } from '../../core/events/realtime.js';
import { installBundle, enable, updateTrust } from '../../core/plugins/admin.js';
import { SYSTEM_ACTOR } from '../../core/audit/service.js';
import { buildPlugin } from '../../sdk/build.js';
import { makeBundle } from '../../sdk/bundle.js';
import { manifestSchema } from '../../sdk/manifest.js';

const kernel = await createKernel({ databaseUrl: process.env.DATABASE_URL || ':memory:', kdf: 'fast', ...(process.env.DATABASE_URL ? { pgSchema: `bench_collab_${process.pid}` } : {}) });
await seedDemo(kernel, new Date('2026-06-15T08:00:00Z'), { activity: false });
hostOf(kernel);
await updateTrust(kernel, SYSTEM_ACTOR, { allowUnsigned: true });
const built = await buildPlugin(fileURLToPath(new URL('../../plugins/collab/', import.meta.url)));
await installBundle(kernel, SYSTEM_ACTOR, makeBundle(built.manifest, built.code));
await enable(kernel, SYSTEM_ACTOR, 'a', 'collab', { grants: manifestSchema.parse(built.manifest).permissions });

const core = createApp(kernel);
const bare = new EventEmitter();
bare.setMaxListeners(0);
const app = new Hono();
app.get('/bare/sse', (c) => streamSSE(c, async (stream) => {
  const send = (data: string) => void stream.writeSSE({ event: 'message', data });
  bare.on('m', send);
  await stream.writeSSE({ event: 'ready', data: '{}' });
  await new Promise<void>((resolve) => stream.onAbort(resolve));
  bare.off('m', send);
}));
app.post('/bare/publish', async (c) => {
  bare.emit('m', await c.req.text());
  return c.json({ ok: true });
});
app.post('/bare/bus', async (c) => {
  await realtimeOf(kernel).publish({ unitId: 'a', channel: c.req.query('channel') ?? 'collab:bench', data: await c.req.text() });
  return c.json({ ok: true });
});
app.all('*', (c) => core.fetch(c.req.raw));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`ready ${info.port}`));
process.on('SIGTERM', () => void kernel.close().then(async () => {
  // A PostgreSQL run leaves no schema behind.
  if (process.env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "bench_collab_${process.pid}" CASCADE`);
    await client.end();
  }
  process.exit(0);
}));
