import { RunnerClient, type HostCallHandler, type InvokeOutcome, type InvokeRequest, type RunnerOptions } from './client.js';

/** What the host and its parts (invoke, breaker, delivery) ask of the runner: one process or a pool of them. */
export interface Runner {
  invoke(request: InvokeRequest): Promise<InvokeOutcome>;
  drop(key: string, unitId?: string): void;
  crash(): void;
  kill(): void;
  stop(): Promise<void>;
  readonly pid: number | undefined;
  readonly restarts: number;
}

/** One runner of the pool as /api/metrics and the health page show it. */
export interface RunnerSlotState {
  slot: number;
  pid: number | null;
  alive: boolean;
  units: number;
  inFlight: number;
  restarts: number;
}

export interface RunnerPoolOptions extends RunnerOptions {
  /** How many runner processes (at least 1). */
  size: number;
}

/**
 * N supervised runner processes (RunnerClient each); a unit sticks to one of them for the life of
 * this core. A CPU-heavy job of one unit (a nightly analytics scan) then holds up only the units
 * that share its runner, not another unit's validators: isolated-vm runs one isolate per thread,
 * but host-call traffic, the IPC channel and the blame sampler of one process are shared by every
 * call it holds, and a death of one runner fails only its own units' calls.
 *
 * A unit is placed, when first seen, on the runner with the fewest units (ties: the lowest slot),
 * so the first units spread out deterministically (a → 0, b → 1 with two runners). The placement
 * survives a runner's restart: the slot is restarted, not the unit moved, so a unit's isolates and
 * their warm contexts are built again in one place only.
 */
export class RunnerPool implements Runner {
  private readonly clients: RunnerClient[];
  private readonly placement = new Map<string, number>();
  private readonly unitsPerSlot: number[];
  private readonly inFlight: number[];
  /** The slot of the latest call: `pid`, `crash()` and `kill()` name the runner a test just used. */
  private lastSlot = 0;

  constructor(onHostCall: HostCallHandler, options: RunnerPoolOptions) {
    const size = Math.max(1, Math.floor(options.size) || 1);
    this.clients = Array.from({ length: size }, () => new RunnerClient(onHostCall, options));
    this.unitsPerSlot = new Array(size).fill(0);
    this.inFlight = new Array(size).fill(0);
  }

  get size(): number {
    return this.clients.length;
  }

  /** The slot a unit's calls run in (placed on first use). */
  slotOf(unitId: string): number {
    let slot = this.placement.get(unitId);
    if (slot === undefined) {
      slot = 0;
      for (let i = 1; i < this.clients.length; i++) if (this.unitsPerSlot[i]! < this.unitsPerSlot[slot]!) slot = i;
      this.placement.set(unitId, slot);
      this.unitsPerSlot[slot]! += 1;
    }
    return slot;
  }

  /** The pid of the runner holding a unit's isolates, if it is running. */
  pidOf(unitId: string): number | undefined {
    return this.clients[this.slotOf(unitId)]!.pid;
  }

  async invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    const slot = this.slotOf(request.unitId);
    this.lastSlot = slot;
    this.inFlight[slot]! += 1;
    try {
      return await this.clients[slot]!.invoke(request);
    } finally {
      this.inFlight[slot]! -= 1;
    }
  }

  /** Drops a plugin version's isolate: for one unit in that unit's runner, otherwise in every runner. */
  drop(key: string, unitId?: string): void {
    if (unitId !== undefined) this.clients[this.slotOf(unitId)]!.drop(key, unitId);
    else for (const client of this.clients) client.drop(key);
  }

  /** Test hook: the runner of the latest call dies as on a V8 abort. */
  crash(): void {
    this.clients[this.lastSlot]!.crash();
  }

  /** The runner of the latest call is killed (its calls fail cleanly; the next call restarts it). */
  kill(): void {
    this.clients[this.lastSlot]!.kill();
  }

  /** The pid of the runner of the latest call. */
  get pid(): number | undefined {
    return this.clients[this.lastSlot]!.pid;
  }

  /** Every live runner process's pid. */
  pids(): number[] {
    return this.clients.map((c) => c.pid).filter((pid): pid is number => pid !== undefined);
  }

  get restarts(): number {
    return this.clients.reduce((sum, c) => sum + c.restarts, 0);
  }

  state(): RunnerSlotState[] {
    return this.clients.map((client, slot) => ({
      slot, pid: client.pid ?? null, alive: client.pid !== undefined, units: this.unitsPerSlot[slot]!, inFlight: this.inFlight[slot]!, restarts: client.restarts,
    }));
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.stop()));
  }
}
