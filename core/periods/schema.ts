import { z } from 'zod';
import { UnitId } from '../units/schema.js';

export const Year = z.coerce.number().int().min(2000).max(2100);
export const Month = z.coerce.number().int().min(1).max(12);

export const FiscalYearParams = z.object({ unitId: UnitId, year: Year });
export const PeriodParams = z.object({ unitId: UnitId, year: Year, month: Month });

export const CreateFiscalYearBody = z.object({ year: z.number().int().min(2000).max(2100) });
export const ReopenBody = z.object({ reason: z.string().trim().min(4, '请说明反结账原因（至少 4 个字）').max(500) });

// The answers the web app reads are shared contracts of the SDK.
export { FiscalYearView, PeriodView } from '@unibudget/sdk/contracts/kernel';
