import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/sqlite';
import { dialectOf, type Executor } from '../../db/connection.js';
import { prepared } from '../../db/prepared.js';

/**
 * An indicator's movements, each with how a finance office names what it refers to:
 * the document's number in the unit's series (支付申请 ZF2026-0001, 调剂 TJ2026-0001, 调整
 * TZ2026-0001, the budget request YS2026-0001 of an issued line) and the counterpart indicator's
 * code — never the database ids, which all units share. One statement; every lookup is pinned to the
 * unit. Each name is a subquery by primary key per movement, not a join: with its statistics behind
 * after a bulk load, PostgreSQL joined the counterparts by hashing every indicator of the unit
 * (15 ms at 100,000 indicators for a read of one).
 */
function movementsSelect(db: Executor, unitId: string) {
  return db
    .selectFrom('indicator_movements as m')
    // Named, not m.*: SQLite's json_object (below) takes its keys one by one.
    .select(['m.id', 'm.unit_id', 'm.indicator_id', 'm.kind', 'm.amount', 'm.ref_type', 'm.ref_id', 'm.counterpart_indicator_id', 'm.at', 'm.date', 'm.actor_id'])
    .select((eb) => [
      eb.case('m.ref_type')
        .when('payment').then(eb.selectFrom('payments as p').select('p.doc_no').whereRef('p.id', '=', 'm.ref_id').where('p.unit_id', '=', unitId))
        .when('transfer').then(eb.selectFrom('transfers as t').select('t.doc_no').whereRef('t.id', '=', 'm.ref_id').where('t.unit_id', '=', unitId))
        .when('adjustment').then(eb.selectFrom('adjustments as a').select('a.serial_no').whereRef('a.id', '=', 'm.ref_id').where('a.unit_id', '=', unitId))
        .when('budget_line').then(eb.selectFrom('budget_request_lines as l').innerJoin('budget_requests as r', 'r.id', 'l.request_id').select('r.doc_no')
          .whereRef('l.id', '=', 'm.ref_id').where('l.unit_id', '=', unitId))
        .end()
        .as('ref_no'),
      eb.selectFrom('indicators as c').select('c.code').whereRef('c.id', '=', 'm.counterpart_indicator_id').where('c.unit_id', '=', unitId).as('counterpart_code'),
    ]);
}

/** A movement as indicatorWithMovements reads it. */
export type MovementWithReferences = Awaited<ReturnType<ReturnType<typeof movementsSelect>['execute']>>[number];

/**
 * The indicator and its movements (as JSON text, oldest first) in one statement, on both databases:
 * on PostgreSQL a read of an indicator's detail is one round trip, not two; on SQLite one statement
 * less to step through per read.
 */
export const indicatorWithMovements = prepared((db: Executor, unitId: string, indicatorId: number) => {
  const movements = movementsSelect(db, unitId).where('m.indicator_id', '=', sql.ref<number>('i.id'));
  const json = dialectOf(db) === 'postgres'
    ? sql<string>`(select coalesce(json_agg(x order by x.id), '[]')::text from (${movements}) as x)`
    : jsonArrayFrom(movements);
  return db.selectFrom('indicators as i')
    .selectAll('i')
    .select(sql<string>`${json}`.as('movements_json'))
    .where('i.id', '=', indicatorId)
    .where('i.unit_id', '=', unitId);
});

/**
 * The movements of indicatorWithMovements, oldest first (SQLite's json_group_array keeps no promised
 * order), each amount an exact integer as every integer read is (db/connection.ts).
 */
export function parseMovements(json: string): MovementWithReferences[] {
  const movements = JSON.parse(json) as MovementWithReferences[];
  for (const m of movements) if (!Number.isSafeInteger(m.amount)) throw new Error(`database integer out of safe range: movement ${m.id}`);
  return movements.sort((a, b) => a.id - b.id);
}
