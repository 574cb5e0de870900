import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import type { Hono } from 'hono';
import { createKernel, type Kernel } from '../../core/kernel.js';
import { createApp } from '../../core/server/app.js';
import { isPostgresUrl } from '../../core/db/connection.js';
import { DEMO_PASSWORD, seedDemo } from '../../core/demo/seed.js';
import type { Config } from '../../core/config.js';
import { replyOf, type CallResult } from './reply.js';

/** Demo data is seeded "as of" this day in tests: January to April of 2026 are closed. */
export const TEST_TODAY = new Date('2026-06-15T08:00:00Z');
export const TEST_YEAR = 2026;

export interface TestEnv {
  kernel: Kernel;
  app: Hono;
  /** Signs in a demo user (cached per user) and returns the bearer token. */
  login(username: string): Promise<string>;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export type { CallResult } from './reply.js';

/**
 * A fresh core for one test file: SQLite in memory, or, when DATABASE_URL points at PostgreSQL,
 * a schema of its own that is dropped afterwards, so parallel files and runs never collide.
 */
export async function createTestEnv(overrides: Partial<Config> = {}, options: { seed?: boolean; activity?: boolean } = {}): Promise<TestEnv> {
  const url = process.env.DATABASE_URL && isPostgresUrl(process.env.DATABASE_URL) ? process.env.DATABASE_URL : ':memory:';
  const pgSchema = isPostgresUrl(url) ? `t_${process.pid}_${randomBytes(4).toString('hex')}` : undefined;
  const kernel = await createKernel({ databaseUrl: url, kdf: 'fast', ...(pgSchema ? { pgSchema } : {}), ...overrides });
  if (options.seed !== false) await seedDemo(kernel, TEST_TODAY, { activity: options.activity ?? false });
  const app = createApp(kernel);
  const tokens = new Map<string, string>();

  const call = async (method: string, path: string, opts: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    return replyOf(await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) }));
  };

  return {
    kernel,
    app,
    call,
    async login(username: string) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const result = await call('POST', '/api/auth/login', { body: { username, password: DEMO_PASSWORD } });
      if (result.status !== 200) throw new Error(`login ${username} failed: ${JSON.stringify(result.body)}`);
      tokens.set(username, result.body.token);
      return result.body.token as string;
    },
    async close() {
      await kernel.close();
      if (pgSchema) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
        await client.end();
      }
    },
  };
}

/** Number of audit entries: tests use it to prove a refused command wrote nothing. */
export async function auditCount(env: TestEnv): Promise<number> {
  const row = await env.kernel.db.selectFrom('audit_head').select('last_seq').where('id', '=', 1).executeTakeFirstOrThrow();
  return row.last_seq;
}

/** Tables a refused command may still touch by design: sign-in bookkeeping. */
const NOT_BUSINESS = new Set(['sessions', 'login_attempts', 'kysely_migration', 'kysely_migration_lock']);

/** What any write leaves behind: the audit head and the row count of every business table. */
export async function footprint(env: TestEnv): Promise<Record<string, number>> {
  // Only this run's tables: on PostgreSQL other runs' schemas share the database (and come and go).
  const listed =
    env.kernel.dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(env.kernel.db)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(env.kernel.db);
  const tables = listed.rows.map((r) => r.name).filter((name) => !NOT_BUSINESS.has(name));
  const counts: Record<string, number> = { auditSeq: await auditCount(env) };
  for (const table of tables.sort()) {
    const row = await env.kernel.db
      .selectFrom(table as 'units')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

/**
 * Runs a command that must be refused and proves it: the status, the stable error code, and no
 * trace in any table (every state change is audited, so an unchanged audit head covers updates).
 */
export async function refusedWithoutTrace(env: TestEnv, run: () => Promise<CallResult>, status: number, code: string): Promise<CallResult> {
  const before = await footprint(env);
  const result = await run();
  expect(result.status, JSON.stringify(result.body).slice(0, 500)).toBe(status);
  expect(result.body?.error?.code).toBe(code);
  expect(await footprint(env)).toEqual(before);
  return result;
}
