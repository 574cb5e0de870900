import type { Tx } from '../../db/connection.js';
import type { AccountingTrack, IndicatorsTable, MovementKind } from '../../db/schema.js';
import { sql, type Selectable } from 'kysely';
import { nowIso } from '../../clock.js';
import { assertPostable } from './chart.js';
import { assetTargetFor } from '../assets/data.js';
import { insertAssetCard, postingSettings } from '../assets/cards.js';

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
 * Its income is posted when the money arrives (收入登记, core/ledger/receipts: Dr 1002 / Cr 4101 …,
 * Dr 800102 / Cr 6101 …), and no pay takes 1002 or 800102 below zero (CASH_INSUFFICIENT).
 *
 * Expense account (财务) by the function of the department that spends, not by the kind of
 * expenditure (财会〔2017〕25号: 5101 单位管理费用 gathers the costs of an institution's 本级行政及后勤管理部门):
 * an institution (unit kind 'institution') posts to 5101 only what its 管理部门 (department function
 * 'management', set in the admin console) spends; everything else goes to 5001 业务活动费用, and an
 * administrative unit has no 5101 at all. The department is the payment's (else the indicator's).
 * Expenditure account (预算): 7101 行政支出 for administrative units, 7201 事业支出 for institutions.
 *
 * Capital spending (经济分类 309 资本性支出（基本建设）, 310 资本性支出) is capitalised: 财务 Dr the asset
 * account of the economic class (core/ledger/assets/data/asset-accounts.csv, overridable per unit:
 * 1601 固定资产, 1613 在建工程, 1701 无形资产) / Cr 1011|1002, while 预算 records the expenditure as
 * for any payment; an asset card is written in the same transaction (core/ledger/assets/cards.ts).
 * Depreciation and amortisation post at month close (core/ledger/assets/depreciation.ts).
 *
 * Salary accrual (ledger setting `salaryAccrual`, default off): a payment on 301 工资福利支出 accrues
 * when it is approved (its freeze): 财务 Dr 5001|5101 / Cr 2201 应付职工薪酬 — the obligation to the
 * staff exists once the payroll is approved, which is when 政府会计制度 has it 计提 — and clears it when
 * paid: 财务 Dr 2201 / Cr 1011|1002 (预算 as any payment, cash basis). A rejection after approval
 * (release) reverses the accrual. Whether a payment accrued is read from its own entries, so turning
 * the setting on or off between approval and payment never leaves 2201 unbalanced.
 *
 * Otherwise freeze / release post nothing: an approved-but-unpaid payment is a commitment, not a transaction.
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
  sourceType: 'movement' | 'issue' | 'year_end' | 'receipt' | 'depreciation' | 'asset';
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
  if (entry.voucherNo === NEXT_VOUCHER) entry = { ...entry, voucherNo: await takeVoucherNo(tx, entry.unitId, `${year}-${String(month).padStart(2, '0')}`) };
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
  return `记${date.slice(0, 4)}-${date.slice(5, 7)}-${String(sequence).padStart(4, '0')}`;
}

/**
 * Marks an entry of the 记 series: its number is taken when it is written, continuous per unit and
 * month (记2026-06-0001, -0002, …; doc_counters, in the writing transaction, so a rollback leaves no
 * gap). The two tracks of one business event share one number. Receipts (收), depreciation (ZJ),
 * asset entries (ZG) and year-end closing (年结) keep their own series.
 */
export const NEXT_VOUCHER = '';

async function takeVoucherNo(tx: Tx, unitId: string, date: string): Promise<string> {
  const row = await sql<{ last_no: number | string }>`
    insert into doc_counters (unit_id, kind, year, last_no) values (${unitId}, ${`voucher-${date.slice(5, 7)}`}, ${Number(date.slice(0, 4))}, 1)
    on conflict (unit_id, kind, year) do update set last_no = doc_counters.last_no + 1
    returning last_no`.execute(tx);
  return voucherNo(date, Number(row.rows[0]!.last_no));
}

async function postBoth(tx: Tx, indicator: IndicatorRow, base: Omit<EntryInput, 'track' | 'lines' | 'unitId'>, financial: PostingLine[], budgetary: PostingLine[]) {
  const posts = (lines: PostingLine[]) => lines.some((l) => l.debit !== 0 || l.credit !== 0);
  const number = base.voucherNo === NEXT_VOUCHER && (posts(financial) || posts(budgetary)) ? await takeVoucherNo(tx, indicator.unit_id, base.date) : base.voucherNo;
  await postEntry(tx, { ...base, voucherNo: number, unitId: indicator.unit_id, track: 'financial', lines: financial });
  await postEntry(tx, { ...base, voucherNo: number, unitId: indicator.unit_id, track: 'budgetary', lines: budgetary });
}

/** Posts the creation of an indicator (下达, or a year-end carry-over); called by issueIndicator after its movement. */
export async function postIssue(tx: Tx, indicator: IndicatorRow, movementId: number, date: string, refType: string): Promise<void> {
  if (!isFiscalFund(indicator.fund_source_code)) return;
  const d = dims(indicator);
  const amount = indicator.issued_amount;
  const base = { date, voucherNo: NEXT_VOUCHER, sourceType: 'issue' as const, sourceId: movementId };
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
  const base = { date: m.date, voucherNo: NEXT_VOUCHER, sourceType: 'movement' as const, sourceId: m.id };
  const fiscal = isFiscalFund(indicator.fund_source_code);
  switch (m.kind) {
    case 'adjust': {
      if (!fiscal || m.amount === 0) return;
      const summary = `${m.amount > 0 ? '追加' : '追减'}预算 ${indicator.code} ${indicator.name}`;
      await postBoth(tx, indicator, { ...base, summary }, pair('1011', '4001', m.amount, d), pair('800101', '6001', m.amount, d));
      return;
    }
    case 'pay': {
      const ctx = await payContext(tx, indicator, m);
      const cash = fiscal ? '1011' : '1002';
      const asset = assetTargetFor(ctx.economicCode, ctx.settings.assetAccountMap);
      // What the payment accrued on 2201 is cleared; anything beyond it (never, as accruals are whole) is expense.
      const cleared = asset ? 0 : Math.min(await accruedSalary(tx, indicator.unit_id, m), m.amount);
      const fd = { ...d, departmentId: ctx.departmentId, economicCode: ctx.economicCode };
      const summary = `支付 ${indicator.code} ${indicator.name}（${ctx.reference}）`;
      await postBoth(
        tx, indicator, { ...base, summary },
        [
          { account: '2201', debit: cleared, credit: 0, ...fd },
          { account: asset ? asset.account : ctx.accounts.expense, debit: m.amount - cleared, credit: 0, ...fd },
          { account: cash, debit: 0, credit: m.amount, ...fd },
        ],
        pair(ctx.accounts.expenditure, fiscal ? '800101' : '800102', m.amount, d),
      );
      if (asset) {
        await insertAssetCard(tx, {
          unitId: indicator.unit_id, name: ctx.purpose, classCode: asset.classCode, account: asset.account, value: m.amount,
          departmentId: ctx.departmentId, acquiredOn: m.date, economicCode: ctx.economicCode,
          paymentId: m.refType === 'payment' ? m.refId : null, movementId: m.id,
        });
      }
      return;
    }
    case 'freeze':
    case 'release': {
      if (m.refType !== 'payment') return;
      if (m.kind === 'freeze') {
        if (!(await postingSettings(tx, indicator.unit_id)).salaryAccrual) return;
        const ctx = await payContext(tx, indicator, m);
        if (!ctx.economicCode.startsWith('301')) return;
        await postEntry(tx, {
          ...base, unitId: indicator.unit_id, track: 'financial', summary: `计提应付职工薪酬 ${indicator.code} ${indicator.name}（${ctx.reference}）`,
          lines: pair(ctx.accounts.expense, '2201', m.amount, { ...d, departmentId: ctx.departmentId, economicCode: ctx.economicCode }),
        });
        return;
      }
      const accrued = await accruedSalary(tx, indicator.unit_id, m);
      if (accrued === 0) return;
      const ctx = await payContext(tx, indicator, m);
      await postEntry(tx, {
        ...base, unitId: indicator.unit_id, track: 'financial', summary: `冲回应付职工薪酬 ${indicator.code} ${indicator.name}（${ctx.reference}）`,
        lines: pair('2201', ctx.accounts.expense, accrued, { ...d, departmentId: ctx.departmentId, economicCode: ctx.economicCode }),
      });
      return;
    }
    default:
      return; // transfer_in, transfer_out: see the rules above
  }
}

/**
 * 5101 only for an institution's management department; 5001 otherwise (administrative units have no 5101).
 * 7101 / 7201 by the unit's kind.
 */
export function expenseAccounts(unitKind: 'administrative' | 'institution', departmentFunction: 'business' | 'management') {
  return {
    expense: unitKind === 'institution' && departmentFunction === 'management' ? '5101' : '5001',
    expenditure: unitKind === 'institution' ? '7201' : '7101',
  };
}

/** What a payment movement posts by: the document's department, economic class and purpose, the unit's kind and settings. */
async function payContext(tx: Tx, indicator: IndicatorRow, m: PostedMovement) {
  const payment = m.refType === 'payment'
    ? await tx.selectFrom('payments').select(['department_id', 'economic_code', 'purpose', 'doc_no']).where('id', '=', m.refId).where('unit_id', '=', indicator.unit_id).executeTakeFirst()
    : undefined;
  const departmentId = payment?.department_id ?? indicator.department_id;
  const unit = await tx.selectFrom('units').select('kind').where('id', '=', indicator.unit_id).executeTakeFirstOrThrow();
  const department = await tx.selectFrom('departments').select('function').where('id', '=', departmentId).executeTakeFirst();
  return {
    departmentId,
    economicCode: payment?.economic_code ?? indicator.economic_code,
    purpose: payment?.purpose ?? indicator.name,
    /** How a journal summary names the document: 支付申请 ZF2026-0001 (its number, not the database id). */
    reference: payment ? `支付申请 ${payment.doc_no ?? `#${m.refId}`}` : m.refType === 'payment' ? `支付申请 #${m.refId}` : `${m.refType} #${m.refId}`,
    accounts: expenseAccounts(unit.kind, department?.function === 'management' ? 'management' : 'business'),
    settings: await postingSettings(tx, indicator.unit_id),
  };
}

/** What a payment still owes on 2201 from its accrual: credits less debits on 2201 in its own movements' entries. */
async function accruedSalary(tx: Tx, unitId: string, m: PostedMovement): Promise<number> {
  if (m.refType !== 'payment') return 0;
  const row = await tx
    .selectFrom('journal_lines')
    .innerJoin('journal_entries', 'journal_entries.id', 'journal_lines.entry_id')
    .innerJoin('indicator_movements', 'indicator_movements.id', 'journal_entries.source_id')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>(eb('journal_lines.credit', '-', eb.ref('journal_lines.debit'))), eb.lit(0)).as('owed')])
    .where('journal_entries.source_type', '=', 'movement')
    .where('journal_entries.unit_id', '=', unitId)
    .where('journal_entries.track', '=', 'financial')
    .where('indicator_movements.ref_type', '=', 'payment')
    .where('indicator_movements.ref_id', '=', m.refId)
    .where('journal_lines.account_code', '=', '2201')
    .executeTakeFirstOrThrow();
  return Number(row.owed);
}
