import { a, SUPERVISING, type Expectation } from './common.js';

/** 会计核算, reports and year end (core/ledger/accounting): report.read to read, period.manage to run the year end. */
const REPORT_READERS = [...SUPERVISING, ...a('finance', 'head', 'leader', 'auditor')];

export const MATRIX: Record<string, Expectation> = {
  'GET /api/units/:unitId/accounts': { allowed: REPORT_READERS },
  'GET /api/units/:unitId/journal': { allowed: REPORT_READERS, path: '/api/units/a/journal?track=budgetary&year=2026' },
  'GET /api/units/:unitId/trial-balance': { allowed: REPORT_READERS, path: '/api/units/a/trial-balance?track=financial&year=2026&month=6' },
  'GET /api/units/:unitId/reports/execution': { allowed: REPORT_READERS, path: '/api/units/a/reports/execution?year=2026&month=6' },
  'GET /api/units/:unitId/reports/disclosure': { allowed: REPORT_READERS, path: '/api/units/a/reports/disclosure?year=2026' },
  'GET /api/units/:unitId/reports/final-accounts': { allowed: REPORT_READERS, path: '/api/units/a/reports/final-accounts?year=2026' },
  'GET /api/units/:unitId/reports/disclosure/checks': { allowed: REPORT_READERS, path: '/api/units/a/reports/disclosure/checks?year=2026' },
  'GET /api/units/:unitId/reports/final-accounts/checks': { allowed: REPORT_READERS, path: '/api/units/a/reports/final-accounts/checks?year=2026' },
  'GET /api/units/:unitId/year-end': { allowed: REPORT_READERS, path: '/api/units/a/year-end?year=2026' },
  'GET /api/units/:unitId/time-progress': { allowed: REPORT_READERS, path: '/api/units/a/time-progress?year=2026&date=2026-06-30' },
  // Allowed callers send an empty body: refused by validation (400), nothing written.
  'POST /api/units/:unitId/year-end': { allowed: a('finance'), body: {} },
  'GET /api/units/:unitId/reports/final-accounts/explanations': { allowed: REPORT_READERS, path: '/api/units/a/reports/final-accounts/explanations?year=2026' },
  // 差异说明: the finance officer of the unit itself (period.manage); an empty body is refused (400), an unknown line is 404.
  'PUT /api/units/:unitId/reports/final-accounts/explanations': { allowed: a('finance'), body: {} },
  'DELETE /api/units/:unitId/reports/final-accounts/explanations': { allowed: a('finance'), path: '/api/units/a/reports/final-accounts/explanations?year=2026&table=three_public&line=abroad' },
};
