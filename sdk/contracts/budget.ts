import { z } from 'zod';
import { ClassCode, ExpenditureKind, Fen, Finding } from './ledger.js';

/**
 * Budget preparation's API answers the web app reads: projects and their performance targets,
 * templates with their per-head standards, budget requests and their lines. core/ledger/projects and
 * core/ledger/preparation declare them as their responses (their schema.ts re-export them from
 * here); the web app imports the types only.
 */

// ------------------------------------------------------------------ projects

export const PROJECT_STATUSES = ['reserve', 'approved', 'executing', 'closed'] as const;
export const ProjectStatus = z
  .enum(PROJECT_STATUSES)
  .describe('reserve 储备 · approved 已批复 · executing 执行中 · closed 已结项');

export const TargetView = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  source: z.string(),
  targetRef: z.string(),
  name: z.string(),
  value: z.string(),
  createdAt: z.string(),
});
export type TargetView = z.infer<typeof TargetView>;

export const ProjectView = z.object({
  id: z.number().int(),
  unitId: z.string(),
  code: z.string(),
  name: z.string(),
  departmentId: z.number().int(),
  functionalCode: z.string(),
  fundSourceCode: z.string(),
  status: ProjectStatus,
  startYear: z.number().int(),
  endYear: z.number().int(),
  totalAmount: z.number().int().describe('fen'),
  description: z.string(),
  createdBy: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProjectView = z.infer<typeof ProjectView>;

export const TrailEntry = z.object({
  action: z.string(),
  body: z.string(),
  authorName: z.string(),
  at: z.string(),
});
export type TrailEntry = z.infer<typeof TrailEntry>;

// ------------------------------------------------------------------ templates

export const MAX_PER_HEAD = 10_000_000_000; // 1 亿元 per person per year, fen

export const Standard = z.object({
  economicCode: ClassCode,
  name: z.string().trim().min(1).max(60),
  perHeadAmount: Fen.max(MAX_PER_HEAD).describe('fen per person per year'),
});
export type Standard = z.infer<typeof Standard>;

export const TemplateView = z.object({
  unitId: z.string(),
  kind: ExpenditureKind,
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
export type BudgetRequestStatus = z.infer<typeof BudgetRequestStatus>;

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
  indicatorCode: z.string().nullable().describe('that indicator’s code (ZB2026-0001), shown instead of its id'),
});
export type LineView = z.infer<typeof LineView>;

export const RequestView = z.object({
  id: z.number().int(),
  docNo: z.string().nullable().describe('单据编号 per unit and year, e.g. YS2026-0001 (null only on rows made around the commands)'),
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
  warnings: z.array(Finding).optional().describe('what plugins\' budgetRequest.validate warned about at the last submission (absent from cores before host API 1.1.0)'),
  trail: z.array(TrailEntry).describe('every step with its comment, oldest first'),
});
export type RequestDetail = z.infer<typeof RequestDetail>;
