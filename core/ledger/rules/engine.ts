import type { StandardRow } from '@unibudget/sdk/contracts/standards';
import { AppError } from '../errors.js';
import { KIND_LABELS } from './catalog.js';
import { economicFitsKind, type FindingSink, type LedgerSettings } from './service.js';

/*
 * The document rules of a payment as pure judgments over facts already read: the live check
 * (payments/service.ts evaluatePayment) reads the facts of one draft and calls these; the trial run
 * (trial.ts) reads the facts of many past payments at once and calls the very same functions, so a
 * trial cannot drift from what the ledger would do.
 */

export interface StandardUse {
  item: string;
  tier: string;
  quantity: number;
}

/**
 * EXPENDITURE_STANDARD_EXCEEDED: amount ≤ cap per unit × quantity of the row in force on the
 * payment's date. A payment naming a standard that does not exist is refused (STANDARD_NOT_FOUND).
 */
export function judgeStandard(findings: FindingSink, use: StandardUse, row: StandardRow | undefined, amount: number): void {
  if (!row) throw new AppError('STANDARD_NOT_FOUND', { item: use.item, tier: use.tier });
  const cap = row.cap * use.quantity;
  if (amount > cap) {
    findings.add('EXPENDITURE_STANDARD_EXCEEDED', { name: row.name, cap, amount, quantity: use.quantity, capPerUnit: row.cap, source: row.source });
  }
}

/** CONTRACT_REQUIRED: a procurement names its contract. */
export function judgeContract(findings: FindingSink, procurement: boolean, contractNo: string | null | undefined): void {
  if (procurement && !contractNo) findings.add('CONTRACT_REQUIRED', {});
}

/** ECONOMIC_KIND_MISMATCH: the indicator's economic class fits its expenditure kind (the unit's map). */
export function judgeKind(findings: FindingSink, settings: LedgerSettings, kind: keyof LedgerSettings['kindEconomicMap'], economicCode: string): void {
  if (!economicFitsKind(settings, kind, economicCode)) findings.add('ECONOMIC_KIND_MISMATCH', { economicCode, kind, kindLabel: KIND_LABELS[kind] });
}

/** THREE_PUBLIC_CAP_EXCEEDED: what is used of a 三公 class plus this amount stays within the year's cap. */
export function judgeThreePublic(findings: FindingSink, economicCode: string, cap: number | null, used: number, amount: number): void {
  if (cap !== null && used + amount > cap) findings.add('THREE_PUBLIC_CAP_EXCEEDED', { economicCode, used, cap, amount });
}
