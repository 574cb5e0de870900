import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
import { PageQuery } from '../../db/paging.js';
import { ClassCode, Fen, IsoDate } from '../indicators/schema.js';
import { OverrideRequest } from '../rules/schema.js';
// The answers the web app reads are shared contracts of the SDK.
import { Attachment, PAYMENT_STATUSES, StandardUse } from '@unibudget/sdk/contracts/ledger';
import { MAX_FEN } from '@unibudget/sdk/contracts/money';
export { ATTACHMENT_TYPES, Attachment, CheckResult, PAYMENT_STATUSES, PaymentDetail, PaymentView, StandardUse } from '@unibudget/sdk/contracts/ledger';

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
  override: OverrideRequest.optional(),
});
export type PaymentDraft = z.infer<typeof PaymentDraft>;

/** For live checks while typing: everything optional except what a check cannot do without. */
export const PaymentCheckBody = PaymentDraft.partial().extend({ indicatorId: z.number().int().positive(), amount: z.number().int().min(0).max(MAX_FEN) });

export const PaymentParams = z.object({ unitId: UnitId, id: z.coerce.number().int().positive() });

export const PaymentListQuery = z.object({
  status: z.enum(PAYMENT_STATUSES).optional(),
  indicatorId: z.coerce.number().int().positive().optional(),
  departmentId: z.coerce.number().int().positive().optional(),
  mine: z.enum(['true', 'false']).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
}).merge(PageQuery);

export const PayBody = z.object({
  date: IsoDate.optional().describe('payment date; defaults to today'),
  comment: z.string().trim().max(500).optional(),
});
