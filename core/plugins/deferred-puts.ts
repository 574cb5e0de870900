import { sql } from 'kysely';
import { dialectOf, type Db, type Executor } from '../db/connection.js';
import type { HostCall } from './runner/client.js';
import { putManyPg, storageCall } from './storage.js';
import { admit, quotasOf, type CallContext } from './host-api.js';

/**
 * An event batch's storage.put calls (manifest `eventBatch`). The sandbox answered each at once
 * (runner/child.mjs); the host writes them in order, in one transaction, before the batch's next
 * other host call (which may read them) and when the batch returns, for the events it completed. A
 * process round trip per put was most of a batch's time.
 *
 * A put refused when written (a quota, bad arguments) stops the batch there, as a handler that threw
 * would: the events before its event keep their writes, its event and the later ones keep none and
 * are delivered again — its event alone, where the put fails in its own handler (delivery.ts).
 */
export class DeferredPuts {
  private readonly queued: Array<{ call: HostCall; at: number }> = [];
  private chain: Promise<void> = Promise.resolve();
  /** The event whose put was refused, and why; its later puts and those of later events are dropped. */
  private refused: { at: number; error: unknown } | null = null;
  /** A failure that is no put's refusal (the database's): nothing more is written, the batch fails as a whole. */
  private broken: unknown = null;

  queue(call: HostCall, at: number): void {
    if (!this.refused) this.queued.push({ call, at });
  }

  /** The index of the event whose put was refused, if one was. */
  get refusedAt(): number | null {
    return this.refused?.at ?? null;
  }

  /** Before another host call of the batch: writes what is queued; a refusal fails that call too (its handler stops). */
  async applyBefore(context: CallContext): Promise<void> {
    await this.apply(context, Number.POSITIVE_INFINITY);
    if (this.refused) throw this.refused.error;
  }

  /** Writes what is queued, after any write in progress; puts of events at `before` or later are dropped. */
  apply(context: CallContext, before: number): Promise<void> {
    const next = this.chain.then(() => this.write(context, before));
    this.chain = next.catch(() => {});
    return next;
  }

  private async write(context: CallContext, before: number): Promise<void> {
    if (this.broken) throw this.broken;
    const puts = this.queued.splice(0).filter((p) => p.at < before);
    if (!puts.length || this.refused) return;
    // Read before the transaction opens: on SQLite a read outside it would wait for it on the one connection.
    const quotas = await quotasOf(context);
    const writeAll = async (tx: Executor, list: typeof puts) => {
      const inTx: CallContext = { ...context, executor: tx };
      for (const put of list) {
        try {
          admit(put.call, inTx);
          await storageCall(tx, { ...inTx, quotas: async () => quotas }, put.call.method, put.call.args);
        } catch (error) {
          this.refused = { at: put.at, error };
          throw error;
        }
      }
    };
    const work = async (tx: Executor) => {
      // Refused part way: back to the savepoint, and the events before the refused one written again.
      await sql`savepoint deferred_puts`.execute(tx);
      try {
        // PostgreSQL: one statement for them all where it can (putManyPg), a round trip each otherwise.
        const allAtOnce = dialectOf(tx) === 'postgres' && context.grants.has('storage') && !context.readOnly
          && await putManyPg(tx, { ...context, quotas: async () => quotas }, puts.map((p) => p.call.args));
        if (allAtOnce) for (const put of puts) admit(put.call, context);
        else await writeAll(tx, puts);
      } catch (error) {
        if (!this.refused) {
          this.broken = error;
          throw error;
        }
        await sql`rollback to savepoint deferred_puts`.execute(tx);
        const at = this.refused.at;
        try {
          await writeAll(tx, puts.filter((p) => p.at < at));
        } catch (again) {
          // What was written once failed the second time: nothing is kept, nothing acknowledged.
          this.refused = null;
          this.broken = again;
          throw again;
        }
      }
      await sql`release savepoint deferred_puts`.execute(tx);
    };
    if (context.executor.isTransaction) await work(context.executor);
    else await (context.executor as Db).transaction().execute(work);
  }
}

