import { z } from 'zod';

export const Track = z.enum(['financial', 'budgetary']).describe('financial 财务会计 · budgetary 预算会计');
const Year = z.coerce.number().int().min(2000).max(2100);
const Month = z.coerce.number().int().min(1).max(12);
const Bool = z.enum(['true', 'false']).default('false');
export const ReportFormat = z.enum(['json', 'xlsx', 'csv']).default('json').describe('json, or a download: xlsx (standard table layout) or csv');

export const JournalQuery = z.object({
  track: Track.optional(),
  year: Year.optional(),
  month: Month.optional(),
  account: z.string().regex(/^[0-9]{4,6}$/, '科目编码应为 4-6 位数字').optional().describe('account code; a 4-digit code includes its sub-accounts'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

export const JournalLine = z.object({
  lineNo: z.number().int(), accountCode: z.string(), accountName: z.string(),
  debit: z.number().int().describe('fen'), credit: z.number().int().describe('fen'),
  indicatorId: z.number().int().nullable(), departmentId: z.number().int().nullable(),
  functionalCode: z.string().nullable(), economicCode: z.string().nullable(), fundSourceCode: z.string().nullable(),
});
export const JournalEntry = z.object({
  id: z.number().int(), unitId: z.string(), track: Track, year: z.number().int(), month: z.number().int(), date: z.string(),
  voucherNo: z.string(), summary: z.string(), sourceType: z.string(), sourceId: z.number().int(),
  debit: z.number().int(), credit: z.number().int(), lines: z.array(JournalLine),
});

export const TrialBalanceQuery = z.object({
  track: Track,
  year: Year,
  month: Month.optional().describe('omit for the whole year'),
  consolidated: Bool.describe('true: the unit and its subordinates together (read-only)'),
});
const Side = z.number().int().describe('fen');
export const TrialBalanceView = z.object({
  track: Track, year: z.number().int(), month: z.number().int().nullable(), unitIds: z.array(z.string()),
  accounts: z.array(z.object({
    accountCode: z.string(), accountName: z.string(), category: z.string(),
    openingDebit: Side, openingCredit: Side, periodDebit: Side, periodCredit: Side, closingDebit: Side, closingCredit: Side,
  })),
  totals: z.object({ openingDebit: Side, openingCredit: Side, periodDebit: Side, periodCredit: Side, closingDebit: Side, closingCredit: Side }),
  balanced: z.boolean(),
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

const Cell = z.union([z.string(), z.number(), z.null()]);
export const ReportView = z.looseObject({
  report: z.string(), title: z.string(), unitId: z.string(), unitName: z.string(), consolidated: z.boolean(),
  units: z.array(z.object({ id: z.string(), name: z.string() })), year: z.number().int(), month: z.number().int().nullable(),
  tables: z.array(z.object({
    id: z.string(), title: z.string(), unitLabel: z.enum(['元', '万元']),
    columns: z.array(z.object({ key: z.string(), header: z.string(), kind: z.enum(['text', 'money', 'ratio', 'integer']) })),
    rows: z.array(z.record(z.string(), Cell)).describe('money cells in fen'),
  })),
});

export const YearEndQuery = z.object({ year: Year });
export const YearEndBody = z.object({ year: z.number().int().min(2000).max(2100) });
export const YearEndView = z.looseObject({
  unitId: z.string(), year: z.number().int(), nextYear: z.number().int(), alreadyRun: z.boolean(), runAt: z.string().nullable(),
  totals: z.object({ amount: z.number().int(), paid: z.number().int(), unspent: z.number().int(), carried: z.number().int(), surplus: z.number().int() }),
  items: z.array(z.looseObject({ indicatorId: z.number().int(), unspent: z.number().int(), decision: z.enum(['carry_forward', 'surplus', 'none']), rule: z.string() })),
});
