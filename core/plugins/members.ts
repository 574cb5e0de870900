import type { Executor } from '../db/connection.js';
import type { MemberRecord } from '../../sdk/api.js';
import { HostCallError } from './errors.js';
import { objectArg } from './ledger-read.js';

/** The most members one answer carries (a county unit has tens; the cap only bounds a runaway). */
const MEMBER_CAP = 2000;

/**
 * `host.members.list` (permission `members.read`): the people of the bound unit with the roles they
 * hold in it and their department — never a username, phone or e-mail, and never anyone reached only
 * through a supervising unit's grant. Disabled accounts are left out (no one should be named
 * responsible through them). A person's department is that of their first grant naming one.
 */
export async function readMembers(db: Executor, unitId: string, raw: unknown): Promise<MemberRecord[]> {
  const filter = objectArg(raw);
  const { role, departmentId } = filter;
  if (role !== undefined && (typeof role !== 'string' || !/^[a-z_]{1,40}$/.test(role))) {
    throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'role must be a core role name such as department_head');
  }
  if (departmentId !== undefined && (typeof departmentId !== 'number' || !Number.isSafeInteger(departmentId) || departmentId < 1)) {
    throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'departmentId must be a positive integer');
  }
  const rows = await db.selectFrom('role_grants as g')
    .innerJoin('users as u', 'u.id', 'g.user_id')
    .leftJoin('departments as d', (join) => join.onRef('d.id', '=', 'g.department_id').on('d.unit_id', '=', unitId))
    .select(['g.id as grantId', 'g.user_id as userId', 'g.role as role', 'g.department_id as departmentId', 'd.name as departmentName', 'u.display_name as displayName'])
    .where('g.unit_id', '=', unitId).where('u.disabled', '=', 0)
    .orderBy('g.user_id').orderBy('g.id')
    .execute();
  const members = new Map<number, MemberRecord>();
  for (const row of rows) {
    let member = members.get(row.userId);
    if (!member) members.set(row.userId, (member = { id: row.userId, displayName: row.displayName, roles: [], departmentId: null, departmentName: null }));
    if (!member.roles.includes(row.role)) member.roles.push(row.role);
    if (member.departmentId === null && row.departmentId !== null && row.departmentName !== null) {
      member.departmentId = row.departmentId;
      member.departmentName = row.departmentName;
    }
  }
  return [...members.values()]
    .filter((m) => (role === undefined || m.roles.includes(role)) && (departmentId === undefined || m.departmentId === departmentId))
    .map((m) => ({ ...m, roles: m.roles.sort() }))
    .slice(0, MEMBER_CAP);
}
