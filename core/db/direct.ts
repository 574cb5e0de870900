import type { Kysely, SqliteDatabase } from 'kysely';
import { coreMetrics } from '../health/metrics.js';
import { noteStatement } from './writes.js';
import type { ConnectionGate } from './sqlite-queue.js';

/**
 * A prepared statement (db/prepared.ts) run straight on the SQLite connection. better-sqlite3 answers
 * synchronously, but Kysely's way to it is eight async steps (executor, connection provider, the
 * driver's acquire and release, its logging wrapper): as much CPU as the statement itself for a
 * primary-key read. Running it directly is the same work on the same connection whenever nobody else
 * can be using it: on the database while the connection is free (no statement or transaction holds it:
 * the statement runs and finishes before anything else can take it), and on a command's transaction
 * while that command runs (the transaction holds the connection; db/command.ts marks it). Otherwise, and
 * on PostgreSQL, the statement takes Kysely's way. Every statement is counted and timed as Kysely's
 * are, and its text goes to the watch on the authentication tables.
 */
/** The database or a transaction on it (connection.ts's Executor, named here without importing it). */
type Executor = Kysely<any>;

interface Direct {
  statements: SqliteDatabase;
  gate: ConnectionGate;
}

const databases = new WeakMap<Executor, Direct>();
const commandTransactions = new WeakMap<Executor, Direct>();

export function registerDirect(db: Executor, statements: SqliteDatabase, gate: ConnectionGate): void {
  databases.set(db, { statements, gate });
}

/** `tx` is a command's transaction on `db` from now until `leaveCommand` (db/command.ts). */
export function enterCommand(tx: Executor, db: Executor): void {
  const direct = databases.get(db);
  if (direct) commandTransactions.set(tx, direct);
}

export function leaveCommand(tx: Executor): void {
  commandTransactions.delete(tx);
}

/** Statements run directly since this process started (tests). */
export const directStatements = { count: 0 };

/** The statement's rows, or null when it must take Kysely's way (see above). */
export function runDirect<R>(db: Executor, text: string, parameters: readonly unknown[]): R[] | null {
  const direct = db.isTransaction ? commandTransactions.get(db) : databases.get(db);
  if (!direct || (!db.isTransaction && direct.gate.held)) return null;
  directStatements.count += 1;
  const started = performance.now();
  let failed = true;
  try {
    const statement = direct.statements.prepare(text);
    let rows: R[] = [];
    if (statement.reader) rows = statement.all(parameters) as R[];
    else statement.run(parameters);
    failed = false;
    return rows;
  } finally {
    observeStatement(text, performance.now() - started, failed);
  }
}

/** Every statement, by either way: its time to the core's metrics, its text to the authentication watch. */
export function observeStatement(text: string, ms: number, failed: boolean): void {
  coreMetrics.recordStatement(ms, failed);
  noteStatement(text);
}
