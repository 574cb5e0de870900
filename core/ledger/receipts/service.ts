import { sql } from 'kysely';
import { dialectOf, type Executor, type Tx } from '../../db/connection.js';
import type { ReceiptsTable } from '../../db/schema.js';
import type { Selectable } from 'kysely';
import { businessDate, nowIso } from '../../clock.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { assertPeriodOpen } from '../../periods/service.js';
import { assertDepartmentInUnit } from '../../units/service.js';
import { assertClassExists, lookupClass } from '../classifications/service.js';
import { postEntry, type PostingLine } from '../accounting/posting.js';
import { recordCommand } from '../record.js';
import { RECEIPT_TYPES, type ReceiptType, type ReceiptView } from '@unibudget/sdk/contracts/receipts';
import { MAX_FEN } from '@unibudget/sdk/contracts/money';
import { AppError } from './errors.js';
import { nextDocNo } from '../approvals/doc-numbers.js';
import { assertCashCovers, cashBalances, committedNonFiscal } from './cash.js';
import { allowedTypes, RECEIPT_TYPE_SPECS } from './types.js';
import type { ReceiptDraft, ReceiptListQuery, ReverseBody } from './schema.js';

/**
 * 收入登记: non-fiscal money is recorded when it arrives, in both tracks in the command's transaction
 * (平行记账):
 *   财务会计 Dr 1002 银行存款 / Cr 4101 事业收入 (4201, 4301, 4401, 4601, 4609 by type)
 *   预算会计 Dr 800102 资金结存—货币资金 / Cr 6101 事业预算收入 (6201, 6301, 6401, 6601, 6609)
 * A receipt is never edited or deleted. A correction is a reversal (红字冲销): the same accounts with
 * the sides swapped (Dr 4101 / Cr 1002; Dr 6101 / Cr 800102), dated in an open month of the receipt's
 * year; it takes money out of the bank, so the cash rule (CASH_INSUFFICIENT) applies to it.
 *
 * Opening cash: a unit that comes to the system with 单位资金 of earlier years does not record it as a
 * receipt (it is no revenue of this year); it belongs in an opening-balance entry (期初余额: Dr 1002 /
 * Cr 3001 累计盈余; Dr 800102 / Cr 8202 非财政拨款结余), which this module does not offer yet. Years
 * kept in the system carry their cash over by themselves: 1002 and 800102 are balance accounts that
 * the year end does not close.
 */
type ReceiptRow = Selectable<ReceiptsTable>;

export function receiptVoucherNo(date: string, id: number, reversal = false): string {
  return `收${date.slice(0, 4)}-${date.slice(5, 7)}-${String(id).padStart(6, '0')}${reversal ? '-冲' : ''}`;
}

function postingLines(row: ReceiptRow, reversal: boolean): { financial: PostingLine[]; budgetary: PostingLine[] } {
  const spec = RECEIPT_TYPE_SPECS[row.type];
  const d = { departmentId: row.department_id, fundSourceCode: row.fund_source_code };
  const pair = (cash: string, revenue: string): PostingLine[] => {
    const [dr, cr] = reversal ? [revenue, cash] : [cash, revenue];
    return [{ account: dr, debit: row.amount, credit: 0, ...d }, { account: cr, debit: 0, credit: row.amount, ...d }];
  };
  return { financial: pair('1002', spec.financial), budgetary: pair('800102', spec.budgetary) };
}

async function post(tx: Tx, row: ReceiptRow, date: string, reversal: boolean) {
  const spec = RECEIPT_TYPE_SPECS[row.type];
  const lines = postingLines(row, reversal);
  const summary = `${reversal ? '冲销' : '收到'}${spec.zh}：${row.payer}，${row.summary}`.slice(0, 200);
  const base = { unitId: row.unit_id, date, voucherNo: receiptVoucherNo(date, row.id, reversal), summary, sourceType: 'receipt' as const, sourceId: row.id };
  await postEntry(tx, { ...base, track: 'financial', lines: lines.financial });
  await postEntry(tx, { ...base, track: 'budgetary', lines: lines.budgetary });
}

async function unitKind(db: Executor, unitId: string) {
  const unit = await db.selectFrom('units').select('kind').where('id', '=', unitId).executeTakeFirstOrThrow();
  return unit.kind;
}

/** The rules of a draft that need no lock: type allowed for the unit, fund source fits the type, date not in the future. */
async function checkDraft(db: Executor, unitId: string, draft: ReceiptDraft) {
  const spec = RECEIPT_TYPE_SPECS[draft.type];
  const kind = await unitKind(db, unitId);
  if (!allowedTypes(kind).includes(draft.type)) throw new AppError('RECEIPT_TYPE_NOT_ALLOWED', { type: draft.type, typeName: spec.zh, unitKind: kind });
  if (!spec.fundSources.includes(draft.fundSourceCode)) {
    throw new AppError('RECEIPT_FUND_SOURCE_MISMATCH', { fundSourceCode: draft.fundSourceCode, type: draft.type, typeName: spec.zh, allowed: spec.fundSources.join('、') });
  }
  const today = businessDate();
  if (draft.date > today) throw new AppError('RECEIPT_DATE_IN_FUTURE', { date: draft.date, today });
}

/** 登记收入: one receipt, its vouchers in both tracks, its audit entry and its `receipt.recorded` event. */
export async function recordReceipt(tx: Tx, actor: Actor, scope: UnitScope, draft: ReceiptDraft) {
  const { unitId } = scope;
  await checkDraft(tx, unitId, draft);
  const year = Number(draft.date.slice(0, 4));
  await assertPeriodOpen(tx, unitId, draft.date);
  await assertClassExists(tx, 'fund_source', year, draft.fundSourceCode);
  if (draft.departmentId) await assertDepartmentInUnit(tx, unitId, draft.departmentId);
  // Like a unit's indicators, its receipts of a year total at most MAX_FEN, so every sum over them stays exact.
  const recorded = await tx.selectFrom('receipts').select(sql<number>`coalesce(sum(amount), 0)`.as('total'))
    .where('unit_id', '=', unitId).where('year', '=', year).where('status', '=', 'recorded').executeTakeFirstOrThrow();
  const total = Number(recorded.total) + draft.amount;
  if (total > MAX_FEN) throw new AppError('RECEIPTS_LIMIT_EXCEEDED', { year, total, limit: MAX_FEN, amount: draft.amount });
  const row = await tx
    .insertInto('receipts')
    .values({
      unit_id: unitId, year, date: draft.date, type: draft.type, amount: draft.amount, fund_source_code: draft.fundSourceCode,
      payer: draft.payer, summary: draft.summary, department_id: draft.departmentId ?? null, earmarked: draft.earmarked ? 1 : 0,
      status: 'recorded', created_by: actor.userId, created_at: nowIso(),
      reversal_date: null, reversal_reason: null, reversed_by: null, reversed_at: null,
      doc_no: await nextDocNo(tx, unitId, 'receipt', year),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await post(tx, row, row.date, false);
  return recordCommand(tx, actor, unitId, {
    entity: 'receipt', entityId: row.id, action: 'receipt.record',
    view: () => receiptDetail(tx, unitId, row.id),
    event: (receipt) => ({ type: 'receipt.recorded', payload: { receipt } }),
  });
}

/** The receipt's row lock (PostgreSQL): two reversals of one receipt run one after the other. */
async function lockReceipt(tx: Tx, unitId: string, id: number): Promise<ReceiptRow> {
  const row = await tx
    .selectFrom('receipts')
    .selectAll()
    .where('id', '=', id)
    .where('unit_id', '=', unitId)
    .$if(dialectOf(tx) === 'postgres', (qb) => qb.forNoKeyUpdate())
    .executeTakeFirst();
  if (!row) throw new AppError('RECEIPT_NOT_FOUND', { receiptId: id });
  return row;
}

/** 红字冲销: reverses a receipt with a reason; refused when the money has already been spent (CASH_INSUFFICIENT). */
export async function reverseReceipt(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: ReverseBody) {
  const { unitId } = scope;
  const before = await lockReceipt(tx, unitId, id);
  if (before.status === 'reversed') throw new AppError('RECEIPT_ALREADY_REVERSED', { receiptId: id });
  const date = input.date ?? businessDate();
  if (date < before.date || date.slice(0, 4) !== before.date.slice(0, 4) || date > businessDate()) {
    throw new AppError('RECEIPT_REVERSAL_DATE', { date, receiptDate: before.date });
  }
  await assertCashCovers(tx, unitId, before.amount);
  await assertPeriodOpen(tx, unitId, date);
  await tx
    .updateTable('receipts')
    .set({ status: 'reversed', reversal_date: date, reversal_reason: input.reason, reversed_by: actor.userId, reversed_at: nowIso() })
    .where('id', '=', id)
    .where('status', '=', 'recorded')
    .execute();
  await post(tx, before, date, true);
  return recordCommand(tx, actor, unitId, {
    entity: 'receipt', entityId: id, action: 'receipt.reverse',
    trail: { action: 'reverse', body: input.reason },
    view: () => receiptDetail(tx, unitId, id),
    audit: () => ({ before: { status: before.status }, after: { status: 'reversed', date, reason: input.reason } }),
    event: (receipt) => ({ type: 'receipt.reversed', payload: { receipt } }),
  });
}

// ------------------------------------------------------------------ reading

function baseQuery(db: Executor, unitId: string) {
  return db
    .selectFrom('receipts')
    .innerJoin('users', 'users.id', 'receipts.created_by')
    .selectAll('receipts')
    .select('users.display_name')
    .where('receipts.unit_id', '=', unitId);
}

type ReceiptJoined = ReceiptRow & { display_name: string };

async function fundSourceNames(db: Executor, rows: ReceiptJoined[]) {
  const names = new Map<string, string>();
  for (const r of rows) {
    const key = `${r.year}:${r.fund_source_code}`;
    if (!names.has(key)) names.set(key, (await lookupClass(db, 'fund_source', r.year, r.fund_source_code))?.name ?? r.fund_source_code);
  }
  return (r: ReceiptJoined) => names.get(`${r.year}:${r.fund_source_code}`) ?? r.fund_source_code;
}

function receiptView(r: ReceiptJoined, fundSourceName: string): ReceiptView {
  const spec = RECEIPT_TYPE_SPECS[r.type];
  return {
    id: r.id, docNo: r.doc_no, unitId: r.unit_id, year: r.year, date: r.date, type: r.type, typeName: spec.zh, amount: Number(r.amount),
    fundSourceCode: r.fund_source_code, fundSourceName, payer: r.payer, summary: r.summary, departmentId: r.department_id,
    earmarked: r.earmarked === 1, status: r.status, financialAccount: spec.financial, budgetaryAccount: spec.budgetary,
    createdBy: r.created_by, createdByName: r.display_name, createdAt: r.created_at,
    reversalDate: r.reversal_date, reversalReason: r.reversal_reason, reversedBy: r.reversed_by, reversedAt: r.reversed_at,
  };
}

export async function receiptDetail(db: Executor, unitId: string, id: number): Promise<ReceiptView> {
  const row = (await baseQuery(db, unitId).where('receipts.id', '=', id).executeTakeFirst()) as ReceiptJoined | undefined;
  if (!row) throw new AppError('RECEIPT_NOT_FOUND', { receiptId: id });
  const name = await fundSourceNames(db, [row]);
  return receiptView(row, name(row));
}

/** The unit's receipts (newest first), their totals by type (reversed receipts count nothing), and its cash. */
export async function listReceipts(db: Executor, scope: UnitScope, filter: ReceiptListQuery) {
  const { unitId } = scope;
  const monthPrefix = filter.year !== undefined && filter.month !== undefined ? `${filter.year}-${String(filter.month).padStart(2, '0')}-` : null;
  const rows = (await baseQuery(db, unitId)
    .$if(filter.year !== undefined, (qb) => qb.where('receipts.year', '=', filter.year!))
    .$if(monthPrefix !== null, (qb) => qb.where('receipts.date', 'like', `${monthPrefix}%`))
    .$if(filter.type !== undefined, (qb) => qb.where('receipts.type', '=', filter.type!))
    .orderBy('receipts.date', 'desc')
    .orderBy('receipts.id', 'desc')
    .execute()) as ReceiptJoined[];
  const name = await fundSourceNames(db, rows);
  const items = rows.map((r) => receiptView(r, name(r)));
  const recorded = items.filter((r) => r.status === 'recorded');
  const byType = RECEIPT_TYPES.map((type) => {
    const mine = recorded.filter((r) => r.type === type);
    return { type, typeName: RECEIPT_TYPE_SPECS[type].zh, amount: mine.reduce((s, r) => s + r.amount, 0), count: mine.length };
  }).filter((t) => t.count > 0);
  const kind = await unitKind(db, unitId);
  return {
    items,
    totals: { byType, total: recorded.reduce((s, r) => s + r.amount, 0) },
    cash: { ...(await cashBalances(db, unitId)), committed: await committedNonFiscal(db, unitId) },
    allowedTypes: allowedTypes(kind),
    typeFundSources: Object.fromEntries(RECEIPT_TYPES.map((type) => [type, [...RECEIPT_TYPE_SPECS[type].fundSources]])),
  };
}

/** Earmarked (专项) receipts of a year that stand (not reversed), by budget-revenue account: what year end closes to 8201. */
export async function earmarkedByAccount(db: Executor, unitId: string, year: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('receipts')
    .select(['type', sql<number>`coalesce(sum(amount), 0)`.as('net')])
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .where('earmarked', '=', 1)
    // A reversal falls in its receipt's year, so a reversed receipt nets to nothing in it.
    .where('status', '=', 'recorded')
    .groupBy('type')
    .execute();
  const out = new Map<string, number>();
  for (const r of rows) {
    const account = RECEIPT_TYPE_SPECS[r.type as ReceiptType].budgetary;
    out.set(account, (out.get(account) ?? 0) + Number(r.net));
  }
  return out;
}
