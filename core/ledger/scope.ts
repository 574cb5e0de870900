import type { Actor, UnitScope } from '../permissions/service.js';
import { AppError } from './errors.js';

/** Roles whose view of a unit's money is limited to their own department (科室). */
const DEPARTMENT_BOUND_ROLES = new Set(['business_staff', 'department_head']);

/**
 * The department an actor is confined to at the scoped unit, or null when they see the whole unit
 * (finance, leaders, auditors, supervising units). Business staff see their department's balances.
 */
export function departmentBound(actor: Actor, scope: UnitScope): number | null {
  const here = actor.grants.filter((g) => g.unitId === scope.unitId);
  if (here.length === 0 || here.some((g) => !DEPARTMENT_BOUND_ROLES.has(g.role))) return null;
  return here.find((g) => g.departmentId !== null)?.departmentId ?? -1;
}

export function assertDepartmentAccess(actor: Actor, scope: UnitScope, departmentId: number): void {
  const bound = departmentBound(actor, scope);
  if (bound !== null && bound !== departmentId) throw new AppError('DEPARTMENT_SCOPE', { departmentId });
}
