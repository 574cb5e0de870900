import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../bin/node-flags.mjs';
import pg from 'pg';
import { createKernel, type Kernel } from '../../core/kernel.js';
import { isPostgresUrl } from '../../core/db/connection.js';
import { replyOf, type CallResult } from '../support/reply.js';
import { DEMO_PASSWORD, seedDemo } from '../../core/demo/seed.js';

/**
 * A database of the test's own (a SQLite file, or a PostgreSQL schema when DATABASE_URL says so)
 * with the demo units and users, and the real `unibudget start` serving it as a child process:
 * what a deployment runs, so killing it is killing the server.
 */
export interface TestDatabase {
  dialect: 'sqlite' | 'postgres';
  /** DATABASE_URL for a child process: the file, or the PostgreSQL URL with the schema as search_path. */
  url: string;
  pgSchema?: string;
  /** A kernel on the same database, for the test's own checks (open it after the server is up or down, both work). */
  open(): Promise<Kernel>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (base && isPostgresUrl(base)) {
    const pgSchema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const open = () => createKernel({ databaseUrl: base, kdf: 'fast', pgSchema });
    const kernel = await open();
    await seedDemo(kernel, TEST_TODAY, { activity: false });
    await kernel.close();
    return {
      dialect: 'postgres',
      // libpq reads %20, not the '+' URLSearchParams would write for a space.
      url: `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${pgSchema}`)}`,
      pgSchema,
      open,
      async drop() {
        const client = new pg.Client({ connectionString: base });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
        await client.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unibudget-rel-'));
  const file = path.join(dir, 'unibudget.db');
  const open = () => createKernel({ databaseUrl: file, kdf: 'fast' });
  const kernel = await open();
  await seedDemo(kernel, TEST_TODAY, { activity: false });
  await kernel.close();
  return { dialect: 'sqlite', url: file, open, async drop() { fs.rmSync(dir, { recursive: true, force: true }); } };
}

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

/** As test/support/kernel.ts seeds (that module needs vitest; this one also serves bench/). */
const TEST_TODAY = new Date('2026-06-15T08:00:00Z');

const tsx = createRequire(import.meta.url).resolve('tsx');

/** Starts `unibudget start` (core/cli.ts, as bin/unibudget.mjs runs it) on a free port. */
export async function startServer(db: TestDatabase, env: Record<string, string> = {}): Promise<ServerProcess> {
  // UNIBUDGET_SERVER_NODE_ARGS adds Node flags to the server process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`: bench/README.md).
  const extra = (process.env.UNIBUDGET_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...extra, '--import', tsx, 'core/cli.ts', 'start'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', UNIBUDGET_KDF: 'fast', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk) => { out += chunk; });
  child.stderr!.on('data', (chunk) => { out += chunk; });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${out}`)), 60_000);
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
  return {
    child,
    base,
    output: () => out,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export type Reply = CallResult;

/** One HTTP call; a refused connection (the server just died) answers status 0. */
export async function http(base: string, method: string, route: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  try {
    const response = await fetch(base + route, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return await replyOf(response);
  } catch {
    return { status: 0, body: null, headers: new Headers() };
  }
}

export async function login(base: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const reply = await http(base, 'POST', '/api/auth/login', undefined, { username, password });
  if (reply.status !== 200) throw new Error(`login ${username}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.token as string;
}
