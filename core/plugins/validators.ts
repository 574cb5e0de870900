import type { Db, Executor } from '../db/connection.js';
import type { ValidatorApplies, ValidatorKind, ValidatorProvider, ValidatorVerdict } from '../events/validators.js';
import type { InvokeRequest, Reply } from './runner/client.js';
import type { PluginLimits } from './limits.js';
import type { LoadedPackage } from './packages.js';
import type { Breaker } from './breaker.js';
import { enablementOf, type Enablement } from './enablement.js';
import type { InvokeOptions } from './invoke.js';
import { objectArg } from './ledger-read.js';
import { enablementVersion } from '../db/writes.js';

/** What the validator provider needs of the host. */
export interface ValidatorDeps {
  limits: PluginLimits;
  loadPackage(db: Executor, pluginId: string, version: string): Promise<LoadedPackage>;
  invoke(enablement: Enablement, entry: InvokeRequest['entry'], name: string, input: unknown, options?: InvokeOptions): Promise<Reply>;
  breaker: Breaker;
}

/** Calls of one plugin's validator in one unit in flight at once while it answers quickly (see `paced`). */
const PIPELINE = 8;

/**
 * The plugins' answer to the ledger's synchronous validators (`payment.validate`, …), asked before
 * the writer's transaction opens (plugin time never holds the database), under the validator time limit: every plugin enabled in the unit with the
 * `validators` grant and the validator in its manifest gives a verdict. A validator that faults
 * blocks or warns as the unit chose for that plugin (fail-closed or fail-open).
 */
export function pluginValidators(deps: ValidatorDeps): { ask: ValidatorProvider; applies: ValidatorApplies } {
  // Validations of one plugin in one unit are paced by how fast it answers. They run outside the
  // write transaction, so concurrent submissions no longer queue on the database; but a call queued
  // in the plugin's isolate behind others is charged their time against its own limit. A validator
  // that answers quickly (each of its last answers within a 2·PIPELINE-th of the limit) gets up to
  // PIPELINE calls in flight: one queued behind all the others still has more than half its limit.
  // A slow or failing one (and one not yet seen) runs one call at a time: each gets its whole limit,
  // and a slow validator slows only its own unit's submissions. A strict one-at-a-time chain made
  // every submission of a busy unit wait for a process round trip per submission ahead of it.
  // One gate per (plugin, unit) enabled with a validator, kept while the process runs: its pace is remembered.
  const gates = new Map<string, { running: number; quick: boolean; waiting: Array<() => void> }>();
  const remembered: ValidatingCache = new Map();
  const paced = async <T extends Reply>(key: string, call: () => Promise<T>): Promise<T> => {
    let gate = gates.get(key);
    if (!gate) gates.set(key, (gate = { running: 0, quick: false, waiting: [] }));
    const g = gate;
    const limit = () => (g.quick ? PIPELINE : 1);
    // A call woken from the queue had its place counted by the call that woke it.
    if (g.running < limit()) g.running += 1;
    else await new Promise<void>((resolve) => g.waiting.push(resolve));
    const started = performance.now();
    try {
      const reply = await call();
      g.quick = reply.ok && performance.now() - started <= deps.limits.validatorTimeoutMs / (2 * PIPELINE);
      return reply;
    } catch (error) {
      g.quick = false;
      throw error;
    } finally {
      g.running -= 1;
      while (g.waiting.length > 0 && g.running < limit()) {
        g.running += 1;
        g.waiting.shift()!();
      }
    }
  };
  const ask = async (db: Db, kind: ValidatorKind, unitId: string, document: Record<string, unknown>, lang?: 'zh' | 'en'): Promise<ValidatorVerdict[]> => {
    const verdicts: ValidatorVerdict[] = [];
    for (const enablement of await validating(deps, remembered, db, kind, unitId)) {
      const reply = await paced(`${enablement.pluginId}\u0000${unitId}`, () =>
        deps.invoke(enablement, 'validators', kind, { kind, unitId, document, lang: lang === 'en' ? 'en' : 'zh-CN' }, { executor: db, timeoutMs: deps.limits.validatorTimeoutMs }));
      const answer = reply.ok ? readVerdict(reply.value) : null;
      if (answer) {
        verdicts.push({ source: enablement.pluginId, ...answer });
        continue;
      }
      const why = reply.ok ? 'the validator returned something other than ok/warn/block' : `${reply.error.code}: ${reply.error.message}`;
      if (!reply.ok && reply.error.code === 'PLUGIN_ENTRY_MISSING') continue;
      if (reply.ok) deps.breaker.fault(enablement, `validators ${kind}: PLUGIN_BAD_RESULT`);
      verdicts.push({
        source: enablement.pluginId,
        result: enablement.failMode === 'closed' ? 'block' : 'warn',
        message: `插件校验未完成（${why}）`,
      });
    }
    return verdicts;
  };
  const applies: ValidatorApplies = async (db, kind, unitId) => (await validating(deps, remembered, db, kind, unitId)).length > 0;
  return { ask, applies };
}

/** How long a unit's list of validating plugins is reused: another app process enabling or disabling one is seen within it. */
const VALIDATING_TTL_MS = 1000;
type ValidatingCache = Map<string, { version: number; until: number; found: Enablement[] }>;

/**
 * The unit's enabled plugins granted `validators` whose package validates `kind`, in enablement order.
 * Asked twice by every payment or transfer of a unit with validators (whether to pre-check, then whom
 * to ask) and once by every other one, so it is remembered as credentials are (http/session-cache.ts):
 * dropped at once by any write to plugin_units in this process (an enable, a disable, a fault counted),
 * and after at most a second.
 */
async function validating(deps: ValidatorDeps, cache: ValidatingCache, db: Db, kind: ValidatorKind, unitId: string): Promise<Enablement[]> {
  const key = `${kind}\u0000${unitId}`;
  const version = enablementVersion();
  const hit = cache.get(key);
  if (hit && hit.version === version && Date.now() < hit.until) return hit.found;
  const rows = await db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('state', '=', 'enabled').execute();
  const found: Enablement[] = [];
  for (const row of rows) {
    const enablement = enablementOf(row);
    if (!enablement.grants.includes('validators')) continue;
    const pkg = await deps.loadPackage(db, enablement.pluginId, enablement.version);
    if (pkg.manifest.validators.includes(kind)) found.push(enablement);
  }
  // Read while plugin_units was written (the version moved): used for this call, not kept.
  if (version === enablementVersion()) {
    if (cache.size >= 10_000) cache.clear();
    cache.set(key, { version, until: Date.now() + VALIDATING_TTL_MS, found });
  }
  return found;
}

function readVerdict(value: unknown): { result: 'ok' | 'warn' | 'block'; message: string } | null {
  const v = objectArg(value);
  if (v.result === 'ok') return { result: 'ok', message: '' };
  if ((v.result === 'warn' || v.result === 'block') && typeof v.message === 'string') return { result: v.result, message: v.message.slice(0, 500) };
  return null;
}
