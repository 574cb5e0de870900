import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
import { ClassCode, ExpenditureKind, Fen, FundSourceCode, IsoDate } from '../indicators/schema.js';
import { TrailEntry } from '../projects/schema.js';

// ------------------------------------------------------------------ templates

/** Headcount × per-head standard stays far inside the exact integer range. */
export const MAX_HEADCOUNT = 100_000;
export const MAX_PER_HEAD = 10_000_000_000; // 1 亿元 per person per year, fen
/** A single line's ceiling: with at most MAX_LINES lines a request total is still an exact integer. */
export const MAX_LINE_AMOUNT = 10_000_000_000_000; // 1000 亿元, fen
export const MAX_LINES = 500;

export const TemplateKind = ExpenditureKind;
export const TemplateParams = z.object({ unitId: UnitId, kind: TemplateKind });

export const Standard = z.object({
  economicCode: ClassCode,
  name: z.string().trim().min(1).max(60),
  perHeadAmount: Fen.max(MAX_PER_HEAD).describe('fen per person per year'),
});
export type Standard = z.infer<typeof Standard>;

export const PutTemplateBody = z.object({
  name: z.string().trim().min(1).max(60).optional(),
  functionalCode: ClassCode.describe('default 功能分类 of the lines computed from this template'),
  fundSourceCode: FundSourceCode.describe('default 资金来源'),
  standards: z
    .array(Standard)
    .max(100)
    .refine((s) => new Set(s.map((x) => x.economicCode)).size === s.length, '同一经济分类只能有一条标准')
    .describe('personnel and operating: {economicCode, name, perHeadAmount}; project: none'),
});

export const TemplateView = z.object({
  unitId: z.string(),
  kind: TemplateKind,
  name: z.string(),
  functionalCode: z.string(),
  fundSourceCode: z.string(),
  standards: z.array(Standard),
  version: z.number().int().describe('0 while the unit uses the built-in defaults'),
  isDefault: z.boolean(),
  updatedAt: z.string().nullable(),
});
export type TemplateView = z.infer<typeof TemplateView>;

// ------------------------------------------------------------------ budget requests

export const BUDGET_REQUEST_STATUSES = ['draft', 'submitted', 'returned', 'resubmitted', 'approved'] as const;
export const BudgetRequestStatus = z
  .enum(BUDGET_REQUEST_STATUSES)
  .describe('draft 草稿 · submitted 一上 · returned 一下（控制数） · resubmitted 二上 · approved 二下（批复，指标已下达）');

export const RequestParams = z.object({ unitId: UnitId, id: z.coerce.number().int().positive() });

const Headcount = z.number().int('人数必须是整数').positive('人数必须大于 0').max(MAX_HEADCOUNT);
const LineAmount = z.number().int('金额必须是整数（分）').min(0, '金额不能为负').max(MAX_LINE_AMOUNT);

const BasicLineInput = z.object({
  kind: z.enum(['personnel', 'operating']),
  headcount: Headcount,
  functionalCode: ClassCode.optional().describe("defaults to the template's"),
  fundSourceCode: FundSourceCode.optional().describe("defaults to the template's"),
});

const ProjectLineInput = z.object({
  kind: z.literal('project'),
  projectId: z.number().int().positive(),
  economicCode: ClassCode,
  amount: Fen.max(MAX_LINE_AMOUNT),
  functionalCode: ClassCode.optional().describe("defaults to the project's"),
  fundSourceCode: FundSourceCode.optional().describe("defaults to the project's"),
  note: z.string().trim().max(200).optional(),
});

export const LineInput = z.discriminatedUnion('kind', [BasicLineInput, ProjectLineInput]);
export type LineInput = z.infer<typeof LineInput>;

const LineInputs = z.array(LineInput).min(1, '至少需要一行').max(50);

export const CreateRequestBody = z.object({
  year: z.number().int().min(2000).max(2100),
  departmentId: z.number().int().positive(),
  title: z.string().trim().min(2, '标题至少 2 个字').max(100),
  lines: LineInputs.describe(
    'personnel/operating: {kind, headcount} → one line per template standard (headcount × standard); project: {kind, projectId, economicCode, amount}',
  ),
  comment: z.string().trim().max(500).optional(),
});

export const UpdateRequestBody = z
  .object({
    title: z.string().trim().min(2).max(100).optional(),
    lines: LineInputs.optional().describe('replaces every line'),
  })
  .refine((b) => Object.keys(b).length > 0, '至少修改一项');

export const SubmitBody = z.object({
  comment: z.string().trim().max(500).optional(),
  lines: z
    .array(z.object({ lineId: z.number().int().positive(), amount: LineAmount }))
    .max(MAX_LINES)
    .refine((l) => new Set(l.map((x) => x.lineId)).size === l.length, '同一行不能重复填写')
    .optional()
    .describe('二上: revised line amounts, each within its control number; lines not named keep their amount'),
});

export const ReturnBody = z.object({
  comment: z.string().trim().max(500).optional(),
  lines: z
    .array(z.object({ lineId: z.number().int().positive(), controlAmount: LineAmount }))
    .min(1)
    .max(MAX_LINES)
    .refine((l) => new Set(l.map((x) => x.lineId)).size === l.length, '同一行不能重复下达控制数')
    .describe('控制数 for every line of the request'),
});

export const ApproveBody = z.object({
  comment: z.string().trim().max(500).optional(),
  date: IsoDate.describe('批复日期: must fall in an open period of the request year; the indicators are issued on it'),
});

export const RequestListQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  status: BudgetRequestStatus.optional(),
  departmentId: z.coerce.number().int().positive().optional(),
});

export const SummaryQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100),
  status: BudgetRequestStatus.optional().describe('default: every request except drafts'),
});

export const LineView = z.object({
  id: z.number().int(),
  lineNo: z.number().int(),
  expenditureKind: ExpenditureKind,
  projectId: z.number().int().nullable(),
  functionalCode: z.string(),
  economicCode: z.string(),
  fundSourceCode: z.string(),
  headcount: z.number().int().nullable(),
  standardAmount: z.number().int().nullable().describe('per-head standard, fen (personnel/operating lines)'),
  amount: z.number().int().describe('requested, fen'),
  controlAmount: z.number().int().nullable().describe('控制数, fen, once finance returned the request'),
  note: z.string(),
  indicatorId: z.number().int().nullable().describe('the indicator issued from this line on approval'),
});
export type LineView = z.infer<typeof LineView>;

export const RequestView = z.object({
  id: z.number().int(),
  unitId: z.string(),
  year: z.number().int(),
  departmentId: z.number().int(),
  departmentName: z.string(),
  title: z.string(),
  status: BudgetRequestStatus,
  round: z.number().int().describe('number of submissions (1 一上, 2 二上, …)'),
  amount: z.number().int().describe('total requested, fen'),
  controlAmount: z.number().int().nullable().describe('total of the control numbers, fen'),
  createdBy: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RequestView = z.infer<typeof RequestView>;

export const RequestDetail = RequestView.extend({
  lines: z.array(LineView),
  trail: z.array(TrailEntry).describe('every step with its comment, oldest first'),
});
export type RequestDetail = z.infer<typeof RequestDetail>;

const Totals = { amount: z.number().int(), controlAmount: z.number().int() };

export const SummaryView = z.object({
  year: z.number().int(),
  statuses: z.array(BudgetRequestStatus),
  requestCount: z.number().int(),
  amount: z.number().int(),
  controlAmount: z.number().int().describe('sum of the control numbers given so far, fen'),
  byDepartment: z.array(z.object({ departmentId: z.number().int(), departmentName: z.string(), requestCount: z.number().int(), ...Totals })),
  byKind: z.array(z.object({ expenditureKind: ExpenditureKind, ...Totals })),
  byEconomicClass: z.array(z.object({ economicCode: z.string(), ...Totals })),
});
export type SummaryView = z.infer<typeof SummaryView>;

