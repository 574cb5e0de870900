import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Kernel } from '../kernel.js';
import { authorizeUnit, holdsAnywhere, isSystemAdmin, type Actor, type UnitScope } from '../permissions/service.js';
import { ROLE_PERMISSIONS } from '../permissions/roles.js';
import { AppError, langFrom } from '../errors.js';
import { clientAddressOf, credentialOf, isCrossSite } from '../http/auth.js';
import { timed } from '../http/timing.js';
import { jsonAnswer, securityHeaders, watchHeaders } from '../http/security-headers.js';
import { cachedAuthenticate } from '../http/session-cache.js';
import { defineRoute, type HandlerContext, type RouteSpec } from '../http/route.js';
import { allRoutes } from './registry.js';
import { buildOpenApi } from './openapi.js';
import { runCommand } from '../db/command.js';
import { validationError } from '../http/validation.js';

const MAX_BODY_BYTES = 1024 * 1024;
/** The built web app (`npm run build:web`); served at / when present. */
const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Per-field details in the caller's language (core/http/validation.ts). */
export { validationError } from '../http/validation.js';

function parseWith<S extends z.ZodType | undefined>(schema: S, value: unknown, where: 'params' | 'query' | 'body') {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where, value);
  return result.data;
}

/**
 * The body size limit. hono's bodyLimit reads `c.req.raw.body`, which makes @hono/node-server build a
 * whole web Request (stream, AbortController, Headers) for every request, GET included: a tenth of a
 * balance read's time. A GET or HEAD has no body to limit; a declared Content-Length is checked as it
 * stands (Node's parser never reads past it) and the body is then read on the fast path; only a
 * chunked body is counted as it streams in, by hono's middleware.
 */
function limitBody(maxSize: number): MiddlewareHandler {
  const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', { maxBytes: maxSize });
  const streamed = bodyLimit({ maxSize, onError: () => { throw tooLarge(); } });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > maxSize) throw tooLarge();
      return next();
    }
    return streamed(c, next);
  };
}

async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  const raw = await c.req.text();
  if (raw.length === 0) return {};
  if (!/^application\/json\b/i.test(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  try {
    return JSON.parse(raw);
  } catch {
    throw new AppError('INVALID_JSON');
  }
}

async function resolveActor(kernel: Kernel, c: Context): Promise<{ actor: Actor; secret: string }> {
  const credential = credentialOf(c);
  if (!credential) throw new AppError('UNAUTHENTICATED');
  if (credential.fromCookie && !SAFE_METHODS.has(c.req.method) && isCrossSite(c)) throw new AppError('CSRF_REJECTED');
  return { actor: await cachedAuthenticate(kernel, credential.secret), secret: credential.secret };
}

/** Authorization happens before the body is read: a caller without the right learns nothing more. */
async function authorize(kernel: Kernel, route: RouteSpec, actor: Actor, params: Record<string, string>): Promise<UnitScope | null> {
  const { access } = route;
  switch (access.kind) {
    case 'public':
    case 'self':
      return null;
    case 'unit': {
      const unitId = params.unitId;
      if (!unitId) throw new Error(`route ${route.path} has unit access but no :unitId`);
      return authorizeUnit(kernel.db, actor, unitId, access.permission);
    }
    case 'system':
      if (!isSystemAdmin(actor) || !ROLE_PERMISSIONS.system_admin.includes(access.permission)) {
        throw new AppError('FORBIDDEN', { permission: access.permission });
      }
      return null;
    case 'anyUnit':
      if (!holdsAnywhere(actor, access.permission)) throw new AppError('FORBIDDEN', { permission: access.permission });
      return null;
  }
}

/**
 * PostgreSQL refuses some values zod lets through and SQLite stores: an id beyond its INTEGER
 * column (ids are validated as safe integers), a NUL character in text. Those are the client's
 * input failing the column's own input conversion (the messages below are only ever produced for
 * a literal or bound value, never for arithmetic), so they answer 400 like any invalid input,
 * not 500. The transaction has rolled back: nothing was written.
 */
function inputRefusedByDatabase(error: unknown): AppError | null {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string') return null;
  const conversion =
    (code === '22003' && /^value ".*" is out of range for type \w+$/s.test(message)) ||
    (code === '22P02' && /^invalid input syntax for type \w+/.test(message)) ||
    (code === '22021' && /0x00$/.test(message));
  if (!conversion) return null;
  return new AppError('VALIDATION_FAILED', { where: 'input', issues: [{ path: '', message: message.slice(0, 200), code: 'database_input' }] });
}

/** The OpenAPI document is a route like any other, describing the list it belongs to. */
export function withOpenApi(routes: RouteSpec[]): RouteSpec[] {
  const document = buildOpenApi(routes);
  return [
    ...routes,
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      tag: 'system',
      summary: 'OpenAPI 3.1 document of this API',
      access: { kind: 'public' },
      handler: async () => document,
    }),
  ];
}

/** A command route: its `prepare` step (outside any transaction), then the command in the one transaction. */
async function runPrepared(kernel: Kernel, route: RouteSpec & { command: NonNullable<RouteSpec['command']> }, context: HandlerContext<unknown, unknown, unknown>) {
  const prepared = route.prepare ? await route.prepare(context) : undefined;
  return runCommand(kernel, (tx) => route.command({ ...context, tx, prepared }));
}

export function createApp(kernel: Kernel, routes: RouteSpec[] = allRoutes) {
  const app = new Hono();
  app.use('*', securityHeaders());

  for (const route of withOpenApi(routes)) {
    const limit = limitBody(route.maxBodyBytes ?? MAX_BODY_BYTES);
    app.on(route.method.toUpperCase(), route.path, timed(`${route.method.toUpperCase()} ${route.path}`), limit, async (c) => {
      const headersSet = watchHeaders(c);
      const lang = langFrom(c.req.header('accept-language'));
      const who = route.access.kind === 'public' ? null : await resolveActor(kernel, c);
      const params = parseWith(route.params, c.req.param(), 'params') ?? {};
      const scope = who ? await authorize(kernel, route, who.actor, c.req.param()) : null;
      const query = parseWith(route.query, c.req.query(), 'query');
      const body = route.body ? parseWith(route.body, await readJsonBody(c), 'body') : undefined;
      const context = {
        kernel,
        c,
        lang,
        actor: who?.actor ?? null,
        secret: who?.secret ?? null,
        scope,
        params,
        query,
        body,
        clientAddress: clientAddressOf(c, kernel.config.trustProxy),
      };
      const result = route.command
        ? await runPrepared(kernel, route, context)
        : await route.handler(context);
      if (result instanceof Response) return result;
      const status = route.status ?? 200;
      return headersSet() ? c.json(result as object, status) : jsonAnswer(result, status);
    });
  }

  // The web app: built assets as files (hashed names, cached for good), and index.html for every
  // other non-API GET so client-side routes load the app. API paths fall through to the 404 below.
  if (existsSync(WEB_ROOT)) {
    const isApi = (path: string) => path === '/api' || path.startsWith('/api/');
    const assets = serveStatic({
      root: WEB_ROOT,
      onFound: (path, c) => {
        if (path.includes('/assets/')) c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    });
    const shell = serveStatic({ root: WEB_ROOT, path: 'index.html', onFound: (_p, c) => c.header('Cache-Control', 'no-cache') });
    app.get('*', (c, next) => (isApi(c.req.path) ? next() : assets(c, next)));
    app.get('*', (c, next) => (isApi(c.req.path) || c.req.path.startsWith('/assets/') ? next() : shell(c, next)));
  }

  app.notFound((c) => c.json(new AppError('NOT_FOUND', { path: c.req.path }).toBody(langFrom(c.req.header('accept-language'))), 404));
  app.onError((error, c) => {
    const lang = langFrom(c.req.header('accept-language'));
    if (error instanceof AppError) {
      if (error.code === 'LOGIN_LOCKED') c.header('Retry-After', String(error.details.retryAfterSeconds));
      // The rest of an oversized body is still on its way: the connection cannot carry another
      // request, so say so, or a client pooling connections reuses it and has its next request reset.
      if (error.code === 'PAYLOAD_TOO_LARGE') c.header('Connection', 'close');
      return c.json(error.toBody(lang), error.status);
    }
    const refused = inputRefusedByDatabase(error);
    if (refused) return c.json(refused.toBody(lang), refused.status);
    console.error(`[unibudget] ${c.req.method} ${c.req.path} failed:`, error);
    return c.json(new AppError('INTERNAL').toBody(lang), 500);
  });
  return app;
}
