import { ALL_USERS, type Expectation } from './common.js';

/**
 * Classifications (core/ledger/classifications): the national standard code sets are read by
 * everyone signed in; only a system administrator (classification.manage) imports. The allowed
 * import call carries an empty body, refused as invalid (400), so the matrix writes nothing.
 */
export const MATRIX: Record<string, Expectation> = {
  'GET /api/classifications': { allowed: ALL_USERS },
  'GET /api/classifications/years': { allowed: ALL_USERS },
  'POST /api/classifications/import': { allowed: ['sysadmin'], body: {} },
};
