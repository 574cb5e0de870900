import type { Tx } from '../../db/connection.js';
import type { AccountingTrack, IndicatorsTable, MovementKind } from '../../db/schema.js';
import type { Selectable } from 'kysely';
import { nowIso } from '../../clock.js';
import { assertPostable } from './chart.js';

/**
 * 平行记账: the postings the ledger makes, in the transaction of the movement that causes them
 * (so an entry exists exactly when its movement committed). The rules:
 *
 * Fiscal appropriations (fund source 11 一般公共预算, 12 政府性基金, 13 国有资本经营, and their sub-codes)
 * arrive as 零余额账户用款额度:
 * - issue / 追加 (+):   财务 Dr 1011 零余额账户用款额度 / Cr 4001 财政拨款收入
 *                       预算 Dr 800101 资金结存—零余额账户用款额度 / Cr 6001 财政拨款预算收入
 * - 追减 (−):           the same lines reversed (Dr 4001 / Cr 1011; Dr 6001 / Cr 800101), never red ink.
 * - carry-over issue (year end, refType 'year_end'): the quota cancelled at the previous year end is
 *   restored (额度恢复), not earned again: 财务 Dr 1011 / Cr 1201 财政应返还额度; 预算 Dr 800101 / Cr 800103.
 * - pay:                财务 Dr expense / Cr 1011; 预算 Dr expenditure / Cr 800101.
 * Non-fiscal money (21 财政专户, 31 单位资金) is the unit's own: issuing or adjusting an indicator over it
 * grants spending authority but is no income, so it posts nothing; paying from it posts
 * 财务 Dr expense / Cr 1002 银行存款 and 预算 Dr expenditure / Cr 800102 资金结存—货币资金.
 *
 * Expense account (财务): 5101 单位管理费用 for the basic expenditure (personnel, operating) of a
 * public institution (unit kind 'institution'), whose basic budget keeps the unit itself running;
 * 5001 业务活动费用 for everything else (all spending of administrative units, which have no 5101,
 * and institutions' projects). Expenditure account (预算): 7101 行政支出 for administrative units,
 * 7201 事业支出 for institutions.
 *
 * freeze / release post nothing: an approved-but-unpaid payment is a commitment, not a transaction.
 * transfer_in / transfer_out post nothing: a transfer (调剂) between a unit's own indicators moves
 * spending authority only; the quota (1011 / 800101) and the income already recognised are unchanged.
 */
export type IndicatorRow = Selectable<IndicatorsTable>;

export interface PostingLine {
  account: string;
  debit: number;
  credit: number;
  indicatorId?: number | null;
  departmentId?: number | null;
  functionalCode?: string | null;
  economicCode?: string | null;
  fundSourceCode?: string | null;
}

export interface EntryInput {
  unitId: string;
  track: AccountingTrack;
  date: string;
  /** Accounting period; defaults to the date's. Year-end closing entries sit in month 12. */
  year?: number;
  month?: number;
  voucherNo: string;
  summary: string;
  sourceType: 'movement' | 'issue' | 'year_end';
  sourceId: number;
  lines: PostingLine[];
}

/** Writes one balanced voucher. An unbalanced or malformed entry is a bug: it throws and the transaction rolls back. */
export async function postEntry(tx: Tx, entry: EntryInput): Promise<number> {
  const lines = entry.lines.filter((l) => l.debit !== 0 || l.credit !== 0);
  if (lines.length === 0) return 0;
  let debit = 0;
  let credit = 0;
  for (const l of lines) {
    if (!Number.isSafeInteger(l.debit) || !Number.isSafeInteger(l.credit) || l.debit < 0 || l.credit < 0 || (l.debit > 0 && l.credit > 0)) {
      throw new Error(`journal line ${l.account}: debit ${l.debit}, credit ${l.credit}`);
    }
    assertPostable(l.account, entry.track);
    debit += l.debit;
    credit += l.credit;
  }
  if (debit !== credit) throw new Error(`unbalanced ${entry.track} entry ${entry.voucherNo}: debit ${debit} ≠ credit ${credit}`);
  const year = entry.year ?? Number(entry.date.slice(0, 4));
  const month = entry.month ?? Number(entry.date.slice(5, 7));
  const row = await tx
    .insertInto('journal_entries')
    .values({
      unit_id: entry.unitId, track: entry.track, year, month, date: entry.date, voucher_no: entry.voucherNo,
      summary: entry.summary, source_type: entry.sourceType, source_id: entry.sourceId, created_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('journal_lines')
    .values(
      lines.map((l, i) => ({
        entry_id: row.id, unit_id: entry.unitId, track: entry.track, year, month, line_no: i + 1, account_code: l.account,
        debit: l.debit, credit: l.credit, indicator_id: l.indicatorId ?? null, department_id: l.departmentId ?? null,
        functional_code: l.functionalCode ?? null, economic_code: l.economicCode ?? null, fund_source_code: l.fundSourceCode ?? null,
      })),
    )
    .execute();
  return row.id;
}

export function isFiscalFund(fundSourceCode: string): boolean {
  return /^1[123]/.test(fundSourceCode);
}

function dims(indicator: IndicatorRow) {
  return {
    indicatorId: indicator.id, departmentId: indicator.department_id, functionalCode: indicator.functional_code,
    economicCode: indicator.economic_code, fundSourceCode: indicator.fund_source_code,
  };
}

/** A pair of lines: Dr `debitAccount` / Cr `creditAccount` for a positive amount, reversed for a negative one. */
function pair(debitAccount: string, creditAccount: string, amount: number, d: ReturnType<typeof dims>): PostingLine[] {
  const [dr, cr] = amount >= 0 ? [debitAccount, creditAccount] : [creditAccount, debitAccount];
  const fen = Math.abs(amount);
  return [{ account: dr, debit: fen, credit: 0, ...d }, { account: cr, debit: 0, credit: fen, ...d }];
}

export function voucherNo(date: string, sequence: number): string {
  return `记${date.slice(0, 4)}-${date.slice(5, 7)}-${String(sequence).padStart(6, '0')}`;
}

async function postBoth(tx: Tx, indicator: IndicatorRow, base: Omit<EntryInput, 'track' | 'lines' | 'unitId'>, financial: PostingLine[], budgetary: PostingLine[]) {
  await postEntry(tx, { ...base, unitId: indicator.unit_id, track: 'financial', lines: financial });
  await postEntry(tx, { ...base, unitId: indicator.unit_id, track: 'budgetary', lines: budgetary });
}

/** Posts the creation of an indicator (下达, or a year-end carry-over); called by issueIndicator after its movement. */
export async function postIssue(tx: Tx, indicator: IndicatorRow, movementId: number, date: string, refType: string): Promise<void> {
  if (!isFiscalFund(indicator.fund_source_code)) return;
  const d = dims(indicator);
  const amount = indicator.issued_amount;
  const base = { date, voucherNo: voucherNo(date, movementId), sourceType: 'issue' as const, sourceId: movementId };
  if (refType === 'year_end') {
    await postBoth(tx, indicator, { ...base, summary: `结转额度恢复 ${indicator.code} ${indicator.name}` }, pair('1011', '1201', amount, d), pair('800101', '800103', amount, d));
  } else {
    await postBoth(tx, indicator, { ...base, summary: `指标下达 ${indicator.code} ${indicator.name}` }, pair('1011', '4001', amount, d), pair('800101', '6001', amount, d));
  }
}

export interface PostedMovement {
  id: number;
  kind: Exclude<MovementKind, 'issue'>;
  amount: number;
  date: string;
  refType: string;
  refId: number;
}

/** Posts one indicator movement; called by applyMovement after the movement row is written. */
export async function postMovement(tx: Tx, indicator: IndicatorRow, m: PostedMovement): Promise<void> {
  const d = dims(indicator);
  const base = { date: m.date, voucherNo: voucherNo(m.date, m.id), sourceType: 'movement' as const, sourceId: m.id };
  const fiscal = isFiscalFund(indicator.fund_source_code);
  switch (m.kind) {
    case 'adjust': {
      if (!fiscal || m.amount === 0) return;
      const summary = `${m.amount > 0 ? '追加' : '追减'}预算 ${indicator.code} ${indicator.name}`;
      await postBoth(tx, indicator, { ...base, summary }, pair('1011', '4001', m.amount, d), pair('800101', '6001', m.amount, d));
      return;
    }
    case 'pay': {
      const unit = await tx.selectFrom('units').select('kind').where('id', '=', indicator.unit_id).executeTakeFirstOrThrow();
      const accounts = expenseAccounts(unit.kind, indicator.expenditure_kind);
      const summary = `支付 ${indicator.code} ${indicator.name}（${m.refType} #${m.refId}）`;
      await postBoth(
        tx, indicator, { ...base, summary },
        pair(accounts.expense, fiscal ? '1011' : '1002', m.amount, d),
        pair(accounts.expenditure, fiscal ? '800101' : '800102', m.amount, d),
      );
      return;
    }
    default:
      return; // freeze, release, transfer_in, transfer_out: see the rules above
  }
}

export function expenseAccounts(unitKind: 'administrative' | 'institution', expenditureKind: IndicatorRow['expenditure_kind']) {
  return {
    expense: unitKind === 'institution' && expenditureKind !== 'project' ? '5101' : '5001',
    expenditure: unitKind === 'institution' ? '7201' : '7101',
  };
}
