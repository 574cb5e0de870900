/** The HTTP client: same-origin session cookie (set by /api/auth/login), JSON in and out. */
import { lang } from './i18n.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** What a failed call shows the user: the server's (localised) message for an API error. */
export const errorText = (e: unknown): string => (e instanceof ApiError ? e.message : String(e));

/** What a page shows around one user action: busy while it runs, then its success text or its error. */
export interface ActionState {
  busy: boolean;
  error: string;
  message: string;
}

/**
 * Runs a page's action: `after` (a reload, say) runs on success, then its answer becomes the message; a
 * failure becomes the error — or, with `fields` (lib/field-errors.ts), goes under the fields it names.
 */
export async function runAction(page: ActionState, action: () => Promise<string>, after?: () => Promise<void> | void, fields?: { show(e: unknown): string }): Promise<void> {
  page.busy = true;
  page.error = '';
  page.message = '';
  // The success text appears with the reloaded state it announces, never beside the stale one.
  let done = '';
  try {
    done = await action();
    await after?.();
  } catch (e) {
    page.error = fields ? fields.show(e) : errorText(e);
  } finally {
    page.message = done;
    page.busy = false;
  }
}

type Listener = (e: ApiError) => void;
const unauthListeners = new Set<Listener>();
export function onUnauthenticated(fn: Listener): () => void {
  unauthListeners.add(fn);
  return () => unauthListeners.delete(fn);
}

export async function api<T>(method: string, path: string, body?: unknown, init: { signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': lang() === 'en' ? 'en' : 'zh-CN' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: init.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', lang() === 'en' ? 'Cannot reach the server' : '无法连接服务器');
  }
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
    const e = new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText, err?.details ?? {});
    if (res.status === 401 && !path.endsWith('/auth/login')) for (const fn of unauthListeners) fn(e);
    throw e;
  }
  return data as T;
}

export const get = <T>(path: string, init?: { signal?: AbortSignal }) => api<T>('GET', path, undefined, init);
export const post = <T>(path: string, body: unknown = {}, init?: { signal?: AbortSignal }) => api<T>('POST', path, body, init);

/** Builds "?a=1&b=2" from the defined values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}
