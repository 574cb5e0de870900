import { sql } from 'kysely';
import type { Executor } from '../../db/connection.js';
import type { AccountingTrack } from '../../db/schema.js';
import type { UnitScope } from '../../permissions/service.js';
import { scoped } from '../../permissions/service.js';
import { underPath } from '../../units/paths.js';
import { accountName, ACCOUNTS, CHART } from './chart.js';

export const TRACK_LABELS: Record<AccountingTrack, string> = { financial: '财务会计', budgetary: '预算会计' };

/** The units a report covers: the scoped unit, or with `consolidated` its whole subtree (read-only). */
export async function unitsCovered(db: Executor, scope: UnitScope, consolidated: boolean) {
  return db
    .selectFrom('units')
    .select(['id', 'name', 'code', 'kind', 'level'])
    .$if(consolidated, (qb) => qb.where(underPath('path', scope.unitPath)))
    .$if(!consolidated, (qb) => qb.where('id', '=', scope.unitId))
    .orderBy('path')
    .execute();
}

export interface JournalFilter {
  track?: AccountingTrack | undefined;
  year?: number | undefined;
  month?: number | undefined;
  account?: string | undefined;
  refType?: 'payment' | 'transfer' | 'adjustment' | undefined;
  refId?: number | undefined;
  limit: number;
  offset: number;
}

/** 序时账: entries with their lines, newest first; `account` keeps entries touching that account (or its sub-accounts). */
export async function listJournal(db: Executor, scope: UnitScope, filter: JournalFilter) {
  const entries = await scoped(db.selectFrom('journal_entries').selectAll('journal_entries'), 'journal_entries', scope)
    .$if(filter.track !== undefined, (qb) => qb.where('journal_entries.track', '=', filter.track!))
    .$if(filter.year !== undefined, (qb) => qb.where('journal_entries.year', '=', filter.year!))
    .$if(filter.month !== undefined, (qb) => qb.where('journal_entries.month', '=', filter.month!))
    .$if(filter.account !== undefined, (qb) =>
      qb.where('journal_entries.id', 'in', (eb) =>
        eb.selectFrom('journal_lines').select('journal_lines.entry_id').where('journal_lines.unit_id', '=', scope.unitId).where('journal_lines.account_code', 'like', `${filter.account}%`),
      ),
    )
    // A document's entries: those its movements posted (payment, transfer, adjustment).
    .$if(filter.refType !== undefined && filter.refId !== undefined, (qb) =>
      qb.where('journal_entries.source_type', '=', 'movement').where('journal_entries.source_id', 'in', (eb) =>
        eb.selectFrom('indicator_movements').select('indicator_movements.id')
          .where('indicator_movements.unit_id', '=', scope.unitId).where('indicator_movements.ref_type', '=', filter.refType!).where('indicator_movements.ref_id', '=', filter.refId!),
      ),
    )
    .orderBy('journal_entries.date', 'desc')
    .orderBy('journal_entries.id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  const ids = entries.map((e) => e.id);
  const lines = ids.length
    ? await db.selectFrom('journal_lines').selectAll().where('entry_id', 'in', ids).where('unit_id', '=', scope.unitId).orderBy('entry_id').orderBy('line_no').execute()
    : [];
  const byEntry = new Map<number, typeof lines>();
  for (const l of lines) byEntry.set(l.entry_id, [...(byEntry.get(l.entry_id) ?? []), l]);
  return entries.map((e) => {
    const mine = byEntry.get(e.id) ?? [];
    return {
      id: e.id, unitId: e.unit_id, track: e.track, year: e.year, month: e.month, date: e.date, voucherNo: e.voucher_no,
      summary: e.summary, sourceType: e.source_type, sourceId: e.source_id,
      debit: mine.reduce((s, l) => s + l.debit, 0), credit: mine.reduce((s, l) => s + l.credit, 0),
      lines: mine.map((l) => ({
        lineNo: l.line_no, accountCode: l.account_code, accountName: accountName(l.account_code), debit: l.debit, credit: l.credit,
        indicatorId: l.indicator_id, departmentId: l.department_id, functionalCode: l.functional_code,
        economicCode: l.economic_code, fundSourceCode: l.fund_source_code,
      })),
    };
  });
}

export interface TrialBalanceRow {
  accountCode: string;
  accountName: string;
  category: string;
  openingDebit: number;
  openingCredit: number;
  periodDebit: number;
  periodCredit: number;
  closingDebit: number;
  closingCredit: number;
}

/** A net balance on its side: positive debit, negative credit. */
function sides(net: number) {
  return net >= 0 ? { debit: net, credit: 0 } : { debit: 0, credit: -net };
}

/**
 * 科目余额表 / 试算平衡表 of one track for a month (or, without month, the whole year): per account the
 * opening balance (everything before the period), the period's debits and credits, and the closing
 * balance. Balanced when every debit column equals its credit column.
 */
export async function trialBalance(db: Executor, unitIds: string[], track: AccountingTrack, year: number, month?: number) {
  const from = month ?? 1;
  const to = month ?? 12;
  // Grouped in the journal_lines_balance index's own order (unit, track, year, month, account: 021),
  // SQLite sums the lines as it reads them; grouping by account alone sorted every line first, most of
  // the time at 2,000,000 lines. The few (month, account) sums are split into opening and period here.
  const rows = unitIds.length
    ? await db
        .selectFrom('journal_lines')
        .select(['unit_id', 'year', 'month', 'account_code', sql<number>`sum(debit)`.as('debit'), sql<number>`sum(credit)`.as('credit')])
        .where('unit_id', 'in', unitIds)
        .where('track', '=', track)
        .where((eb) => eb.or([eb('year', '<', year), eb.and([eb('year', '=', year), eb('month', '<=', to)])]))
        .groupBy(['unit_id', 'year', 'month', 'account_code'])
        .execute()
    : [];
  const found = new Map<string, { opening: number; periodDebit: number; periodCredit: number }>();
  for (const r of rows) {
    const sums = found.get(r.account_code) ?? { opening: 0, periodDebit: 0, periodCredit: 0 };
    if (r.year < year || r.month < from) sums.opening += Number(r.debit) - Number(r.credit);
    else {
      sums.periodDebit += Number(r.debit);
      sums.periodCredit += Number(r.credit);
    }
    found.set(r.account_code, sums);
  }
  const accounts: TrialBalanceRow[] = [];
  for (const account of CHART) {
    if (account.track !== track || !account.postable) continue;
    const r = found.get(account.code);
    if (!r) continue;
    const { opening, periodDebit, periodCredit } = r;
    if (opening === 0 && periodDebit === 0 && periodCredit === 0) continue;
    const o = sides(opening);
    const c = sides(opening + periodDebit - periodCredit);
    accounts.push({
      accountCode: account.code, accountName: account.name, category: account.category,
      openingDebit: o.debit, openingCredit: o.credit, periodDebit, periodCredit, closingDebit: c.debit, closingCredit: c.credit,
    });
  }
  for (const code of found.keys()) if (!ACCOUNTS.has(code)) throw new Error(`journal holds unknown account ${code}`);
  const totals = {
    openingDebit: 0, openingCredit: 0, periodDebit: 0, periodCredit: 0, closingDebit: 0, closingCredit: 0,
  };
  for (const a of accounts) for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += a[k];
  const balanced = totals.openingDebit === totals.openingCredit && totals.periodDebit === totals.periodCredit && totals.closingDebit === totals.closingCredit;
  return { track, year, month: month ?? null, accounts, totals, balanced };
}
