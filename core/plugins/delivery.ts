import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { PluginDeliveriesTable } from '../db/schema.js';
import { runCommand } from '../db/command.js';
import { enablementOf } from './enablement.js';
import { fanOut } from './fan-out.js';
import { CLAIM_LOCK_KEY, iso, pairKey, Scheduler } from './schedule.js';
import type { PluginHost } from './host.js';

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

type DeliveryRow = Selectable<PluginDeliveriesTable>;

const SCHEDULE_CHECK_MS = 5000;

const loops = new WeakMap<PluginHost, DeliveryLoop>();

/**
 * Starts the outbox delivery loop of this process beside a host (idempotent per host). Whoever
 * assembles the running core calls it (the CLI's start, the multi-process test's app); the loop is
 * stopped before the host when the kernel closes, a longer job failed and rescheduled after 5 s
 * (within the 15 s of a graceful shutdown, core/cli.ts).
 */
export function startDelivery(host: PluginHost, options: Partial<DeliveryOptions> = {}): DeliveryLoop {
  let loop = loops.get(host);
  if (!loop) {
    const started = new DeliveryLoop(host, options);
    loop = started;
    loops.set(host, started);
    started.start();
    host.beforeStop(async () => {
      loops.delete(host);
      await started.stop({ failJobsAfterMs: 5000 });
    });
  }
  return loop;
}

/**
 * Delivers committed outbox events to subscribed plugins: at least once, retried with backoff,
 * idempotent by (event id, plugin, unit). Two steps, each safe with several app processes:
 * fan-out (fan-out.ts) reads the outbox past a cursor row held under lock and queues one delivery
 * per subscriber; claiming takes due deliveries with FOR UPDATE SKIP LOCKED (PostgreSQL), so no
 * delivery is worked by two processes at once, and an expired claim (a process that died
 * mid-delivery) is taken over. Scheduled jobs (schedule.ts) run beside the rounds.
 */
export class DeliveryLoop {
  readonly options: DeliveryOptions;
  readonly workerId = randomUUID();
  private readonly scheduler: Scheduler;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private scheduling: Promise<void> | null = null;
  private nextScheduleCheck = 0;
  private stopped = false;
  delivered = 0;
  crashed = false;

  constructor(private readonly host: PluginHost, options: Partial<DeliveryOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.scheduler = new Scheduler(host, {
      leaseMs: this.options.leaseMs, workerId: this.workerId, stopped: () => this.stopped, crashed: () => this.crashed,
    });
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
    this.scheduling = this.scheduler.pass(Date.now(), true)
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
   * Runs the due scheduled jobs (schedule.ts) and waits for them; the loop runs them in the
   * background, tests call this directly.
   */
  async runSchedules(now = Date.now()): Promise<number> {
    return (await this.scheduler.pass(now, false)).ran;
  }

  /** Queues the deliveries of new outbox events (fan-out.ts). */
  async fanOut(): Promise<number> {
    return fanOut(this.host);
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
    const kernel = this.host.kernel;
    const now = iso(Date.now());
    const until = iso(Date.now() + this.options.leaseMs);
    const pg = kernel.dialect === 'postgres';
    const lock = pg ? sql`for update skip locked` : sql``;
    const claimIn = async (executor: typeof kernel.db) => (await sql<DeliveryRow>`
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
      ? await runCommand(kernel, async (tx) => {
        await sql`select pg_advisory_xact_lock(${CLAIM_LOCK_KEY})`.execute(tx);
        return claimIn(tx);
      })
      : await claimIn(kernel.db);
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
    if (!reply.ok && (reply.error.code === 'PLUGIN_NOT_LOADED' || reply.error.code === 'PLUGIN_QUARANTINED')) {
      // Incompatible after a core upgrade, or quarantined until the system administrator releases it:
      // the event waits rather than burning its attempts.
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
