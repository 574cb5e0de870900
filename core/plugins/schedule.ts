import { sql } from 'kysely';
import { runCommand } from '../db/command.js';
import { parseCron, previousRun, type CronSchedule } from '../../sdk/cron.js';
import { enablementOf } from './enablement.js';
import type { PluginHost } from './host.js';

const parsedCrons = new Map<string, CronSchedule>();
function cronOf(expression: string): CronSchedule {
  let parsed = parsedCrons.get(expression);
  if (!parsed) {
    parsed = parseCron(expression);
    parsedCrons.set(expression, parsed);
  }
  return parsed;
}

export const iso = (ms: number) => new Date(ms).toISOString();
/** pg_advisory_xact_lock key of delivery claims (any constant unique to this use). */
export const CLAIM_LOCK_KEY = 0x75624456;
/**
 * A scheduled job holds its (plugin, unit) pair by a lease row in plugin_host_settings, value
 * `<until ISO>|<worker>`: the ISO prefix compares as text against "now", so a delivery claim can
 * skip a held pair in the same statement that checks the pair's delivery claims.
 */
export const pairKey = (pluginId: string, unitId: string) => `busy:${pluginId}:${unitId}`;

export interface SchedulerOptions {
  /** How long a pair's lease holds before it lapses (renewed while the job runs), ms. */
  leaseMs: number;
  workerId: string;
  /** The delivery loop has been stopped (shutdown). */
  stopped: () => boolean;
  /** The delivery loop died (test hook). */
  crashed: () => boolean;
}

/**
 * Scheduled jobs (`schedule` in the manifest, per unit): every N minutes, or at the slots of a
 * cron expression (UTC). The last slot run of each job is a row claimed by compare-and-set, so
 * with several app processes exactly one of them runs it. After downtime only the latest missed
 * slot runs, once: a nightly job that missed three nights runs one catch-up, not three.
 * A job runs holding its (plugin, unit) pair like a delivery claim (holdPair), so it never
 * overlaps an event delivery to that pair in any process; a pair busy with deliveries is left
 * for the next pass, its slot still unclaimed.
 */
export class Scheduler {
  constructor(private readonly host: PluginHost, private readonly options: SchedulerOptions) {}

  /** One pass over the due jobs, run and waited for; `fromLoop` passes end early when the loop stops. */
  async pass(now: number, fromLoop: boolean): Promise<{ ran: number; deferred: number }> {
    const db = this.host.kernel.db;
    const rows = await db.selectFrom('plugin_units').selectAll().where('state', '=', 'enabled').where('grants', 'like', '%"schedule"%').execute();
    let ran = 0;
    let deferred = 0;
    for (const row of rows) {
      if (fromLoop && (this.options.stopped() || this.options.crashed())) break;
      const enablement = enablementOf(row);
      const pkg = await this.host.loadPackage(db, enablement.pluginId, enablement.version);
      const due: Array<{ name: string; key: string; last: string | undefined; stamp: string }> = [];
      for (const job of pkg.manifest.schedule) {
        const key = `schedule:${enablement.pluginId}:${enablement.unitId}:${job.name}`;
        const last = await db.selectFrom('plugin_host_settings').select('value').where('key', '=', key).executeTakeFirst();
        let slot: number;
        if ('cron' in job) {
          const due = previousRun(cronOf(job.cron), new Date(now));
          if (!due) continue;
          slot = due.getTime();
          // Never run yet: only slots after the plugin was enabled here count (enabling at 15:00 does not replay last night's 02:00).
          const since = last ? Date.parse(last.value) : Date.parse(row.updated_at) - 1;
          if (slot <= since) continue;
        } else {
          if (last && now - Date.parse(last.value) < job.everyMinutes * 60_000) continue;
          slot = now;
        }
        due.push({ name: job.name, key, last: last?.value, stamp: iso(slot) });
      }
      if (due.length === 0) continue;
      const pair = await this.holdPair(enablement.pluginId, enablement.unitId);
      if (!pair) {
        deferred += 1;
        continue;
      }
      try {
        for (const job of due) {
          const claimed = job.last !== undefined
            ? Number((await db.updateTable('plugin_host_settings').set({ value: job.stamp }).where('key', '=', job.key).where('value', '=', job.last).executeTakeFirst()).numUpdatedRows) === 1
            : Number((await db.insertInto('plugin_host_settings').values({ key: job.key, value: job.stamp }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst()).numInsertedOrUpdatedRows ?? 0) === 1;
          if (!claimed) continue;
          const reply = await this.host.invoke(enablement, 'schedule', job.name, { scheduledAt: job.stamp });
          if (!reply.ok && reply.error.code === 'PLUGIN_RUNNER_DIED' && this.options.stopped()) {
            // Cut off by shutdown, not by the plugin: the slot is due again after the restart.
            const back = db.updateTable('plugin_host_settings').where('key', '=', job.key).where('value', '=', job.stamp);
            if (job.last !== undefined) await back.set({ value: job.last }).execute();
            else await db.deleteFrom('plugin_host_settings').where('key', '=', job.key).where('value', '=', job.stamp).execute();
            break;
          }
          ran += 1;
        }
      } finally {
        await pair.release();
      }
    }
    return { ran, deferred };
  }

  /**
   * Takes a (plugin, unit) pair for a scheduled job, or null while a delivery to it holds a live
   * claim or another job holds it. Checked and taken in one transaction, on PostgreSQL under the
   * same advisory lock as the delivery claim, so a claimer and a job never both see the pair free.
   * The lease is renewed while the job runs (a job may take up to 60 s); if this process dies, it
   * lapses and deliveries to the pair resume.
   */
  private async holdPair(pluginId: string, unitId: string): Promise<{ release: () => Promise<void> } | null> {
    const kernel = this.host.kernel;
    const db = kernel.db;
    const key = pairKey(pluginId, unitId);
    const leaseMs = this.options.leaseMs;
    const valueUntil = (ms: number) => `${iso(ms)}|${this.options.workerId}`;
    let value = valueUntil(Date.now() + leaseMs);
    const taken = await runCommand(kernel, async (tx) => {
      if (kernel.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${CLAIM_LOCK_KEY})`.execute(tx);
      const now = iso(Date.now());
      const delivering = await tx.selectFrom('plugin_deliveries').select('id')
        .where('plugin_id', '=', pluginId).where('unit_id', '=', unitId).where('status', '=', 'claimed').where('claimed_until', '>=', now)
        .limit(1).executeTakeFirst();
      if (delivering) return false;
      const result = await tx.insertInto('plugin_host_settings').values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }).where('plugin_host_settings.value', '<', now))
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    });
    if (!taken) return null;
    let renewing: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      const next = valueUntil(Date.now() + leaseMs);
      renewing = db.updateTable('plugin_host_settings').set({ value: next }).where('key', '=', key).where('value', '=', value).executeTakeFirst()
        .then((r) => {
          if (Number(r.numUpdatedRows) === 1) value = next;
        })
        .catch((error) => console.error('[plugins] schedule lease renewal failed:', error));
    }, Math.max(20, Math.floor(leaseMs / 3)));
    return {
      release: async () => {
        clearInterval(timer);
        await renewing;
        await db.deleteFrom('plugin_host_settings').where('key', '=', key).where('value', '=', value).execute();
      },
    };
  }
}
