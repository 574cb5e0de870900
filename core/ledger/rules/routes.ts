import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import { CapsBody, CapsQuery, CapView, LedgerSettingsBody, RuleModeBody, RuleParams, RuleSettingView, StandardView } from './schema.js';
import { ledgerSettings, listCaps, listRuleSettings, listStandards, saveCaps, saveLedgerSettings, setRuleMode } from './service.js';
import { TrialRequest, TrialResult } from '@unibudget/sdk/contracts/standards';
import { trialRun } from './trial.js';
import { standardRoutes } from '../standards/routes.js';

export const ruleRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/control-rules/trial',
    tag: 'rules',
    summary: '规则试运行 Judge the payments of a past window again under proposed rule modes and/or a proposed standard set; writes nothing',
    access: { kind: 'unit', permission: 'rule.trial' },
    params: UnitParams,
    body: TrialRequest,
    response: TrialResult,
    // A read, though posted (its body is a rule set): no transaction, nothing written, not a command.
    handler: async ({ kernel, scope, body }) => trialRun(kernel.db, scope.unitId, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/control-rules',
    tag: 'rules',
    summary: '控制规则 Every control rule with its mode in this unit (hard rules always block)',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    response: z.array(RuleSettingView),
    handler: async ({ kernel, scope, lang }) => listRuleSettings(kernel.db, scope.unitId, lang),
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
    command: async ({ tx, actor, scope, params, body, lang }) => setRuleMode(tx, actor, scope, params.code, body.mode, lang),
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
    handler: async ({ kernel, scope, query }) => listCaps(kernel.db, scope.unitId, query.year),
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
    command: async ({ tx, actor, scope, body }) => saveCaps(tx, actor, scope, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/ledger-settings',
    tag: 'rules',
    summary: '账务设置 Flexible-quota threshold and the expenditure-kind → economic-class mapping',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    response: LedgerSettingsBody,
    handler: async ({ kernel, scope }) => ledgerSettings(kernel.db, scope.unitId),
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
    command: async ({ tx, actor, scope, body }) => saveLedgerSettings(tx, actor, scope, body),
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
  ...standardRoutes,
];
