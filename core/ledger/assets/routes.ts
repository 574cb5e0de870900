import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import { AssetCompleteBody, AssetDetail, AssetListQuery, AssetParams, AssetPatchBody, AssetView, UsefulLifeView, UsefulLivesBody } from './schema.js';
import { completeAsset, getAsset, listAssets, listUsefulLives, saveUsefulLives, updateAsset } from './service.js';

/**
 * 资产卡片 and 折旧年限. Reading needs report.read (finance, department heads, leaders, auditors, and
 * supervising units through their read grants); editing a card, 转固 and the useful lives need
 * period.manage at the unit itself (the finance officer, who closes the months that depreciate).
 */
export const assetRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/assets',
    tag: 'assets',
    summary: '资产卡片 The asset register: capitalised payments with value, accumulated depreciation and net value (fen)',
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    query: AssetListQuery,
    response: z.array(AssetView),
    handler: async ({ kernel, scope, query }) => listAssets(kernel.db, scope, query),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/assets/:id',
    tag: 'assets',
    summary: '资产卡片详情 One card with its depreciation schedule and posted entries',
    access: { kind: 'unit', permission: 'report.read' },
    params: AssetParams,
    response: AssetDetail,
    handler: async ({ kernel, scope, params }) => getAsset(kernel.db, scope, params.id),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/units/:unitId/assets/:id',
    tag: 'assets',
    summary: '修改资产卡片 Name any time; class, useful life and department before depreciation starts',
    access: { kind: 'unit', permission: 'period.manage' },
    params: AssetParams,
    body: AssetPatchBody,
    response: AssetDetail,
    command: async ({ tx, actor, scope, params, body }) => updateAsset(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/assets/:id/complete',
    tag: 'assets',
    summary: '在建工程转固 Complete construction in progress into a fixed asset (Dr 1601 / Cr 1613)',
    access: { kind: 'unit', permission: 'period.manage' },
    params: AssetParams,
    body: AssetCompleteBody,
    response: AssetDetail,
    command: async ({ tx, actor, scope, params, body }) => completeAsset(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/asset-useful-lives',
    tag: 'assets',
    summary: '折旧年限 Useful lives by asset class: the floor of 政府固定资产折旧年限表 and the unit’s own (months)',
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    response: z.array(UsefulLifeView),
    handler: async ({ kernel, scope }) => listUsefulLives(kernel.db, scope.unitId),
  }),
  defineRoute({
    method: 'put',
    path: '/api/units/:unitId/asset-useful-lives',
    tag: 'assets',
    summary: '修改折旧年限 Lengthen (never below the floor) the useful lives of classes for cards written from now on',
    access: { kind: 'unit', permission: 'period.manage' },
    params: UnitParams,
    body: UsefulLivesBody,
    response: z.array(UsefulLifeView),
    command: async ({ tx, actor, scope, body }) => saveUsefulLives(tx, actor, scope, body),
  }),
];
