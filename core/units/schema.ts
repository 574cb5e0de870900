import { z } from 'zod';
import { Password, Username } from '../accounts/schema.js';
import { ROLES } from '../permissions/roles.js';
// The answers the web app reads are shared contracts of the SDK.
import { DepartmentFunction, DepartmentView } from '@unibudget/sdk/contracts/kernel';
export { DepartmentView, MemberView } from '@unibudget/sdk/contracts/kernel';

export const UnitId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, '单位标识只能包含小写字母、数字、下划线和连字符（最长 32 位）');
export const UNIT_LEVELS = ['finance_bureau', 'supervising', 'grassroots'] as const;
export const UNIT_KINDS = ['administrative', 'institution'] as const;

export const UnitParams = z.object({ unitId: UnitId });

export const CreateUnitBody = z.object({
  id: UnitId,
  parentId: UnitId.nullable(),
  code: z.string().trim().regex(/^[0-9A-Za-z]{1,32}$/, '单位编码只能包含字母和数字'),
  name: z.string().trim().min(2).max(100),
  level: z.enum(UNIT_LEVELS).describe('finance_bureau 财政部门 · supervising 主管部门 · grassroots 基层单位'),
  kind: z.enum(UNIT_KINDS).describe('administrative 行政单位 · institution 事业单位'),
});

export const UnitView = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  path: z.string(),
  code: z.string(),
  name: z.string(),
  level: z.enum(UNIT_LEVELS),
  kind: z.enum(UNIT_KINDS),
  createdAt: z.string(),
});
export type UnitView = z.infer<typeof UnitView>;


export const UnitDetail = UnitView.extend({
  departments: z.array(DepartmentView),
  children: z.array(UnitView),
});

export const CreateDepartmentBody = z.object({
  code: z.string().trim().regex(/^[0-9A-Za-z]{1,16}$/),
  name: z.string().trim().min(1).max(60),
  function: DepartmentFunction.optional().describe('business 业务部门 (default) · management 管理部门 (an institution books its spending to 5101)'),
});

export const DepartmentParams = z.object({ unitId: UnitId, departmentId: z.coerce.number().int().positive() });
export const UpdateDepartmentBody = z
  .object({
    name: z.string().trim().min(1).max(60).optional(),
    function: DepartmentFunction.optional().describe('business 业务部门 · management 管理部门'),
  })
  .refine((b) => Object.keys(b).length > 0, '至少修改一项');

const Roles = z.array(z.enum(ROLES)).min(1).max(ROLES.length).refine((r) => new Set(r).size === r.length, '角色不能重复');

export const AddMemberBody = z.object({
  username: Username,
  /** Needed only when the user does not exist yet; then both are required. */
  displayName: z.string().trim().min(1).max(60).optional(),
  password: Password.optional(),
  roles: Roles,
  departmentId: z.number().int().positive().nullable().optional(),
});

export const UpdateMemberBody = z
  .object({
    roles: z.array(z.enum(ROLES)).max(ROLES.length).optional(),
    departmentId: z.number().int().positive().nullable().optional(),
    disabled: z.boolean().optional(),
    password: Password.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, '至少修改一项');

export const MemberParams = z.object({ unitId: UnitId, userId: z.coerce.number().int().positive() });
