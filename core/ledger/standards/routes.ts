import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { businessDate } from '../../clock.js';
import { UnitParams } from '../../units/schema.js';
import {
  CreateVersionBody, DecisionBody, DiffQuery, ImportVersionBody, InForceQuery, StandardDiff, StandardsInForce, StandardVersionSummary,
  StandardVersionView, VersionParams,
} from './schema.js';
import { createVersion, decideVersion, diffVersions, getVersion, inForceView, listVersions } from './service.js';
import { readStandardsFile, STANDARDS_IMPORT_MAX_BYTES } from './import.js';

/** 支出标准 versions: read by every member of the unit, written and adopted under standard.manage. */
export const standardRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/standards',
    tag: 'standards',
    summary: '支出标准 The standard rows in force for this unit on a date (default today), with the version they come from',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    query: InForceQuery,
    response: StandardsInForce,
    handler: async ({ kernel, scope, query }) => inForceView(kernel.db, scope.unitId, query.date ?? businessDate()),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/standards/versions',
    tag: 'standards',
    summary: '支出标准版本 Every version this unit may follow (its own, its supervising units’, the national set), newest first',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    response: z.array(StandardVersionSummary),
    handler: async ({ kernel, scope }) => listVersions(kernel.db, scope.unitId),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/standards/versions/:versionId',
    tag: 'standards',
    summary: '支出标准版本详情 One version with its rows',
    access: { kind: 'unit', permission: 'unit.read' },
    params: VersionParams,
    response: StandardVersionView,
    handler: async ({ kernel, scope, params }) => getVersion(kernel.db, scope.unitId, params.versionId),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/standards/diff',
    tag: 'standards',
    summary: '标准差异 The parameter changes from one version to another (added, removed, changed with before/after)',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    query: DiffQuery,
    response: StandardDiff,
    handler: async ({ kernel, scope, query }) => diffVersions(kernel.db, scope.unitId, query.from, query.to),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/standards/versions',
    tag: 'standards',
    summary: '新建支出标准版本 Write a new version for this unit (proposed, or adopted at once with adopt: true)',
    access: { kind: 'unit', permission: 'standard.manage' },
    params: UnitParams,
    body: CreateVersionBody,
    response: StandardVersionView,
    status: 201,
    command: async ({ tx, actor, scope, body }) => createVersion(tx, actor, scope, body),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/standards/versions/import',
    tag: 'standards',
    summary: '导入支出标准 A new version from a CSV or xlsx table (base64; header item,tier,name,…,cap in 元)',
    access: { kind: 'unit', permission: 'standard.manage' },
    params: UnitParams,
    body: ImportVersionBody,
    maxBodyBytes: Math.ceil((STANDARDS_IMPORT_MAX_BYTES * 4) / 3) + 64 * 1024,
    response: StandardVersionView,
    status: 201,
    // The file is read before the transaction opens (an xlsx is unpacked): reading never holds the database.
    prepare: async ({ body }) => readStandardsFile(body.file),
    command: async ({ tx, actor, scope, body, prepared }) => createVersion(tx, actor, scope, { ...body, rows: prepared }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/standards/versions/:versionId/adopt',
    tag: 'standards',
    summary: '采纳支出标准版本 Adopt a proposed version: from its effective date the ledger’s standard rule reads it',
    access: { kind: 'unit', permission: 'standard.manage' },
    params: VersionParams,
    body: DecisionBody,
    response: StandardVersionView,
    command: async ({ tx, actor, scope, params, body }) => decideVersion(tx, actor, scope, params.versionId, 'adopted', body.note),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/standards/versions/:versionId/reject',
    tag: 'standards',
    summary: '退回支出标准版本 Reject a proposed version (it stays in the history)',
    access: { kind: 'unit', permission: 'standard.manage' },
    params: VersionParams,
    body: DecisionBody,
    response: StandardVersionView,
    command: async ({ tx, actor, scope, params, body }) => decideVersion(tx, actor, scope, params.versionId, 'rejected', body.note),
  }),
];
