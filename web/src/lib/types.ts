/** The shapes of the API answers the web app reads (mirrors the core's zod schemas). */
import type { Role } from '@unibudget/sdk/contracts/roles';
export type { Role };

export interface Membership { unitId: string; unitName: string; role: Role; departmentId: number | null }
export interface Me { id: number; username: string; displayName: string; memberships: Membership[]; systemAdmin: boolean }

export type ExpenditureKind = 'personnel' | 'operating' | 'project';

export interface Indicator {
  id: number; unitId: string; year: number; code: string; name: string; departmentId: number; projectId: number | null;
  expenditureKind: ExpenditureKind; functionalCode: string; economicCode: string; fundSourceCode: string;
  issued: number; adjusted: number; amount: number; frozen: number; paid: number; available: number;
  isFlexibleReserve: boolean; sourceLineId: number | null; carriedFromId: number | null; createdAt: string;
}
export interface Movement {
  id: number; kind: 'issue' | 'adjust' | 'transfer_in' | 'transfer_out' | 'freeze' | 'release' | 'pay';
  amount: number; refType: string; refId: number; counterpartIndicatorId: number | null; date: string; at: string; actorId: number | null;
}
export interface Origin { indicatorId: number; code: string; via: 'issue' | 'transfer' | 'carry_over'; amount: number; sourceLineId: number | null; budgetRequestId: number | null }
export interface IndicatorDetail extends Indicator { movements: Movement[]; origins: Origin[] }

export interface Finding { rule: string; severity: 'block' | 'warn'; message: string; details: Record<string, unknown>; overridden?: boolean; overrideReason?: string }
export interface CheckResult { ok: boolean; findings: Finding[]; available: number; steps: { role: string; label: string }[]; fastTrack?: boolean }

export interface Step {
  seq: number; role: string; label: string; status: 'waiting' | 'pending' | 'approved' | 'rejected' | 'cancelled';
  decidedBy: number | null; decidedByName: string | null; decidedAt: string | null; comment: string | null;
}
export type PaymentStatus = 'pending' | 'approved' | 'paid' | 'rejected' | 'withdrawn';
export interface Payment {
  id: number; unitId: string; indicatorId: number; indicatorCode: string; departmentId: number; payeeName: string; payeeAccount: string;
  payeeBank: string; purpose: string; functionalCode: string; economicCode: string; fundSourceCode: string; amount: number; date: string;
  status: PaymentStatus; procurement: boolean; contractNo: string | null; warnings: Finding[]; overrideReason: string | null;
  createdBy: number; createdByName: string; createdAt: string; approvedAt: string | null; paidAt: string | null;
}
export interface TrailEntry { action: string; body: string; authorName: string; at: string }
export interface PaymentDetail extends Payment { steps: Step[]; comments: TrailEntry[] }

export interface InboxItem { target: 'payment' | 'transfer' | 'adjustment'; targetId: number; seq: number; label: string; amount: number; summary: string; requestedBy: string; requestedAt: string }

export interface Department { id: number; unitId: string; code: string; name: string }
export interface Project { id: number; code: string; name: string; departmentId: number; status: string; functionalCode: string; fundSourceCode: string; totalAmount: number }

export interface Standard { economicCode: string; name: string; perHeadAmount: number }
export interface Template { unitId: string; kind: ExpenditureKind; name: string; functionalCode: string; fundSourceCode: string; standards: Standard[] }

export type BudgetStatus = 'draft' | 'submitted' | 'returned' | 'resubmitted' | 'approved';
export interface BudgetRequest {
  id: number; unitId: string; year: number; departmentId: number; departmentName: string; title: string; status: BudgetStatus;
  round: number; amount: number; controlAmount: number | null; createdBy: number; createdAt: string; updatedAt: string;
}
export interface BudgetLine {
  id: number; lineNo: number; expenditureKind: ExpenditureKind; projectId: number | null; functionalCode: string; economicCode: string;
  fundSourceCode: string; headcount: number | null; standardAmount: number | null; amount: number; controlAmount: number | null; note: string; indicatorId: number | null;
}
export interface BudgetRequestDetail extends BudgetRequest { lines: BudgetLine[]; trail: TrailEntry[] }

export interface Period { year: number; month: number; status: 'open' | 'closed'; closedAt: string | null; closedBy: number | null }
export interface FiscalYear { unitId: string; year: number; status: 'open' | 'closed'; periods: Period[] }

export interface Cap { economicCode: string; amount: number; used: number }
export interface AuditEntry { seq: number; at: string; actorId: number | null; actorName: string; unitId: string | null; action: string; entity: string; entityId: string; before: unknown; after: unknown; prevHash: string; hash: string }
export interface VerifyResult { ok: boolean; checked: number; headSeq: number; headHash: string; brokenAt?: number; reason?: string }
export interface DocView { id: number; status: string; amount: number; reason: string; date: string; createdAt: string; fromIndicatorId?: number; toIndicatorId?: number; indicatorId?: number; fastTrack?: boolean; docNo?: string }

// ---- admin console and plugin views
export interface Localized { zh: string; en: string }
export interface MemberView { userId: number; username: string; displayName: string; disabled: boolean; roles: Role[]; departmentId: number | null }
export interface FlowCondition { amountAbove?: number; economicPrefixes?: string[]; threePublic?: boolean }
export interface FlowStep { role: Role; label: string; when?: FlowCondition }
export interface Flow { target: 'payment' | 'transfer' | 'adjustment'; name: string; steps: FlowStep[]; version: number; updatedAt: string }
export interface RuleSetting { code: string; label: string; hard: boolean; mode: 'block' | 'warn' | 'ignore' }
export interface TemplateView extends Template { version: number; isDefault: boolean; updatedAt: string | null }
export interface SettingField { key: string; label: Localized; type: 'string' | 'number' | 'boolean' | 'select'; required?: boolean; default?: string | number | boolean; options?: { value: string; label: string }[]; min?: number; max?: number }
export interface PluginViewDecl { id: string; title: Localized; placement: 'dashboard' | 'page' | 'payment-detail' }
export interface PluginVersionInfo { version: string; compatible: boolean; incompatibleReason: string | null; signedBy: string | null; permissions?: string[] }
export interface UnitPlugin {
  pluginId: string; name: Localized; description: string; author: string; versions: PluginVersionInfo[]; latestVersion: string; compatible: boolean;
  state: 'available' | 'enabled' | 'disabled' | 'tripped'; version: string | null; requestedPermissions: string[]; grants: string[];
  settings: Record<string, string | number | boolean>; failMode: 'open' | 'closed'; faults: number; lastFault: string | null;
  settingsSchema: SettingField[]; views: PluginViewDecl[]; routes: { method: string; path: string; summary: string }[]; dependencies: Record<string, string>;
  /** The version this unit has (enabled or tripped) is run at all; false after a core upgrade left it behind (null: not in use). */
  inUseCompatible?: boolean | null; inUseIncompatibleReason?: string | null;
}
export interface PluginPackage { pluginId: string; version: string; sha256: string; signedBy: string | null; installedAt: string; compatible: boolean; incompatibleReason: string | null; manifest: { name: Localized; description: string; author: string; permissions: string[]; engine: string } }
export interface PluginMetrics {
  pluginId: string; unitId: string; state: string; consecutiveFaults: number; lastFault: string | null; calls: number; errors: number;
  faultsByCode: Record<string, number>; latencyMs: { p50: number; p95: number; p99: number }; memoryBytes: number;
}

// --- notifications, reports, budget review, performance (ops screens)
export interface UbNotification { id: number; source: string; title: string; body: string; link: string | null; createdAt: string; role: string | null }
export type ReportCell = string | number | null;
export interface ReportColumn { key: string; header: string; kind: 'text' | 'money' | 'ratio' | 'integer' }
export interface ReportTable { id: string; title: string; unitLabel: '元' | '万元'; columns: ReportColumn[]; rows: Record<string, ReportCell>[] }
export interface ReportView { report: string; title: string; unitId: string; unitName: string; consolidated: boolean; units: { id: string; name: string }[]; year: number; month: number | null; tables: ReportTable[] }
export interface TrialBalanceRow { accountCode: string; accountName: string; category: string; openingDebit: number; openingCredit: number; periodDebit: number; periodCredit: number; closingDebit: number; closingCredit: number }
export interface TrialBalance { track: 'financial' | 'budgetary'; year: number; month: number | null; unitIds: string[]; accounts: TrialBalanceRow[]; totals: Omit<TrialBalanceRow, 'accountCode' | 'accountName' | 'category'>; balanced: boolean }
export interface JournalLine { lineNo: number; accountCode: string; accountName: string; debit: number; credit: number; indicatorId: number | null; departmentId: number | null }
export interface JournalEntry { id: number; track: 'financial' | 'budgetary'; year: number; month: number; date: string; voucherNo: string; summary: string; debit: number; credit: number; lines: JournalLine[] }
export interface YearEndItem { indicatorId: number; code: string; name: string; amount: number; paid: number; unspent: number; decision: 'carry_forward' | 'surplus' | 'none'; rule: string; carried: number; surplus: number }
export interface YearEndView { unitId: string; year: number; nextYear: number; alreadyRun: boolean; runAt: string | null; totals: { amount: number; paid: number; unspent: number; carried: number; surplus: number }; items: YearEndItem[] }
export interface PerformanceTarget { id: number; projectId: number; source: string; targetRef: string; name: string; value: string; createdAt: string }
