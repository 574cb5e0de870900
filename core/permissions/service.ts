import { sql } from 'kysely';
import type { Executor } from '../db/connection.js';
import { AppError } from '../errors.js';
import { authCache } from '../db/writes.js';
import { underPath } from '../units/paths.js';
import { isReadPermission, ROLE_PERMISSIONS, type Permission, type Role } from './roles.js';

export interface Grant {
  unitId: string;
  /** The granted unit's materialized path, e.g. '/bureau/dept/'. */
  unitPath: string;
  role: Role;
  departmentId: number | null;
}

/** Who is calling: loaded once per request by the auth middleware. */
export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  grants: Grant[];
  via: 'session' | 'token';
}

export function isSystemAdmin(actor: Actor): boolean {
  return actor.grants.some((g) => g.role === 'system_admin');
}

/**
 * The permissions an actor holds at a unit, given that unit's path. Grants on the unit itself
 * count whole; grants on an ancestor count only for reading; system_admin counts everywhere.
 */
export function permissionsAt(actor: Actor, unitPath: string): Set<Permission> {
  const held = new Set<Permission>();
  for (const grant of actor.grants) {
    const rolePermissions = ROLE_PERMISSIONS[grant.role];
    if (grant.role === 'system_admin' || grant.unitPath === unitPath) {
      for (const p of rolePermissions) held.add(p);
    } else if (unitPath.startsWith(grant.unitPath)) {
      for (const p of rolePermissions) if (isReadPermission(p)) held.add(p);
    }
  }
  return held;
}

/** True when the actor holds the permission in at least one unit (or system-wide). */
export function holdsAnywhere(actor: Actor, permission: Permission): boolean {
  return actor.grants.some((g) => ROLE_PERMISSIONS[g.role].includes(permission));
}

/**
 * A unit's path, read by every authorized request: remembered as credentials are (http/session-cache.ts),
 * while nothing in this process has written the authentication tables (units among them) and for at
 * most a second (another process moving a unit is seen within that). Inside a transaction: always read.
 */
const unitPaths = authCache<string>(1000);

export function unitPathOf(db: Executor, unitId: string): Promise<string> {
  return unitPaths(db.isTransaction ? undefined : db, unitId, () => readUnitPath(db, unitId));
}

async function readUnitPath(db: Executor, unitId: string): Promise<string> {
  const row = await db.selectFrom('units').select('path').where('id', '=', unitId).executeTakeFirst();
  if (!row) throw new AppError('UNIT_NOT_FOUND', { unitId });
  return row.path;
}

/**
 * The unit a request is scoped to, after authorization. Every business query takes its unit from
 * here (see `scoped`), never from raw input, so a route cannot read outside what was authorized.
 */
export interface UnitScope {
  unitId: string;
  unitPath: string;
  permissions: Set<Permission>;
  /** True when the actor reaches this unit only through a supervising grant (read-only). */
  readOnly: boolean;
}

export async function authorizeUnit(db: Executor, actor: Actor, unitId: string, permission: Permission): Promise<UnitScope> {
  const path = await unitPathOf(db, unitId);
  const permissions = permissionsAt(actor, path);
  if (!permissions.has(permission)) throw new AppError('FORBIDDEN', { permission, unitId });
  const direct = actor.grants.some((g) => g.unitPath === path || g.role === 'system_admin');
  return { unitId, unitPath: path, permissions, readOnly: !direct };
}

/** Units whose data the actor may read with this permission: the roots of what they can see. */
export function readableUnitPaths(actor: Actor, permission: Permission): string[] {
  if (isSystemAdmin(actor) && ROLE_PERMISSIONS.system_admin.includes(permission)) return ['/'];
  return actor.grants.filter((g) => ROLE_PERMISSIONS[g.role].includes(permission)).map((g) => g.unitPath);
}

/**
 * The one scoping helper: restricts a query over a table with a `unit_id` column to the scope's
 * unit. `subtree` widens it to the unit and its subordinates (consolidated, read-only views).
 */
export function scoped<QB extends { where: (...args: any[]) => any }>(
  qb: QB,
  table: string,
  scope: UnitScope,
  options: { subtree?: boolean } = {},
): QB {
  if (!options.subtree) return qb.where(sql.ref(`${table}.unit_id`), '=', scope.unitId);
  return qb.where(sql.ref(`${table}.unit_id`), 'in', sql`(select id from units where ${underPath('path', scope.unitPath)})`);
}
