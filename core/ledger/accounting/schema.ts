import { z } from 'zod';
// The answers the web app reads are shared contracts of the SDK.
import { Track } from '@unibudget/sdk/contracts/reports';
export { JournalEntry, JournalLine, ReportView, Track, TrialBalanceView, YearEndView } from '@unibudget/sdk/contracts/reports';

const Year = z.coerce.number().int().min(2000).max(2100);
const Month = z.coerce.number().int().min(1).max(12);
const Bool = z.enum(['true', 'false']).default('false');
export const ReportFormat = z.enum(['json', 'xlsx', 'csv']).default('json').describe('json, or a download: xlsx (standard table layout) or csv');
/** A download opened by a link carries the browser's Accept-Language, not the app's: the app names its language here. */
const ReportLang = z.enum(['zh-CN', 'zh', 'en']).optional().describe('language of titles, headers and labels; default: Accept-Language, else zh-CN');

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
  month: Month.optional().describe('report as of the end of this month, or today when that comes first (序时进度 by the unit’s basis, GET /api/units/:unitId/time-progress); defaults to the current month in the current year, else 12'),
  consolidated: Bool,
  format: ReportFormat,
  lang: ReportLang,
});
const TableId = z.string().regex(/^[a-z_]{1,40}$/, '表标识应为小写字母与下划线').optional().describe('download one table of the set (its id); default: every table, one sheet each');
const Basis = z.enum(['budget', 'actual']).default('budget').describe('budget 预算数 (indicator amounts) · actual 执行数 (paid)');
const Threshold = z.coerce.number().min(0).max(1000).optional().describe('deviation threshold in percent (决算数 vs 预算数); default 10');
export const DisclosureQuery = z.object({ year: Year, basis: Basis, consolidated: Bool, format: ReportFormat, table: TableId, lang: ReportLang });
export const FinalAccountsQuery = z.object({ year: Year, consolidated: Bool, format: ReportFormat, table: TableId, threshold: Threshold, lang: ReportLang });
export const DisclosureChecksQuery = z.object({ year: Year, basis: Basis, consolidated: Bool });
export const FinalAccountsChecksQuery = z.object({ year: Year, consolidated: Bool, threshold: Threshold });
const CheckCell = z.object({ table: z.string(), row: z.string(), column: z.string(), value: z.union([z.string(), z.number(), z.null()]).describe('money in fen') });
export const ChecksView = z.object({
  ok: z.boolean(),
  failures: z.array(z.object({
    check: z.enum(['balance', 'hierarchy', 'row_sum', 'cross_table', 'three_public', 'ledger', 'deviation', 'missing_table']),
    message: z.string(),
    cells: z.array(CheckCell),
  })),
  checked: z.number().int().describe('comparisons made'),
  skipped: z.array(z.object({ check: z.string(), reason: z.string() })),
  explained: z.array(z.object({
    table: z.string(), line: z.string(), message: z.string(), explanation: z.string().describe('差异说明'), cells: z.array(CheckCell),
  })).describe('deviations beyond the threshold that the unit explained (差异说明): not failures'),
});

/** 决算 差异说明: one text per (year, table, line) of the lines the deviation check compares. */
export const EXPLANATION_MIN = 4;
export const EXPLANATION_MAX = 500;
const ExplainedTable = z.enum(['general_fiscal_expenditure', 'three_public']).describe('general_fiscal_expenditure (项 lines by functional code) or three_public (abroad, carPurchase, carRunning, reception)');
const ExplainedLine = z.string().min(1).max(40).regex(/^[A-Za-z0-9_]+$/, '行标识应为功能分类编码或三公项目标识');
export const ExplanationsQuery = z.object({ year: Year });
export const ExplanationBody = z.object({
  year: z.number().int().min(2000).max(2100),
  table: ExplainedTable,
  line: ExplainedLine,
  explanation: z.string().max(5000).describe(`the reason, ${EXPLANATION_MIN}–${EXPLANATION_MAX} characters once trimmed (else 422 EXPLANATION_INVALID)`),
});
export const ExplanationDeleteQuery = z.object({ year: Year, table: ExplainedTable, line: ExplainedLine });
export const ExplanationView = z.object({
  year: z.number().int(), table: z.string(), line: z.string(), explanation: z.string(),
  createdBy: z.number().int(), createdAt: z.string(), updatedBy: z.number().int(), updatedAt: z.string(),
});
export type ExplanationView = z.infer<typeof ExplanationView>;

export const YearEndQuery = z.object({ year: Year });
export const YearEndBody = z.object({ year: z.number().int().min(2000).max(2100) });
