import { DEMO_USERS } from '../../core/demo/seed.js';

/** Expected access of one route, tried against unit `a` by every demo user. */
export interface Expectation {
  /** Demo users allowed; `public` means anyone, signed in or not. */
  allowed: string[] | 'public';
  /** Concrete request: parameters chosen so an allowed call fails later (404/400) and writes nothing. */
  path?: string;
  body?: unknown;
}

export const a = (...roles: string[]) => roles.map((r) => `a.${r}`);
/** Users who reach unit `a` only through a supervising grant: read, never write. */
export const SUPERVISING = ['bureau.finance', 'dept.leader'];
export const ALL_USERS = DEMO_USERS.map((u) => u.username);
export const ALL_A = a('admin', 'finance', 'staff', 'head', 'leader', 'auditor', 'dev');
/** Everyone who may read unit `a` at all. */
export const UNIT_READERS = ['sysadmin', ...SUPERVISING, ...ALL_A];
