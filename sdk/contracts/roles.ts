/**
 * The roles a person holds in a unit: one list for the core (permissions), the SDK (plugin routes
 * gated by role) and the web app (navigation, labels). `system_admin` is the one global role.
 */
export const ROLES = [
  'system_admin',
  'unit_admin',
  'finance_officer',
  'business_staff',
  'department_head',
  'leader',
  'auditor',
  'plugin_developer',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  system_admin: { zh: '系统管理员', en: 'System administrator' },
  unit_admin: { zh: '单位管理员', en: 'Unit administrator' },
  finance_officer: { zh: '财务人员', en: 'Finance officer' },
  business_staff: { zh: '业务人员', en: 'Business staff' },
  department_head: { zh: '科室负责人', en: 'Department head' },
  leader: { zh: '单位领导', en: 'Unit leader' },
  auditor: { zh: '审计', en: 'Auditor' },
  plugin_developer: { zh: '数字专员（插件开发）', en: 'Digital specialist (plugin developer)' },
};
