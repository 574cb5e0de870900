import type { UnitContext } from '../src/lib/context.js';
import type { Indicator, Payment, UnitPlugin } from '../src/lib/types.js';
import type { TimeProgressView } from '@unibudget/sdk/contracts/progress';

export const ctx = (over: Partial<UnitContext> = {}): UnitContext => ({
  me: { id: 6, username: 'a.staff', displayName: '孙浩', disabled: false, memberships: [{ unitId: 'a', unitName: '示范县教育局机关', role: 'business_staff', departmentId: 3 }], systemAdmin: false },
  unitId: 'a',
  unitName: '示范县教育局机关',
  roles: ['business_staff'],
  departmentId: 3,
  readOnly: false,
  departments: [{ id: 3, unitId: 'a', code: '03', name: '基础教育科', function: 'business' }, { id: 1, unitId: 'a', code: '01', name: '办公室', function: 'management' }],
  ...over,
});

export const indicator = (over: Partial<Indicator>): Indicator => ({
  id: 1, unitId: 'a', year: 2026, code: 'ZB2026-0001', name: '2026年度基本支出预算 · 办公费', departmentId: 3, projectId: null,
  expenditureKind: 'operating', functionalCode: '2050101', economicCode: '30201', fundSourceCode: '11',
  issued: 1000000, adjusted: 0, amount: 1000000, frozen: 0, paid: 400000, reserved: 0, available: 600000,
  isFlexibleReserve: false, sourceLineId: 1, carriedFromId: null, createdAt: '2026-01-01T00:00:00Z', ...over,
});

/** 序时进度 as GET /api/units/:unitId/time-progress answers it (by month; 3 December 2026 unless told). */
export const timeProgressAnswer = (over: Partial<TimeProgressView> = {}): TimeProgressView => ({
  year: 2026, asOf: '2026-12-03', basis: 'month', value: 0.9167, completedMonths: 11,
  byMonth: [0.0833, 0.1667, 0.25, 0.3333, 0.4167, 0.5, 0.5833, 0.6667, 0.75, 0.8333, 0.9167, 1],
  definition: { zh: '序时进度 = 已过完的月份数 ÷ 12（到月末最后一天计为该月已过完）', en: 'Time progress = completed months ÷ 12 (a month counts as completed on its last day)' },
  ...over,
});

/** The analytics plugin as GET /api/units/:unitId/plugins lists it (enabled with every permission unless told). */
export const analyticsPlugin = (over: Partial<UnitPlugin> = {}): UnitPlugin => ({
  pluginId: 'analytics', name: { zh: '高级分析与预警', en: 'Advanced analytics and early warnings' }, description: '', author: 'unibudget',
  versions: [{ version: '0.3.0', compatible: true, incompatibleReason: null, signedBy: 'unibudget-first-party-demo', permissions: ['ledger.read', 'storage', 'routes', 'views'] }],
  latestVersion: '0.3.0', compatible: true, inUseCompatible: true, inUseIncompatibleReason: null, state: 'enabled', quarantined: false, version: '0.3.0',
  requestedPermissions: ['ledger.read', 'storage', 'routes', 'views'], grants: ['ledger.read', 'storage', 'routes', 'views'], settings: {}, failMode: 'open',
  faults: 0, lastFault: null, settingsSchema: [], views: [{ id: 'warnings', title: { zh: '预警中心', en: 'Warning centre' }, placement: 'page' }], routes: [], dependencies: {},
  ...over,
});

/** A warning of the analytics plugin as its `GET warnings` route answers it. */
export const pluginWarning = (over: Record<string, unknown> = {}) => ({
  id: 'w0001', key: 'progress:2026:indicator:1', monitor: 'progress', grade: 'severe', year: 2026, subject: '指标 ZB2026-0001', departmentId: 3, special: true,
  title: '专项资金指标“教师培训”执行进度 20.0% 落后序时进度 91.7%', evidence: {}, suggestions: ['加快项目实施和资金支付进度'],
  status: 'open', active: true, firstSeen: '2026-11-20T00:00:00.000Z', lastSeen: '2026-12-03T00:00:00.000Z', history: [], ...over,
});

/** A pending payment of unit a with its payee, as the approval screens read it. */
export const payment = (over: Partial<Payment>): Payment => ({
  id: 447, docNo: 'ZF2026-0012', unitId: 'a', indicatorId: 4, indicatorCode: 'ZB2026-0004', departmentId: 3, payeeName: '示范县文印中心',
  payeeAccount: '6222020200001234567', payeeBank: '示范县农商银行城关支行', purpose: '教研资料印刷', functionalCode: '2050101', economicCode: '30202',
  fundSourceCode: '11', amount: 320000, date: '2026-11-20', status: 'pending', procurement: false, contractNo: null, standard: null, attachments: [],
  warnings: [], overrideReason: null, createdBy: 6, createdByName: '孙浩', createdAt: '2026-11-20T08:00:00Z', approvedAt: null, paidAt: null, ...over,
});
/** One approval step: 1 is the department head's review, 2 finance's. */
export const step = (seq: number, status: string, over: Record<string, unknown> = {}) => ({
  seq, role: seq === 1 ? 'department_head' : 'finance_officer', label: seq === 1 ? '科室负责人审核' : '财务审核', status,
  decidedBy: null, decidedByName: null, decidedAt: null, comment: null, ...over,
});
