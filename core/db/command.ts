import { CompiledQuery, type KyselyPlugin } from 'kysely';
import type { Kernel } from '../kernel.js';
import type { Db, Tx } from './connection.js';
import { isStalePlan } from './pg-named.js';
import { enterCommand, leaveCommand } from './direct.js';
import { executeCompiled } from './prepared.js';

/**
 * The one place a command's transaction is opened. A write is `(tx, actor, scope, input)`: the
 * service never opens a transaction of its own, so every write of a command — its rows, audit
 * entry, outbox events and notices — commits or rolls back together, and what must happen only
 * once the write is durable (realtime announcements) is registered on the transaction and run here.
 */
export type AfterCommit = (kernel: Kernel) => void | Promise<void>;

interface CommandState {
  kernel: Kernel;
  /** Keyed so that ten notices to one unit announce once. */
  afterCommit: Map<string, AfterCommit>;
}

const commands = new WeakMap<Tx, CommandState>();

/**
 * How often a command is re-run after PostgreSQL aborted its transaction for a deadlock (40P01) or a
 * serialization failure (40001) — another command ran at the same time, so nothing the client did was
 * wrong. The lock order (ARCHITECTURE.md) makes these rare; the retry makes them invisible. The whole
 * command runs again from the start in a fresh transaction (nothing of the aborted one survived), after
 * a short random pause so the two contenders do not collide again in step. So does one that met a
 * statement prepared before another process changed a table's shape (pg-named.ts).
 */
export const COMMAND_ATTEMPTS = 5;
const TRANSIENT_CODES = new Set(['40P01', '40001']);
let retried = 0;

/** Commands re-run after a transient conflict since this process started (in /api/metrics). */
export function commandRetries(): number {
  return retried;
}

function isTransient(error: unknown): boolean {
  return (typeof error === 'object' && error !== null && TRANSIENT_CODES.has(String((error as { code?: unknown }).code))) || isStalePlan(error);
}

export async function runCommand<T>(kernel: Kernel, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const state: CommandState = { kernel, afterCommit: new Map() };
    let result: T;
    try {
      result = kernel.dialect === 'sqlite' && GROUP_COMMIT
        ? await groupOf(kernel.db).run(state, work)
        : await kernel.db.transaction().execute(async (tx) => {
          commands.set(tx, state);
          enterCommand(tx, kernel.db);
          try {
            return await work(tx);
          } finally {
            leaveCommand(tx);
          }
        });
    } catch (error) {
      if (attempt >= COMMAND_ATTEMPTS || !isTransient(error)) throw error;
      retried++;
      console.warn(`[unibudget] command retried after ${(error as { code: string }).code} (attempt ${attempt + 1} of ${COMMAND_ATTEMPTS})`);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      continue;
    }
    for (const [key, hook] of state.afterCommit) {
      try {
        await hook(kernel);
      } catch (error) {
        // The write is durable; a failed side effect is reported, never turned into a failed command.
        console.error(`[unibudget] after-commit ${key} failed:`, (error as Error).message);
      }
    }
    return result;
  }
}

/**
 * Group commit (SQLite): SQLite runs one write transaction at a time on the core's one connection,
 * and its commit (writing the WAL frames of every page touched, and now and then a checkpoint) was
 * the costliest statement of a payment. Commands that are waiting while one runs are run one after
 * another in ONE SQLite transaction, each inside a SAVEPOINT of its own: a command that fails is
 * rolled back to its savepoint (it leaves nothing, the others keep what they wrote) and is answered
 * at once; the others are answered only after the shared COMMIT — if that fails, they all fail and
 * none of them wrote anything. A command's work, its after-commit hooks and its atomicity are as
 * with a transaction of its own. UNIBUDGET_GROUP_COMMIT=0 gives every command its own transaction.
 */
const GROUP_COMMIT = process.env.UNIBUDGET_GROUP_COMMIT !== '0';
/** Commands per shared transaction at most (the first waits for the rest: latency stays bounded). */
export const GROUP_COMMIT_MAX = 16;
const SAVEPOINT = CompiledQuery.raw('savepoint command');
const ROLLBACK_TO_SAVEPOINT = CompiledQuery.raw('rollback to savepoint command');
const RELEASE_SAVEPOINT = CompiledQuery.raw('release savepoint command');
/** A distinct transaction object per command (after-commit hooks are keyed by it), on the shared connection. */
const own: KyselyPlugin = { transformQuery: (args) => args.node, transformResult: async (args) => args.result };

interface Queued { state: CommandState; work: (tx: Tx) => Promise<unknown>; resolve(value: unknown): void; reject(error: unknown): void }

/** Shared SQLite transactions committed since this process started, and the commands they carried (tests, metrics). */
export const groupCommits = { transactions: 0, commands: 0 };

class CommitGroup {
  private readonly queue: Queued[] = [];
  private running = false;

  constructor(private readonly db: Db) {}

  run<T>(state: CommandState, work: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ state, work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) {
        // Started after the sockets already readable are read: better-sqlite3 answers synchronously, so a
        // request otherwise ran to its commit before the next one was even parsed, and no group formed
        // (bench/http: 235 → 300–330 payments/s at 50 connections).
        this.running = true;
        setImmediate(() => this.start());
      }
    });
  }

  private start(): void {
    this.running = true;
    const done: Array<{ item: Queued; value: unknown }> = [];
    let current: Queued | undefined;
    this.db.transaction().execute(async (tx) => {
      // The shared transaction holds the connection: its savepoints run straight on it (direct.ts).
      enterCommand(tx, this.db);
      try {
        while (this.queue.length > 0 && done.length < GROUP_COMMIT_MAX) {
          const item = (current = this.queue.shift()!);
          const mine = tx.withPlugin(own) as Tx;
          commands.set(mine, item.state);
          await executeCompiled(tx, SAVEPOINT);
          let value: unknown;
          enterCommand(mine, this.db);
          try {
            value = await item.work(mine);
          } catch (error) {
            // Its writes go; the transaction (and what the others wrote in it) stays.
            await executeCompiled(tx, ROLLBACK_TO_SAVEPOINT);
            await executeCompiled(tx, RELEASE_SAVEPOINT);
            current = undefined;
            item.reject(error);
            continue;
          } finally {
            leaveCommand(mine);
          }
          await executeCompiled(tx, RELEASE_SAVEPOINT);
          current = undefined;
          done.push({ item, value });
        }
      } finally {
        leaveCommand(tx);
      }
    }).then(
      () => {
        groupCommits.transactions += 1;
        groupCommits.commands += done.length;
        for (const { item, value } of done) item.resolve(value);
      },
      (error) => {
        // The shared transaction was rolled back (a failed savepoint rollback, the commit): nothing of it stands.
        for (const { item } of done) item.reject(error);
        current?.reject(error);
      },
    ).finally(() => {
      this.running = false;
      if (this.queue.length > 0) this.start();
    });
  }
}

const commitGroups = new WeakMap<Db, CommitGroup>();
function groupOf(db: Db): CommitGroup {
  let group = commitGroups.get(db);
  if (!group) commitGroups.set(db, (group = new CommitGroup(db)));
  return group;
}

/** Runs `hook` once the command's transaction has committed; nothing runs if it rolls back. */
export function afterCommit(tx: Tx, key: string, hook: AfterCommit): void {
  const state = commands.get(tx);
  if (!state) throw new Error(`afterCommit(${key}) outside a command transaction: open it with runCommand`);
  if (!state.afterCommit.has(key)) state.afterCommit.set(key, hook);
}
