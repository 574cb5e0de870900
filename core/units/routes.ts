import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { auditActorOf } from '../accounts/service.js';
import {
  AddMemberBody, CreateDepartmentBody, CreateUnitBody, DepartmentView, MemberParams, MemberView, UnitDetail, UnitParams,
  UnitView,
} from './schema.js';
import { createDepartment, createUnit, getUnitDetail, listDepartments, listReadableUnits } from './service.js';
import { addMember, listMembers, updateMember } from './members.js';
import { UpdateMemberBody } from './schema.js';

export const unitRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/units',
    tag: 'units',
    summary: '单位列表 Units the caller can see: their own and every unit below them',
    access: { kind: 'self' },
    response: z.array(UnitView),
    handler: async ({ kernel, actor }) => listReadableUnits(kernel.db, actor!),
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
    handler: async ({ kernel, actor, body }) =>
      kernel.db.transaction().execute((tx) => createUnit(tx, auditActorOf(actor!), body)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId',
    tag: 'units',
    summary: '单位详情 A unit with its departments (科室) and direct subordinates',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    response: UnitDetail,
    handler: async ({ kernel, scope }) => getUnitDetail(kernel.db, scope!),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/departments',
    tag: 'units',
    summary: '科室列表 Departments of a unit',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    response: z.array(DepartmentView),
    handler: async ({ kernel, scope }) => listDepartments(kernel.db, scope!),
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
    handler: async ({ kernel, actor, scope, body }) =>
      kernel.db.transaction().execute((tx) => createDepartment(tx, auditActorOf(actor!), scope!.unitId, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/members',
    tag: 'units',
    summary: '单位成员 People holding roles in the unit',
    access: { kind: 'unit', permission: 'member.read' },
    params: UnitParams,
    response: z.array(MemberView),
    handler: async ({ kernel, scope }) => listMembers(kernel.db, scope!.unitId),
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
    handler: async ({ kernel, actor, scope, body }) => addMember(kernel, actor!, scope!, body),
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
    handler: async ({ kernel, actor, scope, params, body }) => updateMember(kernel, actor!, scope!, params.userId, body),
  }),
];
