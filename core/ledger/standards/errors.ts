import { defineErrors, type ErrorSpec } from '../../errors.js';

export { AppError } from '../errors.js';
/** Error codes of the versioned expenditure standards and the control-rule trial run. */
export const STANDARD_ERRORS = defineErrors({
  STANDARD_VERSION_NOT_FOUND: { status: 404, zh: '支出标准版本 {versionId} 不存在', en: 'Standard version {versionId} not found' },
  STANDARD_VERSION_NOT_PROPOSED: {
    status: 409,
    zh: '支出标准版本 {versionId} 当前为「{status}」，只有待采纳的版本可以采纳或退回',
    en: 'Standard version {versionId} is {status}; only a proposed version can be adopted or rejected',
  },
  STANDARD_ROWS_DUPLICATE: { status: 422, zh: '标准项目 {item}/{tier} 重复', en: 'The standard {item}/{tier} appears twice' },
  STANDARD_IMPORT_INVALID: {
    status: 422,
    zh: '标准表第 {row} 行有误：{reason}',
    en: 'Row {row} of the standards table is wrong: {reason}',
  },
  TRIAL_RULE_UNKNOWN: {
    status: 422,
    zh: '规则 {rule} 不存在或不可配置（硬性规则始终拦截）',
    en: 'Rule {rule} does not exist or is not configurable (hard rules always block)',
  },
  TRIAL_WINDOW_TOO_LONG: { status: 422, zh: '试运行区间不得超过 {maxDays} 天', en: 'A trial window spans at most {maxDays} days' },
} as const satisfies Record<string, ErrorSpec>);

type StandardErrorTable = typeof STANDARD_ERRORS;
declare module '../../errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends StandardErrorTable {}
}
