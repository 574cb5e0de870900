import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { UnitParams } from '../units/schema.js';
import { CreateFiscalYearBody, FiscalYearParams, FiscalYearView } from './schema.js';
import { createFiscalYear, listFiscalYears, rolloverFiscalYear } from './service.js';

/**
 * Fiscal years. Closing and reopening a month (结账, 反结账) are the ledger's commands, declared
 * with its routes (core/ledger/accounting/routes.ts): a month closes only when its books balance.
 */
export const periodRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/fiscal-years',
    tag: 'periods',
    summary: '预算年度 Fiscal years of a unit with their twelve monthly periods',
    access: { kind: 'unit', permission: 'period.read' },
    params: UnitParams,
    response: z.array(FiscalYearView),
    handler: async ({ kernel, scope }) => listFiscalYears(kernel.db, scope.unitId),
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
    command: async ({ tx, actor, scope, body }) => createFiscalYear(tx, actor, scope, body),
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
    command: async ({ tx, actor, scope, params }) => rolloverFiscalYear(tx, actor, scope, params.year),
  }),
];
