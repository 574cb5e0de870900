// The plugin runner: a child process of the core that owns every isolate. An out-of-memory or
// catastrophic V8 error here kills this process, never the core: the parent restarts it and fails
// the calls that were in flight. Plain JavaScript so it starts without a TypeScript loader.
// Protocol (JSON over the IPC channel):
//   parent → child  {t:'invoke', id, key, code, memoryMb, unitId, entry, name, input, settings, timeoutMs, cpuMs, maxResultBytes, maxHostCalls}
//                   {t:'hostreply', callId, reply}   {t:'drop', key}   {t:'dropUnit', key, unitId}   {t:'ping', id}
//   child → parent  {t:'ready'}  {t:'result', id, reply, memory}  {t:'hostcall', callId, invokeId, key, unitId, method, args}  {t:'pong', id}
import ivm from 'isolated-vm';

/** @type {Map<string, {isolate: any, contexts: Map<string, Promise<any>>, disposedFor?: string, inflight?: number}>} */
const isolates = new Map();
/** @type {Map<number, {key: string, unitId: string, hostCalls: number, inFlight: number, fault?: {code: string, message: string}}>} */
const invocations = new Map();
/** @type {Map<number, (reply: string) => void>} */
const hostCalls = new Map();
let nextCallId = 1;

const MAX_INFLIGHT_HOST_CALLS = 32;
const send = (message) => { if (process.connected) process.send(message); };
const fail = (code, message, status = 500) => JSON.stringify({ ok: false, e: { code, message, status } });

// Runs inside each context before the plugin's code, as a closure: $0 is the host-call reference.
// It returns the invoke function; neither the reference nor the invoke function is reachable from
// plugin code (they live only in this closure), and the builtins it uses are captured first.
const BOOTSTRAP = `
  const hostRef = $0;
  const parse = JSON.parse, stringify = JSON.stringify, freeze = Object.freeze, ErrorCtor = Error;
  const isArray = Array.isArray, StringCtor = String, NumberCtor = Number, PromiseCtor = Promise, apply = Reflect.apply;
  const then = Promise.prototype.then;
  const refApply = hostRef.apply;
  const describe = (err) => {
    try {
      if (err !== null && typeof err === 'object' && err.__hostError === true) return { code: StringCtor(err.code), message: StringCtor(err.message), status: 500 };
      if (err instanceof ErrorCtor) return { code: 'PLUGIN_THREW', message: StringCtor(err.name) + ': ' + StringCtor(err.message).slice(0, 500), status: 500 };
      const kind = err === null ? 'null' : typeof err;
      let shown = '';
      try { shown = kind === 'object' ? stringify(err) : StringCtor(err); } catch (e) { shown = '(unprintable)'; }
      return { code: 'PLUGIN_THREW', message: 'plugin threw a non-Error value (' + kind + '): ' + StringCtor(shown).slice(0, 200), status: 500 };
    } catch (e) {
      return { code: 'PLUGIN_THREW', message: 'plugin threw an unprintable value', status: 500 };
    }
  };
  // A refusal (sdk refuse()) is plain data the host recognises by __refusal: status, code, message
  // and details are copied out here; the host checks them (allowed status, code shape) and decides
  // whether the entry may refuse at all. Anything unreadable makes it an ordinary throw.
  const refusalOf = (err) => {
    try {
      if (err === null || typeof err !== 'object' || err.__refusal !== true || err.__hostError === true) return null;
      const out = { code: StringCtor(err.code).slice(0, 60), message: StringCtor(err.message).slice(0, 500), status: NumberCtor(err.status), refused: true };
      if (typeof err.messageEn === 'string') out.messageEn = err.messageEn.slice(0, 500);
      if (err.details !== undefined && err.details !== null) {
        const json = stringify(err.details);
        if (typeof json === 'string' && json.length <= 4096) out.details = parse(json);
      }
      return out;
    } catch (e) {
      return null;
    }
  };
  const makeHost = (invokeId, unitId, settings) => {
    const call = async (method, args) => {
      let argsJson;
      try { argsJson = stringify(args); } catch (e) { const x = new ErrorCtor('arguments of ' + method + ' are not JSON'); x.code = 'PLUGIN_BAD_ARGUMENTS'; x.__hostError = true; throw x; }
      const replyJson = await apply(refApply, hostRef, [undefined, [invokeId, method, argsJson], { arguments: { copy: true }, result: { promise: true, copy: true } }]);
      const reply = parse(replyJson);
      if (reply.ok) return reply.v;
      const error = new ErrorCtor(reply.e.message);
      error.code = reply.e.code; error.status = reply.e.status; error.__hostError = true;
      throw error;
    };
    return freeze({
      unitId,
      settings: freeze(settings),
      ledger: freeze({
        indicators: (filter) => call('ledger.indicators', [filter ?? {}]),
        payments: (filter) => call('ledger.payments', [filter ?? {}]),
        projects: () => call('ledger.projects', []),
        departments: () => call('ledger.departments', []),
        transfers: (filter) => call('ledger.transfers', [filter ?? {}]),
        executionReport: (params) => call('ledger.executionReport', [params ?? {}]),
      }),
      storage: freeze({
        put: (collection, id, data) => call('storage.put', [collection, id, data]),
        get: (collection, id) => call('storage.get', [collection, id]),
        delete: (collection, id) => call('storage.delete', [collection, id]),
        query: (collection, where, options) => call('storage.query', [collection, where ?? {}, options ?? {}]),
      }),
      notify: (message) => call('notify', [message]),
      realtime: freeze({ publish: (channel, data) => call('realtime.publish', [channel, data]) }),
      log: freeze({
        info: (message, data) => call('log', ['info', message, data ?? null]),
        warn: (message, data) => call('log', ['warn', message, data ?? null]),
        error: (message, data) => call('log', ['error', message, data ?? null]),
      }),
    });
  };
  return function invoke(invokeId, unitId, entry, name, inputJson, settingsJson) {
    let fn;
    try {
      const exported = globalThis.__plugin;
      const def = exported && exported.default ? exported.default : exported;
      if (entry === 'migrate') fn = def && def.migrate;
      else {
        const table = def && def[entry];
        const own = (k) => (table && Object.prototype.hasOwnProperty.call(table, k) ? table[k] : undefined);
        fn = own(name);
        // Events: an exact handler first, then the family (\`payment.*\`), then a catch-all \`*\`.
        if (fn === undefined && entry === 'events') fn = own(StringCtor(name).split('.')[0] + '.*') ?? own('*');
      }
    } catch (e) { return stringify({ ok: false, e: describe(e) }); }
    if (typeof fn !== 'function') return stringify({ ok: false, e: { code: 'PLUGIN_ENTRY_MISSING', message: 'the plugin has no ' + entry + ' entry ' + StringCtor(name), status: 404 } });
    const host = makeHost(invokeId, unitId, parse(settingsJson));
    const input = parse(inputJson);
    return new PromiseCtor((resolve) => {
      const done = (value) => {
        try { const s = stringify(value === undefined ? null : value); resolve('{"ok":true,"v":' + (s === undefined ? 'null' : s) + '}'); }
        catch (e) { resolve(stringify({ ok: false, e: { code: 'PLUGIN_BAD_RESULT', message: 'the result is not JSON: ' + describe(e).message, status: 500 } })); }
      };
      const failed = (e) => resolve(stringify({ ok: false, e: refusalOf(e) ?? describe(e) }));
      try { apply(then, PromiseCtor.resolve(entry === 'migrate' || entry === 'schedule' ? fn(host, input) : fn(input, host)), [done, failed]); } catch (e) { failed(e); }
    });
  };
`;

function entryFor(key, memoryMb) {
  let entry = isolates.get(key);
  if (entry && !entry.isolate.isDisposed) return entry;
  const isolate = new ivm.Isolate({
    memoryLimit: memoryMb,
    onCatastrophicError: (message) => {
      console.error(`[plugin-runner] catastrophic error in isolate ${key}: ${message}`);
      process.exit(70);
    },
  });
  entry = { isolate, contexts: new Map() };
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

async function contextFor(entry, key, unitId, code, timeoutMs) {
  let pending = entry.contexts.get(unitId);
  if (!pending) {
    pending = (async () => {
      const context = await entry.isolate.createContext();
      const hostRef = new ivm.Reference((invokeId, method, args) => hostCall(key, unitId, invokeId, method, args));
      const invokeRef = await context.evalClosure(BOOTSTRAP, [hostRef], { timeout: timeoutMs, result: { reference: true } });
      await context.eval(code, { timeout: timeoutMs, filename: `plugin:${key}` });
      return { context, invokeRef };
    })();
    entry.contexts.set(unitId, pending);
    pending.catch(() => { if (entry.contexts.get(unitId) === pending) entry.contexts.delete(unitId); });
  }
  return pending;
}

function hostCall(key, unitId, invokeId, method, args) {
  const invocation = invocations.get(invokeId);
  // A host object kept from an earlier call (or another unit's) is dead: calls are bound to one invocation.
  if (!invocation || invocation.key !== key || invocation.unitId !== unitId) return fail('PLUGIN_CALL_EXPIRED', 'host calls are allowed only during the call that received the host object', 403);
  // A call already caught flooding gets nothing more.
  if (invocation.fault) return fail(invocation.fault.code, invocation.fault.message, 429);
  invocation.hostCalls += 1;
  if (invocation.hostCalls > invocation.maxHostCalls) {
    invocation.fault ??= { code: 'PLUGIN_HOST_CALL_LIMIT', message: `more than ${invocation.maxHostCalls} host calls in one call` };
    return fail('PLUGIN_HOST_CALL_LIMIT', `more than ${invocation.maxHostCalls} host calls in one call`, 429);
  }
  if (invocation.inFlight >= MAX_INFLIGHT_HOST_CALLS) {
    invocation.fault ??= { code: 'PLUGIN_HOST_CALL_LIMIT', message: `more than ${MAX_INFLIGHT_HOST_CALLS} host calls at once` };
    return fail('PLUGIN_HOST_CALL_LIMIT', `more than ${MAX_INFLIGHT_HOST_CALLS} host calls at once`, 429);
  }
  if (typeof args !== 'string' || args.length > 1_000_000) return fail('PLUGIN_BAD_ARGUMENTS', 'host call arguments too large', 413);
  invocation.inFlight += 1;
  const callId = nextCallId++;
  return new Promise((resolve) => {
    hostCalls.set(callId, (reply) => {
      invocation.inFlight -= 1;
      resolve(reply);
    });
    send({ t: 'hostcall', callId, invokeId, key, unitId, method: String(method), args });
  });
}

async function invoke(message) {
  const { id, key, code, memoryMb, unitId, entry: entryName, name, input, settings, timeoutMs, maxResultBytes, maxHostCalls } = message;
  const cpuMs = Number(message.cpuMs) > 0 ? Math.min(Number(message.cpuMs), timeoutMs) : timeoutMs;
  const invocation = { key, unitId, hostCalls: 0, inFlight: 0, maxHostCalls };
  invocations.set(id, invocation);
  const started = process.hrtime.bigint();
  let entry;
  let timedOut = false;
  let cpuExceeded = false;
  let watchdog;
  let cpuWatchdog;
  try {
    entry = entryFor(key, memoryMb);
    entry.inflight = (entry.inflight ?? 0) + 1;
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
      if (used > cpuBudgetNs * BigInt(Math.max(1, entry.inflight ?? 1))) {
        cpuExceeded = true;
        disposeIsolate(key, 'cpu');
      }
    }, Math.max(5, Math.min(50, Math.floor(cpuMs / 4))));
    const { invokeRef } = await contextFor(entry, key, unitId, code, timeoutMs);
    const replyJson = await invokeRef.apply(undefined, [id, unitId, entryName, name, input, settings], {
      timeout: timeoutMs,
      arguments: { copy: true },
      result: { promise: true, copy: true },
    });
    let reply = typeof replyJson === 'string' ? replyJson : fail('PLUGIN_BAD_RESULT', 'the sandbox returned no result');
    if (reply.length > maxResultBytes) reply = fail('PLUGIN_RESULT_TOO_LARGE', `the result has ${reply.length} bytes; the limit is ${maxResultBytes}`, 500);
    if (invocation.fault) reply = fail(invocation.fault.code, invocation.fault.message, 429);
    const cpuUsedMs = isolate.isDisposed ? 0 : Number(isolate.cpuTime - cpuBefore) / 1e6;
    send({ t: 'result', id, reply, memory: heapOf(isolate), cpuMs: cpuUsedMs, wallMs: Number(process.hrtime.bigint() - started) / 1e6 });
  } catch (error) {
    const text = String(error && error.message ? error.message : error);
    let reply;
    if (cpuExceeded) reply = fail('PLUGIN_CPU_LIMIT', `the call used more than ${cpuMs} ms of CPU time; the plugin's sandbox was reset`, 504);
    else if (timedOut || /timed out/i.test(text)) reply = fail('PLUGIN_TIMEOUT', `the call did not finish within ${timeoutMs} ms; the plugin's sandbox was reset`, 504);
    else if (/memory limit/i.test(text) || entry?.disposedFor === undefined && entry?.isolate.isDisposed) reply = fail('PLUGIN_OUT_OF_MEMORY', `the plugin exceeded its ${memoryMb} MB memory limit; the sandbox was reset`, 500);
    else if (entry?.disposedFor) reply = fail('PLUGIN_SANDBOX_RESET', `the plugin's sandbox was reset (${entry.disposedFor}) during the call`, 500);
    else reply = fail('PLUGIN_THREW', text.slice(0, 500), 500);
    if (entry && entry.isolate.isDisposed) disposeIsolate(key, 'disposed');
    send({ t: 'result', id, reply, memory: 0, cpuMs: 0, wallMs: Number(process.hrtime.bigint() - started) / 1e6 });
  } finally {
    clearTimeout(watchdog);
    clearInterval(cpuWatchdog);
    if (entry) entry.inflight = Math.max(0, (entry.inflight ?? 1) - 1);
    invocations.delete(id);
  }
}

function heapOf(isolate) {
  try { return isolate.isDisposed ? 0 : isolate.getHeapStatisticsSync().used_heap_size; } catch { return 0; }
}

process.on('message', (message) => {
  switch (message.t) {
    case 'invoke':
      void invoke(message);
      break;
    case 'hostreply': {
      const resolve = hostCalls.get(message.callId);
      if (resolve) { hostCalls.delete(message.callId); resolve(message.reply); }
      break;
    }
    case 'drop':
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
send({ t: 'ready' });
