import type { Kysely } from 'kysely';

/**
 * Keyset paging of a unit's payments for plugins (`ledger.payments({ afterId })`): with only
 * (unit_id, status) to go on, each page would sort every payment of the unit again; (unit_id, id)
 * makes a page one index range read however many rows precede it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('payments_unit_id').on('payments').columns(['unit_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('payments_unit_id').ifExists().execute();
}
