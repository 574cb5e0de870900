import { z } from 'zod';
import { ROLES } from './roles.js';
import { MAX_FEN } from './money.js';

/**
 * The ledger's API answers the web app reads: indicators, rule findings, approval flows and steps,
 * payments, transfers and adjustments, and the value types they are made of. core/ledger declares
 * them as its responses (each module's schema.ts re-exports them from here, and validates its input
 * with the value types); the web app imports the types only.
 */

// ------------------------------------------------------------------ value types

/** Integer fen, positive, within the exact range of JS numbers. */
export const Fen = z.number().int('金额必须是整数（分）').positive('金额必须大于 0').max(MAX_FEN, '金额不能超过 1,000 亿元');
export const FenSigned = z.number().int('金额必须是整数（分）').min(-MAX_FEN, '金额不能超过 1,000 亿元').max(MAX_FEN, '金额不能超过 1,000 亿元');
export const IsoDate = z.iso.date('日期格式应为 YYYY-MM-DD');
export const EXPENDITURE_KINDS = ['personnel', 'operating', 'project'] as const;
export const ExpenditureKind = z.enum(EXPENDITURE_KINDS).describe('personnel 人员经费 · operating 公用经费 · project 项目支出');
export type ExpenditureKind = z.infer<typeof ExpenditureKind>;
export const ClassCode = z.string().regex(/^[0-9]{3,7}$/, '分类编码应为 3-7 位数字');
export const FundSourceCode = z.string().regex(/^[0-9A-Za-z]{1,10}$/);

// ------------------------------------------------------------------ indicators

export const IndicatorView = z.object({
  id: z.number().int(),
  unitId: z.string(),
  year: z.number().int(),
  code: z.string(),
  name: z.string(),
  departmentId: z.number().int(),
  projectId: z.number().int().nullable(),
  expenditureKind: ExpenditureKind,
  functionalCode: z.string(),
  economicCode: z.string(),
  fundSourceCode: z.string(),
  issued: z.number().int().describe('下达 issued, fen'),
  adjusted: z.number().int().describe('追加/追减 and transfers, net, fen'),
  amount: z.number().int().describe('issued + adjusted, fen'),
  frozen: z.number().int().describe('approved, not yet paid, fen'),
  paid: z.number().int(),
  reserved: z.number().int().describe('占用: held by submitted payment requests and transfers out that are not decided yet, fen'),
  available: z.number().int().describe('amount − frozen − paid − reserved: what a requester can still ask for, fen'),
  isFlexibleReserve: z.boolean().describe('机动额度 reserve'),
  sourceLineId: z.number().int().nullable(),
  carriedFromId: z.number().int().nullable(),
  createdAt: z.string(),
});
export type IndicatorView = z.infer<typeof IndicatorView>;

export const MovementView = z.object({
  id: z.number().int(),
  kind: z.enum(['issue', 'adjust', 'transfer_in', 'transfer_out', 'freeze', 'release', 'pay']),
  amount: z.number().int(),
  refType: z.string(),
  refId: z.number().int(),
  counterpartIndicatorId: z.number().int().nullable(),
  date: z.string(),
  at: z.string(),
  actorId: z.number().int().nullable(),
  refNo: z.string().nullable().describe('the referred document’s number in the unit’s series (ZF2026-0001, TJ…, TZ…, the budget request’s YS… of an issued line); null for a direct issue'),
  counterpartCode: z.string().nullable().describe('the code of the indicator on the other side of a transfer or carry-over'),
});
export type MovementView = z.infer<typeof MovementView>;

export const OriginView = z.object({
  indicatorId: z.number().int(),
  code: z.string(),
  via: z.enum(['issue', 'transfer', 'carry_over']),
  amount: z.number().int(),
  sourceLineId: z.number().int().nullable(),
  budgetRequestId: z.number().int().nullable(),
});
export type OriginView = z.infer<typeof OriginView>;

export const IndicatorDetail = IndicatorView.extend({
  movements: z.array(MovementView),
  origins: z.array(OriginView).describe('where the money came from, back to the original budget'),
});
export type IndicatorDetail = z.infer<typeof IndicatorDetail>;

// ------------------------------------------------------------------ control rules

export const RuleModeSchema = z.enum(['block', 'warn', 'ignore']);

export const Finding = z.object({
  rule: z.string(),
  severity: z.enum(['block', 'warn']),
  message: z.string(),
  messageEn: z.string().optional().describe('the message in English (the core\'s rules; a plugin validator may give zh only)'),
  details: z.record(z.string(), z.unknown()),
  overridden: z.boolean().optional(),
  overrideReason: z.string().optional(),
});
export type Finding = z.infer<typeof Finding>;

export const RuleSettingView = z.object({
  code: z.string(),
  label: z.string(),
  hard: z.boolean(),
  mode: RuleModeSchema,
});
export type RuleSettingView = z.infer<typeof RuleSettingView>;

export const CapView = z.object({ economicCode: z.string(), amount: z.number().int(), used: z.number().int() });
export type CapView = z.infer<typeof CapView>;

// ------------------------------------------------------------------ approvals

export const APPROVAL_TARGETS = ['payment', 'transfer', 'adjustment'] as const;
export const ApprovalTarget = z.enum(APPROVAL_TARGETS);
export type ApprovalTarget = z.infer<typeof ApprovalTarget>;

/**
 * One tier of an approval flow. With no condition it always applies; with conditions it applies
 * when ANY holds (e.g. "over 50,000 yuan, or 三公经费, needs the leader").
 */
export const FlowStep = z.object({
  role: z.enum(ROLES).exclude(['system_admin', 'plugin_developer', 'auditor']),
  label: z.string().trim().min(1).max(40),
  when: z
    .object({
      amountAbove: z.number().int().min(0).max(MAX_FEN).optional().describe('fen; applies when amount > this'),
      economicPrefixes: z.array(z.string().regex(/^[0-9]{3,7}$/)).max(50).optional().describe('applies to these economic classes'),
      threePublic: z.boolean().optional().describe('applies to 三公经费 (the economic classes of THREE_PUBLIC_CODES, sdk/contracts/three-public.ts: 因公出国（境）, 公务接待, 公务用车运行维护 and 公务用车购置 30913/31013)'),
    })
    .optional()
    .describe('when the step applies: if ANY of the conditions given holds (they combine with OR: 满足任一条件即需此步); a step without conditions always applies'),
});
export type FlowStep = z.infer<typeof FlowStep>;

export const FlowBody = z.object({
  name: z.string().trim().min(1).max(60),
  steps: z.array(FlowStep).min(1).max(8),
});

export const FlowView = FlowBody.extend({
  target: ApprovalTarget,
  version: z.number().int(),
  updatedAt: z.string(),
});
export type FlowView = z.infer<typeof FlowView>;

export const StepView = z.object({
  seq: z.number().int(),
  role: z.string(),
  label: z.string(),
  status: z.enum(['waiting', 'pending', 'approved', 'rejected', 'cancelled']),
  decidedBy: z.number().int().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  comment: z.string().nullable(),
  approvers: z.array(z.string()).optional().describe('the pending step only: who may decide it (display names) — 下一步：谁审批'),
});
export type StepView = z.infer<typeof StepView>;

/**
 * Transfers (调剂) and adjustments (追加/追减): documents that change an indicator only once their
 * approval flow ends, and that share a life: pending, then approved, rejected or withdrawn.
 */
export const DECISION_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;

/** What a decided document shows of its way: the approval steps and the comment trail. */
export const DocumentTrail = {
  steps: z.array(StepView),
  comments: z.array(z.object({ action: z.string(), body: z.string(), authorName: z.string(), at: z.string() })),
};

export const InboxItem = z.object({
  target: ApprovalTarget,
  targetId: z.number().int(),
  docNo: z.string().nullable().describe('单据编号 per unit, kind and year, e.g. ZF2026-0001 (null only on rows made around the commands)'),
  seq: z.number().int(),
  label: z.string(),
  amount: z.number().int(),
  summary: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
});
export type InboxItem = z.infer<typeof InboxItem>;

// ------------------------------------------------------------------ payments

export const PAYMENT_STATUSES = ['pending', 'approved', 'paid', 'rejected', 'withdrawn'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * What a payment may carry as supporting documents: scans and photos of invoices and contracts
 * (PDF, OFD and XML e-invoices — 数电票 are issued in all three), images, office files, CSV/text and
 * zip archives. Nothing a browser or desktop would run or render as active content (HTML, SVG,
 * scripts, executables). Attachments are recorded as metadata and never served back inline.
 */
export const ATTACHMENT_TYPES = [
  'application/pdf', 'application/ofd', 'application/xml', 'text/xml', 'image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/tiff', 'image/bmp',
  'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint', 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/zip', 'application/x-zip-compressed', 'text/plain', 'text/csv', 'application/octet-stream',
] as const;
const ACTIVE_EXTENSIONS = /\.(exe|com|bat|cmd|msi|scr|pif|cpl|dll|ps1|psm1|vbs|vbe|js|mjs|jse|wsf|wsh|hta|jar|sh|bash|php\d?|phtml|asp|aspx|jsp|html?|xhtml|svgz?|lnk|reg)$/i;

export const Attachment = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((n) => !/[\\/]|\.\./.test(n), '文件名不能包含路径')
    .refine((n) => !/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(n), '文件名不能包含控制字符')
    .refine((n) => !ACTIVE_EXTENSIONS.test(n), '不接受可执行或网页类型的附件'),
  size: z.number().int().min(0).max(50 * 1024 * 1024),
  contentType: z.enum(ATTACHMENT_TYPES, { message: '附件类型不在允许范围内（PDF、OFD、XML 电子发票、图片、Office 文档、文本、压缩包）' }).optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

export const StandardUse = z.object({
  item: z.string().max(40).describe('e.g. travel_lodging, travel_meal, meeting, training'),
  tier: z.string().max(20).describe('e.g. tier1/tier2/tier3, class2, all'),
  quantity: z.number().int().positive().max(100_000).describe('person-days / person-nights / meals'),
});

export const PaymentView = z.object({
  id: z.number().int(),
  docNo: z.string().nullable().describe('单据编号 per unit, kind and year, e.g. ZF2026-0001 (null only on rows made around the commands)'),
  unitId: z.string(),
  indicatorId: z.number().int(),
  indicatorCode: z.string(),
  departmentId: z.number().int(),
  payeeName: z.string(),
  payeeAccount: z.string(),
  payeeBank: z.string(),
  purpose: z.string(),
  functionalCode: z.string(),
  economicCode: z.string(),
  fundSourceCode: z.string(),
  amount: z.number().int(),
  date: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  procurement: z.boolean(),
  contractNo: z.string().nullable(),
  standard: StandardUse.nullable(),
  attachments: z.array(Attachment),
  warnings: z.array(Finding),
  overrideReason: z.string().nullable(),
  createdBy: z.number().int(),
  createdByName: z.string(),
  createdAt: z.string(),
  approvedAt: z.string().nullable(),
  paidAt: z.string().nullable(),
});
export type PaymentView = z.infer<typeof PaymentView>;

export const PaymentDetail = PaymentView.extend(DocumentTrail);
export type PaymentDetail = z.infer<typeof PaymentDetail>;

/**
 * A step a draft would pass: its role and label, who may decide it, and — when nobody may decide the
 * flow's own step (e.g. the requester is the unit's only finance officer) — which step it stands in for.
 */
export const PlannedStep = z.object({
  role: z.string(),
  label: z.string(),
  approvers: z.array(z.string()).optional().describe('display names of who may decide it'),
  reroutedFrom: z.object({ role: z.string(), label: z.string() }).optional().describe('the flow step nobody could decide, routed to this one'),
});
export type PlannedStep = z.infer<typeof PlannedStep>;

export const CheckResult = z.object({
  ok: z.boolean().describe('false when a rule would block'),
  findings: z.array(Finding),
  available: z.number().int(),
  steps: z.array(PlannedStep).describe('who would have to approve'),
});
export type CheckResult = z.infer<typeof CheckResult>;

// ------------------------------------------------------------------ transfers and adjustments

export const TransferView = z.object({
  id: z.number().int(),
  docNo: z.string().nullable().describe('单据编号 per unit, kind and year, e.g. ZF2026-0001 (null only on rows made around the commands)'),
  fromIndicatorId: z.number().int(),
  toIndicatorId: z.number().int(),
  amount: z.number().int(),
  reason: z.string(),
  date: z.string(),
  status: z.enum(DECISION_STATUSES),
  fastTrack: z.boolean().describe('within the flexible quota: one approval'),
  warnings: z.array(Finding),
  createdBy: z.number().int(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  ...DocumentTrail,
});
export type TransferView = z.infer<typeof TransferView>;

export const TransferCheckResult = z.object({
  ok: z.boolean(),
  findings: z.array(Finding),
  available: z.number().int(),
  fastTrack: z.boolean(),
  steps: z.array(PlannedStep),
});
export type TransferCheckResult = z.infer<typeof TransferCheckResult>;

export const AdjustmentView = z.object({
  id: z.number().int(),
  indicatorId: z.number().int(),
  amount: z.number().int(),
  reason: z.string(),
  docNo: z.string().describe('批复文号 of the bureau'),
  serialNo: z.string().nullable().describe('单据编号 per unit and year, e.g. TZ2026-0001'),
  date: z.string(),
  status: z.enum(DECISION_STATUSES),
  createdBy: z.number().int(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  ...DocumentTrail,
});
export type AdjustmentView = z.infer<typeof AdjustmentView>;

/**
 * What finance deals with before closing a month (结账检查): documents dated in it that are still
 * open — their movements will be booked in a later open month once it closes (跨期) — and whether both
 * accounting tracks balance (a month that does not is refused).
 */
export const CloseChecklistDocument = z.object({
  target: ApprovalTarget,
  id: z.number().int(),
  docNo: z.string().nullable().optional().describe('单据编号 (ZF2026-0001; an adjustment’s TZ serial)'),
  status: z.string().describe('payment: pending (awaiting approval) or approved (money frozen, not yet paid); transfer and adjustment: pending'),
  date: z.string(),
  amount: z.number().int().describe('fen (an adjustment: signed)'),
  summary: z.string(),
});
export const CloseChecklistTrack = z.object({
  track: z.enum(['financial', 'budgetary']),
  debit: z.number().int(),
  credit: z.number().int(),
  balanced: z.boolean().describe('the month balances and so does everything up to it'),
});
export const CloseChecklistView = z.object({
  year: z.number().int(),
  month: z.number().int(),
  status: z.enum(['open', 'closed']),
  documents: z.array(CloseChecklistDocument),
  tracks: z.array(CloseChecklistTrack),
  /** Months close in order: the earliest open month before this one, if any. */
  blockingMonth: z.number().int().nullable(),
  canClose: z.boolean().describe('balanced and next in order (open documents do not prevent closing)'),
});
export type CloseChecklistView = z.infer<typeof CloseChecklistView>;
