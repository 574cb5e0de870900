import type { UnitContext } from '../src/lib/context.js';
import type { Indicator } from '../src/lib/types.js';

export const ctx = (over: Partial<UnitContext> = {}): UnitContext => ({
  me: { id: 6, username: 'a.staff', displayName: '孙浩', disabled: false, memberships: [{ unitId: 'a', unitName: '示范县教育局机关', role: 'business_staff', departmentId: 3 }], systemAdmin: false },
  unitId: 'a',
  unitName: '示范县教育局机关',
  roles: ['business_staff'],
  departmentId: 3,
  readOnly: false,
  departments: [{ id: 3, unitId: 'a', code: '03', name: '基础教育科' }, { id: 1, unitId: 'a', code: '01', name: '办公室' }],
  ...over,
});

export const indicator = (over: Partial<Indicator>): Indicator => ({
  id: 1, unitId: 'a', year: 2026, code: 'ZB2026-0001', name: '2026年度基本支出预算 · 办公费', departmentId: 3, projectId: null,
  expenditureKind: 'operating', functionalCode: '2050101', economicCode: '30201', fundSourceCode: '11',
  issued: 1000000, adjusted: 0, amount: 1000000, frozen: 0, paid: 400000, reserved: 0, available: 600000,
  isFlexibleReserve: false, sourceLineId: 1, carriedFromId: null, createdAt: '2026-01-01T00:00:00Z', ...over,
});
