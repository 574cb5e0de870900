import type { HostApi, StoredDoc } from '@unibudget/sdk';

/** Every document of a collection matching `where`, page by page. */
export async function all<T extends Record<string, unknown>>(host: HostApi, collection: string, where: Record<string, string | number | boolean> = {}): Promise<Array<StoredDoc<T>>> {
  const out: Array<StoredDoc<T>> = [];
  let after: string | null = null;
  for (let i = 0; i < 200; i++) {
    const page: { items: Array<StoredDoc<T>>; next: string | null } = await host.storage.query<T>(collection, where, { limit: 500, after });
    out.push(...page.items);
    if (!page.next) break;
    after = page.next;
  }
  return out;
}
