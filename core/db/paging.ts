import { z } from 'zod';
import { sql, type RawBuilder } from 'kysely';

/**
 * Pages and search for a list route that first answered a plain array (审批待办, 我的申请).
 * The page is asked for with `page`; without it the route keeps its old answer (a public contract),
 * with it the answer is `{ items, total, page, pageSize }`. `q` searches (case-insensitively, literally:
 * `%` and `_` match themselves) the fields the route names.
 */
export const PAGE_SIZE_DEFAULT = 20;
export const PAGE_SIZE_MAX = 100;

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1, '页码从 1 开始').max(1_000_000).optional()
    .describe('1-based page; when given, the answer is {items, total, page, pageSize}'),
  pageSize: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX, `每页最多 ${PAGE_SIZE_MAX} 条`).optional()
    .describe(`rows per page (default ${PAGE_SIZE_DEFAULT}, at most ${PAGE_SIZE_MAX}); only with page`),
  q: z.string().trim().max(100, '搜索词不能超过 100 个字符').optional()
    .describe('only rows whose document number, title or payee contains this'),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** The answer of a paged list. */
export const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export interface Page<T> { items: T[]; total: number; page: number; pageSize: number }

/** Where a paged answer starts, when the query asked for a page. */
export function pageWindow(query: PageQuery): { page: number; pageSize: number; offset: number } | null {
  if (query.page === undefined) return null;
  const pageSize = query.pageSize ?? PAGE_SIZE_DEFAULT;
  return { page: query.page, pageSize, offset: (query.page - 1) * pageSize };
}

/** Pages a list already in memory (one whose rows are decided row by row, like the inbox). */
export function pageRows<T>(rows: T[], window: { page: number; pageSize: number; offset: number }): Page<T> {
  return { items: rows.slice(window.offset, window.offset + window.pageSize), total: rows.length, page: window.page, pageSize: window.pageSize };
}

/** The lower-case text a search looks for, or null for no search. */
export function needle(q: string | undefined): string | null {
  const s = q?.trim().toLowerCase();
  return s ? s : null;
}

/** `column` contains `q`, case-insensitively and literally, in SQLite and PostgreSQL alike. */
export function containsText(column: string, q: string): RawBuilder<boolean> {
  const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}
