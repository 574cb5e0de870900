import type { Tx } from '../db/connection.js';
import { AppError } from '../errors.js';
import { databaseOf } from '../db/command.js';

/**
 * The validator registry: the ledger asks, the plugin host answers; neither imports the other.
 * A provider is registered per database handle (one core), so with no plugin host running the
 * question costs one WeakMap lookup.
 */
export type ValidatorKind = 'payment.validate' | 'transfer.validate';

export interface ValidatorVerdict {
  /** Plugin id that answered. */
  source: string;
  result: 'ok' | 'warn' | 'block';
  message: string;
}

export type ValidatorProvider = (tx: Tx, kind: ValidatorKind, unitId: string, document: Record<string, unknown>) => Promise<ValidatorVerdict[]>;

const providers = new WeakMap<object, ValidatorProvider>();

export function registerValidatorProvider(db: object, provider: ValidatorProvider): void {
  providers.set(db, provider);
}

export function unregisterValidatorProvider(db: object): void {
  providers.delete(db);
}

export interface ValidatorWarning {
  rule: string;
  severity: 'warn';
  message: string;
  details: Record<string, unknown>;
}

/**
 * Asks the validators of the unit's enabled plugins about a document, inside the writer's
 * transaction and before commit. A `block` refuses the command (nothing is written); `warn`s come
 * back as findings to store with the document.
 */
export async function askValidators(tx: Tx, kind: ValidatorKind, unitId: string, document: Record<string, unknown>): Promise<ValidatorWarning[]> {
  const db = databaseOf(tx);
  // A document validated outside a command transaction would skip the plugins' validators unseen.
  if (!db) throw new Error(`${kind} asked outside a command transaction: open it with runCommand`);
  const provider = providers.get(db);
  if (!provider) return [];
  const verdicts = await provider(tx, kind, unitId, document);
  const blocked = verdicts.find((v) => v.result === 'block');
  if (blocked) throw new AppError('PLUGIN_VALIDATION_BLOCKED', { pluginId: blocked.source, message: blocked.message, kind });
  return verdicts
    .filter((v) => v.result === 'warn')
    .map((v) => ({ rule: `plugin:${v.source}`, severity: 'warn' as const, message: v.message, details: { pluginId: v.source, kind } }));
}
