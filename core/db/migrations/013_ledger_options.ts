import type { Kysely } from 'kysely';

/**
 * Optional ledger settings (序时进度 basis `timeProgressBasis`, and whatever optional fields later join
 * LedgerSettingsBody) as one JSON object beside the two original columns: an optional field needs no
 * migration of its own, and a unit that never set one reads its default (rules/service.ts ledgerSettings).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('ledger_settings').addColumn('options', 'text', (c) => c.notNull().defaultTo('{}')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('ledger_settings').dropColumn('options').execute();
}
