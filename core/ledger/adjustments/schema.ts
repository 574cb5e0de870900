import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
import { Fen, IsoDate } from '../indicators/schema.js';
import { Finding } from '../rules/schema.js';
import { StepView } from '../approvals/schema.js';

const DECISION_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
const Override = z.object({ reason: z.string().trim().min(4).max(500) });

export const TransferDraft = z.object({
  fromIndicatorId: z.number().int().positive(),
  toIndicatorId: z.number().int().positive(),
  amount: Fen,
  reason: z.string().trim().min(2).max(500),
  date: IsoDate,
  override: Override.optional(),
});
export const TransferCheckBody = TransferDraft.partial().extend({
  fromIndicatorId: z.number().int().positive(),
  amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const AdjustmentDraft = z.object({
  indicatorId: z.number().int().positive(),
  amount: z
    .number()
    .int('金额必须是整数（分）')
    .min(-Number.MAX_SAFE_INTEGER)
    .max(Number.MAX_SAFE_INTEGER)
    .refine((n) => n !== 0, '调整金额不能为 0')
    .describe('fen: positive 追加, negative 追减'),
  reason: z.string().trim().min(2).max(500),
  docNo: z.string().trim().max(60).optional().describe('批复文号'),
  date: IsoDate,
});

export const DocParams = z.object({ unitId: UnitId, id: z.coerce.number().int().positive() });
export const StatusQuery = z.object({ status: z.enum(DECISION_STATUSES).optional(), indicatorId: z.coerce.number().int().positive().optional() });

const Trail = {
  steps: z.array(StepView),
  comments: z.array(z.object({ action: z.string(), body: z.string(), authorName: z.string(), at: z.string() })),
};

export const TransferView = z.object({
  id: z.number().int(),
  fromIndicatorId: z.number().int(),
  toIndicatorId: z.number().int(),
  amount: z.number().int(),
  reason: z.string(),
  date: z.string(),
  status: z.enum(DECISION_STATUSES),
  fastTrack: z.boolean().describe('within the flexible quota: one approval'),
  warnings: z.array(Finding),
  createdBy: z.number().int(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  ...Trail,
});

export const AdjustmentView = z.object({
  id: z.number().int(),
  indicatorId: z.number().int(),
  amount: z.number().int(),
  reason: z.string(),
  docNo: z.string(),
  date: z.string(),
  status: z.enum(DECISION_STATUSES),
  createdBy: z.number().int(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  ...Trail,
});

export const TransferCheckResult = z.object({
  ok: z.boolean(),
  findings: z.array(Finding),
  available: z.number().int(),
  fastTrack: z.boolean(),
  steps: z.array(z.object({ role: z.string(), label: z.string() })),
});
