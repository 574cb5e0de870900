import type { Db } from '../db/connection.js';
import { canonicalJson } from '../audit/canonical.js';
import { askValidators, validatorsApply, type ValidatorKind, type ValidatorWarning } from '../events/validators.js';
import { AppError, type Lang } from './errors.js';

/** What the plugins' validators said about one document, asked before the command's transaction. */
export interface ValidatorCheck {
  kind: ValidatorKind;
  /** The document exactly as the validators saw it; null when no enabled plugin validates this kind. */
  document: Record<string, unknown> | null;
  warnings: ValidatorWarning[];
}

/**
 * The check of a command no plugin validates: its rules are evaluated once, in its transaction. A
 * validator enabled between this answer and the command is asked from the next command on.
 */
export async function unlessValidated(db: Db, kind: ValidatorKind, unitId: string, ask: () => Promise<ValidatorCheck>): Promise<ValidatorCheck> {
  return (await validatorsApply(db, kind, unitId)) ? ask() : { kind, document: null, warnings: [] };
}

/** Asks the validators on committed data, outside any transaction (a `block` throws here); `lang`: the submitter's language. */
export async function askBeforeCommand(db: Db, kind: ValidatorKind, unitId: string, document: Record<string, unknown>, lang?: Lang): Promise<ValidatorCheck> {
  return { kind, document, warnings: await askValidators(db, kind, unitId, document, lang) };
}

/**
 * Inside the command's transaction, with the rows locked: the document the command is about to write
 * must be the one the validators judged. If anything they saw changed meanwhile, the command is
 * refused (409) and the client submits again; nothing is written.
 */
export function validatorWarningsFor(check: ValidatorCheck, document: Record<string, unknown>): ValidatorWarning[] {
  if (check.document === null) return [];
  if (canonicalJson(check.document) !== canonicalJson(document)) throw new AppError('VALIDATION_STALE', { kind: check.kind });
  return check.warnings;
}
