import type { Manifest } from '../../sdk/manifest.js';
import { runnerPoolSizeFromEnv } from '../config.js';
import type { PluginLimits as CallLimits } from '@unibudget/sdk/contracts/plugins';

/**
 * The limits of every plugin call (the SDK's contract, which its harness takes too) and the host's
 * own limits on the shared runner, which no single call sees.
 */
export interface PluginLimits extends CallLimits {
  /**
   * The runner process's resident memory limit, MB. An isolate's own limit does not hold for every
   * allocation (WebAssembly memory is outside it): past this, the runner exits at once, blaming the
   * isolate that has been computing, before the system's out-of-memory killer picks a victim.
   */
  runnerMemoryMb: number;
  /** Runner deaths blamed on one plugin within `quarantineWindowMs` that quarantine it everywhere until the system administrator releases it. */
  quarantineKills: number;
  quarantineWindowMs: number;
  /** Runner processes in the pool (runner/pool.ts); a unit sticks to one. */
  runnerPoolSize: number;
}

export const DEFAULT_LIMITS: PluginLimits = {
  timeoutMs: 2000,
  validatorTimeoutMs: 500,
  cpuMs: 1000,
  memoryMb: 64,
  maxResultBytes: 1024 * 1024,
  maxHostCalls: 1000,
  breakerThreshold: 5,
  scheduleMaxTimeoutMs: Number(process.env.UNIBUDGET_PLUGIN_SCHEDULE_MAX_MS) > 0 ? Number(process.env.UNIBUDGET_PLUGIN_SCHEDULE_MAX_MS) : 60_000,
  runnerMemoryMb: Number(process.env.UNIBUDGET_PLUGIN_RUNNER_MEMORY_MB) > 0 ? Number(process.env.UNIBUDGET_PLUGIN_RUNNER_MEMORY_MB) : 2048,
  quarantineKills: 3,
  quarantineWindowMs: 10 * 60_000,
  runnerPoolSize: runnerPoolSizeFromEnv(),
};

/**
 * The limits of one scheduled job: its manifest entry may declare a longer wall time (up to the
 * host's maximum), and its CPU budget grows by the same amount, keeping the allowance an
 * interactive call has for waiting on host calls (by default 2 s wall / 1 s CPU, so 5 s declared
 * gives 4 s of CPU). A job that declares nothing runs under the ordinary limits.
 */
export function scheduleBudget(limits: PluginLimits, manifest: Manifest, jobName: string): { timeoutMs: number; cpuMs: number } {
  const job = manifest.schedule.find((j) => j.name === jobName);
  const ceiling = Math.max(limits.timeoutMs, limits.scheduleMaxTimeoutMs);
  const timeoutMs = job?.timeoutMs ? Math.min(Math.max(job.timeoutMs, limits.timeoutMs), ceiling) : limits.timeoutMs;
  const waiting = Math.max(0, limits.timeoutMs - limits.cpuMs);
  return { timeoutMs, cpuMs: Math.min(timeoutMs, Math.max(limits.cpuMs, timeoutMs - waiting)) };
}
