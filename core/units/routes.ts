import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { hashPassword } from '../accounts/password.js';
import { runCommand } from '../db/command.js';
import {
  AddMemberBody, CreateDepartmentBody, CreateUnitBody, DepartmentParams, DepartmentView, MemberParams, MemberView, UnitDetail, UnitParams,
  UnitView, UpdateDepartmentBody, UpdateMemberBody,
} from './schema.js';
import { createDepartment, createUnit, getUnitDetail, listDepartments, listReadableUnits, updateDepartment } from './service.js';
import { addMember, listMembers, updateMember } from './members.js';

export const unitRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/units',
    tag: 'units',
    summary: '单位列表 Units the caller can see: their own and every unit below them',
    access: { kind: 'self' },
    response: z.array(UnitView),
    handler: async ({ kernel, actor }) => listReadableUnits(kernel.db, actor),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units',
    tag: 'units',
    summary: '新建单位 Create a unit in the tree (finance bureau → supervising → grassroots)',
    access: { kind: 'system', permission: 'unit.manage' },
    body: CreateUnitBody,
    response: UnitView,
    status: 201,
    command: async ({ tx, actor, body }) => createUnit(tx, actor, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId',
    tag: 'units',
    summary: '单位详情 A unit with its departments (科室) and direct subordinates',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    response: UnitDetail,
    handler: async ({ kernel, scope }) => getUnitDetail(kernel.db, scope),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/departments',
    tag: 'units',
    summary: '科室列表 Departments of a unit',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    response: z.array(DepartmentView),
    handler: async ({ kernel, scope }) => listDepartments(kernel.db, scope),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/departments',
    tag: 'units',
    summary: '新建科室 Add a department to a unit',
    access: { kind: 'unit', permission: 'unit.manage' },
    params: UnitParams,
    body: CreateDepartmentBody,
    response: DepartmentView,
    status: 201,
    command: async ({ tx, actor, scope, body }) => createDepartment(tx, actor, scope, body),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/units/:unitId/departments/:departmentId',
    tag: 'units',
    summary: '修改科室 Rename a department or set its function: 业务部门 (5001 业务活动费用) or 管理部门 (5101 单位管理费用)',
    access: { kind: 'unit', permission: 'unit.manage' },
    params: DepartmentParams,
    body: UpdateDepartmentBody,
    response: DepartmentView,
    command: async ({ tx, actor, scope, params, body }) => updateDepartment(tx, actor, scope, params.departmentId, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/members',
    tag: 'units',
    summary: '单位成员 People holding roles in the unit',
    access: { kind: 'unit', permission: 'member.read' },
    params: UnitParams,
    response: z.array(MemberView),
    handler: async ({ kernel, scope }) => listMembers(kernel.db, scope.unitId),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/members',
    tag: 'units',
    summary: '添加成员 Grant roles to a person (creates the account when the username is new)',
    access: { kind: 'unit', permission: 'member.manage' },
    params: UnitParams,
    body: AddMemberBody,
    response: MemberView,
    status: 201,
    // Not a `command:` route: a new account's password is hashed (scrypt, ~0.1 s) before the
    // command's transaction opens, so the hash never holds the database (SQLite has one connection).
    handler: async ({ kernel, actor, scope, body: { password, ...body } }) => {
      const passwordHash = password ? await hashPassword(password, kernel.config.kdf) : null;
      return runCommand(kernel, (tx) => addMember(tx, actor, scope, { ...body, passwordHash }));
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/units/:unitId/members/:userId',
    tag: 'units',
    summary: '修改成员 Replace roles, move department, disable or reset the password (an empty role list removes the member)',
    access: { kind: 'unit', permission: 'member.manage' },
    params: MemberParams,
    body: UpdateMemberBody,
    response: MemberView.nullable(),
    // Not a `command:` route, for the same reason: a password reset is hashed before the transaction.
    handler: async ({ kernel, actor, scope, params, body: { password, ...body } }) => {
      const passwordHash = password ? await hashPassword(password, kernel.config.kdf) : null;
      return runCommand(kernel, (tx) => updateMember(tx, actor, scope, params.userId, { ...body, passwordHash }));
    },
  }),
];
