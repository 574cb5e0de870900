import type { Context, MiddlewareHandler } from 'hono';

/**
 * The security headers every answer carries: a CSP with no inline script, no framing, no MIME
 * sniffing, same-origin referrers and cross-origin isolation of the app's documents.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'same-origin',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
  'content-security-policy': CONTENT_SECURITY_POLICY,
});

const SECURITY_ENTRIES = Object.entries(SECURITY_HEADERS);
const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json', ...SECURITY_HEADERS });

/** Answers built with their security headers already in place (jsonAnswer). */
const complete = new WeakSet<Response>();

/**
 * A route's JSON answer, its headers given as one plain object. @hono/node-server writes such an
 * answer straight to the socket; adding headers to a finished answer instead (as hono's
 * secureHeaders does) makes it build a web Headers object and copy it back out, per answer: 14 % of a
 * balance read's CPU at 50 connections (bench/http/read.ts).
 */
export function jsonAnswer(body: unknown, status: number): Response {
  const response = new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
  complete.add(response);
  return response;
}

/**
 * Whether a handler set a header on `c` (a cookie, say). hono keeps such headers aside and merges
 * them only into an answer it builds itself (c.json), so such a handler's result is answered that way.
 */
export function watchHeaders(c: Context): () => boolean {
  let set = false;
  const header = c.header;
  c.header = (...args) => {
    set = true;
    return header(...args);
  };
  return () => set;
}

/** Every other answer (errors, files, streams, the web app) gets the same headers after it is built. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (complete.has(c.res)) return;
    const headers = c.res.headers;
    for (const [name, value] of SECURITY_ENTRIES) headers.set(name, value);
    headers.delete('x-powered-by');
  };
}
