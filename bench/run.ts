// `npm run bench`: every benchmark, each in its own Node process, then bench/RESULTS.md with the
// machine described, every figure beside the ceiling measured in the same run, and the ratio.
// Never asserts a time. BENCH_QUICK=1 shrinks every data size for a smoke run (the file says so).
import fs from 'node:fs';
import { machine, runScript, type Row } from './lib.js';

const QUICK = process.env.BENCH_QUICK === '1';
const quick: Record<string, string> = QUICK
  ? { BENCH_SECONDS: '2', BENCH_HTTP_SIZES: '100,1000', BENCH_INDICATOR_SIZES: '100,1000', BENCH_REPORT_SIZES: '1000,10000', BENCH_PAYMENTS: '10000', BENCH_UNITS: '5' }
  : {};

interface Section { title: string; database: string; command: string; rows: Row[]; output: string; code: number }

const started = new Date();
const machineLine = machine();
const sections: Section[] = [];

/**
 * The databases of the run, side by side: SQLite (a file), and PostgreSQL when BENCH_PG_URL (or a
 * postgres:// DATABASE_URL) names one. BENCH_DATABASES=sqlite or =postgres runs one of them only.
 */
const pgUrl = process.env.BENCH_PG_URL || (process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : '');
const databases = (process.env.BENCH_DATABASES || (pgUrl ? 'sqlite,postgres' : 'sqlite')).split(',').filter((d) => d === 'sqlite' || (d === 'postgres' && pgUrl));
const dbLabel = (d: string) => (d === 'postgres' ? 'PostgreSQL' : 'SQLite');
/** BENCH_* settings given to this run (data sizes, durations): shown with each command. */
const given = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_') && !['BENCH_PG_URL', 'BENCH_DATABASES', 'BENCH_QUICK', 'BENCH_ANALYTICS', 'BENCH_SMALL_PAYMENTS', 'BENCH_LARGE_PAYMENTS'].includes(k)) as Array<[string, string]>);

async function run(title: string, file: string, env: Record<string, string> = {}) {
  for (const database of databases) {
    const dbEnv = { DATABASE_URL: database === 'postgres' ? pgUrl : '' };
    console.log(`\n== ${title} (${dbLabel(database)}): ${file} ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    const t = performance.now();
    const { code, output } = await runScript(file, { ...quick, ...env, ...dbEnv });
    const rows = output.split('\n').filter((l) => l.startsWith('RESULT ')).flatMap((l) => JSON.parse(l.slice(7)) as Row[]);
    const envText = Object.entries({ ...given, ...quick, ...env, ...(database === 'postgres' ? { DATABASE_URL: 'postgres://…' } : {}) }).map(([k, v]) => `${k}=${v} `).join('');
    sections.push({ title, database: dbLabel(database), command: `${envText}node --no-node-snapshot --import tsx ${file}`, rows, output: output.split('\n').filter((l) => !l.startsWith('RESULT ')).join('\n').trim(), code });
    console.log(`== ${title} (${dbLabel(database)}): ${code === 0 ? 'done' : `exit ${code}`} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
}

await run('Payment submission over HTTP', 'bench/http/run.ts');
await run('Indicator balance read over HTTP', 'bench/http/read.ts');
await run('Indicator balance read and execution report', 'bench/ledger/run.ts');
const smallPayments = process.env.BENCH_SMALL_PAYMENTS || (QUICK ? '2000' : '1000');
const largePayments = process.env.BENCH_LARGE_PAYMENTS || (QUICK ? '10000' : '1000000');
await run(`Plugin validator overhead (${smallPayments} payments)`, 'bench/plugins/run.ts', { BENCH_PAYMENTS: smallPayments });
await run(`Plugin validator overhead (${largePayments} payments)`, 'bench/plugins/run.ts', { BENCH_PAYMENTS: largePayments });
await run('Runner pool fairness', 'bench/plugins/pool.ts');
await run('Events delivered to a plugin, 1,000 and 1,000,000 events of history', 'bench/plugins/events.ts', QUICK ? { BENCH_EVENT_HISTORY: '1000,20000', BENCH_EVENTS: '1000' } : {});
if (fs.existsSync('bench/analytics/run.ts') && process.env.BENCH_ANALYTICS !== '0') await run('Analytics plugin', 'bench/analytics/run.ts');
if (fs.existsSync('bench/policy/run.ts')) await run('Policy: extraction precision/recall and the control-rule trial run', 'bench/policy/run.ts', QUICK ? { BENCH_TRIAL_SIZES: '10000' } : {});
if (fs.existsSync('bench/collab/run.ts')) await run('Collaboration: realtime fan-out to SSE clients', 'bench/collab/run.ts', QUICK ? { BENCH_CLIENTS: '20', BENCH_MESSAGES: '20' } : {});
if (fs.existsSync('bench/performance/run.ts')) await run('Performance plugin: self-evaluation of every project', 'bench/performance/run.ts', QUICK ? { BENCH_PROJECTS: '50' } : {});

/** The pool bench prints text only: unit b's p50 during unit a's job, per pool size, becomes a row here. */
function poolRows(section: Section): Row[] {
  const rows: Row[] = [];
  for (const m of section.output.matchAll(/runners (\d+): idle p50 ([\d.]+) ms .*?during the job: (\d+) payments, p50 ([\d.]+) ms p99 ([\d.]+) ms .*?\(p50 ([\d.]+)× idle\); validator not answered (\d+)/g)) {
    rows.push({
      bench: 'runner pool fairness', measure: `unit b validator while unit a's job computes, ${m[1]} runner${m[1] === '1' ? '' : 's'}`, size: `${m[3]} payments during the job`,
      value: `p50 ${m[4]} ms, p99 ${m[5]} ms, ${m[7]} unanswered`, ceiling: `p50 ${m[2]} ms (no job running)`, ratio: `${m[6]}×`,
    });
  }
  return rows;
}

/** The plugin bench prints text only: its validator line becomes a table row here. */
function pluginRows(section: Section): Row[] {
  const rawAsync = /raw isolated-vm call, async apply awaited serially\s+([\d.]+ (?:µs|ms))/.exec(section.output)?.[1];
  const rawSync = /raw isolated-vm call, sync with copied arguments\s+([\d.]+ (?:µs|ms))/.exec(section.output)?.[1];
  const without = /payment without plugin validator\s+([\d.]+ (?:µs|ms))/.exec(section.output)?.[1];
  const withV = /payment with sandboxed payment.validate\s+([\d.]+ (?:µs|ms))/.exec(section.output)?.[1];
  const added = /validator cost added to a payment\s+([\d.]+ (?:µs|ms))\s+\(([\d.]+)×/.exec(section.output);
  const hop = /bare process round trip at the payments' pace\s+([\d.]+ (?:µs|ms))\s+\(the validator's added cost is ([\d.]+)×/.exec(section.output);
  const size = /BENCH_PAYMENTS=(\d+)/.exec(section.command)?.[1] ?? '';
  const events = /events delivered \((\d+) in ([\d.]+) s\)\s+(\d+) events\/s .*?ceiling (\d+)\/s/.exec(section.output);
  const rows: Row[] = [];
  if (added && rawAsync) rows.push({ bench: 'plugin validator overhead', measure: 'payment.validate added to one payment', size: `${Number(size).toLocaleString('en-US')} payments`, value: added[1]!, ceiling: `${rawAsync} (bare async isolated-vm call; sync ${rawSync})`, ratio: `${added[2]}×` });
  if (added && hop) rows.push({ bench: 'plugin validator overhead', measure: 'payment.validate added to one payment, beside the bare process hop', size: `${Number(size).toLocaleString('en-US')} payments`, value: added[1]!, ceiling: `${hop[1]} (one fork-IPC round trip at the payments' pace)`, ratio: `${hop[2]}×` });
  if (without && withV) rows.push({ bench: 'plugin validator overhead', measure: 'payment request without / with the validator', size: `${Number(size).toLocaleString('en-US')} payments`, value: `${without} / ${withV}`, ceiling: '', ratio: '' });
  if (events) rows.push({ bench: 'events delivered to a plugin', measure: 'one plugin, one unit, one storage write per event', size: `${Number(size).toLocaleString('en-US')} payments`, value: `${events[3]} events/s`, ceiling: `${events[4]}/s (serial async isolated-vm calls)`, ratio: `${((Number(events[3]) / Number(events[4])) * 100).toFixed(1)} %` });
  return rows;
}

const lines: string[] = [];
lines.push('# Benchmark results', '');
lines.push(`Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\` (bench/run.ts)${QUICK ? ' — **quick smoke run (BENCH_QUICK=1): reduced data sizes, not the published figures**' : ''}.`, '');
lines.push(`**Machine:** ${machineLine}.`, '');
lines.push('Every figure stands beside a ceiling measured in the same run on the same machine: the bare', 'tool doing the least the feature needs (hono + one insert, a primary-key select, one SQL aggregate,', 'one isolated-vm call). The ratio says what the platform adds: its checks, audit chain, outbox,', 'authorization and shaping. Benchmarks never assert a time; compare ratios, not absolute numbers,', 'across machines. Database: SQLite (a file, WAL) unless DATABASE_URL points at PostgreSQL.', '');
lines.push(`Databases side by side: ${databases.map(dbLabel).join(' and ')}; each figure's ceiling was measured on the same database in the same run.`, '');
lines.push('| benchmark | measure | data size | database | unibudget | ceiling (same run) | ratio |', '| --- | --- | --- | --- | --- | --- | --- |');
const all: Array<Row & { database: string; order: number }> = [];
for (const section of sections) {
  const rows = section.rows.length ? section.rows : section.title === 'Runner pool fairness' ? poolRows(section) : pluginRows(section);
  for (const r of rows) all.push({ ...r, database: section.database, order: all.length });
}
// SQLite and PostgreSQL beside each other: rows of one figure together, in the order first printed.
const firstSeen = new Map<string, number>();
for (const r of all) if (!firstSeen.has(`${r.bench}|${r.measure}|${r.size}`)) firstSeen.set(`${r.bench}|${r.measure}|${r.size}`, r.order);
all.sort((x, y) => firstSeen.get(`${x.bench}|${x.measure}|${x.size}`)! - firstSeen.get(`${y.bench}|${y.measure}|${y.size}`)! || x.order - y.order);
for (const r of all) lines.push(`| ${r.bench} | ${r.measure} | ${r.size} | ${r.database} | ${r.value} | ${r.ceiling} | ${r.ratio} |`);
lines.push('');
for (const section of sections) {
  lines.push(`## ${section.title} (${section.database})`, '', '```', `$ ${section.command}`, section.output, section.code === 0 ? '' : `(exit ${section.code})`, '```', '');
}
fs.writeFileSync('bench/RESULTS.md', lines.join('\n').replace(/\n{3,}/g, '\n\n'));
console.log('\nwrote bench/RESULTS.md');
