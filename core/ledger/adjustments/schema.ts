import { z } from 'zod';
import { IsoDate } from '../indicators/schema.js';
import { MAX_FEN } from '@unibudget/sdk/contracts/money';
// The answers the web app reads are shared contracts of the SDK.
export { AdjustmentView } from '@unibudget/sdk/contracts/ledger';

/** 追加/追减: an indicator grows or shrinks, usually on a reply of the finance bureau (批复文号). */
export const AdjustmentDraft = z.object({
  indicatorId: z.number().int().positive(),
  amount: z
    .number()
    .int('金额必须是整数（分）')
    .min(-MAX_FEN, '金额不能超过 1,000 亿元')
    .max(MAX_FEN, '金额不能超过 1,000 亿元')
    .refine((n) => n !== 0, '调整金额不能为 0')
    .describe('fen: positive 追加, negative 追减'),
  reason: z.string().trim().min(2).max(500),
  docNo: z.string().trim().max(60).optional().describe('批复文号'),
  date: IsoDate,
});
export type AdjustmentDraft = z.infer<typeof AdjustmentDraft>;
