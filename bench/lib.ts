import fs from 'node:fs';
import os from 'node:os';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

/** Benchmarks print figures, never assert them: the shared machine decides absolute numbers. */

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs `work` repeatedly for about `ms` (at least `min` times) and returns per-call times in ms. */
export async function timeCalls(work: () => unknown, ms = 1500, min = 5): Promise<number[]> {
  const times: number[] = [];
  const until = performance.now() + ms;
  while (times.length < min || performance.now() < until) {
    const t = performance.now();
    await work();
    times.push(performance.now() - t);
  }
  return times;
}

/** Runs a delivery loop's rounds until one finds nothing to do: how many events it delivered, and in how many seconds. */
export async function drainRounds(loop: { round(): Promise<number> }): Promise<{ worked: number; seconds: number }> {
  const t = performance.now();
  let worked = 0;
  for (let n = await loop.round(); n > 0; n = await loop.round()) worked += n;
  return { worked, seconds: (performance.now() - t) / 1000 };
}
export const fmtMs = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : ms < 1000 ? `${ms.toFixed(2)} ms` : `${(ms / 1000).toFixed(2)} s`);
export const fmtN = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** One figure of a benchmark, beside the ceiling measured in the same run. */
export interface Row {
  bench: string;
  measure: string;
  size: string;
  value: string;
  ceiling: string;
  /** How far from the ceiling: cost ratio (× slower) or throughput share (%). */
  ratio: string;
}

/** The machine line of a results file. */
export function machine(): string {
  const cpus = os.cpus();
  let sqlite = '';
  try {
    sqlite = execFileSync(process.execPath, ['-e', "const D=require('better-sqlite3');console.log(new D(':memory:').prepare('select sqlite_version() v').get().v)"], { encoding: 'utf8' }).trim();
  } catch {
    sqlite = '?';
  }
  return `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, SQLite ${sqlite}, load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

/** Sub-benchmarks print their rows as one `RESULT <json>` line for bench/run.ts to collect. */
export function report(rows: Row[]): void {
  console.log(`RESULT ${JSON.stringify(rows)}`);
}

/** Runs a TypeScript file as its own Node process (fresh heap, isolated-vm flags) and returns its output. */
export function runScript(file: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--expose-gc', '--import', 'tsx', file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; process.stdout.write(chunk); });
    child.stderr.on('data', (chunk) => { output += chunk; process.stderr.write(chunk); });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The base URL a bench server child process prints once it listens (`listening on http://…`). */
export function listeningOn(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
  });
}

/**
 * A process's CPU time so far (user + system, seconds) from /proc: null where there is none. Beside a
 * throughput, the server's CPU per request is the steadier figure on a shared VM, where requests per
 * second also follow how much CPU the load generator gets.
 */
function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks (100 per second on Linux).
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Starts measuring these processes' CPU time (cpuSecondsOf). `perRequest(n)` is what they used since,
 * in µs per request for the n requests answered: null where /proc is missing, a pid is unknown or
 * nothing was answered.
 */
export function cpuMeter(pids: Array<number | undefined>): { perRequest(requests: number): number | null } {
  const used = () => {
    let seconds = 0;
    for (const pid of pids) {
      const s = cpuSecondsOf(pid);
      if (s === null) return null;
      seconds += s;
    }
    return pids.length ? seconds : null;
  };
  const start = used();
  return {
    perRequest(requests) {
      const end = used();
      return start === null || end === null || requests === 0 ? null : ((end - start) * 1e6) / requests;
    },
  };
}

/**
 * The whole machine's CPU left idle over a stretch (all cores, from /proc/stat), in percent: whether
 * a second server process had any CPU to run on. null without /proc.
 */
export function idleMeter(): { idlePercent(): number | null } {
  const read = (): { idle: number; total: number } | null => {
    try {
      const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      // user nice system idle iowait irq softirq steal: idle and iowait are time nobody ran.
      return { idle: cpu[3]! + (cpu[4] ?? 0), total: cpu.slice(0, 8).reduce((a, b) => a + b, 0) };
    } catch {
      return null;
    }
  };
  const start = read();
  return {
    idlePercent() {
      const end = read();
      return start === null || end === null || end.total === start.total ? null : ((end.idle - start.idle) / (end.total - start.total)) * 100;
    },
  };
}

export const fmtCpu = (us: number | null) => (us === null ? 'n/a' : `${us.toFixed(1)} µs`);

/** The row setting our server's CPU per request beside the bare server's; none when either is unknown. */
export function cpuRows(bench: string, size: string, ours: number | null, bare: number | null, bareName: string): Row[] {
  if (ours === null || bare === null) return [];
  return [{ bench, measure: 'server CPU per request', size, value: fmtCpu(ours), ceiling: `${fmtCpu(bare)} (${bareName})`, ratio: `${((bare / ours) * 100).toFixed(1)} % (its CPU / ours)` }];
}
