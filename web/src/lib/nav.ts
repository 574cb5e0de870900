import type { MessageKey } from './i18n.js';
import type { Me, Role } from './types.js';

/** The app's menu: which roles see which entry, and the units a signed-in person may switch to. */
export interface UnitOption { id: string; name: string; roles: Role[]; departmentId: number | null; readOnly: boolean }

export interface NavItem { id: string; key: MessageKey; roles: Role[]; readOnlyOk: boolean }

/** Role-aware navigation: a page shows when the caller holds one of its roles in the current unit. */
export const NAV: NavItem[] = [
  { id: 'cockpit', key: 'nav_cockpit', roles: ['leader'], readOnlyOk: true },
  { id: 'dashboard', key: 'nav_dashboard', roles: ['finance_officer', 'auditor'], readOnlyOk: true },
  { id: 'payment', key: 'nav_payment', roles: ['business_staff', 'department_head'], readOnlyOk: false },
  { id: 'budget', key: 'nav_budget', roles: ['business_staff', 'department_head'], readOnlyOk: false },
  { id: 'mine', key: 'nav_mine', roles: ['business_staff', 'department_head'], readOnlyOk: false },
  { id: 'inbox', key: 'nav_inbox', roles: ['finance_officer', 'department_head', 'leader'], readOnlyOk: false },
  { id: 'transfers', key: 'nav_transfer', roles: ['finance_officer'], readOnlyOk: false },
  { id: 'periods', key: 'nav_periods', roles: ['finance_officer'], readOnlyOk: false },
  { id: 'audit', key: 'nav_audit', roles: ['auditor'], readOnlyOk: true },
  { id: 'admin-members', key: 'nav_adminMembers', roles: ['unit_admin', 'system_admin'], readOnlyOk: false },
  { id: 'admin-flows', key: 'nav_adminFlows', roles: ['unit_admin'], readOnlyOk: false },
  { id: 'admin-templates', key: 'nav_adminTemplates', roles: ['unit_admin'], readOnlyOk: false },
  { id: 'admin-rules', key: 'nav_adminRules', roles: ['unit_admin'], readOnlyOk: false },
  { id: 'admin-plugins', key: 'nav_adminPlugins', roles: ['unit_admin', 'system_admin', 'plugin_developer'], readOnlyOk: false },
  // 系统健康度: the system administrator sees the whole process, a unit admin their unit's plugins and requests.
  { id: 'system-health', key: 'nav_health', roles: ['system_admin', 'unit_admin'], readOnlyOk: false },
  { id: 'payments', key: 'nav_payments', roles: ['finance_officer', 'auditor'], readOnlyOk: true },
  { id: 'receipts', key: 'nav_receipts', roles: ['finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'review', key: 'nav_review', roles: ['finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'reports', key: 'nav_reports', roles: ['finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  // The ledger's administration: finance officers (and the unit admin for the settings) act, the others read.
  { id: 'projects', key: 'nav_projects', roles: ['finance_officer', 'business_staff', 'department_head', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'fiscal-years', key: 'nav_fiscalYears', roles: ['finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'ledger-settings', key: 'nav_ledgerSettings', roles: ['unit_admin', 'finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'assets', key: 'nav_assets', roles: ['finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'standards', key: 'nav_standards', roles: ['finance_officer', 'business_staff', 'department_head', 'leader', 'auditor'], readOnlyOk: true },
  // Everyone's own: API tokens belong to the person, not to a unit.
  { id: 'api-tokens', key: 'nav_apiTokens', roles: ['system_admin', 'unit_admin', 'finance_officer', 'business_staff', 'department_head', 'leader', 'auditor', 'plugin_developer'], readOnlyOk: true },
];

export function navFor(roles: Role[], readOnly: boolean): NavItem[] {
  return NAV.filter((n) => n.roles.some((r) => roles.includes(r)) && (!readOnly || n.readOnlyOk));
}

/**
 * The units a person can switch between: every unit they hold a role in, plus the subordinate
 * units they supervise (read-only, with the roles held above them).
 */
export function unitOptions(me: Me, readable: { id: string; name: string; path: string }[]): UnitOption[] {
  const out: UnitOption[] = [];
  const own = new Map<string, UnitOption>();
  for (const m of me.memberships) {
    let o = own.get(m.unitId);
    if (!o) {
      o = { id: m.unitId, name: m.unitName, roles: [], departmentId: m.departmentId, readOnly: false };
      own.set(m.unitId, o);
      out.push(o);
    }
    if (!o.roles.includes(m.role)) o.roles.push(m.role);
    o.departmentId ??= m.departmentId;
  }
  for (const u of readable) {
    if (own.has(u.id)) continue;
    const roles = me.memberships.filter((m) => u.path.includes(`/${m.unitId}/`)).map((m) => m.role);
    if (roles.length) out.push({ id: u.id, name: u.name, roles: [...new Set(roles)], departmentId: null, readOnly: true });
  }
  return out;
}
