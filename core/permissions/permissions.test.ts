import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { loadGrants } from '../accounts/service.js';
import { isReadPermission, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './roles.js';
import { authorizeUnit, holdsAnywhere, isSystemAdmin, permissionsAt, readableUnitPaths, scoped, type Actor } from './service.js';

const actor = (grants: Actor['grants']): Actor => ({ userId: 1, username: 'u', displayName: 'u', grants, via: 'session' });

describe('permissions', () => {
  it('gives a grant its full permissions at its own unit', () => {
    const held = permissionsAt(actor([{ unitId: 'a', unitPath: '/bureau/dept/a/', role: 'finance_officer', departmentId: null }]), '/bureau/dept/a/');
    expect(held.has('payment.pay')).toBe(true);
    expect(held.has('period.manage')).toBe(true);
  });

  it('carries only read permissions down to subordinate units, and nothing up or sideways', () => {
    const leader = actor([{ unitId: 'dept', unitPath: '/bureau/dept/', role: 'leader', departmentId: null }]);
    const below = permissionsAt(leader, '/bureau/dept/a/');
    expect([...below].every(isReadPermission)).toBe(true);
    expect(below.has('payment.read')).toBe(true);
    expect(below.has('payment.approve')).toBe(false);
    expect(permissionsAt(leader, '/bureau/').size).toBe(0);
    expect(permissionsAt(leader, '/bureau/other/').size).toBe(0);
  });

  it('does not confuse a unit with another whose id starts the same', () => {
    const grant = actor([{ unitId: 'a', unitPath: '/bureau/dept/a/', role: 'auditor', departmentId: null }]);
    expect(permissionsAt(grant, '/bureau/dept/ab/').size).toBe(0);
  });

  it('denies by default: no grants, no permissions', () => {
    expect(permissionsAt(actor([]), '/bureau/').size).toBe(0);
  });

  it('maps every role only to known permissions, and keeps the auditor read-only', () => {
    for (const role of ROLES) for (const p of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(p);
    expect(ROLE_PERMISSIONS.auditor.every(isReadPermission)).toBe(true);
    expect(ROLE_PERMISSIONS.system_admin).not.toContain('payment.approve');
  });
});

describe('authorizing against the unit tree', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.close());

  /** The actor a demo user signs in as, with their grants read from the database. */
  async function demo(username: string): Promise<Actor> {
    const user = await env.kernel.db.selectFrom('users').select(['id', 'display_name']).where('username', '=', username).executeTakeFirstOrThrow();
    return { userId: user.id, username, displayName: user.display_name, grants: await loadGrants(env.kernel.db, user.id), via: 'session' };
  }

  it('scopes a member to their own unit with every permission of their role', async () => {
    const scope = await authorizeUnit(env.kernel.db, await demo('a.finance'), 'a', 'payment.pay');
    expect(scope).toMatchObject({ unitId: 'a', unitPath: '/bureau/dept/a/', readOnly: false });
    expect(scope.permissions.has('period.manage')).toBe(true);
  });

  it('lets a supervising leader read a subordinate, read-only, and write nothing there', async () => {
    const leader = await demo('dept.leader');
    const scope = await authorizeUnit(env.kernel.db, leader, 'a', 'payment.read');
    expect(scope).toMatchObject({ unitId: 'a', readOnly: true });
    expect([...scope.permissions].every(isReadPermission)).toBe(true);
    await expect(authorizeUnit(env.kernel.db, leader, 'a', 'payment.approve')).rejects.toMatchObject({
      code: 'FORBIDDEN', details: { permission: 'payment.approve', unitId: 'a' },
    });
    // Nothing upwards.
    await expect(authorizeUnit(env.kernel.db, leader, 'bureau', 'unit.read')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a sibling unit and names a unit that does not exist', async () => {
    const staff = await demo('a.staff');
    await expect(authorizeUnit(env.kernel.db, staff, 'b', 'unit.read')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(authorizeUnit(env.kernel.db, staff, 'nowhere', 'unit.read')).rejects.toMatchObject({ code: 'UNIT_NOT_FOUND' });
  });

  it('gives the system administrator system-wide rights, never the money', async () => {
    const sysadmin = await demo('sysadmin');
    expect(isSystemAdmin(sysadmin)).toBe(true);
    expect(isSystemAdmin(await demo('a.admin'))).toBe(false);
    const scope = await authorizeUnit(env.kernel.db, sysadmin, 'b', 'member.manage');
    expect(scope.readOnly).toBe(false);
    await expect(authorizeUnit(env.kernel.db, sysadmin, 'b', 'payment.approve')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(readableUnitPaths(sysadmin, 'unit.read')).toEqual(['/']);
  });

  it('knows where an actor holds a permission at all, and the roots of what they may read', async () => {
    const auditor = await demo('b.auditor');
    expect(holdsAnywhere(auditor, 'audit.read')).toBe(true);
    expect(holdsAnywhere(auditor, 'payment.approve')).toBe(false);
    expect(readableUnitPaths(auditor, 'audit.read')).toEqual(['/bureau/dept/b/']);
    expect(readableUnitPaths(await demo('dept.leader'), 'payment.read')).toEqual(['/bureau/dept/']);
    expect(readableUnitPaths(await demo('a.staff'), 'unit.manage')).toEqual([]);
  });

  it('scopes a query to the unit, or to the unit and its subordinates for a consolidated read', async () => {
    const scope = await authorizeUnit(env.kernel.db, await demo('dept.leader'), 'dept', 'unit.read');
    const units = async (subtree: boolean) =>
      (await scoped(env.kernel.db.selectFrom('departments').select('unit_id').distinct(), 'departments', scope, { subtree }).orderBy('unit_id').execute())
        .map((r) => r.unit_id);
    expect(await units(false)).toEqual([]);
    expect(await units(true)).toEqual(['a', 'b']);
    const own = await authorizeUnit(env.kernel.db, await demo('a.staff'), 'a', 'unit.read');
    expect(await scoped(env.kernel.db.selectFrom('departments').select('unit_id').distinct(), 'departments', own).execute()).toEqual([{ unit_id: 'a' }]);
  });
});
