import type { HostApi } from '@unibudget/sdk';
import { canonical, emptyYear, type YearState } from './aggregate.js';
import type { WarningIndex } from './warnings.js';

/**
 * Plugin state in the `state` collection. Documents are capped at 64 KB, so a value is stored as
 * JSON text split over a head document and numbered parts.
 */
const PART = 30_000;

export async function loadChunked<T>(host: HostApi, id: string): Promise<{ value: T; parts: number } | null> {
  const head = await host.storage.get<{ parts: number; text: string }>('state', id);
  if (!head) return null;
  const parts = Number(head.data.parts) || 1;
  const texts = [head.data.text];
  const rest = await Promise.all(Array.from({ length: parts - 1 }, (_, i) => host.storage.get<{ text: string }>('state', `${id}#${i + 1}`)));
  for (const r of rest) {
    if (!r) return null;
    texts.push(r.data.text);
  }
  return { value: JSON.parse(texts.join('')) as T, parts };
}

export async function saveChunked(host: HostApi, id: string, value: unknown, previousParts = 0): Promise<number> {
  const text = JSON.stringify(value);
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += PART) chunks.push(text.slice(i, i + PART));
  if (chunks.length === 0) chunks.push('');
  // Parts first, head last: a reader never sees a head pointing at parts not yet written.
  await Promise.all(chunks.slice(1).map((t, i) => host.storage.put('state', `${id}#${i + 1}`, { kind: id, text: t })));
  await host.storage.put('state', id, { kind: id, parts: chunks.length, text: chunks[0]! });
  for (let i = chunks.length; i < previousParts; i++) await host.storage.delete('state', `${id}#${i}`);
  return chunks.length;
}

export interface LoadedYear { state: YearState; parts: number }

export async function loadYear(host: HostApi, year: number): Promise<LoadedYear> {
  const got = await loadChunked<YearState>(host, `year-${year}`);
  return got ? { state: got.value, parts: got.parts } : { state: emptyYear(year), parts: 0 };
}

export const saveYear = (host: HostApi, loaded: LoadedYear) => saveChunked(host, `year-${loaded.state.year}`, canonical(loaded.state), loaded.parts);

export async function loadIndex(host: HostApi): Promise<{ index: WarningIndex; parts: number }> {
  const got = await loadChunked<WarningIndex>(host, 'warning-index');
  return got ? { index: got.value, parts: got.parts } : { index: {}, parts: 0 };
}

export const saveIndex = (host: HostApi, index: WarningIndex, previousParts: number) => saveChunked(host, 'warning-index', index, previousParts);
