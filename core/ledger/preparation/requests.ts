import type { Selectable } from 'kysely';
import { dialectOf, type Executor, type Tx } from '../../db/connection.js';
import type { BudgetRequestLinesTable, BudgetRequestsTable, BudgetRequestStatus } from '../../db/schema.js';
import { AppError } from '../errors.js';
import { containsText, needle, type Page } from '../../db/paging.js';
import { trailOf } from '../comments.js';
import type { LineView, RequestDetail, RequestView } from './schema.js';

/**
 * Budget requests as they are read: one request with its lines and trail, the list, and the row
 * reads and locks the lifecycle commands (lifecycle.ts) build on.
 *
 * `onlyDepartment` is the department a department-bound caller (business staff, department head)
 * is confined to, or null for whole-unit callers; see departmentBound in ../scope.ts.
 */

export type RequestRow = Selectable<BudgetRequestsTable>;
export type LineRow = Selectable<BudgetRequestLinesTable>;

export function requestView(row: RequestRow, departmentName: string): RequestView {
  return {
    id: row.id,
    docNo: row.doc_no,
    unitId: row.unit_id,
    year: row.year,
    departmentId: row.department_id,
    departmentName,
    title: row.title,
    status: row.status,
    round: row.round,
    amount: row.total_amount,
    controlAmount: row.control_amount,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function lineView(row: LineRow, indicatorId: number | null, indicatorCode: string | null = null): LineView {
  return {
    id: row.id,
    lineNo: row.line_no,
    expenditureKind: row.expenditure_kind,
    projectId: row.project_id,
    functionalCode: row.functional_code,
    economicCode: row.economic_code,
    fundSourceCode: row.fund_source_code,
    headcount: row.headcount,
    standardAmount: row.standard_amount,
    amount: row.amount,
    controlAmount: row.control_amount,
    note: row.note,
    indicatorId,
    indicatorCode,
  };
}

function assertDepartment(row: RequestRow, onlyDepartment: number | null): void {
  if (onlyDepartment !== null && onlyDepartment !== row.department_id) {
    throw new AppError('DEPARTMENT_SCOPE', { departmentId: row.department_id });
  }
}

export async function findRequest(db: Executor, unitId: string, id: number, onlyDepartment: number | null): Promise<RequestRow> {
  const row = await db.selectFrom('budget_requests').selectAll().where('id', '=', id).where('unit_id', '=', unitId).executeTakeFirst();
  if (!row) throw new AppError('BUDGET_REQUEST_NOT_FOUND', { requestId: id });
  assertDepartment(row, onlyDepartment);
  return row;
}

/** Reads a request and, on PostgreSQL, locks it: each step of the flow happens once. */
export async function lockRequest(tx: Tx, unitId: string, id: number, onlyDepartment: number | null): Promise<RequestRow> {
  const row = await tx
    .selectFrom('budget_requests')
    .selectAll()
    .where('id', '=', id)
    .where('unit_id', '=', unitId)
    .$if(dialectOf(tx) === 'postgres', (qb) => qb.forNoKeyUpdate())
    .executeTakeFirst();
  if (!row) throw new AppError('BUDGET_REQUEST_NOT_FOUND', { requestId: id });
  assertDepartment(row, onlyDepartment);
  return row;
}

export async function linesOf(db: Executor, requestId: number): Promise<LineRow[]> {
  return db.selectFrom('budget_request_lines').selectAll().where('request_id', '=', requestId).orderBy('line_no').execute();
}

export interface RequestFilter {
  year?: number | undefined;
  status?: BudgetRequestStatus | undefined;
  departmentId?: number | undefined;
  /** Only the requests this user made (我的申请). */
  createdBy?: number | undefined;
  /** The number or title contains this. */
  q?: string | undefined;
}

export async function listRequests(
  db: Executor,
  unitId: string,
  onlyDepartment: number | null,
  filter: RequestFilter = {},
): Promise<RequestView[]> {
  const rows = await filteredRequests(db, unitId, onlyDepartment, filter)
    .orderBy('budget_requests.year', 'desc')
    .orderBy('budget_requests.id', 'desc')
    .execute();
  return rows.map((r) => requestView(r, r.department_name));
}

/** One page of the requests (我的申请's server paging, core/http/paging.ts), newest first like listRequests. */
export async function pageRequests(
  db: Executor, unitId: string, onlyDepartment: number | null, filter: RequestFilter, window: { page: number; pageSize: number; offset: number },
): Promise<Page<RequestView>> {
  const filtered = filteredRequests(db, unitId, onlyDepartment, filter);
  const [rows, count] = await Promise.all([
    filtered.orderBy('budget_requests.year', 'desc').orderBy('budget_requests.id', 'desc').limit(window.pageSize).offset(window.offset).execute(),
    filtered.clearSelect().select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => requestView(r, r.department_name)), total: Number(count.n), page: window.page, pageSize: window.pageSize };
}

function filteredRequests(db: Executor, unitId: string, onlyDepartment: number | null, filter: RequestFilter) {
  const q = needle(filter.q);
  return db
    .selectFrom('budget_requests')
    .innerJoin('departments', 'departments.id', 'budget_requests.department_id')
    .selectAll('budget_requests')
    .select('departments.name as department_name')
    .where('budget_requests.unit_id', '=', unitId)
    .$if(onlyDepartment !== null, (qb) => qb.where('budget_requests.department_id', '=', onlyDepartment!))
    .$if(filter.year !== undefined, (qb) => qb.where('budget_requests.year', '=', filter.year!))
    .$if(filter.status !== undefined, (qb) => qb.where('budget_requests.status', '=', filter.status!))
    .$if(filter.departmentId !== undefined, (qb) => qb.where('budget_requests.department_id', '=', filter.departmentId!))
    .$if(filter.createdBy !== undefined, (qb) => qb.where('budget_requests.created_by', '=', filter.createdBy!))
    .$if(q !== null, (qb) => qb.where((eb) => eb.or([containsText('budget_requests.doc_no', q!), containsText('budget_requests.title', q!)])));
}

/** A request with its lines (and the indicator each approved line became) and its trail of steps. */
export async function requestDetail(db: Executor, unitId: string, id: number, onlyDepartment: number | null): Promise<RequestDetail> {
  const row = await findRequest(db, unitId, id, onlyDepartment);
  const department = await db.selectFrom('departments').select('name').where('id', '=', row.department_id).executeTakeFirstOrThrow();
  const lines = await linesOf(db, id);
  const issued = lines.length
    ? await db
        .selectFrom('indicators')
        .select(['id', 'code', 'source_line_id'])
        .where('unit_id', '=', unitId)
        .where('source_line_id', 'in', lines.map((l) => l.id))
        .execute()
    : [];
  const indicatorOf = new Map(issued.map((i) => [i.source_line_id, i]));
  return {
    ...requestView(row, department.name),
    lines: lines.map((l) => lineView(l, indicatorOf.get(l.id)?.id ?? null, indicatorOf.get(l.id)?.code ?? null)),
    warnings: JSON.parse(row.warnings ?? '[]') as RequestDetail['warnings'],
    trail: await trailOf(db, unitId, 'budget_request', id),
  };
}

/** The audited summary of a request's state, before and after each step. */
export async function snapshot(db: Executor, row: RequestRow) {
  const lines = await linesOf(db, row.id);
  return {
    status: row.status,
    round: row.round,
    amount: row.total_amount,
    controlAmount: row.control_amount,
    lines: lines.map((l) => ({ id: l.id, economicCode: l.economic_code, amount: l.amount, controlAmount: l.control_amount })),
  };
}

export async function reloadRequest(tx: Tx, unitId: string, id: number): Promise<RequestRow> {
  return tx.selectFrom('budget_requests').selectAll().where('id', '=', id).where('unit_id', '=', unitId).executeTakeFirstOrThrow();
}
