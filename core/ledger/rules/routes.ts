import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { auditActorOf } from '../../accounts/service.js';
import { UnitParams } from '../../units/schema.js';
import type { RuleCode, RuleMode } from './catalog.js';
import { CapsBody, CapsQuery, CapView, LedgerSettingsBody, RuleModeBody, RuleParams, RuleSettingView, StandardView } from './schema.js';
import { ledgerSettings, listCaps, listRuleSettings, listStandards, saveCaps, saveLedgerSettings, setRuleMode } from './service.js';

export const ruleRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/control-rules',
    tag: 'rules',
    summary: '控制规则 Every control rule with its mode in this unit (hard rules always block)',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    response: z.array(RuleSettingView),
    handler: async ({ kernel, scope }) => listRuleSettings(kernel.db, scope!.unitId),
  }),
  defineRoute({
    method: 'put',
    path: '/api/units/:unitId/control-rules/:code',
    tag: 'rules',
    summary: '设置规则模式 Set a configurable rule to block, warn or ignore; applies to the next check',
    access: { kind: 'unit', permission: 'rule.manage' },
    params: RuleParams,
    body: RuleModeBody,
    response: RuleSettingView,
    handler: async ({ kernel, actor, scope, params, body }) =>
      kernel.db.transaction().execute((tx) => setRuleMode(tx, auditActorOf(actor!), scope!.unitId, params.code as RuleCode, body.mode as RuleMode)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/three-public-caps',
    tag: 'rules',
    summary: '三公经费控制数 Annual caps with what is used (frozen + paid)',
    access: { kind: 'unit', permission: 'indicator.read' },
    params: UnitParams,
    query: CapsQuery,
    response: z.array(CapView),
    handler: async ({ kernel, scope, query }) => listCaps(kernel.db, scope!.unitId, query.year),
  }),
  defineRoute({
    method: 'put',
    path: '/api/units/:unitId/three-public-caps',
    tag: 'rules',
    summary: '设置三公经费控制数 Set annual caps per 三公 economic class',
    access: { kind: 'unit', permission: 'indicator.issue' },
    params: UnitParams,
    body: CapsBody,
    response: z.array(CapView),
    handler: async ({ kernel, actor, scope, body }) =>
      kernel.db.transaction().execute((tx) => saveCaps(tx, auditActorOf(actor!), scope!.unitId, body.year, body.caps)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/ledger-settings',
    tag: 'rules',
    summary: '账务设置 Flexible-quota threshold and the expenditure-kind → economic-class mapping',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    response: LedgerSettingsBody,
    handler: async ({ kernel, scope }) => ledgerSettings(kernel.db, scope!.unitId),
  }),
  defineRoute({
    method: 'put',
    path: '/api/units/:unitId/ledger-settings',
    tag: 'rules',
    summary: '修改账务设置 Change the flexible-quota threshold and the class mapping',
    access: { kind: 'unit', permission: 'rule.manage' },
    params: UnitParams,
    body: LedgerSettingsBody,
    response: LedgerSettingsBody,
    handler: async ({ kernel, actor, scope, body }) =>
      kernel.db.transaction().execute((tx) => saveLedgerSettings(tx, auditActorOf(actor!), scope!.unitId, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/expenditure-standards',
    tag: 'rules',
    summary: '支出标准 Expenditure standards of a year (per-item caps)',
    access: { kind: 'self' },
    query: CapsQuery,
    response: z.array(StandardView),
    handler: async ({ kernel, query }) => listStandards(kernel.db, query.year),
  }),
];
