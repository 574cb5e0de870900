import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../db/connection.js';
import type { OutboxTable, PluginDeliveriesTable } from '../db/schema.js';
import { enablementOf, type PluginHost } from './host.js';
import { parseCron, previousRun, type CronSchedule } from '../../sdk/cron.js';

const parsedCrons = new Map<string, CronSchedule>();
function cronOf(expression: string): CronSchedule {
  let parsed = parsedCrons.get(expression);
  if (!parsed) {
    parsed = parseCron(expression);
    parsedCrons.set(expression, parsed);
  }
  return parsed;
}

export interface DeliveryOptions {
  /** Pause between rounds when idle, ms. */
  intervalMs: number;
  batchSize: number;
  /** How long a claim holds before another worker may take the delivery over, ms. */
  leaseMs: number;
  /** First retry delay; doubles on every attempt (capped at 5 minutes). */
  retryBaseMs: number;
  maxAttempts: number;
  /** Test hook: the loop dies (as a killed process would) after this many deliveries, before acknowledging the last. */
  crashAfter?: number;
}

const DEFAULTS: DeliveryOptions = { intervalMs: 250, batchSize: 50, leaseMs: 30_000, retryBaseMs: 1000, maxAttempts: 8 };

type Selectable<T> = { [K in keyof T]: T[K] extends import('kysely').Generated<infer U> ? U : T[K] };
type DeliveryRow = Selectable<PluginDeliveriesTable>;

const iso = (ms: number) => new Date(ms).toISOString();
/** pg_advisory_xact_lock key of delivery claims (any constant unique to this use). */
const CLAIM_LOCK_KEY = 0x75624456;
/**
 * A scheduled job holds its (plugin, unit) pair by a lease row in plugin_host_settings, value
 * `<until ISO>|<worker>`: the ISO prefix compares as text against "now", so claim() can skip a
 * held pair in the same statement that checks the pair's delivery claims.
 */
const pairKey = (pluginId: string, unitId: string) => `busy:${pluginId}:${unitId}`;
const SCHEDULE_CHECK_MS = 5000;

/** An event type matches a subscription `payment.paid` exactly or `payment.*` by family. */
export function subscribed(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/**
 * Delivers committed outbox events to subscribed plugins: at least once, retried with backoff,
 * idempotent by (event id, plugin, unit). Two steps, each safe with several app processes:
 * fan-out reads the outbox past a cursor row held under lock and queues one delivery per
 * subscriber; claiming takes due deliveries with FOR UPDATE SKIP LOCKED (PostgreSQL), so no
 * delivery is worked by two processes at once, and an expired claim (a process that died
 * mid-delivery) is taken over.
 */
export class DeliveryLoop {
  readonly options: DeliveryOptions;
  readonly workerId = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private scheduling: Promise<void> | null = null;
  private nextScheduleCheck = 0;
  private stopped = false;
  delivered = 0;
  crashed = false;

  constructor(private readonly host: PluginHost, options: Partial<DeliveryOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.kickSchedules();
      let busy = false;
      try {
        this.running = this.round().then((n) => { busy = n > 0; });
        await this.running;
      } catch (error) {
        if (!this.crashed) console.error('[plugins] delivery round failed:', error);
      } finally {
        this.running = null;
      }
      if (!this.stopped && !this.crashed) this.timer = setTimeout(() => void loop(), busy ? 0 : this.options.intervalMs);
    };
    this.timer = setTimeout(() => void loop(), 0);
  }

  /**
   * Stops the loop and waits for the round and any scheduled job in progress. A job may declare up
   * to 60 s, longer than a graceful shutdown may take: with `failJobsAfterMs` a job still running
   * after that is ended by stopping the sandbox runner (its call fails as PLUGIN_RUNNER_DIED), its
   * slot is given back so it runs after the restart, and its pair is released.
   */
  async stop(options: { failJobsAfterMs?: number } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
    const scheduling = this.scheduling;
    if (!scheduling) return;
    if (options.failJobsAfterMs !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        scheduling.then(() => true),
        new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), options.failJobsAfterMs); }),
      ]);
      clearTimeout(timer);
      if (!finished) await this.host.runner.stop();
    }
    await scheduling;
  }

  /**
   * Starts a pass over the due schedules beside the delivery rounds, never inside one: a long
   * nightly job in one unit must not hold up event delivery to every other unit and plugin.
   * One pass at a time per loop; a pass that found a pair busy retries at the next idle tick
   * instead of waiting out the usual interval.
   */
  private kickSchedules(): void {
    if (this.scheduling || this.stopped || this.crashed || Date.now() < this.nextScheduleCheck) return;
    this.nextScheduleCheck = Date.now() + SCHEDULE_CHECK_MS;
    this.scheduling = this.schedulePass(Date.now(), true)
      .then(({ deferred }) => {
        if (deferred > 0) this.nextScheduleCheck = Date.now() + this.options.intervalMs;
      })
      .catch((error) => console.error('[plugins] schedule pass failed:', error))
      .finally(() => {
        this.scheduling = null;
      });
  }

  /** One round: fan out new outbox events, then work the due deliveries. Returns how many were worked. */
  async round(): Promise<number> {
    await this.fanOut();
    const claimed = await this.claim();
    for (const delivery of claimed) {
      if (this.stopped || this.crashed) break;
      await this.deliver(delivery);
    }
    return claimed.length;
  }

  /**
   * Scheduled jobs (`schedule` in the manifest, per unit): every N minutes, or at the slots of a
   * cron expression (UTC). The last slot run of each job is a row claimed by compare-and-set, so
   * with several app processes exactly one of them runs it. After downtime only the latest missed
   * slot runs, once: a nightly job that missed three nights runs one catch-up, not three.
   * A job runs holding its (plugin, unit) pair like a delivery claim (holdPair), so it never
   * overlaps an event delivery to that pair in any process; a pair busy with deliveries is left
   * for the next pass, its slot still unclaimed. Runs the due jobs and waits for them; the loop
   * calls it in the background, tests call it directly.
   */
  async runSchedules(now = Date.now()): Promise<number> {
    return (await this.schedulePass(now, false)).ran;
  }

  private async schedulePass(now: number, fromLoop: boolean): Promise<{ ran: number; deferred: number }> {
    const db = this.host.kernel.db;
    const rows = await db.selectFrom('plugin_units').selectAll().where('state', '=', 'enabled').where('grants', 'like', '%"schedule"%').execute();
    let ran = 0;
    let deferred = 0;
    for (const row of rows) {
      if (fromLoop && (this.stopped || this.crashed)) break;
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
          if (!reply.ok && reply.error.code === 'PLUGIN_RUNNER_DIED' && this.stopped) {
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
   * same advisory lock as claim(), so a claimer and a job never both see the pair free. The lease
   * is renewed while the job runs (a job may take up to 60 s); if this process dies, it lapses
   * and deliveries to the pair resume.
   */
  private async holdPair(pluginId: string, unitId: string): Promise<{ release: () => Promise<void> } | null> {
    const db = this.host.kernel.db;
    const key = pairKey(pluginId, unitId);
    const leaseMs = this.options.leaseMs;
    const valueUntil = (ms: number) => `${iso(ms)}|${this.workerId}`;
    let value = valueUntil(Date.now() + leaseMs);
    const taken = await db.transaction().execute(async (tx) => {
      if (this.host.kernel.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${CLAIM_LOCK_KEY})`.execute(tx);
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

  async fanOut(): Promise<number> {
    const db = this.host.kernel.db;
    const pg = this.host.kernel.dialect === 'postgres';
    return db.transaction().execute(async (tx) => {
      const cursor = pg
        ? (await sql<{ last_id: number }>`select last_id from plugin_outbox_cursor where id = 1 for update`.execute(tx)).rows[0]
        : await tx.selectFrom('plugin_outbox_cursor').select('last_id').where('id', '=', 1).executeTakeFirst();
      if (!cursor) return 0;
      let events = await tx.selectFrom('outbox').selectAll().where('id', '>', cursor.last_id).orderBy('id').limit(500).execute();
      if (pg && events.length) {
        // Outbox ids come from a sequence, handed out before commit: a transaction still running
        // may commit id 10 after id 11 is visible. Moving the cursor past 11 would lose 10, so the
        // batch stops at the first event written by a transaction not older than every running one.
        const settled = await sql<{ id: number }>`
          select id from outbox where id > ${cursor.last_id} and id <= ${events[events.length - 1]!.id}
            and age(xmin) > age(((pg_snapshot_xmin(pg_current_snapshot())::text::bigint % 4294967296)::text)::xid)`.execute(tx);
        const ok = new Set(settled.rows.map((r) => Number(r.id)));
        const firstOpen = events.findIndex((e) => !ok.has(e.id));
        if (firstOpen >= 0) events = events.slice(0, firstOpen);
      }
      if (events.length === 0) return 0;
      const subscribers = new Map<string, Array<{ pluginId: string }>>();
      let queued = 0;
      for (const event of events) {
        if (!event.unit_id) continue;
        let list = subscribers.get(event.unit_id);
        if (!list) {
          list = await this.subscribersOf(tx, event.unit_id);
          subscribers.set(event.unit_id, list as Array<{ pluginId: string; events: string[] }>);
        }
        for (const s of list as Array<{ pluginId: string; events: string[] }>) {
          if (!subscribed(s.events, event.type)) continue;
          queued += await this.queue(tx, event, s.pluginId);
        }
      }
      await tx.updateTable('plugin_outbox_cursor').set({ last_id: events[events.length - 1]!.id }).where('id', '=', 1).execute();
      return queued;
    });
  }

  private async subscribersOf(tx: Tx, unitId: string): Promise<Array<{ pluginId: string; events: string[] }>> {
    const rows = await tx.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('state', '=', 'enabled').execute();
    const out = [];
    for (const row of rows) {
      const enablement = enablementOf(row);
      if (!enablement.grants.includes('events')) continue;
      const pkg = await this.host.loadPackage(tx, enablement.pluginId, enablement.version);
      if (pkg.manifest.events.length) out.push({ pluginId: enablement.pluginId, events: pkg.manifest.events });
    }
    return out;
  }

  private async queue(tx: Tx, event: Selectable<OutboxTable>, pluginId: string): Promise<number> {
    const result = await tx
      .insertInto('plugin_deliveries')
      .values({
        event_id: event.event_id, plugin_id: pluginId, unit_id: event.unit_id!, type: event.type, payload: event.payload,
        occurred_at: event.occurred_at, status: 'pending', attempts: 0, next_at: event.occurred_at,
        claimed_by: null, claimed_until: null, last_error: null, done_at: null,
      })
      .onConflict((oc) => oc.columns(['event_id', 'plugin_id', 'unit_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  /**
   * Claims due deliveries. Delivery to one (plugin, unit) is serial: a pair with a live claim held by
   * any worker is skipped, so two events of one unit never run at once in one plugin (its
   * read-modify-write of storage cannot lose an update), while other units and plugins run in
   * parallel. The claimer takes the pair's due deliveries together and works them in id order. On
   * PostgreSQL the claims of all processes are serialized by a transaction-scoped advisory lock:
   * without it two claimers could each see the other's (uncommitted) pair as free.
   */
  async claim(): Promise<DeliveryRow[]> {
    const db = this.host.kernel.db;
    const now = iso(Date.now());
    const until = iso(Date.now() + this.options.leaseMs);
    const pg = this.host.kernel.dialect === 'postgres';
    const lock = pg ? sql`for update skip locked` : sql``;
    const claimIn = async (executor: typeof db) => (await sql<DeliveryRow>`
      update plugin_deliveries set status = 'claimed', claimed_by = ${this.workerId}, claimed_until = ${until}
      where id in (
        select d.id from plugin_deliveries d
        where ((d.status = 'pending' and d.next_at <= ${now}) or (d.status = 'claimed' and d.claimed_until < ${now}))
          and not exists (
            select 1 from plugin_deliveries busy
            where busy.plugin_id = d.plugin_id and busy.unit_id = d.unit_id and busy.status = 'claimed'
              and busy.claimed_until >= ${now} and busy.id <> d.id
          )
          and not exists (
            select 1 from plugin_host_settings job
            where job.key = 'busy:' || d.plugin_id || ':' || d.unit_id and job.value >= ${now}
          )
        order by d.id limit ${this.options.batchSize} ${lock}
      )
      returning *`.execute(executor)).rows;
    const rows = pg
      ? await db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(${CLAIM_LOCK_KEY})`.execute(tx);
        return claimIn(tx);
      })
      : await claimIn(db);
    return [...rows].sort((x, y) => x.id - y.id);
  }

  private async deliver(delivery: DeliveryRow): Promise<void> {
    const db = this.host.kernel.db;
    // The batch's later deliveries wait while earlier ones run: renew this one's lease before it runs,
    // and skip it if its claim lapsed and another worker took it over (that worker delivers it), or
    // a scheduled job took the pair meanwhile (the lapsed claim is taken over once the job ends).
    const now = iso(Date.now());
    const renewed = await db.updateTable('plugin_deliveries').set({ claimed_until: iso(Date.now() + this.options.leaseMs) })
      .where('id', '=', delivery.id).where('claimed_by', '=', this.workerId).where('status', '=', 'claimed')
      .where(({ not, exists, selectFrom }) => not(exists(
        selectFrom('plugin_host_settings').select('key').where('key', '=', pairKey(delivery.plugin_id, delivery.unit_id)).where('value', '>=', now),
      )))
      .executeTakeFirst();
    if (Number(renewed.numUpdatedRows) !== 1) return;
    const row = await db.selectFrom('plugin_units').selectAll().where('unit_id', '=', delivery.unit_id).where('plugin_id', '=', delivery.plugin_id).executeTakeFirst();
    const mine = () => db.updateTable('plugin_deliveries').where('id', '=', delivery.id).where('claimed_by', '=', this.workerId);
    if (!row || row.state !== 'enabled') {
      // Disabled or tripped since: the delivery waits (kept pending) rather than being lost.
      await mine().set({ status: 'pending', claimed_by: null, claimed_until: null, next_at: iso(Date.now() + this.options.leaseMs) }).execute();
      return;
    }
    const event = { id: delivery.event_id, type: delivery.type, unitId: delivery.unit_id, occurredAt: delivery.occurred_at, payload: JSON.parse(delivery.payload) };
    const reply = await this.host.invoke(enablementOf(row), 'events', delivery.type, event);
    if (!reply.ok && reply.error.code === 'PLUGIN_NOT_LOADED') {
      // Incompatible after a core upgrade: the event waits for a compatible version rather than burning its attempts.
      await mine().set({ status: 'pending', claimed_by: null, claimed_until: null, next_at: iso(Date.now() + this.options.leaseMs) }).execute();
      return;
    }
    this.delivered += 1;
    if (this.options.crashAfter !== undefined && this.delivered >= this.options.crashAfter) {
      // Simulated kill between the plugin's effect and the acknowledgement.
      this.crashed = true;
      this.stopped = true;
      return;
    }
    const missingHandler = !reply.ok && reply.error.code === 'PLUGIN_ENTRY_MISSING';
    if (reply.ok || missingHandler) {
      await mine().set({ status: 'done', done_at: iso(Date.now()), claimed_until: null, last_error: null, attempts: delivery.attempts + 1 }).execute();
      return;
    }
    const attempts = delivery.attempts + 1;
    const dead = attempts >= this.options.maxAttempts;
    const delay = Math.min(this.options.retryBaseMs * 2 ** (attempts - 1), 5 * 60_000);
    await mine()
      .set({
        status: dead ? 'dead' : 'pending', attempts, next_at: iso(Date.now() + delay), claimed_by: null, claimed_until: null,
        last_error: `${reply.error.code}: ${reply.error.message}`.slice(0, 1000),
      })
      .execute();
  }
}
