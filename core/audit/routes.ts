import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { UnitParams } from '../units/schema.js';
import { AuditEntry, AuditListQuery, VerifyResult } from './schema.js';
import { listAuditEntries, verifyChain } from './service.js';

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
    handler: async ({ kernel, scope, query }) => listAuditEntries(kernel.db, scope, query),
  }),
];
