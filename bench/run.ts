// `npm run bench`: every benchmark, each in its own Node process, then bench/RESULTS.md with the
// machine described, every figure beside the ceiling measured in the same run, and the ratio.
// Never asserts a time. BENCH_QUICK=1 shrinks every data size for a smoke run (the file says so).
import fs from 'node:fs';
import { machine, runScript, type Row } from './lib.js';

const QUICK = process.env.BENCH_QUICK === '1';
const quick: Record<string, string> = QUICK
  ? { BENCH_SECONDS: '2', BENCH_HTTP_SIZES: '100,1000', BENCH_INDICATOR_SIZES: '100,1000', BENCH_REPORT_SIZES: '1000,10000', BENCH_PAYMENTS: '10000', BENCH_UNITS: '5' }
  : {};

interface Section { title: string; command: string; rows: Row[]; output: string; code: number }

const started = new Date();
const machineLine = machine();
const sections: Section[] = [];

async function run(title: string, file: string, env: Record<string, string> = {}) {
  console.log(`\n== ${title}: ${file} ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const t = performance.now();
  const { code, output } = await runScript(file, { ...quick, ...env });
  const rows = output.split('\n').filter((l) => l.startsWith('RESULT ')).flatMap((l) => JSON.parse(l.slice(7)) as Row[]);
  const envText = Object.entries({ ...quick, ...env }).map(([k, v]) => `${k}=${v} `).join('');
  sections.push({ title, command: `${envText}node --no-node-snapshot --import tsx ${file}`, rows, output: output.split('\n').filter((l) => !l.startsWith('RESULT ')).join('\n').trim(), code });
  console.log(`== ${title}: ${code === 0 ? 'done' : `exit ${code}`} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
}

await run('Payment submission over HTTP', 'bench/http/run.ts');
await run('Indicator balance read and execution report', 'bench/ledger/run.ts');
const smallPayments = QUICK ? '2000' : '100000';
const largePayments = QUICK ? '10000' : '1000000';
await run(`Plugin validator overhead (${smallPayments} payments)`, 'bench/plugins/run.ts', { BENCH_PAYMENTS: smallPayments });
await run(`Plugin validator overhead (${largePayments} payments)`, 'bench/plugins/run.ts', { BENCH_PAYMENTS: largePayments });
if (fs.existsSync('bench/analytics/run.ts')) await run('Analytics plugin', 'bench/analytics/run.ts');

/** The plugin bench prints text only: its validator line becomes a table row here. */
function pluginRows(section: Section): Row[] {
  const rawAsync = /raw isolated-vm call, async apply awaited serially\s+([\d.]+ (?:µs|ms))/.exec(section.output)?.[1];
  const rawSync = /raw isolated-vm call, sync with copied arguments\s+([\d.]+ (?:µs|ms))/.exec(section.output)?.[1];
  const without = /payment without plugin validator\s+([\d.]+ (?:µs|ms))/.exec(section.output)?.[1];
  const withV = /payment with sandboxed payment.validate\s+([\d.]+ (?:µs|ms))/.exec(section.output)?.[1];
  const added = /validator cost added to a payment\s+([\d.]+ (?:µs|ms))\s+\(([\d.]+)×/.exec(section.output);
  const size = /BENCH_PAYMENTS=(\d+)/.exec(section.command)?.[1] ?? '';
  const rows: Row[] = [];
  if (added && rawAsync) rows.push({ bench: 'plugin validator overhead', measure: 'payment.validate added to one payment', size: `${Number(size).toLocaleString('en-US')} payments`, value: added[1]!, ceiling: `${rawAsync} (bare async isolated-vm call; sync ${rawSync})`, ratio: `${added[2]}×` });
  if (without && withV) rows.push({ bench: 'plugin validator overhead', measure: 'payment request without / with the validator', size: `${Number(size).toLocaleString('en-US')} payments`, value: `${without} / ${withV}`, ceiling: '', ratio: '' });
  return rows;
}

const lines: string[] = [];
lines.push('# Benchmark results', '');
lines.push(`Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\` (bench/run.ts)${QUICK ? ' — **quick smoke run (BENCH_QUICK=1): reduced data sizes, not the published figures**' : ''}.`, '');
lines.push(`**Machine:** ${machineLine}.`, '');
lines.push('Every figure stands beside a ceiling measured in the same run on the same machine: the bare', 'tool doing the least the feature needs (hono + one insert, a primary-key select, one SQL aggregate,', 'one isolated-vm call). The ratio says what the platform adds: its checks, audit chain, outbox,', 'authorization and shaping. Benchmarks never assert a time; compare ratios, not absolute numbers,', 'across machines. Database: SQLite (a file, WAL) unless DATABASE_URL points at PostgreSQL.', '');
lines.push('| benchmark | measure | data size | unibudget | ceiling (same run) | ratio |', '| --- | --- | --- | --- | --- | --- |');
for (const section of sections) {
  const rows = section.rows.length ? section.rows : pluginRows(section);
  for (const r of rows) lines.push(`| ${r.bench} | ${r.measure} | ${r.size} | ${r.value} | ${r.ceiling} | ${r.ratio} |`);
}
lines.push('');
for (const section of sections) {
  lines.push(`## ${section.title}`, '', '```', `$ ${section.command}`, section.output, section.code === 0 ? '' : `(exit ${section.code})`, '```', '');
}
fs.writeFileSync('bench/RESULTS.md', lines.join('\n').replace(/\n{3,}/g, '\n\n'));
console.log('\nwrote bench/RESULTS.md');
