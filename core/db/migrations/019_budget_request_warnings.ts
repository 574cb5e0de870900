import type { Kysely } from 'kysely';

/**
 * The warnings a budget request was submitted with (`budgetRequest.validate` answering `warn`, host
 * API 1.1.0): kept on the request as payments and transfers keep theirs, shown on its screen.
 * Replaced at each submission (一上, 二上): a warning speaks about the amounts it judged.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('budget_requests').addColumn('warnings', 'text', (c) => c.notNull().defaultTo('[]')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('budget_requests').dropColumn('warnings').execute();
}
