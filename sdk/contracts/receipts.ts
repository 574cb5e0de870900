import { z } from 'zod';

/**
 * 收入登记 (receipts): the API answers the web app reads. Non-fiscal money is recorded when it
 * arrives, in both tracks (平行记账); a receipt is corrected only by reversal (红字冲销).
 * core/ledger/receipts declares these as its responses; the web app imports the types only.
 */
export const RECEIPT_TYPES = ['business', 'superior_subsidy', 'subordinate_remit', 'operating', 'non_peer_fiscal', 'other'] as const;
export const ReceiptType = z
  .enum(RECEIPT_TYPES)
  .describe('business 事业收入 (4101/6101) · superior_subsidy 上级补助收入 (4201/6201) · subordinate_remit 附属单位上缴收入 (4301/6301) · operating 经营收入 (4401/6401) · non_peer_fiscal 非同级财政拨款收入 (4601/6601) · other 其他收入 (4609/6609)');
export type ReceiptType = z.infer<typeof ReceiptType>;

export const ReceiptView = z.object({
  id: z.number().int(),
  docNo: z.string().nullable().describe('单据编号 per unit and year, e.g. SR2026-0001 (null only on rows made around the commands)'),
  unitId: z.string(),
  year: z.number().int(),
  date: z.string(),
  type: ReceiptType,
  typeName: z.string().describe('收入类型名称 (zh)'),
  amount: z.number().int().describe('fen'),
  fundSourceCode: z.string(),
  fundSourceName: z.string(),
  payer: z.string(),
  summary: z.string(),
  departmentId: z.number().int().nullable(),
  earmarked: z.boolean().describe('专项资金: closes to 8201 非财政拨款结转 at year end'),
  status: z.enum(['recorded', 'reversed']),
  financialAccount: z.string().describe('财务会计 revenue account, e.g. 4101'),
  budgetaryAccount: z.string().describe('预算会计 revenue account, e.g. 6101'),
  createdBy: z.number().int(),
  createdByName: z.string(),
  createdAt: z.string(),
  reversalDate: z.string().nullable(),
  reversalReason: z.string().nullable(),
  reversedBy: z.number().int().nullable(),
  reversedAt: z.string().nullable(),
});
export type ReceiptView = z.infer<typeof ReceiptView>;

export const ReceiptTypeTotal = z.object({
  type: ReceiptType,
  typeName: z.string(),
  amount: z.number().int().describe('fen, recorded receipts only (a reversed one nets to zero)'),
  count: z.number().int(),
});

export const CashView = z.object({
  bank: z.number().int().describe('1002 银行存款 balance, fen'),
  budgetary: z.number().int().describe('800102 资金结存—货币资金 balance, fen'),
  committed: z.number().int().describe('non-fiscal indicators of open years: amount − paid (spending authority not yet spent), fen'),
});
export type CashView = z.infer<typeof CashView>;

export const ReceiptList = z.object({
  items: z.array(ReceiptView),
  totals: z.object({ byType: z.array(ReceiptTypeTotal), total: z.number().int() }),
  cash: CashView,
  /** The types this unit may record (an administrative unit: 非同级财政拨款收入 and 其他收入 only). */
  allowedTypes: z.array(ReceiptType),
  /** The fund sources each type may carry (资金来源 codes; the first is the usual one). */
  typeFundSources: z.record(z.string(), z.array(z.string())),
});
export type ReceiptList = z.infer<typeof ReceiptList>;

