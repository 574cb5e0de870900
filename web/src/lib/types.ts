/**
 * The shapes of the API answers the web app reads, under the names the pages use. Each is the type of
 * a shared contract in the SDK (sdk/contracts/*: the zod schemas the core declares its responses with),
 * imported as a type only: nothing of the SDK or of zod reaches the bundle.
 */
import type { Role } from '@unibudget/sdk/contracts/roles';
import type {
  AuditEntry, DepartmentView, FiscalYearView, MemberView, MembershipView, MeView, NotificationView, PeriodView, VerifyResult,
} from '@unibudget/sdk/contracts/kernel';
import type {
  AdjustmentView, CapView, CheckResult as PaymentCheckResult, ExpenditureKind, Finding, FlowStep, FlowView, IndicatorDetail,
  IndicatorView, InboxItem, MovementView, OriginView, PaymentDetail, PaymentStatus, PaymentView, RuleSettingView, StepView,
  TransferCheckResult, TransferView,
} from '@unibudget/sdk/contracts/ledger';
import type {
  BudgetRequestStatus, LineView, ProjectView, RequestDetail, RequestView, Standard, TargetView, TemplateView, TrailEntry,
} from '@unibudget/sdk/contracts/budget';
import type { JournalEntry, JournalLine, ReportView, TrialBalanceView, YearEndItem, YearEndView } from '@unibudget/sdk/contracts/reports';
import type { Localized, PluginMetricsView, PluginPackageView, PluginVersionInfo, UnitPluginView } from '@unibudget/sdk/contracts/plugins';
import type { SettingField } from '@unibudget/sdk/manifest';

export type { Role, AuditEntry, MemberView, VerifyResult, ExpenditureKind, Finding, FlowStep, IndicatorDetail, InboxItem, PaymentDetail, PaymentStatus };
export type { TrailEntry, TemplateView, Standard, TransferView, AdjustmentView, JournalEntry, JournalLine, ReportView, YearEndItem, YearEndView };
export type { Localized, PluginVersionInfo, SettingField };

// ---- kernel
export type Membership = MembershipView;
export type Me = MeView;
export type Department = DepartmentView;
export type Period = PeriodView;
export type FiscalYear = FiscalYearView;
export type UbNotification = NotificationView;

// ---- ledger
export type Indicator = IndicatorView;
export type Movement = MovementView;
export type Origin = OriginView;
export type Step = StepView;
export type Payment = PaymentView;
/** A live check's answer: a payment's, or a transfer's (which also says whether it is fast-tracked). */
export type CheckResult = PaymentCheckResult | TransferCheckResult;
export type Cap = CapView;
export type Flow = FlowView;
export type RuleSetting = RuleSettingView;

// ---- budget preparation
export type Project = ProjectView;
export type PerformanceTarget = TargetView;
export type Template = TemplateView;
export type BudgetStatus = BudgetRequestStatus;
export type BudgetRequest = RequestView;
export type BudgetLine = LineView;
export type BudgetRequestDetail = RequestDetail;

// ---- reports
export type ReportTable = ReportView['tables'][number];
export type ReportColumn = ReportTable['columns'][number];
export type ReportCell = ReportTable['rows'][number][string];
export type TrialBalance = TrialBalanceView;
export type TrialBalanceRow = TrialBalanceView['accounts'][number];

// ---- plugins (admin console and plugin views)
/**
 * `quarantined` (the plugin brought the plugin runner down again and again; no unit runs or enables
 * it until the system administrator releases it) is answered by core/plugins/units.ts listForUnit
 * and not yet part of the SDK contract: optional here, absent from an older core.
 */
export type UnitPlugin = UnitPluginView & { quarantined?: boolean };
export type PluginPackage = PluginPackageView;
export type PluginMetrics = PluginMetricsView;
/** Usage against each quota of a plugin in a unit (core/plugins/quotas.ts quotaFigures). */
export type QuotaFigures = NonNullable<PluginMetricsView['quotas']>;
export type QuotaKind = keyof QuotaFigures;

// Answers with no shared contract in the SDK: local shapes of what core/plugins returns.

/** Who owns a plugin id (core/plugins/packages.ts PluginOwner; GET /api/plugins/owners). */
export interface PluginOwner {
  pluginId: string;
  /** A trusted publisher's name; null: unsigned bundles. */
  publisher: string | null;
  since: string;
  how: 'install' | 'transfer' | 'migration';
  assignedBy: number | null;
}

/** Quota overrides of one scope; null (or absent) inherits (unit → plugin → default). */
export type QuotaOverrides = { [K in QuotaKind]?: number | null };

/** A plugin's quotas as the system administrator sees them (core/plugins/quotas.ts quotaView; GET /api/plugins/:id/quotas). */
export interface PluginQuotaView {
  pluginId: string;
  defaults: Record<QuotaKind, number>;
  /** The override for every unit; null: none. */
  plugin: QuotaOverrides | null;
  /** Defaults with the every-unit override applied. */
  effective: Record<QuotaKind, number>;
  units: { unitId: string; overrides: QuotaOverrides | null; usage: QuotaFigures }[];
}

/** One page of a plugin's log in a unit, newest first (core/plugins/logs.ts readLogs). */
export interface PluginLogPage {
  pluginId: string;
  unitId: string;
  entries: PluginLogEntry[];
  /** The `before` of the next (older) page; null: no older entries. */
  next: number | null;
}
export type PluginLogLevel = 'info' | 'warn' | 'error';
export interface PluginLogEntry {
  id: number;
  level: PluginLogLevel;
  message: string;
  /** The JSON the plugin logged, cut at 4,000 characters (so possibly not whole); null: none. */
  data: string | null;
  at: string;
}

/** A plugin's last quarantine (core/plugins/breaker.ts listQuarantine; GET /api/plugins/quarantine). */
export interface PluginQuarantine {
  pluginId: string;
  version: string;
  since: string;
  kills: number;
  reason: string;
  /** null: still quarantined. */
  releasedAt: string | null;
  releasedBy: number | null;
}
