import type { Kernel } from '../kernel.js';
import type { Executor, Tx } from '../db/connection.js';
import { nowIso } from '../clock.js';
import { afterCommit, runCommand } from '../db/command.js';
import { appendAudit, SYSTEM_ACTOR, type AuditActor } from '../audit/service.js';
import { AppError } from './errors.js';
import type { RunnerDeath } from './runner/client.js';
import type { Runner } from './runner/pool.js';
import type { PluginLimits } from './limits.js';
import type { Enablement } from './enablement.js';
import { appendLog } from './logs.js';
import { quotasFor } from './quotas.js';
import type { PluginQuarantineView } from '@unibudget/sdk/contracts/plugins';

/** A fault code as an admin may be shown it: the host's and runner's codes have this shape; anything else is not quoted. */
const CODE_SHAPE = /^[A-Z][A-Z0-9_]{1,59}$/;
export const shownCode = (code: string | undefined): string => (code !== undefined && CODE_SHAPE.test(code) ? code : 'PLUGIN_FAULT');

/** How long this process believes its list of quarantined plugins before it reads it again (other processes quarantine too). */
const QUARANTINE_CHECK_MS = 1000;

/** A fault as the breaker is told it: what the admin may see (entry, name, code) and the plugin's own words (its log only). */
export interface FaultReport {
  entry: string;
  name: string;
  code: string;
  /** The plugin's message: written to its log in the unit, never into a notice, audit entry or the admin's fault line. */
  message?: string | undefined;
}

/**
 * The breaker: consecutive faults of a plugin in one unit are counted in plugin_units; at the
 * threshold the plugin is tripped (disabled) for that unit, audited, and the unit's admins are
 * notified. What an admin is shown of a fault — the notice, the audit entry, the unit's "last
 * fault" — is the entry, the code and a fixed sentence of the host's: never text the plugin wrote
 * (that goes to the plugin's own log). The bookkeeping is written in the background, never in the
 * caller's way.
 *
 * Runner deaths are counted per plugin, not per unit: a plugin blamed for killing the shared
 * runner `quarantineKills` times within `quarantineWindowMs` is quarantined everywhere (no unit
 * runs it) until the system administrator releases it (releaseQuarantine).
 */
export class Breaker {
  private readonly background = new Set<Promise<unknown>>();
  private quarantined = new Set<string>();
  private quarantineReadAt = 0;

  constructor(private readonly kernel: Kernel, private readonly limits: PluginLimits, private readonly runner: Runner) {}

  /**
   * Counts a fault of the plugin in the enablement's unit. A string is taken as the admin-safe fault
   * line itself (`validators payment.validate: PLUGIN_BAD_RESULT`).
   */
  fault(enablement: Enablement, fault: FaultReport | string): void {
    const report = typeof fault === 'string' ? reportOf(fault) : fault;
    this.track(this.recordFault(enablement, report));
  }

  /** A call that did not fault: the count of consecutive faults starts again. */
  succeeded(enablement: Enablement): void {
    if (enablement.faults === 0) return;
    enablement.faults = 0;
    this.track(this.kernel.db.updateTable('plugin_units').set({ faults: 0 }).where('unit_id', '=', enablement.unitId).where('plugin_id', '=', enablement.pluginId).where('state', '=', 'enabled').execute());
  }

  /** The runner died: the plugin version it was blamed on (if any) is charged one kill, and quarantined at the limit. */
  runnerKilled(death: RunnerDeath): void {
    if (death.culprit) this.track(this.recordKill(death, death.culprit));
  }

  /** Whether the plugin is quarantined (this process's list, read again after a second). */
  async isQuarantined(db: Executor, pluginId: string): Promise<boolean> {
    if (Date.now() - this.quarantineReadAt > QUARANTINE_CHECK_MS) {
      const rows = await db.selectFrom('plugin_quarantine').select('plugin_id').where('released_at', 'is', null).execute();
      this.quarantined = new Set(rows.map((r) => r.plugin_id));
      this.quarantineReadAt = Date.now();
    }
    return this.quarantined.has(pluginId);
  }

  /** The system administrator released the plugin (after the commit): this process runs it again at once. */
  released(pluginId: string): void {
    this.quarantined.delete(pluginId);
  }

  /** Waits for fault bookkeeping written in the background (tests, stop). */
  async idle(): Promise<void> {
    while (this.background.size) await Promise.allSettled([...this.background]);
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((error) => console.error('[plugins] background write failed:', error)).finally(() => this.background.delete(p));
    this.background.add(p);
  }

  private async recordFault(enablement: Enablement, report: FaultReport): Promise<void> {
    const db = this.kernel.db;
    const code = shownCode(report.code);
    const line = `${report.entry} ${report.name}: ${code}`.slice(0, 300);
    if (report.message) this.track(this.logFault(enablement, report, line));
    const row = await db
      .updateTable('plugin_units')
      .set((eb) => ({ faults: eb('faults', '+', 1), last_fault: line, updated_at: nowIso() }))
      .where('unit_id', '=', enablement.unitId)
      .where('plugin_id', '=', enablement.pluginId)
      .where('state', '=', 'enabled')
      .returning(['faults'])
      .executeTakeFirst();
    if (!row) return;
    enablement.faults = row.faults;
    if (row.faults < this.limits.breakerThreshold) return;
    await runCommand(this.kernel, async (tx) => {
      const tripped = await tx
        .updateTable('plugin_units')
        .set({ state: 'tripped', updated_at: nowIso() })
        .where('unit_id', '=', enablement.unitId)
        .where('plugin_id', '=', enablement.pluginId)
        .where('state', '=', 'enabled')
        .returning(['id'])
        .executeTakeFirst();
      if (!tripped) return;
      await appendAudit(tx, {
        actor: SYSTEM_ACTOR, unitId: enablement.unitId, action: 'plugin.trip', entity: 'plugin', entityId: `${enablement.unitId}:${enablement.pluginId}`,
        before: { state: 'enabled' }, after: { state: 'tripped', faults: row.faults, lastFault: line },
      });
      await tx.insertInto('notifications').values({
        unit_id: enablement.unitId, user_id: null, role: 'unit_admin', source: 'plugin-host',
        title: `插件 ${enablement.pluginId} 连续出错 ${row.faults} 次，已在本单位自动停用`,
        body: `最近一次错误代码：${code}。错误详情已写入该插件在本单位的日志。请检查插件后在插件管理中重新启用。`,
        link: '/admin-plugins', created_at: nowIso(), read_at: null,
      }).execute();
    });
    enablement.state = 'tripped';
    console.warn(`[plugins] breaker tripped: ${enablement.pluginId} disabled in unit ${enablement.unitId} after ${row.faults} faults`);
    this.runner.drop(`${enablement.pluginId}@${enablement.version}`, enablement.unitId);
  }

  /** The detail, in the plugin's own words, for its developer: the plugin's log in the unit (a ring, logs.ts). */
  private async logFault(enablement: Enablement, report: FaultReport, line: string): Promise<void> {
    const db = this.kernel.db;
    const keep = (await quotasFor(db, enablement.pluginId, enablement.unitId)).logEntries;
    await appendLog(db, enablement.pluginId, enablement.unitId, {
      level: 'error', message: `[host] ${line}: ${report.message}`, data: { source: 'host', entry: report.entry, name: report.name, code: shownCode(report.code) },
    }, keep);
  }

  private async recordKill(death: RunnerDeath, culprit: NonNullable<RunnerDeath['culprit']>): Promise<void> {
    const at = culprit.key.lastIndexOf('@');
    const pluginId = culprit.key.slice(0, at);
    const version = culprit.key.slice(at + 1);
    const { quarantineKills, quarantineWindowMs } = this.limits;
    const kills = await runCommand(this.kernel, async (tx) => {
      const now = nowIso();
      await tx.insertInto('plugin_runner_kills').values({ plugin_id: pluginId, version, reason: death.reason, unit_id: culprit.unitIds[0] ?? null, at: now }).execute();
      const held = await tx.selectFrom('plugin_quarantine').select(['released_at']).where('plugin_id', '=', pluginId).executeTakeFirst();
      if (held && held.released_at === null) return null;
      // Kills before the last release were forgiven with it.
      const windowStart = new Date(Date.now() - quarantineWindowMs).toISOString();
      const since = held?.released_at && held.released_at > windowStart ? held.released_at : windowStart;
      const counted = await tx.selectFrom('plugin_runner_kills').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('plugin_id', '=', pluginId).where('at', '>', since).executeTakeFirstOrThrow();
      const n = Number(counted.n);
      if (n < quarantineKills) return null;
      const values = { version, since: now, kills: n, reason: death.reason, released_at: null, released_by: null };
      const taken = await tx.insertInto('plugin_quarantine').values({ plugin_id: pluginId, ...values })
        .onConflict((oc) => oc.column('plugin_id').doUpdateSet(values).where('plugin_quarantine.released_at', 'is not', null))
        .executeTakeFirst();
      if (Number(taken.numInsertedOrUpdatedRows ?? 0) !== 1) return null;
      const minutes = Math.round(quarantineWindowMs / 60_000);
      await appendAudit(tx, {
        actor: SYSTEM_ACTOR, unitId: null, action: 'plugin.quarantine', entity: 'plugin', entityId: pluginId,
        before: null, after: { state: 'quarantined', version, kills: n, windowMinutes: minutes, reason: death.reason },
      });
      // Fixed sentences: the system administrators (who release it) and the admins of every unit that has it.
      const title = `插件 ${pluginId} 多次导致插件运行进程崩溃，已在全系统隔离`;
      const body = `插件 ${pluginId}（${version}）在 ${minutes} 分钟内 ${n} 次导致插件运行进程崩溃（原因代码：${death.reason}），已在所有单位停止运行，等待系统管理员检查后解除隔离。`;
      const sysUnits = await tx.selectFrom('role_grants').select('unit_id').distinct().where('role', '=', 'system_admin').execute();
      const pluginUnits = await tx.selectFrom('plugin_units').select('unit_id').where('plugin_id', '=', pluginId).where('state', '!=', 'disabled').execute();
      const rows = [
        ...sysUnits.map((r) => ({ unit_id: r.unit_id, role: 'system_admin' })),
        ...pluginUnits.map((r) => ({ unit_id: r.unit_id, role: 'unit_admin' })),
      ];
      if (rows.length) {
        await tx.insertInto('notifications').values(rows.map((r) => ({
          ...r, user_id: null, source: 'plugin-host', title, body, link: '/admin-plugins', created_at: now, read_at: null,
        }))).execute();
      }
      return n;
    });
    if (kills === null) return;
    this.quarantined.add(pluginId);
    this.runner.drop(culprit.key);
    console.warn(`[plugins] ${pluginId} quarantined: blamed for ${kills} runner deaths within ${Math.round(quarantineWindowMs / 60_000)} minutes`);
  }
}

/** A fault line given as text (`entry name: CODE`): its code is the last word. */
function reportOf(line: string): FaultReport {
  const match = /^(\S+) (.*): ([A-Z][A-Z0-9_]*)$/.exec(line);
  return match ? { entry: match[1]!, name: match[2]!, code: match[3]! } : { entry: 'call', name: '', code: 'PLUGIN_FAULT' };
}

/** Quarantines, current first (releasedAt null), then released ones, newest first: one row per plugin, its last quarantine. */
export async function listQuarantine(db: Executor): Promise<PluginQuarantineView[]> {
  const rows = await db.selectFrom('plugin_quarantine as q')
    .leftJoin('users as u', 'u.id', 'q.released_by')
    .selectAll('q').select('u.display_name as released_by_name')
    .orderBy('q.since', 'desc').execute();
  return rows
    .map((r): PluginQuarantineView => ({
      pluginId: r.plugin_id, version: r.version, since: r.since, kills: r.kills, reason: r.reason,
      releasedAt: r.released_at, releasedBy: r.released_by, releasedByName: r.released_by_name,
    }))
    .sort((a, b) => Number(a.releasedAt !== null) - Number(b.releasedAt !== null));
}

/**
 * Releases a quarantined plugin (the system administrator, after looking): it runs again in the
 * units that have it enabled, with a clean count of kills. Audited. The host's list is told after
 * the commit; other processes read it again within a second.
 */
export async function releaseQuarantine(tx: Tx, by: AuditActor, pluginId: string, host: { quarantineReleased(pluginId: string): void }) {
  const row = await tx.selectFrom('plugin_quarantine').selectAll().where('plugin_id', '=', pluginId).executeTakeFirst();
  if (!row || row.released_at !== null) throw new AppError('PLUGIN_NOT_QUARANTINED', { pluginId });
  const releasedAt = nowIso();
  await tx.updateTable('plugin_quarantine').set({ released_at: releasedAt, released_by: by.userId }).where('plugin_id', '=', pluginId).where('released_at', 'is', null).execute();
  await appendAudit(tx, {
    actor: by, unitId: null, action: 'plugin.release', entity: 'plugin', entityId: pluginId,
    before: { state: 'quarantined', version: row.version, since: row.since, kills: row.kills, reason: row.reason }, after: { state: 'released' },
  });
  afterCommit(tx, `plugins:release:${pluginId}`, () => host.quarantineReleased(pluginId));
  return { pluginId, state: 'released' as const, version: row.version, quarantinedAt: row.since, kills: row.kills, reason: row.reason, releasedAt };
}
