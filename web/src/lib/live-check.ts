/**
 * A server check that runs while the user types (payment and transfer forms): it waits for a quiet
 * spell, and a newer run aborts the older request, so a late answer never replaces a newer one.
 */
export class LiveCheck<T> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: AbortController | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly request: (signal: AbortSignal) => Promise<T>,
    private readonly on: {
      /** true from schedule() until the newest run has settled. */
      busy(on: boolean): void;
      /** The newest run's answer; null when it failed. */
      result(r: T | null): void;
      /** Any failure other than an abort, for pages that show it. */
      error?(e: unknown): void;
    },
  ) {}

  schedule(): void {
    clearTimeout(this.timer);
    this.on.busy(true);
    this.timer = setTimeout(() => void this.run(), this.delayMs);
  }

  cancel(): void {
    clearTimeout(this.timer);
  }

  async run(): Promise<void> {
    this.inflight?.abort();
    const ctrl = new AbortController();
    this.inflight = ctrl;
    try {
      const r = await this.request(ctrl.signal);
      if (this.inflight === ctrl) this.on.result(r);
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      if (this.inflight === ctrl) this.on.result(null);
      this.on.error?.(e);
    } finally {
      if (this.inflight === ctrl) this.on.busy(false);
    }
  }
}
