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

/**
 * How often a command is re-run after PostgreSQL aborted its transaction for a deadlock (40P01) or a
 * serialization failure (40001) — another command ran at the same time, so nothing the client did was
 * wrong. The lock order (ARCHITECTURE.md) makes these rare; the retry makes them invisible. The whole
 * command runs again from the start in a fresh transaction (nothing of the aborted one survived), after
 * a short random pause so the two contenders do not collide again in step.
 */
export const COMMAND_ATTEMPTS = 5;
const TRANSIENT_CODES = new Set(['40P01', '40001']);
let retried = 0;

/** Commands re-run after a transient conflict since this process started (in /api/metrics). */
export function commandRetries(): number {
  return retried;
}

function isTransient(error: unknown): boolean {
  return typeof error === 'object' && error !== null && TRANSIENT_CODES.has(String((error as { code?: unknown }).code));
}

export async function runCommand<T>(kernel: Kernel, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const state: CommandState = { kernel, afterCommit: new Map() };
    let result: T;
    try {
      result = await kernel.db.transaction().execute(async (tx) => {
        commands.set(tx, state);
        return work(tx);
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

/** Runs `hook` once the command's transaction has committed; nothing runs if it rolls back. */
export function afterCommit(tx: Tx, key: string, hook: AfterCommit): void {
  const state = commands.get(tx);
  if (!state) throw new Error(`afterCommit(${key}) outside a command transaction: open it with runCommand`);
  if (!state.afterCommit.has(key)) state.afterCommit.set(key, hook);
}
