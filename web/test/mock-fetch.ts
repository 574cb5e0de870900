/** Replaces window.fetch with a router over canned answers; records every call. */
export interface Call {
  method: string;
  url: string;
  body: unknown;
  /** The Accept-Language the app asked in (null when it sent none). */
  lang: string | null;
}
type Answer = { status?: number; body: unknown } | ((call: Call) => { status?: number; body: unknown });

export function mockFetch(routes: Record<string, Answer>) {
  const calls: Call[] = [];
  const original = window.fetch;
  window.fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const call: Call = { method, url, body: init.body ? JSON.parse(String(init.body)) : undefined, lang: new Headers(init.headers).get('accept-language') };
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    calls.push(call);
    const path = url.split('?')[0];
    const key = Object.keys(routes).find((k) => {
      const [m, p] = k.split(' ');
      return m === method && (p === path || p === url || (p!.endsWith('*') && url.startsWith(p!.slice(0, -1))));
    });
    if (!key) return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no mock for ${method} ${url}`, details: {} } }), { status: 404 });
    const a = routes[key]!;
    const r = typeof a === 'function' ? a(call) : a;
    return new Response(JSON.stringify(r.body), { status: r.status ?? 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, restore: () => void (window.fetch = original) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until fn() is truthy (or throws after the timeout: generous, as a loaded CI machine runs the browser slowly). */
export async function until<T>(fn: () => T, timeout = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - start > timeout) throw new Error('condition not met in time');
    await sleep(10);
  }
}
