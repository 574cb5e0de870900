import { SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type QueryCompiler, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite driver hands its one connection out under a mutex whose waiters all wake on every
 * release and race for it again: with 50 requests waiting (autocannon's 50 connections), each
 * statement outside a transaction woke 50 promises, and a request could lose the race many times in a
 * row. Payments at 50 connections ran at half the rate of 8 (bench/http). This driver queues the
 * waiters first come, first served and wakes exactly one per release; everything else is Kysely's own
 * driver (statements, transactions, savepoints) on the same connection.
 */
/** Whether the one connection is handed out (a statement or a transaction has it), and who waits for it. */
export class ConnectionGate {
  held = false;
  readonly waiting: Array<(connection: DatabaseConnection) => void> = [];
}

class QueuedSqliteDriver implements Driver {
  readonly #inner: SqliteDriver;
  readonly #gate: ConnectionGate;
  #connection: DatabaseConnection | undefined;

  constructor(config: SqliteDialectConfig, gate: ConnectionGate) {
    this.#inner = new SqliteDriver(config);
    this.#gate = gate;
  }

  async init(): Promise<void> {
    await this.#inner.init();
    // Taken once and kept: the inner driver's own mutex is never used again.
    this.#connection = await this.#inner.acquireConnection();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    const connection = this.#connection!;
    if (!this.#gate.held) {
      this.#gate.held = true;
      return Promise.resolve(connection);
    }
    return new Promise((resolve) => this.#gate.waiting.push(resolve));
  }

  async releaseConnection(): Promise<void> {
    const next = this.#gate.waiting.shift();
    if (next) next(this.#connection!);
    else this.#gate.held = false;
  }

  // SQLite has no isolation levels to set: Kysely's driver takes no settings.
  beginTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.beginTransaction(connection);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }
  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.#inner.savepoint(connection, name, compile);
  }
  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.#inner.rollbackToSavepoint(connection, name, compile);
  }
  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.#inner.releaseSavepoint(connection, name, compile);
  }

  async destroy(): Promise<void> {
    await this.#inner.releaseConnection();
    await this.#inner.destroy();
  }
}

/**
 * Kysely's SQLite dialect with a first-come, first-served queue for its one connection. `gate` says
 * whether the connection is free (db/direct.ts runs a statement at once when it is).
 */
export class QueuedSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig, readonly gate = new ConnectionGate()) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new QueuedSqliteDriver(this.#config, this.gate);
  }
}
