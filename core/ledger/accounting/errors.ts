import { defineErrors, type ErrorSpec } from '../../errors.js';

export { AppError } from '../errors.js';
/**
 * Error codes of the statutory reports (预算公开, 决算): their own table beside the ledger's, registered
 * the same way (core/ledger/errors.ts), so the report routes can refuse a download.
 */
export const REPORT_ERRORS = defineErrors({
  DISCLOSURE_CHECKS_FAILED: {
    status: 409,
    zh: '报表未通过发布前校验（{count} 项未通过），不能导出；请先更正，或在设置中改为“标注后导出”',
    en: 'The report set failed {count} consistency checks and cannot be exported; correct it first, or set failed checks to be marked',
  },
  REPORT_TABLE_NOT_FOUND: { status: 404, zh: '报表中没有表 {table}', en: 'The report has no table {table}' },
  REPORT_LINE_NOT_FOUND: { status: 404, zh: '{year}年决算表 {table} 中没有需对比预算的行 {line}', en: 'The {year} final accounts have no line {line} compared with the budget in table {table}' },
  EXPLANATION_NOT_FOUND: { status: 404, zh: '{year}年决算表 {table} 行 {line} 没有差异说明', en: 'No explanation for line {line} of table {table} in {year}' },
  EXPLANATION_INVALID: { status: 422, zh: '差异说明应为 {min}–{max} 个字（去掉首尾空白后）', en: 'An explanation must be {min} to {max} characters (trimmed)' },
} as const satisfies Record<string, ErrorSpec>);

type ReportErrorTable = typeof REPORT_ERRORS;
declare module '../../errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends ReportErrorTable {}
}
