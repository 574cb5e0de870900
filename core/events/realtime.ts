import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import pg from 'pg';
import type { Kernel } from '../kernel.js';

export interface RealtimeMessage {
  unitId: string;
  /** `pluginId:channel` for plugins, `core:name` for the core's own (e.g. `core:notifications`). */
  channel: string;
  /** JSON text. */
  data: string;
}

const PG_CHANNEL = 'unibudget_realtime';

/**
 * Realtime fan-out to SSE clients. With SQLite (one process) it is an in-process emitter; with
 * PostgreSQL every publish is a NOTIFY and every process LISTENs, so a message published in one
 * app process reaches SSE clients connected to any other. Messages carry the database schema so
 * several deployments (or test runs) sharing one PostgreSQL database never cross.
 */
export class RealtimeBus {
  private readonly local = new EventEmitter();
  private listener: pg.Client | null = null;
  private listening: Promise<void> | null = null;
  private schema: string | null = null;

  constructor(private readonly kernel: Kernel) {
    this.local.setMaxListeners(0);
  }

  private async schemaName(): Promise<string> {
    if (this.schema === null) {
      const row = await sql<{ schema: string }>`select current_schema() as schema`.execute(this.kernel.db);
      this.schema = row.rows[0]?.schema ?? 'public';
    }
    return this.schema;
  }

  async publish(message: RealtimeMessage): Promise<void> {
    if (this.kernel.dialect !== 'postgres') {
      this.local.emit('message', message);
      return;
    }
    const payload = JSON.stringify({ s: await this.schemaName(), ...message });
    await sql`select pg_notify(${PG_CHANNEL}, ${payload})`.execute(this.kernel.db);
  }

  /** Subscribes to one unit's channel; resolves once messages from every process will arrive. */
  async subscribe(unitId: string, channel: string, onMessage: (message: RealtimeMessage) => void): Promise<() => void> {
    const handler = (message: RealtimeMessage) => {
      if (message.unitId === unitId && message.channel === channel) onMessage(message);
    };
    this.local.on('message', handler);
    if (this.kernel.dialect === 'postgres') {
      try {
        await this.listen();
      } catch (error) {
        this.local.off('message', handler);
        throw error;
      }
    }
    return () => this.local.off('message', handler);
  }

  private listen(): Promise<void> {
    if (this.listening) return this.listening;
    this.listening = (async () => {
      const schema = await this.schemaName();
      const client = new pg.Client({ connectionString: this.kernel.config.databaseUrl });
      await client.connect();
      client.on('notification', (n) => {
        if (n.channel !== PG_CHANNEL || !n.payload) return;
        try {
          const { s, ...message } = JSON.parse(n.payload) as RealtimeMessage & { s: string };
          if (s === schema) this.local.emit('message', message);
        } catch {
          // not ours
        }
      });
      client.on('error', (error) => {
        console.error('[realtime] listener failed:', error.message);
        // A broken LISTEN connection hears nothing more: drop it so the next subscriber opens a new one.
        if (this.listener === client) {
          this.listener = null;
          this.listening = null;
        }
        client.end().catch(() => {});
      });
      await client.query(`LISTEN ${PG_CHANNEL}`);
      this.listener = client;
    })();
    this.listening.catch(() => { this.listening = null; });
    return this.listening;
  }

  async close(): Promise<void> {
    const client = this.listener;
    this.listener = null;
    this.listening = null;
    if (client) await client.end().catch(() => {});
  }
}

const buses = new WeakMap<Kernel, RealtimeBus>();

/**
 * The one realtime bus of a kernel, shared by the plugin host and the core's own announcements so
 * one PostgreSQL LISTEN connection serves both. Closing the kernel ends the listener.
 */
export function realtimeOf(kernel: Kernel): RealtimeBus {
  let bus = buses.get(kernel);
  if (!bus) {
    const created = new RealtimeBus(kernel);
    bus = created;
    buses.set(kernel, created);
    const close = kernel.close;
    kernel.close = async () => {
      buses.delete(kernel);
      await created.close();
      await close();
    };
  }
  return bus;
}
