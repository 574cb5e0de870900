import type { Selectable } from 'kysely';
import { dialectOf, type Executor, type Tx } from '../../db/connection.js';
import type { ProjectsTable, ProjectStatus } from '../../db/schema.js';
import { nowIso } from '../../clock.js';
import { AppError } from '../errors.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { recordCommand } from '../record.js';
import { assertDepartmentInUnit } from '../../units/service.js';
import { assertClassExists } from '../classifications/service.js';
import { PROJECT_TRANSITIONS, type ProjectDetail, type ProjectView, type TargetView } from './schema.js';
import { trailOf } from '../comments.js';

export type ProjectRow = Selectable<ProjectsTable>;

export function projectView(row: ProjectRow): ProjectView {
  return {
    id: row.id,
    unitId: row.unit_id,
    code: row.code,
    name: row.name,
    departmentId: row.department_id,
    functionalCode: row.functional_code,
    fundSourceCode: row.fund_source_code,
    status: row.status,
    startYear: row.start_year,
    endYear: row.end_year,
    totalAmount: row.total_amount,
    description: row.description,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// ------------------------------------------------------------------ reads

export async function findProject(db: Executor, unitId: string, id: number): Promise<ProjectRow> {
  const row = await db.selectFrom('projects').selectAll().where('id', '=', id).where('unit_id', '=', unitId).executeTakeFirst();
  if (!row) throw new AppError('PROJECT_NOT_FOUND', { projectId: id });
  return row;
}

/** Reads a project and, on PostgreSQL, locks its row until the transaction ends (status changes serialize). */
export async function lockProject(tx: Tx, unitId: string, id: number): Promise<ProjectRow> {
  const row = await tx
    .selectFrom('projects')
    .selectAll()
    .where('id', '=', id)
    .where('unit_id', '=', unitId)
    .$if(dialectOf(tx) === 'postgres', (qb) => qb.forNoKeyUpdate())
    .executeTakeFirst();
  if (!row) throw new AppError('PROJECT_NOT_FOUND', { projectId: id });
  return row;
}

export interface ProjectFilter {
  status?: ProjectStatus | undefined;
  departmentId?: number | undefined;
  /** Projects whose span includes this year. */
  year?: number | undefined;
}

export async function listProjects(db: Executor, unitId: string, filter: ProjectFilter = {}): Promise<ProjectView[]> {
  const rows = await db
    .selectFrom('projects')
    .selectAll()
    .where('unit_id', '=', unitId)
    .$if(filter.status !== undefined, (qb) => qb.where('status', '=', filter.status!))
    .$if(filter.departmentId !== undefined, (qb) => qb.where('department_id', '=', filter.departmentId!))
    .$if(filter.year !== undefined, (qb) => qb.where('start_year', '<=', filter.year!).where('end_year', '>=', filter.year!))
    .orderBy('code')
    .execute();
  return rows.map(projectView);
}

async function plansOf(db: Executor, projectId: number) {
  const rows = await db
    .selectFrom('project_year_plans')
    .select(['year', 'amount'])
    .where('project_id', '=', projectId)
    .orderBy('year')
    .execute();
  return rows.map((r) => ({ year: r.year, amount: r.amount }));
}

function targetView(row: {
  id: number; project_id: number; source: string; target_ref: string; name: string; value: string; created_at: string;
}): TargetView {
  return {
    id: row.id,
    projectId: row.project_id,
    source: row.source,
    targetRef: row.target_ref,
    name: row.name,
    value: row.value,
    createdAt: row.created_at,
  };
}

export async function listTargets(db: Executor, unitId: string, projectId: number): Promise<TargetView[]> {
  await findProject(db, unitId, projectId);
  const rows = await db
    .selectFrom('project_targets')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('unit_id', '=', unitId)
    .orderBy('id')
    .execute();
  return rows.map(targetView);
}

/** A project with its yearly plan, its performance targets and its status trail. */
export async function projectDetail(db: Executor, unitId: string, id: number): Promise<ProjectDetail> {
  const row = await findProject(db, unitId, id);
  return {
    ...projectView(row),
    plans: await plansOf(db, id),
    targets: await listTargets(db, unitId, id),
    trail: await trailOf(db, unitId, 'project', id),
  };
}

// ------------------------------------------------------------------ writes

export interface YearPlanInput {
  year: number;
  amount: number;
}

/** A project's classes must exist in the code set of its first year (CLASSIFICATION_NOT_FOUND otherwise). */
async function assertProjectClasses(db: Executor, startYear: number, functionalCode: string, fundSourceCode: string): Promise<void> {
  await assertClassExists(db, 'functional', startYear, functionalCode);
  await assertClassExists(db, 'fund_source', startYear, fundSourceCode);
}

/** The plan must lie in the span and add up, to the fen, to the total. */
function assertPlan(total: number, startYear: number, endYear: number, plans: readonly YearPlanInput[]): void {
  if (endYear < startYear) throw new AppError('PROJECT_YEAR_OUT_OF_SPAN', { year: endYear, startYear, endYear });
  for (const p of plans) {
    if (p.year < startYear || p.year > endYear) throw new AppError('PROJECT_YEAR_OUT_OF_SPAN', { year: p.year, startYear, endYear });
  }
  const planned = plans.reduce((sum, p) => sum + p.amount, 0);
  if (!Number.isSafeInteger(planned) || planned !== total) throw new AppError('PROJECT_PLAN_MISMATCH', { total, planned });
}

async function assertCodeFree(db: Executor, unitId: string, code: string, exceptId?: number): Promise<void> {
  const clash = await db
    .selectFrom('projects')
    .select('id')
    .where('unit_id', '=', unitId)
    .where('code', '=', code)
    .$if(exceptId !== undefined, (qb) => qb.where('id', '!=', exceptId!))
    .executeTakeFirst();
  if (clash) throw new AppError('PROJECT_CODE_EXISTS', { code });
}

async function writePlans(tx: Tx, projectId: number, plans: readonly YearPlanInput[]): Promise<void> {
  await tx.deleteFrom('project_year_plans').where('project_id', '=', projectId).execute();
  const sorted = [...plans].sort((x, y) => x.year - y.year);
  if (sorted.length > 0) {
    await tx
      .insertInto('project_year_plans')
      .values(sorted.map((p) => ({ project_id: projectId, year: p.year, amount: p.amount })))
      .execute();
  }
}

export interface CreateProjectInput {
  code: string;
  name: string;
  departmentId: number;
  functionalCode: string;
  fundSourceCode: string;
  startYear: number;
  endYear: number;
  totalAmount: number;
  plans: YearPlanInput[];
  description?: string | undefined;
}

/** 项目入库: a new project enters the library in reserve. */
export async function createProject(tx: Tx, actor: Actor, scope: UnitScope, input: CreateProjectInput): Promise<ProjectDetail> {
  const unitId = scope.unitId;
  assertPlan(input.totalAmount, input.startYear, input.endYear, input.plans);
  await assertDepartmentInUnit(tx, unitId, input.departmentId);
  await assertProjectClasses(tx, input.startYear, input.functionalCode, input.fundSourceCode);
  await assertCodeFree(tx, unitId, input.code);
  const now = nowIso();
  const row = await tx
    .insertInto('projects')
    .values({
      unit_id: unitId,
      code: input.code,
      name: input.name,
      department_id: input.departmentId,
      functional_code: input.functionalCode,
      fund_source_code: input.fundSourceCode,
      status: 'reserve',
      start_year: input.startYear,
      end_year: input.endYear,
      total_amount: input.totalAmount,
      description: input.description ?? '',
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await writePlans(tx, row.id, input.plans);
  return recordCommand(tx, actor, unitId, {
    entity: 'project', entityId: row.id, action: 'project.create',
    view: () => projectDetail(tx, unitId, row.id),
    event: () => ({ type: 'project.created', payload: { projectId: row.id, code: row.code, status: row.status } }),
  });
}

export type UpdateProjectInput = Partial<CreateProjectInput>;

/** Edits a project while it is still in reserve; an approved project is changed only through the budget. */
export async function updateProject(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: UpdateProjectInput): Promise<ProjectDetail> {
  const unitId = scope.unitId;
  const row = await lockProject(tx, unitId, id);
  if (row.status !== 'reserve') throw new AppError('INVALID_STATE', { status: row.status });
  const before = await projectDetail(tx, unitId, id);
  const next = {
    code: input.code ?? row.code,
    name: input.name ?? row.name,
    departmentId: input.departmentId ?? row.department_id,
    functionalCode: input.functionalCode ?? row.functional_code,
    fundSourceCode: input.fundSourceCode ?? row.fund_source_code,
    startYear: input.startYear ?? row.start_year,
    endYear: input.endYear ?? row.end_year,
    totalAmount: input.totalAmount ?? row.total_amount,
    plans: input.plans ?? before.plans,
    description: input.description ?? row.description,
  };
  assertPlan(next.totalAmount, next.startYear, next.endYear, next.plans);
  if (next.departmentId !== row.department_id) await assertDepartmentInUnit(tx, unitId, next.departmentId);
  if (next.startYear !== row.start_year || next.functionalCode !== row.functional_code || next.fundSourceCode !== row.fund_source_code) {
    await assertProjectClasses(tx, next.startYear, next.functionalCode, next.fundSourceCode);
  }
  if (next.code !== row.code) await assertCodeFree(tx, unitId, next.code, id);
  await tx
    .updateTable('projects')
    .set({
      code: next.code,
      name: next.name,
      department_id: next.departmentId,
      functional_code: next.functionalCode,
      fund_source_code: next.fundSourceCode,
      start_year: next.startYear,
      end_year: next.endYear,
      total_amount: next.totalAmount,
      description: next.description,
      updated_at: nowIso(),
    })
    .where('id', '=', id)
    .execute();
  if (input.plans) await writePlans(tx, id, input.plans);
  return recordCommand(tx, actor, unitId, {
    entity: 'project', entityId: id, action: 'project.update',
    view: () => projectDetail(tx, unitId, id),
    audit: (after) => ({ before, after }),
    event: (after) => ({ type: 'project.updated', payload: { projectId: id, code: after.code } }),
  });
}

export interface ProjectStatusInput {
  status: ProjectStatus;
  comment?: string | undefined;
}

/**
 * Moves a project along its lifecycle (see PROJECT_TRANSITIONS), with the comment kept in the
 * trail. Also called by budget approval to move reserve projects to approved in its transaction.
 */
export async function changeProjectStatus(tx: Tx, actor: Actor, scope: UnitScope, id: number, input: ProjectStatusInput): Promise<ProjectDetail> {
  const unitId = scope.unitId;
  const { status: to, comment } = input;
  const row = await lockProject(tx, unitId, id);
  if (!PROJECT_TRANSITIONS[row.status].includes(to)) throw new AppError('INVALID_STATE', { status: row.status, to });
  await tx.updateTable('projects').set({ status: to, updated_at: nowIso() }).where('id', '=', id).execute();
  return recordCommand(tx, actor, unitId, {
    entity: 'project', entityId: id, action: 'project.status',
    trail: { action: to, body: comment },
    view: () => projectDetail(tx, unitId, id),
    audit: () => ({ before: { status: row.status }, after: { status: to, comment: comment ?? '' } }),
    event: () => ({ type: 'project.status_changed', payload: { projectId: id, code: row.code, from: row.status, to, comment: comment ?? '' } }),
  });
}

export interface AttachTargetInput {
  source: string;
  targetRef: string;
  name: string;
  value?: string | undefined;
}

/** Links a performance target (owned by a plugin, or entered by hand) to a project. */
export async function attachTarget(tx: Tx, actor: Actor, scope: UnitScope, projectId: number, input: AttachTargetInput): Promise<TargetView> {
  const unitId = scope.unitId;
  const project = await lockProject(tx, unitId, projectId);
  const clash = await tx
    .selectFrom('project_targets')
    .select('id')
    .where('project_id', '=', projectId)
    .where('source', '=', input.source)
    .where('target_ref', '=', input.targetRef)
    .executeTakeFirst();
  if (clash) throw new AppError('PROJECT_TARGET_EXISTS', { source: input.source, targetRef: input.targetRef });
  const row = await tx
    .insertInto('project_targets')
    .values({
      project_id: projectId,
      unit_id: unitId,
      source: input.source,
      target_ref: input.targetRef,
      name: input.name,
      value: input.value ?? '',
      created_at: nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return recordCommand(tx, actor, unitId, {
    entity: 'project', entityId: projectId, action: 'project.target_attach',
    view: async () => targetView(row),
    event: () => ({
      type: 'project.target_attached',
      payload: { projectId, code: project.code, targetId: row.id, source: row.source, targetRef: row.target_ref },
    }),
  });
}
