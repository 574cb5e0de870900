import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
import { Fen, IsoDate } from '@unibudget/sdk/contracts/ledger';
import { ReceiptType } from '@unibudget/sdk/contracts/receipts';
// The answers the web app reads are shared contracts of the SDK.
export { CashView, ReceiptList, ReceiptType, ReceiptView } from '@unibudget/sdk/contracts/receipts';

export const ReceiptParams = z.object({ unitId: UnitId, id: z.coerce.number().int().positive() });

/** 收入登记: non-fiscal money that arrived. */
export const ReceiptDraft = z.object({
  date: IsoDate.describe('the day the money arrived (business date, in an open period, not after today)'),
  type: ReceiptType,
  amount: Fen.describe('fen, > 0'),
  fundSourceCode: z.string().regex(/^(21|31)[0-9]{0,2}$/, '资金来源须为非财政拨款：21 财政专户管理资金或 31 单位资金（及其款级）').describe('non-fiscal fund source: 21x or 31x'),
  payer: z.string().trim().min(1, '请填写缴款单位（人）').max(100),
  summary: z.string().trim().min(2, '摘要至少 2 个字').max(200),
  departmentId: z.number().int().positive().nullable().optional(),
  earmarked: z.boolean().default(false).describe('专项资金 (restricted to a purpose): closes to 8201 非财政拨款结转 at year end'),
});
export type ReceiptDraft = z.infer<typeof ReceiptDraft>;

export const ReverseBody = z.object({
  reason: z.string().trim().min(2, '请说明冲销原因').max(500),
  date: IsoDate.optional().describe('the reversal date (default today, China time): in an open period of the receipt’s year'),
});
export type ReverseBody = z.infer<typeof ReverseBody>;

export const ReceiptListQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  month: z.coerce.number().int().min(1).max(12).optional(),
  type: ReceiptType.optional(),
}).refine((q) => q.month === undefined || q.year !== undefined, { message: '按月筛选须同时给出年度', path: ['month'] });
export type ReceiptListQuery = z.infer<typeof ReceiptListQuery>;
