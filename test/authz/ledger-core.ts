import { a, ALL_USERS, SUPERVISING, UNIT_READERS, type Expectation } from './common.js';

/** Indicators, payments, transfers, adjustments, approval flows and control-rule settings. */
const INDICATOR_READERS = [...SUPERVISING, ...a('finance', 'staff', 'head', 'leader', 'auditor')];
const PAYMENT_CREATORS = a('finance', 'staff', 'head');
const APPROVERS = a('finance', 'head', 'leader');
const APPROVAL_READERS = [...SUPERVISING, ...a('admin', 'finance', 'staff', 'head', 'leader', 'auditor')];
const NONE = 999999;

export const MATRIX: Record<string, Expectation> = {
  'GET /api/units/:unitId/indicators': { allowed: INDICATOR_READERS },
  'GET /api/units/:unitId/indicators/:id': { allowed: INDICATOR_READERS, path: `/api/units/a/indicators/${NONE}` },
  'GET /api/units/:unitId/indicators/:id/balance': { allowed: INDICATOR_READERS, path: `/api/units/a/indicators/${NONE}/balance` },
  'POST /api/units/:unitId/indicators': { allowed: a('finance'), body: {} },

  'GET /api/units/:unitId/payments': { allowed: INDICATOR_READERS },
  'POST /api/units/:unitId/payments/check': { allowed: PAYMENT_CREATORS, body: {} },
  'POST /api/units/:unitId/payments': { allowed: PAYMENT_CREATORS, body: {} },
  'GET /api/units/:unitId/payments/:id': { allowed: INDICATOR_READERS, path: `/api/units/a/payments/${NONE}` },
  'POST /api/units/:unitId/payments/:id/approve': { allowed: APPROVERS, path: `/api/units/a/payments/${NONE}/approve` },
  'POST /api/units/:unitId/payments/:id/reject': { allowed: APPROVERS, path: `/api/units/a/payments/${NONE}/reject` },
  'POST /api/units/:unitId/payments/:id/pay': { allowed: a('finance'), path: `/api/units/a/payments/${NONE}/pay` },
  'POST /api/units/:unitId/payments/:id/withdraw': { allowed: PAYMENT_CREATORS, path: `/api/units/a/payments/${NONE}/withdraw` },

  'GET /api/units/:unitId/transfers': { allowed: INDICATOR_READERS },
  'POST /api/units/:unitId/transfers/check': { allowed: PAYMENT_CREATORS, body: {} },
  'POST /api/units/:unitId/transfers': { allowed: PAYMENT_CREATORS, body: {} },
  'GET /api/units/:unitId/transfers/:id': { allowed: INDICATOR_READERS, path: `/api/units/a/transfers/${NONE}` },
  'POST /api/units/:unitId/transfers/:id/approve': { allowed: APPROVERS, path: `/api/units/a/transfers/${NONE}/approve` },
  'POST /api/units/:unitId/transfers/:id/reject': { allowed: APPROVERS, path: `/api/units/a/transfers/${NONE}/reject` },
  'POST /api/units/:unitId/transfers/:id/withdraw': { allowed: PAYMENT_CREATORS, path: `/api/units/a/transfers/${NONE}/withdraw` },

  'GET /api/units/:unitId/adjustments': { allowed: INDICATOR_READERS },
  'POST /api/units/:unitId/adjustments': { allowed: a('finance'), body: {} },
  'GET /api/units/:unitId/adjustments/:id': { allowed: INDICATOR_READERS, path: `/api/units/a/adjustments/${NONE}` },
  'POST /api/units/:unitId/adjustments/:id/approve': { allowed: APPROVERS, path: `/api/units/a/adjustments/${NONE}/approve` },
  'POST /api/units/:unitId/adjustments/:id/reject': { allowed: APPROVERS, path: `/api/units/a/adjustments/${NONE}/reject` },
  'POST /api/units/:unitId/adjustments/:id/withdraw': { allowed: a('finance'), path: `/api/units/a/adjustments/${NONE}/withdraw` },

  'GET /api/units/:unitId/approval-flows': { allowed: APPROVAL_READERS },
  'PUT /api/units/:unitId/approval-flows/:target': { allowed: a('admin'), path: '/api/units/a/approval-flows/payment', body: {} },
  'GET /api/units/:unitId/approvals/inbox': { allowed: APPROVAL_READERS },

  'GET /api/units/:unitId/control-rules': { allowed: UNIT_READERS },
  'PUT /api/units/:unitId/control-rules/:code': { allowed: a('admin'), path: '/api/units/a/control-rules/CONTRACT_REQUIRED', body: {} },
  'GET /api/units/:unitId/three-public-caps': { allowed: INDICATOR_READERS },
  'PUT /api/units/:unitId/three-public-caps': { allowed: a('finance'), body: {} },
  'GET /api/units/:unitId/ledger-settings': { allowed: UNIT_READERS },
  'PUT /api/units/:unitId/ledger-settings': { allowed: a('admin'), body: {} },
  'GET /api/expenditure-standards': { allowed: ALL_USERS },
  'POST /api/units/:unitId/control-rules/trial': { allowed: a('admin', 'finance', 'leader'), body: {} },
  'GET /api/units/:unitId/standards': { allowed: UNIT_READERS },
  'GET /api/units/:unitId/standards/versions': { allowed: UNIT_READERS },
  'GET /api/units/:unitId/standards/versions/:versionId': { allowed: UNIT_READERS, path: `/api/units/a/standards/versions/${NONE}` },
  'GET /api/units/:unitId/standards/diff': { allowed: UNIT_READERS },
  'POST /api/units/:unitId/standards/versions': { allowed: a('finance'), body: {} },
  'POST /api/units/:unitId/standards/versions/import': { allowed: a('finance'), body: {} },
  'POST /api/units/:unitId/standards/versions/:versionId/adopt': { allowed: a('finance'), path: `/api/units/a/standards/versions/${NONE}/adopt`, body: {} },
  'POST /api/units/:unitId/standards/versions/:versionId/reject': { allowed: a('finance'), path: `/api/units/a/standards/versions/${NONE}/reject`, body: {} },
};
