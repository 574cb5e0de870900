import fc from 'fast-check';
import { sql } from 'kysely';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../core/server/registry.js';
import type { RouteSpec } from '../../core/http/route.js';
import { ROLE_PERMISSIONS, type Permission, type Role } from '../../core/permissions/roles.js';
import { DEMO_USERS } from '../../core/demo/seed.js';
import { createTestEnv, type TestEnv } from '../support/kernel.js';
import { issue, submitPayment } from '../support/ledger.js';
import { PROFILE, SEED } from './profile.js';

/**
 * Hostile input for every route, generated from the route's own zod schemas: each request is a
 * plausible valid request with one part replaced by something hostile (wrong type, huge or deep,
 * negative/fractional/unsafe fen, injection strings, unicode edge cases, path traversal), or a
 * hostile body as a whole. Called as a user who holds the route's permission, so validation and
 * the domain code are reached, not just the permission check. Every answer must be below 500; a
 * refusal must carry the error shape and leave every table and the audit chain as they were.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonSchema = {
  type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]; items?: JsonSchema; enum?: Json[];
  const?: Json; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; minimum?: number; exclusiveMinimum?: number; maximum?: number;
  minLength?: number; maxLength?: number; pattern?: string; format?: string; minItems?: number; default?: Json;
};

const HUGE = 'x'.repeat(200_000);
const FIXED_HOSTILE: Json[] = [
  null, true, false, 0, -1, -0.01, 0.5, 1.005, 100.1, 1e21, -1e21, 9007199254740992, 9007199254740993, -9007199254740993, 2 ** 63, 1e308,
  '', ' ', '0', '-1', '1.5', '1e3', 'NaN', 'Infinity', 'null', 'true', '[]', '{}',
  "' OR '1'='1", "'; DROP TABLE users; --", '" OR ""="', '1; select pg_sleep(5); --', "1' union select password_hash from users --", '\\',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '{{7*7}}', '${process.exit(1)}', '__proto__', 'constructor',
  '\u0000', 'a\u0000b', '\uD800', '\uDFFF', '\u202Eabc', '\uFEFF', '\u200B', 'e\u0301', '𝕏𝕐', '👨‍👩‍👧‍👦', 'Ａ１', 'İı', '\r\n\t', '\u2028\u2029',
  '../../../../etc/passwd', '..\\..\\windows\\win.ini', '/etc/passwd', '%2e%2e%2f%2e%2e%2f', 'file\u0000.pdf', 'CON', '.', '..', 'a/../../b.pdf',
  HUGE, '测'.repeat(50_000),
  [], [null], {}, { __proto__: { polluted: true } } as Json, JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}') as Json,
  deepObject(200), deepArray(200),
];
/** Raw path segments: what a client can put in a URL that never decodes cleanly. */
const RAW_SEGMENTS = ['%', '%zz', '%E0%A4%A', '%00', '%2e%2e', '..%2f..%2fetc%2fpasswd', '%252e', encodeURIComponent(HUGE.slice(0, 5000)), '-1', '0', '1.5', '9007199254740993', '1e3', '0x10', ' 1'];

function deepObject(depth: number): Json {
  let value: Json = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}
function deepArray(depth: number): Json {
  let value: Json = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: fc.constantFrom(...FIXED_HOSTILE), weight: 6 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double({ noNaN: true, noDefaultInfinity: true })), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, weight: 1 },
);

function toJsonSchema(schema: z.ZodType | undefined): JsonSchema | null {
  if (!schema) return null;
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Values that make a request get past validation into the domain code, when nothing is hostile. */
const KNOWN: Record<string, Json> = { year: 2026, month: 6, date: '2026-06-10', unitId: 'a', amount: 100, username: 'a.staff' };

function sampleValid(schema: JsonSchema | undefined, name = '', depth = 0): Json {
  if (!schema || depth > 6) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0]!;
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return sampleValid(options.find((o) => o.type !== 'null') ?? options[0], name, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (name in KNOWN && (type === 'integer' || type === 'number' || type === 'string')) {
    const known = KNOWN[name]!;
    if (typeof known === (type === 'string' ? 'string' : 'number')) return known;
  }
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const key of schema.required ?? []) out[key] = sampleValid(schema.properties?.[key], key, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleValid(schema.items, name, depth + 1));
    case 'integer':
    case 'number': {
      const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      return Math.min(Math.max(low, 1), schema.maximum ?? Number.MAX_SAFE_INTEGER);
    }
    case 'boolean':
      return false;
    case 'string': {
      if (schema.format === 'date') return '2026-06-10';
      if (schema.format === 'date-time') return '2026-06-10T08:00:00.000Z';
      if (schema.format === 'email') return 'fuzz@example.cn';
      if (schema.pattern) {
        const [match] = fc.sample(fc.stringMatching(new RegExp(schema.pattern)), { seed: 1, numRuns: 1 });
        if (match !== undefined && match.length <= (schema.maxLength ?? Infinity) && match.length >= (schema.minLength ?? 0)) return match;
      }
      return 'x'.repeat(Math.max(schema.minLength ?? 0, 1)).slice(0, schema.maxLength ?? 1000) || '测试';
    }
    default:
      return null;
  }
}

interface Mutation {
  where: 'params' | 'query' | 'body';
  key: string;
  value: Json;
  /** For params: a raw, already-encoded segment instead of the encoded value. */
  raw?: string;
}

interface Plan {
  route: RouteSpec;
  username: string | null;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Json | undefined;
  bodyKeys: string[];
  /** Fields inside nested objects and arrays of objects ('attachments.0.name'), with their container's valid sample. */
  nested: Array<{ path: string; container: Json }>;
  queryKeys: string[];
  paramKeys: string[];
}

const ROLE_OF = new Map(DEMO_USERS.map((u) => [u.username, u.role as Role]));
const CANDIDATES = ['a.finance', 'a.admin', 'a.staff', 'a.head', 'a.leader', 'a.auditor', 'a.dev'];
const holds = (username: string, permission: Permission) => ROLE_PERMISSIONS[ROLE_OF.get(username)!].includes(permission);

function userFor(route: RouteSpec): string | null {
  const { access } = route;
  switch (access.kind) {
    case 'public':
      return null;
    case 'self':
      return 'a.dev';
    case 'system':
      return 'sysadmin';
    case 'anyUnit':
    case 'unit': {
      const found = CANDIDATES.find((u) => holds(u, access.permission));
      if (!found) throw new Error(`no demo user of unit a holds ${access.permission}`);
      return found;
    }
  }
}

function planOf(route: RouteSpec): Plan {
  const paramSchema = toJsonSchema(route.params);
  const querySchema = toJsonSchema(route.query);
  const bodySchema = toJsonSchema(route.body);
  const paramKeys = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const params: Record<string, string> = {};
  for (const key of paramKeys) params[key] = String(sampleValid(paramSchema?.properties?.[key] ?? { type: 'integer' }, key));
  const query: Record<string, string> = {};
  const queryValid = querySchema ? (sampleValid(querySchema) as Record<string, Json>) : {};
  for (const [key, value] of Object.entries(queryValid)) query[key] = String(value);
  return {
    route,
    username: userFor(route),
    params,
    query,
    body: bodySchema ? sampleValid(bodySchema) : undefined,
    bodyKeys: Object.keys(bodySchema?.properties ?? {}),
    nested: nestedPaths(bodySchema),
    queryKeys: Object.keys(querySchema?.properties ?? {}),
    paramKeys,
  };
}

function nestedPaths(schema: JsonSchema | null): Plan['nested'] {
  const out: Plan['nested'] = [];
  for (const [key, property] of Object.entries(schema?.properties ?? {})) {
    const options = property.anyOf ?? property.oneOf;
    const inner = options ? options.find((o) => o.type === 'object' || o.type === 'array') ?? property : property;
    if (inner.type === 'object' && inner.properties) {
      const container = sampleValid({ ...inner, required: Object.keys(inner.properties) }, key);
      for (const field of Object.keys(inner.properties)) out.push({ path: `${key}.${field}`, container });
    } else if (inner.type === 'array' && inner.items?.type === 'object' && inner.items.properties) {
      const item = sampleValid({ ...inner.items, required: Object.keys(inner.items.properties) }, key);
      for (const field of Object.keys(inner.items.properties)) out.push({ path: `${key}.0.${field}`, container: [item] });
    }
  }
  return out;
}

function mutationOf(plan: Plan): fc.Arbitrary<Mutation> {
  const parts: Array<{ arbitrary: fc.Arbitrary<Mutation>; weight: number }> = [];
  if (plan.nested.length) {
    parts.push({ arbitrary: fc.record({ where: fc.constant('body' as const), key: fc.constantFrom(...plan.nested.map((n) => n.path)), value: hostileValue }), weight: 3 });
  }
  if (plan.bodyKeys.length) {
    parts.push({ arbitrary: fc.record({ where: fc.constant('body' as const), key: fc.constantFrom(...plan.bodyKeys), value: hostileValue }), weight: 5 });
  }
  if (plan.queryKeys.length) {
    parts.push({ arbitrary: fc.record({ where: fc.constant('query' as const), key: fc.constantFrom(...plan.queryKeys), value: hostileValue }), weight: 2 });
  }
  if (plan.paramKeys.length) {
    parts.push({
      arbitrary: fc.record({ where: fc.constant('params' as const), key: fc.constantFrom(...plan.paramKeys), value: hostileValue, raw: fc.option(fc.constantFrom(...RAW_SEGMENTS), { nil: undefined }) }),
      weight: 2,
    });
  }
  if (!parts.length) {
    // No input at all: hostile query strings must still be ignored or refused cleanly.
    parts.push({ arbitrary: fc.record({ where: fc.constant('query' as const), key: fc.constantFrom('id', 'year', 'unitId', '__proto__'), value: hostileValue }), weight: 1 });
  }
  return fc.oneof(...parts);
}

function stringOf(value: Json): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** encodeURIComponent refuses lone surrogates; such a value goes as its raw UTF-16 escape text. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(JSON.stringify(value));
  }
}

function requestOf(plan: Plan, mutation: Mutation | null, bodyOverride?: { text: string; type?: string }) {
  const params = { ...plan.params };
  const rawParams: Record<string, string> = {};
  const query = new URLSearchParams(plan.query);
  let body = plan.body;
  if (mutation?.where === 'params') {
    if (mutation.raw !== undefined) rawParams[mutation.key] = mutation.raw;
    else params[mutation.key] = stringOf(mutation.value);
  } else if (mutation?.where === 'query') {
    const text = stringOf(mutation.value);
    query.set(mutation.key, text.slice(0, 8000));
    if (Array.isArray(mutation.value)) query.append(mutation.key, 'second');
  } else if (mutation?.where === 'body') {
    const [top, ...rest] = mutation.key.split('.');
    if (rest.length === 0) {
      body = { ...(body as Record<string, Json>), [top!]: mutation.value };
    } else {
      // A hostile value deep inside an otherwise valid object or array item, e.g. an attachment's file name.
      const container = structuredClone(plan.nested.find((n) => n.path === mutation.key)!.container) as Record<string, Json> | Json[];
      const target = (Array.isArray(container) ? container[0] : container) as Record<string, Json>;
      target[rest[rest.length - 1]!] = mutation.value;
      body = { ...(body as Record<string, Json>), [top!]: container };
    }
  }
  const path = plan.route.path
    .replace(/:(\w+)/g, (_m, key: string) => rawParams[key] ?? encodeSegment(params[key]!))
    .replace('*', 'fuzz');
  let search = '';
  try {
    search = query.toString();
  } catch {
    search = '';
  }
  const url = path + (search ? `?${search}` : '');
  if (bodyOverride) return { url, text: bodyOverride.text, type: bodyOverride.type ?? 'application/json' };
  return { url, text: body === undefined ? undefined : safeStringify(body), type: 'application/json' };
}

function safeStringify(value: Json): string {
  return JSON.stringify(value);
}

let env: TestEnv;
let tables: string[] = [];
const tokens = new Map<string, string>();
const tally = new Map<string, number>();

/** Every table's row count and the audit head, in one round trip. */
async function footprint(): Promise<string> {
  const counts = tables.map((t) => sql`(select count(*) from ${sql.table(t)})`);
  const row = await sql<Record<string, unknown>>`select ${sql.join(counts.map((c, i) => sql`${c} as ${sql.ref(`c${i}`)}`))}, (select last_seq from audit_head where id = 1) as audit_seq`.execute(env.kernel.db);
  return JSON.stringify(row.rows[0]);
}

async function send(plan: Plan, request: { url: string; text: string | undefined; type: string }) {
  const headers: Record<string, string> = { 'accept-language': 'en' };
  if (plan.username) headers.authorization = `Bearer ${tokens.get(plan.username)}`;
  if (request.text !== undefined) headers['content-type'] = request.type;
  const response = await env.app.request(request.url, {
    method: plan.route.method.toUpperCase(),
    headers,
    ...(request.text !== undefined && plan.route.method !== 'get' ? { body: request.text } : {}),
  });
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, body: null as unknown, type };
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // exports (xlsx, csv) are not JSON
  }
  return { status: response.status, body, type };
}

/** One request and everything that must hold about its answer. Returns a failure text or null. */
async function check(plan: Plan, request: { url: string; text: string | undefined; type: string }): Promise<string | null> {
  const before = await footprint();
  const result = await send(plan, request);
  const outcome = `${result.status} ${(result.body as { error?: { code?: string } } | null)?.error?.code ?? ''}`;
  tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
  const where = `${plan.route.method.toUpperCase()} ${request.url.slice(0, 200)} body ${String(request.text).slice(0, 200)}`;
  if (result.status >= 500) return `${where} → ${result.status} ${JSON.stringify(result.body).slice(0, 300)}`;
  if (result.status >= 400) {
    const error = (result.body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string' || !error.message || typeof error.details !== 'object' || error.details === null) {
      return `${where} → ${result.status} without the error shape: ${JSON.stringify(result.body).slice(0, 300)}`;
    }
    const after = await footprint();
    if (after !== before) return `${where} → ${result.status} ${error.code} but the database changed: ${before} → ${after}`;
  }
  if ((Object.prototype as Record<string, unknown>).polluted !== undefined) return `${where} polluted Object.prototype`;
  return null;
}

// Signing out ends the fuzzing user's own session: it has nothing to validate, so it is left out.
const ROUTES = allRoutes.filter((r) => !(r.method === 'post' && r.path === '/api/auth/logout'));

beforeAll(async () => {
  env = await createTestEnv();
  for (const username of new Set(ROUTES.map(userFor).filter((u): u is string => u !== null))) tokens.set(username, await env.login(username));
  // Something for the valid parts of a request to point at: an indicator and a pending payment (ids 1…).
  const ind = await issue(env, { amount: 1_000_000 });
  await submitPayment(env, ind.id, 1_000);
  const listed =
    env.kernel.dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(env.kernel.db)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(env.kernel.db);
  // Sign-in bookkeeping changes on refused sign-ins by design (that is the rate limiter's memory).
  tables = listed.rows.map((r) => r.name).filter((n) => !['sessions', 'login_attempts', 'kysely_migration', 'kysely_migration_lock'].includes(n)).sort();
});
afterAll(async () => {
  if (process.env.FUZZ_DEBUG) console.log([...tally.entries()].sort((a, b) => b[1] - a[1]));
  await env?.close();
});

describe(`fuzzing every route from its schema (seed ${SEED}, ${PROFILE.fuzzRunsPerRoute} random cases per route)`, () => {
  it('covers every route of the registry', () => {
    expect(ROUTES.length).toBeGreaterThan(90);
  });

  it.each(ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))('%s', async (_name, route) => {
    const plan = planOf(route);
    const failures: string[] = [];
    // Whole-body hostiles: wrong shapes, broken and deep JSON, over the size limit, wrong media type.
    if (route.body) {
      const limit = route.maxBodyBytes ?? 1024 * 1024;
      const bodies: Array<{ text: string; type?: string }> = [
        { text: 'null' }, { text: '[]' }, { text: '"text"' }, { text: '42' }, { text: '{"a":' }, { text: '\u0000' },
        { text: '{"__proto__":{"polluted":true}}' },
        { text: '['.repeat(100_000) + ']'.repeat(100_000) },
        { text: '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000) },
        { text: JSON.stringify({ ...(plan.body as object), padding: 'x'.repeat(limit + 1024) }) },
        { text: JSON.stringify(plan.body), type: 'text/plain' },
        { text: JSON.stringify(plan.body), type: 'application/x-www-form-urlencoded' },
      ];
      for (const body of bodies) {
        const failure = await check(plan, requestOf(plan, null, body));
        if (failure) failures.push(failure);
      }
    }
    // The plausible request itself: a 2xx or a clean refusal.
    const baseline = await check(plan, requestOf(plan, null));
    if (baseline) failures.push(baseline);
    expect(failures).toEqual([]);

    await fc.assert(
      fc.asyncProperty(mutationOf(plan), async (mutation) => {
        const failure = await check(plan, requestOf(plan, mutation));
        if (failure) throw new Error(failure);
      }),
      { numRuns: PROFILE.fuzzRunsPerRoute, seed: SEED, endOnFailure: false },
    );
  });

  it('reached the domain code, not only the validators', () => {
    // A fuzz that only ever hits zod proves little: many requests must pass validation and be
    // answered by the services (a success, or a refusal with a domain error code).
    const count = (match: (outcome: string) => boolean) => [...tally].filter(([o]) => match(o)).reduce((n, [, k]) => n + k, 0);
    expect(count((o) => o.startsWith('2'))).toBeGreaterThan(50);
    expect(count((o) => /^4\d\d (?!VALIDATION_FAILED|INVALID_JSON|UNSUPPORTED_MEDIA_TYPE|PAYLOAD_TOO_LARGE)[A-Z_]+$/.test(o))).toBeGreaterThan(50);
    expect(count((o) => o.startsWith('5'))).toBe(0);
  });
});
