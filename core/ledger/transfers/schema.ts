import { z } from 'zod';
import { Fen, IsoDate } from '../indicators/schema.js';
import { OverrideRequest } from '../rules/schema.js';
import { MAX_FEN } from '@unibudget/sdk/contracts/money';
// The answers the web app reads are shared contracts of the SDK.
export { TransferCheckResult, TransferView } from '@unibudget/sdk/contracts/ledger';

/** 预算调剂: money moves from one indicator to another of the unit; the total stays the same. */
export const TransferDraft = z.object({
  fromIndicatorId: z.number().int().positive(),
  toIndicatorId: z.number().int().positive(),
  amount: Fen,
  reason: z.string().trim().min(2).max(500),
  date: IsoDate,
  override: OverrideRequest.optional(),
});
export type TransferDraft = z.infer<typeof TransferDraft>;

export const TransferCheckBody = TransferDraft.partial().extend({
  fromIndicatorId: z.number().int().positive(),
  amount: z.number().int().min(0).max(MAX_FEN),
});
export type TransferCheckBody = z.infer<typeof TransferCheckBody>;
