import type { Kernel } from '../kernel.js';
import type { Tx } from './connection.js';

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

export async function runCommand<T>(kernel: Kernel, work: (tx: Tx) => Promise<T>): Promise<T> {
  const state: CommandState = { kernel, afterCommit: new Map() };
  const result = await kernel.db.transaction().execute(async (tx) => {
    commands.set(tx, state);
    return work(tx);
  });
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

/** Runs `hook` once the command's transaction has committed; nothing runs if it rolls back. */
export function afterCommit(tx: Tx, key: string, hook: AfterCommit): void {
  const state = commands.get(tx);
  if (!state) throw new Error(`afterCommit(${key}) outside a command transaction: open it with runCommand`);
  if (!state.afterCommit.has(key)) state.afterCommit.set(key, hook);
}
