import type { Kernel } from '../kernel.js';
import { nowIso } from '../clock.js';
import { runCommand } from '../db/command.js';
import { appendAudit, SYSTEM_ACTOR } from '../audit/service.js';
import type { RunnerClient } from './runner/client.js';
import type { PluginLimits } from './limits.js';
import type { Enablement } from './enablement.js';

/**
 * The breaker: consecutive faults of a plugin in one unit are counted in plugin_units; at the
 * threshold the plugin is tripped (disabled) for that unit, audited, and the unit's admins are
 * notified. The bookkeeping is written in the background, never in the caller's way.
 */
export class Breaker {
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly kernel: Kernel, private readonly limits: PluginLimits, private readonly runner: RunnerClient) {}

  /** Counts a fault of the plugin in the enablement's unit. */
  fault(enablement: Enablement, description: string): void {
    this.track(this.recordFault(enablement, description));
  }

  /** A call that did not fault: the count of consecutive faults starts again. */
  succeeded(enablement: Enablement): void {
    if (enablement.faults === 0) return;
    enablement.faults = 0;
    this.track(this.kernel.db.updateTable('plugin_units').set({ faults: 0 }).where('unit_id', '=', enablement.unitId).where('plugin_id', '=', enablement.pluginId).where('state', '=', 'enabled').execute());
  }

  /** Waits for fault bookkeeping written in the background (tests, stop). */
  async idle(): Promise<void> {
    while (this.background.size) await Promise.allSettled([...this.background]);
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch((error) => console.error('[plugins] background write failed:', error)).finally(() => this.background.delete(p));
    this.background.add(p);
  }

  private async recordFault(enablement: Enablement, description: string): Promise<void> {
    const db = this.kernel.db;
    const row = await db
      .updateTable('plugin_units')
      .set((eb) => ({ faults: eb('faults', '+', 1), last_fault: description.slice(0, 1000), updated_at: nowIso() }))
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
        before: { state: 'enabled' }, after: { state: 'tripped', faults: row.faults, lastFault: description.slice(0, 500) },
      });
      await tx.insertInto('notifications').values({
        unit_id: enablement.unitId, user_id: null, role: 'unit_admin', source: 'plugin-host',
        title: `插件 ${enablement.pluginId} 连续出错 ${row.faults} 次，已在本单位自动停用`,
        body: `最近一次错误：${description.slice(0, 500)}。请检查插件后在插件管理中重新启用。`,
        link: '/admin-plugins', created_at: nowIso(), read_at: null,
      }).execute();
    });
    enablement.state = 'tripped';
    console.warn(`[plugins] breaker tripped: ${enablement.pluginId} disabled in unit ${enablement.unitId} after ${row.faults} faults`);
    this.runner.drop(`${enablement.pluginId}@${enablement.version}`, enablement.unitId);
  }
}
