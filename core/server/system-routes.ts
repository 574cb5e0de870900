import { sql } from 'kysely';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { AppError } from '../errors.js';
import { VERSION } from '../version.js';

export const systemRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/health',
    tag: 'system',
    summary: '健康检查 Liveness and database reachability',
    access: { kind: 'public' },
    response: z.object({ status: z.literal('ok'), version: z.string(), database: z.enum(['sqlite', 'postgres']), time: z.string() }),
    handler: async ({ kernel }) => {
      try {
        await sql`select 1`.execute(kernel.db);
      } catch {
        throw new AppError('UNAVAILABLE', { database: kernel.dialect });
      }
      return { status: 'ok' as const, version: VERSION, database: kernel.dialect, time: new Date().toISOString() };
    },
  }),
];
