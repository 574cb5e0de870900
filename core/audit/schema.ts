import { z } from 'zod';

// The answers the web app reads are shared contracts of the SDK.
export { AuditEntry, VerifyResult } from '@unibudget/sdk/contracts/kernel';

export const AuditListQuery = z.object({
  entity: z.string().max(64).optional(),
  entityId: z.string().max(128).optional(),
  action: z.string().max(64).optional(),
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditListQuery = z.infer<typeof AuditListQuery>;
