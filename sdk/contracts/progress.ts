import { z } from 'zod';

/**
 * 序时进度 (time progress) as the core answers it (`GET /api/units/:unitId/time-progress`, and the same
 * shape for plugins through `host.ledger.timeProgress`). The definition lives in the core
 * (core/ledger/time-progress.ts); the web app and plugins take the value, they never compute it.
 */
export const TimeProgressBasis = z.enum(['month', 'day']).describe('month: completed months ÷ 12 (a month counts on its last day) · day: elapsed days ÷ days in the year');
export type TimeProgressBasis = z.infer<typeof TimeProgressBasis>;

export const TimeProgressView = z.object({
  year: z.number().int(),
  asOf: z.string().describe('ISO date the value stands on'),
  basis: TimeProgressBasis,
  value: z.number().min(0).max(1).describe('fraction, 4 places (0.9167 = 91.67%)'),
  completedMonths: z.number().int().min(0).max(12).describe('months of the year completed on asOf (a month counts on its last day)'),
  byMonth: z.array(z.number().min(0).max(1)).length(12).describe('the yardstick: the value at the end of each month 1–12 of the year'),
  definition: z.object({ zh: z.string(), en: z.string() }),
});
export type TimeProgressView = z.infer<typeof TimeProgressView>;
