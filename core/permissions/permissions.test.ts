import { describe, expect, it } from 'vitest';
import { isReadPermission, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './roles.js';
import { permissionsAt, type Actor } from './service.js';

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
