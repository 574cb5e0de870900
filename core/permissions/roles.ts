import { ROLES, type Role } from '@unibudget/sdk/contracts/roles';

/**
 * Roles are granted per unit; each maps to permission strings. A grant on a unit gives its
 * permissions there; on the unit's subordinates it gives only the read permissions (a
 * supervising unit reads, never writes, below itself). `system_admin` is the one global role.
 */
export { ROLES, type Role };
export { ROLE_LABELS } from '@unibudget/sdk/contracts/roles';

export const PERMISSIONS = [
  // kernel
  'system.manage',
  'unit.read',
  'unit.manage',
  'member.read',
  'member.manage',
  'period.read',
  'period.manage',
  'period.reopen',
  'audit.read',
  // ledger
  'classification.read',
  'classification.manage',
  'project.read',
  'project.manage',
  'budget.read',
  'budget.prepare',
  'budget.review',
  'budget.approve',
  'indicator.read',
  'indicator.issue',
  'indicator.adjust',
  'transfer.create',
  'transfer.approve',
  'payment.read',
  'payment.create',
  'payment.approve',
  'payment.pay',
  'approval.read',
  'approval.manage',
  'rule.manage',
  'rule.override',
  // 试运行: judge past payments under proposed rules/standards (writes nothing)
  'rule.trial',
  // 支出标准: write and adopt the unit's standard versions (its subordinates follow them)
  'standard.manage',
  'template.manage',
  'report.read',
  'receipt.read',
  'receipt.record',
  // plugins
  'plugin.read',
  'plugin.install',
  'plugin.manage',
  'plugin.develop',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Read permissions are the only ones a grant carries down to subordinate units. */
export function isReadPermission(permission: Permission): boolean {
  return permission.endsWith('.read');
}

const READ_ALL = PERMISSIONS.filter(isReadPermission);

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  system_admin: [
    'system.manage', 'unit.read', 'unit.manage', 'member.read', 'member.manage', 'period.read',
    'audit.read', 'plugin.read', 'plugin.install', 'plugin.manage', 'classification.read', 'classification.manage',
  ],
  unit_admin: [
    'unit.read', 'unit.manage', 'member.read', 'member.manage', 'period.read', 'audit.read',
    'classification.read', 'project.read', 'approval.read', 'approval.manage', 'rule.manage', 'rule.trial', 'template.manage',
    // budget.read lets the admin see the request templates they maintain (and the requests built from them).
    'budget.read', 'plugin.read', 'plugin.manage',
  ],
  finance_officer: [
    'unit.read', 'member.read', 'period.read', 'period.manage', 'audit.read', 'classification.read',
    'project.read', 'project.manage', 'budget.read', 'budget.review', 'indicator.read', 'indicator.issue',
    'indicator.adjust', 'transfer.create', 'transfer.approve', 'payment.read', 'payment.create',
    'payment.approve', 'payment.pay', 'approval.read', 'report.read', 'plugin.read',
    // 收入登记: finance records non-fiscal money as it arrives, and reverses it.
    'receipt.read', 'receipt.record',
    // 支出标准 versions (the bureau's finance officer sets them for every unit below) and their trial runs.
    'standard.manage', 'rule.trial',
  ],
  business_staff: [
    'unit.read', 'period.read', 'classification.read', 'project.read', 'budget.read', 'budget.prepare',
    'indicator.read', 'transfer.create', 'payment.read', 'payment.create', 'approval.read', 'plugin.read',
  ],
  department_head: [
    'unit.read', 'member.read', 'period.read', 'classification.read', 'project.read', 'budget.read',
    'budget.prepare', 'indicator.read', 'transfer.create', 'transfer.approve', 'payment.read',
    'payment.create', 'payment.approve', 'approval.read', 'report.read', 'plugin.read',
  ],
  leader: [
    'unit.read', 'member.read', 'period.read', 'period.reopen', 'audit.read', 'classification.read',
    'project.read', 'budget.read', 'budget.approve', 'indicator.read', 'transfer.approve', 'payment.read',
    'payment.approve', 'approval.read', 'rule.override', 'rule.trial', 'report.read', 'plugin.read', 'receipt.read',
  ],
  auditor: READ_ALL,
  plugin_developer: ['unit.read', 'period.read', 'classification.read', 'plugin.read', 'plugin.develop'],
};

/** Roles a unit administrator may hand out; system_admin is granted only by a system admin. */
export const UNIT_GRANTABLE_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'system_admin');
