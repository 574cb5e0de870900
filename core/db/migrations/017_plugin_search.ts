import type { Kysely } from 'kysely';

/**
 * Full-text search over a plugin's documents (host call `storage.search`, issue 18): the fields a
 * collection declares in `search` are cut into terms — every character and every pair of adjacent
 * characters of the normalised text — one row per distinct term and document. Chinese has no spaces
 * between words, so word tokenisers find nothing; bigrams find any substring of two or more
 * characters and the single characters find one-character queries. A bigram table rather than
 * SQLite FTS5 (trigram) and PostgreSQL pg_trgm: both of those miss queries shorter than three
 * characters (most Chinese words are two), pg_trgm needs CREATE EXTENSION (superuser), and one table
 * answers identically on both dialects. The candidates are checked against the text itself
 * (core/plugins/search.ts), so a bigram match that is not a substring never comes back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plugin_doc_terms')
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('term', 'text', (c) => c.notNull())
    /** plugin_docs.id (kept when a document is written again). */
    .addColumn('doc_row_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('plugin_doc_terms_pk', ['plugin_id', 'unit_id', 'collection', 'term', 'doc_row_id'])
    .execute();
  // Rewriting or deleting one document removes its terms by row id.
  await db.schema.createIndex('plugin_doc_terms_doc').on('plugin_doc_terms').columns(['doc_row_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('plugin_doc_terms').ifExists().execute();
}
