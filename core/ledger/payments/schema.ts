import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
import { ClassCode, Fen, IsoDate } from '../indicators/schema.js';
import { Finding } from '../rules/schema.js';
import { StepView } from '../approvals/schema.js';

export const PAYMENT_STATUSES = ['pending', 'approved', 'paid', 'rejected', 'withdrawn'] as const;

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

export const PaymentDraft = z.object({
  indicatorId: z.number().int().positive(),
  payeeName: z.string().trim().min(1).max(100),
  payeeAccount: z.string().trim().max(40).optional(),
  payeeBank: z.string().trim().max(100).optional(),
  purpose: z.string().trim().min(1).max(300),
  /** Optional: the class comes from the indicator; if given it must match. */
  economicCode: ClassCode.optional(),
  amount: Fen,
  date: IsoDate,
  procurement: z.boolean().optional(),
  contractNo: z.string().trim().min(1).max(60).optional(),
  standard: StandardUse.optional(),
  attachments: z.array(Attachment).max(20).optional(),
  override: z.object({ reason: z.string().trim().min(4).max(500) }).optional(),
});
export type PaymentDraft = z.infer<typeof PaymentDraft>;

/** For live checks while typing: everything optional except what a check cannot do without. */
export const PaymentCheckBody = PaymentDraft.partial().extend({ indicatorId: z.number().int().positive(), amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

export const PaymentParams = z.object({ unitId: UnitId, id: z.coerce.number().int().positive() });

export const PaymentListQuery = z.object({
  status: z.enum(PAYMENT_STATUSES).optional(),
  indicatorId: z.coerce.number().int().positive().optional(),
  departmentId: z.coerce.number().int().positive().optional(),
  mine: z.enum(['true', 'false']).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

export const PayBody = z.object({
  date: IsoDate.optional().describe('payment date; defaults to today'),
  comment: z.string().trim().max(500).optional(),
});

export const PaymentView = z.object({
  id: z.number().int(),
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

export const PaymentDetail = PaymentView.extend({
  steps: z.array(StepView),
  comments: z.array(z.object({ action: z.string(), body: z.string(), authorName: z.string(), at: z.string() })),
});

export const CheckResult = z.object({
  ok: z.boolean().describe('false when a rule would block'),
  findings: z.array(Finding),
  available: z.number().int(),
  steps: z.array(z.object({ role: z.string(), label: z.string() })).describe('who would have to approve'),
});
