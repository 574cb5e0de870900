import type { Executor, Tx } from '../db/connection.js';
import { nowIso } from '../clock.js';
import { appendAudit } from '../audit/service.js';
import { auditActorOf, createUser, resetPassword, setDisabled } from '../accounts/service.js';
import { AppError } from '../errors.js';
import { isSystemAdmin, type Actor, type UnitScope } from '../permissions/service.js';
import { ROLES, type Role } from '../permissions/roles.js';
import { assertDepartmentInUnit } from './service.js';
import type { MemberView } from './schema.js';

export async function listMembers(db: Executor, unitId: string): Promise<MemberView[]> {
  const rows = await db
    .selectFrom('role_grants')
    .innerJoin('users', 'users.id', 'role_grants.user_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.disabled', 'role_grants.role', 'role_grants.department_id'])
    .where('role_grants.unit_id', '=', unitId)
    .orderBy('users.username')
    .execute();
  const members = new Map<number, MemberView>();
  for (const row of rows) {
    const member = members.get(row.id) ?? {
      userId: row.id,
      username: row.username,
      displayName: row.display_name,
      disabled: row.disabled === 1,
      roles: [],
      departmentId: row.department_id,
    };
    member.roles.push(row.role as Role);
    members.set(row.id, member);
  }
  for (const member of members.values()) member.roles.sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b));
  return [...members.values()];
}

async function memberOf(db: Executor, unitId: string, userId: number): Promise<MemberView | undefined> {
  return (await listMembers(db, unitId)).find((m) => m.userId === userId);
}

/**
 * Whether `actor` may give an existing login roles in `unitId`: it is already a member here, or the
 * actor is a system administrator or an admin of a unit the person belongs to.
 */
async function mayAddExisting(tx: Tx, actor: Actor, unitId: string, userId: number): Promise<boolean> {
  if (isSystemAdmin(actor)) return true;
  const units = (await tx.selectFrom('role_grants').select('unit_id').distinct().where('user_id', '=', userId).execute()).map((r) => r.unit_id);
  if (units.includes(unitId)) return true;
  return actor.grants.some((g) => g.role === 'unit_admin' && units.includes(g.unitId));
}

function assertGrantable(actor: Actor, roles: readonly Role[]): void {
  if (roles.includes('system_admin') && !isSystemAdmin(actor)) throw new AppError('ROLE_NOT_GRANTABLE', { role: 'system_admin' });
}

async function setRoles(tx: Tx, unitId: string, userId: number, roles: readonly Role[], departmentId: number | null) {
  await tx.deleteFrom('role_grants').where('unit_id', '=', unitId).where('user_id', '=', userId).execute();
  const grantedAt = nowIso();
  for (const role of roles) {
    await tx
      .insertInto('role_grants')
      .values({ user_id: userId, unit_id: unitId, role, department_id: departmentId, granted_at: grantedAt })
      .execute();
  }
}

export interface AddMemberInput {
  username: string;
  displayName?: string | undefined;
  roles: Role[];
  departmentId?: number | null | undefined;
  /** From hashPassword() of the body's password, computed before the command so the KDF never holds a lock. */
  passwordHash?: string | null | undefined;
}

/** Adds a person to the unit with roles, creating their account when the username is new. */
export async function addMember(tx: Tx, actor: Actor, scope: UnitScope, input: AddMemberInput): Promise<MemberView> {
  assertGrantable(actor, input.roles);
  const departmentId = input.departmentId ?? null;
  if (departmentId !== null) await assertDepartmentInUnit(tx, scope.unitId, departmentId);
  const found = await tx.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
  // A person who belongs elsewhere is added only with consent from their side: by a system administrator or
  // an admin of a unit they belong to. To anyone else the username is answered as if it did not exist
  // (no enumeration of other units' logins); creating it anew then fails as any taken username does.
  const existing = found && (await mayAddExisting(tx, actor, scope.unitId, found.id)) ? found : undefined;
  if (found && !existing && input.displayName && input.passwordHash) throw new AppError('USERNAME_TAKEN');
  if (!existing && (!input.displayName || !input.passwordHash)) {
    throw new AppError('VALIDATION_FAILED', {
      where: 'body',
      issues: [{ path: 'displayName', message: '新用户需要姓名和初始密码', code: 'custom' }],
    });
  }
  const by = auditActorOf(actor);
  const userId = existing
    ? existing.id
    : await createUser(tx, by, { username: input.username, displayName: input.displayName!, passwordHash: input.passwordHash! });
  const before = await memberOf(tx, scope.unitId, userId);
  const roles = [...new Set([...(before?.roles ?? []), ...input.roles])];
  await setRoles(tx, scope.unitId, userId, roles, departmentId ?? before?.departmentId ?? null);
  await appendAudit(tx, {
    actor: by,
    unitId: scope.unitId,
    action: 'member.grant',
    entity: 'member',
    entityId: `${scope.unitId}:${userId}`,
    before: before ? { roles: before.roles, departmentId: before.departmentId } : null,
    after: { roles, departmentId: departmentId ?? before?.departmentId ?? null },
  });
  return (await memberOf(tx, scope.unitId, userId))!;
}

export interface UpdateMemberInput {
  roles?: Role[] | undefined;
  departmentId?: number | null | undefined;
  disabled?: boolean | undefined;
  /** From hashPassword() of the body's new password, computed before the command. */
  passwordHash?: string | null | undefined;
}

export async function updateMember(tx: Tx, actor: Actor, scope: UnitScope, userId: number, input: UpdateMemberInput): Promise<MemberView | null> {
  const before = await memberOf(tx, scope.unitId, userId);
  if (!before) throw new AppError('USER_NOT_FOUND', { userId });
  if (input.roles) assertGrantable(actor, input.roles);
  // A system administrator's account is changed only by a system administrator.
  if (before.roles.includes('system_admin') && !isSystemAdmin(actor)) throw new AppError('ROLE_NOT_GRANTABLE', { role: 'system_admin' });
  if (input.departmentId) await assertDepartmentInUnit(tx, scope.unitId, input.departmentId);
  if (userId === actor.userId && input.roles && before.roles.includes('unit_admin') && !input.roles.includes('unit_admin')) {
    throw new AppError('SELF_LOCKOUT');
  }
  const passwordHash = input.passwordHash ?? null;
  if (input.disabled !== undefined || passwordHash !== null) {
    // An account shared with other units is everyone's: only a system administrator may lock or reset it.
    const elsewhere = await tx
      .selectFrom('role_grants')
      .select('id')
      .where('user_id', '=', userId)
      .where('unit_id', '!=', scope.unitId)
      .executeTakeFirst();
    if (elsewhere && !isSystemAdmin(actor)) throw new AppError('USER_SHARED', { userId });
  }
  const roles = input.roles ?? before.roles;
  const departmentId = input.departmentId === undefined ? before.departmentId : input.departmentId;
  await setRoles(tx, scope.unitId, userId, roles, departmentId);
  if (input.disabled !== undefined) await setDisabled(tx, userId, input.disabled);
  if (passwordHash) await resetPassword(tx, userId, passwordHash);
  await appendAudit(tx, {
    actor: auditActorOf(actor),
    unitId: scope.unitId,
    action: 'member.update',
    entity: 'member',
    entityId: `${scope.unitId}:${userId}`,
    before: { roles: before.roles, departmentId: before.departmentId, disabled: before.disabled },
    after: {
      roles,
      departmentId,
      disabled: input.disabled ?? before.disabled,
      ...(passwordHash ? { passwordReset: true } : {}),
    },
  });
  return (await memberOf(tx, scope.unitId, userId)) ?? null;
}
