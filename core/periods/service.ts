import { dialectOf, type Executor, type Tx } from '../db/connection.js';
import type { PeriodsTable } from '../db/schema.js';
import { nowIso } from '../clock.js';
import { appendAudit, type AuditActor } from '../audit/service.js';
import { auditActorOf } from '../accounts/service.js';
import { publishEvent } from '../events/outbox.js';
import { AppError } from '../errors.js';
import type { Actor, UnitScope } from '../permissions/service.js';
import type { FiscalYearView } from './schema.js';

/*
 * Fiscal years and their monthly periods: the bare mechanics of opening a year and of closing and
 * reopening a month. The kernel knows no money: what must hold before a month closes (the trial
 * balance) or may reopen (no year end run) is the ledger's rule, passed in as a guard by the
 * ledger's month close (core/ledger/accounting/month-close.ts).
 */

function periodView(p: PeriodsTable) {
  return { year: p.year, month: p.month, status: p.status, closedAt: p.closed_at, closedBy: p.closed_by };
}

export async function listFiscalYears(db: Executor, unitId: string): Promise<FiscalYearView[]> {
  const periods = await db
    .selectFrom('periods')
    .selectAll()
    .where('unit_id', '=', unitId)
    .orderBy('year')
    .orderBy('month')
    .execute();
  const years = new Map<number, FiscalYearView>();
  for (const p of periods) {
    const year = years.get(p.year) ?? { unitId, year: p.year, status: 'closed' as const, periods: [] };
    year.periods.push(periodView(p));
    if (p.status === 'open') year.status = 'open';
    years.set(p.year, year);
  }
  return [...years.values()];
}

async function fiscalYear(db: Executor, unitId: string, year: number): Promise<FiscalYearView> {
  const found = (await listFiscalYears(db, unitId)).find((y) => y.year === year);
  if (!found) throw new AppError('FISCAL_YEAR_NOT_FOUND', { year });
  return found;
}

/** Creates a fiscal year with its twelve monthly periods, all open. */
export async function createFiscalYear(tx: Tx, actor: Actor, scope: UnitScope, input: { year: number }): Promise<FiscalYearView> {
  return insertFiscalYear(tx, auditActorOf(actor), scope.unitId, input.year);
}

/** The fiscal year's write, also made by the system itself (demo seeding), where no person acts. */
export async function insertFiscalYear(tx: Tx, by: AuditActor, unitId: string, year: number): Promise<FiscalYearView> {
  const exists = await tx
    .selectFrom('fiscal_years')
    .select('year')
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .executeTakeFirst();
  if (exists) throw new AppError('FISCAL_YEAR_EXISTS', { year });
  await tx.insertInto('fiscal_years').values({ unit_id: unitId, year, created_at: nowIso() }).execute();
  await tx
    .insertInto('periods')
    .values(
      Array.from({ length: 12 }, (_, i) => ({
        unit_id: unitId, year, month: i + 1, status: 'open' as const, closed_at: null, closed_by: null,
      })),
    )
    .execute();
  await appendAudit(tx, { actor: by, unitId, action: 'fiscal_year.create', entity: 'fiscal_year', entityId: `${unitId}:${year}`, after: { year } });
  await publishEvent(tx, { type: 'fiscal_year.created', unitId, payload: { year } });
  return fiscalYear(tx, unitId, year);
}

/** Year-end rollover: opens the next fiscal year (balances are carried forward by the ledger's year-end). */
export async function rolloverFiscalYear(tx: Tx, actor: Actor, scope: UnitScope, year: number): Promise<FiscalYearView> {
  const by = auditActorOf(actor);
  const unitId = scope.unitId;
  await fiscalYear(tx, unitId, year);
  const next = await insertFiscalYear(tx, by, unitId, year + 1);
  await appendAudit(tx, {
    actor: by, unitId, action: 'fiscal_year.rollover', entity: 'fiscal_year', entityId: `${unitId}:${year}`,
    after: { nextYear: year + 1 },
  });
  return next;
}

async function lockPeriod(tx: Tx, unitId: string, year: number, month: number): Promise<PeriodsTable> {
  // UPDATE as a lock: on PostgreSQL it serializes close/reopen of one period with writes checking it.
  const period = await tx
    .updateTable('periods')
    .set((eb) => ({ status: eb.ref('status') }))
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .where('month', '=', month)
    .returningAll()
    .executeTakeFirst();
  if (!period) throw new AppError('PERIOD_NOT_FOUND', { year, month });
  return period;
}

export interface PeriodRef {
  year: number;
  month: number;
}

/** A rule of the caller's, run on the locked period before it changes; it refuses by throwing. */
export type PeriodGuard = (tx: Tx, period: PeriodRef) => Promise<void>;

/**
 * Closes a month. Months close in order: every earlier month of the year must be closed already.
 * `guard` runs once the period is locked, open and next in order, before anything is written.
 */
export async function closePeriod(tx: Tx, by: AuditActor, unitId: string, { year, month }: PeriodRef, guard?: PeriodGuard) {
  const period = await lockPeriod(tx, unitId, year, month);
  if (period.status === 'closed') throw new AppError('PERIOD_ALREADY_CLOSED', { year, month });
  const earlierOpen = await tx
    .selectFrom('periods')
    .select('month')
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .where('month', '<', month)
    .where('status', '=', 'open')
    .orderBy('month')
    .executeTakeFirst();
  if (earlierOpen) throw new AppError('PERIOD_ORDER', { year, month, blockingMonth: earlierOpen.month });
  if (guard) await guard(tx, { year, month });
  const closedAt = nowIso();
  await tx
    .updateTable('periods')
    .set({ status: 'closed', closed_at: closedAt, closed_by: by.userId })
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .where('month', '=', month)
    .execute();
  const after = { ...periodView(period), status: 'closed' as const, closedAt, closedBy: by.userId };
  await appendAudit(tx, {
    actor: by, unitId, action: 'period.close', entity: 'period', entityId: `${unitId}:${year}-${month}`,
    before: periodView(period), after,
  });
  await publishEvent(tx, { type: 'period.closed', unitId, payload: { year, month } });
  return after;
}

/**
 * Reopens a month (反结账): a permissioned act with a stated reason; only the latest closed month.
 * `guard` runs once the period is locked and closed, before the order check and any write.
 */
export async function reopenPeriod(
  tx: Tx, by: AuditActor, unitId: string, { year, month, reason }: PeriodRef & { reason: string }, guard?: PeriodGuard,
) {
  const period = await lockPeriod(tx, unitId, year, month);
  if (period.status !== 'closed') throw new AppError('PERIOD_NOT_CLOSED', { year, month });
  if (guard) await guard(tx, { year, month });
  const laterClosed = await tx
    .selectFrom('periods')
    .select('month')
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .where('month', '>', month)
    .where('status', '=', 'closed')
    .orderBy('month', 'desc')
    .executeTakeFirst();
  if (laterClosed) throw new AppError('PERIOD_ORDER', { year, month, blockingMonth: laterClosed.month });
  await tx
    .updateTable('periods')
    .set({ status: 'open', closed_at: null, closed_by: null })
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .where('month', '=', month)
    .execute();
  const after = { year, month, status: 'open' as const, closedAt: null, closedBy: null };
  await appendAudit(tx, {
    actor: by, unitId, action: 'period.reopen', entity: 'period', entityId: `${unitId}:${year}-${month}`,
    before: periodView(period), after: { ...after, reason },
  });
  await publishEvent(tx, { type: 'period.reopened', unitId, payload: { year, month, reason } });
  return after;
}

/**
 * The closed-period rule for every dated write: call inside the write's transaction. Shares the
 * period row lock with close/reopen, so a write cannot slip into a month being closed.
 */
export async function assertPeriodOpen(tx: Tx, unitId: string, date: string): Promise<void> {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const period = await tx
    .selectFrom('periods')
    .select('status')
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .where('month', '=', month)
    .$if(dialectOf(tx) === 'postgres', (qb) => qb.forShare())
    .executeTakeFirst();
  if (!period) throw new AppError('FISCAL_YEAR_NOT_FOUND', { year });
  if (period.status === 'closed') throw new AppError('PERIOD_CLOSED', { year, month, date });
}

/**
 * The date a movement of an earlier document is booked on (跨期): its own date while that month is
 * open; once the month is closed, today if today is in a later open month of the same year, else the
 * first day of the first open month after it. A closed month is never written into, and undoing a
 * document (a release on rejection or withdrawal) stays possible after its month closed. Refused
 * (PERIOD_CLOSED) only when no later month of that year is open. Shares the period row lock with
 * close and reopen, as assertPeriodOpen does.
 */
export async function bookingDate(tx: Tx, unitId: string, date: string, today = nowIso().slice(0, 10)): Promise<string> {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const periods = await tx
    .selectFrom('periods')
    .select(['month', 'status'])
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .where('month', '>=', month)
    .orderBy('month')
    .$if(dialectOf(tx) === 'postgres', (qb) => qb.forShare())
    .execute();
  if (periods.length === 0) throw new AppError('FISCAL_YEAR_NOT_FOUND', { year });
  if (periods[0]!.month === month && periods[0]!.status === 'open') return date;
  const open = periods.find((p) => p.status === 'open');
  if (!open) throw new AppError('PERIOD_CLOSED', { year, month, date });
  const todayMonth = Number(today.slice(5, 7));
  if (Number(today.slice(0, 4)) === year && todayMonth >= open.month && periods.some((p) => p.month === todayMonth && p.status === 'open')) return today;
  return `${year}-${String(open.month).padStart(2, '0')}-01`;
}
