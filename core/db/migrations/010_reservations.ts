import { sql, type Kysely } from 'kysely';

/**
 * 占用 (reservation): a submitted payment request holds its amount on the indicator until it is
 * approved (then frozen), rejected or withdrawn; a submitted transfer holds the amount it moves out
 * of its source. `available` (what a requester can still ask for) subtracts what is held. Documents
 * already pending when this runs hold their amounts from now on.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('indicators').addColumn('reserved_amount', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await sql`
    update indicators set reserved_amount =
      coalesce((select sum(p.amount) from payments p where p.indicator_id = indicators.id and p.status = 'pending'), 0)
      + coalesce((select sum(t.amount) from transfers t where t.from_indicator_id = indicators.id and t.status = 'pending'), 0)
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('indicators').dropColumn('reserved_amount').execute();
}
