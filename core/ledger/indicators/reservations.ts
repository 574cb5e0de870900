import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/connection.js';
import { prepared } from '../../db/prepared.js';
import type { GuardedWrite } from '../../audit/service.js';
import { AppError } from '../errors.js';
import { availableAtLeast, availableOf, findIndicator, type IndicatorRow } from './service.js';

/**
 * 占用: a submitted payment request or transfer holds its amount on the indicator until it is decided,
 * so what a requester can still ask for (available) is never promised twice. Refused past the
 * available balance, under the same guard as a movement. Not a movement: nothing is booked. One
 * guarded UPDATE that also takes the row's lock; it returns the row it changed, none when refused.
 */
const hold = (tx: Executor, id: number, amount: number) =>
  tx.updateTable('indicators').set((eb) => ({ reserved_amount: eb('reserved_amount', '+', amount) })).where('id', '=', id).where(availableAtLeast(amount)).returning('id');
const holdPrepared = prepared(hold);

/** Refused with the balance as it is now, which a caller that read the indicator without its lock may not have seen. */
async function refuseReservation(tx: Tx, indicator: IndicatorRow, amount: number): Promise<never> {
  const now = await findIndicator(tx, indicator.unit_id, indicator.id);
  throw new AppError('BALANCE_EXCEEDED', { available: availableOf(now), amount, indicatorId: indicator.id });
}

/**
 * A new document's hold, written with its audit entry (record.ts): on PostgreSQL inside that entry's
 * one statement, the indicator locked just before the chain's head, so every submission on a busy
 * indicator waits for one statement and a commit, not the command's tail; on SQLite just before the entry.
 */
export function reservation(indicator: IndicatorRow, amount: number): GuardedWrite {
  return {
    run: async (tx) => {
      const [row] = await holdPrepared(tx, indicator.id, amount);
      if (!row) await refuseReservation(tx, indicator, amount);
    },
    statement: (tx) => sql`${hold(tx, indicator.id, amount)}`,
    refused: (tx) => refuseReservation(tx, indicator, amount),
  };
}

/** A pending document is rejected or withdrawn: what it held is available again. */
export async function unreserve(tx: Tx, indicatorId: number, amount: number): Promise<void> {
  const row = await tx.updateTable('indicators').set((eb) => ({ reserved_amount: eb('reserved_amount', '-', amount) }))
    .where('id', '=', indicatorId).where('reserved_amount', '>=', amount).returning('id').executeTakeFirst();
  if (!row) throw new Error(`indicator ${indicatorId} holds less than ${amount} fen for its pending documents`);
}
