import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** An error as it crosses the sandbox boundary: plain data, never an object with behaviour. */
export interface MarshalledError {
  code: string;
  message: string;
  status: number;
  /** A route or view refusing its request (sdk `refuse()`), not a fault; checked by the host before it is believed. */
  refused?: true;
  /** The refusal's English message, when the plugin gave one. */
  messageEn?: string;
  details?: unknown;
}
export type Reply = { ok: true; value: unknown } | { ok: false; error: MarshalledError };

export interface InvokeRequest {
  /** `pluginId@version`: one isolate each. */
  key: string;
  code: string;
  unitId: string;
  entry: 'events' | 'validators' | 'routes' | 'views' | 'schedule' | 'migrate';
  name: string;
  input: unknown;
  settings: Record<string, unknown>;
  timeoutMs: number;
  /** CPU time the call may use (the isolate's own, not time waiting on host calls), ms; at most timeoutMs. */
  cpuMs?: number;
  memoryMb: number;
  maxResultBytes: number;
  maxHostCalls: number;
  /** What the host needs to answer this call's host calls (plugin, unit, grants, executor). */
  context: unknown;
}
export interface InvokeOutcome {
  reply: Reply;
  /** Heap used by the plugin's isolate after the call, bytes. */
  memory: number;
  wallMs: number;
}
export interface HostCall {
  key: string;
  unitId: string;
  invokeId: number;
  method: string;
  args: unknown[];
  /** The context given to the invocation that made the call; undefined once it has finished. */
  context: unknown;
}
export type HostCallHandler = (call: HostCall) => Promise<unknown>;

interface Pending {
  resolve(outcome: InvokeOutcome): void;
  timer: NodeJS.Timeout;
  started: number;
  key: string;
  unitId: string;
  context: unknown;
}

const CHILD_PATH = fileURLToPath(new URL('./child.mjs', import.meta.url));
/** How much longer than the call's own limit the parent waits before it declares the runner hung. */
const GRACE_MS = 2000;

export function errorReply(code: string, message: string, status = 500): Reply {
  return { ok: false, error: { code, message, status } };
}

const runnerDied = () => errorReply('PLUGIN_RUNNER_DIED', 'the plugin runner process stopped during the call; it has been restarted', 503);

function toMarshalled(error: unknown): MarshalledError {
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    const e = error as { code: string; message?: unknown; status?: unknown };
    return { code: e.code, message: String(e.message ?? e.code), status: typeof e.status === 'number' ? e.status : 500 };
  }
  return { code: 'HOST_ERROR', message: error instanceof Error ? error.message : String(error), status: 500 };
}

/**
 * The core's side of the runner: a supervised child process that holds every isolate. Calls are
 * matched by id; a child that dies or hangs is replaced and every call it had is failed cleanly
 * with PLUGIN_RUNNER_DIED (the caller counts it as the plugin's fault).
 */
export class RunnerClient {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopping = false;
  /** Children whose channel failed: already being replaced. */
  private readonly retired = new WeakSet<ChildProcess>();
  restarts = 0;

  constructor(private readonly onHostCall: HostCallHandler) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawn(): Promise<void> {
    if (this.ready) return this.ready;
    const child = fork(CHILD_PATH, [], {
      execArgv: ['--no-node-snapshot'],
      serialization: 'json',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      const onEarlyExit = (code: number | null) => reject(new Error(`plugin runner exited while starting (code ${code})`));
      child.once('exit', onEarlyExit);
      child.once('error', reject);
      child.on('message', (message: any) => {
        if (message?.t === 'ready') {
          child.off('exit', onEarlyExit);
          resolve();
          return;
        }
        this.onMessage(child, message);
      });
    });
    child.on('exit', () => this.onExit(child));
    // Without this listener a failed send (EPIPE when the child died with a reply in flight) or a
    // failed spawn would be thrown as an uncaught exception and take the core down with it.
    child.on('error', (error) => this.onChildError(child, error));
    this.ready.catch(() => {});
    return this.ready;
  }

  /**
   * The channel to a child failed (a send, a spawn, a kill): it is as good as dead. Its calls are
   * failed now (as PLUGIN_RUNNER_DIED), it is killed if still there, and the next call starts a
   * new runner.
   */
  private onChildError(child: ChildProcess, error: Error): void {
    if (this.retired.has(child)) return;
    this.retired.add(child);
    if (this.child === child && !this.stopping) console.warn(`[plugins] plugin runner channel failed: ${error.message}`);
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
    this.onExit(child);
  }

  /**
   * Sends to a child; never throws and never leaves an error unhandled. A send that cannot be
   * made or fails on the way (the child died: EPIPE, channel closed) calls `failed` and retires
   * the child.
   */
  private send(child: ChildProcess, message: object, failed?: () => void): void {
    const fail = (error: Error) => {
      failed?.();
      this.onChildError(child, error);
    };
    if (!child.connected) {
      failed?.();
      return;
    }
    try {
      child.send(message, (error) => {
        if (error) fail(error);
      });
    } catch (error) {
      fail(error as Error);
    }
  }

  /** Fails one pending call as the runner's death (its reply can no longer arrive). */
  private failPending(id: number): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    pending.resolve({ reply: runnerDied(), memory: 0, wallMs: Date.now() - pending.started });
  }

  private onExit(child: ChildProcess): void {
    if (this.child !== child) return;
    this.child = null;
    this.ready = null;
    for (const id of [...this.pending.keys()]) this.failPending(id);
    if (!this.stopping) this.restarts += 1;
  }

  private onMessage(child: ChildProcess, message: any): void {
    if (message?.t === 'result') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      clearTimeout(pending.timer);
      this.pending.delete(message.id);
      pending.resolve({ reply: parseReply(message.reply), memory: Number(message.memory) || 0, wallMs: Number(message.wallMs) || 0 });
    } else if (message?.t === 'hostcall') {
      // The invocation waiting on this answer cannot finish if the answer is not delivered.
      const reply = (payload: string) => this.send(child, { t: 'hostreply', callId: message.callId, reply: payload }, () => this.failPending(message.invokeId));
      let args: unknown[];
      try {
        args = JSON.parse(message.args);
        if (!Array.isArray(args)) throw new Error('not an array');
      } catch {
        reply(JSON.stringify({ ok: false, e: { code: 'PLUGIN_BAD_ARGUMENTS', message: 'host call arguments are not a JSON array', status: 400 } }));
        return;
      }
      const owner = this.pending.get(message.invokeId);
      const context = owner && owner.key === message.key && owner.unitId === message.unitId ? owner.context : undefined;
      this.onHostCall({ key: message.key, unitId: message.unitId, invokeId: message.invokeId, method: message.method, args, context }).then(
        (value) => {
          let json: string;
          try {
            json = JSON.stringify({ ok: true, v: value ?? null });
          } catch {
            json = JSON.stringify({ ok: false, e: { code: 'HOST_ERROR', message: 'result not serializable', status: 500 } });
          }
          reply(json);
        },
        (error) => reply(JSON.stringify({ ok: false, e: toMarshalled(error) })),
      );
    }
  }

  async invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    const started = Date.now();
    try {
      await this.spawn();
    } catch (error) {
      return { reply: errorReply('PLUGIN_RUNNER_DIED', `the plugin runner could not start: ${(error as Error).message}`, 503), memory: 0, wallMs: Date.now() - started };
    }
    const child = this.child;
    if (!child?.connected) return { reply: errorReply('PLUGIN_RUNNER_DIED', 'the plugin runner is not available', 503), memory: 0, wallMs: 0 };
    const id = this.nextId++;
    let inputJson: string;
    let settingsJson: string;
    try {
      inputJson = JSON.stringify(request.input ?? null);
      settingsJson = JSON.stringify(request.settings ?? {});
    } catch {
      return { reply: errorReply('HOST_ERROR', 'call input is not serializable'), memory: 0, wallMs: 0 };
    }
    return new Promise<InvokeOutcome>((resolve) => {
      // The parent's own watchdog: a runner that does not answer in time is hung; replace it.
      const timer = setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        resolve({ reply: errorReply('PLUGIN_TIMEOUT', `no answer within ${request.timeoutMs} ms; the plugin runner was restarted`, 504), memory: 0, wallMs: Date.now() - started });
        this.kill();
      }, request.timeoutMs + GRACE_MS);
      this.pending.set(id, { resolve, timer, started, key: request.key, unitId: request.unitId, context: request.context });
      this.send(child, {
        t: 'invoke', id, key: request.key, code: request.code, memoryMb: request.memoryMb, unitId: request.unitId,
        entry: request.entry, name: request.name, input: inputJson, settings: settingsJson, timeoutMs: request.timeoutMs, cpuMs: request.cpuMs,
        maxResultBytes: request.maxResultBytes, maxHostCalls: request.maxHostCalls,
      }, () => this.failPending(id));
    });
  }

  /** Drops a plugin version's isolate (disable, uninstall, breaker). */
  drop(key: string, unitId?: string): void {
    // A runner that is gone has dropped everything already.
    if (this.child) this.send(this.child, unitId ? { t: 'dropUnit', key, unitId } : { t: 'drop', key });
  }

  /** Test hook: the runner dies as on a V8 abort. */
  crash(): void {
    if (this.child) this.send(this.child, { t: 'crash' });
  }

  kill(): void {
    this.child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

function parseReply(text: unknown): Reply {
  try {
    const parsed = JSON.parse(String(text));
    if (parsed.ok) return { ok: true, value: parsed.v };
    const e = parsed.e ?? {};
    const error: MarshalledError = { code: String(e.code ?? 'PLUGIN_THREW'), message: String(e.message ?? ''), status: Number(e.status) || 500 };
    if (e.refused === true) {
      error.refused = true;
      if (typeof e.messageEn === 'string') error.messageEn = e.messageEn;
      if (e.details !== undefined) error.details = e.details;
    }
    return { ok: false, error };
  } catch {
    return errorReply('PLUGIN_BAD_RESULT', 'the sandbox returned an unreadable result');
  }
}
