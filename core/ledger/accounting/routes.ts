import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../../http/route.js';
import type { UnitScope } from '../../permissions/service.js';
import type { Kernel } from '../../kernel.js';
import { UnitParams } from '../../units/schema.js';
import { PeriodParams, PeriodView, ReopenBody } from '../../periods/schema.js';
import { departmentBound } from '../scope.js';
import { CHART } from './chart.js';
import { reportResponse } from './export.js';
import { localizeYearEnd } from './report-lang.js';
import { executionReport, type Report } from './reports.js';
import { disclosureReport } from './disclosure.js';
import { finalAccountsReport } from './final-accounts.js';
import { checkDisclosure, type CheckResult } from './disclosure-checks.js';
import { checkFinalAccountsExplained, deleteExplanation, listExplanations, saveExplanation } from './explanations.js';
import { AppError } from './errors.js';
import { requestLang, type Lang } from '../../errors.js';
import { ledgerSettings } from '../rules/service.js';
import { businessDate } from '../../clock.js';
import {
  ChartView, ChecksView, DisclosureChecksQuery, DisclosureQuery, ExecutionQuery, ExplanationBody, ExplanationDeleteQuery, ExplanationsQuery, ExplanationView,
  FinalAccountsChecksQuery, FinalAccountsQuery, JournalEntry, JournalQuery,
  ReportView, TrialBalanceQuery, TrialBalanceView, YearEndBody, YearEndQuery, YearEndView,
} from './schema.js';
import { listJournal, trialBalance, unitsCovered } from './service.js';
import { runYearEnd, yearEndPreview } from './year-end.js';
import { closeChecklist, closeMonth, reopenMonth } from './month-close.js';
import { CloseChecklistView } from '@unibudget/sdk/contracts/ledger';

/**
 * 会计核算, reports and year end. Reading needs report.read (finance, department heads, leaders,
 * auditors; supervising units and the finance bureau through their read grants, which is how they
 * ask for the consolidated report of their subordinates with `consolidated=true`). Running the year
 * end needs period.manage at the unit itself (finance officers). A department head (bound to a
 * department) sees the execution report of that department only; the journal, trial balance,
 * disclosure and final accounts are statements of the whole unit.
 */
async function covered(kernel: Kernel, scope: UnitScope, consolidated: boolean) {
  const units = await unitsCovered(kernel.db, scope, consolidated);
  const self = units.find((u) => u.id === scope.unitId);
  return { unitId: scope.unitId, unitName: self?.name ?? scope.unitId, consolidated, units: units.map((u) => ({ id: u.id, name: u.name })) };
}

const REPORT_NOTE = 'JSON money in fen; `format=xlsx|csv` downloads the same tables in 元/万元 (standard layout; `table=` one table). `consolidated=true` sums the unit and its subordinates (read-only). Titles, headers and labels in the language of `lang=` or Accept-Language (zh-CN default, en); classification names stay as published.';

/** 决算 deviation: the query's threshold in percent, else 10 %; checked once the year is over (or its year end has run). */
async function finalOptions(kernel: Kernel, unitIds: string[], year: number, thresholdPercent: number | undefined) {
  const ran = unitIds.length
    ? await kernel.db.selectFrom('year_end_runs').select('unit_id').where('unit_id', 'in', unitIds).where('year', '=', year).execute()
    : [];
  const final = Number(businessDate().slice(0, 4)) > year || (unitIds.length > 0 && ran.length === unitIds.length);
  return { final, ...(thresholdPercent === undefined ? {} : { threshold: thresholdPercent / 100 }) };
}

/**
 * A 预算公开 / 决算 download: checked first; a set that fails is refused (409 DISCLOSURE_CHECKS_FAILED with
 * the failures in details) or, when the unit's ledger setting says `mark`, exported with a 校验结果 sheet.
 */
async function checkedDownload(kernel: Kernel, scope: UnitScope, report: Report, checks: CheckResult, format: 'json' | 'xlsx' | 'csv', tableId: string | undefined, lang: Lang) {
  if (tableId !== undefined && !report.tables.some((t) => t.id === tableId)) throw new AppError('REPORT_TABLE_NOT_FOUND', { table: tableId });
  if (format === 'json') return reportResponse(report, format, { lang });
  const failures = tableId === undefined ? checks.failures : checks.failures.filter((f) => f.cells.some((c) => c.table === tableId));
  if (failures.length > 0) {
    if ((await ledgerSettings(kernel.db, scope.unitId)).disclosureFailedChecks === 'refuse') throw new AppError('DISCLOSURE_CHECKS_FAILED', { count: failures.length, failures });
  }
  return reportResponse(report, format, { checks: { ...checks, ok: failures.length === 0, failures }, tableId, lang });
}

/** `?lang=` first (downloads opened by a link), else the request's Accept-Language. */
const reportLang = requestLang;

export const accountingRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/accounts',
    tag: 'accounting',
    summary: '会计科目表 The chart of accounts of 政府会计制度 (财务会计 1–5xxx, 预算会计 6–8xxx)',
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    response: ChartView,
    handler: async () => CHART,
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/journal',
    tag: 'accounting',
    summary: '序时账 Journal entries (平行记账) with their lines and auxiliary dimensions; filter by track, period, account',
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    query: JournalQuery,
    response: z.array(JournalEntry),
    handler: async ({ kernel, scope, query }) => listJournal(kernel.db, scope, query),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/trial-balance',
    tag: 'accounting',
    summary: '试算平衡表 Trial balance of one track for a month (or the year): opening, period debit/credit, closing per account',
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    query: TrialBalanceQuery,
    response: TrialBalanceView,
    handler: async ({ kernel, scope, query }) => {
      const units = await unitsCovered(kernel.db, scope, query.consolidated === 'true');
      const unitIds = units.map((u) => u.id);
      return { ...(await trialBalance(kernel.db, unitIds, query.track, query.year, query.month)), unitIds };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/reports/execution',
    tag: 'reports',
    summary: `预算执行情况表 Execution by indicator, department, economic class and month, rate vs time progress. ${REPORT_NOTE}`,
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    query: ExecutionQuery,
    response: ReportView,
    handler: async ({ kernel, actor, scope, query, lang }) => {
      const consolidated = query.consolidated === 'true';
      const bound = consolidated ? null : departmentBound(actor, scope);
      const report = await executionReport(kernel.db, await covered(kernel, scope, consolidated), query.year, query.month ?? reportMonthFor(query.year), bound);
      return reportResponse(report, query.format, { lang: reportLang(query, lang) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/reports/disclosure',
    tag: 'reports',
    summary: `预算公开表 The standard set: 收支总表, 收入总表, 支出总表, 财政拨款收支总表, 一般公共预算支出表, 一般公共预算基本支出表, “三公”经费支出表, 政府性基金/国有资本经营预算支出表 (万元). A download of a set that fails its checks is refused (409 DISCLOSURE_CHECKS_FAILED) or marked, per the ledger setting disclosureFailedChecks. ${REPORT_NOTE}`,
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    query: DisclosureQuery,
    response: ReportView,
    handler: async ({ kernel, scope, query, lang }) => {
      const report = await disclosureReport(kernel.db, await covered(kernel, scope, query.consolidated === 'true'), query.year, query.basis);
      return checkedDownload(kernel, scope, report, checkDisclosure(report), query.format, query.table, reportLang(query, lang));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/reports/disclosure/checks',
    tag: 'reports',
    summary: '预算公开校验 The checks run before publishing (totals across tables, 类 = Σ款 = Σ项, basic + project = total, 三公 subtotal = its parts): every failure with the cells involved',
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    query: DisclosureChecksQuery,
    response: ChecksView,
    handler: async ({ kernel, scope, query }) =>
      checkDisclosure(await disclosureReport(kernel.db, await covered(kernel, scope, query.consolidated === 'true'), query.year, query.basis)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/reports/final-accounts',
    tag: 'reports',
    summary: `部门决算 The main tables (收入支出决算总表, 收入决算表, 支出决算表, 财政拨款收入支出决算总表, 一般公共预算财政拨款支出决算表, 基本支出决算明细表, “三公”经费支出决算表) from the ledger's actuals; a download is checked first like the disclosure. ${REPORT_NOTE}`,
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    query: FinalAccountsQuery,
    response: ReportView,
    handler: async ({ kernel, scope, query, lang }) => {
      const report = await finalAccountsReport(kernel.db, await covered(kernel, scope, query.consolidated === 'true'), query.year);
      const checks = await checkFinalAccountsExplained(kernel.db, report, await finalOptions(kernel, report.units.map((u) => u.id), query.year, query.threshold));
      return checkedDownload(kernel, scope, report, checks, query.format, query.table, reportLang(query, lang));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/reports/final-accounts/checks',
    tag: 'reports',
    summary: '决算校验 The checks of the final accounts (as the disclosure’s, plus the ledger agreement and, once the year is over, 决算数 vs 预算数 deviations above the threshold, default 10 %, listed for explanation; a line explained through PUT …/final-accounts/explanations is no failure and is listed in `explained` with its text)',
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    query: FinalAccountsChecksQuery,
    response: ChecksView,
    handler: async ({ kernel, scope, query }) => {
      const report = await finalAccountsReport(kernel.db, await covered(kernel, scope, query.consolidated === 'true'), query.year);
      return checkFinalAccountsExplained(kernel.db, report, await finalOptions(kernel, report.units.map((u) => u.id), query.year, query.threshold));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/reports/final-accounts/explanations',
    tag: 'reports',
    summary: '决算差异说明 The unit’s explanations of 决算数 vs 预算数 deviations for a year (one per table and line)',
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    query: ExplanationsQuery,
    response: z.array(ExplanationView),
    handler: async ({ kernel, scope, query }) => listExplanations(kernel.db, scope.unitId, query.year),
  }),
  defineRoute({
    method: 'put',
    path: '/api/units/:unitId/reports/final-accounts/explanations',
    tag: 'reports',
    summary: '填写决算差异说明 Explain (or re-explain) a 决算 line deviating from its budget: a 项 line of 一般公共预算财政拨款支出决算表 (by functional code) or a 三公 item; 4–500 characters (422 EXPLANATION_INVALID), 404 for a line not in that year’s set; audited. The deviation check then lists it as explained',
    access: { kind: 'unit', permission: 'period.manage' },
    params: UnitParams,
    body: ExplanationBody,
    response: ExplanationView,
    command: async ({ tx, actor, scope, body }) => saveExplanation(tx, actor, scope, body),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/units/:unitId/reports/final-accounts/explanations',
    tag: 'reports',
    summary: '删除决算差异说明 Withdraw the explanation of one line (?year=&table=&line=); audited',
    access: { kind: 'unit', permission: 'period.manage' },
    params: UnitParams,
    query: ExplanationDeleteQuery,
    response: z.object({ deleted: z.literal(true) }),
    command: async ({ tx, actor, scope, query }) => deleteExplanation(tx, actor, scope, query),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/year-end',
    tag: 'accounting',
    summary: '年终结转预览 Per indicator: unspent balance and whether it is carried forward (结转) or closed as surplus (结余)',
    access: { kind: 'unit', permission: 'report.read' },
    params: UnitParams,
    query: YearEndQuery,
    response: YearEndView,
    handler: async ({ kernel, scope, query, lang }) => localizeYearEnd(await yearEndPreview(kernel.db, scope.unitId, query.year), lang),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/year-end',
    tag: 'accounting',
    summary: '年终结转 Run the year end: carry-overs into next year’s indicators, closing entries, one audited batch (once per year)',
    access: { kind: 'unit', permission: 'period.manage' },
    params: UnitParams,
    body: YearEndBody,
    response: YearEndView,
    command: async ({ tx, actor, scope, body }) => runYearEnd(tx, actor, scope, body.year),
  }),
  // 结账 and 反结账 under the periods tag and paths: the ledger's month close (month-close.ts).
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/periods/:year/:month/checklist',
    tag: 'periods',
    summary: '结账检查 Before closing a month: documents dated in it still open (pending or approved-unpaid payments, pending transfers and adjustments) and whether both tracks balance',
    access: { kind: 'unit', permission: 'period.read' },
    params: PeriodParams,
    response: CloseChecklistView,
    handler: async ({ kernel, scope, params }) => closeChecklist(kernel.db, scope.unitId, params),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/periods/:year/:month/close',
    tag: 'periods',
    summary: '结账 Close a monthly period (in order); nothing dated in it can be written afterwards',
    access: { kind: 'unit', permission: 'period.manage' },
    params: PeriodParams,
    response: PeriodView,
    command: async ({ tx, actor, scope, params }) => closeMonth(tx, actor, scope, params),
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
    command: async ({ tx, actor, scope, params, body }) => reopenMonth(tx, actor, scope, { year: params.year, month: params.month, reason: body.reason }),
  }),
];

/** A report of the running year stands at the current month; a past (or future) year is seen whole. */
function reportMonthFor(year: number, today = new Date()): number {
  return year === today.getUTCFullYear() ? today.getUTCMonth() + 1 : 12;
}
