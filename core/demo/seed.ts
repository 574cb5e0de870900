import type { Kernel } from '../kernel.js';
import { appendAudit, SYSTEM_ACTOR } from '../audit/service.js';
import { createUser } from '../accounts/service.js';
import { hashPassword } from '../accounts/password.js';
import { insertDepartment, insertUnit } from '../units/service.js';
import { runCommand } from '../db/command.js';
import { insertFiscalYear } from '../periods/service.js';
import { closeMonthAs } from '../ledger/accounting/month-close.js';
import { nowIso } from '../clock.js';
import type { Role } from '../permissions/roles.js';
import { ensureReferenceData } from '../ledger/reference.js';
import { seedLedgerDemo } from './ledger-demo.js';
import { markHistoryRead } from '../notifications/service.js';

/** How many of the seeded history's newest notices each demo unit leaves unread. */
const DEMO_UNREAD_NOTICES = 5;

/** Fixed for guides and scripts: every demo login uses this password. */
export const DEMO_PASSWORD = 'unibudget-demo';

const UNITS = [
  { id: 'bureau', parentId: null, code: '100', name: '示范县财政局', level: 'finance_bureau', kind: 'administrative' },
  { id: 'dept', parentId: 'bureau', code: '201', name: '示范县教育局', level: 'supervising', kind: 'administrative' },
  { id: 'a', parentId: 'dept', code: '201001', name: '示范县教育局机关', level: 'grassroots', kind: 'administrative' },
  { id: 'b', parentId: 'dept', code: '201002', name: '示范县实验小学', level: 'grassroots', kind: 'institution' },
] as const;

/**
 * Departments with their function: 管理部门 (行政及后勤管理: office, finance, personnel, logistics) or
 * 业务部门 (the bureau's 基础教育科, the school's 教务处). In the school (an institution) this decides
 * 5101 单位管理费用 against 5001 业务活动费用; the bureau (administrative) books everything to 5001.
 */
const DEPARTMENTS: Record<string, Array<[code: string, name: string, fn: 'business' | 'management']>> = {
  a: [['01', '办公室', 'management'], ['02', '财务科', 'management'], ['03', '基础教育科', 'business'], ['04', '人事科', 'management']],
  b: [['01', '办公室', 'management'], ['02', '财务室', 'management'], ['03', '教务处', 'business'], ['04', '后勤处', 'management']],
};

interface DemoUser {
  username: string;
  displayName: string;
  unitId: string;
  role: Role;
  /** Department code inside the unit, for staff and department heads. */
  department?: string;
}

function unitUsers(unit: 'a' | 'b', names: string[]): DemoUser[] {
  const business = '03';
  const [admin, finance, staff, head, leader, auditor, dev] = names as [string, string, string, string, string, string, string];
  return [
    { username: `${unit}.admin`, displayName: admin, unitId: unit, role: 'unit_admin' },
    { username: `${unit}.finance`, displayName: finance, unitId: unit, role: 'finance_officer', department: '02' },
    { username: `${unit}.staff`, displayName: staff, unitId: unit, role: 'business_staff', department: business },
    { username: `${unit}.head`, displayName: head, unitId: unit, role: 'department_head', department: business },
    { username: `${unit}.leader`, displayName: leader, unitId: unit, role: 'leader' },
    { username: `${unit}.auditor`, displayName: auditor, unitId: unit, role: 'auditor' },
    { username: `${unit}.dev`, displayName: dev, unitId: unit, role: 'plugin_developer' },
  ];
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'sysadmin', displayName: '系统管理员', unitId: 'bureau', role: 'system_admin' },
  { username: 'bureau.finance', displayName: '周敏（财政局预算股）', unitId: 'bureau', role: 'finance_officer' },
  { username: 'dept.leader', displayName: '吴建国（教育局局长）', unitId: 'dept', role: 'leader' },
  ...unitUsers('a', ['赵磊', '钱芳', '孙浩', '李静', '周伟', '吴娟', '郑翔']),
  ...unitUsers('b', ['王强', '冯丽', '陈晨', '褚红', '卫东', '蒋欣', '沈航']),
];

/** True when the database already holds people: demo seeding never touches a used database. */
export async function hasUsers(kernel: Kernel): Promise<boolean> {
  return (await kernel.db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Seeds the demo: a county finance bureau, the education bureau as supervising department and two
 * grassroots units `a` and `b`, with a user for every role and the current fiscal year.
 * With `activity` (the default) a year of budget work follows: see ledger-demo.ts.
 * Everything goes through the same services the API uses, so the audit chain covers it.
 */
export async function seedDemo(kernel: Kernel, today = new Date(), options: { activity?: boolean } = {}): Promise<void> {
  const year = today.getUTCFullYear();
  const hashes = await Promise.all(DEMO_USERS.map(() => hashPassword(DEMO_PASSWORD, kernel.config.kdf)));
  await ensureReferenceData(kernel, year);
  await runCommand(kernel, async (tx) => {
    const departmentIds = new Map<string, number>();
    for (const unit of UNITS) {
      await insertUnit(tx, SYSTEM_ACTOR, { ...unit });
      for (const [code, name, fn] of DEPARTMENTS[unit.id] ?? []) {
        const department = await insertDepartment(tx, SYSTEM_ACTOR, unit.id, { code, name, function: fn });
        departmentIds.set(`${unit.id}:${code}`, department.id);
      }
      await insertFiscalYear(tx, SYSTEM_ACTOR, unit.id, year);
    }
    for (const [i, user] of DEMO_USERS.entries()) {
      const userId = await createUser(tx, SYSTEM_ACTOR, {
        username: user.username,
        displayName: user.displayName,
        passwordHash: hashes[i]!,
      });
      const departmentId = user.department ? departmentIds.get(`${user.unitId}:${user.department}`)! : null;
      await tx
        .insertInto('role_grants')
        .values({ user_id: userId, unit_id: user.unitId, role: user.role, department_id: departmentId, granted_at: nowIso() })
        .execute();
      await appendAudit(tx, {
        actor: SYSTEM_ACTOR,
        unitId: user.unitId,
        action: 'member.grant',
        entity: 'member',
        entityId: `${user.unitId}:${userId}`,
        after: { roles: [user.role], departmentId },
      });
    }
  });
  if (options.activity !== false) {
    await seedLedgerDemo(kernel, today);
    await runCommand(kernel, async (tx) => {
      for (const unitId of ['a', 'b']) await markHistoryRead(tx, unitId, DEMO_UNREAD_NOTICES);
    });
  }
  // The months before last are closed, as a finance office keeps them; last month stays open for late entries.
  await runCommand(kernel, async (tx) => {
    for (const unitId of ['a', 'b']) {
      for (let month = 1; month <= today.getUTCMonth() - 1; month++) {
        await closeMonthAs(tx, SYSTEM_ACTOR, unitId, { year, month });
      }
    }
  });
}
