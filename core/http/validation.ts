import type { z } from 'zod';
import { AppError, formatYuan, type Lang } from '../errors.js';

/**
 * The answer to input that fails its route's schema: VALIDATION_FAILED with one issue per field —
 * `path` (as before), `field` (the field's name in the caller's language), `code` (zod's), `limit`
 * where there is one (characters, items, or fen for amounts) and `message` naming the field and the
 * limit in the caller's language (Accept-Language: zh-CN by default, en on request). The top-level
 * message names the first field, so a client that shows only it still says what to fix.
 */
export interface FieldIssue {
  path: string;
  field: string;
  code: string;
  limit?: number;
  message: string;
}

type Labels = Record<string, { zh: string; en: string }>;

/** The names of fields as the forms show them; a path's last named segment is looked up. */
export const FIELD_LABELS: Labels = {
  payeeName: { zh: '收款人', en: 'Payee' },
  payeeAccount: { zh: '收款账号', en: 'Payee account' },
  payeeBank: { zh: '开户银行', en: 'Payee bank' },
  purpose: { zh: '用途', en: 'Purpose' },
  amount: { zh: '金额', en: 'Amount' },
  totalAmount: { zh: '总金额', en: 'Total amount' },
  controlAmount: { zh: '控制数', en: 'Control amount' },
  cap: { zh: '限额', en: 'Cap' },
  date: { zh: '日期', en: 'Date' },
  reason: { zh: '理由', en: 'Reason' },
  comment: { zh: '意见', en: 'Comment' },
  indicatorId: { zh: '预算指标', en: 'Budget indicator' },
  fromIndicatorId: { zh: '调出指标', en: 'Source indicator' },
  toIndicatorId: { zh: '调入指标', en: 'Target indicator' },
  contractNo: { zh: '合同编号', en: 'Contract no.' },
  docNo: { zh: '批复文号', en: 'Approval document no.' },
  title: { zh: '标题', en: 'Title' },
  name: { zh: '名称', en: 'Name' },
  code: { zh: '编码', en: 'Code' },
  label: { zh: '名称', en: 'Label' },
  username: { zh: '用户名', en: 'Username' },
  password: { zh: '密码', en: 'Password' },
  newPassword: { zh: '新密码', en: 'New password' },
  displayName: { zh: '姓名', en: 'Name' },
  economicCode: { zh: '经济分类', en: 'Economic class' },
  functionalCode: { zh: '功能分类', en: 'Functional class' },
  fundSourceCode: { zh: '资金来源', en: 'Fund source' },
  departmentId: { zh: '科室', en: 'Department' },
  projectId: { zh: '项目', en: 'Project' },
  year: { zh: '年度', en: 'Year' },
  month: { zh: '月份', en: 'Month' },
  quantity: { zh: '数量', en: 'Quantity' },
  note: { zh: '备注', en: 'Note' },
  payer: { zh: '付款单位', en: 'Payer' },
  summary: { zh: '摘要', en: 'Summary' },
  description: { zh: '说明', en: 'Description' },
  steps: { zh: '审批步骤', en: 'Approval steps' },
  attachments: { zh: '附件', en: 'Attachments' },
  lines: { zh: '明细行', en: 'Lines' },
  headcount: { zh: '人数', en: 'Headcount' },
  item: { zh: '开支标准项目', en: 'Standard item' },
  tier: { zh: '标准档次', en: 'Standard tier' },
  limit: { zh: '每页条数', en: 'Page size' },
  offset: { zh: '起始位置', en: 'Offset' },
  id: { zh: '编号', en: 'Id' },
  status: { zh: '状态', en: 'Status' },
};

/** Fields holding money: their limits are fen and read as yuan. */
const MONEY = /(^a|A)mount$|^cap$|Amount$/;

function labelOf(path: PropertyKey[], lang: Lang): string {
  const named = [...path].reverse().find((p): p is string => typeof p === 'string');
  if (!named) return lang === 'zh' ? '输入' : 'Input';
  const label = FIELD_LABELS[named]?.[lang] ?? named;
  const index = path.find((p) => typeof p === 'number');
  return typeof index === 'number' ? (lang === 'zh' ? `第 ${index + 1} 项的${label}` : `${label} of item ${index + 1}`) : label;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

type Issue = z.core.$ZodIssue;

function describe(issue: Issue, input: unknown, lang: Lang): FieldIssue {
  const field = labelOf(issue.path, lang);
  const named = [...issue.path].reverse().find((p): p is string => typeof p === 'string') ?? '';
  const money = MONEY.test(named);
  const zh = lang === 'zh';
  const base = { path: issue.path.join('.'), field, code: issue.code };
  const value = valueAt(input, issue.path);
  // A limit in whole 亿元 also says so: offices read 1,000 亿元 at a glance, not twelve digits.
  const yi = (n: number) => (zh && n >= 1e10 && n % 1e10 === 0 ? `（${(n / 1e10).toLocaleString('en-US')} 亿元）` : '');
  const num = (n: number | bigint) => (money ? `${formatYuan(Number(n))} ${zh ? '元' : 'yuan'}${yi(Number(n))}` : String(n));
  switch (issue.code) {
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return { ...base, limit: max, message: zh ? `${field}不能超过 ${max} 个字符` : `${field} must be at most ${max} characters` };
      if (issue.origin === 'array' || issue.origin === 'set') return { ...base, limit: max, message: zh ? `${field}最多 ${max} 项` : `${field} takes at most ${max} items` };
      return { ...base, limit: max, message: zh ? `${field}不能超过 ${num(max)}` : `${field} must be at most ${num(max)}` };
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') {
        return min <= 1
          ? { ...base, limit: min, message: zh ? `请填写${field}` : `${field} is required` }
          : { ...base, limit: min, message: zh ? `${field}至少 ${min} 个字符` : `${field} needs at least ${min} characters` };
      }
      if (issue.origin === 'array' || issue.origin === 'set') return { ...base, limit: min, message: zh ? `${field}至少 ${min} 项` : `${field} needs at least ${min} items` };
      if (typeof value === 'number' && value < 0 && min >= 0) return { ...base, limit: min, message: zh ? `${field}不能为负数` : `${field} cannot be negative` };
      if (min === 0 && !issue.inclusive) return { ...base, limit: 0, message: zh ? `${field}必须大于 0` : `${field} must be greater than 0` };
      return { ...base, limit: min, message: zh ? `${field}不能小于 ${num(min)}` : `${field} must be at least ${num(min)}` };
    }
    case 'invalid_type':
      if (value === undefined) return { ...base, message: zh ? `请填写${field}` : `${field} is required` };
      if (issue.expected === 'int') return { ...base, message: zh ? `${field}必须是整数${money ? '（分）' : ''}` : `${field} must be a whole number${money ? ' (fen)' : ''}` };
      return { ...base, message: zh ? `${field}格式不正确` : `${field} has the wrong type` };
    case 'invalid_format':
      if (issue.format === 'date') return { ...base, message: zh ? `${field}格式应为 YYYY-MM-DD` : `${field} must be a date, YYYY-MM-DD` };
      return { ...base, message: zh ? `${field}格式不正确` : `${field} is not in the expected format` };
    case 'invalid_value':
      return { ...base, message: zh ? `${field}的取值不在允许范围内` : `${field} is not one of the allowed values` };
    case 'unrecognized_keys':
      return { ...base, message: zh ? `不接受的字段：${issue.keys.join('、')}` : `Unknown fields: ${issue.keys.join(', ')}` };
    case 'custom':
      // A rule's own sentence (written in Chinese beside the rule); English names the field and quotes it.
      return { ...base, message: zh ? `${field}：${issue.message}` : `${field} is not valid (${issue.message})` };
    default:
      return { ...base, message: zh ? `${field}不符合要求` : `${field} is not valid` };
  }
}

/** VALIDATION_FAILED whose issues and message are rendered in the language of the request that receives it. */
export class ValidationError extends AppError {
  constructor(
    private readonly zodIssues: Issue[],
    private readonly input: unknown,
    where: 'params' | 'query' | 'body',
  ) {
    super('VALIDATION_FAILED', { where, issues: zodIssues.map((i) => describe(i, input, 'zh')) });
  }

  issuesIn(lang: Lang): FieldIssue[] {
    return this.zodIssues.map((i) => describe(i, this.input, lang));
  }

  override messageIn(lang: Lang): string {
    const issues = this.issuesIn(lang);
    const head = super.messageIn(lang);
    if (issues.length === 0) return head;
    const more = issues.length > 1 ? (lang === 'zh' ? `（共 ${issues.length} 处）` : ` (${issues.length} problems)`) : '';
    return `${head}${lang === 'zh' ? '：' : ': '}${issues[0]!.message}${more}`;
  }

  override toBody(lang: Lang) {
    return { error: { code: this.code, message: this.messageIn(lang), details: { ...this.details, issues: this.issuesIn(lang) } } };
  }
}

export function validationError(error: z.ZodError, where: 'params' | 'query' | 'body', input?: unknown): AppError {
  return new ValidationError(error.issues, input, where);
}
