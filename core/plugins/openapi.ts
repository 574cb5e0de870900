import { routeRoles, type Manifest } from '../../sdk/manifest.js';

/**
 * A plugin's own routes as an OpenAPI 3.1 document, for one unit: the core's document has one generic
 * entry for every plugin route (`…/plugins/{pluginId}/routes/*`); an integrator wants each route of the
 * plugin a unit has enabled, with who may call it. Plugin answers are the plugin's own JSON, so their
 * schemas are open; errors have the core's shape.
 */
export function pluginOpenApi(manifest: Manifest, unitId: string, routesGranted: boolean) {
  const error = {
    description: 'The standard error shape (a refusal of the plugin carries a code `pluginId.CODE`)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routesGranted ? manifest.routes : []) {
    const roles = routeRoles(route);
    // Parameter segments (`:projectId`) are OpenAPI path templates (`{projectId}`).
    const names = route.path.split('/').filter((seg) => seg.startsWith(':')).map((seg) => seg.slice(1));
    const path = `/api/units/${unitId}/plugins/${manifest.id}/routes/${route.path.split('/').map((seg) => (seg.startsWith(':') ? `{${seg.slice(1)}}` : seg)).join('/')}`;
    const method = route.method.toLowerCase();
    paths[path] = {
      ...paths[path],
      [method]: {
        tags: [manifest.id],
        operationId: `${manifest.id}_${method}_${route.path.replace(/[^a-zA-Z0-9]+/g, '_')}`,
        summary: route.summary || `${route.method} ${route.path}`,
        description: roles
          ? `Callers holding one of these roles in unit ${unitId} itself: ${roles.join(', ')}.`
          : `Any reader of unit ${unitId} (GET routes are read-only: the plugin cannot write during them).`,
        'x-unibudget-roles': roles ?? [],
        ...(names.length
          ? { parameters: names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}$' } })) }
          : {}),
        ...(route.method !== 'GET'
          ? { requestBody: { required: false, content: { 'application/json': { schema: {} } } }, 'x-unibudget-audited': true }
          : {}),
        responses: {
          200: { description: 'The plugin\'s answer (JSON)', content: { 'application/json': { schema: {} } } },
          400: error, 401: error, 403: error, 404: error, 409: error, 422: error, 429: error, 500: error,
        },
        security: [{ bearer: [] }],
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: `${manifest.name.zh} ${manifest.name.en} (${manifest.id})`,
      version: manifest.version,
      description: `${typeof manifest.description === 'string' ? manifest.description : manifest.description.en}\n\nRoutes of plugin ${manifest.id} ${manifest.version} as enabled in unit ${unitId}${routesGranted ? '' : ' (the unit has not granted it `routes`: none is callable)'}.`,
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message', 'details'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } } },
        },
      },
    },
  };
}
