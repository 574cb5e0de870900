import { z } from 'zod';
// The answers the web app reads are shared contracts of the SDK.
import { Track } from '@unibudget/sdk/contracts/reports';
export { JournalEntry, JournalLine, ReportView, Track, TrialBalanceView, YearEndView } from '@unibudget/sdk/contracts/reports';

const Year = z.coerce.number().int().min(2000).max(2100);
const Month = z.coerce.number().int().min(1).max(12);
const Bool = z.enum(['true', 'false']).default('false');
export const ReportFormat = z.enum(['json', 'xlsx', 'csv']).default('json').describe('json, or a download: xlsx (standard table layout) or csv');

export const JournalQuery = z.object({
  track: Track.optional(),
  year: Year.optional(),
  month: Month.optional(),
  account: z.string().regex(/^[0-9]{4,6}$/, '科目编码应为 4-6 位数字').optional().describe('account code; a 4-digit code includes its sub-accounts'),
  refType: z.enum(['payment', 'transfer', 'adjustment']).optional().describe('with refId: the entries of one source document'),
  refId: z.coerce.number().int().positive().optional().describe('the source document id (with refType)'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
}).refine((q) => (q.refType === undefined) === (q.refId === undefined), { message: 'refType 与 refId 须同时给出', path: ['refId'] });

export const TrialBalanceQuery = z.object({
  track: Track,
  year: Year,
  month: Month.optional().describe('omit for the whole year'),
  consolidated: Bool.describe('true: the unit and its subordinates together (read-only)'),
});
export const ChartView = z.array(z.object({ code: z.string(), name: z.string(), track: Track, category: z.string(), normal: z.enum(['debit', 'credit']), parent: z.string().nullable(), postable: z.boolean() }));

export const ExecutionQuery = z.object({
  year: Year,
  month: Month.optional().describe('report as of the end of this month (time progress = month / 12); defaults to the current month in the current year, else 12'),
  consolidated: Bool,
  format: ReportFormat,
});
export const DisclosureQuery = z.object({
  year: Year,
  basis: z.enum(['budget', 'actual']).default('budget').describe('budget 预算数 (indicator amounts) · actual 执行数 (paid)'),
  consolidated: Bool,
  format: ReportFormat,
});
export const FinalAccountsQuery = z.object({ year: Year, consolidated: Bool, format: ReportFormat });

export const YearEndQuery = z.object({ year: Year });
export const YearEndBody = z.object({ year: z.number().int().min(2000).max(2100) });
