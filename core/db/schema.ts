import type { Generated } from 'kysely';

/**
 * Table types shared by both dialects. Timestamps are ISO-8601 UTC text and dates are
 * 'YYYY-MM-DD' text in SQLite and PostgreSQL alike, booleans are 0/1 integers and JSON is text:
 * one representation keeps "two dialects, one code" free of per-dialect conversions.
 * Money columns are BIGINT fen (see rule 1 of DESIGN.md).
 */
export interface Database {
  units: UnitsTable;
  departments: DepartmentsTable;
  users: UsersTable;
  role_grants: RoleGrantsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_attempts: LoginAttemptsTable;
  fiscal_years: FiscalYearsTable;
  periods: PeriodsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  outbox: OutboxTable;
}

export interface UnitsTable {
  id: string;
  parent_id: string | null;
  /** Materialized path of ids, '/bureau/dept/a/': ancestors and subtrees without recursion. */
  path: string;
  code: string;
  name: string;
  level: 'finance_bureau' | 'supervising' | 'grassroots';
  kind: 'administrative' | 'institution';
  created_at: string;
}

export interface DepartmentsTable {
  id: Generated<number>;
  unit_id: string;
  code: string;
  name: string;
  created_at: string;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  disabled: number;
  created_at: string;
  password_changed_at: string;
}

export interface RoleGrantsTable {
  id: Generated<number>;
  user_id: number;
  unit_id: string;
  role: string;
  department_id: number | null;
  granted_at: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  address: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  username: string;
  address: string;
  succeeded: number;
  at: string;
}

export interface FiscalYearsTable {
  unit_id: string;
  year: number;
  created_at: string;
}

export interface PeriodsTable {
  unit_id: string;
  year: number;
  month: number;
  status: 'open' | 'closed';
  closed_at: string | null;
  closed_by: number | null;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor_id: number | null;
  actor_name: string;
  unit_id: string | null;
  action: string;
  entity: string;
  entity_id: string;
  before_json: string;
  after_json: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  last_seq: number;
  last_hash: string;
}

export interface OutboxTable {
  id: Generated<number>;
  event_id: string;
  unit_id: string | null;
  type: string;
  payload: string;
  occurred_at: string;
}
