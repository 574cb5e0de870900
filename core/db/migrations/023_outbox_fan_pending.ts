import { sql, type Kysely } from 'kysely';

/**
 * Each outbox event carries its own "not yet fanned out" mark (issue 21). The fan-out read the
 * outbox past a cursor, which is exact only while outbox ids follow commit order. On PostgreSQL they
 * need not: ids come from a sequence when the row is inserted, so a transaction that took id 10 can
 * commit after one that took id 11, and a cursor moved past 11 never reads 10. A per-row mark needs
 * no order: the fan-out takes every committed event still marked, whatever its id. The partial index
 * holds only the marked rows, so the fan-out's read costs the same with a million delivered events
 * in the table. The cursor row stays as the fan-out's lock across app processes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('fan_pending', 'integer').execute();
  await sql`update outbox set fan_pending = 1 where id > (select last_id from plugin_outbox_cursor where id = 1)`.execute(db);
  await db.schema.createIndex('outbox_fan_pending').on('outbox').column('id').where(sql.ref('fan_pending'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_fan_pending').execute();
  await db.schema.alterTable('outbox').dropColumn('fan_pending').execute();
}
