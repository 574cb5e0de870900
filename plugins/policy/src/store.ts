import { refuse, type HostApi } from '@unibudget/sdk';
import { both } from './texts.js';
import { searchScore, type PolicyDoc } from './library.js';
import type { StoredCandidate } from './standards.js';

/** Reading the plugin's collections: documents (paged through), one document, a document's candidates, search. */

export async function allDocuments(host: HostApi): Promise<Array<{ id: string; data: PolicyDoc }>> {
  const out: Array<{ id: string; data: PolicyDoc }> = [];
  let after: string | null = null;
  for (let guard = 0; guard < 20; guard++) {
    const page: { items: Array<{ id: string; data: PolicyDoc }>; next: string | null } = await host.storage.query<PolicyDoc>('documents', {}, { limit: 100, after });
    out.push(...page.items);
    if (!page.next) break;
    after = page.next;
  }
  return out;
}

export async function documentOf(host: HostApi, id: string): Promise<PolicyDoc> {
  if (!/^d\d{1,9}$/.test(id)) throw refuse(404, 'DOCUMENT_NOT_FOUND', both('政策文件不存在'), { documentId: id });
  const doc = await host.storage.get<PolicyDoc>('documents', id);
  if (!doc) throw refuse(404, 'DOCUMENT_NOT_FOUND', both('政策文件不存在'), { documentId: id });
  return doc.data;
}

export async function candidatesOf(host: HostApi, documentId: string): Promise<StoredCandidate[]> {
  const docs = await host.storage.query<StoredCandidate>('candidates', { documentId }, { limit: 500 });
  return docs.map((d) => d.data).sort((a, b) => a.sentenceIndex - b.sentenceIndex || a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** Documents matching the words (all, newest first, when there are none) and a topic. */
export async function findDocuments(host: HostApi, q: string, topic: string) {
  const scored = (await allDocuments(host))
    .filter((d) => !topic || d.data.topics.includes(topic))
    .map((d) => ({ ...d, score: searchScore(d.data, q) }))
    .filter((d) => d.score > 0);
  return scored.sort((a, b) => b.score - a.score || (b.data.addedAt < a.data.addedAt ? -1 : 1));
}

