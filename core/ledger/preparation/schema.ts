import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
import { PageQuery } from '../../db/paging.js';
import { ClassCode, ExpenditureKind, Fen, FundSourceCode, IsoDate } from '../indicators/schema.js';
// The answers the web app reads are shared contracts of the SDK.
import { BudgetRequestStatus, Standard } from '@unibudget/sdk/contracts/budget';
export {
  BUDGET_REQUEST_STATUSES, BudgetRequestStatus, LineView, MAX_PER_HEAD, RequestDetail, RequestView, Standard, TemplateView,
} from '@unibudget/sdk/contracts/budget';

// ------------------------------------------------------------------ templates

/** Headcount × per-head standard stays far inside the exact integer range. */
export const MAX_HEADCOUNT = 100_000;
/** A single line's ceiling: with at most MAX_LINES lines a request total is still an exact integer. */
export const MAX_LINE_AMOUNT = 10_000_000_000_000; // 1000 亿元, fen
export const MAX_LINES = 500;

export const TemplateKind = ExpenditureKind;
export const TemplateParams = z.object({ unitId: UnitId, kind: TemplateKind });

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

// ------------------------------------------------------------------ budget requests

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
  mine: z.enum(['true', 'false']).optional().describe('true: only the caller’s own requests (我的申请)'),
}).merge(PageQuery);

export const SummaryQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100),
  status: BudgetRequestStatus.optional().describe('default: every request except drafts'),
});

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

