/**
 * The control rules (控制规则). Hard rules guard the ledger's own identities and the law of closed
 * periods: no unit setting can turn them off. The others a unit may set to block, warn or ignore.
 */
export const RULES = {
  PERIOD_CLOSED: { hard: true, zh: '已结账期间不能写入', en: 'No writes dated in a closed period' },
  YEAR_MISMATCH: { hard: true, zh: '业务日期须在指标年度内', en: 'Date within the indicator’s year' },
  BALANCE_EXCEEDED: { hard: true, zh: '不得超指标可用余额', en: 'Never beyond the available balance' },
  CLASS_MISMATCH: { hard: true, zh: '支付的分类取自指标，不得改变', en: 'Payment classes come from the indicator' },
  REDUCTION_BELOW_USED: { hard: true, zh: '指标不能调减到已用金额以下', en: 'No reduction below frozen + paid' },
  ECONOMIC_KIND_MISMATCH: { hard: false, zh: '经济分类须符合支出类型（人员类/公用类/项目）', en: 'Economic class fits the expenditure kind' },
  THREE_PUBLIC_CAP_EXCEEDED: { hard: false, zh: '三公经费不得超过年度控制数', en: 'Three public expenses within the annual cap' },
  THREE_PUBLIC_INCREASE: { hard: false, zh: '不得通过调剂增加三公经费', en: 'No transfer into three public expenses' },
  CONTRACT_REQUIRED: { hard: false, zh: '政府采购事项须有合同编号', en: 'Procurement needs a contract number' },
  EXPENDITURE_STANDARD_EXCEEDED: { hard: false, zh: '不得超过支出标准', en: 'Within the expenditure standards' },
  PROJECT_NOT_EXECUTING: { hard: false, zh: '项目须处于执行中', en: 'The project must be executing' },
  FUND_SOURCE_MISMATCH: { hard: false, zh: '调剂不得跨资金来源', en: 'No transfer across fund sources' },
  PAYMENT_DATE_IN_FUTURE: { hard: false, zh: '支付日期不得晚于当日（预约支付须说明理由）', en: 'Payment date not after today (a scheduled payment needs a reason)' },
  CASH_INSUFFICIENT: { hard: true, zh: '银行存款和资金结存—货币资金不得为负', en: 'Bank deposits and cash (1002, 800102) never below zero' },
} as const;
export type RuleCode = keyof typeof RULES;
export const RULE_CODES = Object.keys(RULES) as RuleCode[];
export type RuleMode = 'block' | 'warn' | 'ignore';

export { THREE_PUBLIC_CODES } from '../three-public.js';
// CASH_INSUFFICIENT's message lives with the receipts (core/ledger/receipts/errors.ts); registered wherever a rule is.
import '../receipts/errors.js';

/** Which economic classes each expenditure kind may use; units can change it in their ledger settings. */
export const DEFAULT_KIND_ECONOMIC_MAP: Record<'personnel' | 'operating' | 'project', string[]> = {
  personnel: ['301', '303'],
  operating: ['302', '310'],
  project: ['302', '303', '309', '310', '311', '312', '313', '399'],
};

export const KIND_LABELS = { personnel: '人员经费', operating: '公用经费', project: '项目支出' } as const;
