import type { Db } from '../db/connection.js';
import { AppError, type Lang } from '../errors.js';

/**
 * The validator registry: the ledger asks, the plugin host answers; neither imports the other.
 * A provider is registered per database handle (one core), so with no plugin host running the
 * question costs one WeakMap lookup.
 */
export type ValidatorKind = 'payment.validate' | 'transfer.validate' | 'budgetRequest.validate';

export interface ValidatorVerdict {
  /** Plugin id that answered. */
  source: string;
  result: 'ok' | 'warn' | 'block';
  message: string;
}

/** `lang`: the submitter's language (the request's Accept-Language), passed to the plugins so their messages are in it. */
export type ValidatorProvider = (db: Db, kind: ValidatorKind, unitId: string, document: Record<string, unknown>, lang?: Lang) => Promise<ValidatorVerdict[]>;

/** Whether any plugin enabled in the unit validates `kind` (cheaper than asking: no plugin is called). */
export type ValidatorApplies = (db: Db, kind: ValidatorKind, unitId: string) => Promise<boolean>;

const providers = new WeakMap<object, ValidatorProvider>();
const applies = new WeakMap<object, ValidatorApplies>();

/** `whether`: how the provider tells that it has nothing to ask in a unit; without it, it always may. */
export function registerValidatorProvider(db: object, provider: ValidatorProvider, whether?: ValidatorApplies): void {
  providers.set(db, provider);
  if (whether) applies.set(db, whether);
  else applies.delete(db);
}

export function unregisterValidatorProvider(db: object): void {
  providers.delete(db);
  applies.delete(db);
}

/**
 * Whether a command of `kind` in the unit has validators to ask. When none has, the command skips
 * the pre-check that exists only so that a draft the core refuses never reaches a plugin: its own
 * evaluation, in its transaction, is the one that counts (a payment has 4 statements fewer).
 */
export async function validatorsApply(db: Db, kind: ValidatorKind, unitId: string): Promise<boolean> {
  if (!providers.has(db)) return false;
  const whether = applies.get(db);
  return whether ? whether(db, kind, unitId) : true;
}

export interface ValidatorWarning {
  rule: string;
  severity: 'warn';
  message: string;
  details: Record<string, unknown>;
}

/**
 * Asks the validators of the unit's enabled plugins about a document. Never inside a write
 * transaction: plugin time (up to the validator limit, for every enabled plugin) must not hold the
 * database — on SQLite that is every unit's one connection. The command asks first, on committed
 * data, and then checks in its transaction that the document it writes is the one the validators
 * judged (core/ledger/validation.ts). A `block` refuses the command before anything is written;
 * `warn`s come back as findings to store with the document.
 */
export async function askValidators(db: Db, kind: ValidatorKind, unitId: string, document: Record<string, unknown>, lang?: Lang): Promise<ValidatorWarning[]> {
  if (db.isTransaction) throw new Error(`${kind} asked inside a transaction: validators run before the command's transaction`);
  const provider = providers.get(db);
  if (!provider) return [];
  const verdicts = await provider(db, kind, unitId, document, lang);
  const blocked = verdicts.find((v) => v.result === 'block');
  // A budget request a plugin refuses conflicts with a rule of the unit's (409, as the host API 1.1.0 contract says);
  // payments and transfers keep the 422 they have always answered.
  if (blocked && kind === 'budgetRequest.validate') throw new AppError('BUDGET_REQUEST_BLOCKED', { pluginId: blocked.source, message: blocked.message, kind });
  if (blocked) throw new AppError('PLUGIN_VALIDATION_BLOCKED', { pluginId: blocked.source, message: blocked.message, kind });
  return verdicts
    .filter((v) => v.result === 'warn')
    .map((v) => ({ rule: `plugin:${v.source}`, severity: 'warn' as const, message: v.message, details: { pluginId: v.source, kind } }));
}
