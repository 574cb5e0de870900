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
import type {
  Localized, PluginLogEntry, PluginLogLevel, PluginLogPage, PluginMetricsView, PluginOwnerView, PluginPackageView, PluginQuarantineView,
  PluginQuotaView, PluginVersionInfo, QuotaFigures, QuotaKind, QuotaOverrides, UnitPluginView,
} from '@unibudget/sdk/contracts/plugins';
import type { SettingField } from '@unibudget/sdk/manifest';

export type { Role, AuditEntry, MemberView, VerifyResult, ExpenditureKind, Finding, FlowStep, IndicatorDetail, InboxItem, PaymentDetail, PaymentStatus };
export type { TrailEntry, TemplateView, Standard, TransferView, AdjustmentView, JournalEntry, JournalLine, ReportView, YearEndItem, YearEndView };
export type { Localized, PluginVersionInfo, SettingField };
export type { PluginLogEntry, PluginLogLevel, PluginLogPage, PluginQuotaView, QuotaFigures, QuotaKind, QuotaOverrides };

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
export type UnitPlugin = UnitPluginView;
export type PluginPackage = PluginPackageView;
export type PluginMetrics = PluginMetricsView;
export type PluginOwner = PluginOwnerView;
export type PluginQuarantine = PluginQuarantineView;

// ---- periods
export type { CloseChecklistView as CloseChecklist } from '@unibudget/sdk/contracts/ledger';
