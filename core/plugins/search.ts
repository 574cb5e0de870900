import type { Executor } from '../db/connection.js';
import type { Manifest } from '../../sdk/manifest.js';
import { HostCallError } from './errors.js';

/**
 * `storage.search`: full-text search over the fields a collection declares in `search`, for text
 * without spaces between words (Chinese) as much as with them. Each document's searchable text is
 * normalised (NFKC, lower case, runs of white space to one space) and cut into terms: every
 * character and every pair of adjacent characters (migration 017 says why bigrams). A query of n
 * characters needs all its bigrams (one character: that character); the candidates are then checked
 * against the normalised text itself, so the answer is exactly the documents containing every word
 * of the query as a substring, newest first.
 */

/** Characters of a document's searchable text that are indexed (the rest is not searchable). */
export const SEARCH_TEXT_MAX = 8000;
export const SEARCH_QUERY_MAX = 100;
const SEARCH_DEFAULT = 20;
const SEARCH_MAX = 100;
/** Candidates checked against their text per query, at most. */
const CANDIDATES_MAX = 2000;

type Collection = Manifest['collections'][number];

export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** The searchable text of a document: its declared fields (strings, numbers, or arrays of them), joined. */
export function searchText(collection: Collection, data: Record<string, unknown>): string {
  const parts: string[] = [];
  const take = (v: unknown) => {
    if (typeof v === 'string') parts.push(v);
    else if (typeof v === 'number' && Number.isFinite(v)) parts.push(String(v));
  };
  for (const field of collection.search ?? []) {
    const value = data[field];
    if (Array.isArray(value)) value.slice(0, 100).forEach(take);
    else take(value);
  }
  return normalizeText(parts.join('\n')).slice(0, SEARCH_TEXT_MAX);
}

/** Distinct terms of a normalised text: its characters and adjacent pairs (none across a space). */
export function termsOf(text: string): string[] {
  const chars = Array.from(text);
  const terms = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === ' ') continue;
    terms.add(c);
    const next = chars[i + 1];
    if (next !== undefined && next !== ' ') terms.add(c + next);
  }
  return [...terms];
}

/** The terms a query needs: each word's bigrams, or the word itself when it is one character. */
function queryTerms(words: string[]): string[] {
  const terms = new Set<string>();
  for (const word of words) {
    const chars = Array.from(word);
    if (chars.length === 1) terms.add(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) terms.add(chars[i]! + chars[i + 1]!);
  }
  return [...terms];
}

/** Replaces a document's terms (inside the put's transaction): `rowId` is its plugin_docs.id. */
export async function indexDocument(tx: Executor, owner: { pluginId: string; unitId: string }, collection: Collection, rowId: number, data: Record<string, unknown>): Promise<void> {
  if (!collection.search?.length) return;
  await tx.deleteFrom('plugin_doc_terms').where('doc_row_id', '=', rowId).execute();
  const terms = termsOf(searchText(collection, data));
  for (let k = 0; k < terms.length; k += 500) {
    await tx.insertInto('plugin_doc_terms').values(terms.slice(k, k + 500).map((term) => ({
      plugin_id: owner.pluginId, unit_id: owner.unitId, collection: collection.name, term, doc_row_id: rowId,
    }))).execute();
  }
}

export async function unindexDocuments(db: Executor, rowIds: number[]): Promise<void> {
  if (rowIds.length) await db.deleteFrom('plugin_doc_terms').where('doc_row_id', 'in', rowIds).execute();
}

/**
 * `storage.search(collection, query, { limit })`: the documents of the collection whose searchable
 * text contains every word of the query, newest first, at most `limit` (default 20, at most 100).
 */
export async function searchDocuments(db: Executor, owner: { pluginId: string; unitId: string }, collection: Collection, queryArg: unknown, options: Record<string, unknown>) {
  if (!collection.search?.length) throw new HostCallError('PLUGIN_NOT_SEARCHABLE', `collection ${collection.name} declares no search fields in the manifest`, 400);
  if (typeof queryArg !== 'string') throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'search: the query is a string', 400);
  const query = normalizeText(queryArg);
  if (query.length === 0 || Array.from(query).length > SEARCH_QUERY_MAX) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', `search: the query is 1–${SEARCH_QUERY_MAX} characters`, 400);
  const limit = Math.min(Math.max(1, Number(options.limit) || SEARCH_DEFAULT), SEARCH_MAX);
  const words = [...new Set(query.split(' '))];
  const terms = queryTerms(words);
  const candidates = await db.selectFrom('plugin_doc_terms').select('doc_row_id')
    .where('plugin_id', '=', owner.pluginId).where('unit_id', '=', owner.unitId).where('collection', '=', collection.name)
    .where('term', 'in', terms)
    .groupBy('doc_row_id')
    .having((eb) => eb.fn.count('term'), '=', terms.length)
    .orderBy('doc_row_id', 'desc')
    .limit(CANDIDATES_MAX)
    .execute();
  if (candidates.length === 0) return [];
  const items: Array<{ id: string; data: unknown; updatedAt: string }> = [];
  const ids = candidates.map((c) => c.doc_row_id);
  const matched: Array<{ row: { doc_id: string; data: string; updated_at: string; id: number }; data: Record<string, unknown> }> = [];
  for (let k = 0; k < ids.length; k += 200) {
    const rows = await db.selectFrom('plugin_docs').select(['id', 'doc_id', 'data', 'updated_at'])
      .where('plugin_id', '=', owner.pluginId).where('unit_id', '=', owner.unitId).where('collection', '=', collection.name)
      .where('id', 'in', ids.slice(k, k + 200)).execute();
    for (const row of rows) {
      const data = JSON.parse(row.data) as Record<string, unknown>;
      const text = searchText(collection, data);
      if (words.every((w) => text.includes(w))) matched.push({ row, data });
    }
  }
  matched.sort((x, y) => (x.row.updated_at === y.row.updated_at ? y.row.id - x.row.id : x.row.updated_at < y.row.updated_at ? 1 : -1));
  for (const m of matched.slice(0, limit)) items.push({ id: m.row.doc_id, data: m.data, updatedAt: m.row.updated_at });
  return items;
}
