import type { TestEnv } from './kernel.js';

export interface LatencyFigures {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers other than 200: a probe that failed is a finding too. */
  failures: number;
}

/**
 * The core as another unit sees it while something else goes on: reads a core route of that unit
 * back to back (one at a time, as a user clicking would) for as long as `during` runs, and returns
 * the latency figures in milliseconds. The attack and the probe share this process's event loop,
 * which is the point: a host call that holds the loop shows up here.
 */
export async function latencyDuring(
  env: TestEnv, during: () => Promise<unknown>, options: { unitId?: string; path?: string; pauseMs?: number } = {},
): Promise<LatencyFigures & { result: unknown }> {
  const unitId = options.unitId ?? 'b';
  const path = options.path ?? `/api/units/${unitId}/indicators`;
  const token = await env.login(`${unitId}.finance`);
  const samples: number[] = [];
  let failures = 0;
  let running = true;
  const probe = (async () => {
    while (running) {
      const started = performance.now();
      const answer = await env.call('GET', path, { token });
      samples.push(performance.now() - started);
      if (answer.status !== 200) failures++;
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 10));
    }
  })();
  let result: unknown;
  try {
    result = await during();
  } finally {
    running = false;
    await probe;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0, failures, result };
}
