import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, auditCount, type TestEnv } from '../../test/support/kernel.js';
import { createApp } from './app.js';
import { defineRoute } from '../http/route.js';
import { allRoutes } from './registry.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

function expectErrorShape(body: any, code: string) {
  expect(body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
}

describe('error answers', () => {
  it('answers unknown paths with 404 in the error shape', async () => {
    const result = await env.call('GET', '/api/nothing-here');
    expect(result.status).toBe(404);
    expectErrorShape(result.body, 'NOT_FOUND');
  });

  it('answers malformed JSON with 400, a wrong content type with 415, and writes nothing', async () => {
    const token = await env.login('a.finance');
    const before = await auditCount(env);
    const malformed = await env.call('POST', '/api/units/a/fiscal-years', { token, body: '{"year": 20' });
    expect(malformed.status).toBe(400);
    expectErrorShape(malformed.body, 'INVALID_JSON');
    const form = await env.call('POST', '/api/units/a/fiscal-years', {
      token, body: 'year=2030', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expectErrorShape(form.body, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await auditCount(env)).toBe(before);
  });

  it('over a real socket: a declared length over the limit, a chunked body over it, and a small chunked body', async () => {
    const { serve } = await import('@hono/node-server');
    const http = await import('node:http');
    const token = await env.login('a.finance');
    const server = serve({ fetch: createApp(env.kernel).fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    const send = (body: string, headers: Record<string, string>) => new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/tokens', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers } }, (res) => {
        let text = '';
        res.on('data', (chunk) => { text += chunk; });
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      // Chunked: written in pieces with no Content-Length.
      if (headers['content-length'] === undefined) for (let i = 0; i < body.length; i += 65_536) req.write(body.slice(i, i + 65_536));
      else req.write(body);
      req.end();
    });
    try {
      const big = JSON.stringify({ name: 'x'.repeat(1_100_000) });
      const declared = await send(big, { 'content-length': String(Buffer.byteLength(big)) });
      expect(declared.status).toBe(413);
      expectErrorShape(declared.body, 'PAYLOAD_TOO_LARGE');
      const chunked = await send(big, {});
      expect(chunked.status).toBe(413);
      expectErrorShape(chunked.body, 'PAYLOAD_TOO_LARGE');
      const small = await send(JSON.stringify({ name: '分块上传的令牌' }), {});
      expect(small.status).toBe(201);
      expect(small.body.name).toBe('分块上传的令牌');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('lists each validation issue with its path', async () => {
    const token = await env.login('a.finance');
    const result = await env.call('POST', '/api/units/a/fiscal-years', { token, body: { year: 20.5 } });
    expect(result.status).toBe(400);
    expectErrorShape(result.body, 'VALIDATION_FAILED');
    expect(result.body.error.details.where).toBe('body');
    expect(result.body.error.details.issues).toEqual([expect.objectContaining({ path: 'year' })]);
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const token = await env.login('a.finance');
    const result = await env.call('POST', '/api/tokens', { token, body: { name: 'x'.repeat(1_100_000) } });
    expect(result.status).toBe(413);
    expectErrorShape(result.body, 'PAYLOAD_TOO_LARGE');
  });

  it('hides internal failures behind a 500 without a stack trace', async () => {
    const boom = defineRoute({
      method: 'get', path: '/api/boom', tag: 'test', summary: 'fails', access: { kind: 'public' },
      handler: async () => { throw new TypeError('secret internal detail at /work/main/core'); },
    });
    const app = createApp(env.kernel, [boom]);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    const response = await Promise.resolve(app.request('/api/boom')).finally(() => { console.error = original; });
    expect(response.status).toBe(500);
    const body = await response.json();
    expectErrorShape(body, 'INTERNAL');
    expect(JSON.stringify(body)).not.toContain('secret internal detail');
    expect(errors).toHaveLength(1);
  });

  it('speaks zh-CN by default and English on request', async () => {
    const zh = await env.call('GET', '/api/me');
    const en = await env.call('GET', '/api/me', { headers: { 'accept-language': 'en' } });
    expect(zh.body.error.message).toBe('请先登录');
    expect(en.body.error.message).toBe('Sign in first');
  });
});

describe('security headers', () => {
  it('sends a strict CSP without inline scripts, no framing, nosniff and a referrer policy', async () => {
    const result = await env.call('GET', '/api/health');
    const csp = result.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(result.headers.get('x-content-type-options')).toBe('nosniff');
    expect(result.headers.get('x-frame-options')).toBe('DENY');
    expect(result.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('over a real socket, every kind of answer carries the same full set, a sign-in its cookie too', async () => {
    const { serve } = await import('@hono/node-server');
    const { SECURITY_HEADERS } = await import('../http/security-headers.js');
    const { DEMO_PASSWORD } = await import('../demo/seed.js');
    const server = serve({ fetch: createApp(env.kernel).fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const securityOf = (headers: Headers) => Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, headers.get(name)]));
    try {
      const signIn = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'a.finance', password: DEMO_PASSWORD }) });
      expect(signIn.status).toBe(200);
      expect(signIn.headers.get('set-cookie')).toMatch(/^ub_session=[^;]+;.*HttpOnly/);
      const { token } = (await signIn.json()) as { token: string };
      const answers = [
        signIn,
        await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } }),
        await fetch(`${base}/api/units/a/indicators/999999999`, { headers: { authorization: `Bearer ${token}` } }),
        await fetch(`${base}/api/units/a/fiscal-years`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"year": 20.5}' }),
        await fetch(`${base}/api/no-such-thing`),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 404, 400, 404]);
      for (const answer of answers) {
        expect(securityOf(answer.headers)).toEqual(SECURITY_HEADERS);
        expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
        expect(answer.headers.get('x-powered-by')).toBeNull();
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('health and OpenAPI', () => {
  it('reports health with the dialect in use', async () => {
    const result = await env.call('GET', '/api/health');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ status: 'ok', database: env.kernel.dialect });
  });

  it('documents every registered route with its parameters, body and error shape', async () => {
    const { body: doc } = await env.call('GET', '/api/openapi.json');
    expect(doc.openapi).toBe('3.1.0');
    for (const route of allRoutes) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method];
      expect(operation, `${route.method} ${path}`).toBeDefined();
      for (const name of route.path.matchAll(/:(\w+)/g)) {
        expect(operation.parameters.map((p: { name: string }) => p.name)).toContain(name[1]);
      }
      if (route.body) expect(operation.requestBody.content['application/json'].schema).toBeTruthy();
      expect(operation.responses['4XX']).toBeDefined();
    }
    const login = doc.paths['/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
    const close = doc.paths['/api/units/{unitId}/periods/{year}/{month}/close'].post;
    expect(close.description).toContain('period.manage');
  });

  it('keeps response schemas honest: documented responses parse what the API returns', async () => {
    const token = await env.login('a.finance');
    const me = allRoutes.find((r) => r.path === '/api/me')!;
    const years = allRoutes.find((r) => r.path === '/api/units/:unitId/fiscal-years' && r.method === 'get')!;
    expect(me.response!.safeParse((await env.call('GET', '/api/me', { token })).body).success).toBe(true);
    expect(years.response!.safeParse((await env.call('GET', '/api/units/a/fiscal-years', { token })).body).success).toBe(true);
  });
});
