import type { Cell, LinkAction } from './view-spec.js';

/** The text of a row's cell as a query value ('' for none). */
const cellText = (value: Cell | undefined) => (value === null || value === undefined ? '' : typeof value === 'boolean' ? (value ? 'true' : '') : String(value));

/**
 * The app address a link action leads to for one row: `/plugins/<plugin>/<view>?…`, each `{cell}` of
 * a query value replaced by the row's cell (a parameter that comes out empty is left out).
 */
export function linkHref(action: LinkAction, row: Record<string, Cell>): string {
  const params = new URLSearchParams();
  for (const [key, template] of Object.entries(action.target.query ?? {})) {
    const value = template.replace(/\{([A-Za-z_][A-Za-z0-9_]{0,39})\}/g, (_, cell: string) => cellText(row[cell])).trim();
    if (value) params.set(key, value);
  }
  const search = params.toString();
  return `/plugins/${encodeURIComponent(action.target.plugin)}/${encodeURIComponent(action.target.view)}${search ? `?${search}` : ''}`;
}

/** The key a link's target is known by in the list of openable pages. */
export const targetKey = (action: LinkAction) => `${action.target.plugin}/${action.target.view}`;
