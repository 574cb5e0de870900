/**
 * A page's view state in the address (tab, filters, sort, a wizard's step), so that reload, Back and a
 * copied link show the same screen. Filters replace the current entry (no history entry per keystroke);
 * a wizard's step pushes one, so Back returns to the previous step.
 */
export type ParamValue = string | number | boolean | null | undefined;

/** The current query parameters. */
export function urlParams(): URLSearchParams {
  return new URLSearchParams(location.search);
}

/** One parameter, or '' when absent. */
export function urlParam(name: string): string {
  return urlParams().get(name) ?? '';
}

/** A whole-number parameter within [min, max], else the fallback (a hand-edited address never breaks a page). */
export function urlInt(name: string, fallback: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  const raw = urlParam(name);
  if (!/^-?\d{1,15}$/.test(raw)) return fallback;
  const n = Number(raw);
  return n >= min && n <= max ? n : fallback;
}

/** A parameter that must be one of `allowed`, else the fallback. */
export function urlChoice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const raw = urlParam(name);
  return (allowed as readonly string[]).includes(raw) ? (raw as T) : fallback;
}

/**
 * Sets parameters on the current path (an empty value removes it; others are kept). `push` makes a
 * history entry (a wizard's step); the default replaces the current one (filters while typing).
 */
export function setUrlParams(values: Record<string, ParamValue>, { push = false } = {}): void {
  const params = urlParams();
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === '' || v === false) params.delete(k);
    else params.set(k, String(v));
  }
  const search = params.toString();
  const url = `${location.pathname}${search ? `?${search}` : ''}${location.hash}`;
  if (url === `${location.pathname}${location.search}${location.hash}`) return;
  // A pushed entry carries no state: Back to it must not look like a notice opened (app.ts `fresh`).
  if (push) history.pushState(null, '', url);
  else history.replaceState(history.state, '', url);
}
