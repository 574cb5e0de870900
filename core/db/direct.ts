import type { Kysely, SqliteDatabase } from 'kysely';
import { coreMetrics } from '../health/metrics.js';
import { noteStatement } from './writes.js';
import type { ConnectionGate } from './sqlite-queue.js';

/**
 * A prepared statement (db/prepared.ts) run straight on the driver. Kysely's way to the driver is
 * eight async steps (executor, connection provider, the driver's acquire and release, its logging
 * wrapper): on SQLite, which answers synchronously, as much CPU as a primary-key read itself.
 * - SQLite: the same work on the same connection whenever nobody else can be using it: on the
 *   database while the connection is free (no statement or transaction holds it: the statement runs
 *   and finishes before anything else can take it), and on a command's transaction while that command
 *   runs (the transaction holds the connection; db/command.ts marks it).
 * - PostgreSQL: a statement on the database goes to the pool as one named query (pg-named.ts), as
 *   Kysely would send it, less the steps around it; a transaction's statements take Kysely's way.
 * Every statement is counted and timed as Kysely's are, and its text goes to the watch on the
 * authentication tables.
 */
type Executor = Kysely<any>;
type Runner = (text: string, parameters: readonly unknown[]) => unknown[] | Promise<unknown[]> | null;

interface Direct {
  /** A statement on the database; null when it must take Kysely's way now. */
  onDatabase: Runner;
  /** A statement on a command's transaction (SQLite only). */
  inCommand?: Runner;
}

const databases = new WeakMap<Executor, Direct>();
const commandTransactions = new WeakMap<Executor, Runner>();
const commandDatabases = new WeakMap<Executor, Executor>();

/** Statements run directly since this process started (tests). */
export const directStatements = { count: 0 };

export function sqliteDirect(db: Executor, statements: SqliteDatabase, gate: ConnectionGate): void {
  const run: Runner = (text, parameters) => {
    const started = performance.now();
    let failed = true;
    try {
      const statement = statements.prepare(text);
      let rows: unknown[] = [];
      if (statement.reader) rows = statement.all(parameters) as unknown[];
      else statement.run(parameters);
      failed = false;
      return rows;
    } finally {
      observeStatement(text, performance.now() - started, failed);
    }
  };
  databases.set(db, { onDatabase: (text, parameters) => (gate.held ? null : run(text, parameters)), inCommand: run });
}

export function postgresDirect(db: Executor, query: (text: string, parameters: readonly unknown[]) => Promise<unknown[]>): void {
  databases.set(db, {
    onDatabase: async (text, parameters) => {
      const started = performance.now();
      let failed = true;
      try {
        const rows = await query(text, parameters);
        failed = false;
        return rows;
      } finally {
        observeStatement(text, performance.now() - started, failed);
      }
    },
  });
}

/** `tx` is a command's transaction on `db` from now until `leaveCommand` (db/command.ts). */
export function enterCommand(tx: Executor, db: Executor): void {
  commandDatabases.set(tx, db);
  const inCommand = databases.get(db)?.inCommand;
  if (inCommand) commandTransactions.set(tx, inCommand);
}

export function leaveCommand(tx: Executor): void {
  commandTransactions.delete(tx);
  commandDatabases.delete(tx);
}

/**
 * The database a statement runs on: the executor itself, or the database of the command whose
 * transaction it is (undefined for a transaction opened outside a command). What a cache keyed by
 * database uses, so a command's reads hit the same entries as a request's.
 */
export function databaseOf(db: Executor): Executor | undefined {
  return db.isTransaction ? commandDatabases.get(db) : db;
}

/** The statement's rows, or null when it must take Kysely's way (see above). */
export function runDirect<R>(db: Executor, text: string, parameters: readonly unknown[]): R[] | Promise<R[]> | null {
  const runner = db.isTransaction ? commandTransactions.get(db) : databases.get(db)?.onDatabase;
  const rows = runner ? runner(text, parameters) : null;
  if (rows) directStatements.count += 1;
  return rows as R[] | Promise<R[]> | null;
}

/** Every statement, by either way: its time to the core's metrics, its text to the authentication watch. */
export function observeStatement(text: string, ms: number, failed: boolean): void {
  coreMetrics.recordStatement(ms, failed);
  noteStatement(text);
}
