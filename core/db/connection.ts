import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, type LogEvent, type SqliteDatabase, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { QueuedSqliteDialect } from './sqlite-queue.js';
import { observeStatement, postgresDirect, sqliteDirect } from './direct.js';
import { withNamedStatements } from './pg-named.js';

export type DialectName = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Anything a query can run on: the database or an open transaction. */
export type Executor = Kysely<Database>;

export interface DbHandle {
  db: Db;
  dialect: DialectName;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** `postgres://…` or a SQLite file path (`:memory:` for a throwaway database). */
  url: string;
  /** PostgreSQL schema to use (created if missing); tests give each run its own. */
  pgSchema?: string;
  poolSize?: number;
}

// BIGINT (money in fen, counts) and NUMERIC (SUM over BIGINT) arrive from pg as strings.
// They stay exact as JS numbers while they are safe integers; anything else is a bug to surface.
function parseExactInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`database integer out of safe range: ${text}`);
  return value;
}
pg.types.setTypeParser(pg.types.builtins.INT8, parseExactInteger);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (text: string) =>
  /^-?\d+$/.test(text) ? parseExactInteger(text) : Number(text),
);

/**
 * Every statement's time goes to the core's metrics (statement time histogram in /api/metrics), and
 * its text to the watch on the authentication tables (writes.ts).
 */
const log = (event: LogEvent) => observeStatement(event.query.sql, event.queryDurationMillis, event.level === 'error');

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export async function openDatabase(options: OpenOptions): Promise<DbHandle> {
  if (isPostgresUrl(options.url)) return openPostgres(options);
  return openSqlite(options.url);
}

/** Prepared statements kept per connection (by SQL text); the oldest is dropped past this many. */
const STATEMENT_CACHE_SIZE = 2000;

/**
 * The SQLite connection as Kysely's driver sees it, preparing each distinct SQL text once: the
 * driver asks for a fresh statement on every query, and preparing one was a sixth of a payment's
 * CPU time (bench/profile). A statement is reusable as soon as its run()/all() returns (better-sqlite3
 * resets it); one still open (an iterate() in progress, `busy`) is not handed out twice: a fresh
 * one is prepared for that call. Statements re-prepare themselves after a schema change (migrations).
 */
export function cachingStatements(sqlite: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached) return cached.busy ? sqlite.prepare(text) : cached;
      const statement = sqlite.prepare(text);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
      cache.set(text, statement);
      return statement;
    },
  };
}

function openSqlite(file: string): DbHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Reads from memory where they can: a 64 MB page cache (the default is 2 MB), the file mapped
  // (256 MB) so hot pages are not copied per read, temporary b-trees (group by, order by) in memory.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('mmap_size = 268435456');
  sqlite.pragma('temp_store = MEMORY');
  const statements = cachingStatements(sqlite);
  const dialect = new QueuedSqliteDialect({ database: statements });
  const db = new Kysely<Database>({ dialect, log });
  sqliteDirect(db, statements, dialect.gate);
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function openPostgres(options: OpenOptions): Promise<DbHandle> {
  if (options.pgSchema) {
    const admin = new pg.Client({ connectionString: options.url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${options.pgSchema}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    ...(options.pgSchema ? { options: `-c search_path="${options.pgSchema}"` } : {}),
  });
  const named = withNamedStatements(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: named.pool }), log });
  postgresDirect(db, named.query);
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
