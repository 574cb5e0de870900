import { z } from 'zod';

export const AuditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorId: z.number().int().nullable(),
  actorName: z.string(),
  unitId: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditListQuery = z.object({
  entity: z.string().max(64).optional(),
  entityId: z.string().max(128).optional(),
  action: z.string().max(64).optional(),
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const VerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  headSeq: z.number().int(),
  headHash: z.string(),
  brokenAt: z.number().int().optional(),
  reason: z.enum(['hash_mismatch', 'prev_mismatch', 'missing_entry', 'head_mismatch']).optional(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;
