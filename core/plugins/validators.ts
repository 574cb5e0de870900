import type { Db, Executor } from '../db/connection.js';
import type { ValidatorKind, ValidatorProvider, ValidatorVerdict } from '../events/validators.js';
import type { InvokeRequest, Reply } from './runner/client.js';
import type { PluginLimits } from './limits.js';
import type { LoadedPackage } from './packages.js';
import type { Breaker } from './breaker.js';
import { enablementOf, type Enablement } from './enablement.js';
import type { InvokeOptions } from './invoke.js';
import { objectArg } from './ledger-read.js';

/** What the validator provider needs of the host. */
export interface ValidatorDeps {
  limits: PluginLimits;
  loadPackage(db: Executor, pluginId: string, version: string): Promise<LoadedPackage>;
  invoke(enablement: Enablement, entry: InvokeRequest['entry'], name: string, input: unknown, options?: InvokeOptions): Promise<Reply>;
  breaker: Breaker;
}

/**
 * The plugins' answer to the ledger's synchronous validators (`payment.validate`, …), asked before
 * the writer's transaction opens (plugin time never holds the database), under the validator time limit: every plugin enabled in the unit with the
 * `validators` grant and the validator in its manifest gives a verdict. A validator that faults
 * blocks or warns as the unit chose for that plugin (fail-closed or fail-open).
 */
export function pluginValidators(deps: ValidatorDeps): ValidatorProvider {
  // Validations of one plugin in one unit run one after another. They run outside the write
  // transaction, so concurrent submissions no longer queue on the database; queued in the plugin's
  // isolate instead, each would be charged the time of those ahead of it and time out. Waiting here,
  // each call gets its whole limit, and a slow validator slows only its own unit's submissions.
  const tails = new Map<string, Promise<unknown>>();
  const serially = <T>(key: string, call: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(call, call);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => { if (tails.get(key) === tail) tails.delete(key); });
    return run;
  };
  return async (db: Db, kind: ValidatorKind, unitId: string, document: Record<string, unknown>): Promise<ValidatorVerdict[]> => {
    const rows = await db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('state', '=', 'enabled').execute();
    if (rows.length === 0) return [];
    const verdicts: ValidatorVerdict[] = [];
    for (const row of rows) {
      const enablement = enablementOf(row);
      if (!enablement.grants.includes('validators')) continue;
      const pkg = await deps.loadPackage(db, enablement.pluginId, enablement.version);
      if (!pkg.manifest.validators.includes(kind)) continue;
      const reply = await serially(`${enablement.pluginId}\u0000${unitId}`, () =>
        deps.invoke(enablement, 'validators', kind, { kind, unitId, document }, { executor: db, timeoutMs: deps.limits.validatorTimeoutMs }));
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
}

function readVerdict(value: unknown): { result: 'ok' | 'warn' | 'block'; message: string } | null {
  const v = objectArg(value);
  if (v.result === 'ok') return { result: 'ok', message: '' };
  if ((v.result === 'warn' || v.result === 'block') && typeof v.message === 'string') return { result: v.result, message: v.message.slice(0, 500) };
  return null;
}
