import { defineErrors, type ErrorSpec } from '../errors.js';

export { AppError, type ErrorCode, type Lang } from '../errors.js';
/**
 * Error codes of the budget ledger. Control-rule codes are stable: screens, plugins and
 * integrators key on them. Statuses: 404 missing, 409 wrong state, 422 a rule said no.
 */
export const LEDGER_ERRORS = defineErrors({
  INDICATOR_NOT_FOUND: { status: 404, zh: '预算指标不存在', en: 'Budget indicator not found' },
  PAYMENT_NOT_FOUND: { status: 404, zh: '支付申请不存在', en: 'Payment request not found' },
  TRANSFER_NOT_FOUND: { status: 404, zh: '调剂申请不存在', en: 'Transfer not found' },
  ADJUSTMENT_NOT_FOUND: { status: 404, zh: '调整申请不存在', en: 'Adjustment not found' },
  INVALID_STATE: {
    status: 409,
    zh: '当前状态（{status}）不允许此操作',
    en: 'Not possible in the current state ({status})',
  },
  NOT_YOUR_STEP: {
    status: 403,
    zh: '当前审批环节需要「{label}」审批',
    en: 'The current approval step needs: {label}',
  },
  VALIDATION_STALE: {
    status: 409,
    zh: '插件校验期间，单据所依据的数据发生了变化，请重新提交',
    en: 'What this document was validated against changed meanwhile; submit it again',
  },
  SELF_APPROVAL: { status: 403, zh: '不能审批自己提交的申请', en: 'You cannot approve your own request' },
  NOT_REQUESTER: { status: 403, zh: '只有申请人可以撤回', en: 'Only the requester can withdraw' },
  DEPARTMENT_SCOPE: {
    status: 403,
    zh: '只能处理本科室的业务',
    en: 'You can act only for your own department',
  },
  OVERRIDE_NOT_ALLOWED: { status: 403, zh: '没有越权放行控制规则的权限', en: 'Not allowed to override control rules' },
  AMOUNT_LIMIT_EXCEEDED: {
    status: 422,
    zh: '单位 {year} 年度预算指标合计将达 {total:yuan} 元，超出系统上限 {limit:yuan} 元（1,000 亿元），请核对金额',
    en: 'The unit\'s indicators for {year} would total {total:yuan} yuan, over the system limit of {limit:yuan} yuan (100 billion); check the amount',
  },
  // ---- control rules (422): each finding carries its rule code
  BALANCE_EXCEEDED: {
    status: 422,
    zh: '超出指标可用余额：可用 {available:yuan} 元，申请 {amount:yuan} 元',
    en: 'Exceeds the available balance: {available:yuan} yuan available, {amount:yuan} requested',
  },
  CLASS_MISMATCH: {
    status: 422,
    zh: '经济分类 {given} 与指标的经济分类 {expected} 不一致',
    en: 'Economic class {given} differs from the indicator’s {expected}',
  },
  ECONOMIC_KIND_MISMATCH: {
    status: 422,
    zh: '经济分类 {economicCode} 不属于{kindLabel}允许的范围',
    en: 'Economic class {economicCode} does not fit {kindLabel}',
  },
  THREE_PUBLIC_CAP_EXCEEDED: {
    status: 422,
    zh: '三公经费（{economicCode}）超出年度控制数：已用 {used:yuan} 元，控制数 {cap:yuan} 元',
    en: 'Three public expenses ({economicCode}) exceed the annual cap: {used:yuan} yuan used of {cap:yuan}',
  },
  PAYMENT_DATE_IN_FUTURE: {
    status: 422,
    zh: '支付日期 {date} 晚于今天（{today}）；如为预约支付，请说明理由后提交',
    en: 'The payment date {date} is after today ({today}); for a scheduled payment, give a reason',
  },
  CONTRACT_REQUIRED: { status: 422, zh: '政府采购事项必须填写合同编号', en: 'Government procurement needs a contract number' },
  REDUCTION_BELOW_USED: {
    status: 422,
    zh: '指标不能调减到已冻结和已支付金额以下（已用 {used:yuan} 元）',
    en: 'An indicator cannot be reduced below what is frozen and paid ({used:yuan} yuan)',
  },
  EXPENDITURE_STANDARD_EXCEEDED: {
    status: 422,
    zh: '超出支出标准「{name}」：上限 {cap:yuan} 元，申请 {amount:yuan} 元',
    en: 'Exceeds the expenditure standard “{name}”: cap {cap:yuan} yuan, requested {amount:yuan}',
  },
  PROJECT_NOT_EXECUTING: { status: 422, zh: '项目不在执行中（{status}），不能支付', en: 'The project is not executing ({status})' },
  YEAR_MISMATCH: { status: 422, zh: '业务日期不在指标年度 {year} 内', en: 'The date is outside the indicator’s year {year}' },
  RULE_NOT_CONFIGURABLE: {
    status: 409,
    zh: '{rule} 是硬性规则，只能阻止，不能改为提醒或忽略',
    en: '{rule} is a hard rule: it always blocks',
  },
  STANDARD_NOT_FOUND: { status: 422, zh: '支出标准 {item}/{tier} 不存在', en: 'Expenditure standard {item}/{tier} does not exist' },
  THREE_PUBLIC_INCREASE: {
    status: 422,
    zh: '不得通过调剂增加三公经费（{economicCode}）',
    en: 'Transfers may not increase three public expenses ({economicCode})',
  },
  FUND_SOURCE_MISMATCH: {
    status: 422,
    zh: '调剂不得跨资金来源（{from} → {to}）',
    en: 'No transfer across fund sources ({from} → {to})',
  },
  SAME_INDICATOR: { status: 422, zh: '调出和调入指标不能相同', en: 'Source and destination indicators must differ' },
  // ---- project library (项目库)
  PROJECT_NOT_FOUND: { status: 404, zh: '项目不存在', en: 'Project not found' },
  PROJECT_CODE_EXISTS: { status: 409, zh: '本单位已有项目编码 {code}', en: 'This unit already has a project with code {code}' },
  PROJECT_PLAN_MISMATCH: {
    status: 422,
    zh: '分年度计划合计 {planned} 分与项目总额 {total} 分不一致',
    en: 'The yearly plan sums to {planned} fen, but the project total is {total} fen',
  },
  PROJECT_YEAR_OUT_OF_SPAN: {
    status: 422,
    zh: '{year} 年不在项目周期 {startYear}—{endYear} 年内',
    en: 'Year {year} is outside the project span {startYear}–{endYear}',
  },
  PROJECT_TARGET_EXISTS: {
    status: 409,
    zh: '项目已关联该绩效目标（{source}:{targetRef}）',
    en: 'The project already has this performance target ({source}:{targetRef})',
  },
  PROJECT_NOT_AVAILABLE: {
    status: 422,
    zh: '项目 {code} 已结项（{status}），不能编入预算',
    en: 'Project {code} is {status} and cannot be budgeted',
  },
  PROJECT_DEPARTMENT_MISMATCH: {
    status: 422,
    zh: '项目 {code} 不属于本申请的科室',
    en: 'Project {code} belongs to another department than this request',
  },
  // ---- preparation (预算编制, "二上二下")
  BUDGET_REQUEST_NOT_FOUND: { status: 404, zh: '预算申请不存在', en: 'Budget request not found' },
  BUDGET_LINE_NOT_FOUND: {
    status: 422,
    zh: '明细行 {lineId} 不属于该预算申请',
    en: 'Line {lineId} does not belong to this budget request',
  },
  CONTROL_NUMBERS_INCOMPLETE: {
    status: 422,
    zh: '每一行都需要下达控制数，缺少：{missing}',
    en: 'Every line needs a control number; missing: {missing}',
  },
  OVER_CONTROL_NUMBER: {
    status: 422,
    zh: '第 {lineNo} 行申请 {amount:yuan} 元，超过控制数 {controlAmount:yuan} 元',
    en: 'Line {lineNo} asks {amount:yuan} yuan, above its control number of {controlAmount:yuan}',
  },
  TEMPLATE_EMPTY: {
    status: 422,
    zh: '{kind} 模板没有支出标准，无法按人数测算',
    en: 'The {kind} template has no standards to compute from',
  },
  // ---- accounting, reports and year end (会计核算 / 报表 / 年终结转)
  TRIAL_BALANCE_UNBALANCED: {
    status: 409,
    zh: '{year}年{month}月 {trackLabel}试算不平衡（借方 {debit} 分，贷方 {credit} 分），不能结账',
    en: 'The {track} trial balance of {year}-{month} does not balance (debit {debit}, credit {credit} fen); the period cannot close',
  },
  YEAR_END_ALREADY_RUN: { status: 409, zh: '{year} 年度已完成年终结转', en: 'The year end of {year} has already been run' },
  YEAR_END_PERIODS_OPEN: {
    status: 409,
    zh: '{year} 年度还有未结账的会计期间（{months} 月），请先结账',
    en: 'Periods of {year} are still open (months {months}); close them first',
  },
  YEAR_END_OPEN_PAYMENTS: {
    status: 409,
    zh: '{year} 年度还有 {count} 笔未完成的支付申请（待审批或已审批未支付），请先处理',
    en: '{count} payment requests of {year} are still pending or approved but unpaid; settle them first',
  },
} as const satisfies Record<string, ErrorSpec>);

type LedgerErrorTable = typeof LEDGER_ERRORS;
declare module '../errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends LedgerErrorTable {}
}
