import { sql } from 'kysely';
import { dialectOf, type Executor, type Tx } from '../../db/connection.js';
import { prepared } from '../../db/prepared.js';

/**
 * Document numbers as a finance office writes them: a kind prefix, the year and a four-digit serial
 * kept per unit, kind and year — 支付申请 ZF2026-0001, 调剂 TJ2026-0001. The prefixes are the pinyin
 * initials of the document's name (the convention county offices use on their paper registers):
 *   ZF 支付申请 (zhī fù) · TJ 预算调剂 (tiáo jì) · TZ 预算调整 追加/追减 (tiáo zhěng) ·
 *   YS 预算申请 (yù suàn) · SR 收入登记 (shōu rù).
 * The database id stays the key; it is shared by all units, so it would also tell one unit the
 * volume of another, and is never shown.
 *
 * The year is the document's own year: a payment's, transfer's or adjustment's date, a budget
 * request's budget year, a receipt's year. The serial is taken in the creating transaction from
 * `doc_counters` by one upsert: on PostgreSQL the counter row stays locked until that transaction
 * ends (a concurrent creator waits, then takes the next number); on SQLite writers are serial. A
 * rollback returns the number with the rest of the transaction, so the series has no gaps.
 */
export const DOC_KINDS = {
  payment: 'ZF',
  transfer: 'TJ',
  adjustment: 'TZ',
  budget_request: 'YS',
  receipt: 'SR',
} as const;
export type DocKind = keyof typeof DOC_KINDS;

export function formatDocNo(kind: DocKind, year: number, serial: number): string {
  return `${DOC_KINDS[kind]}${year}-${String(serial).padStart(4, '0')}`;
}

// The SQLite statements of numbering, compiled once (db/prepared.ts).
const takeSerial = prepared((tx: Executor, unitId: string, kind: DocKind, year: number) => sql<{ last_no: number | string }>`
    insert into doc_counters (unit_id, kind, year, last_no) values (${unitId}, ${kind}, ${year}, 1)
    on conflict (unit_id, kind, year) do update set last_no = doc_counters.last_no + 1
    returning last_no`);

/** Takes the next number of the unit's series for this kind and year (inside the creating transaction). */
export async function nextDocNo(tx: Tx, unitId: string, kind: DocKind, year: number): Promise<string> {
  const [row] = await takeSerial(tx, unitId, kind, year);
  return formatDocNo(kind, year, Number(row!.last_no));
}

/**
 * The number a new payment or transfer is inserted with, where that is cheaper: on SQLite writers are
 * serial, so it is taken before the row is written and goes in with it (no second write of the row
 * and its index). On PostgreSQL null: numberDocument takes it last, so the counter's row lock is held
 * only for the command's tail.
 */
export async function numberFirst(tx: Tx, unitId: string, kind: DocKind, year: number): Promise<string | null> {
  return dialectOf(tx) === 'postgres' ? null : nextDocNo(tx, unitId, kind, year);
}

/**
 * Numbers a new payment or transfer on PostgreSQL, where numberFirst did not: takes the next serial and
 * writes it on the document's row in one statement (the counter's upsert as a data-modifying CTE): the
 * counter row stays locked until commit, so each round trip after the upsert delays the unit's next
 * submission. (On SQLite the row was inserted with its number.)
 */
export async function numberDocument(tx: Tx, table: 'payments' | 'transfers', id: number, unitId: string, kind: DocKind, year: number): Promise<string> {
  if (dialectOf(tx) !== 'postgres') throw new Error(`${table} ${id}: on SQLite a new document is numbered at insert (numberFirst)`);
  // lpad to at least four digits, as formatDocNo: lpad alone would cut a fifth digit off.
  const row = await sql<{ doc_no: string }>`
    with serial as (
      insert into doc_counters (unit_id, kind, year, last_no) values (${unitId}, ${kind}, ${year}, 1)
      on conflict (unit_id, kind, year) do update set last_no = doc_counters.last_no + 1
      returning last_no::text as n)
    update ${sql.table(table)} set doc_no = ${`${DOC_KINDS[kind]}${year}-`} || lpad(serial.n, greatest(4, length(serial.n)), '0')
    from serial where ${sql.table(table)}.id = ${id}
    returning ${sql.table(table)}.doc_no`.execute(tx);
  const docNo = row.rows[0]?.doc_no;
  if (!docNo) throw new Error(`${table} ${id} is missing: it cannot be numbered`);
  return docNo;
}

/**
 * Takes `count` consecutive numbers of the unit's series at once (one upsert), for rows written in
 * bulk outside the commands (the SDK harness's `seedLedger`), so they are numbered like any other.
 */
export async function takeDocNos(db: Executor, unitId: string, kind: DocKind, year: number, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const row = await sql<{ last_no: number | string }>`
    insert into doc_counters (unit_id, kind, year, last_no) values (${unitId}, ${kind}, ${year}, ${count})
    on conflict (unit_id, kind, year) do update set last_no = doc_counters.last_no + ${count}
    returning last_no`.execute(db);
  const last = Number(row.rows[0]!.last_no);
  return Array.from({ length: count }, (_, k) => formatDocNo(kind, year, last - count + 1 + k));
}

/** The year a document's number belongs to: the year of its date (YYYY-MM-DD). */
export const yearOf = (date: string): number => Number(date.slice(0, 4));
