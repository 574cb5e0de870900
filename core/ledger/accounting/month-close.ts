import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/connection.js';
import { auditActorOf } from '../../accounts/service.js';
import type { AuditActor } from '../../audit/service.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { closePeriod, reopenPeriod, type PeriodRef } from '../../periods/service.js';
import { AppError } from '../errors.js';
import { TRACK_LABELS } from './service.js';

/*
 * 结账 and 反结账 of a month, as the ledger keeps them. The kernel's period service holds the
 * mechanics (the period's row lock, months in order, the audit entry and the outbox event); the
 * ledger adds what money demands: a month closes only when both accounting tracks balance, and
 * once the year end has carried balances forward, the year's books are final.
 */

/**
 * Both tracks of the month, and everything up to it, must balance, or the close is refused with
 * TRIAL_BALANCE_UNBALANCED.
 */
export async function assertPeriodBalanced(db: Executor, unitId: string, year: number, month: number): Promise<void> {
  for (const track of ['financial', 'budgetary'] as const) {
    const rows = await db
      .selectFrom('journal_lines')
      .select([
        sql<number>`coalesce(sum(case when year = ${year} and month = ${month} then debit else 0 end), 0)`.as('debit'),
        sql<number>`coalesce(sum(case when year = ${year} and month = ${month} then credit else 0 end), 0)`.as('credit'),
        sql<number>`coalesce(sum(debit - credit), 0)`.as('cumulative'),
      ])
      .where('unit_id', '=', unitId)
      .where('track', '=', track)
      .where((eb) => eb.or([eb('year', '<', year), eb.and([eb('year', '=', year), eb('month', '<=', month)])]))
      .executeTakeFirstOrThrow();
    const debit = Number(rows.debit);
    const credit = Number(rows.credit);
    if (debit !== credit || Number(rows.cumulative) !== 0) {
      throw new AppError('TRIAL_BALANCE_UNBALANCED', { track, trackLabel: TRACK_LABELS[track], year, month, debit, credit, cumulativeDifference: Number(rows.cumulative) });
    }
  }
}

/** 结账: closes the month once its books balance. */
export async function closeMonth(tx: Tx, actor: Actor, scope: UnitScope, period: PeriodRef) {
  return closeMonthAs(tx, auditActorOf(actor), scope.unitId, period);
}

/** The month close, also made by the system itself (demo seeding), where no person acts. */
export async function closeMonthAs(tx: Tx, by: AuditActor, unitId: string, period: PeriodRef) {
  return closePeriod(tx, by, unitId, period, (guarded, { year, month }) => assertPeriodBalanced(guarded, unitId, year, month));
}

/** 反结账: reopens the latest closed month, with a stated reason, unless the year end has run. */
export async function reopenMonth(tx: Tx, actor: Actor, scope: UnitScope, input: PeriodRef & { reason: string }) {
  const unitId = scope.unitId;
  return reopenPeriod(tx, auditActorOf(actor), unitId, input, async (guarded, { year }) => {
    const yearEnd = await guarded.selectFrom('year_end_runs').select('year').where('unit_id', '=', unitId).where('year', '=', year).executeTakeFirst();
    if (yearEnd) throw new AppError('YEAR_END_ALREADY_RUN', { year });
  });
}
