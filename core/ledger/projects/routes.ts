import { z } from 'zod';
import type { RouteSpec } from '../../http/route.js';
import { defineRoute } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import {
  AttachTargetBody, CreateProjectBody, ProjectDetail, ProjectListQuery, ProjectParams, ProjectStatusBody, ProjectView,
  TargetView, UpdateProjectBody,
} from './schema.js';
import {
  attachTarget, changeProjectStatus, createProject, listProjects, listTargets, projectDetail, updateProject,
} from './service.js';

export const projectRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/projects',
    tag: 'projects',
    summary: '项目库 Projects of a unit (filter by status, department, or a year inside the span)',
    access: { kind: 'unit', permission: 'project.read' },
    params: UnitParams,
    query: ProjectListQuery,
    response: z.array(ProjectView),
    handler: async ({ kernel, scope, query }) => listProjects(kernel.db, scope.unitId, query),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/projects',
    tag: 'projects',
    summary: '项目入库 Create a project in reserve, with its yearly plan (the plan must add up to the total)',
    access: { kind: 'unit', permission: 'project.manage' },
    params: UnitParams,
    body: CreateProjectBody,
    response: ProjectDetail,
    status: 201,
    command: async ({ tx, actor, scope, body }) => createProject(tx, actor, scope, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/projects/:id',
    tag: 'projects',
    summary: '项目详情 A project with its yearly plan, performance targets and status trail',
    access: { kind: 'unit', permission: 'project.read' },
    params: ProjectParams,
    response: ProjectDetail,
    handler: async ({ kernel, scope, params }) => projectDetail(kernel.db, scope.unitId, params.id),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/units/:unitId/projects/:id',
    tag: 'projects',
    summary: '修改项目 Edit a project while it is in reserve',
    access: { kind: 'unit', permission: 'project.manage' },
    params: ProjectParams,
    body: UpdateProjectBody,
    response: ProjectDetail,
    command: async ({ tx, actor, scope, params, body }) => updateProject(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/projects/:id/status',
    tag: 'projects',
    summary: '项目状态 Move a project along reserve → approved → executing → closed (closed from any open state)',
    access: { kind: 'unit', permission: 'project.manage' },
    params: ProjectParams,
    body: ProjectStatusBody,
    response: ProjectDetail,
    command: async ({ tx, actor, scope, params, body }) => changeProjectStatus(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/projects/:id/targets',
    tag: 'projects',
    summary: '绩效目标 Performance targets linked to a project',
    access: { kind: 'unit', permission: 'project.read' },
    params: ProjectParams,
    response: z.array(TargetView),
    handler: async ({ kernel, scope, params }) => listTargets(kernel.db, scope.unitId, params.id),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/projects/:id/targets',
    tag: 'projects',
    summary: '关联绩效目标 Link a performance target (from a plugin or entered by hand) to a project',
    access: { kind: 'unit', permission: 'project.manage' },
    params: ProjectParams,
    body: AttachTargetBody,
    response: TargetView,
    status: 201,
    command: async ({ tx, actor, scope, params, body }) => attachTarget(tx, actor, scope, params.id, body),
  }),
];
