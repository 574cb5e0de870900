import { sql } from 'kysely';
import { dialectOf, type Executor, type Tx } from '../../db/connection.js';
import { AppError } from './errors.js';

/**
 * The cash rule (CASH_INSUFFICIENT, hard): a unit's 1002 银行存款 (财务会计) and 800102 资金结存—货币资金
 * (预算会计) never go below zero. Non-fiscal money (21 财政专户管理资金, 31 单位资金) is the unit's own and
 * sits in its bank account: it is spent only after it has been received (收入登记), so every pay from a
 * non-fiscal indicator and every reversal of a receipt is checked against both balances.
 *
 * Granularity: per unit, over the whole balance of each account (all fund sources, all years) — a
 * unit has one bank balance; fund sources are dimensions of it, not separate accounts. The balance is
 * the current one (every posting so far, whatever its date), so a later-dated posting already made
 * counts. Indicators over non-fiscal money grant spending authority; the money behind them is this
 * cash, and `committed` shows how much of it open non-fiscal indicators may still spend.
 *
 * Issuing is not refused: a 部门预算 approved in January rightly includes the 事业收入 the unit expects
 * over the year (收入预算), before any of it has arrived, so an indicator may run ahead of the cash. What
 * the rule forbids is spending money not yet received; the receipts screen shows `committed` beside
 * the bank balance and warns when it is larger.
 */
export interface CashBalances {
  /** 1002 银行存款, fen (debit positive). */
  bank: number;
  /** 800102 资金结存—货币资金, fen (debit positive). */
  budgetary: number;
}

export async function cashBalances(db: Executor, unitId: string): Promise<CashBalances> {
  const rows = await db
    .selectFrom('journal_lines')
    .select(['account_code', sql<number>`coalesce(sum(debit - credit), 0)`.as('net')])
    .where('unit_id', '=', unitId)
    .where((eb) => eb.or([
      eb.and([eb('track', '=', 'financial'), eb('account_code', '=', '1002')]),
      eb.and([eb('track', '=', 'budgetary'), eb('account_code', '=', '800102')]),
    ]))
    .groupBy('account_code')
    .execute();
  const of = (code: string) => Number(rows.find((r) => r.account_code === code)?.net ?? 0);
  return { bank: of('1002'), budgetary: of('800102') };
}

/** Spending authority on non-fiscal indicators of years whose year end has not run: amount − paid. */
export async function committedNonFiscal(db: Executor, unitId: string): Promise<number> {
  const row = await db
    .selectFrom('indicators')
    .select(sql<number>`coalesce(sum(issued_amount + adjusted_amount - paid_amount), 0)`.as('open'))
    .where('unit_id', '=', unitId)
    .where((eb) => eb.or([eb('fund_source_code', 'like', '2%'), eb('fund_source_code', 'like', '3%')]))
    .where((eb) => eb.not(eb.exists(
      eb.selectFrom('year_end_runs').select('year_end_runs.year')
        .whereRef('year_end_runs.unit_id', '=', 'indicators.unit_id').whereRef('year_end_runs.year', '=', 'indicators.year'),
    )))
    .executeTakeFirstOrThrow();
  return Number(row.open);
}

/** The shortfall `amount` would cause, or null when both balances cover it. */
export function cashShortfall(cash: CashBalances, amount: number): (CashBalances & { amount: number }) | null {
  return cash.bank < amount || cash.budgetary < amount ? { ...cash, amount } : null;
}

/**
 * The unit's cash lock (PostgreSQL; SQLite transactions are serial): two commands taking money out of
 * the same bank balance run one after the other, so together they cannot overdraw it. The unit row,
 * FOR NO KEY UPDATE (foreign-key checks of other writers, FOR KEY SHARE, do not wait on it). Lock
 * order: after the document and its indicators, before the period rows and the audit head.
 */
export async function lockCash(tx: Tx, unitId: string): Promise<void> {
  if (dialectOf(tx) !== 'postgres') return;
  await tx.selectFrom('units').select('id').where('id', '=', unitId).forNoKeyUpdate().executeTakeFirst();
}

/** Refuses (CASH_INSUFFICIENT, 422) taking `amount` fen out of the unit's cash; takes the cash lock first. */
export async function assertCashCovers(tx: Tx, unitId: string, amount: number): Promise<void> {
  await lockCash(tx, unitId);
  const shortfall = cashShortfall(await cashBalances(tx, unitId), amount);
  if (shortfall) throw new AppError('CASH_INSUFFICIENT', { ...shortfall });
}
