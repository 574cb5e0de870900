import { a, SUPERVISING, type Expectation } from './common.js';

/** 收入登记 (core/ledger/receipts): receipt.read to read (finance, leader, auditor; supervising units read), receipt.record to record and reverse (finance). */
const RECEIPT_READERS = [...SUPERVISING, ...a('finance', 'leader', 'auditor')];

export const MATRIX: Record<string, Expectation> = {
  'GET /api/units/:unitId/receipts': { allowed: RECEIPT_READERS, path: '/api/units/a/receipts?year=2026' },
  'GET /api/units/:unitId/receipts/:id': { allowed: RECEIPT_READERS, path: '/api/units/a/receipts/999999' },
  // Allowed callers send an empty body: refused by validation (400), nothing written.
  'POST /api/units/:unitId/receipts': { allowed: a('finance'), body: {} },
  'POST /api/units/:unitId/receipts/:id/reverse': { allowed: a('finance'), path: '/api/units/a/receipts/999999/reverse', body: {} },
};
