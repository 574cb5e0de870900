import { formatFen } from '@unibudget/sdk/contracts/money';

/**
 * Every refusal the API gives is an AppError with a stable code. The code decides the HTTP
 * status and the readable message (zh-CN first, English on request); `details` carries the
 * facts a client needs to show or fix the problem.
 *
 * This file holds the base class and the kernel's codes. Each domain owns its own code table
 * (core/ledger/errors.ts, core/plugins/errors.ts): it registers the table with `defineErrors` and
 * adds its codes to the `ErrorCodes` interface by module augmentation, so the kernel never imports
 * a domain and a domain's code still type-checks everywhere.
 */
export type Lang = 'zh' | 'en';

export interface ErrorSpec {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;
  zh: string;
  en: string;
}

const KERNEL_ERRORS = {
  VALIDATION_FAILED: { status: 400, zh: '输入不符合要求', en: 'The input is not valid' },
  INVALID_JSON: { status: 400, zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '请求体必须是 application/json', en: 'The request body must be application/json' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求体过大', en: 'The request body is too large' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Sign in first' },
  SESSION_EXPIRED: { status: 401, zh: '登录已过期，请重新登录', en: 'The session has expired; sign in again' },
  INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  WRONG_PASSWORD: { status: 422, zh: '当前密码不正确', en: 'The current password is wrong' },
  LOGIN_LOCKED: {
    status: 429,
    zh: '登录失败次数过多，请 {minutes} 分钟后再试',
    en: 'Too many failed sign-ins; try again in {minutes} minutes',
  },
  ACCOUNT_DISABLED: { status: 403, zh: '账号已停用，请联系单位管理员', en: 'This account is disabled; contact the unit administrator' },
  FORBIDDEN: { status: 403, zh: '没有权限执行此操作（需要 {permission}）', en: 'Not allowed (requires {permission})' },
  CSRF_REJECTED: { status: 403, zh: '跨站请求被拒绝', en: 'Cross-site request refused' },
  NOT_FOUND: { status: 404, zh: '找不到请求的资源', en: 'Not found' },
  UNIT_NOT_FOUND: { status: 404, zh: '单位 {unitId} 不存在', en: 'Unit {unitId} does not exist' },
  USER_NOT_FOUND: { status: 404, zh: '用户不存在', en: 'User not found' },
  DEPARTMENT_NOT_FOUND: { status: 404, zh: '科室不存在或不属于本单位', en: 'Department not found in this unit' },
  TOKEN_NOT_FOUND: { status: 404, zh: '令牌不存在', en: 'Token not found' },
  FISCAL_YEAR_NOT_FOUND: { status: 404, zh: '{year} 预算年度尚未建立', en: 'Fiscal year {year} has not been created' },
  PERIOD_NOT_FOUND: { status: 404, zh: '会计期间 {year}-{month} 不存在', en: 'Period {year}-{month} does not exist' },
  UNIT_EXISTS: { status: 409, zh: '单位标识或编码已存在', en: 'A unit with this id or code already exists' },
  UNIT_LEVEL_INVALID: {
    status: 422,
    zh: '单位层级不合法：{level} 不能隶属于 {parentLevel}',
    en: 'Invalid unit level: {level} cannot sit under {parentLevel}',
  },
  DEPARTMENT_EXISTS: { status: 409, zh: '本单位已有该科室编码', en: 'This unit already has a department with that code' },
  USERNAME_TAKEN: { status: 409, zh: '用户名已被使用', en: 'The username is already taken' },
  USER_SHARED: {
    status: 409,
    zh: '该用户还在其他单位任职，只能由系统管理员停用',
    en: 'This user also holds roles in other units; only a system administrator can disable them',
  },
  ROLE_NOT_GRANTABLE: { status: 403, zh: '无权授予角色 {role}', en: 'You may not grant the role {role}' },
  SELF_LOCKOUT: { status: 409, zh: '不能撤销自己的单位管理员角色', en: 'You cannot revoke your own unit administrator role' },
  FISCAL_YEAR_EXISTS: { status: 409, zh: '{year} 预算年度已存在', en: 'Fiscal year {year} already exists' },
  PERIOD_CLOSED: {
    status: 422,
    zh: '会计期间 {year}年{month}月 已结账，不能写入该期间的业务',
    en: 'Period {year}-{month} is closed; nothing dated in it can be written',
  },
  PERIOD_ALREADY_CLOSED: { status: 409, zh: '会计期间 {year}年{month}月 已经结账', en: 'Period {year}-{month} is already closed' },
  PERIOD_NOT_CLOSED: { status: 409, zh: '会计期间 {year}年{month}月 尚未结账', en: 'Period {year}-{month} is not closed' },
  PERIOD_ORDER: {
    status: 409,
    zh: '请按月份顺序结账/反结账：{year}年{blockingMonth}月 须先处理',
    en: 'Periods close and reopen in order: {year}-{blockingMonth} must be handled first',
  },
  CLASSIFICATION_NOT_FOUND: {
    status: 422,
    zh: '分类编码 {code}（{kind}）在 {year} 年度不存在',
    en: 'Classification code {code} ({kind}) does not exist in {year}',
  },
  CLASSIFICATION_IMPORT_INVALID: {
    status: 422,
    zh: '导入文件有 {count} 行不符合要求，未写入任何数据',
    en: '{count} rows of the import file are invalid; nothing was written',
  },
  CLASSIFICATION_IMPORT_TOO_LARGE: { status: 413, zh: '导入文件过大', en: 'The import file is too large' },
  CLASSIFICATION_IMPORT_UNREADABLE: {
    status: 422,
    zh: '无法读取导入文件（{reason}）：请上传 UTF-8 编码的 CSV 或 xlsx 文件',
    en: 'The import file cannot be read ({reason}); upload a UTF-8 CSV or an xlsx file',
  },
  /** A validator answered `block` (core/events/validators.ts: the kernel's registry raises it, whoever answers). */
  PLUGIN_VALIDATION_BLOCKED: { status: 422, zh: '插件 {pluginId} 阻止了此操作：{message}', en: 'Plugin {pluginId} blocked this: {message}' },
  BUDGET_REQUEST_BLOCKED: { status: 409, zh: '插件 {pluginId} 拦截了此预算申报：{message}', en: 'Plugin {pluginId} refused this budget request: {message}' },
  INTERNAL: { status: 500, zh: '服务器内部错误，已记录', en: 'Internal error; it has been logged' },
  UNAVAILABLE: { status: 503, zh: '服务暂不可用', en: 'Service unavailable' },
} satisfies Record<string, ErrorSpec>;

type KernelErrorTable = typeof KERNEL_ERRORS;
/** Every known code: the kernel's here, each domain's added by module augmentation beside its table. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ErrorCodes extends KernelErrorTable {}
export type ErrorCode = keyof ErrorCodes & string;

const catalog = new Map<string, ErrorSpec>();

/** Registers a domain's code table (once, at module load); a code defined twice is a programming error. */
export function defineErrors<T extends Record<string, ErrorSpec>>(table: T): T {
  for (const [code, spec] of Object.entries(table)) {
    if (catalog.has(code) && catalog.get(code) !== spec) throw new Error(`error code ${code} is defined twice`);
    catalog.set(code, spec);
  }
  return table;
}
defineErrors(KERNEL_ERRORS);

function specOf(code: string): ErrorSpec {
  const spec = catalog.get(code);
  if (!spec) throw new Error(`error code ${code} is not registered: import its domain's errors.ts`);
  return spec;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  readonly status: ErrorSpec['status'];

  constructor(code: ErrorCode, details: Record<string, unknown> = {}) {
    super(code);
    this.code = code;
    this.details = details;
    this.status = specOf(code).status;
  }

  messageIn(lang: Lang): string {
    return renderMessage(specOf(this.code)[lang], this.details);
  }

  toBody(lang: Lang) {
    return { error: { code: this.code, message: this.messageIn(lang), details: this.details } };
  }
}

/** `{name}` inserts a detail; `{name:yuan}` shows a fen amount as yuan ("12,345.67"). */
function renderMessage(template: string, details: Record<string, unknown>): string {
  return template.replace(/\{(\w+)(:yuan)?\}/g, (whole, key: string, asYuan: string | undefined) => {
    const value = details[key];
    if (value === undefined) return whole;
    return asYuan && typeof value === 'number' ? formatYuan(value) : String(value);
  });
}

/** 1234567 fen → "12,345.67": how messages and notices show money. */
export function formatYuan(fen: number): string {
  return Number.isSafeInteger(fen) ? formatFen(fen) : String(fen);
}

/**
 * The language a reply is read in: `?lang=` first (a download or a link names the app's language; the
 * browser's Accept-Language may differ), else the request's Accept-Language (`lang`, see langFrom).
 */
export function requestLang(query: { lang?: 'zh-CN' | 'zh' | 'en' | undefined }, lang: Lang): Lang {
  return query.lang === undefined ? lang : query.lang === 'en' ? 'en' : 'zh';
}

/** zh-CN unless the client clearly prefers English. */
export function langFrom(acceptLanguage: string | undefined | null): Lang {
  if (!acceptLanguage) return 'zh';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}
