import type { Executor } from '../../db/connection.js';
import { prepared } from '../../db/prepared.js';

/**
 * An indicator's movements, oldest first, each with how a finance office names what it refers to:
 * the document's number in the unit's series (支付申请 ZF2026-0001, 调剂 TJ2026-0001, 调整
 * TZ2026-0001, the budget request YS2026-0001 of an issued line) and the counterpart indicator's
 * code — never the database ids, which all units share. One statement; every join is pinned to the unit.
 */
export const movementsWithReferences = prepared((db: Executor, unitId: string, indicatorId: number) =>
  db
    .selectFrom('indicator_movements as m')
    .leftJoin('payments as p', (j) => j.onRef('p.id', '=', 'm.ref_id').on('m.ref_type', '=', 'payment').on('p.unit_id', '=', unitId))
    .leftJoin('transfers as t', (j) => j.onRef('t.id', '=', 'm.ref_id').on('m.ref_type', '=', 'transfer').on('t.unit_id', '=', unitId))
    .leftJoin('adjustments as a', (j) => j.onRef('a.id', '=', 'm.ref_id').on('m.ref_type', '=', 'adjustment').on('a.unit_id', '=', unitId))
    .leftJoin('budget_request_lines as l', (j) => j.onRef('l.id', '=', 'm.ref_id').on('m.ref_type', '=', 'budget_line').on('l.unit_id', '=', unitId))
    .leftJoin('budget_requests as r', 'r.id', 'l.request_id')
    .leftJoin('indicators as c', (j) => j.onRef('c.id', '=', 'm.counterpart_indicator_id').on('c.unit_id', '=', unitId))
    .selectAll('m')
    .select((eb) => [eb.fn.coalesce('p.doc_no', 't.doc_no', 'a.serial_no', 'r.doc_no').as('ref_no'), 'c.code as counterpart_code'])
    .where('m.indicator_id', '=', indicatorId)
    .orderBy('m.id'));
