import { z } from 'zod';
import { UnitId } from '../../units/schema.js';

/** Integer fen, positive, within the exact range of JS numbers. */
export const Fen = z.number().int('金额必须是整数（分）').positive('金额必须大于 0').max(Number.MAX_SAFE_INTEGER);
export const FenSigned = z.number().int('金额必须是整数（分）').min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
export const IsoDate = z.iso.date('日期格式应为 YYYY-MM-DD');
export const EXPENDITURE_KINDS = ['personnel', 'operating', 'project'] as const;
export const ExpenditureKind = z.enum(EXPENDITURE_KINDS).describe('personnel 人员经费 · operating 公用经费 · project 项目支出');
export const ClassCode = z.string().regex(/^[0-9]{3,7}$/, '分类编码应为 3-7 位数字');
export const FundSourceCode = z.string().regex(/^[0-9A-Za-z]{1,10}$/);

export const IndicatorParams = z.object({ unitId: UnitId, id: z.coerce.number().int().positive() });

export const IndicatorView = z.object({
  id: z.number().int(),
  unitId: z.string(),
  year: z.number().int(),
  code: z.string(),
  name: z.string(),
  departmentId: z.number().int(),
  projectId: z.number().int().nullable(),
  expenditureKind: ExpenditureKind,
  functionalCode: z.string(),
  economicCode: z.string(),
  fundSourceCode: z.string(),
  issued: z.number().int().describe('下达 issued, fen'),
  adjusted: z.number().int().describe('追加/追减 and transfers, net, fen'),
  amount: z.number().int().describe('issued + adjusted, fen'),
  frozen: z.number().int().describe('approved, not yet paid, fen'),
  paid: z.number().int(),
  available: z.number().int().describe('amount − frozen − paid, fen'),
  isFlexibleReserve: z.boolean().describe('机动额度 reserve'),
  sourceLineId: z.number().int().nullable(),
  carriedFromId: z.number().int().nullable(),
  createdAt: z.string(),
});
export type IndicatorView = z.infer<typeof IndicatorView>;

export const IndicatorListQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  departmentId: z.coerce.number().int().positive().optional(),
  projectId: z.coerce.number().int().positive().optional(),
  expenditureKind: ExpenditureKind.optional(),
  functionalCode: ClassCode.optional(),
  economicCode: ClassCode.optional(),
  fundSourceCode: FundSourceCode.optional(),
});

export const IssueIndicatorBody = z.object({
  year: z.number().int().min(2000).max(2100),
  name: z.string().trim().min(1).max(200),
  departmentId: z.number().int().positive(),
  projectId: z.number().int().positive().nullable().optional(),
  expenditureKind: ExpenditureKind,
  functionalCode: ClassCode,
  economicCode: ClassCode,
  fundSourceCode: FundSourceCode,
  amount: Fen,
  date: IsoDate,
  isFlexibleReserve: z.boolean().optional(),
});

export const MovementView = z.object({
  id: z.number().int(),
  kind: z.enum(['issue', 'adjust', 'transfer_in', 'transfer_out', 'freeze', 'release', 'pay']),
  amount: z.number().int(),
  refType: z.string(),
  refId: z.number().int(),
  counterpartIndicatorId: z.number().int().nullable(),
  date: z.string(),
  at: z.string(),
  actorId: z.number().int().nullable(),
});

export const OriginView = z.object({
  indicatorId: z.number().int(),
  code: z.string(),
  via: z.enum(['issue', 'transfer', 'carry_over']),
  amount: z.number().int(),
  sourceLineId: z.number().int().nullable(),
  budgetRequestId: z.number().int().nullable(),
});

export const IndicatorDetail = IndicatorView.extend({
  movements: z.array(MovementView),
  origins: z.array(OriginView).describe('where the money came from, back to the original budget'),
});
