import type { Db, Executor, Tx } from '../../db/connection.js';
import type { BudgetRequestStatus, ProjectStatus } from '../../db/schema.js';
import { nowIso } from '../../clock.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { notifyBudgetRequest } from '../approvals/notices.js';
import { nextDocNo } from '../approvals/doc-numbers.js';
import { AppError, type Lang } from '../errors.js';
import { assertPeriodOpen } from '../../periods/service.js';
import { assertDepartmentInUnit } from '../../units/service.js';
import { issueIndicator } from '../indicators/service.js';
import { changeProjectStatus, lockProject } from '../projects/service.js';
import { recordCommand } from '../record.js';
import { departmentBound } from '../scope.js';
import type { LineInput, RequestDetail } from './schema.js';
import { assertWithinControl, expandLines, lineIndex, PROJECT_BUDGETABLE, sumOf, writeLines } from './lines.js';
import { findRequest, linesOf, lockRequest, reloadRequest, requestDetail, snapshot, type LineRow, type RequestRow } from './requests.js';
import { askBeforeCommand, validatorWarningsFor, type ValidatorCheck } from '../validation.js';

/**
 * 预算编制, "二上二下":
 *   draft ──submit──▶ submitted (一上) ──return──▶ returned (一下: control numbers per line)
 *   returned ──submit──▶ resubmitted (二上: amounts within the control numbers)
 *   resubmitted ──approve──▶ approved (二下: one indicator issued per line, same transaction)
 *   resubmitted ──return──▶ returned (finance may give revised control numbers once more)
 *
 * The department's steps (create, edit, submit) confine a department-bound caller (business staff,
 * department head) to their own department; finance's steps (return, approve) act on the whole unit.
 */

const ENTITY = 'budget_request';

export interface CreateRequestInput {
  year: number;
  departmentId: number;
  title: string;
  lines: LineInput[];
  comment?: string | undefined;
}

/** 编制: a department's draft budget request for a year, its lines computed from templates and projects. */
export async function createRequest(tx: Tx, actor: Actor, scope: UnitScope, input: CreateRequestInput): Promise<RequestDetail> {
  const unitId = scope.unitId;
  const onlyDepartment = departmentBound(actor, scope);
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
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
      doc_no: await nextDocNo(tx, unitId, 'budget_request', input.year),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await writeLines(tx, unitId, row.id, lines);
  const after = { year: row.year, departmentId: row.department_id, title: row.title, ...(await snapshot(tx, row)) };
  return recordCommand(tx, actor, unitId, {
    entity: ENTITY, entityId: row.id, action: 'budget_request.create',
    trail: { action: 'create', body: input.comment },
    view: () => requestDetail(tx, unitId, row.id, null),
    audit: () => ({ after }),
  });
}

export interface UpdateRequestInput {
  title?: string | undefined;
  lines?: LineInput[] | undefined;
}

/** Edits a draft: a new title, or every line recomputed from the input. */
export async function updateRequest(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: UpdateRequestInput): Promise<RequestDetail> {
  const unitId = scope.unitId;
  const row = await lockRequest(tx, unitId, id, departmentBound(actor, scope));
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
  const updated = await reloadRequest(tx, unitId, id);
  const after = { title: updated.title, ...(await snapshot(tx, updated)) };
  return recordCommand(tx, actor, unitId, {
    entity: ENTITY, entityId: id, action: 'budget_request.update',
    view: () => requestDetail(tx, unitId, id, null),
    audit: () => ({ before: { title: row.title, ...before }, after }),
  });
}

export interface SubmitInput {
  comment?: string | undefined;
  lines?: Array<{ lineId: number; amount: number }> | undefined;
}

/**
 * 一上 (from draft) or 二上 (from returned). On 二上 every line must stay within its control number;
 * revised amounts may be given per line, lines not named keep their amount.
 */
export async function submitRequest(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: SubmitInput, check?: ValidatorCheck): Promise<RequestDetail> {
  const unitId = scope.unitId;
  const row = await lockRequest(tx, unitId, id, departmentBound(actor, scope));
  const { next } = await submission(tx, row, input);
  // The plugins judged this very submission (asked before the transaction): else 409 VALIDATION_STALE.
  const warnings = check ? validatorWarningsFor(check, await submissionDocument(tx, row, next)) : [];
  const before = await snapshot(tx, row);
  for (const { line, amount } of next) {
    if (amount !== line.amount) await tx.updateTable('budget_request_lines').set({ amount }).where('id', '=', line.id).execute();
  }
  const status: BudgetRequestStatus = row.status === 'draft' ? 'submitted' : 'resubmitted';
  await tx
    .updateTable('budget_requests')
    .set({ status, round: row.round + 1, total_amount: sumOf(next.map((n) => n.amount)), warnings: JSON.stringify(warnings), updated_at: nowIso() })
    .where('id', '=', id)
    .execute();
  const updated = await reloadRequest(tx, unitId, id);
  const after = { ...(await snapshot(tx, updated)), comment: input.comment ?? '' };
  const action = status === 'submitted' ? 'submit' : 'resubmit';
  return recordCommand(tx, actor, unitId, {
    entity: ENTITY, entityId: id, action: `budget_request.${action}`,
    trail: { action, body: input.comment },
    view: () => requestDetail(tx, unitId, id, null),
    audit: () => ({ before, after }),
    event: () => ({
      type: `budget_request.${status}`,
      payload: { requestId: id, year: row.year, departmentId: row.department_id, round: updated.round, amount: updated.total_amount },
    }),
  });
}

/** The lines a submission leaves (revised amounts applied), after the state and control-number checks. */
async function submission(db: Executor, row: RequestRow, input: SubmitInput) {
  if (row.status !== 'draft' && row.status !== 'returned') throw new AppError('INVALID_STATE', { status: row.status });
  const lines = await linesOf(db, row.id);
  const revised = new Map((input.lines ?? []).map((l) => [l.lineId, l.amount]));
  lineIndex(lines, [...revised.keys()]);
  const next = lines.map((l) => ({ line: l, amount: revised.get(l.id) ?? l.amount }));
  if (row.status === 'returned') assertWithinControl(next.map(({ line, amount }) => ({ ...line, amount })));
  return { lines, next };
}

/**
 * What `budgetRequest.validate` validators see: the request as it would be submitted. `projectId` and
 * `projectCode` name the project when its project lines name one (null for none or several; each line
 * carries its own).
 */
async function submissionDocument(db: Executor, row: RequestRow, next: Array<{ line: LineRow; amount: number }>): Promise<Record<string, unknown>> {
  const projectIds = [...new Set(next.map(({ line }) => line.project_id).filter((p): p is number => p !== null))];
  const codes = projectIds.length
    ? new Map((await db.selectFrom('projects').select(['id', 'code']).where('unit_id', '=', row.unit_id).where('id', 'in', projectIds).execute()).map((p) => [p.id, p.code]))
    : new Map<number, string>();
  const only = projectIds.length === 1 ? projectIds[0]! : null;
  return {
    requestId: row.id, year: row.year, departmentId: row.department_id,
    projectId: only, projectCode: only === null ? null : codes.get(only) ?? null,
    amount: sumOf(next.map((n) => n.amount)),
    lines: next.map(({ line, amount }) => ({
      economicCode: line.economic_code, functionalCode: line.functional_code, amount,
      projectId: line.project_id, projectCode: line.project_id === null ? null : codes.get(line.project_id) ?? null,
    })),
  };
}

/**
 * Before the submit's transaction: the same checks on committed data, then the plugins'
 * `budgetRequest.validate` (a block refuses with 409 and nothing written; warnings ride along).
 */
export async function validateSubmission(db: Db, actor: Actor, scope: UnitScope, id: number, input: SubmitInput, lang?: Lang): Promise<ValidatorCheck> {
  const row = await findRequest(db, scope.unitId, id, departmentBound(actor, scope));
  const { next } = await submission(db, row, input);
  return askBeforeCommand(db, 'budgetRequest.validate', scope.unitId, await submissionDocument(db, row, next), lang);
}

export interface ReturnInput {
  comment?: string | undefined;
  lines: Array<{ lineId: number; controlAmount: number }>;
}

/** 一下: finance hands down a control number for every line and returns the request to the department. */
export async function returnRequest(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: ReturnInput): Promise<RequestDetail> {
  const unitId = scope.unitId;
  const row = await lockRequest(tx, unitId, id, null);
  if (row.status !== 'submitted' && row.status !== 'resubmitted') throw new AppError('INVALID_STATE', { status: row.status });
  const lines = await linesOf(tx, id);
  const controls = new Map(input.lines.map((l) => [l.lineId, l.controlAmount]));
  lineIndex(lines, [...controls.keys()]);
  const missing = lines.filter((l) => !controls.has(l.id)).map((l) => l.id);
  if (missing.length > 0) throw new AppError('CONTROL_NUMBERS_INCOMPLETE', { missing });
  const before = await snapshot(tx, row);
  for (const line of lines) {
    await tx.updateTable('budget_request_lines').set({ control_amount: controls.get(line.id) ?? null }).where('id', '=', line.id).execute();
  }
  await tx
    .updateTable('budget_requests')
    .set({ status: 'returned', control_amount: sumOf([...controls.values()]), updated_at: nowIso() })
    .where('id', '=', id)
    .execute();
  const updated = await reloadRequest(tx, unitId, id);
  const after = { ...(await snapshot(tx, updated)), comment: input.comment ?? '' };
  const detail = await recordCommand(tx, actor, unitId, {
    entity: ENTITY, entityId: id, action: 'budget_request.return',
    trail: { action: 'return', body: input.comment },
    view: () => requestDetail(tx, unitId, id, null),
    audit: () => ({ before, after }),
    event: () => ({
      type: 'budget_request.returned',
      payload: { requestId: id, year: row.year, departmentId: row.department_id, controlAmount: updated.control_amount },
    }),
  });
  await notifyBudgetRequest(tx, unitId, { id, docNo: row.doc_no, title: row.title, createdBy: row.created_by, amount: updated.control_amount ?? 0 }, 'returned');
  return detail;
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
export async function approveRequest(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: ApproveInput): Promise<RequestDetail> {
  const unitId = scope.unitId;
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
    const economicName = economicNames.get(line.economic_code) ?? line.economic_code;
    const project = line.project_id === null ? undefined : projects.get(line.project_id);
    const className = line.expenditure_kind === 'project' && project ? `${project.name} · ${economicName}` : line.note || economicName;
    const indicator = await issueIndicator(tx, actor, scope, {
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
      await changeProjectStatus(tx, actor, scope, projectId, { status: 'approved', comment: `预算批复：${row.title}` });
    }
  }
  await tx
    .updateTable('budget_requests')
    .set({ status: 'approved', updated_at: nowIso() })
    .where('id', '=', id)
    .execute();
  const updated = await reloadRequest(tx, unitId, id);
  const after = { ...(await snapshot(tx, updated)), date: input.date, indicatorIds, comment: input.comment ?? '' };
  const detail = await recordCommand(tx, actor, unitId, {
    entity: ENTITY, entityId: id, action: 'budget_request.approve',
    trail: { action: 'approve', body: input.comment },
    view: () => requestDetail(tx, unitId, id, null),
    audit: () => ({ before, after }),
    event: () => ({
      type: 'budget_request.approved',
      payload: { requestId: id, year: row.year, departmentId: row.department_id, amount: updated.total_amount, date: input.date, indicatorIds },
    }),
  });
  await notifyBudgetRequest(tx, unitId, { id, docNo: row.doc_no, title: row.title, createdBy: row.created_by, amount: updated.total_amount }, 'approved');
  return detail;
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
