/**
 * The host API v1 and the shapes that cross the sandbox boundary, as plugin code sees them.
 * Types only: nothing here exists at run time (the runtime helpers are in plugin.ts).
 */
import type { ValidatorKind } from './manifest.js';
import type { ViewSpec } from './views.js';
import type { NewStandardVersion, StandardsInForce, StandardVersionSummary, StandardVersionView, TrialRequest, TrialResult } from './contracts/standards.js';

export interface IndicatorRecord {
  id: number; year: number; code: string; name: string; departmentId: number; projectId: number | null;
  expenditureKind: 'personnel' | 'operating' | 'project'; functionalCode: string; economicCode: string; fundSourceCode: string;
  /** Fen. */ issued: number; adjusted: number; frozen: number; paid: number; available: number;
  /** Fen held by submitted payment requests and transfers out not yet decided (占用); `available` already excludes it. Absent from hosts older than reservations. */
  reserved?: number;
}
export interface PaymentRecord {
  id: number; indicatorId: number; departmentId: number; payeeName: string; purpose: string; economicCode: string;
  /** Fen. */ amount: number; date: string; status: string; createdAt: string;
  approvedAt: string | null; paidAt: string | null;
  /** Since host API 1.1.0: the unit's document number (支付申请 ZF2026-0001) — show it, never the id. Null only for a row written around the commands. */
  docNo: string | null;
}
export interface DepartmentRecord { id: number; code: string; name: string }
export interface TransferRecord {
  id: number; fromIndicatorId: number; toIndicatorId: number; /** Fen. */ amount: number; reason: string; date: string; status: string; decidedAt: string | null;
  /** Since host API 1.1.0: the unit's document number (调剂 TJ2026-0001) — show it, never the id. Null only for a row written around the commands. */
  docNo: string | null;
}
/** One line of a grouped execution table (by department, by economic class, or the total). Fen; rates are fractions (0.4567 = 45.67%). */
export interface ExecutionGroupRecord { code: string; name: string; /** Fen. */ budget: number; paid: number; balance: number; executionRate: number; /** executionRate − timeProgress. */ gap: number }
/**
 * Execution of the bound unit's indicators up to a month: the ledger's own execution report
 * (预算执行情况表, the same numbers as the report page) as plain data.
 */
export interface ExecutionReportRecord {
  year: number; month: number; title: string; /** 序时进度 at min(end of the month, today), as `ledger.timeProgress` defines it. */ timeProgress: number;
  totals: ExecutionGroupRecord;
  rows: Array<{ indicatorId: number; code: string; name: string; departmentId: number; projectId: number | null; expenditureKind: string; economicCode: string; fundSourceCode: string;
    /** Fen. */ budget: number; paidToDate: number; paidInMonth: number; balance: number; executionRate: number; gap: number }>;
  byDepartment: Array<ExecutionGroupRecord & { departmentId: number | null }>;
  byEconomic: ExecutionGroupRecord[];
  /** Months 1..month: paid in the month, cumulative, cumulative rate against time progress. */
  byMonth: Array<{ month: number; /** Fen. */ paid: number; cumulative: number; executionRate: number; timeProgress: number; gap: number }>;
}
/**
 * 序时进度 (time progress) of the bound unit's year as the core defines it (the unit's basis: completed
 * months ÷ 12, a month counting on its last day, or elapsed days ÷ days in the year): the same value
 * as the execution report and the cockpit. Fractions rounded to 4 places.
 */
export interface TimeProgressRecord {
  year: number; /** ISO date the value stands on. */ asOf: string; basis: 'month' | 'day'; value: number;
  /** Months of the year completed on asOf (a month counts on its last day). */ completedMonths: number;
  /** The yardstick: the value at the end of each month 1–12 of the year. */ byMonth: number[];
  definition: { zh: string; en: string };
}
/**
 * A budget request (预算申报, host API 1.1.0, `ledger.budgetRequests`): `amount` is its total in fen; `projectId`
 * and `projectName` name the project when its lines name exactly one (null for none or several); `submittedAt`
 * is its last submission (一上 or 二上), null for a draft. Status: draft, submitted, returned, resubmitted, approved.
 */
export interface BudgetRequestRecord {
  id: number; docNo: string | null; year: number; title: string; departmentId: number; projectId: number | null; projectName: string | null;
  /** Fen. */ amount: number; status: string; submittedAt: string | null;
}
export interface ProjectRecord { id: number; code: string; name: string; status: string; startYear: number; endYear: number; totalAmount: number }

/**
 * A person of the bound unit (`host.members.list`, permission `members.read`): the core roles held in
 * the unit and the department they belong to. No username, phone or e-mail.
 */
export interface MemberRecord { id: number; displayName: string; roles: string[]; departmentId: number | null; departmentName: string | null }

export type Doc = Record<string, unknown>;
export interface StoredDoc<T extends Doc = Doc> { id: string; data: T; updatedAt: string }
/** One page of `storage.query(…, { after })`: pass `next` as `after` for the following page; null after the last. */
export interface StoredPage<T extends Doc = Doc> { items: Array<StoredDoc<T>>; next: string | null }

/**
 * The host API v1 as plugin code sees it. Every call returns a promise and may reject with a HostError.
 * Every answer has a size budget (storage 1 MiB of JSON, as a plugin's own result; ledger lists 2 MiB):
 * lists stop before it and page (`after` for storage, `afterId` for ledger lists; a page may be
 * shorter than `limit`, only an empty page ends). Writes count against the plugin's
 * quotas in the unit (`PLUGIN_QUOTA_EXCEEDED`); during a GET route they are refused (`PLUGIN_READ_ONLY`).
 */
export interface HostApi {
  readonly unitId: string;
  readonly settings: Record<string, string | number | boolean>;
  ledger: {
    /** By id; `afterId` (ascending ids after it) and `limit` (1–5000, default 5000) page through a large unit. */
    indicators(filter?: { year?: number; afterId?: number; limit?: number }): Promise<IndicatorRecord[]>;
    /**
     * Newest first, or — with `afterId` — oldest first from that id on, for paging through all payments
     * (`afterId: 0` starts a full scan; a page may be shorter than `limit` at the 2 MiB answer budget: only an empty page ends).
     * `year` filters on the payment date; `from`/`to` are inclusive ISO dates. `limit` defaults to 500, at most 5000.
     */
    payments(filter?: { status?: string; year?: number; from?: string; to?: string; afterId?: number; limit?: number; /** Host API 1.1.0: only the payments drawn on this project's indicators. */ projectId?: number }): Promise<PaymentRecord[]>;
    projects(): Promise<ProjectRecord[]>;
    departments(): Promise<DepartmentRecord[]>;
    transfers(filter?: { year?: number; status?: string; afterId?: number; limit?: number }): Promise<TransferRecord[]>;
    /** Host API 1.1.0: the unit's budget requests, ascending ids (`id`: one request; `afterId`/`limit` page, limit 1–5000). */
    budgetRequests(filter?: { id?: number; year?: number; status?: string; afterId?: number; limit?: number }): Promise<BudgetRequestRecord[]>;
    /** The execution report (month defaults to the current month of the running year, or December of a past year). */
    executionReport(params: { year: number; month?: number }): Promise<ExecutionReportRecord>;
    /** 序时进度 of a year on a date (`date` defaults to today's business date, `year` to the year of the date), by the unit's basis. */
    timeProgress(params?: { year?: number; date?: string }): Promise<TimeProgressRecord>;
  };
  storage: {
    put<T extends Doc>(collection: string, id: string, data: T): Promise<void>;
    get<T extends Doc>(collection: string, id: string): Promise<StoredDoc<T> | null>;
    delete(collection: string, id: string): Promise<boolean>;
    /**
     * Equality on indexed fields (declared in the manifest), newest first. With `after` (null for the
     * first page, then the `next` of the page before) the answer is a page `{ items, next }`: at most
     * `limit` documents (default 100, at most 500) and at most 1 MiB of JSON.
     */
    query<T extends Doc>(collection: string, where: Record<string, string | number | boolean>, options: { limit?: number; after: string | null }): Promise<StoredPage<T>>;
    /** Host API 1.0.0: the first page as an array — up to `limit` documents, fewer once the 1 MiB answer budget is reached. */
    query<T extends Doc>(collection: string, where?: Record<string, string | number | boolean>, options?: { limit?: number }): Promise<Array<StoredDoc<T>>>;
    /**
     * Host API 1.1.0: the documents of a collection declaring `search` fields whose text contains every
     * word of `query` (1–100 characters, words split at spaces; Chinese needs no spaces: any run of one
     * or more characters is found), case- and width-insensitive, newest first; `limit` 1–100, default 20.
     */
    search<T extends Doc>(collection: string, query: string, options?: { limit?: number }): Promise<Array<StoredDoc<T>>>;
  };
  /** Each person at most once (a user also reached through a named role gets one notice); counts toward the hourly quota. */
  notify(message: { title: string; body?: string; users?: number[]; roles?: string[]; link?: string }): Promise<void>;
  realtime: { publish(channel: string, data: unknown): Promise<void> };
  /** Host API 1.1.0, permission `members.read`: the unit's people, optionally those holding `role` or in `departmentId`. */
  members: { list(filter?: { role?: string; departmentId?: number }): Promise<MemberRecord[]> };
  /**
   * Host API 1.1.0, permission `shared.read`: a collection another plugin enabled in this unit shares
   * (its manifest's `shares`), named in this plugin's `reads`. Read-only; the same `where` (the owner's
   * indexed fields), paging and 1 MiB budget as `storage.query`. Rejects with PLUGIN_SHARED_NOT_DECLARED
   * (403, not in `reads`), PLUGIN_SHARED_NOT_ENABLED (404, the other plugin is not enabled here) or
   * PLUGIN_SHARED_NOT_SHARED (403, its version does not share the collection).
   */
  shared: {
    query<T extends Doc>(pluginId: string, collection: string, where: Record<string, string | number | boolean>, options: { limit?: number; after: string | null }): Promise<StoredPage<T>>;
    query<T extends Doc>(pluginId: string, collection: string, where?: Record<string, string | number | boolean>, options?: { limit?: number }): Promise<Array<StoredDoc<T>>>;
  };
  /**
   * Host API 1.1.0, 支出标准 (issue 19). `list` and `get` need `ledger.read`: the rows in force on a date (default today,
   * per item and tier the nearest owner's), the versions they come from and the unit's whole history. `propose`
   * (permission `standards.propose`) stores a proposed version in the unit; it changes no cap until a person with the
   * bureau/unit finance role adopts it in the core.
   */
  standards: {
    list(params?: { date?: string }): Promise<StandardsInForce & { history: StandardVersionSummary[] }>;
    get(versionId: number): Promise<StandardVersionView>;
    propose(version: NewStandardVersion): Promise<StandardVersionView>;
  };
  /**
   * Host API 1.1.0, permission `rules.trial`: 试运行 — the core's own control rules applied to the unit's past payments of a
   * window under a proposed standard set and/or rule modes; nothing changes. Same answer as POST /api/units/:unitId/control-rules/trial.
   */
  rules: { trial(params: TrialRequest): Promise<TrialResult> };
  log: { info(message: string, data?: unknown): Promise<void>; warn(message: string, data?: unknown): Promise<void>; error(message: string, data?: unknown): Promise<void> };
}

/** A host call refused or failed: errors cross the sandbox boundary as plain data. */
export interface HostError { code: string; message: string; status: number }

export interface PluginEvent<P = Record<string, unknown>> { id: string; type: string; unitId: string; occurredAt: string; payload: P }

export interface ValidationInput {
  kind: ValidatorKind; unitId: string; document: Record<string, unknown>;
  /** The submitter's language (host API 1.1.0 hosts pass it; absent from older ones: read it as zh-CN): word warn/block messages in it. */
  lang?: 'zh-CN' | 'en';
}
export type ValidationResult = { result: 'ok' } | { result: 'warn'; message: string } | { result: 'block'; message: string };

/**
 * The caller: `roles` are the core role names they hold in this unit (not through a supervising
 * unit), for finer decisions than the manifest's `roles` of a route.
 */
export interface CallerIdentity { id: number; username: string; roles: string[] }
export interface RouteRequest {
  /** PUT and DELETE since host API 1.1.0 (writes like POST, with a JSON body; GET is read-only). */
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; query: Record<string, string>; body: unknown; user: CallerIdentity;
  /** The values of the declared path's parameter segments (`projects/:projectId` → `{ projectId: '12' }`), as strings: validate them. `{}` without any. */
  params: Record<string, string>;
  /** The caller's language (Accept-Language; host API 1.1.0 hosts pass it, read its absence as zh-CN): word the answer's `message` in it. */
  lang?: 'zh-CN' | 'en';
}
/** The object a view placed on a core screen is shown about (host API 1.1.0); the host checked it exists in the unit. */
export interface ViewSubject { kind: 'project' | 'budget-request' | 'payment' | 'transfer'; id: number }
export interface ViewContext {
  user: CallerIdentity; query: Record<string, string>;
  /** The reader's language (the app's choice, sent as Accept-Language; zh-CN by default): word the view in it. */
  lang: 'zh-CN' | 'en';
  /** Present for views placed on an object's screen (`project-detail`, `budget-request-detail`, `payment-detail`, `transfer-detail`). */
  subject?: ViewSubject;
}
/** A GET route answering exactly this is sent as the file itself (≤ 5 MiB decoded; the name ≤ 120 characters). */
export interface FileAnswer { file: { name: string; mediaType: string; base64: string } }

export interface PluginDefinition {
  /** `payment.paid`, … (as subscribed in the manifest). */
  events?: Record<string, (event: PluginEvent, host: HostApi) => unknown | Promise<unknown>>;
  validators?: Partial<Record<ValidatorKind, (input: ValidationInput, host: HostApi) => ValidationResult | Promise<ValidationResult>>>;
  /** Keyed `GET summary`, `POST notes/save`: method, space, path as in the manifest. */
  routes?: Record<string, (request: RouteRequest, host: HostApi) => unknown | Promise<unknown>>;
  views?: Record<string, (context: ViewContext, host: HostApi) => ViewSpec | Promise<ViewSpec>>;
  schedule?: Record<string, (host: HostApi, run: { scheduledAt: string }) => unknown | Promise<unknown>>;
  /** Runs once per unit when the plugin is enabled there or upgraded: `from` is null on first enable. */
  migrate?: (host: HostApi, versions: { from: string | null; to: string }) => unknown | Promise<unknown>;
}
