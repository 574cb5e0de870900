import { sql, type Selectable } from 'kysely';
import { dialectOf, type Executor, type Tx } from '../../db/connection.js';
import type {
  BudgetRequestLinesTable, BudgetRequestsTable, BudgetRequestStatus, ExpenditureKind, ProjectStatus,
} from '../../db/schema.js';
import { nowIso } from '../../clock.js';
import { appendAudit, type AuditActor } from '../../audit/service.js';
import { publishEvent } from '../../events/outbox.js';
import { notifyBudgetRequest } from '../approvals/notices.js';
import { AppError } from '../errors.js';
import { assertPeriodOpen } from '../../periods/service.js';
import { assertDepartmentInUnit } from '../../units/service.js';
import { assertClassExists } from '../classifications/service.js';
import { issueIndicator } from '../indicators/service.js';
import { changeProjectStatus, findProject, lockProject } from '../projects/service.js';
import { addComment, trailOf } from '../comments.js';
import {
  MAX_LINES, type LineInput, type LineView, type RequestDetail, type RequestView, type Standard, type SummaryView,
  type TemplateView,
} from './schema.js';

/**
 * 预算编制, "二上二下":
 *   draft ──submit──▶ submitted (一上) ──return──▶ returned (一下: control numbers per line)
 *   returned ──submit──▶ resubmitted (二上: amounts within the control numbers)
 *   resubmitted ──approve──▶ approved (二下: one indicator issued per line, same transaction)
 *   resubmitted ──return──▶ returned (finance may give revised control numbers once more)
 *
 * `onlyDepartment` is the department a department-bound caller (business staff, department head)
 * is confined to, or null for whole-unit callers; see departmentBound in ../scope.ts.
 */

type RequestRow = Selectable<BudgetRequestsTable>;
type LineRow = Selectable<BudgetRequestLinesTable>;

// ------------------------------------------------------------------ templates

interface TemplateConfig {
  functionalCode: string;
  fundSourceCode: string;
  standards: Standard[];
}

/** 2050101 教育管理事务·行政运行; fund source 11 一般公共预算资金. A unit's admin sets its own with PUT. */
const DEFAULT_FUNCTIONAL_CODE = '2050101';
const DEFAULT_FUND_SOURCE_CODE = '11';

/**
 * Built-in standards (fen per person per year), roughly a county-level 行政单位: used until the
 * unit's administrator saves its own template. Reading them writes nothing.
 */
const DEFAULT_TEMPLATES: Record<ExpenditureKind, { name: string; standards: Standard[] }> = {
  personnel: {
    name: '人员经费测算模板',
    standards: [
      { economicCode: '30101', name: '基本工资', perHeadAmount: 4_200_000 },
      { economicCode: '30102', name: '津贴补贴', perHeadAmount: 3_000_000 },
      { economicCode: '30103', name: '奖金', perHeadAmount: 420_000 },
      { economicCode: '30108', name: '机关事业单位基本养老保险缴费', perHeadAmount: 1_152_000 },
      { economicCode: '30113', name: '住房公积金', perHeadAmount: 864_000 },
    ],
  },
  operating: {
    name: '公用经费测算模板',
    standards: [
      { economicCode: '30201', name: '办公费', perHeadAmount: 120_000 },
      { economicCode: '30205', name: '水费', perHeadAmount: 15_000 },
      { economicCode: '30206', name: '电费', perHeadAmount: 60_000 },
      { economicCode: '30211', name: '差旅费', perHeadAmount: 150_000 },
      { economicCode: '30228', name: '工会经费', perHeadAmount: 84_000 },
      { economicCode: '30229', name: '福利费', perHeadAmount: 80_000 },
    ],
  },
  project: { name: '项目支出模板', standards: [] },
};

/** Economic classes (类) a basic-expenditure standard may use: 人员经费 301/303, 公用经费 302/310. */
const KIND_ECONOMIC_PREFIXES: Record<'personnel' | 'operating', { prefixes: string[]; label: string }> = {
  personnel: { prefixes: ['301', '303'], label: '人员经费' },
  operating: { prefixes: ['302', '310'], label: '公用经费' },
};

const KIND_LABEL: Record<ExpenditureKind, string> = { personnel: '人员经费', operating: '公用经费', project: '项目支出' };

export async function getTemplate(db: Executor, unitId: string, kind: ExpenditureKind): Promise<TemplateView> {
  const row = await db
    .selectFrom('budget_templates')
    .selectAll()
    .where('unit_id', '=', unitId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) {
    const fallback = DEFAULT_TEMPLATES[kind];
    return {
      unitId,
      kind,
      name: fallback.name,
      functionalCode: DEFAULT_FUNCTIONAL_CODE,
      fundSourceCode: DEFAULT_FUND_SOURCE_CODE,
      standards: fallback.standards.map((s) => ({ ...s })),
      version: 0,
      isDefault: true,
      updatedAt: null,
    };
  }
  const config = JSON.parse(row.config) as TemplateConfig;
  return {
    unitId,
    kind,
    name: row.name,
    functionalCode: config.functionalCode,
    fundSourceCode: config.fundSourceCode,
    standards: config.standards,
    version: row.version,
    isDefault: false,
    updatedAt: row.updated_at,
  };
}

export interface PutTemplateInput {
  name?: string | undefined;
  functionalCode: string;
  fundSourceCode: string;
  standards: Standard[];
}

/** Saves a unit's template (a new version). Basic-expenditure standards must use their kind's economic classes. */
export async function putTemplate(
  tx: Tx,
  by: AuditActor,
  unitId: string,
  kind: ExpenditureKind,
  input: PutTemplateInput,
): Promise<TemplateView> {
  if (kind === 'project' && input.standards.length > 0) {
    throw new AppError('VALIDATION_FAILED', {
      where: 'body',
      issues: [{ path: 'standards', message: '项目支出模板不设人均标准', code: 'custom' }],
    });
  }
  if (kind !== 'project') {
    const rule = KIND_ECONOMIC_PREFIXES[kind];
    const wrong = input.standards.find((s) => !rule.prefixes.some((p) => s.economicCode.startsWith(p)));
    if (wrong) throw new AppError('ECONOMIC_KIND_MISMATCH', { economicCode: wrong.economicCode, kindLabel: rule.label, kind });
  }
  const before = await getTemplate(tx, unitId, kind);
  const config: TemplateConfig = {
    functionalCode: input.functionalCode,
    fundSourceCode: input.fundSourceCode,
    standards: input.standards.map((s) => ({ economicCode: s.economicCode, name: s.name, perHeadAmount: s.perHeadAmount })),
  };
  const name = input.name ?? before.name;
  const updatedAt = nowIso();
  await tx
    .insertInto('budget_templates')
    .values({ unit_id: unitId, kind, name, config: JSON.stringify(config), version: 1, updated_at: updatedAt })
    .onConflict((oc) =>
      oc.columns(['unit_id', 'kind']).doUpdateSet((eb) => ({
        name,
        config: JSON.stringify(config),
        version: eb('budget_templates.version', '+', 1),
        updated_at: updatedAt,
      })),
    )
    .execute();
  const after = await getTemplate(tx, unitId, kind);
  await appendAudit(tx, {
    actor: by, unitId, action: 'budget_template.update', entity: 'budget_template', entityId: `${unitId}:${kind}`,
    before: before.isDefault ? null : before, after,
  });
  return after;
}

// ------------------------------------------------------------------ reads

function requestView(row: RequestRow, departmentName: string): RequestView {
  return {
    id: row.id,
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

function lineView(row: LineRow, indicatorId: number | null): LineView {
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
  };
}

function assertDepartment(row: RequestRow, onlyDepartment: number | null): void {
  if (onlyDepartment !== null && onlyDepartment !== row.department_id) {
    throw new AppError('DEPARTMENT_SCOPE', { departmentId: row.department_id });
  }
}

async function findRequest(db: Executor, unitId: string, id: number, onlyDepartment: number | null): Promise<RequestRow> {
  const row = await db.selectFrom('budget_requests').selectAll().where('id', '=', id).where('unit_id', '=', unitId).executeTakeFirst();
  if (!row) throw new AppError('BUDGET_REQUEST_NOT_FOUND', { requestId: id });
  assertDepartment(row, onlyDepartment);
  return row;
}

/** Reads a request and, on PostgreSQL, locks it: each step of the flow happens once. */
async function lockRequest(tx: Tx, unitId: string, id: number, onlyDepartment: number | null): Promise<RequestRow> {
  const row = await tx
    .selectFrom('budget_requests')
    .selectAll()
    .where('id', '=', id)
    .where('unit_id', '=', unitId)
    .$if(dialectOf(tx) === 'postgres', (qb) => qb.forUpdate())
    .executeTakeFirst();
  if (!row) throw new AppError('BUDGET_REQUEST_NOT_FOUND', { requestId: id });
  assertDepartment(row, onlyDepartment);
  return row;
}

async function linesOf(db: Executor, requestId: number): Promise<LineRow[]> {
  return db.selectFrom('budget_request_lines').selectAll().where('request_id', '=', requestId).orderBy('line_no').execute();
}

export interface RequestFilter {
  year?: number | undefined;
  status?: BudgetRequestStatus | undefined;
  departmentId?: number | undefined;
}

export async function listRequests(
  db: Executor,
  unitId: string,
  onlyDepartment: number | null,
  filter: RequestFilter = {},
): Promise<RequestView[]> {
  const rows = await db
    .selectFrom('budget_requests')
    .innerJoin('departments', 'departments.id', 'budget_requests.department_id')
    .selectAll('budget_requests')
    .select('departments.name as department_name')
    .where('budget_requests.unit_id', '=', unitId)
    .$if(onlyDepartment !== null, (qb) => qb.where('budget_requests.department_id', '=', onlyDepartment!))
    .$if(filter.year !== undefined, (qb) => qb.where('budget_requests.year', '=', filter.year!))
    .$if(filter.status !== undefined, (qb) => qb.where('budget_requests.status', '=', filter.status!))
    .$if(filter.departmentId !== undefined, (qb) => qb.where('budget_requests.department_id', '=', filter.departmentId!))
    .orderBy('budget_requests.year', 'desc')
    .orderBy('budget_requests.id', 'desc')
    .execute();
  return rows.map((r) => requestView(r, r.department_name));
}

/** A request with its lines (and the indicator each approved line became) and its trail of steps. */
export async function requestDetail(db: Executor, unitId: string, id: number, onlyDepartment: number | null): Promise<RequestDetail> {
  const row = await findRequest(db, unitId, id, onlyDepartment);
  const department = await db.selectFrom('departments').select('name').where('id', '=', row.department_id).executeTakeFirstOrThrow();
  const lines = await linesOf(db, id);
  const issued = lines.length
    ? await db
        .selectFrom('indicators')
        .select(['id', 'source_line_id'])
        .where('unit_id', '=', unitId)
        .where('source_line_id', 'in', lines.map((l) => l.id))
        .execute()
    : [];
  const indicatorOf = new Map(issued.map((i) => [i.source_line_id, i.id]));
  return {
    ...requestView(row, department.name),
    lines: lines.map((l) => lineView(l, indicatorOf.get(l.id) ?? null)),
    trail: await trailOf(db, unitId, 'budget_request', id),
  };
}

/**
 * 汇总: totals of a year's requests by department, by expenditure kind and by economic class —
 * what finance consolidates before it hands down control numbers. Drafts are left out unless asked for.
 */
export async function budgetSummary(
  db: Executor,
  unitId: string,
  onlyDepartment: number | null,
  year: number,
  status?: BudgetRequestStatus,
): Promise<SummaryView> {
  const statuses: BudgetRequestStatus[] = status ? [status] : ['submitted', 'returned', 'resubmitted', 'approved'];
  const lines = () =>
    db
      .selectFrom('budget_request_lines as l')
      .innerJoin('budget_requests as r', 'r.id', 'l.request_id')
      .where('r.unit_id', '=', unitId)
      .where('r.year', '=', year)
      .where('r.status', 'in', statuses)
      .$if(onlyDepartment !== null, (qb) => qb.where('r.department_id', '=', onlyDepartment!));
  // SUM over BIGINT is NUMERIC on PostgreSQL; the driver hands it back as an exact integer (see db/connection.ts).
  const amount = sql<number | null>`sum(l.amount)`.as('amount');
  const control = sql<number | null>`sum(coalesce(l.control_amount, 0))`.as('control_amount');
  const byDepartment = await lines()
    .innerJoin('departments as d', 'd.id', 'r.department_id')
    .select(['r.department_id', 'd.name', 'd.code', amount, control])
    .select((eb) => eb.fn.count<number>('r.id').distinct().as('request_count'))
    .groupBy(['r.department_id', 'd.name', 'd.code'])
    .orderBy('d.code')
    .execute();
  const byKind = await lines()
    .select(['l.expenditure_kind', amount, control])
    .groupBy('l.expenditure_kind')
    .orderBy('l.expenditure_kind')
    .execute();
  const byClass = await lines()
    .select(['l.economic_code', amount, control])
    .groupBy('l.economic_code')
    .orderBy('l.economic_code')
    .execute();
  const departments = byDepartment.map((d) => ({
    departmentId: d.department_id,
    departmentName: d.name,
    requestCount: Number(d.request_count),
    amount: Number(d.amount ?? 0),
    controlAmount: Number(d.control_amount ?? 0),
  }));
  return {
    year,
    statuses,
    requestCount: sumOf(departments.map((d) => d.requestCount)),
    amount: sumOf(departments.map((d) => d.amount)),
    controlAmount: sumOf(departments.map((d) => d.controlAmount)),
    byDepartment: departments,
    byKind: byKind.map((k) => ({
      expenditureKind: k.expenditure_kind,
      amount: Number(k.amount ?? 0),
      controlAmount: Number(k.control_amount ?? 0),
    })),
    byEconomicClass: byClass.map((c) => ({
      economicCode: c.economic_code,
      amount: Number(c.amount ?? 0),
      controlAmount: Number(c.control_amount ?? 0),
    })),
  };
}

// ------------------------------------------------------------------ writes

type NewLine = Omit<LineRow, 'id' | 'request_id' | 'unit_id' | 'line_no'>;

const PROJECT_BUDGETABLE: readonly ProjectStatus[] = ['reserve', 'approved', 'executing'];

/**
 * Turns the input lines into request lines: a basic-expenditure entry becomes one line per standard
 * of the unit's template (amount = headcount × per-head standard, exact in fen); a project entry
 * becomes one line drawn from the project library (same unit, same department, a budgetable status,
 * the request year inside the project's span).
 */
async function expandLines(tx: Tx, unitId: string, year: number, departmentId: number, inputs: readonly LineInput[]): Promise<NewLine[]> {
  const out: NewLine[] = [];
  for (const input of inputs) {
    if (input.kind === 'project') {
      const project = await findProject(tx, unitId, input.projectId);
      if (!PROJECT_BUDGETABLE.includes(project.status)) {
        throw new AppError('PROJECT_NOT_AVAILABLE', { projectId: project.id, code: project.code, status: project.status });
      }
      if (project.department_id !== departmentId) {
        throw new AppError('PROJECT_DEPARTMENT_MISMATCH', { projectId: project.id, code: project.code, departmentId });
      }
      if (year < project.start_year || year > project.end_year) {
        throw new AppError('PROJECT_YEAR_OUT_OF_SPAN', { year, startYear: project.start_year, endYear: project.end_year, projectId: project.id });
      }
      out.push({
        expenditure_kind: 'project',
        project_id: project.id,
        functional_code: input.functionalCode ?? project.functional_code,
        economic_code: input.economicCode,
        fund_source_code: input.fundSourceCode ?? project.fund_source_code,
        headcount: null,
        standard_amount: null,
        amount: input.amount,
        control_amount: null,
        note: input.note ?? project.name,
      });
      continue;
    }
    const template = await getTemplate(tx, unitId, input.kind);
    if (template.standards.length === 0) throw new AppError('TEMPLATE_EMPTY', { kind: KIND_LABEL[input.kind] });
    for (const standard of template.standards) {
      out.push({
        expenditure_kind: input.kind,
        project_id: null,
        functional_code: input.functionalCode ?? template.functionalCode,
        economic_code: standard.economicCode,
        fund_source_code: input.fundSourceCode ?? template.fundSourceCode,
        headcount: input.headcount,
        standard_amount: standard.perHeadAmount,
        amount: input.headcount * standard.perHeadAmount,
        control_amount: null,
        note: standard.name,
      });
    }
  }
  if (out.length > MAX_LINES) {
    throw new AppError('VALIDATION_FAILED', {
      where: 'body',
      issues: [{ path: 'lines', message: `测算后明细不能超过 ${MAX_LINES} 行`, code: 'too_big' }],
    });
  }
  // Every class a line carries must exist in the request year's code set (the template's too:
  // templates are not tied to a year, so their codes are checked when a request uses them).
  const checks = new Map<string, { kind: 'functional' | 'economic' | 'fund_source'; code: string }>();
  for (const line of out) {
    checks.set(`f:${line.functional_code}`, { kind: 'functional', code: line.functional_code });
    checks.set(`e:${line.economic_code}`, { kind: 'economic', code: line.economic_code });
    checks.set(`s:${line.fund_source_code}`, { kind: 'fund_source', code: line.fund_source_code });
  }
  for (const { kind, code } of checks.values()) await assertClassExists(tx, kind, year, code);
  return out;
}

function sumOf(amounts: readonly number[]): number {
  const total = amounts.reduce((s, a) => s + a, 0);
  if (!Number.isSafeInteger(total)) throw new Error('budget total outside the exact integer range');
  return total;
}

async function writeLines(tx: Tx, unitId: string, requestId: number, lines: readonly NewLine[]): Promise<void> {
  await tx.deleteFrom('budget_request_lines').where('request_id', '=', requestId).execute();
  await tx
    .insertInto('budget_request_lines')
    .values(lines.map((l, i) => ({ ...l, request_id: requestId, unit_id: unitId, line_no: i + 1 })))
    .execute();
}

/** The audited summary of a request's state, before and after each step. */
async function snapshot(db: Executor, row: RequestRow) {
  const lines = await linesOf(db, row.id);
  return {
    status: row.status,
    round: row.round,
    amount: row.total_amount,
    controlAmount: row.control_amount,
    lines: lines.map((l) => ({ id: l.id, economicCode: l.economic_code, amount: l.amount, controlAmount: l.control_amount })),
  };
}

async function reloadRequest(tx: Tx, unitId: string, id: number): Promise<RequestRow> {
  return tx.selectFrom('budget_requests').selectAll().where('id', '=', id).where('unit_id', '=', unitId).executeTakeFirstOrThrow();
}

export interface CreateRequestInput {
  year: number;
  departmentId: number;
  title: string;
  lines: LineInput[];
  comment?: string | undefined;
}

/** 编制: a department's draft budget request for a year, its lines computed from templates and projects. */
export async function createRequest(
  tx: Tx,
  by: AuditActor,
  unitId: string,
  onlyDepartment: number | null,
  input: CreateRequestInput,
): Promise<RequestDetail> {
  await assertDepartmentInUnit(tx, unitId, input.departmentId);
  if (onlyDepartment !== null && onlyDepartment !== input.departmentId) {
    throw new AppError('DEPARTMENT_SCOPE', { departmentId: input.departmentId });
  }
  const lines = await expandLines(tx, unitId, input.year, input.departmentId, input.lines);
  const now = nowIso();
  const row = await tx
    .insertInto('budget_requests')
    .values({
      unit_id: unitId,
      year: input.year,
      department_id: input.departmentId,
      title: input.title,
      status: 'draft',
      round: 0,
      total_amount: sumOf(lines.map((l) => l.amount)),
      control_amount: null,
      created_by: by.userId ?? 0,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await writeLines(tx, unitId, row.id, lines);
  await addComment(tx, by, { unitId, entity: 'budget_request', entityId: row.id, action: 'create', body: input.comment });
  await appendAudit(tx, {
    actor: by, unitId, action: 'budget_request.create', entity: 'budget_request', entityId: row.id,
    after: { year: row.year, departmentId: row.department_id, title: row.title, ...(await snapshot(tx, row)) },
  });
  return requestDetail(tx, unitId, row.id, null);
}

export interface UpdateRequestInput {
  title?: string | undefined;
  lines?: LineInput[] | undefined;
}

/** Edits a draft: a new title, or every line recomputed from the input. */
export async function updateRequest(
  tx: Tx,
  by: AuditActor,
  unitId: string,
  onlyDepartment: number | null,
  id: number,
  input: UpdateRequestInput,
): Promise<RequestDetail> {
  const row = await lockRequest(tx, unitId, id, onlyDepartment);
  if (row.status !== 'draft') throw new AppError('INVALID_STATE', { status: row.status });
  const before = await snapshot(tx, row);
  const lines = input.lines ? await expandLines(tx, unitId, row.year, row.department_id, input.lines) : null;
  if (lines) await writeLines(tx, unitId, id, lines);
  await tx
    .updateTable('budget_requests')
    .set({
      title: input.title ?? row.title,
      ...(lines ? { total_amount: sumOf(lines.map((l) => l.amount)) } : {}),
      updated_at: nowIso(),
    })
    .where('id', '=', id)
    .execute();
  const after = await reloadRequest(tx, unitId, id);
  await appendAudit(tx, {
    actor: by, unitId, action: 'budget_request.update', entity: 'budget_request', entityId: id,
    before: { title: row.title, ...before }, after: { title: after.title, ...(await snapshot(tx, after)) },
  });
  return requestDetail(tx, unitId, id, null);
}

function lineIndex(lines: readonly LineRow[], lineIds: readonly number[]): Map<number, LineRow> {
  const byId = new Map(lines.map((l) => [l.id, l]));
  for (const lineId of lineIds) if (!byId.has(lineId)) throw new AppError('BUDGET_LINE_NOT_FOUND', { lineId });
  return byId;
}

/** 二上 rule: no line above its control number. Names the first offending line, and lists them all. */
function assertWithinControl(lines: ReadonlyArray<Pick<LineRow, 'id' | 'line_no' | 'amount' | 'control_amount'>>): void {
  const over = lines
    .filter((l) => l.control_amount !== null && l.amount > l.control_amount)
    .map((l) => ({ lineId: l.id, lineNo: l.line_no, amount: l.amount, controlAmount: l.control_amount! }));
  if (over.length > 0) throw new AppError('OVER_CONTROL_NUMBER', { ...over[0]!, over });
}

export interface SubmitInput {
  comment?: string | undefined;
  lines?: Array<{ lineId: number; amount: number }> | undefined;
}

/**
 * 一上 (from draft) or 二上 (from returned). On 二上 every line must stay within its control number;
 * revised amounts may be given per line, lines not named keep their amount.
 */
export async function submitRequest(
  tx: Tx,
  by: AuditActor,
  unitId: string,
  onlyDepartment: number | null,
  id: number,
  input: SubmitInput,
): Promise<RequestDetail> {
  const row = await lockRequest(tx, unitId, id, onlyDepartment);
  if (row.status !== 'draft' && row.status !== 'returned') throw new AppError('INVALID_STATE', { status: row.status });
  const lines = await linesOf(tx, id);
  const revised = new Map((input.lines ?? []).map((l) => [l.lineId, l.amount]));
  lineIndex(lines, [...revised.keys()]);
  const next = lines.map((l) => ({ line: l, amount: revised.get(l.id) ?? l.amount }));
  if (row.status === 'returned') assertWithinControl(next.map(({ line, amount }) => ({ ...line, amount })));
  const before = await snapshot(tx, row);
  for (const { line, amount } of next) {
    if (amount !== line.amount) await tx.updateTable('budget_request_lines').set({ amount }).where('id', '=', line.id).execute();
  }
  const status: BudgetRequestStatus = row.status === 'draft' ? 'submitted' : 'resubmitted';
  await tx
    .updateTable('budget_requests')
    .set({ status, round: row.round + 1, total_amount: sumOf(next.map((n) => n.amount)), updated_at: nowIso() })
    .where('id', '=', id)
    .execute();
  const after = await reloadRequest(tx, unitId, id);
  const action = status === 'submitted' ? 'submit' : 'resubmit';
  await addComment(tx, by, { unitId, entity: 'budget_request', entityId: id, action, body: input.comment });
  await appendAudit(tx, {
    actor: by, unitId, action: `budget_request.${action}`, entity: 'budget_request', entityId: id,
    before, after: { ...(await snapshot(tx, after)), comment: input.comment ?? '' },
  });
  await publishEvent(tx, {
    type: `budget_request.${status}`,
    unitId,
    payload: { requestId: id, year: row.year, departmentId: row.department_id, round: after.round, amount: after.total_amount },
  });
  return requestDetail(tx, unitId, id, null);
}

export interface ReturnInput {
  comment?: string | undefined;
  lines: Array<{ lineId: number; controlAmount: number }>;
}

/** 一下: finance hands down a control number for every line and returns the request to the department. */
export async function returnRequest(tx: Tx, by: AuditActor, unitId: string, id: number, input: ReturnInput): Promise<RequestDetail> {
  const row = await lockRequest(tx, unitId, id, null);
  if (row.status !== 'submitted' && row.status !== 'resubmitted') throw new AppError('INVALID_STATE', { status: row.status });
  const lines = await linesOf(tx, id);
  const controls = new Map(input.lines.map((l) => [l.lineId, l.controlAmount]));
  lineIndex(lines, [...controls.keys()]);
  const missing = lines.filter((l) => !controls.has(l.id)).map((l) => l.id);
  if (missing.length > 0) throw new AppError('CONTROL_NUMBERS_INCOMPLETE', { missing });
  const before = await snapshot(tx, row);
  for (const line of lines) {
    await tx.updateTable('budget_request_lines').set({ control_amount: controls.get(line.id)! }).where('id', '=', line.id).execute();
  }
  await tx
    .updateTable('budget_requests')
    .set({ status: 'returned', control_amount: sumOf([...controls.values()]), updated_at: nowIso() })
    .where('id', '=', id)
    .execute();
  const after = await reloadRequest(tx, unitId, id);
  await addComment(tx, by, { unitId, entity: 'budget_request', entityId: id, action: 'return', body: input.comment });
  await appendAudit(tx, {
    actor: by, unitId, action: 'budget_request.return', entity: 'budget_request', entityId: id,
    before, after: { ...(await snapshot(tx, after)), comment: input.comment ?? '' },
  });
  await publishEvent(tx, {
    type: 'budget_request.returned',
    unitId,
    payload: { requestId: id, year: row.year, departmentId: row.department_id, controlAmount: after.control_amount },
  });
  await notifyBudgetRequest(tx, unitId, { id, title: row.title, createdBy: row.created_by, amount: after.control_amount ?? 0 }, 'returned');
  return requestDetail(tx, unitId, id, null);
}

export interface ApproveInput {
  comment?: string | undefined;
  date: string;
}

/**
 * 二下 / 批复: approves a resubmitted request and, in the same transaction, issues one indicator per
 * line with a non-zero amount (linked back by sourceLineId). Reserve projects in the request move to
 * approved. The approval date must lie in an open period of the request year.
 */
export async function approveRequest(tx: Tx, by: AuditActor, unitId: string, id: number, input: ApproveInput): Promise<RequestDetail> {
  const row = await lockRequest(tx, unitId, id, null);
  if (row.status !== 'resubmitted') throw new AppError('INVALID_STATE', { status: row.status });
  if (Number(input.date.slice(0, 4)) !== row.year) throw new AppError('YEAR_MISMATCH', { year: row.year, date: input.date });
  await assertPeriodOpen(tx, unitId, input.date);
  const lines = await linesOf(tx, id);
  assertWithinControl(lines);
  // Projects first, in id order (row locks on PostgreSQL): none may have closed since the request was drafted.
  const projectIds = [...new Set(lines.map((l) => l.project_id).filter((p): p is number => p !== null))].sort((x, y) => x - y);
  const projects = new Map<number, { name: string; status: ProjectStatus }>();
  for (const projectId of projectIds) {
    const project = await lockProject(tx, unitId, projectId);
    if (!PROJECT_BUDGETABLE.includes(project.status)) {
      throw new AppError('PROJECT_NOT_AVAILABLE', { projectId, code: project.code, status: project.status });
    }
    projects.set(projectId, { name: project.name, status: project.status });
  }
  const before = await snapshot(tx, row);
  const economicNames = await economicClassNames(tx, row.year, lines.map((l) => l.economic_code));
  const indicatorIds: number[] = [];
  for (const line of lines) {
    if (line.amount === 0) continue;
    const className = line.expenditure_kind === 'project'
      ? `${projects.get(line.project_id!)!.name} · ${economicNames.get(line.economic_code) ?? line.economic_code}`
      : line.note || (economicNames.get(line.economic_code) ?? line.economic_code);
    const indicator = await issueIndicator(tx, by, {
      unitId,
      year: row.year,
      name: `${row.title} · ${className}`,
      departmentId: row.department_id,
      projectId: line.project_id,
      expenditureKind: line.expenditure_kind,
      functionalCode: line.functional_code,
      economicCode: line.economic_code,
      fundSourceCode: line.fund_source_code,
      amount: line.amount,
      date: input.date,
      sourceLineId: line.id,
      refType: 'budget_line',
    });
    indicatorIds.push(indicator.id);
  }
  for (const [projectId, project] of projects) {
    if (project.status === 'reserve') {
      await changeProjectStatus(tx, by, unitId, projectId, 'approved', `预算批复：${row.title}`);
    }
  }
  await tx
    .updateTable('budget_requests')
    .set({ status: 'approved', updated_at: nowIso() })
    .where('id', '=', id)
    .execute();
  const after = await reloadRequest(tx, unitId, id);
  await addComment(tx, by, { unitId, entity: 'budget_request', entityId: id, action: 'approve', body: input.comment });
  await appendAudit(tx, {
    actor: by, unitId, action: 'budget_request.approve', entity: 'budget_request', entityId: id,
    before, after: { ...(await snapshot(tx, after)), date: input.date, indicatorIds, comment: input.comment ?? '' },
  });
  await publishEvent(tx, {
    type: 'budget_request.approved',
    unitId,
    payload: { requestId: id, year: row.year, departmentId: row.department_id, amount: after.total_amount, date: input.date, indicatorIds },
  });
  await notifyBudgetRequest(tx, unitId, { id, title: row.title, createdBy: row.created_by, amount: after.total_amount }, 'approved');
  return requestDetail(tx, unitId, id, null);
}

/** Names of economic classes for the year, when the classification sets are loaded; codes otherwise. */
async function economicClassNames(db: Executor, year: number, codes: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .selectFrom('classifications')
    .select(['code', 'name'])
    .where('kind', '=', 'economic')
    .where('year', '=', year)
    .where('code', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}
