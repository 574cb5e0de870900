import { SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type QueryCompiler, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite driver hands its one connection out under a mutex whose waiters all wake on every
 * release and race for it again: with 50 requests waiting (autocannon's 50 connections), each
 * statement outside a transaction woke 50 promises, and a request could lose the race many times in a
 * row. Payments at 50 connections ran at half the rate of 8 (bench/http). This driver queues the
 * waiters first come, first served and wakes exactly one per release; everything else is Kysely's own
 * driver (statements, transactions, savepoints) on the same connection.
 */
class QueuedSqliteDriver implements Driver {
  readonly #inner: SqliteDriver;
  #connection: DatabaseConnection | undefined;
  #held = false;
  readonly #waiting: Array<(connection: DatabaseConnection) => void> = [];

  constructor(config: SqliteDialectConfig) {
    this.#inner = new SqliteDriver(config);
  }

  async init(): Promise<void> {
    await this.#inner.init();
    // Taken once and kept: the inner driver's own mutex is never used again.
    this.#connection = await this.#inner.acquireConnection();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    const connection = this.#connection!;
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(connection);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async releaseConnection(): Promise<void> {
    const next = this.#waiting.shift();
    if (next) next(this.#connection!);
    else this.#held = false;
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

/** Kysely's SQLite dialect with a first-come, first-served queue for its one connection. */
export class QueuedSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new QueuedSqliteDriver(this.#config);
  }
}
