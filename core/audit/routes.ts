import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { UnitParams } from '../units/schema.js';
import { AuditEntry, AuditListQuery, VerifyResult } from './schema.js';
import { rowToEntry, verifyChain } from './service.js';

export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/audit/verify',
    tag: 'audit',
    summary: '审计链校验 Verify the whole audit hash chain and name the first broken link',
    access: { kind: 'anyUnit', permission: 'audit.read' },
    response: VerifyResult,
    handler: async ({ kernel }) => verifyChain(kernel.db),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/audit',
    tag: 'audit',
    summary: '审计日志 Audit entries of a unit, oldest first, paged by sequence number',
    access: { kind: 'unit', permission: 'audit.read' },
    params: UnitParams,
    query: AuditListQuery,
    response: z.array(AuditEntry),
    handler: async ({ kernel, scope, query }) => {
      const rows = await kernel.db
        .selectFrom('audit_log')
        .selectAll()
        .where('unit_id', '=', scope!.unitId)
        .$if(query.entity !== undefined, (qb) => qb.where('entity', '=', query.entity!))
        .$if(query.entityId !== undefined, (qb) => qb.where('entity_id', '=', query.entityId!))
        .$if(query.action !== undefined, (qb) => qb.where('action', '=', query.action!))
        .$if(query.afterSeq !== undefined, (qb) => qb.where('seq', '>', query.afterSeq!))
        .orderBy('seq')
        .limit(query.limit)
        .execute();
      return rows.map(rowToEntry);
    },
  }),
];
