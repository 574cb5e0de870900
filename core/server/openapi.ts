import { z } from 'zod';
import type { RouteSpec } from '../http/route.js';

const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe('Stable machine-readable code, e.g. PERIOD_CLOSED'),
    message: z.string().describe('Readable message (zh-CN by default, English with Accept-Language: en)'),
    details: z.record(z.string(), z.unknown()),
  }),
});

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
}

function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function parametersOf(route: RouteSpec) {
  const parameters: object[] = [];
  const pathNames = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const paramShape = route.params instanceof z.ZodObject ? route.params.shape : {};
  for (const name of pathNames) {
    const schema = (paramShape as Record<string, z.ZodType>)[name] ?? z.string();
    parameters.push({ name, in: 'path', required: true, schema: jsonSchema(schema, 'input') });
  }
  if (route.query instanceof z.ZodObject) {
    for (const [name, schema] of Object.entries(route.query.shape as Record<string, z.ZodType>)) {
      parameters.push({ name, in: 'query', required: !schema.safeParse(undefined).success, schema: jsonSchema(schema, 'input') });
    }
  }
  return parameters;
}

function accessText(route: RouteSpec): string {
  const { access } = route;
  switch (access.kind) {
    case 'public': return 'Public.';
    case 'self': return 'Any signed-in user, on their own account.';
    case 'unit': return `Requires \`${access.permission}\` at the unit (read permissions also reach subordinate units).`;
    case 'system': return `Requires \`${access.permission}\` system-wide (system administrator).`;
    case 'anyUnit': return `Requires \`${access.permission}\` in at least one unit.`;
  }
}

/** OpenAPI 3.1 generated from the same zod schemas the routes validate with. */
export function buildOpenApi(routes: RouteSpec[]) {
  const paths: Record<string, Record<string, object>> = {};
  const errorResponse = { description: 'Error', content: { 'application/json': { schema: jsonSchema(ErrorBody, 'output') } } };
  for (const route of routes) {
    const operation: Record<string, unknown> = {
      summary: route.summary,
      description: accessText(route),
      tags: [route.tag],
      operationId: `${route.method}_${route.path.replace(/[/:{}-]+/g, '_').replace(/^_|_$/g, '')}`,
      parameters: parametersOf(route),
      responses: {
        [String(route.status ?? 200)]: {
          description: 'OK',
          content: { 'application/json': { schema: route.response ? jsonSchema(route.response, 'output') : {} } },
        },
        '4XX': errorResponse,
      },
    };
    if (route.access.kind !== 'public') operation.security = [{ bearer: [] }, { cookie: [] }];
    if (route.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
    }
    (paths[toOpenApiPath(route.path)] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'unibudget API',
      version: '1.0.0',
      description:
        '预算管理一体化系统 API. Amounts are integers in fen (分) in fields named `amount`. ' +
        'Errors are `{ "error": { "code", "message", "details" } }`.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Session token from /api/auth/login or an API token' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'ub_session' },
      },
    },
    paths,
  };
}
