import type { Kysely } from 'kysely';

/**
 * Core notices that render in the reader's language: a message key and its parameters (JSON) beside
 * the Chinese title and body, which old clients and plugin notices keep reading. Null for plugin
 * notices (host.notify) and rows written before: those show as they were written.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('title_key', 'text').execute();
  await db.schema.alterTable('notifications').addColumn('params', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('params').execute();
  await db.schema.alterTable('notifications').dropColumn('title_key').execute();
}
