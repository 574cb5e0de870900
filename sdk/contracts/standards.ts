import { z } from 'zod';
import { MAX_FEN } from './money.js';

/**
 * 支出标准 as versioned data and the control-rule trial run (试运行): the API shapes the core
 * declares (core/ledger/standards, core/ledger/rules/trial.ts), the web app reads and the host
 * calls `standards.list`, `standards.propose` and `rules.trial` answer. Money is integer fen.
 */

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const StandardRowInput = z.object({
  item: z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/).describe('travel_lodging, travel_meal, meeting, training, …'),
  tier: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/).describe('the key a payment names: bj.other, class2, all'),
  name: z.string().trim().min(1).max(100),
  region: z.string().trim().max(60).default('').describe('地区 tier, e.g. 江苏（南京、苏州…）'),
  rank: z.string().trim().max(20).default('').describe('职级 tier, e.g. 司局级'),
  season: z.string().trim().max(20).default('').describe('旺季 months, e.g. 7-9月'),
  economicCode: z.string().regex(/^[0-9]{3,7}$/),
  cap: z.number().int().min(0).max(MAX_FEN).describe('fen per unit of measure'),
  per: z.enum(['person_day', 'person_night', 'person_meal', 'person_time', 'trip', 'hour', 'item']),
  effectiveFrom: DateText.nullable().default(null),
  effectiveTo: DateText.nullable().default(null),
  source: z.string().trim().min(1).max(120).describe('document number, e.g. 财行〔2016〕71号'),
  verified: z.boolean().default(true),
  note: z.string().trim().max(300).default(''),
});
export type StandardRowInput = z.input<typeof StandardRowInput>;
export const StandardRow = StandardRowInput.extend({ effectiveFrom: z.string().nullable(), effectiveTo: z.string().nullable() });
export type StandardRow = z.output<typeof StandardRowInput>;

export const STANDARD_STATUSES = ['proposed', 'adopted', 'rejected'] as const;

export const StandardVersionSummary = z.object({
  id: z.number().int(),
  ownerUnitId: z.string().nullable().describe('null: the national set'),
  title: z.string(),
  status: z.enum(STANDARD_STATUSES),
  effectiveFrom: z.string(),
  sourceDocument: z.string(),
  reason: z.string(),
  basedOn: z.number().int().nullable(),
  proposedVia: z.string().describe("'core' or 'plugin:<id>'"),
  proposedBy: z.number().int().nullable(),
  proposedByName: z.string().nullable(),
  createdAt: z.string(),
  decidedBy: z.number().int().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  rowCount: z.number().int(),
  inForce: z.boolean().describe('a version this unit follows today (a nearer owner’s rows take precedence per item and tier)'),
});
export type StandardVersionSummary = z.infer<typeof StandardVersionSummary>;

export const StandardVersionView = StandardVersionSummary.extend({ rows: z.array(StandardRow) });
export type StandardVersionView = z.infer<typeof StandardVersionView>;

export const StandardsInForce = z.object({
  date: z.string(),
  versions: z.array(StandardVersionSummary).describe('the versions in force, nearest owner first (the unit, its supervising units, the national set)'),
  rows: z.array(StandardRow.extend({ versionId: z.number().int() })).describe('per item and tier, the nearest owner’s row'),
});
export type StandardsInForce = z.infer<typeof StandardsInForce>;

export const NewStandardVersion = z.object({
  title: z.string().trim().min(1).max(100),
  effectiveFrom: DateText,
  sourceDocument: z.string().trim().min(1).max(200),
  reason: z.string().trim().min(2).max(500),
  basedOn: z.number().int().positive().nullable().default(null),
  rows: z.array(StandardRowInput).min(1).max(2000),
});
export type NewStandardVersion = z.input<typeof NewStandardVersion>;

export const StandardChange = z.object({
  kind: z.enum(['added', 'removed', 'changed']),
  item: z.string(),
  tier: z.string(),
  name: z.string(),
  field: z.string().nullable().describe('for changed: cap, name, per, economicCode, source, …'),
  before: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  after: z.union([z.string(), z.number(), z.boolean(), z.null()]),
});
export type StandardChange = z.infer<typeof StandardChange>;

export const StandardDiff = z.object({
  from: z.number().int(),
  to: z.number().int(),
  changes: z.array(StandardChange),
  summary: z.object({ added: z.number().int(), removed: z.number().int(), changed: z.number().int() }),
});
export type StandardDiff = z.infer<typeof StandardDiff>;

// ------------------------------------------------------------------ trial run (试运行)

export const TrialRuleModes = z.record(z.string(), z.enum(['block', 'warn', 'ignore']));

export const TrialRequest = z
  .object({
    standards: z
      .union([z.object({ versionId: z.number().int().positive() }), z.object({ rows: z.array(StandardRowInput).min(1).max(2000) })])
      .optional()
      .describe('a proposed standard set: a stored version or rows; absent = the versions in force'),
    ruleModes: TrialRuleModes.optional().describe('configurable rule → block|warn|ignore; absent rules keep the unit’s mode'),
    from: DateText,
    to: DateText,
    limit: z.number().int().min(1).max(5000).default(1000).describe('payments listed (totals count all)'),
  })
  .refine((b) => b.from <= b.to, { message: 'from ≤ to', path: ['to'] });
export type TrialRequest = z.input<typeof TrialRequest>;

export const TrialFinding = z.object({ rule: z.string(), severity: z.enum(['block', 'warn']), message: z.string() });

export const TrialPayment = z.object({
  id: z.number().int(),
  date: z.string(),
  amount: z.number().int(),
  status: z.string(),
  purpose: z.string(),
  payeeName: z.string(),
  economicCode: z.string(),
  departmentId: z.number().int(),
  severity: z.enum(['block', 'warn']),
  currentSeverity: z.enum(['block', 'warn']).nullable().describe('what today’s configuration says of the same payment'),
  findings: z.array(TrialFinding),
});
export type TrialPayment = z.infer<typeof TrialPayment>;

const Tally = z.object({ count: z.number().int(), amount: z.number().int() });

export const TrialResult = z.object({
  from: z.string(),
  to: z.string(),
  evaluated: z.number().int().describe('payments in the window (pending, approved or paid)'),
  rules: z.array(z.string()).describe('the rules a trial re-judges'),
  proposed: z.object({ blocked: Tally, warned: Tally }),
  current: z.object({ blocked: Tally, warned: Tally }),
  newlyBlocked: Tally,
  payments: z.array(TrialPayment),
  truncated: z.boolean(),
  elapsedMs: z.number().int(),
});
export type TrialResult = z.infer<typeof TrialResult>;
