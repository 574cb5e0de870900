import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { PluginDeliveriesTable } from '../db/schema.js';
import { runCommand } from '../db/command.js';
import { enablementOf } from './enablement.js';
import { fanOut } from './fan-out.js';
import { CLAIM_LOCK_KEY, iso, pairKey, Scheduler } from './schedule.js';
import type { PluginHost } from './host.js';
import type { Reply } from './runner/client.js';

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
/** The most events handed to the sandbox in one call (manifest `eventBatch`). */
const MAX_BATCH = 100;

/** A batch call that failed as a whole: its transaction is rolled back with it. */
class BatchFailed extends Error {
  constructor(readonly reply: Reply) {
    super('event batch failed');
  }
}

const eventOf = (delivery: DeliveryRow) => ({ id: delivery.event_id, type: delivery.type, unitId: delivery.unit_id, occurredAt: delivery.occurred_at, payload: JSON.parse(delivery.payload) });

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
    // One group per (plugin, unit), each in id order; pairs in the order of their first delivery.
    const groups = new Map<string, DeliveryRow[]>();
    for (const delivery of claimed) {
      const key = `${delivery.plugin_id}\u0000${delivery.unit_id}`;
      const group = groups.get(key);
      if (group) group.push(delivery);
      else groups.set(key, [delivery]);
    }
    for (const group of groups.values()) {
      if (this.stopped || this.crashed) break;
      await this.deliverPair(group);
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

  /**
   * Works one (plugin, unit)'s claimed deliveries in id order with few statements: one lease renewal
   * for the whole group (again whenever a third of the lease has passed, and then also checking the
   * plugin is still enabled) and one read of the enablement. A plugin that declares `eventBatch` gets
   * the events several per sandbox call (deliverBatch), acknowledged together — before any failure is
   * written, at a renewal and at the end of the group; otherwise each event is acknowledged once its
   * handler returned. A process killed mid-group leaves its unacknowledged deliveries claimed: once the
   * lease lapses another worker delivers them again (at least once; idempotent plugins see each effect once).
   */
  private async deliverPair(group: DeliveryRow[]): Promise<void> {
    const db = this.host.kernel.db;
    const { plugin_id: pluginId, unit_id: unitId } = group[0]!;
    const mine = (ids: number[]) => db.updateTable('plugin_deliveries').where('id', 'in', ids).where('claimed_by', '=', this.workerId);
    const release = async (ids: number[]) => {
      // Disabled, tripped, incompatible or quarantined: the deliveries wait (kept pending) rather than being lost or burning attempts.
      if (ids.length) await mine(ids).set({ status: 'pending', claimed_by: null, claimed_until: null, next_at: iso(Date.now() + this.options.leaseMs) }).execute();
    };
    let queue = await this.renew(group);
    const read = () => db.selectFrom('plugin_units').selectAll().where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
    let row = queue.length ? await read() : undefined;
    let renewedAt = Date.now();
    /** How many events go alone before batching resumes (after a batch that stopped at a failing handler, or failed as a whole). */
    let single = 0;
    const acks: DeliveryRow[] = [];
    const flush = async () => {
      if (!acks.length) return;
      const done = acks.splice(0);
      // attempts + 1 for each: rows of one group may differ in attempts (retries), so the column adds one.
      await mine(done.map((d) => d.id)).set((eb) => ({ status: 'done', done_at: iso(Date.now()), claimed_until: null, last_error: null, attempts: eb('attempts', '+', 1) })).execute();
    };
    while (queue.length) {
      if (this.stopped || this.crashed) break;
      if (!row || row.state !== 'enabled') {
        await flush();
        await release(queue.map((d) => d.id));
        return;
      }
      if (Date.now() - renewedAt > Math.min(this.options.leaseMs / 3, 2000)) {
        // A long group: renew the rest (or skip what another worker took over, or a scheduled job's pair), and see the plugin is still on.
        await flush();
        queue = await this.renew(queue);
        row = queue.length ? await read() : undefined;
        renewedAt = Date.now();
        continue;
      }
      const enablement = enablementOf(row);
      const batching = (await this.host.loadPackage(db, pluginId, enablement.version)).manifest.eventBatch;
      if (!single && queue.length > 1 && batching) {
        const outcome = await this.deliverBatch(enablement, queue);
        if (outcome === 'release') {
          await flush();
          await release(queue.map((d) => d.id));
          return;
        }
        if (outcome !== 'failed') {
          // Completed in the sandbox: acknowledged with the others; what the batch left (its time or host calls used up) goes in the next.
          acks.push(...queue.splice(0, outcome.done));
          if (this.crashed) return;
          if (outcome.failed) single = 1;
          continue;
        }
        // The batch failed as a whole (timeout, runner death): its first event goes alone now, then batching resumes.
      } else if (single > 0) {
        single -= 1;
      }
      const delivery = queue.shift()!;
      const event = eventOf(delivery);
      const reply = await this.host.invoke(enablement, 'events', delivery.type, event);
      if (!reply.ok && (reply.error.code === 'PLUGIN_NOT_LOADED' || reply.error.code === 'PLUGIN_QUARANTINED')) {
        await flush();
        await release([delivery.id, ...queue.map((d) => d.id)]);
        return;
      }
      this.delivered += 1;
      if (this.options.crashAfter !== undefined && this.delivered >= this.options.crashAfter) {
        // Simulated kill between the plugin's effect and the acknowledgement: what was not yet acknowledged stays claimed.
        this.crashed = true;
        this.stopped = true;
        return;
      }
      if (reply.ok || reply.error.code === 'PLUGIN_ENTRY_MISSING') {
        acks.push(delivery);
        // A plugin called one event at a time has each acknowledged at once: a kill repeats only the one in flight.
        if (!batching) await flush();
        continue;
      }
      await flush();
      const attempts = delivery.attempts + 1;
      const dead = attempts >= this.options.maxAttempts;
      const delay = Math.min(this.options.retryBaseMs * 2 ** (attempts - 1), 5 * 60_000);
      await mine([delivery.id])
        .set({
          status: dead ? 'dead' : 'pending', attempts, next_at: iso(Date.now() + delay), claimed_by: null, claimed_until: null,
          last_error: `${reply.error.code}: ${reply.error.message}`.slice(0, 1000),
        })
        .execute();
      // A fault may have tripped the breaker: read the enablement again before the next event.
      row = await read();
    }
    await flush();
  }

  /**
   * Hands the pair's next events to the sandbox in one call (a plugin whose manifest declares
   * `eventBatch`): the runtime calls the same handlers one after another, in order, and stops at
   * the first that fails or once it used a quarter of the call's time (a handler started then still
   * has most of it) or half its host calls. Answers how many
   * completed, 'failed' when the call failed as a whole, 'release' when the plugin cannot run now;
   * a batch that stopped at a failing handler answers the completed count and leaves that event
   * first in the queue, to be delivered alone (its failure counted and retried as any other).
   */
  private async deliverBatch(enablement: ReturnType<typeof enablementOf>, queue: DeliveryRow[]): Promise<{ done: number; failed: boolean } | 'failed' | 'release'> {
    const limits = this.host.limits;
    const events = queue.slice(0, MAX_BATCH).map(eventOf);
    const input = { events, budgetMs: Math.floor(Math.min(limits.timeoutMs, limits.cpuMs) / 4), hostCalls: Math.floor(limits.maxHostCalls / 2) };
    const kernel = this.host.kernel;
    // On PostgreSQL the batch's host calls share one transaction (one BEGIN, one storage lock, one
    // COMMIT instead of one each per write), rolled back when the call fails as a whole: its events
    // then go one by one with nothing of the failed call kept. On SQLite (one connection) a
    // transaction held across the sandbox call would stall every other writer: each host call commits alone.
    const reply = kernel.dialect === 'postgres'
      ? await runCommand(kernel, async (tx) => {
        const answer = await this.host.invoke(enablement, 'eventBatch', '*', input, { executor: tx });
        if (!answer.ok) throw new BatchFailed(answer);
        return answer;
      }).catch((error: unknown) => {
        if (error instanceof BatchFailed) return error.reply;
        throw error;
      })
      : await this.host.invoke(enablement, 'eventBatch', '*', input);
    if (!reply.ok) return reply.error.code === 'PLUGIN_NOT_LOADED' || reply.error.code === 'PLUGIN_QUARANTINED' ? 'release' : 'failed';
    const value = reply.value as { done?: unknown; failed?: unknown } | null;
    const done = value && Number.isSafeInteger(value.done) && (value.done as number) >= 0 && (value.done as number) <= events.length ? (value.done as number) : null;
    if (done === null || (done === 0 && value!.failed !== true)) return 'failed';
    this.delivered += done;
    if (this.options.crashAfter !== undefined && this.delivered >= this.options.crashAfter) {
      this.crashed = true;
      this.stopped = true;
    }
    return { done, failed: value!.failed === true };
  }

  /**
   * Extends the lease of deliveries this worker still holds, in one statement, and answers those it
   * holds (in id order): one whose claim lapsed and was taken over is skipped (its new worker
   * delivers it), and none is renewed while a scheduled job holds the pair (the lapsed claims are
   * taken over once the job ends).
   */
  private async renew(rows: DeliveryRow[]): Promise<DeliveryRow[]> {
    if (!rows.length) return [];
    const { plugin_id: pluginId, unit_id: unitId } = rows[0]!;
    const renewed = await this.host.kernel.db.updateTable('plugin_deliveries').set({ claimed_until: iso(Date.now() + this.options.leaseMs) })
      .where('id', 'in', rows.map((d) => d.id)).where('claimed_by', '=', this.workerId).where('status', '=', 'claimed')
      .where(({ not, exists, selectFrom }) => not(exists(
        selectFrom('plugin_host_settings').select('key').where('key', '=', pairKey(pluginId, unitId)).where('value', '>=', iso(Date.now())),
      )))
      .returning('id')
      .execute();
    const held = new Set(renewed.map((r) => Number(r.id)));
    return rows.filter((d) => held.has(d.id));
  }
}
