import { defineErrors, type ErrorSpec } from '../../errors.js';

export { AppError } from '../errors.js';
/** Error codes of 收入登记 (receipts) and the cash rule (CASH_INSUFFICIENT, a hard control rule). */
export const RECEIPT_ERRORS = defineErrors({
  RECEIPT_NOT_FOUND: { status: 404, zh: '收入登记不存在', en: 'Receipt not found' },
  RECEIPT_TYPE_NOT_ALLOWED: {
    status: 422,
    zh: '行政单位不能登记{typeName}（该科目仅适用于事业单位）',
    en: 'An administrative unit cannot record {typeName} (an account of public institutions only)',
  },
  RECEIPT_FUND_SOURCE_MISMATCH: {
    status: 422,
    zh: '资金来源 {fundSourceCode} 与收入类型「{typeName}」不符，可选：{allowed}',
    en: 'Fund source {fundSourceCode} does not fit “{typeName}”; allowed: {allowed}',
  },
  RECEIPT_ALREADY_REVERSED: { status: 409, zh: '该笔收入已冲销', en: 'This receipt has already been reversed' },
  RECEIPT_DATE_IN_FUTURE: {
    status: 422,
    zh: '收款日期 {date} 晚于今天（{today}），收入在到账时登记',
    en: 'The receipt date {date} is after today ({today}); record money when it arrives',
  },
  RECEIPT_REVERSAL_DATE: {
    status: 422,
    zh: '冲销日期 {date} 须在原收入日期 {receiptDate} 之后且在同一年度内',
    en: 'The reversal date {date} must be on or after the receipt date {receiptDate}, in the same year',
  },
  RECEIPTS_LIMIT_EXCEEDED: {
    status: 422,
    zh: '单位 {year} 年度收入登记合计将达 {total:yuan} 元，超出系统上限 {limit:yuan} 元（1,000 亿元），请核对金额',
    en: 'The unit\'s receipts for {year} would total {total:yuan} yuan, over the system limit of {limit:yuan} yuan (100 billion); check the amount',
  },
  CASH_INSUFFICIENT: {
    status: 422,
    zh: '银行存款和资金结存—货币资金不得为负：银行存款余额 {bank:yuan} 元，资金结存—货币资金余额 {budgetary:yuan} 元，本次 {amount:yuan} 元',
    en: 'Bank deposits and cash balances may never go negative: 1002 holds {bank:yuan} yuan, 800102 {budgetary:yuan} yuan, this needs {amount:yuan}',
  },
} as const satisfies Record<string, ErrorSpec>);

type ReceiptErrorTable = typeof RECEIPT_ERRORS;
declare module '../../errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends ReceiptErrorTable {}
}
