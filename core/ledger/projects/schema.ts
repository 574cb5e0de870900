import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
import { ClassCode, Fen, FundSourceCode } from '../indicators/schema.js';
// The answers the web app reads are shared contracts of the SDK.
import { PROJECT_STATUSES, ProjectStatus, ProjectView, TargetView, TrailEntry } from '@unibudget/sdk/contracts/budget';
import { MAX_FEN } from '@unibudget/sdk/contracts/money';
export { PROJECT_STATUSES, ProjectStatus, ProjectView, TargetView, TrailEntry } from '@unibudget/sdk/contracts/budget';

/**
 * Lifecycle: one step forward at a time (reserve → approved → executing), and `closed` (结项 or
 * 终止) from any open state — a reserve project dropped from the library, an approved one that is
 * cancelled before it starts, an executing one that is finished. Nothing ever goes back.
 */
export const PROJECT_TRANSITIONS: Record<(typeof PROJECT_STATUSES)[number], ReadonlyArray<(typeof PROJECT_STATUSES)[number]>> = {
  reserve: ['approved', 'closed'],
  approved: ['executing', 'closed'],
  executing: ['closed'],
  closed: [],
};

const Year = z.number().int().min(2000).max(2100);
/** A planned yearly amount may be zero (a year of the span with nothing planned). */
const PlanFen = z.number().int('金额必须是整数（分）').min(0, '金额不能为负').max(MAX_FEN, '金额不能超过 1,000 亿元');

export const ProjectCode = z.string().trim().regex(/^[0-9A-Za-z_-]{1,40}$/, '项目编码只能包含字母、数字、下划线和连字符（最长 40 位）');

export const YearPlan = z.object({ year: Year, amount: PlanFen });

const YearPlans = z
  .array(YearPlan)
  .min(1, '至少填写一个年度计划')
  .max(50)
  .refine((plans) => new Set(plans.map((p) => p.year)).size === plans.length, '年度计划的年份不能重复');

const spanOk = (b: { startYear?: number | undefined; endYear?: number | undefined }) =>
  b.startYear === undefined || b.endYear === undefined || (b.endYear >= b.startYear && b.endYear - b.startYear <= 30);
const SPAN_MESSAGE = { message: '结束年度不能早于开始年度，周期最长 30 年', path: ['endYear'] };

export const ProjectParams = z.object({ unitId: UnitId, id: z.coerce.number().int().positive() });

export const CreateProjectBody = z
  .object({
    code: ProjectCode,
    name: z.string().trim().min(2, '项目名称至少 2 个字').max(200),
    departmentId: z.number().int().positive(),
    functionalCode: ClassCode,
    fundSourceCode: FundSourceCode,
    startYear: Year,
    endYear: Year,
    totalAmount: Fen.describe('项目总额, fen: must equal the sum of the yearly plan'),
    plans: YearPlans.describe('分年度计划 [{year, amount}], years inside startYear..endYear'),
    description: z.string().trim().max(2000).optional(),
  })
  .refine(spanOk, SPAN_MESSAGE);

export const UpdateProjectBody = z
  .object({
    code: ProjectCode.optional(),
    name: z.string().trim().min(2).max(200).optional(),
    departmentId: z.number().int().positive().optional(),
    functionalCode: ClassCode.optional(),
    fundSourceCode: FundSourceCode.optional(),
    startYear: Year.optional(),
    endYear: Year.optional(),
    totalAmount: Fen.optional(),
    plans: YearPlans.optional(),
    description: z.string().trim().max(2000).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, '至少修改一项')
  .refine(spanOk, SPAN_MESSAGE);

export const ProjectListQuery = z.object({
  status: ProjectStatus.optional(),
  departmentId: z.coerce.number().int().positive().optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional().describe('projects whose span includes this year'),
});

export const ProjectStatusBody = z.object({
  status: ProjectStatus,
  comment: z.string().trim().max(500).optional(),
});

export const TargetSource = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, '来源应为插件标识或 manual');

export const AttachTargetBody = z.object({
  source: TargetSource.describe("who owns the target: a plugin id, or 'manual'"),
  targetRef: z.string().trim().min(1).max(100).describe('the target id in its source'),
  name: z.string().trim().min(1).max(200),
  value: z.string().trim().max(500).optional().describe('the target value as text, e.g. "≥95%"'),
});

export const ProjectDetail = ProjectView.extend({
  plans: z.array(YearPlan),
  targets: z.array(TargetView),
  trail: z.array(TrailEntry).describe('status changes with their comments, oldest first'),
});
export type ProjectDetail = z.infer<typeof ProjectDetail>;
