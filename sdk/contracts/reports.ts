import { z } from 'zod';

/**
 * The accounting answers the web app reads: journal, trial balance, the statutory reports and the
 * year-end preview. core/ledger/accounting declares them as its responses (its schema.ts re-exports
 * them from here); the web app imports the types only.
 */

export const Track = z.enum(['financial', 'budgetary']).describe('financial 财务会计 · budgetary 预算会计');
export type Track = z.infer<typeof Track>;

export const JournalLine = z.object({
  lineNo: z.number().int(), accountCode: z.string(), accountName: z.string(),
  debit: z.number().int().describe('fen'), credit: z.number().int().describe('fen'),
  indicatorId: z.number().int().nullable(), departmentId: z.number().int().nullable(),
  functionalCode: z.string().nullable(), economicCode: z.string().nullable(), fundSourceCode: z.string().nullable(),
});
export type JournalLine = z.infer<typeof JournalLine>;
export const JournalEntry = z.object({
  id: z.number().int(), unitId: z.string(), track: Track, year: z.number().int(), month: z.number().int(), date: z.string(),
  voucherNo: z.string(), summary: z.string(), sourceType: z.string(), sourceId: z.number().int(),
  debit: z.number().int(), credit: z.number().int(), lines: z.array(JournalLine),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

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
export type TrialBalanceView = z.infer<typeof TrialBalanceView>;

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
export type ReportView = z.infer<typeof ReportView>;

export const YearEndView = z.looseObject({
  unitId: z.string(), year: z.number().int(), nextYear: z.number().int(), alreadyRun: z.boolean(), runAt: z.string().nullable(),
  totals: z.object({ amount: z.number().int(), paid: z.number().int(), unspent: z.number().int(), carried: z.number().int(), surplus: z.number().int() }),
  items: z.array(z.looseObject({ indicatorId: z.number().int(), unspent: z.number().int(), decision: z.enum(['carry_forward', 'surplus', 'none']), rule: z.string() })),
});
/** The declared fields of a loose object, without the index signature z.infer gives it. */
type Fields<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.infer<S[K]> };
/**
 * The schema above is what the OpenAPI document has always said of an item (a loose object); every
 * item also carries the indicator's code and name and the amounts the decision splits.
 */
export type YearEndItem = Fields<typeof YearEndView.shape.items.element.shape> & {
  code: string; name: string; amount: number; paid: number; carried: number; surplus: number;
};
export type YearEndView = Omit<Fields<typeof YearEndView.shape>, 'items'> & { items: YearEndItem[] };
