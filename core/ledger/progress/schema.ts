import { z } from 'zod';
export { TimeProgressView } from '@unibudget/sdk/contracts/progress';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');

export const TimeProgressQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional().describe("the budget year; defaults to the year of `date`"),
  date: IsoDate.optional().describe("the day the value stands on; defaults to today's business date (China time)"),
});
