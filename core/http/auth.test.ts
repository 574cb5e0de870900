import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddressOf, credentialOf, isCrossSite, SESSION_COOKIE } from './auth.js';

/** What the adapters read off a request, on a bare hono app (no kernel). */
async function read(headers: Record<string, string>, method = 'POST', trustProxy = false) {
  const app = new Hono();
  app.all('/x', (c) => c.json({ credential: credentialOf(c), crossSite: isCrossSite(c), address: clientAddressOf(c, trustProxy) }));
  const response = await app.request('http://unibudget.test/x', { method, headers });
  return (await response.json()) as { credential: { secret: string; fromCookie: boolean } | null; crossSite: boolean; address: string };
}

describe('credentials', () => {
  it('takes a bearer token before a cookie, and a cookie only when there is no Authorization header', async () => {
    expect((await read({ authorization: 'Bearer ubs_abc', cookie: `${SESSION_COOKIE}=c1` })).credential).toEqual({ secret: 'ubs_abc', fromCookie: false });
    expect((await read({ cookie: `${SESSION_COOKIE}=c1` })).credential).toEqual({ secret: 'c1', fromCookie: true });
    expect((await read({})).credential).toBeNull();
  });

  it('refuses a malformed Authorization header instead of falling back to the cookie', async () => {
    expect((await read({ authorization: 'Basic dXNlcjpwYXNz', cookie: `${SESSION_COOKIE}=c1` })).credential).toBeNull();
    expect((await read({ authorization: 'Bearer two words' })).credential).toBeNull();
  });
});

describe('cross-site writes', () => {
  it('treats another origin, an unparsable origin and a cross-site fetch as cross-site', async () => {
    expect((await read({ origin: 'https://evil.example', host: 'unibudget.test' })).crossSite).toBe(true);
    expect((await read({ origin: 'not a url', host: 'unibudget.test' })).crossSite).toBe(true);
    expect((await read({ 'sec-fetch-site': 'cross-site' })).crossSite).toBe(true);
  });

  it('lets the same origin and requests without browser hints through', async () => {
    expect((await read({ origin: 'http://unibudget.test', host: 'unibudget.test' })).crossSite).toBe(false);
    expect((await read({ 'sec-fetch-site': 'same-origin' })).crossSite).toBe(false);
    expect((await read({})).crossSite).toBe(false);
  });
});

describe('client address', () => {
  it('believes X-Forwarded-For only behind a trusted proxy', async () => {
    expect((await read({ 'x-forwarded-for': '10.0.0.7, 172.16.0.1' }, 'GET', true)).address).toBe('10.0.0.7');
    expect((await read({ 'x-forwarded-for': '10.0.0.7' }, 'GET', false)).address).toBe('local');
  });
});
