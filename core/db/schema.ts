// Over 400 lines: one interface per table, the whole Kysely `Database` type in one place as the migrations define it.
import type { ColumnType, Generated } from 'kysely';

/** A document number (core/ledger/approvals/doc-numbers.ts): set by the creating command, absent on rows inserted around it. */
export type DocNoColumn = ColumnType<string | null, string | null | undefined, string | null>;

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
  classifications: ClassificationsTable;
  projects: ProjectsTable;
  project_year_plans: ProjectYearPlansTable;
  project_targets: ProjectTargetsTable;
  budget_templates: BudgetTemplatesTable;
  budget_requests: BudgetRequestsTable;
  budget_request_lines: BudgetRequestLinesTable;
  indicators: IndicatorsTable;
  indicator_movements: IndicatorMovementsTable;
  adjustments: AdjustmentsTable;
  transfers: TransfersTable;
  payments: PaymentsTable;
  approval_flows: ApprovalFlowsTable;
  approval_steps: ApprovalStepsTable;
  doc_counters: DocCountersTable;
  rule_settings: RuleSettingsTable;
  three_public_caps: ThreePublicCapsTable;
  ledger_settings: LedgerSettingsTable;
  expenditure_standards: ExpenditureStandardsTable;
  standard_versions: StandardVersionsTable;
  standard_rows: StandardRowsTable;
  comments: CommentsTable;
  journal_entries: JournalEntriesTable;
  journal_lines: JournalLinesTable;
  year_end_runs: YearEndRunsTable;
  receipts: ReceiptsTable;
  deviation_explanations: DeviationExplanationsTable;
  assets: AssetsTable;
  asset_depreciations: AssetDepreciationsTable;
  asset_useful_lives: AssetUsefulLivesTable;
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
  /** 业务部门 'business' or 管理部门 'management' (migration 011): picks 5001 or 5101 for an institution. */
  function: Generated<DepartmentFunction>;
  created_at: string;
}

export type DepartmentFunction = 'business' | 'management';

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
  /** The hash before the last entry's (migrations/024_audit_head_prev.ts); written on PostgreSQL only. */
  prev_hash: Generated<string | null>;
}

export interface OutboxTable {
  id: Generated<number>;
  event_id: string;
  unit_id: string | null;
  type: string;
  payload: string;
  occurred_at: string;
  /** 1 until the delivery fan-out has read the event (plugins/fan-out.ts), then null. */
  fan_pending: number | null;
}

// ------------------------------------------------------------------ ledger

export type ClassificationKind = 'functional' | 'economic' | 'fund_source';
/** 人员经费 / 公用经费 (basic expenditure) or 项目支出. */
export type ExpenditureKind = 'personnel' | 'operating' | 'project';

export interface ClassificationsTable {
  id: Generated<number>;
  kind: ClassificationKind;
  year: number;
  code: string;
  name: string;
  parent_code: string | null;
  level: number;
  /** JSON: e.g. economic classes carry { threePublic: true } for 三公经费 codes. */
  attrs: string;
}

export type ProjectStatus = 'reserve' | 'approved' | 'executing' | 'closed';

export interface ProjectsTable {
  id: Generated<number>;
  unit_id: string;
  code: string;
  name: string;
  department_id: number;
  functional_code: string;
  fund_source_code: string;
  status: ProjectStatus;
  start_year: number;
  end_year: number;
  total_amount: number;
  description: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface ProjectYearPlansTable {
  project_id: number;
  year: number;
  amount: number;
}

export interface ProjectTargetsTable {
  id: Generated<number>;
  project_id: number;
  unit_id: string;
  source: string;
  target_ref: string;
  name: string;
  value: string;
  created_at: string;
}

export interface BudgetTemplatesTable {
  id: Generated<number>;
  unit_id: string;
  kind: ExpenditureKind;
  name: string;
  config: string;
  version: number;
  updated_at: string;
}

export type BudgetRequestStatus = 'draft' | 'submitted' | 'returned' | 'resubmitted' | 'approved';

export interface BudgetRequestsTable {
  id: Generated<number>;
  unit_id: string;
  year: number;
  department_id: number;
  title: string;
  status: BudgetRequestStatus;
  round: number;
  total_amount: number;
  control_amount: number | null;
  created_by: number;
  created_at: string;
  updated_at: string;
  doc_no: DocNoColumn;
  /** JSON Finding[]: the plugins' `budgetRequest.validate` warnings of the last submission (migration 019). */
  warnings: Generated<string>;
}

export interface BudgetRequestLinesTable {
  id: Generated<number>;
  request_id: number;
  unit_id: string;
  line_no: number;
  expenditure_kind: ExpenditureKind;
  project_id: number | null;
  functional_code: string;
  economic_code: string;
  fund_source_code: string;
  headcount: number | null;
  standard_amount: number | null;
  amount: number;
  control_amount: number | null;
  note: string;
}

export interface IndicatorsTable {
  id: Generated<number>;
  unit_id: string;
  year: number;
  code: string;
  name: string;
  department_id: number;
  project_id: number | null;
  expenditure_kind: ExpenditureKind;
  functional_code: string;
  economic_code: string;
  fund_source_code: string;
  issued_amount: number;
  adjusted_amount: Generated<number>;
  frozen_amount: Generated<number>;
  paid_amount: Generated<number>;
  /** 占用: held by submitted payment requests and transfers out, not yet decided (migration 010). */
  reserved_amount: Generated<number>;
  source_line_id: number | null;
  carried_from_id: number | null;
  is_flexible_reserve: Generated<number>;
  created_at: string;
}

export type MovementKind = 'issue' | 'adjust' | 'transfer_in' | 'transfer_out' | 'freeze' | 'release' | 'pay';

export interface IndicatorMovementsTable {
  id: Generated<number>;
  unit_id: string;
  indicator_id: number;
  kind: MovementKind;
  amount: number;
  ref_type: string;
  ref_id: number;
  counterpart_indicator_id: number | null;
  at: string;
  date: string;
  actor_id: number | null;
}

export type DecisionStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export interface AdjustmentsTable {
  id: Generated<number>;
  unit_id: string;
  indicator_id: number;
  amount: number;
  reason: string;
  doc_no: string;
  date: string;
  status: DecisionStatus;
  created_by: number;
  created_at: string;
  decided_at: string | null;
  /** TZ2026-0001 (doc_no is the bureau's 批复文号). */
  serial_no: DocNoColumn;
}

export interface TransfersTable {
  id: Generated<number>;
  unit_id: string;
  from_indicator_id: number;
  to_indicator_id: number;
  amount: number;
  reason: string;
  date: string;
  status: DecisionStatus;
  fast_track: number;
  warnings: string;
  created_by: number;
  created_at: string;
  decided_at: string | null;
  doc_no: DocNoColumn;
}

export type PaymentStatus = 'pending' | 'approved' | 'paid' | 'rejected' | 'withdrawn';

export interface PaymentsTable {
  id: Generated<number>;
  unit_id: string;
  indicator_id: number;
  department_id: number;
  payee_name: string;
  payee_account: string;
  payee_bank: string;
  purpose: string;
  economic_code: string;
  amount: number;
  date: string;
  status: PaymentStatus;
  procurement: number;
  contract_no: string | null;
  standard: string | null;
  attachments: string;
  warnings: string;
  override_reason: string | null;
  created_by: number;
  created_at: string;
  approved_at: string | null;
  paid_at: string | null;
  closed_at: string | null;
  doc_no: DocNoColumn;
}

export type ApprovalTarget = 'payment' | 'transfer' | 'adjustment';

export interface ApprovalFlowsTable {
  id: Generated<number>;
  unit_id: string;
  target: ApprovalTarget;
  name: string;
  tiers: string;
  version: number;
  updated_by: number | null;
  updated_at: string;
}

export interface ApprovalStepsTable {
  id: Generated<number>;
  unit_id: string;
  target: ApprovalTarget;
  target_id: number;
  seq: number;
  role: string;
  label: string;
  status: 'waiting' | 'pending' | 'approved' | 'rejected' | 'cancelled';
  decided_by: number | null;
  decided_at: string | null;
  comment: string | null;
}

export interface RuleSettingsTable {
  unit_id: string;
  rule_code: string;
  mode: 'block' | 'warn' | 'ignore';
  updated_by: number | null;
  updated_at: string;
}

export interface ThreePublicCapsTable {
  unit_id: string;
  year: number;
  economic_code: string;
  amount: number;
}

export interface LedgerSettingsTable {
  unit_id: string;
  flexible_threshold: number;
  kind_economic_map: string;
  /** JSON: optional settings without a column of their own (timeProgressBasis, …); '{}' reads every default (migration 013). */
  options: Generated<string>;
  updated_at: string;
}

export interface ExpenditureStandardsTable {
  id: Generated<number>;
  year: number;
  item: string;
  tier: string;
  name: string;
  economic_code: string;
  cap_per_unit: number;
  per: string;
}

export interface CommentsTable {
  id: Generated<number>;
  unit_id: string;
  entity: string;
  entity_id: number;
  author_id: number;
  action: string;
  body: string;
  created_at: string;
}

// ------------------------------------------------------------------ accounting (会计核算)

/** 财务会计 (accrual) or 预算会计 (budgetary, cash basis): the two tracks of 平行记账. */
export type AccountingTrack = 'financial' | 'budgetary';

export interface JournalEntriesTable {
  id: Generated<number>;
  unit_id: string;
  track: AccountingTrack;
  year: number;
  month: number;
  date: string;
  voucher_no: string;
  summary: string;
  /** What posted it: an indicator movement ('movement'), an issue ('issue') or the year-end close ('year_end'). */
  source_type: string;
  source_id: number;
  created_at: string;
}

export interface JournalLinesTable {
  id: Generated<number>;
  entry_id: number;
  unit_id: string;
  track: AccountingTrack;
  year: number;
  month: number;
  line_no: number;
  account_code: string;
  debit: number;
  credit: number;
  indicator_id: number | null;
  department_id: number | null;
  functional_code: string | null;
  economic_code: string | null;
  fund_source_code: string | null;
}

// ------------------------------------------------------------------ assets (资产, migration 011)

export interface AssetsTable {
  id: Generated<number>;
  unit_id: string;
  code: string;
  name: string;
  class_code: string;
  /** 1601 固定资产, 1613 在建工程, 1701 无形资产, … (the account debited when it was paid). */
  account_code: string;
  value: number;
  department_id: number;
  acquired_on: string;
  useful_life_months: number | null;
  status: 'in_use' | 'under_construction';
  economic_code: string;
  payment_id: number | null;
  movement_id: number | null;
  completed_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface AssetDepreciationsTable {
  asset_id: number;
  unit_id: string;
  year: number;
  month: number;
  amount: number;
  entry_id: number;
  created_at: string;
}

export interface AssetUsefulLivesTable {
  unit_id: string;
  class_code: string;
  months: number;
  updated_at: string;
}

export interface YearEndRunsTable {
  unit_id: string;
  year: number;
  summary: string;
  run_by: number | null;
  run_at: string;
}

/** 收入登记 (migration 012): non-fiscal money recorded when it arrives; corrected only by reversal. */
export type ReceiptType = 'business' | 'superior_subsidy' | 'subordinate_remit' | 'operating' | 'non_peer_fiscal' | 'other';

export interface ReceiptsTable {
  id: Generated<number>;
  unit_id: string;
  year: number;
  date: string;
  type: ReceiptType;
  amount: number;
  fund_source_code: string;
  payer: string;
  summary: string;
  department_id: number | null;
  /** 0/1: 专项资金 (earmarked): closes to 8201 非财政拨款结转 at year end, else to 8501 其他结余. */
  earmarked: Generated<number>;
  status: 'recorded' | 'reversed';
  created_by: number;
  created_at: string;
  reversal_date: string | null;
  reversal_reason: string | null;
  reversed_by: number | null;
  reversed_at: string | null;
  doc_no: DocNoColumn;
}

/** 决算 差异说明 (migration 014): why a 决算 line deviates from its budget; one per (unit, year, table, line). */
export interface DeviationExplanationsTable {
  unit_id: string;
  year: number;
  table_id: string;
  line: string;
  explanation: string;
  created_by: number;
  created_at: string;
  updated_by: number;
  updated_at: string;
}

// ------------------------------------------------------------------ plugin host (004_plugins)
// Declared as a second `Database` block: TypeScript merges it with the one above.

export interface Database {
  plugin_packages: PluginPackagesTable;
  plugin_publishers: PluginPublishersTable;
  plugin_owners: PluginOwnersTable;
  plugin_host_settings: PluginHostSettingsTable;
  plugin_units: PluginUnitsTable;
  plugin_docs: PluginDocsTable;
  plugin_storage_usage: PluginStorageUsageTable;
  plugin_deliveries: PluginDeliveriesTable;
  plugin_outbox_cursor: PluginOutboxCursorTable;
  notifications: NotificationsTable;
  notification_reads: NotificationReadsTable;
  plugin_logs: PluginLogsTable;
  plugin_runner_kills: PluginRunnerKillsTable;
  plugin_quarantine: PluginQuarantineTable;
  plugin_quotas: PluginQuotasTable;
  plugin_rates: PluginRatesTable;
}

export interface PluginPackagesTable {
  id: Generated<number>;
  plugin_id: string;
  version: string;
  /** The validated manifest, JSON. */
  manifest: string;
  code: string;
  sha256: string;
  /** Publisher whose ed25519 key verified the bundle; null for an unsigned bundle. */
  signed_by: string | null;
  installed_by: number | null;
  installed_at: string;
}

export interface PluginPublishersTable {
  id: Generated<number>;
  name: string;
  /** ed25519 public key, SPKI PEM. */
  public_key: string;
  added_at: string;
}

/**
 * Who owns a plugin id (migration 009): the trusted publisher (by name) whose bundles may install
 * under it, or null for unsigned bundles. Set by the first install, changed only by the system
 * administrator's transfer; kept when the plugin is uninstalled.
 */
export interface PluginOwnersTable {
  plugin_id: string;
  publisher: string | null;
  since: string;
  assigned_by: number | null;
  how: 'install' | 'transfer' | 'migration';
}

export interface PluginHostSettingsTable {
  key: string;
  value: string;
}

export interface PluginUnitsTable {
  id: Generated<number>;
  unit_id: string;
  plugin_id: string;
  version: string;
  state: 'enabled' | 'disabled' | 'tripped';
  /** JSON array of granted host permissions. */
  grants: string;
  settings: string;
  /** What a validator fault does: 'open' lets the document pass with a warning, 'closed' blocks it. */
  fail_mode: 'open' | 'closed';
  faults: number;
  last_fault: string | null;
  migrated_version: string | null;
  updated_at: string;
}

export interface PluginDocsTable {
  id: Generated<number>;
  plugin_id: string;
  unit_id: string;
  collection: string;
  doc_id: string;
  data: string;
  idx0: string | null;
  idx1: string | null;
  idx2: string | null;
  updated_at: string;
  /** UTF-8 size of `data` (migration 007): answer budgets and the storage quota read this, never the document. */
  bytes: Generated<number>;
}

/** What a plugin stores in a unit (migration 022), kept by triggers on plugin_docs: the storage quota reads this. */
export interface PluginStorageUsageTable {
  plugin_id: string;
  unit_id: string;
  docs: number;
  bytes: number;
}

/** Search terms of a plugin document (migration 017): its characters and bigrams, one row per distinct term. */
export interface PluginDocTermsTable {
  plugin_id: string;
  unit_id: string;
  collection: string;
  term: string;
  doc_row_id: number;
}
export interface Database {
  plugin_doc_terms: PluginDocTermsTable;
}

/** Quota overrides set by the system administrator (migration 007): `unit_id` '' = every unit; null inherits. */
export interface PluginQuotasTable {
  plugin_id: string;
  unit_id: string;
  storage_bytes: number | null;
  storage_docs: number | null;
  log_entries: number | null;
  notifications_per_hour: number | null;
  updated_at: string;
  updated_by: number | null;
}

/** Fixed-window counters per (plugin, unit, kind), e.g. notifications in the current hour (migration 007). */
export interface PluginRatesTable {
  plugin_id: string;
  unit_id: string;
  kind: string;
  window_start: string;
  count: number;
}

export interface PluginDeliveriesTable {
  id: Generated<number>;
  event_id: string;
  plugin_id: string;
  unit_id: string;
  type: string;
  payload: string;
  occurred_at: string;
  status: 'pending' | 'claimed' | 'done' | 'dead';
  attempts: number;
  next_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  last_error: string | null;
  done_at: string | null;
}

export interface PluginOutboxCursorTable {
  id: number;
  last_id: number;
}

export interface NotificationsTable {
  id: Generated<number>;
  unit_id: string;
  user_id: number | null;
  role: string | null;
  source: string;
  title: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
  /** A core notice's message key (migration 020): it renders in the reader's language; null: title/body as written. */
  title_key: string | null;
  /** JSON parameters of title_key. */
  params: string | null;
}

/** Who has read which notification (migration 006): role-addressed rows are shared by several users. */
export interface NotificationReadsTable {
  notification_id: number;
  user_id: number;
  read_at: string;
}

/** A death of the plugin runner pinned on one plugin version (migration 008). */
export interface PluginRunnerKillsTable {
  id: Generated<number>;
  plugin_id: string;
  version: string;
  /** memory | catastrophic | hung | exit */
  reason: string;
  unit_id: string | null;
  at: string;
}

/** A plugin quarantined everywhere for killing the runner again and again (migration 008); released_at null while it holds. */
export interface PluginQuarantineTable {
  plugin_id: string;
  version: string;
  since: string;
  kills: number;
  reason: string;
  released_at: string | null;
  released_by: number | null;
}

export interface PluginLogsTable {
  id: Generated<number>;
  plugin_id: string;
  unit_id: string;
  level: string;
  message: string;
  data: string | null;
  at: string;
}

/** Per unit, kind and year: the last document number given (migration 016). */
export interface DocCountersTable {
  unit_id: string;
  kind: string;
  year: number;
  last_no: number;
}

/** 支出标准 versions (migration 015): a whole set adopted at a date; null owner = the national set. */
export interface StandardVersionsTable {
  id: Generated<number>;
  owner_unit_id: string | null;
  title: string;
  status: 'proposed' | 'adopted' | 'rejected';
  effective_from: string;
  source_document: string;
  reason: string;
  based_on: number | null;
  /** 'core' or 'plugin:<id>' */
  proposed_via: string;
  proposed_by: number | null;
  created_at: string;
  decided_by: number | null;
  decided_at: string | null;
  decision_note: string | null;
}

export interface StandardRowsTable {
  id: Generated<number>;
  version_id: number;
  item: string;
  tier: string;
  name: string;
  region: string;
  rank: string;
  season: string;
  economic_code: string;
  /** fen per `per` */
  cap: number;
  per: string;
  effective_from: string | null;
  effective_to: string | null;
  source: string;
  verified: number;
  note: string;
}
