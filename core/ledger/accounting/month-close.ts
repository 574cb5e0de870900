import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/connection.js';
import { auditActorOf } from '../../accounts/service.js';
import type { AuditActor } from '../../audit/service.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { closePeriod, reopenPeriod, type PeriodRef } from '../../periods/service.js';
import { AppError } from '../errors.js';
import { TRACK_LABELS } from './service.js';
import { depreciateMonth } from '../assets/depreciation.js';
import type { CloseChecklistView } from '@unibudget/sdk/contracts/ledger';

/*
 * 结账 and 反结账 of a month, as the ledger keeps them. The kernel's period service holds the
 * mechanics (the period's row lock, months in order, the audit entry and the outbox event); the
 * ledger adds what money demands: the month's depreciation is posted as it closes (反结账 keeps it;
 * closing again adds nothing twice), a month closes only when both accounting tracks balance, and
 * once the year end has carried balances forward, the year's books are final.
 */

/** Each track's debit and credit in the month, and whether it and everything up to it balance. */
async function trackBalances(db: Executor, unitId: string, year: number, month: number) {
  const out = [];
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
    out.push({ track, debit, credit, cumulativeDifference: Number(rows.cumulative), balanced: debit === credit && Number(rows.cumulative) === 0 });
  }
  return out;
}

/**
 * Both tracks of the month, and everything up to it, must balance, or the close is refused with
 * TRIAL_BALANCE_UNBALANCED.
 */
export async function assertPeriodBalanced(db: Executor, unitId: string, year: number, month: number): Promise<void> {
  for (const t of await trackBalances(db, unitId, year, month)) {
    if (!t.balanced) {
      throw new AppError('TRIAL_BALANCE_UNBALANCED', { track: t.track, trackLabel: TRACK_LABELS[t.track], year, month, debit: t.debit, credit: t.credit, cumulativeDifference: t.cumulativeDifference });
    }
  }
}

/**
 * 结账检查: before closing a month, what is still open in it — payments awaiting approval or payment,
 * transfers and adjustments awaiting a decision (they stay decidable after the close; their movements
 * are then booked in a later open month) — and whether its books balance.
 */
export async function closeChecklist(db: Executor, unitId: string, { year, month }: PeriodRef): Promise<CloseChecklistView> {
  const period = await db.selectFrom('periods').select('status').where('unit_id', '=', unitId).where('year', '=', year).where('month', '=', month).executeTakeFirst();
  if (!period) throw new AppError('PERIOD_NOT_FOUND', { year, month });
  const from = `${year}-${String(month).padStart(2, '0')}-01`;
  const to = `${year}-${String(month).padStart(2, '0')}-31`;
  const payments = await db.selectFrom('payments').select(['id', 'doc_no', 'status', 'date', 'amount', 'purpose', 'payee_name'])
    .where('unit_id', '=', unitId).where('date', '>=', from).where('date', '<=', to).where('status', 'in', ['pending', 'approved']).orderBy('date').orderBy('id').execute();
  const transfers = await db.selectFrom('transfers').select(['id', 'doc_no', 'status', 'date', 'amount', 'reason'])
    .where('unit_id', '=', unitId).where('date', '>=', from).where('date', '<=', to).where('status', '=', 'pending').orderBy('date').orderBy('id').execute();
  const adjustments = await db.selectFrom('adjustments').select(['id', 'serial_no as doc_no', 'status', 'date', 'amount', 'reason'])
    .where('unit_id', '=', unitId).where('date', '>=', from).where('date', '<=', to).where('status', '=', 'pending').orderBy('date').orderBy('id').execute();
  const earlierOpen = await db.selectFrom('periods').select('month').where('unit_id', '=', unitId).where('year', '=', year)
    .where('month', '<', month).where('status', '=', 'open').orderBy('month').executeTakeFirst();
  const tracks = (await trackBalances(db, unitId, year, month)).map(({ track, debit, credit, balanced }) => ({ track, debit, credit, balanced }));
  return {
    year, month, status: period.status,
    documents: [
      ...payments.map((p) => ({ target: 'payment' as const, id: p.id, docNo: p.doc_no, status: p.status, date: p.date, amount: p.amount, summary: `${p.purpose}（${p.payee_name}）` })),
      ...transfers.map((t) => ({ target: 'transfer' as const, id: t.id, docNo: t.doc_no, status: t.status, date: t.date, amount: t.amount, summary: t.reason })),
      ...adjustments.map((a) => ({ target: 'adjustment' as const, id: a.id, docNo: a.doc_no, status: a.status, date: a.date, amount: a.amount, summary: a.reason })),
    ],
    tracks,
    blockingMonth: earlierOpen?.month ?? null,
    canClose: period.status === 'open' && !earlierOpen && tracks.every((t) => t.balanced),
  };
}

/** 结账: closes the month once its books balance. */
export async function closeMonth(tx: Tx, actor: Actor, scope: UnitScope, period: PeriodRef) {
  return closeMonthAs(tx, auditActorOf(actor), scope.unitId, period);
}

/**
 * The month close, also made by the system itself (demo seeding), where no person acts. Once the
 * period is locked and the months before it are closed, the month's depreciation and amortisation
 * are posted (core/ledger/assets/depreciation.ts: once per asset and month), then both tracks must balance.
 */
export async function closeMonthAs(tx: Tx, by: AuditActor, unitId: string, period: PeriodRef) {
  return closePeriod(tx, by, unitId, period, async (guarded, { year, month }) => {
    await depreciateMonth(guarded, unitId, year, month);
    await assertPeriodBalanced(guarded, unitId, year, month);
  });
}

/** 反结账: reopens the latest closed month, with a stated reason, unless the year end has run. */
export async function reopenMonth(tx: Tx, actor: Actor, scope: UnitScope, input: PeriodRef & { reason: string }) {
  const unitId = scope.unitId;
  return reopenPeriod(tx, auditActorOf(actor), unitId, input, async (guarded, { year }) => {
    const yearEnd = await guarded.selectFrom('year_end_runs').select('year').where('unit_id', '=', unitId).where('year', '=', year).executeTakeFirst();
    if (yearEnd) throw new AppError('YEAR_END_ALREADY_RUN', { year });
  });
}
