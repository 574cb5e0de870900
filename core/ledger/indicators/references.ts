import type { Executor } from '../../db/connection.js';

/** An indicator movement as stored: what it refers to. */
interface MovementRef { ref_type: string; ref_id: number; counterpart_indicator_id: number | null }

/**
 * How a finance office names what a movement refers to: the document's number in the unit's series
 * (支付申请 ZF2026-0001, 调剂 TJ2026-0001, 调整 TZ2026-0001, the budget request YS2026-0001 of an issued
 * line) and the counterpart indicator's code — never the database ids, which all units share.
 * A few queries per indicator (one per kind referred to), all pinned to the unit.
 */
export async function movementReferences(db: Executor, unitId: string, movements: MovementRef[]) {
  const ids = (type: string) => [...new Set(movements.filter((m) => m.ref_type === type).map((m) => m.ref_id))];
  const numbers = new Map<string, string | null>();
  const put = (type: string, rows: Array<{ id: number; no: string | null }>) => { for (const r of rows) numbers.set(`${type}:${r.id}`, r.no); };
  const payments = ids('payment');
  if (payments.length) put('payment', await db.selectFrom('payments').select(['id', 'doc_no as no']).where('unit_id', '=', unitId).where('id', 'in', payments).execute());
  const transfers = ids('transfer');
  if (transfers.length) put('transfer', await db.selectFrom('transfers').select(['id', 'doc_no as no']).where('unit_id', '=', unitId).where('id', 'in', transfers).execute());
  const adjustments = ids('adjustment');
  if (adjustments.length) put('adjustment', await db.selectFrom('adjustments').select(['id', 'serial_no as no']).where('unit_id', '=', unitId).where('id', 'in', adjustments).execute());
  const lines = ids('budget_line');
  if (lines.length) {
    put('budget_line', await db.selectFrom('budget_request_lines').innerJoin('budget_requests', 'budget_requests.id', 'budget_request_lines.request_id')
      .select(['budget_request_lines.id as id', 'budget_requests.doc_no as no'])
      .where('budget_request_lines.unit_id', '=', unitId).where('budget_request_lines.id', 'in', lines).execute());
  }
  const counterparts = [...new Set(movements.map((m) => m.counterpart_indicator_id).filter((x): x is number => x !== null))];
  const codes = new Map(counterparts.length
    ? (await db.selectFrom('indicators').select(['id', 'code']).where('unit_id', '=', unitId).where('id', 'in', counterparts).execute()).map((r) => [r.id, r.code])
    : []);
  return (m: MovementRef) => ({
    refNo: numbers.get(`${m.ref_type}:${m.ref_id}`) ?? null,
    counterpartCode: m.counterpart_indicator_id === null ? null : codes.get(m.counterpart_indicator_id) ?? null,
  });
}
