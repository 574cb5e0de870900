import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { codeOnce, forgetCode } from './code-once.js';
import { errorReply, parseReply, toMarshalled, type MarshalledError, type Reply } from './replies.js';

export { errorReply, type MarshalledError, type Reply } from './replies.js';

export interface InvokeRequest {
  /** `pluginId@version`: one isolate each. */
  key: string;
  code: string;
  unitId: string;
  entry: 'events' | 'eventBatch' | 'validators' | 'routes' | 'views' | 'schedule' | 'migrate';
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
  /** Heap used by the plugin's isolate (measured after its latest call that left it free), bytes. */
  memory: number;
  wallMs: number;
  /**
   * The runner died during the call. `charged`: this call brought it down (it was computing in the
   * isolate blamed for the death); otherwise it only shared the runner, and `culpritKnown` says
   * whether another call was blamed (then running it again is safe from the same death).
   */
  death?: { id: string; charged: boolean; culpritKnown: boolean };
}

/** Why the runner died: over its memory limit, a catastrophic V8 error, hung (no answer in time), or an exit it did not explain. */
export type DeathReason = 'memory' | 'catastrophic' | 'hung' | 'exit';

/** One death of the runner and the plugin version blamed for it (null: no isolate was computing). */
export interface RunnerDeath {
  id: string;
  reason: DeathReason;
  culprit: { key: string; unitIds: string[] } | null;
  detail: string;
}

export interface RunnerOptions {
  /** The runner process's own memory limit (resident), MB: past it, it exits naming the isolate to blame. 0: none. */
  memoryMb?: number;
  /** Told of every death of the runner that was not a stop (the breaker counts them against the culprit). */
  onDeath?: (death: RunnerDeath) => void;
}
export interface HostCall {
  key: string;
  unitId: string;
  invokeId: number;
  method: string;
  args: unknown[];
  /** The context given to the invocation that made the call; undefined once it has finished. */
  context: unknown;
  /** An event batch's deferred storage.put: the index of the event whose handler made it. */
  at?: number;
}
export type HostCallHandler = (call: HostCall) => Promise<unknown>;

interface Pending {
  resolve(outcome: InvokeOutcome): void;
  timer: NodeJS.Timeout;
  started: number;
  key: string;
  unitId: string;
  timeoutMs: number;
  context: unknown;
  /** Host calls of this call not answered yet: while one is, the call may be waiting rather than computing. */
  awaiting: number;
}

/** What the parent knows of one runner process: whom it named, and how it ended. */
interface ChildState {
  /** The isolate computing hardest lately, as the child last reported it. */
  suspect: string | null;
  /** The child's last word before it exited on purpose. */
  dying: { reason: DeathReason; key: string | null; detail: string } | null;
  /** The parent killed it: a call got no answer in time. */
  hung: boolean;
}

const CHILD_PATH = fileURLToPath(new URL('./child.mjs', import.meta.url));
/** How much longer than the call's own limit the parent waits before it declares the runner hung. */
const GRACE_MS = 2000;

const runnerDied = () => errorReply('PLUGIN_RUNNER_DIED', 'the plugin runner process stopped during the call; it has been restarted', 503);

/** The answer of a call blamed for the runner's death. */
function chargedReply(reason: DeathReason, pending: Pending): Reply {
  switch (reason) {
    case 'memory':
      return errorReply('PLUGIN_OUT_OF_MEMORY', 'the call took the plugin runner over its memory limit; the runner was restarted', 500);
    case 'hung':
      return errorReply('PLUGIN_TIMEOUT', `no answer within ${pending.timeoutMs} ms; the plugin runner was restarted`, 504);
    case 'catastrophic':
      return errorReply('PLUGIN_RUNNER_KILLED', 'the call caused a fatal error in the plugin runner; it has been restarted', 500);
    default:
      return errorReply('PLUGIN_RUNNER_KILLED', 'the plugin runner process died while this call was computing; it has been restarted', 500);
  }
}

/**
 * The core's side of the runner: a supervised child process that holds every isolate. Calls are
 * matched by id; a child that dies or hangs is replaced and every call it had is failed cleanly.
 * Blame: the child keeps the parent told which isolate has been computing (`suspect`) and says
 * why it exits when it can (`dying`); the calls of the isolate blamed that were computing, not
 * waiting on a host call, are charged with the death (PLUGIN_OUT_OF_MEMORY, PLUGIN_RUNNER_KILLED,
 * PLUGIN_TIMEOUT); every other call fails as PLUGIN_RUNNER_DIED, which is nobody's fault.
 */
export class RunnerClient {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopping = false;
  /** Children whose channel failed: already being replaced. */
  private readonly retired = new WeakSet<ChildProcess>();
  private readonly states = new WeakMap<ChildProcess, ChildState>();
  restarts = 0;

  constructor(private readonly onHostCall: HostCallHandler, private readonly options: RunnerOptions = {}) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawn(): Promise<void> {
    if (this.ready) return this.ready;
    const child = fork(CHILD_PATH, this.options.memoryMb ? [String(this.options.memoryMb)] : [], {
      execArgv: ['--no-node-snapshot'],
      // The payloads are JSON text already (input, settings, replies, host-call arguments): the
      // structured-clone channel carries them as they are, where the JSON channel escaped and
      // re-parsed every one of them a second time.
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    this.states.set(child, { suspect: null, dying: null, hung: false });
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
   * answered now (onExit: the culprit's charged, the others PLUGIN_RUNNER_DIED), it is killed if
   * still there, and the next call starts a new runner.
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
   * made or fails on the way (the child died: EPIPE, channel closed) retires the child: its calls
   * are answered then, with the blame for its death, as when it exits.
   */
  private send(child: ChildProcess, message: object): void {
    if (!child.connected) {
      this.onChildError(child, new Error('the channel to the plugin runner is closed'));
      return;
    }
    try {
      child.send(message, (error) => {
        if (error) this.onChildError(child, error);
      });
    } catch (error) {
      this.onChildError(child, error as Error);
    }
  }

  /**
   * The child is gone: each call it had is answered, charged if it is the culprit's (computing in
   * the isolate the child named before it exited, or last reported as the suspect when it died
   * without a word), as PLUGIN_RUNNER_DIED otherwise. A stop blames no one.
   */
  private onExit(child: ChildProcess): void {
    if (this.child !== child) return;
    this.child = null;
    this.ready = null;
    const state = this.states.get(child);
    const reason: DeathReason = state?.dying?.reason ?? (state?.hung ? 'hung' : 'exit');
    const culpritKey = this.stopping ? null : state?.dying ? state.dying.key : state?.suspect ?? null;
    const culpritCalls = [...this.pending.entries()].filter(([, p]) => p.key === culpritKey);
    // Of the culprit's calls, those not waiting on a host call were computing; if all were waiting, all of them.
    const computing = culpritCalls.filter(([, p]) => p.awaiting === 0);
    const charged = new Set((computing.length ? computing : culpritCalls).map(([id]) => id));
    const death: RunnerDeath = {
      id: randomUUID(), reason, culprit: culpritKey ? { key: culpritKey, unitIds: [...new Set(culpritCalls.filter(([id]) => charged.has(id)).map(([, p]) => p.unitId))] } : null,
      detail: state?.dying?.detail ?? (reason === 'hung' ? 'a call got no answer in time; the runner was killed' : 'the runner process exited'),
    };
    for (const [id, pending] of [...this.pending.entries()]) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      const blamed = charged.has(id);
      pending.resolve({
        reply: blamed ? chargedReply(reason, pending) : runnerDied(), memory: 0, wallMs: Date.now() - pending.started,
        death: { id: death.id, charged: blamed, culpritKnown: culpritKey !== null },
      });
    }
    if (!this.stopping) {
      this.restarts += 1;
      if (death.culprit) console.warn(`[plugins] plugin runner died (${reason}); blamed: ${death.culprit.key}`);
      this.options.onDeath?.(death);
    }
  }

  private onMessage(child: ChildProcess, message: any): void {
    const state = this.states.get(child);
    if (message?.t === 'suspect') {
      if (state) state.suspect = typeof message.key === 'string' ? message.key : null;
    } else if (message?.t === 'dying') {
      const reason: DeathReason = message.reason === 'memory' || message.reason === 'catastrophic' ? message.reason : 'exit';
      if (state) state.dying = { reason, key: typeof message.key === 'string' ? message.key : null, detail: String(message.detail ?? '').slice(0, 300) };
    } else if (message?.t === 'result') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      clearTimeout(pending.timer);
      this.pending.delete(message.id);
      pending.resolve({ reply: parseReply(message.reply), memory: Number(message.memory) || 0, wallMs: Number(message.wallMs) || 0 });
    } else if (message?.t === 'hostcall' && message.many === true) {
      this.onDeferredPuts(message);
    } else if (message?.t === 'hostcall') {
      const owner = this.pending.get(message.invokeId);
      const mine = owner && owner.key === message.key && owner.unitId === message.unitId ? owner : undefined;
      if (mine) mine.awaiting += 1;
      // The invocation waiting on this answer cannot finish if the answer is not delivered. An error
      // answer names its code beside the payload: the child lets the call report only host codes it was given.
      const reply = (payload: string, error?: string) => {
        if (mine) mine.awaiting -= 1;
        this.send(child, { t: 'hostreply', callId: message.callId, reply: payload, ...(error ? { error } : {}) });
      };
      const refuse = (marshalled: MarshalledError) => reply(JSON.stringify({ ok: false, e: marshalled }), marshalled.code);
      let args: unknown[];
      try {
        args = JSON.parse(message.args);
        if (!Array.isArray(args)) throw new Error('not an array');
      } catch {
        refuse({ code: 'PLUGIN_BAD_ARGUMENTS', message: 'host call arguments are not a JSON array', status: 400 });
        return;
      }
      this.onHostCall({ key: message.key, unitId: message.unitId, invokeId: message.invokeId, method: message.method, args, context: mine?.context }).then(
        (value) => {
          let json: string;
          try {
            json = JSON.stringify({ ok: true, v: value ?? null });
          } catch {
            refuse({ code: 'HOST_ERROR', message: 'result not serializable', status: 500 });
            return;
          }
          reply(json);
        },
        (error) => refuse(toMarshalled(error)),
      );
    }
  }

  /**
   * An event batch's deferred storage.put calls, `[[event index, put arguments], …]`: each handed to
   * the invocation's context, none answered (the sandbox already was). What does not read as that
   * reaches the host as a put without arguments at event 0, which it refuses when it writes: the
   * whole batch is delivered again.
   */
  private onDeferredPuts(message: any): void {
    const owner = this.pending.get(message.invokeId);
    if (!owner || owner.key !== message.key || owner.unitId !== message.unitId) return;
    let puts: Array<[number, unknown[]]>;
    try {
      puts = JSON.parse(message.args);
      if (!Array.isArray(puts) || !puts.every((p) => Array.isArray(p) && Number.isSafeInteger(p[0]) && p[0] >= 0 && Array.isArray(p[1]))) throw new Error('not puts');
    } catch {
      puts = [[0, []]];
    }
    for (const [at, args] of puts) {
      this.onHostCall({ key: message.key, unitId: message.unitId, invokeId: message.invokeId, method: 'storage.put', args, context: owner.context, at })
        .catch((error) => console.error('[plugins] a deferred storage write could not be queued:', (error as Error).message));
    }
  }

  async invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    const started = Date.now();
    try {
      await this.spawn();
    } catch (error) {
      return { reply: errorReply('PLUGIN_RUNNER_DIED', `the plugin runner could not start: ${(error as Error).message}`, 503), memory: 0, wallMs: Date.now() - started };
    }
    let child = this.child;
    if (child && !child.connected) {
      // On its way out (its channel closed before its exit was seen): replaced now, not waited for.
      this.onChildError(child, new Error('the channel to the plugin runner is closed'));
      try {
        await this.spawn();
      } catch (error) {
        return { reply: errorReply('PLUGIN_RUNNER_DIED', `the plugin runner could not start: ${(error as Error).message}`, 503), memory: 0, wallMs: Date.now() - started };
      }
      child = this.child;
    }
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
      // The parent's own watchdog: a runner that does not answer in time is hung; replace it (the
      // calls it had are answered as it exits, the suspect's charged).
      const timer = setTimeout(() => {
        if (!this.pending.has(id) || this.child !== child) return;
        const state = this.states.get(child);
        if (state) state.hung = true;
        this.kill();
      }, request.timeoutMs + GRACE_MS);
      this.pending.set(id, { resolve, timer, started, key: request.key, unitId: request.unitId, timeoutMs: request.timeoutMs, context: request.context, awaiting: 0 });
      this.send(child, {
        t: 'invoke', id, key: request.key, code: codeOnce(child, request.key, request.code), memoryMb: request.memoryMb, unitId: request.unitId,
        entry: request.entry, name: request.name, input: inputJson, settings: settingsJson, timeoutMs: request.timeoutMs, cpuMs: request.cpuMs,
        maxResultBytes: request.maxResultBytes, maxHostCalls: request.maxHostCalls,
      });
    });
  }

  /** Drops a plugin version's isolate (disable, uninstall, breaker). */
  drop(key: string, unitId?: string): void {
    // A runner that is gone has dropped everything already.
    if (this.child) this.send(this.child, unitId ? { t: 'dropUnit', key, unitId } : (forgetCode(this.child, key), { t: 'drop', key }));
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
