import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';

export const SESSION_COOKIE = 'ub_session';

export interface Credential {
  secret: string;
  /** Cookies ride along on cross-site requests; bearer headers never do. */
  fromCookie: boolean;
}

export function credentialOf(c: Context): Credential | null {
  const header = c.req.header('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? { secret: match[1]!, fromCookie: false } : null;
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  return cookie ? { secret: cookie, fromCookie: true } : null;
}

/**
 * A cookie-authenticated write must come from our own origin. Browsers send Origin on every
 * cross-origin write; bodies must also be application/json, which a plain HTML form cannot send.
 */
export function isCrossSite(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin) {
    const host = c.req.header('host');
    try {
      return new URL(origin).host !== host;
    } catch {
      return true;
    }
  }
  const fetchSite = c.req.header('sec-fetch-site');
  return fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none';
}

export function clientAddressOf(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}
