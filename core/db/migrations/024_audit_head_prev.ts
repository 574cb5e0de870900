import type { Kysely } from 'kysely';

/**
 * The audit head keeps the hash it moved from (issue 21). On PostgreSQL an audit entry is written in
 * one statement (audit/service.ts): the head's UPDATE computes the new hash in SQL from the previous
 * one and RETURNING can only give the row's new values, so the previous hash, which the entry keeps as
 * its `prev_hash`, is carried in this column. The head row is one lock for every audited transaction
 * of the system, held to the commit: three statements under it became one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_head').addColumn('prev_hash', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_head').dropColumn('prev_hash').execute();
}
