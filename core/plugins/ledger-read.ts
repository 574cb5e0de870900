import { sql } from 'kysely';
import type { Executor } from '../db/connection.js';
import type { BudgetRequestStatus, PaymentStatus, DecisionStatus } from '../db/schema.js';
import { executionReport } from '../ledger/accounting/reports.js';
import { ledgerSettings } from '../ledger/rules/service.js';
import { timeProgressAnswer } from '../ledger/time-progress.js';
import { businessDate } from '../clock.js';
import type { BudgetRequestRecord, DepartmentRecord, ExecutionReportRecord, IndicatorRecord, PaymentRecord, ProjectRecord, TimeProgressRecord, TransferRecord } from '../../sdk/index.js';
import { HostCallError } from './errors.js';

/**
 * The `ledger.read` host calls: every query is pinned to the unit the call is bound to (never an
 * argument of the plugin), results are plain records in fen, and lists are capped so one call
 * cannot pull an unbounded result through the sandbox boundary: at most 5,000 records and at most
 * LEDGER_ANSWER_BYTES of JSON, read in chunks of 500 rows with the event loop free between them.
 * The budget holds a full page of 5,000 typical payments (~1.4 MB), so a plugin written to host
 * API 1.0.0 that ends a scan on a short page keeps working on ordinary data; records with long
 * texts make shorter pages. A list cut by the budget continues with `afterId` (the last id); only
 * an empty page ends a scan (as documented since host API 1.0.0 for payments).
 */

const PAYMENT_PAGE_DEFAULT = 500;
export const PAYMENT_PAGE_MAX = 5000;
const LIST_CAP = 5000;
/** The most one ledger answer carries, in characters of JSON. */
export const LEDGER_ANSWER_BYTES = 2 * 1024 * 1024;
/** Rows per query: a chunk is read synchronously on SQLite, so it stays small (≤ ~600 KB of the longest rows). */
const CHUNK_ROWS = 500;

/** The JSON size of a flat record, as it will cross the boundary (escapes aside). */
function recordSize(record: object): number {
  let n = 2;
  for (const [key, value] of Object.entries(record)) {
    n += key.length + 4 + (typeof value === 'string' ? value.length + 2 : value === null || value === undefined ? 4 : String(value).length);
  }
  return n;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads up to `limit` records in id order (`direction`), a chunk of rows per query starting after
 * `from`, and stops before the record that would pass the answer budget.
 */
async function budgeted<Row extends { id: number }, R extends object>(
  fetch: (after: number | undefined, rows: number) => Promise<Row[]>, limit: number, map: (row: Row) => R, from?: number,
): Promise<R[]> {
  const out: R[] = [];
  let size = 2;
  let cursor = from;
  while (out.length < limit) {
    const want = Math.min(CHUNK_ROWS, limit - out.length);
    const rows = await fetch(cursor, want);
    for (const row of rows) {
      const record = map(row);
      const bytes = recordSize(record) + 1;
      if (out.length > 0 && size + bytes > LEDGER_ANSWER_BYTES) return out;
      out.push(record);
      size += bytes;
    }
    if (rows.length < want) break;
    cursor = rows[rows.length - 1]!.id;
    await yieldToLoop();
  }
  return out;
}

/** `afterId` and `limit` of the lists that gained paging after 1.0.0: checked strictly. */
function pageArgs(filter: Record<string, unknown>): { afterId: number | undefined; limit: number } {
  const { afterId, limit } = filter;
  if (afterId !== undefined && (typeof afterId !== 'number' || !Number.isSafeInteger(afterId) || afterId < 0)) {
    throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'afterId must be a non-negative integer (0 starts from the first record)');
  }
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > LIST_CAP)) {
    throw new HostCallError('PLUGIN_BAD_ARGUMENTS', `limit must be an integer 1–${LIST_CAP}`);
  }
  return { afterId: afterId as number | undefined, limit: (limit as number | undefined) ?? LIST_CAP };
}

const PAYMENT_STATUSES: readonly PaymentStatus[] = ['pending', 'approved', 'paid', 'rejected', 'withdrawn'];
const DECISION_STATUSES: readonly string[] = ['pending', 'approved', 'rejected', 'withdrawn'];

/** A host call's object argument; anything else reads as no options. */
export function objectArg(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function yearArg(value: unknown, field = 'year'): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1900 || value > 2999) {
    throw new HostCallError('PLUGIN_BAD_ARGUMENTS', `${field} must be a four-digit year`);
  }
  return value;
}

/**
 * `ledger.indicators` and `ledger.payments` shipped in host API 1.0.0 taking what a plugin passed
 * and making the best of it; a plugin written then must keep working (and a refusal would count
 * toward its breaker). So their original filters stay tolerant — numbers or numeric strings, a year
 * that matches nothing returns nothing, anything else is ignored as it always was — and only the
 * parameters added later (`afterId`, `from`, `to`; every filter of `transfers` and `executionReport`)
 * are checked strictly.
 */
function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** A tolerant year: undefined = no filter; null = a year no row can have (the answer is empty). */
function tolerantYear(value: unknown): number | null | undefined {
  const n = numeric(value);
  if (n === undefined) return undefined;
  return Number.isInteger(n) ? n : null;
}

/** 1.0.0 semantics: a missing, zero or non-numeric limit is the default page; otherwise clamped to 1..max. */
function tolerantLimit(value: unknown): number {
  const n = numeric(value);
  if (n === undefined || n === 0) return PAYMENT_PAGE_DEFAULT;
  return Math.min(Math.max(1, Math.floor(n)), PAYMENT_PAGE_MAX);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
function dateArg(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !ISO_DATE.test(value)) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', `${field} must be an ISO date YYYY-MM-DD`);
  return value;
}

export async function readIndicators(db: Executor, unitId: string, raw: unknown): Promise<IndicatorRecord[]> {
  const filter = objectArg(raw);
  const year = tolerantYear(filter.year);
  const { afterId, limit } = pageArgs(filter);
  if (year === null) return [];
  const fetch = (after: number | undefined, rows: number) => db.selectFrom('indicators').selectAll().where('unit_id', '=', unitId)
    .$if(year !== undefined, (q) => q.where('year', '=', year!))
    .$if(after !== undefined, (q) => q.where('id', '>', after!))
    .orderBy('id').limit(rows).execute();
  return budgeted(fetch, limit, (r) => ({
    id: r.id, year: r.year, code: r.code, name: r.name, departmentId: r.department_id, projectId: r.project_id,
    expenditureKind: r.expenditure_kind, functionalCode: r.functional_code, economicCode: r.economic_code, fundSourceCode: r.fund_source_code,
    issued: r.issued_amount, adjusted: r.adjusted_amount, frozen: r.frozen_amount, paid: r.paid_amount, reserved: r.reserved_amount,
    available: r.issued_amount + r.adjusted_amount - r.frozen_amount - r.paid_amount - r.reserved_amount,
  }), afterId);
}

/**
 * Payments of the unit. Without `afterId`: the newest first (a dashboard's "latest"). With
 * `afterId`: ascending ids strictly after it — keyset paging, so walking a million rows costs one
 * index range read per page (index payments(unit_id, id), migration 005) and never an OFFSET scan.
 */
export async function readPayments(db: Executor, unitId: string, raw: unknown): Promise<PaymentRecord[]> {
  const filter = objectArg(raw);
  // A status string no payment can have matches nothing (as the 1.0.0 query did); a non-string is ignored.
  const status = typeof filter.status === 'string' ? filter.status : undefined;
  if (status !== undefined && !PAYMENT_STATUSES.includes(status as PaymentStatus)) return [];
  const year = tolerantYear(filter.year);
  // A year no four-digit date has matches nothing (rather than comparing odd strings with dates).
  if (year === null || (year !== undefined && (year < 1000 || year > 9999))) return [];
  const from = dateArg(filter.from, 'from');
  const to = dateArg(filter.to, 'to');
  const afterId = filter.afterId;
  if (afterId !== undefined && (typeof afterId !== 'number' || !Number.isSafeInteger(afterId) || afterId < 0)) {
    throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'afterId must be a non-negative integer (0 starts from the first payment)');
  }
  const limit = tolerantLimit(filter.limit);
  // Host API 1.1.0: the payments drawn on the indicators of one project of the unit.
  const projectId = filter.projectId;
  if (projectId !== undefined && (typeof projectId !== 'number' || !Number.isSafeInteger(projectId) || projectId < 1)) {
    throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'projectId must be a positive integer (a project id of the unit)');
  }
  const ascending = afterId !== undefined;
  const fetch = (after: number | undefined, rows: number) => db.selectFrom('payments').selectAll().where('unit_id', '=', unitId)
    .$if(status !== undefined, (q) => q.where('status', '=', status as PaymentStatus))
    .$if(projectId !== undefined, (q) => q.where('indicator_id', 'in', db.selectFrom('indicators').select('id').where('unit_id', '=', unitId).where('project_id', '=', projectId as number)))
    .$if(year !== undefined, (q) => q.where('date', '>=', `${year}-01-01`).where('date', '<=', `${year}-12-31`))
    .$if(from !== undefined, (q) => q.where('date', '>=', from!))
    .$if(to !== undefined, (q) => q.where('date', '<=', to!))
    .$if(after !== undefined, (q) => q.where('id', ascending ? '>' : '<', after!))
    .orderBy('id', ascending ? 'asc' : 'desc')
    .limit(rows)
    .execute();
  return budgeted(fetch, limit, (r) => ({
    id: r.id, indicatorId: r.indicator_id, departmentId: r.department_id, payeeName: r.payee_name, purpose: r.purpose,
    economicCode: r.economic_code, amount: r.amount, date: r.date, status: r.status, createdAt: r.created_at,
    approvedAt: r.approved_at, paidAt: r.paid_at, docNo: r.doc_no,
  }), afterId as number | undefined);
}

export async function readProjects(db: Executor, unitId: string): Promise<ProjectRecord[]> {
  const fetch = (after: number | undefined, rows: number) => db.selectFrom('projects').selectAll().where('unit_id', '=', unitId)
    .$if(after !== undefined, (q) => q.where('id', '>', after!)).orderBy('id').limit(rows).execute();
  return budgeted(fetch, LIST_CAP, (r) => ({ id: r.id, code: r.code, name: r.name, status: r.status, startYear: r.start_year, endYear: r.end_year, totalAmount: r.total_amount }));
}

/** Departments are ordered by code (a unit has dozens): one read, under the same caps. */
export async function readDepartments(db: Executor, unitId: string): Promise<DepartmentRecord[]> {
  const rows = await db.selectFrom('departments').select(['id', 'code', 'name']).where('unit_id', '=', unitId).orderBy('code').limit(LIST_CAP).execute();
  return budgeted(async (after) => (after === undefined ? rows : []), LIST_CAP, (r) => ({ id: r.id, code: r.code, name: r.name }));
}

export async function readTransfers(db: Executor, unitId: string, raw: unknown): Promise<TransferRecord[]> {
  const filter = objectArg(raw);
  const year = yearArg(filter.year);
  const status = filter.status;
  if (status !== undefined && !DECISION_STATUSES.includes(status as string)) {
    throw new HostCallError('PLUGIN_BAD_ARGUMENTS', `status must be one of ${DECISION_STATUSES.join(', ')}`);
  }
  const { afterId, limit } = pageArgs(filter);
  const fetch = (after: number | undefined, rows: number) => db.selectFrom('transfers').selectAll().where('unit_id', '=', unitId)
    .$if(year !== undefined, (q) => q.where('date', '>=', `${year}-01-01`).where('date', '<=', `${year}-12-31`))
    .$if(status !== undefined, (q) => q.where('status', '=', status as DecisionStatus))
    .$if(after !== undefined, (q) => q.where('id', '>', after!))
    .orderBy('id').limit(rows).execute();
  return budgeted(fetch, limit, (r) => ({
    id: r.id, fromIndicatorId: r.from_indicator_id, toIndicatorId: r.to_indicator_id, amount: r.amount, reason: r.reason,
    date: r.date, status: r.status, decidedAt: r.decided_at, docNo: r.doc_no,
  }), afterId);
}

const REQUEST_STATUSES: readonly BudgetRequestStatus[] = ['draft', 'submitted', 'returned', 'resubmitted', 'approved'];

/**
 * Budget requests (预算申报) of the unit, ascending ids (host API 1.1.0): `amount` is the total in fen,
 * `projectId`/`projectName` the project when its lines name exactly one (null for none or several),
 * `submittedAt` the last submission (一上 or 二上; null for a draft). `id` reads one request.
 */
export async function readBudgetRequests(db: Executor, unitId: string, raw: unknown): Promise<BudgetRequestRecord[]> {
  const filter = objectArg(raw);
  const year = yearArg(filter.year);
  const status = filter.status;
  if (status !== undefined && !REQUEST_STATUSES.includes(status as BudgetRequestStatus)) {
    throw new HostCallError('PLUGIN_BAD_ARGUMENTS', `status must be one of ${REQUEST_STATUSES.join(', ')}`);
  }
  const id = filter.id;
  if (id !== undefined && (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'id must be a positive integer');
  const { afterId, limit } = pageArgs(filter);
  // The project (when the lines name exactly one) and the last submission come with each row, so the
  // answer budget counts them too: two correlated subqueries on indexed columns (lines by request, comments by entity).
  const fetch = (after: number | undefined, rows: number) => db.selectFrom('budget_requests as r').selectAll('r')
    .select((eb) => [
      eb.selectFrom('budget_request_lines as l').whereRef('l.request_id', '=', 'r.id')
        .select(sql<number | null>`case when count(distinct coalesce(l.project_id, 0)) = 1 then max(l.project_id) end`.as('p')).as('project_id'),
      eb.selectFrom('comments as c').whereRef('c.entity_id', '=', 'r.id').where('c.entity', '=', 'budget_request').whereRef('c.unit_id', '=', 'r.unit_id')
        .where('c.action', 'in', ['submit', 'resubmit']).select((e) => e.fn.max('c.created_at').as('at')).as('submitted_at'),
    ])
    .where('r.unit_id', '=', unitId)
    .$if(id !== undefined, (q) => q.where('r.id', '=', id as number))
    .$if(year !== undefined, (q) => q.where('r.year', '=', year!))
    .$if(status !== undefined, (q) => q.where('r.status', '=', status as BudgetRequestStatus))
    .$if(after !== undefined, (q) => q.where('r.id', '>', after!))
    .orderBy('r.id').limit(rows).execute();
  const projects = new Map((await db.selectFrom('projects').select(['id', 'name']).where('unit_id', '=', unitId).execute()).map((p) => [p.id, p.name]));
  return budgeted(fetch, limit, (r) => {
    const projectId = r.project_id === null || r.project_id === undefined ? null : Number(r.project_id);
    return {
      id: r.id, docNo: r.doc_no, year: r.year, title: r.title, departmentId: r.department_id,
      projectId, projectName: projectId === null ? null : projects.get(projectId) ?? null,
      amount: r.total_amount, status: r.status, submittedAt: (r.submitted_at as string | null | undefined) ?? null,
    };
  }, afterId);
}

/** A report of the running year stands at the current month; a past (or future) year is seen whole (as the report route does). */
function defaultMonth(year: number, today = new Date()): number {
  return year === today.getUTCFullYear() ? today.getUTCMonth() + 1 : 12;
}

type Row = Record<string, string | number | null>;
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The ledger's own execution report (core/ledger/accounting/reports.ts) for the bound unit, as plain
 * data. `paidInMonth` per indicator is the difference of the report through the month and through
 * the month before, so both numbers come from the same service the report page uses.
 */
export async function readExecutionReport(db: Executor, unitId: string, raw: unknown): Promise<ExecutionReportRecord> {
  const params = objectArg(raw);
  const year = yearArg(params.year);
  if (year === undefined) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'year is required');
  const rawMonth = params.month;
  if (rawMonth !== undefined && rawMonth !== null && (typeof rawMonth !== 'number' || !Number.isInteger(rawMonth) || rawMonth < 1 || rawMonth > 12)) {
    throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'month must be 1–12');
  }
  const month = typeof rawMonth === 'number' ? rawMonth : defaultMonth(year);
  const unit = await db.selectFrom('units').select(['id', 'name']).where('id', '=', unitId).executeTakeFirstOrThrow();
  const covered = { unitId, unitName: unit.name, consolidated: false, units: [{ id: unit.id, name: unit.name }] };
  const report = await executionReport(db, covered, year, month, null);
  const before = await executionReport(db, covered, year, month - 1, null);
  const table = (r: typeof report, id: string) => (r.tables.find((t) => t.id === id)?.rows ?? []) as Row[];
  // The last row of each grouped table is the total (合计).
  const body = (rows: Row[]) => rows.slice(0, -1);
  const paidBefore = new Map(body(table(before, 'by_indicator')).map((r) => [str(r.code), num(r.paid)]));
  const indicators = new Map(
    (await db.selectFrom('indicators').selectAll().where('unit_id', '=', unitId).where('year', '=', year).execute()).map((i) => [i.code, i]),
  );
  const rows: ExecutionReportRecord['rows'] = [];
  for (const r of body(table(report, 'by_indicator'))) {
    const indicator = indicators.get(str(r.code));
    if (!indicator) continue;
    rows.push({
      indicatorId: indicator.id, code: indicator.code, name: indicator.name, departmentId: indicator.department_id, projectId: indicator.project_id,
      expenditureKind: indicator.expenditure_kind, economicCode: indicator.economic_code, fundSourceCode: indicator.fund_source_code,
      budget: num(r.budget), paidToDate: num(r.paid), paidInMonth: num(r.paid) - (paidBefore.get(indicator.code) ?? 0),
      balance: num(r.balance), executionRate: num(r.rate), gap: num(r.gap),
    });
  }
  const departmentIds = new Map((await readDepartments(db, unitId)).map((d) => [d.code, d.id]));
  const group = (r: Row) => ({ code: str(r.code), name: str(r.name), budget: num(r.budget), paid: num(r.paid), balance: num(r.balance), executionRate: num(r.rate), gap: num(r.gap) });
  const totals = report.totals as Row;
  const result: ExecutionReportRecord = {
    year, month, title: report.title, timeProgress: num(report.timeProgress),
    totals: group(totals),
    rows,
    byDepartment: body(table(report, 'by_department')).map((r) => ({ ...group(r), departmentId: departmentIds.get(str(r.code)) ?? null })),
    byEconomic: body(table(report, 'by_economic')).map(group),
    byMonth: table(report, 'by_month').map((r, k) => ({
      month: k + 1, paid: num(r.paid), cumulative: num(r.cumulative), executionRate: num(r.rate), timeProgress: num(r.progress), gap: num(r.gap),
    })),
  };
  // One object, not a list: over the budget it is refused rather than cut (a unit with that many indicators pages them instead).
  const size = [result.rows, result.byDepartment, result.byEconomic, result.byMonth].reduce((n, list) => n + list.reduce((m: number, r: object) => m + recordSize(r) + 1, 0), 1000);
  if (size > LEDGER_ANSWER_BYTES) {
    throw new HostCallError('PLUGIN_ANSWER_TOO_LARGE', `the execution report of this unit is about ${size} bytes, over the ${LEDGER_ANSWER_BYTES} bytes of a host answer: read indicators and payments page by page instead`, 413);
  }
  return result;
}

/**
 * 序时进度 of the bound unit's year on a date (default today's business date), by the unit's basis:
 * the core's one definition (core/ledger/time-progress.ts), so a plugin never computes its own.
 */
export async function readTimeProgress(db: Executor, unitId: string, raw: unknown): Promise<TimeProgressRecord> {
  const params = objectArg(raw);
  const date = dateArg(params.date, 'date');
  if (date !== undefined) {
    const t = Date.parse(`${date}T00:00:00Z`);
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'date must be a calendar date YYYY-MM-DD');
  }
  const asOf = date ?? businessDate();
  const year = yearArg(params.year) ?? Number(asOf.slice(0, 4));
  const { timeProgressBasis } = await ledgerSettings(db, unitId);
  return timeProgressAnswer(timeProgressBasis, year, asOf);
}
