import type { Executor } from '../db/connection.js';
import { businessDate } from '../clock.js';
import { AppError } from '../errors.js';
import { getVersion, inForceView, listVersions, parseRows, proposeFromPlugin } from '../ledger/standards/service.js';
import { trialRun } from '../ledger/rules/trial.js';
import { NewStandardVersion, TrialRequest } from '@unibudget/sdk/contracts/standards';
import { HostCallError } from './errors.js';
import { objectArg } from './ledger-read.js';

/*
 * Host API 1.1.0 calls over the versioned expenditure standards and the control-rule trial run:
 * `standards.list` / `standards.get` (ledger.read), `standards.propose` (standards.propose: a
 * proposal only — a person holding standard.manage adopts it in the core) and `rules.trial`
 * (rules.trial: the core's own judgments over past payments, nothing written). Pinned to the unit
 * the call is bound to; arguments are checked with the same contracts as the HTTP routes.
 */

function badArguments(issues: Array<{ path: PropertyKey[]; message: string }>): HostCallError {
  const first = issues[0];
  return new HostCallError('PLUGIN_BAD_ARGUMENTS', first ? `${first.path.map(String).join('.') || 'argument'}: ${first.message}` : 'bad arguments');
}

/** A core refusal (no such version, a bad row) reaches the plugin as a host error with the core's code. */
async function asHostCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw new HostCallError(error.code, error.messageIn('zh'), error.status);
    throw error;
  }
}

export async function standardsList(db: Executor, unitId: string, arg: unknown) {
  const a = objectArg(arg);
  const date = a.date === undefined ? businessDate() : a.date;
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'date: YYYY-MM-DD');
  const inForce = await inForceView(db, unitId, date);
  return { ...inForce, history: await listVersions(db, unitId) };
}

export async function standardsGet(db: Executor, unitId: string, arg: unknown) {
  const id = objectArg(arg).versionId;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) throw new HostCallError('PLUGIN_BAD_ARGUMENTS', 'versionId: a positive integer');
  return asHostCall(() => getVersion(db, unitId, id));
}

export async function standardsPropose(db: Executor, unitId: string, pluginId: string, arg: unknown) {
  const parsed = NewStandardVersion.safeParse(arg);
  if (!parsed.success) throw badArguments(parsed.error.issues);
  const input = parsed.data;
  return asHostCall(() => proposeFromPlugin(db, unitId, pluginId, { ...input, rows: parseRows(input.rows) }));
}

export async function rulesTrial(db: Executor, unitId: string, arg: unknown) {
  const parsed = TrialRequest.safeParse(arg);
  if (!parsed.success) throw badArguments(parsed.error.issues);
  return asHostCall(() => trialRun(db, unitId, parsed.data));
}
