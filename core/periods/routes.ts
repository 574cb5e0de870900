import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { auditActorOf } from '../accounts/service.js';
import { UnitParams } from '../units/schema.js';
import { CreateFiscalYearBody, FiscalYearParams, FiscalYearView, PeriodParams, PeriodView, ReopenBody } from './schema.js';
import { closePeriod, createFiscalYear, listFiscalYears, reopenPeriod, rolloverFiscalYear } from './service.js';

export const periodRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/fiscal-years',
    tag: 'periods',
    summary: '预算年度 Fiscal years of a unit with their twelve monthly periods',
    access: { kind: 'unit', permission: 'period.read' },
    params: UnitParams,
    response: z.array(FiscalYearView),
    handler: async ({ kernel, scope }) => listFiscalYears(kernel.db, scope!.unitId),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/fiscal-years',
    tag: 'periods',
    summary: '建立预算年度 Create a fiscal year (twelve open periods)',
    access: { kind: 'unit', permission: 'period.manage' },
    params: UnitParams,
    body: CreateFiscalYearBody,
    response: FiscalYearView,
    status: 201,
    handler: async ({ kernel, actor, scope, body }) =>
      kernel.db.transaction().execute((tx) => createFiscalYear(tx, auditActorOf(actor!), scope!.unitId, body.year)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/fiscal-years/:year/rollover',
    tag: 'periods',
    summary: '年度结转建账 Year-end rollover: open the next fiscal year',
    access: { kind: 'unit', permission: 'period.manage' },
    params: FiscalYearParams,
    response: FiscalYearView,
    status: 201,
    handler: async ({ kernel, actor, scope, params }) =>
      kernel.db.transaction().execute((tx) => rolloverFiscalYear(tx, auditActorOf(actor!), scope!.unitId, params.year)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/periods/:year/:month/close',
    tag: 'periods',
    summary: '结账 Close a monthly period (in order); nothing dated in it can be written afterwards',
    access: { kind: 'unit', permission: 'period.manage' },
    params: PeriodParams,
    response: PeriodView,
    handler: async ({ kernel, actor, scope, params }) =>
      kernel.db.transaction().execute((tx) => closePeriod(tx, auditActorOf(actor!), scope!.unitId, params.year, params.month)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/periods/:year/:month/reopen',
    tag: 'periods',
    summary: '反结账 Reopen the latest closed period, with a reason (audited)',
    access: { kind: 'unit', permission: 'period.reopen' },
    params: PeriodParams,
    body: ReopenBody,
    response: PeriodView,
    handler: async ({ kernel, actor, scope, params, body }) =>
      kernel.db
        .transaction()
        .execute((tx) => reopenPeriod(tx, auditActorOf(actor!), scope!.unitId, params.year, params.month, body.reason)),
  }),
];
