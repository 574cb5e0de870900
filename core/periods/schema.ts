import { z } from 'zod';
import { UnitId } from '../units/schema.js';

export const Year = z.coerce.number().int().min(2000).max(2100);
export const Month = z.coerce.number().int().min(1).max(12);

export const FiscalYearParams = z.object({ unitId: UnitId, year: Year });
export const PeriodParams = z.object({ unitId: UnitId, year: Year, month: Month });

export const CreateFiscalYearBody = z.object({ year: z.number().int().min(2000).max(2100) });
export const ReopenBody = z.object({ reason: z.string().trim().min(4, '请说明反结账原因（至少 4 个字）').max(500) });

export const PeriodView = z.object({
  year: z.number().int(),
  month: z.number().int(),
  status: z.enum(['open', 'closed']),
  closedAt: z.string().nullable(),
  closedBy: z.number().int().nullable(),
});

export const FiscalYearView = z.object({
  unitId: z.string(),
  year: z.number().int(),
  status: z.enum(['open', 'closed']).describe('closed once all twelve periods are closed'),
  periods: z.array(PeriodView),
});
export type FiscalYearView = z.infer<typeof FiscalYearView>;
