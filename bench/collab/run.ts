// bench/collab: messages per second fanned out to N connected SSE clients on one app process, with
// delivery latency p50/p99 (message sent → hint received by each client), beside — measured in the
// same run, against the same process — (1) a bare hono SSE broadcast from an EventEmitter (no
// database, no session, no sandbox) and (2) the core's realtime bus published to directly (the
// realtime route with its session check and the bus, no plugin).
//   node --no-node-snapshot --import tsx bench/collab/run.ts      (BENCH_CLIENTS=200 BENCH_MESSAGES=200 BENCH_INFLIGHT=4)
// The server runs in a child process (bench/collab/server.ts) so the clients' parsing does not share its event loop.
import http from 'node:http';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { DEMO_PASSWORD } from '../../core/demo/seed.js';
import { fmtMs, machine, report, type Row } from '../lib.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const INFLIGHT = Number(process.env.BENCH_INFLIGHT ?? 4);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

const tsx = createRequire(import.meta.url).resolve('tsx');
const child = spawn(process.execPath, ['--no-node-snapshot', '--import', tsx, 'bench/collab/server.ts'], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
const port = await new Promise<number>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (chunk) => { out += chunk; const m = /ready (\d+)/.exec(out); if (m) resolve(Number(m[1])); });
  child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
});

function request(method: string, path: string, token: string | null, body?: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode! < 300 ? resolve(text ? JSON.parse(text) : null) : reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`))));
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/** N SSE clients; `onData(client, data, at)` for each message frame. Resolves once all are ready. */
async function connect(n: number, path: string, tokens: string[], onData: (data: string, at: number) => void): Promise<() => void> {
  const requests: http.ClientRequest[] = [];
  await Promise.all(Array.from({ length: n }, (_, i) => new Promise<void>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${tokens[i % tokens.length]}`, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`SSE ${res.statusCode}`)); return; }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const at = performance.timeOrigin + performance.now();
        buffer += chunk;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (frame.includes('event: ready')) resolve();
          else if (frame.includes('event: message')) onData(frame.slice(frame.indexOf('data: ') + 6), at);
        }
      });
    });
    req.on('error', reject);
    requests.push(req);
  })));
  return () => requests.forEach((r) => r.destroy());
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const now = () => performance.timeOrigin + performance.now();

/**
 * Sends MESSAGES messages (INFLIGHT at a time) and waits until every client has every hint.
 * `send(i)` returns the key the hint will carry; `keyOf(data)` reads it back.
 */
async function measure(name: string, path: string, tokens: string[], send: (i: number) => Promise<string>, keyOf: (data: string) => string) {
  const sentAt = new Map<string, number>();
  let failed = 0;
  const arrivals: Array<{ key: string; at: number }> = [];
  const close = await connect(CLIENTS, path, tokens, (data, at) => arrivals.push({ key: keyOf(data), at }));
  const t0 = now();
  let next = 0;
  await Promise.all(Array.from({ length: INFLIGHT }, async () => {
    while (next < MESSAGES) {
      const i = next++;
      const started = now();
      try {
        sentAt.set(await send(i), started);
      } catch (error) {
        failed += 1;
        if (failed <= 3) console.log(`  send ${i} failed: ${(error as Error).message.slice(0, 200)}`);
      }
    }
  }));
  const want = CLIENTS * sentAt.size;
  const deadline = Date.now() + 120_000;
  while (arrivals.length < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const done = Math.max(...arrivals.map((a) => a.at));
  close();
  const latencies = arrivals.filter((a) => sentAt.has(a.key)).map((a) => a.at - sentAt.get(a.key)!);
  const seconds = (done - t0) / 1000;
  const result = { name, delivered: arrivals.length, want, failed, perSecond: sentAt.size / seconds, fanout: arrivals.length / seconds, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99) };
  console.log(`${name}: ${result.delivered}/${want} deliveries in ${seconds.toFixed(2)} s (${failed} sends failed) — ${result.perSecond.toFixed(1)} messages/s (${Math.round(result.fanout)} deliveries/s), latency p50 ${fmtMs(result.p50)}, p99 ${fmtMs(result.p99)}`);
  return result;
}

try {
  const login = async (u: string) => (await request('POST', '/api/auth/login', null, { username: u, password: DEMO_PASSWORD })).token as string;
  const users = ['a.finance', 'a.staff', 'a.head', 'a.leader', 'a.auditor'];
  const tokens = await Promise.all(users.map(login));
  const finance = tokens[0]!;
  const base = '/api/units/a/plugins/collab/routes';
  const { thread } = await request('POST', `${base}/threads`, finance, { title: '压测讨论' });
  const { channel } = await request('GET', `${base}/threads/${thread.id}`, finance);
  console.log(`# bench/collab — ${CLIENTS} SSE clients, ${MESSAGES} messages, ${INFLIGHT} in flight\n\n${machine()}\n`);
  // Warm the runner and the path once.
  await request('POST', `${base}/threads/${thread.id}/messages`, finance, { text: '预热' });

  const bare = await measure('bare hono SSE (EventEmitter, same process)', '/bare/sse', tokens, async (i) => {
    await request('POST', '/bare/publish', null, { k: `b${i}` });
    return `b${i}`;
  }, (d) => JSON.parse(d).k);
  const bus = await measure('core realtime route + bus, no plugin', `/api/units/a/realtime?channel=${encodeURIComponent(channel)}`, tokens, async (i) => {
    await request('POST', `/bare/bus?channel=${encodeURIComponent(channel)}`, null, { k: `c${i}` });
    return `c${i}`;
  }, (d) => JSON.parse(d).k);
  const collab = await measure('collab: POST threads/:id/messages (sandbox, storage, audit) → hint', `/api/units/a/realtime?channel=${encodeURIComponent(channel)}`, tokens, async (i) => {
    const r = await request('POST', `${base}/threads/${thread.id}/messages`, tokens[i % 2 === 0 ? 0 : 2]!, { text: `第 ${i} 条压测消息` });
    return r.message.id as string;
  }, (d) => JSON.parse(d).messageId ?? '');

  const rows: Row[] = [
    { bench: 'collab', measure: 'messages/s fanned out', size: `${CLIENTS} SSE clients`, value: collab.perSecond.toFixed(1), ceiling: `${bare.perSecond.toFixed(1)} (bare SSE) / ${bus.perSecond.toFixed(1)} (core bus)`, ratio: `${((collab.perSecond / bare.perSecond) * 100).toFixed(1)}% of bare` },
    { bench: 'collab', measure: 'delivery latency p50', size: `${CLIENTS} SSE clients`, value: fmtMs(collab.p50), ceiling: `${fmtMs(bare.p50)} / ${fmtMs(bus.p50)}`, ratio: `${(collab.p50 / bare.p50).toFixed(1)}×` },
    { bench: 'collab', measure: 'delivery latency p99', size: `${CLIENTS} SSE clients`, value: fmtMs(collab.p99), ceiling: `${fmtMs(bare.p99)} / ${fmtMs(bus.p99)}`, ratio: `${(collab.p99 / bare.p99).toFixed(1)}×` },
  ];
  console.log('\n| measure | collab | bare hono SSE | core bus, no plugin |\n| --- | --- | --- | --- |');
  console.log(`| messages/s to ${CLIENTS} clients | ${collab.perSecond.toFixed(1)} | ${bare.perSecond.toFixed(1)} | ${bus.perSecond.toFixed(1)} |`);
  console.log(`| deliveries/s | ${Math.round(collab.fanout)} | ${Math.round(bare.fanout)} | ${Math.round(bus.fanout)} |`);
  console.log(`| latency p50 | ${fmtMs(collab.p50)} | ${fmtMs(bare.p50)} | ${fmtMs(bus.p50)} |`);
  console.log(`| latency p99 | ${fmtMs(collab.p99)} | ${fmtMs(bare.p99)} | ${fmtMs(bus.p99)} |`);
  console.log(`| delivered | ${collab.delivered}/${collab.want} | ${bare.delivered}/${bare.want} | ${bus.delivered}/${bus.want} |`);
  console.log(`| sends failed | ${collab.failed} | ${bare.failed} | ${bus.failed} |`);
  report(rows);
} finally {
  child.kill('SIGTERM');
  agent.destroy();
}
