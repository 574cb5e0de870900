// One app process for the multi-process tests: serves the API on PORT against DATABASE_URL in
// schema PG_SCHEMA, and runs the plugin host's outbox delivery loop. Prints `ready <port>`.
import { serve } from '@hono/node-server';
import { createKernel } from '../../core/kernel.js';
import { createApp } from '../../core/server/app.js';
import { hostOf } from '../../core/plugins/host.js';
import { startDelivery } from '../../core/plugins/delivery.js';

const kernel = await createKernel({ databaseUrl: process.env.DATABASE_URL!, kdf: 'fast', pgSchema: process.env.PG_SCHEMA! });
const host = hostOf(kernel, { timeoutMs: 2000 });
startDelivery(host, { intervalMs: 20, leaseMs: 10_000, batchSize: 5 });
const server = serve({ fetch: createApp(kernel).fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`ready ${info.port}`);
});
const stop = () => server.close(() => void kernel.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('disconnect', stop);
