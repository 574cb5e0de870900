import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

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

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export async function openDatabase(options: OpenOptions): Promise<DbHandle> {
  if (isPostgresUrl(options.url)) return openPostgres(options);
  return openSqlite(options.url);
}

function openSqlite(file: string): DbHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
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
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
