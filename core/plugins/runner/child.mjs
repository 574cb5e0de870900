// Over 400 lines: the runner is one file the SDK ships beside its harness (sdk/scripts/build-package.ts copies it alone): the sandbox bootstrap, the blame sampler and the call protocol stay together.
// The plugin runner: a child process of the core that owns every isolate. An out-of-memory or
// catastrophic V8 error here kills this process, never the core: the parent restarts it, fails the
// calls that were in flight and charges only the plugin that brought it down (client.ts).
// Plain JavaScript so it starts without a TypeScript loader. argv[2]: the runner's memory limit, MB.
// Protocol (plain objects over the IPC channel, structured clone: `advanced` serialization; payloads are JSON text):
//   parent → child  {t:'invoke', id, key, code (with a key's first call only), memoryMb, unitId, entry, name, input, settings, timeoutMs, cpuMs, maxResultBytes, maxHostCalls}
//                   {t:'hostreply', callId, reply, error?}   {t:'drop', key}   {t:'dropUnit', key, unitId}   {t:'ping', id}
//   child → parent  {t:'ready'}  {t:'result', id, reply, memory}  {t:'hostcall', callId, invokeId, key, unitId, method, args}  {t:'pong', id}
//                   {t:'hostcall', callId: 0, …, method: 'storage.put', args: [[eventIndex, putArgs], …], many: true}
//                                   an event batch's storage.put calls, deferred: not answered (deferred-puts.ts)
//                   {t:'suspect', key}   the isolate computing hardest lately (null: none): whom to blame if this process dies
//                   {t:'dying', reason, key, detail}   about to exit (over its memory limit, a catastrophic V8 error) and who caused it
import ivm from 'isolated-vm';

/**
 * @typedef {{ isolate: any, key: string, contexts: Map<string, Promise<any>>, disposedFor?: string, inflight: number,
 *   heap: number, heapAt: number, heapPending: boolean, cpuLast?: bigint, recent: number[], idleBusyNs: number, cpuMs: number }} IsolateEntry
 */
/** @type {Map<string, IsolateEntry>} */
const isolates = new Map();
/** @type {Map<number, {key: string, unitId: string, hostCalls: number, inFlight: number, maxHostCalls: number, hostErrors: Set<string>, fault?: {code: string, message: string}}>} */
const invocations = new Map();
/** @type {Map<number, {invokeId: number, resolve: (reply: string) => void}>} */
const hostCalls = new Map();
let nextCallId = 1;

const MAX_INFLIGHT_HOST_CALLS = 32;
const RUNNER_MEMORY_BYTES = Number(process.argv[2]) > 0 ? Number(process.argv[2]) * 1024 * 1024 : 0;
/** The sampler: every tick it reads each isolate's CPU clock and this process's resident memory. */
const TICK_MS = 20;
const WINDOW_TICKS = 10;
/** An isolate is the suspect when it computed at least this share of the window (the hardest-working one). */
const SUSPECT_SHARE = 0.2;
/** An isolate's heap is measured again (when it is next free) at most this often. */
const HEAP_REFRESH_MS = 1000;
/** Codes the sandbox itself gives a call's failure; any other code must be one a host call of that call answered. */
const SANDBOX_CODES = new Set(['PLUGIN_THREW', 'PLUGIN_ENTRY_MISSING', 'PLUGIN_BAD_RESULT']);

const send = (message) => { if (process.connected) process.send(message); };
const fail = (code, message, status = 500) => JSON.stringify({ ok: false, e: { code, message, status } });

/**
 * isolated-vm reads its options (`timeout`, `result`, `copy`, `reference`, `filename`, …) with
 * ordinary property lookups, prototype chain included: every options object handed to it is built
 * here without a prototype, so no getter planted on an Object.prototype can answer for a missing key.
 * Nested plain objects are rebuilt the same way; functions and other values pass as they are.
 */
function options(fields) {
  const out = Object.create(null);
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    out[key] = value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype ? options(value) : value;
  }
  return out;
}

// Runs inside each context before the plugin's code, as a closure: $0 is the host-call reference.
// It returns the invoke function; neither the reference nor the invoke function is reachable from
// plugin code (they live only in this closure), and the builtins it uses are captured first. Every
// object it hands to isolated-vm or to JSON.stringify has no prototype (no planted getter or toJSON
// reaches them). Host errors are known by identity (a WeakMap of this closure, holding the code and
// message the host gave), never by a property a plugin could put on any object it throws.
const BOOTSTRAP = `
  const hostRef = $0;
  const parse = JSON.parse, stringify = JSON.stringify, freeze = Object.freeze, defineProperty = Object.defineProperty, ErrorCtor = Error;
  const StringCtor = String, NumberCtor = Number, PromiseCtor = Promise, apply = Reflect.apply;
  const then = Promise.prototype.then, promiseResolve = Promise.resolve, hasOwn = Object.prototype.hasOwnProperty, dateNow = Date.now;
  const split = String.prototype.split, sliceOf = String.prototype.slice;
  const mapGet = WeakMap.prototype.get, mapSet = WeakMap.prototype.set;
  const refApply = hostRef.apply;
  const hostErrors = new WeakMap();
  const CALL_OPTIONS = freeze({ __proto__: null, arguments: freeze({ __proto__: null, copy: true }), result: freeze({ __proto__: null, promise: true, copy: true }) });
  const cut = (s, n) => apply(sliceOf, s, [0, n]);
  const data = (value) => ({ __proto__: null, value, writable: true, enumerable: true, configurable: true });
  const hostRecord = (err) => (err !== null && (typeof err === 'object' || typeof err === 'function') ? apply(mapGet, hostErrors, [err]) : undefined);
  const hostError = (e) => {
    const code = StringCtor(e.code), message = StringCtor(e.message), status = NumberCtor(e.status);
    const error = new ErrorCtor(message);
    defineProperty(error, 'code', data(code));
    defineProperty(error, 'status', data(status));
    apply(mapSet, hostErrors, [error, freeze({ __proto__: null, code, message, status })]);
    return error;
  };
  const describe = (err) => {
    try {
      const host = hostRecord(err);
      if (host !== undefined) return { __proto__: null, code: host.code, message: cut(host.message, 500), status: 500 };
      if (err instanceof ErrorCtor) return { __proto__: null, code: 'PLUGIN_THREW', message: StringCtor(err.name) + ': ' + cut(StringCtor(err.message), 500), status: 500 };
      const kind = err === null ? 'null' : typeof err;
      let shown = '';
      try { shown = kind === 'object' ? stringify(err) : StringCtor(err); } catch (e) { shown = '(unprintable)'; }
      return { __proto__: null, code: 'PLUGIN_THREW', message: 'plugin threw a non-Error value (' + kind + '): ' + cut(StringCtor(shown), 200), status: 500 };
    } catch (e) {
      return { __proto__: null, code: 'PLUGIN_THREW', message: 'plugin threw an unprintable value', status: 500 };
    }
  };
  // A refusal (sdk refuse()) is plain data the host recognises by __refusal: status, code, message
  // and details are copied out here; the host checks them (allowed status, code shape) and decides
  // whether the entry may refuse at all. Anything unreadable makes it an ordinary throw.
  const refusalOf = (err) => {
    try {
      if (err === null || typeof err !== 'object' || err.__refusal !== true || hostRecord(err) !== undefined) return null;
      const out = { __proto__: null, code: cut(StringCtor(err.code), 60), message: cut(StringCtor(err.message), 500), status: NumberCtor(err.status), refused: true };
      if (typeof err.messageEn === 'string') out.messageEn = cut(err.messageEn, 500);
      if (err.details !== undefined && err.details !== null) {
        const json = stringify(err.details);
        if (typeof json === 'string' && json.length <= 4096) out.details = parse(json);
      }
      return out;
    } catch (e) {
      return null;
    }
  };
  const PUTS_AT_ONCE = 64, PUT_BYTES_AT_ONCE = 262144;
  /** A host's puts still kept here: handed over by its batch before it answers. */
  const flushers = new WeakMap();
  const join = Array.prototype.join, push = Array.prototype.push;
  // \`eventAt\` (an event batch's): the index of the event being handled. The batch's storage.put is
  // then deferred: answered at once, kept here with its event's index, and handed to the host several
  // at a time (deferred-puts.ts writes them in order) — before the batch's next other host call and
  // at its end. A crossing out of the sandbox and a process round trip per put were most of a batch's time.
  const makeHost = (invokeId, unitId, settings, onCall, eventAt) => {
    let puts = [], putBytes = 0;
    const send = async (method, argsJson, count) => {
      const replyJson = await apply(refApply, hostRef, [undefined, [invokeId, method, argsJson, count], CALL_OPTIONS]);
      const reply = parse(replyJson);
      if (reply.ok === true) return reply.v;
      throw hostError(reply.e);
    };
    const flushPuts = async () => {
      if (puts.length === 0) return;
      const many = '[' + apply(join, puts, [',']) + ']', count = puts.length;
      puts = [];
      putBytes = 0;
      await send('storage.putMany', many, count);
    };
    const call = async (method, args) => {
      if (onCall) onCall();
      // Arguments that are not JSON go as null: the runner answers that with a host error.
      let argsJson = null;
      try { argsJson = stringify(args); } catch (e) { argsJson = null; }
      if (typeof argsJson !== 'string') argsJson = null;
      if (eventAt && method === 'storage.put' && argsJson !== null) {
        apply(push, puts, ['[' + eventAt() + ',' + argsJson + ']']);
        putBytes += argsJson.length;
        if (puts.length >= PUTS_AT_ONCE || putBytes >= PUT_BYTES_AT_ONCE) await flushPuts();
        return null;
      }
      if (eventAt) await flushPuts();
      return send(StringCtor(method), argsJson, undefined);
    };
    const host = freeze({
      unitId,
      settings: freeze(settings),
      ledger: freeze({
        indicators: (filter) => call('ledger.indicators', [filter ?? {}]),
        payments: (filter) => call('ledger.payments', [filter ?? {}]),
        projects: () => call('ledger.projects', []),
        departments: () => call('ledger.departments', []),
        transfers: (filter) => call('ledger.transfers', [filter ?? {}]),
        budgetRequests: (filter) => call('ledger.budgetRequests', [filter ?? {}]),
        executionReport: (params) => call('ledger.executionReport', [params ?? {}]),
        timeProgress: (params) => call('ledger.timeProgress', [params ?? {}]),
      }),
      storage: freeze({
        put: (collection, id, data) => call('storage.put', [collection, id, data]),
        get: (collection, id) => call('storage.get', [collection, id]),
        delete: (collection, id) => call('storage.delete', [collection, id]),
        query: (collection, where, options) => call('storage.query', [collection, where ?? {}, options ?? {}]),
        search: (collection, query, options) => call('storage.search', [collection, query, options ?? {}]),
      }),
      notify: (message) => call('notify', [message]),
      realtime: freeze({ publish: (channel, data) => call('realtime.publish', [channel, data]) }),
      members: freeze({ list: (filter) => call('members.list', [filter ?? {}]) }),
      shared: freeze({ query: (pluginId, collection, where, options) => call('shared.query', [pluginId, collection, where ?? {}, options ?? {}]) }),
      standards: freeze({
        list: (params) => call('standards.list', [params ?? {}]),
        get: (versionId) => call('standards.get', [{ __proto__: null, versionId }]),
        propose: (version) => call('standards.propose', [version]),
      }),
      rules: freeze({ trial: (params) => call('rules.trial', [params]) }),
      log: freeze({
        info: (message, data) => call('log', ['info', message, data ?? null]),
        warn: (message, data) => call('log', ['warn', message, data ?? null]),
        error: (message, data) => call('log', ['error', message, data ?? null]),
      }),
    });
    apply(mapSet, flushers, [host, flushPuts]);
    return host;
  };
  const failure = (e) => stringify({ __proto__: null, ok: false, e });
  // An event's handler: the exact type first, then the family (\`payment.*\`), then a catch-all \`*\`.
  const eventHandler = (def, type) => {
    const table = def && def.events;
    const own = (k) => (table && apply(hasOwn, table, [k]) ? table[k] : undefined);
    const fn = own(type);
    return fn !== undefined ? fn : (own(apply(split, StringCtor(type), ['.'])[0] + '.*') ?? own('*'));
  };
  // A batch of events (manifest \`eventBatch\`): the same handlers, one after another in order, with one
  // host. Stops at the first that fails (not retried here), or before starting another once the batch
  // used its share of the call's time or host calls; answers how many completed: the host acknowledges
  // those and delivers the rest (the failed one alone, under the usual rules). An event without a handler counts as completed.
  const eventBatch = (invokeId, unitId, inputJson, settingsJson) => {
    let def;
    try { const exported = globalThis.__plugin; def = exported && exported.default ? exported.default : exported; } catch (e) { return failure(describe(e)); }
    const input = parse(inputJson);
    const events = input.events, budgetMs = NumberCtor(input.budgetMs), maxCalls = NumberCtor(input.hostCalls), started = dateNow();
    let calls = 0;
    let i = 0;
    const host = makeHost(invokeId, unitId, parse(settingsJson), () => { calls += 1; }, () => i);
    return new PromiseCtor((resolve) => {
      // The puts still kept here go to the host before the answer.
      const answer = (failed) => apply(then, apply(mapGet, flushers, [host])(), [
        () => resolve('{"ok":true,"v":{"done":' + i + ',"failed":' + (failed ? 'true' : 'false') + '}}'),
        (e) => resolve(failure(describe(e))),
      ]);
      const next = () => {
        for (;;) {
          if (i >= events.length || (i > 0 && (dateNow() - started >= budgetMs || calls >= maxCalls))) return answer(false);
          let fn;
          try { fn = eventHandler(def, events[i].type); } catch (e) { return answer(true); }
          if (typeof fn !== 'function') { i += 1; continue; }
          try {
            apply(then, apply(promiseResolve, PromiseCtor, [fn(events[i], host)]), [() => { i += 1; next(); }, () => answer(true)]);
          } catch (e) { answer(true); }
          return undefined;
        }
      };
      next();
    });
  };
  return function invoke(invokeId, unitId, entry, name, inputJson, settingsJson) {
    if (entry === 'eventBatch') return eventBatch(invokeId, unitId, inputJson, settingsJson);
    let fn;
    try {
      const exported = globalThis.__plugin;
      const def = exported && exported.default ? exported.default : exported;
      if (entry === 'migrate') fn = def && def.migrate;
      else {
        const table = def && def[entry];
        const own = (k) => (table && apply(hasOwn, table, [k]) ? table[k] : undefined);
        fn = own(name);
        if (fn === undefined && entry === 'events') fn = eventHandler(def, name);
      }
    } catch (e) { return failure(describe(e)); }
    if (typeof fn !== 'function') return failure({ __proto__: null, code: 'PLUGIN_ENTRY_MISSING', message: 'the plugin has no ' + entry + ' entry ' + StringCtor(name), status: 404 });
    const host = makeHost(invokeId, unitId, parse(settingsJson));
    const input = parse(inputJson);
    return new PromiseCtor((resolve) => {
      const done = (value) => {
        try { const s = stringify(value === undefined ? null : value); resolve('{"ok":true,"v":' + (s === undefined ? 'null' : s) + '}'); }
        catch (e) { resolve(failure({ __proto__: null, code: 'PLUGIN_BAD_RESULT', message: 'the result is not JSON: ' + describe(e).message, status: 500 })); }
      };
      const failed = (e) => resolve(failure(refusalOf(e) ?? describe(e)));
      try {
        const result = entry === 'migrate' || entry === 'schedule' ? fn(host, input) : fn(input, host);
        apply(then, apply(promiseResolve, PromiseCtor, [result]), [done, failed]);
      } catch (e) { failed(e); }
    });
  };
`;

// ------------------------------------------------------------------ dying, and saying who did it

let dying = false;

/**
 * Ends this process after telling the parent why and which isolate caused it (the parent charges
 * that plugin and no other). The message goes first; the exit follows it, or a moment later.
 */
function die(reason, key, detail, exitCode) {
  if (dying) return;
  dying = true;
  // Over the memory limit, the culprit's isolate stops growing while the message goes out (after a
  // catastrophic error V8 has lost the isolate: it is left alone).
  if (key && reason === 'memory') disposeIsolate(key, reason);
  const exit = () => process.exit(exitCode);
  setTimeout(exit, 200);
  try {
    if (process.connected) process.send({ t: 'dying', reason, key: key ?? null, detail }, exit);
    else exit();
  } catch {
    exit();
  }
}

function entryFor(key, memoryMb) {
  let entry = isolates.get(key);
  if (entry && !entry.isolate.isDisposed) return entry;
  const isolate = new ivm.Isolate(options({
    memoryLimit: memoryMb,
    onCatastrophicError: (message) => {
      console.error(`[plugin-runner] catastrophic error in isolate ${key}: ${message}`);
      die('catastrophic', key, String(message).slice(0, 200), 70);
    },
  }));
  entry = { isolate, key, contexts: new Map(), inflight: 0, heap: 0, heapAt: 0, heapPending: false, recent: [], idleBusyNs: 0, cpuMs: 1000 };
  isolates.set(key, entry);
  return entry;
}

function disposeIsolate(key, reason) {
  const entry = isolates.get(key);
  if (!entry) return;
  isolates.delete(key);
  entry.disposedFor = reason;
  try { if (!entry.isolate.isDisposed) entry.isolate.dispose(); } catch { /* already gone */ }
}

// ------------------------------------------------------------------ the sampler

let suspect = null;

/**
 * Every tick: which isolate has been computing (its CPU clock advances only while its code runs,
 * never while it waits on a host call), whether an isolate with no call in flight keeps computing
 * (a continuation left running after its call ended: disposed once it has used a call's CPU
 * budget), and whether this process is over its memory limit. The hardest-computing isolate of the
 * last ten ticks is reported to the parent as the suspect when it changes: if this process dies
 * without a word (killed by the system, a V8 abort), the parent blames that one and no other.
 */
function sample() {
  let top = null;
  let topNs = 0;
  for (const [key, entry] of isolates) {
    let cpu;
    try { cpu = entry.isolate.cpuTime; } catch { continue; }
    const delta = entry.cpuLast === undefined ? 0 : Number(cpu - entry.cpuLast);
    entry.cpuLast = cpu;
    entry.recent.push(delta);
    if (entry.recent.length > WINDOW_TICKS) entry.recent.shift();
    const recentNs = entry.recent.reduce((sum, ns) => sum + ns, 0);
    if (recentNs > topNs) { top = key; topNs = recentNs; }
    if (entry.inflight === 0 && delta > TICK_MS * 1e6 * 0.5) {
      entry.idleBusyNs += delta;
      if (entry.idleBusyNs > entry.cpuMs * 1e6) {
        console.warn(`[plugin-runner] ${key} kept computing after its calls ended; its sandbox was reset`);
        disposeIsolate(key, 'runaway');
      }
    } else {
      entry.idleBusyNs = 0;
    }
  }
  const next = topNs >= TICK_MS * 1e6 * WINDOW_TICKS * SUSPECT_SHARE ? top : null;
  if (next !== suspect) {
    suspect = next;
    send({ t: 'suspect', key: suspect });
  }
  if (RUNNER_MEMORY_BYTES && process.memoryUsage.rss() > RUNNER_MEMORY_BYTES) {
    // Memory is filled by computing: only an isolate that has clearly been computing is blamed (the
    // suspect); with none, no one is, and the runner starts again all the same.
    const limitMb = Math.round(RUNNER_MEMORY_BYTES / 1024 / 1024);
    console.error(`[plugin-runner] over its ${limitMb} MB memory limit; ${suspect ?? 'no isolate'} is blamed; exiting`);
    die('memory', suspect, `the plugin runner went over its ${limitMb} MB memory limit`, 71);
  }
}
setInterval(sample, TICK_MS);

// ------------------------------------------------------------------ contexts and host calls

async function contextFor(entry, key, unitId, code, timeoutMs) {
  let pending = entry.contexts.get(unitId);
  if (!pending) {
    pending = (async () => {
      const context = await entry.isolate.createContext(options({}));
      const hostRef = new ivm.Reference((invokeId, method, args, count) => hostCall(key, unitId, invokeId, method, args, count));
      const invokeRef = await context.evalClosure(BOOTSTRAP, [hostRef], options({ timeout: timeoutMs, result: { reference: true } }));
      await context.eval(code, options({ timeout: timeoutMs, filename: `plugin:${key}` }));
      return { context, invokeRef };
    })();
    entry.contexts.set(unitId, pending);
    pending.catch(() => { if (entry.contexts.get(unitId) === pending) entry.contexts.delete(unitId); });
  }
  return pending;
}

/** A host error the runner gives a call itself: remembered, so the call may report it as its failure. */
function refuse(invocation, code, message, status) {
  invocation?.hostErrors.add(code);
  return fail(code, message, status);
}

/** What a batch's deferred puts are answered (the host writes them later). */
const DEFERRED_ANSWER = '{"ok":true,"v":null}';

/** `count`: how many puts a batch's `storage.putMany` carries (sent on without waiting for an answer). */
function hostCall(key, unitId, invokeId, method, args, count) {
  const invocation = invocations.get(invokeId);
  // A host object kept from an earlier call (or another unit's) is dead: calls are bound to one invocation.
  if (!invocation || invocation.key !== key || invocation.unitId !== unitId) {
    for (const live of invocations.values()) if (live.key === key && live.unitId === unitId) live.hostErrors.add('PLUGIN_CALL_EXPIRED');
    return fail('PLUGIN_CALL_EXPIRED', 'host calls are allowed only during the call that received the host object', 403);
  }
  // A call already caught flooding gets nothing more.
  if (invocation.fault) return refuse(invocation, invocation.fault.code, invocation.fault.message, 429);
  const many = method === 'storage.putMany';
  if (many && !(Number.isSafeInteger(count) && count >= 1)) return refuse(invocation, 'PLUGIN_BAD_ARGUMENTS', 'storage.putMany: no count', 400);
  invocation.hostCalls += many ? count : 1;
  if (invocation.hostCalls > invocation.maxHostCalls) {
    invocation.fault ??= { code: 'PLUGIN_HOST_CALL_LIMIT', message: `more than ${invocation.maxHostCalls} host calls in one call` };
    return refuse(invocation, 'PLUGIN_HOST_CALL_LIMIT', `more than ${invocation.maxHostCalls} host calls in one call`, 429);
  }
  if (invocation.inFlight >= MAX_INFLIGHT_HOST_CALLS) {
    invocation.fault ??= { code: 'PLUGIN_HOST_CALL_LIMIT', message: `more than ${MAX_INFLIGHT_HOST_CALLS} host calls at once` };
    return refuse(invocation, 'PLUGIN_HOST_CALL_LIMIT', `more than ${MAX_INFLIGHT_HOST_CALLS} host calls at once`, 429);
  }
  if (args === null) return refuse(invocation, 'PLUGIN_BAD_ARGUMENTS', `the arguments of ${String(method).slice(0, 60)} are not JSON`, 400);
  if (typeof args !== 'string' || args.length > 1_000_000) return refuse(invocation, 'PLUGIN_BAD_ARGUMENTS', 'host call arguments too large', 413);
  if (many) {
    send({ t: 'hostcall', callId: 0, invokeId, key, unitId, method: 'storage.put', args, many: true });
    return DEFERRED_ANSWER;
  }
  invocation.inFlight += 1;
  const callId = nextCallId++;
  return new Promise((resolve) => {
    hostCalls.set(callId, {
      invokeId,
      resolve: (reply) => {
        invocation.inFlight -= 1;
        resolve(reply);
      },
    });
    send({ t: 'hostcall', callId, invokeId, key, unitId, method: String(method), args });
  });
}

/**
 * A call's failure as the sandbox reported it, believed only if the sandbox could have produced it:
 * one of its own codes, a refusal (checked again by the host), or a host error that a host call of
 * this very call was answered with. Anything else is the plugin's own throw.
 */
function vetted(reply, invocation) {
  if (reply.startsWith('{"ok":true,')) return reply;
  let e;
  try { e = JSON.parse(reply).e; } catch { return fail('PLUGIN_BAD_RESULT', 'the sandbox returned an unreadable result'); }
  if (!e || typeof e.code !== 'string') return fail('PLUGIN_BAD_RESULT', 'the sandbox returned an unreadable error');
  if (e.refused === true || SANDBOX_CODES.has(e.code) || invocation.hostErrors.has(e.code)) return reply;
  return fail('PLUGIN_THREW', `the plugin threw an error carrying a host code (${String(e.code).slice(0, 60)}) that no host call of this call was answered with`, 500);
}

/** The heap of an isolate, measured when it is next free (a synchronous read would wait for a busy isolate). */
function refreshHeap(entry) {
  if (entry.heapPending || entry.isolate.isDisposed || Date.now() - entry.heapAt < HEAP_REFRESH_MS) return;
  entry.heapPending = true;
  entry.heapAt = Date.now();
  entry.isolate.getHeapStatistics().then(
    (heap) => { entry.heap = heap.used_heap_size; },
    () => {},
  ).finally(() => { entry.heapPending = false; });
}

/** Each plugin version's code, as the parent sent it with its first call here (kept until the parent drops it). */
const codes = new Map();

async function invoke(message) {
  if (typeof message.code === 'string') codes.set(message.key, message.code);
  const code = codes.get(message.key);
  const { id, key, memoryMb, unitId, entry: entryName, name, input, settings, timeoutMs, maxResultBytes, maxHostCalls } = message;
  const cpuMs = Number(message.cpuMs) > 0 ? Math.min(Number(message.cpuMs), timeoutMs) : timeoutMs;
  const invocation = { key, unitId, hostCalls: 0, inFlight: 0, maxHostCalls, hostErrors: new Set() };
  invocations.set(id, invocation);
  const started = process.hrtime.bigint();
  let entry;
  let timedOut = false;
  let cpuExceeded = false;
  let watchdog;
  let cpuWatchdog;
  try {
    entry = entryFor(key, memoryMb);
    entry.inflight += 1;
    entry.cpuMs = cpuMs;
    const isolate = entry.isolate;
    const cpuBefore = isolate.cpuTime;
    // The watchdog: isolated-vm's timeout covers synchronous code only. A promise that never
    // settles or a loop after an await is stopped by disposing the whole isolate.
    watchdog = setTimeout(() => {
      timedOut = true;
      disposeIsolate(key, 'timeout');
    }, timeoutMs);
    // The CPU watchdog: code resumed after an await (a host call's answer) runs outside any
    // isolated-vm timeout, and its wall time is mostly not its own while host calls wait on the
    // database. Its CPU time is: past the budget, the isolate is disposed. cpuTime advances live
    // while the isolate runs, so polling sees a loop that never yields.
    // (CPU time never outruns wall time in one isolate, so a budget equal to the wall limit is the wall watchdog's.)
    const cpuBudgetNs = BigInt(Math.round(cpuMs * 1e6));
    if (cpuMs < timeoutMs) cpuWatchdog = setInterval(() => {
      if (isolate.isDisposed) return;
      let used;
      try { used = isolate.cpuTime - cpuBefore; } catch { return; }
      // Calls of other units on the same isolate run on its CPU clock too: with N in flight the
      // budget is N times larger, which still stops a runaway loop (it starves them all).
      if (used > cpuBudgetNs * BigInt(Math.max(1, entry.inflight))) {
        cpuExceeded = true;
        disposeIsolate(key, 'cpu');
      }
    }, Math.max(5, Math.min(50, Math.floor(cpuMs / 4))));
    const { invokeRef } = await contextFor(entry, key, unitId, code, timeoutMs);
    const replyJson = await invokeRef.apply(undefined, [id, unitId, entryName, name, input, settings], options({
      timeout: timeoutMs,
      arguments: { copy: true },
      result: { promise: true, copy: true },
    }));
    let reply = typeof replyJson === 'string' ? vetted(replyJson, invocation) : fail('PLUGIN_BAD_RESULT', 'the sandbox returned no result');
    if (reply.length > maxResultBytes) reply = fail('PLUGIN_RESULT_TOO_LARGE', `the result has ${reply.length} bytes; the limit is ${maxResultBytes}`, 500);
    if (invocation.fault) reply = fail(invocation.fault.code, invocation.fault.message, 429);
    const cpuUsedMs = isolate.isDisposed ? 0 : Number(isolate.cpuTime - cpuBefore) / 1e6;
    send({ t: 'result', id, reply, memory: entry.heap, cpuMs: cpuUsedMs, wallMs: Number(process.hrtime.bigint() - started) / 1e6 });
    refreshHeap(entry);
  } catch (error) {
    // Told apart by what the runner itself saw (its watchdogs, the isolate's disposal), never by
    // the error's text alone: a plugin can throw any text while its code loads.
    const text = String(error && error.message ? error.message : error);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const disposed = entry !== undefined && entry.isolate.isDisposed;
    let reply;
    if (cpuExceeded) reply = fail('PLUGIN_CPU_LIMIT', `the call used more than ${cpuMs} ms of CPU time; the plugin's sandbox was reset`, 504);
    else if (timedOut || (/timed out/i.test(text) && elapsedMs >= timeoutMs * 0.9)) reply = fail('PLUGIN_TIMEOUT', `the call did not finish within ${timeoutMs} ms; the plugin's sandbox was reset`, 504);
    else if (disposed && entry.disposedFor === undefined) reply = fail('PLUGIN_OUT_OF_MEMORY', `the plugin exceeded its ${memoryMb} MB memory limit; the sandbox was reset`, 500);
    else if (entry?.disposedFor) reply = fail('PLUGIN_SANDBOX_RESET', `the plugin's sandbox was reset (${entry.disposedFor}) during the call`, 500);
    else reply = fail('PLUGIN_THREW', text.slice(0, 500), 500);
    if (disposed) disposeIsolate(key, 'disposed');
    send({ t: 'result', id, reply, memory: 0, cpuMs: 0, wallMs: elapsedMs });
  } finally {
    clearTimeout(watchdog);
    clearInterval(cpuWatchdog);
    if (entry) entry.inflight = Math.max(0, entry.inflight - 1);
    invocations.delete(id);
  }
}

process.on('message', (message) => {
  switch (message.t) {
    case 'invoke':
      void invoke(message);
      break;
    case 'hostreply': {
      const pending = hostCalls.get(message.callId);
      if (pending) {
        hostCalls.delete(message.callId);
        if (typeof message.error === 'string') invocations.get(pending.invokeId)?.hostErrors.add(message.error);
        pending.resolve(message.reply);
      }
      break;
    }
    case 'drop':
      codes.delete(message.key);
      disposeIsolate(message.key, 'dropped');
      break;
    case 'dropUnit': {
      const entry = isolates.get(message.key);
      const pending = entry?.contexts.get(message.unitId);
      if (entry && pending) {
        entry.contexts.delete(message.unitId);
        pending.then((c) => { try { c.context.release(); } catch { /* gone */ } }, () => {});
      }
      break;
    }
    case 'ping':
      send({ t: 'pong', id: message.id, isolates: isolates.size });
      break;
    case 'crash':
      // Test hook: die as an out-of-memory abort would.
      process.exit(134);
  }
});
process.on('disconnect', () => process.exit(0));
// The core may have gone while this module loaded: its channel closed before the listener above
// existed, and that 'disconnect' was never heard. Left running, this process would outlive it for good.
if (!process.connected) process.exit(0);
send({ t: 'ready' });
