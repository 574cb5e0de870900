import type { Executor, Tx } from '../db/connection.js';
import type { DepartmentFunction, UnitsTable } from '../db/schema.js';
import { nowIso } from '../clock.js';
import { appendAudit, type AuditActor } from '../audit/service.js';
import { auditActorOf } from '../accounts/service.js';
import { AppError } from '../errors.js';
import { readableUnitPaths, type Actor, type UnitScope } from '../permissions/service.js';
import type { UnitView } from './schema.js';
import { underPath } from './paths.js';

export function unitView(row: UnitsTable): UnitView {
  return {
    id: row.id,
    parentId: row.parent_id,
    path: row.path,
    code: row.code,
    name: row.name,
    level: row.level,
    kind: row.kind,
    createdAt: row.created_at,
  };
}

/** Every unit the actor may read: the units they hold roles in and all units below those. */
export async function listReadableUnits(db: Executor, actor: Actor): Promise<UnitView[]> {
  const roots = readableUnitPaths(actor, 'unit.read');
  if (roots.length === 0) return [];
  const rows = await db
    .selectFrom('units')
    .selectAll()
    .where((eb) => eb.or(roots.map((root) => underPath('path', root))))
    .orderBy('path')
    .execute();
  return rows.map(unitView);
}

export async function getUnitDetail(db: Executor, scope: UnitScope) {
  const unit = await db.selectFrom('units').selectAll().where('id', '=', scope.unitId).executeTakeFirstOrThrow();
  const departments = await db
    .selectFrom('departments')
    .select(['id', 'unit_id', 'code', 'name', 'function'])
    .where('unit_id', '=', scope.unitId)
    .orderBy('code')
    .execute();
  const children = await db.selectFrom('units').selectAll().where('parent_id', '=', scope.unitId).orderBy('code').execute();
  return {
    ...unitView(unit),
    departments: departments.map(departmentView),
    children: children.map(unitView),
  };
}

const LEVEL_RANK = { finance_bureau: 0, supervising: 1, grassroots: 2 } as const;

export interface CreateUnitInput {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  level: UnitsTable['level'];
  kind: UnitsTable['kind'];
}

/** Creates a unit in the tree (a system administrator's command). */
export async function createUnit(tx: Tx, actor: Actor, input: CreateUnitInput): Promise<UnitView> {
  return insertUnit(tx, auditActorOf(actor), input);
}

/** The unit's write, also made by the system itself (demo seeding), where no person acts. */
export async function insertUnit(tx: Tx, by: AuditActor, input: CreateUnitInput): Promise<UnitView> {
  let path = `/${input.id}/`;
  if (input.parentId === null) {
    if (input.level !== 'finance_bureau') throw new AppError('UNIT_LEVEL_INVALID', { level: input.level, parentLevel: 'none' });
  } else {
    const parent = await tx.selectFrom('units').selectAll().where('id', '=', input.parentId).executeTakeFirst();
    if (!parent) throw new AppError('UNIT_NOT_FOUND', { unitId: input.parentId });
    // A bureau may sit under a bureau (province → city → county); otherwise levels go strictly down.
    const ok = input.level === 'finance_bureau' ? parent.level === 'finance_bureau' : LEVEL_RANK[input.level] > LEVEL_RANK[parent.level];
    if (!ok) throw new AppError('UNIT_LEVEL_INVALID', { level: input.level, parentLevel: parent.level });
    path = `${parent.path}${input.id}/`;
  }
  const clash = await tx
    .selectFrom('units')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', input.id), eb('code', '=', input.code)]))
    .executeTakeFirst();
  if (clash) throw new AppError('UNIT_EXISTS', { id: input.id, code: input.code });
  const row: UnitsTable = {
    id: input.id,
    parent_id: input.parentId,
    path,
    code: input.code,
    name: input.name,
    level: input.level,
    kind: input.kind,
    created_at: nowIso(),
  };
  await tx.insertInto('units').values(row).execute();
  const view = unitView(row);
  await appendAudit(tx, { actor: by, unitId: row.id, action: 'unit.create', entity: 'unit', entityId: row.id, after: view });
  return view;
}

export async function listDepartments(db: Executor, scope: UnitScope) {
  const rows = await db.selectFrom('departments').selectAll().where('unit_id', '=', scope.unitId).orderBy('code').execute();
  return rows.map(departmentView);
}

function departmentView(d: { id: number; unit_id: string; code: string; name: string; function: DepartmentFunction }) {
  return { id: d.id, unitId: d.unit_id, code: d.code, name: d.name, function: d.function };
}

export interface CreateDepartmentInput {
  code: string;
  name: string;
  /** 业务部门 (default) or 管理部门. */
  function?: DepartmentFunction | undefined;
}

export async function createDepartment(tx: Tx, actor: Actor, scope: UnitScope, input: CreateDepartmentInput) {
  return insertDepartment(tx, auditActorOf(actor), scope.unitId, input);
}

/** The department's write, also made by the system itself (demo seeding), where no person acts. */
export async function insertDepartment(tx: Tx, by: AuditActor, unitId: string, input: CreateDepartmentInput) {
  const clash = await tx
    .selectFrom('departments')
    .select('id')
    .where('unit_id', '=', unitId)
    .where('code', '=', input.code)
    .executeTakeFirst();
  if (clash) throw new AppError('DEPARTMENT_EXISTS', { code: input.code });
  const { id } = await tx
    .insertInto('departments')
    .values({ unit_id: unitId, code: input.code, name: input.name, function: input.function ?? 'business', created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const view = { id, unitId, code: input.code, name: input.name, function: input.function ?? 'business' };
  await appendAudit(tx, { actor: by, unitId, action: 'department.create', entity: 'department', entityId: id, after: view });
  return view;
}

/**
 * Changes a department's name or function (业务部门 / 管理部门). The function decides, from now on, whether
 * an institution's spending by the department posts to 5001 业务活动费用 or 5101 单位管理费用; entries
 * already posted stay as they are.
 */
export async function updateDepartment(tx: Tx, actor: Actor, scope: UnitScope, departmentId: number, input: { name?: string | undefined; function?: DepartmentFunction | undefined }) {
  const before = await tx.selectFrom('departments').select(['id', 'unit_id', 'code', 'name', 'function'])
    .where('id', '=', departmentId).where('unit_id', '=', scope.unitId).executeTakeFirst();
  if (!before) throw new AppError('DEPARTMENT_NOT_FOUND', { departmentId });
  await tx.updateTable('departments').set({ name: input.name ?? before.name, function: input.function ?? before.function })
    .where('id', '=', departmentId).where('unit_id', '=', scope.unitId).execute();
  const after = { ...departmentView(before), name: input.name ?? before.name, function: input.function ?? before.function };
  await appendAudit(tx, { actor: auditActorOf(actor), unitId: scope.unitId, action: 'department.update', entity: 'department', entityId: departmentId, before: departmentView(before), after });
  return after;
}

export async function assertDepartmentInUnit(db: Executor, unitId: string, departmentId: number): Promise<void> {
  const row = await db
    .selectFrom('departments')
    .select('id')
    .where('id', '=', departmentId)
    .where('unit_id', '=', unitId)
    .executeTakeFirst();
  if (!row) throw new AppError('DEPARTMENT_NOT_FOUND', { departmentId });
}
