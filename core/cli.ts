import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createKernel, type Kernel } from './kernel.js';
import { createApp } from './server/app.js';
import { migrateToLatest } from './db/migrate.js';
import { verifyChain } from './audit/service.js';
import { DEMO_PASSWORD, DEMO_USERS, hasUsers, seedDemo } from './demo/seed.js';
import { seedDemoPlugins } from './demo/plugins.js';
import { hashPassword } from './accounts/password.js';
import { createUser } from './accounts/service.js';
import { runCommand } from './db/command.js';
import { SYSTEM_ACTOR, appendAudit } from './audit/service.js';
import { ROLES, type Role } from './permissions/roles.js';
import { nowIso } from './clock.js';
import { VERSION } from './version.js';
import { configFromEnv } from './config.js';
import { ensureReferenceData } from './ledger/reference.js';
import fs from 'node:fs';
import net from 'node:net';
import { hostOf } from './plugins/host.js';
import { startDelivery } from './plugins/delivery.js';
import { AppError } from './errors.js';
import { installBundle } from './plugins/admin.js';
import { backup, restore, BackupError } from './backup/service.js';

const USAGE = `unibudget ${VERSION} — 预算管理一体化系统

Usage:
  unibudget start [--demo]          migrate, (with --demo: seed demo data into an empty database) and serve
  unibudget migrate                 apply pending database migrations
  unibudget seed-demo               seed the demo units and users into an empty database
  unibudget user add <username> --name <显示名> --password <pw> --unit <unitId> --role <role> [--role …]
  unibudget audit verify            verify the audit hash chain; exit 1 and name the first broken link
  unibudget backup <file>           online, consistent backup (SQLite backup API / pg_dump of the schema)
  unibudget restore <file> [--force]  replace the database with a backup (server stopped; --force over data)
  unibudget plugin install <bundle.ubplugin.json>   install a plugin bundle (hash, manifest, signature checked)
  unibudget plugin new <id> [--dir plugins/<id>]     scaffold a plugin with a passing test (SDK: sdk/cli.ts)

Environment: DATABASE_URL (SQLite file path, default data/unibudget.db, or postgres://…), PORT (default 8787)`;

async function withKernel<T>(work: (kernel: Kernel) => Promise<T>): Promise<T> {
  const kernel = await createKernel();
  try {
    return await work(kernel);
  } finally {
    await kernel.close();
  }
}

function printDemoLogins(url: string): void {
  console.log(`\n  unibudget is running at ${url}\n`);
  console.log(`  Demo logins (password for all: ${DEMO_PASSWORD}):`);
  for (const user of DEMO_USERS) console.log(`    ${user.username.padEnd(16)} ${user.role.padEnd(18)} unit ${user.unitId}`);
  console.log(`\n  API: ${url}/api/openapi.json   Health: ${url}/api/health\n`);
}

const isEventStream = (value: unknown) => String(value ?? '').toLowerCase().startsWith('text/event-stream');

/** writeHead's headers argument: an object, or a flat [name, value, …] array. */
function headersSayEventStream(headers: unknown): boolean {
  if (Array.isArray(headers)) return headers.some((h, i) => i % 2 === 0 && String(h).toLowerCase() === 'content-type' && isEventStream(headers[i + 1]));
  if (headers && typeof headers === 'object') {
    for (const name in headers) if (name.length === 12 && name.toLowerCase() === 'content-type') return isEventStream((headers as Record<string, unknown>)[name]);
  }
  return false;
}

async function start(demo: boolean): Promise<void> {
  const kernel = await createKernel();
  await ensureReferenceData(kernel, new Date().getUTCFullYear());
  if (demo && !(await hasUsers(kernel))) {
    console.log('Seeding demo data…');
    await seedDemo(kernel);
  }
  if (demo) await seedDemoPlugins(kernel, { log: console.log });
  // The plugin host: sandbox runner (started on first use) and, beside it, this process's outbox
  // delivery loop (stopped before the host when the kernel closes).
  startDelivery(hostOf(kernel));
  const app = createApp(kernel);
  const server = serve({ fetch: app.fetch, port: kernel.config.port, hostname: process.env.HOST || '127.0.0.1' }, (info) => {
    const url = `http://${info.address === '::1' ? 'localhost' : info.address}:${info.port}`;
    if (demo) printDemoLogins(url);
    else console.log(`unibudget listening on ${url}`);
  });
  // Graceful stop: accept no new connections, answer every request already received, then stop
  // the plugin host (delivery loop, sandbox runner) and close the database (kernel.close does both).
  const http = server as unknown as import('node:http').Server;
  const streams = new Set<import('node:http').ServerResponse>();
  let stopping = false;
  // Runs before the app's own handler, so the header is set before anything is written.
  http.prependListener('request', (_req, res) => {
    // Every answer given while stopping ends its connection, so keep-alive clients send no more on it.
    if (stopping) res.setHeader('Connection', 'close');
    // Streams (realtime SSE) never end by themselves; they are ended at the drain deadline.
    const writeHead = res.writeHead;
    res.writeHead = function (this: typeof res, ...args: unknown[]) {
      if (isEventStream(this.getHeader('content-type')) || args.some(headersSayEventStream)) {
        streams.add(this);
        this.once('close', () => streams.delete(this));
      }
      return (writeHead as (...a: unknown[]) => typeof res).apply(this, args);
    } as typeof writeHead;
  });
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight requests…`);
    // Stop listening only. http.Server.close() would also drop every connection without a request
    // in progress, including ones whose request is on the wire but not read yet: those requests
    // would be lost. Idle keep-alive connections end by their keep-alive timeout or at the deadline.
    net.Server.prototype.close.call(http, () => {
      kernel.close().then(
        () => {
          console.log('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          console.error('shutdown failed:', error);
          process.exit(1);
        },
      );
    });
    setTimeout(() => {
      // As if the browser had gone away: it reconnects, to another instance.
      for (const res of streams) res.destroy();
      http.closeIdleConnections();
      setInterval(() => http.closeIdleConnections(), 100).unref();
    }, Number(process.env.UNIBUDGET_DRAIN_MS || 5000)).unref();
    setTimeout(() => {
      console.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function addUser(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      password: { type: 'string' },
      unit: { type: 'string' },
      role: { type: 'string', multiple: true },
    },
  });
  const username = positionals[0];
  const roles = (values.role ?? []) as Role[];
  if (!username || !values.password || !values.unit || roles.length === 0) throw new Error(USAGE);
  const invalid = roles.filter((r) => !ROLES.includes(r));
  if (invalid.length) throw new Error(`unknown role(s): ${invalid.join(', ')}; roles are ${ROLES.join(', ')}`);
  if (values.password.length < 8) throw new Error('password must have at least 8 characters');
  await withKernel(async (kernel) => {
    const unit = await kernel.db.selectFrom('units').select('id').where('id', '=', values.unit!).executeTakeFirst();
    if (!unit) throw new Error(`unit ${values.unit} does not exist`);
    const passwordHash = await hashPassword(values.password!, kernel.config.kdf);
    await runCommand(kernel, async (tx) => {
      const userId = await createUser(tx, SYSTEM_ACTOR, { username, displayName: values.name ?? username, passwordHash });
      for (const role of roles) {
        await tx.insertInto('role_grants').values({ user_id: userId, unit_id: unit.id, role, department_id: null, granted_at: nowIso() }).execute();
      }
      await appendAudit(tx, {
        actor: SYSTEM_ACTOR, unitId: unit.id, action: 'member.grant', entity: 'member', entityId: `${unit.id}:${userId}`,
        after: { roles, departmentId: null },
      });
    });
    console.log(`user ${username} added to unit ${unit.id} as ${roles.join(', ')}`);
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'start':
      await start(argv.includes('--demo'));
      return -1;
    case 'migrate':
      await withKernel(async (kernel) => {
        // createKernel already migrated; report what is there.
        const applied = await migrateToLatest(kernel.db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      });
      return 0;
    case 'seed-demo':
      return withKernel(async (kernel) => {
        if (await hasUsers(kernel)) {
          console.error('the database already has users; demo data goes only into an empty database');
          return 1;
        }
        await seedDemo(kernel);
        console.log(`demo data seeded; every demo login uses the password ${DEMO_PASSWORD}`);
        return 0;
      });
    case 'user':
      if (sub !== 'add') break;
      await addUser(rest);
      return 0;
    case 'plugin':
      if (sub === 'new') return (await import('../sdk/cli.js')).sdkMain(['new', ...rest]);
      if (sub !== 'install' || !rest[0]) break;
      return withKernel(async (kernel) => {
        const bundle = JSON.parse(fs.readFileSync(rest[0]!, 'utf8'));
        const installed = await installBundle(kernel, SYSTEM_ACTOR, bundle).catch((error: unknown) => {
          throw error instanceof AppError ? new Error(`${error.code}: ${error.messageIn('en')}`) : error;
        });
        console.log(`installed ${installed.pluginId}@${installed.version}${installed.signedBy ? ` (signed by ${installed.signedBy})` : ' (unsigned)'}`);
        return 0;
      });
    case 'backup':
    case 'restore': {
      const file = sub && !sub.startsWith('--') ? sub : undefined;
      if (!file) break;
      const target = { url: configFromEnv().databaseUrl };
      try {
        if (command === 'backup') {
          const made = await backup(target, file);
          console.log(`backup written: ${made.file} (${made.dialect}, ${made.bytes} bytes, audit head ${made.auditHead.seq} ${made.auditHead.hash})`);
        } else {
          const done = await restore(target, file, { force: rest.includes('--force') });
          console.log(`restored ${done.file} (${done.dialect}); audit chain OK: ${done.audit.checked} entries, head ${done.audit.headHash}`);
        }
        return 0;
      } catch (error) {
        if (!(error instanceof BackupError)) throw error;
        console.error(error.message);
        return 1;
      }
    }
    case 'audit':
      if (sub !== 'verify') break;
      return withKernel(async (kernel) => {
        const result = await verifyChain(kernel.db);
        if (result.ok) {
          console.log(`audit chain OK: ${result.checked} entries, head ${result.headHash}`);
          return 0;
        }
        console.error(`audit chain BROKEN at entry ${result.brokenAt} (${result.reason}); ${result.checked} entries verified before it`);
        return 1;
      });
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
