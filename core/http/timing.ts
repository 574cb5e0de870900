import type { MiddlewareHandler } from 'hono';
import { coreMetrics } from '../health/metrics.js';

/**
 * Times one API route (its method and path pattern, never the concrete path: ids would make one
 * series per document) and counts the request toward its unit's volume. Errors answered by the
 * app's error handler are counted with their status.
 */
export function timed(route: string): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      coreMetrics.recordRequest(route, c.req.param('unitId') ?? null, c.res.status, performance.now() - started);
    }
  };
}
