import { z } from 'zod';
import { ROLES } from '../../permissions/roles.js';
import { UnitId } from '../../units/schema.js';

export const APPROVAL_TARGETS = ['payment', 'transfer', 'adjustment'] as const;
export const ApprovalTarget = z.enum(APPROVAL_TARGETS);

/**
 * One tier of an approval flow. With no condition it always applies; with conditions it applies
 * when ANY holds (e.g. "over 50,000 yuan, or 三公经费, needs the leader").
 */
export const FlowStep = z.object({
  role: z.enum(ROLES).exclude(['system_admin', 'plugin_developer', 'auditor']),
  label: z.string().trim().min(1).max(40),
  when: z
    .object({
      amountAbove: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('fen; applies when amount > this'),
      economicPrefixes: z.array(z.string().regex(/^[0-9]{3,7}$/)).max(50).optional().describe('applies to these economic classes'),
      threePublic: z.boolean().optional().describe('applies to 三公经费 (30212, 30217, 30231, 31013)'),
    })
    .optional(),
});
export type FlowStep = z.infer<typeof FlowStep>;

export const FlowBody = z.object({
  name: z.string().trim().min(1).max(60),
  steps: z.array(FlowStep).min(1).max(8),
});

export const FlowView = FlowBody.extend({
  target: ApprovalTarget,
  version: z.number().int(),
  updatedAt: z.string(),
});

export const FlowParams = z.object({ unitId: UnitId, target: ApprovalTarget });

export const StepView = z.object({
  seq: z.number().int(),
  role: z.string(),
  label: z.string(),
  status: z.enum(['waiting', 'pending', 'approved', 'rejected', 'cancelled']),
  decidedBy: z.number().int().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  comment: z.string().nullable(),
});

export const DecisionBody = z.object({ comment: z.string().trim().max(500).optional() });

export const InboxItem = z.object({
  target: ApprovalTarget,
  targetId: z.number().int(),
  seq: z.number().int(),
  label: z.string(),
  amount: z.number().int(),
  summary: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
});
