// bench/performance: the self-evaluation of every project of a unit (500 projects × 12 indicators by
// default) in the real sandbox — `POST evaluations/run` reading targets, monitoring values and a year of
// payments through the host and writing one evaluation per project — beside the same scoring run in
// plain Node on the same documents, measured in the same run.
//   node --no-node-snapshot --import tsx bench/performance/run.ts          (BENCH_PROJECTS=100 for a quicker run)
import { createPluginHarness } from '../../sdk/testing.js';
import { evaluationDoc } from '../../plugins/performance/src/evaluation.js';
import { latestValues } from '../../plugins/performance/src/service.js';
import { settingsOf } from '../../plugins/performance/src/settings.js';
import type { MonitoringDoc, TargetsDoc } from '../../plugins/performance/src/types.js';
import os from 'node:os';
import { fmtMs, median, report } from '../lib.js';

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 500);
const YEAR = 2025;
/** Twelve indicators a project: quantities, rates, a reverse cost, qualitative benefit, satisfaction. */
const LINES: Array<[string, number | string, number]> = [
  ['EDU-001', 1200, 10], ['EDU-002', 80, 8], ['EDU-003', 60, 8], ['EDU-004', 95, 8], ['EDU-005', 100, 8], ['EDU-006', 700, 8],
  ['GEN2-002', 800, 8], ['GEN2-003', 90, 6], ['EDU-025', '达成预期', 10], ['EDU-028', 50, 6], ['EDU-033', 90, 10], ['EDU-032', 90, 10],
];

const h = await createPluginHarness({ dir: new URL('../../plugins/performance/', import.meta.url).pathname, limits: {} });
try {
  const t0 = performance.now();
  const departments = await h.ledger('a').departments();
  const { projects } = await h.seedLedger('a', { projects: Array.from({ length: PROJECTS }, (_, i) => ({ code: `B-${String(i + 1).padStart(4, '0')}`, name: `基准项目${i + 1}`, startYear: YEAR, endYear: YEAR, totalAmount: 1_000_000_00 })) });
  const { indicators } = await h.seedLedger('a', { indicators: projects.map((p) => ({ year: YEAR, code: `${p.code}-30216`, name: '培训费', departmentId: departments[0]!.id, projectId: p.id, expenditureKind: 'project' as const, economicCode: '30216', fundSourceCode: '11', issued: 1_000_000_00 })) });
  for (const [i, p] of projects.entries()) {
    await h.route('POST', `projects/${p.id}/targets`, { as: 'a.finance', body: { year: YEAR, lines: LINES.map(([indicatorId, annual, weight]) => ({ indicatorId, annual: String(annual), weight })) } });
    await h.route('POST', `projects/${p.id}/monitoring`, { as: 'a.head', body: { year: YEAR, month: 12, values: LINES.filter(([id]) => !['EDU-025', 'GEN2-002', 'GEN2-003'].includes(id)).map(([id, annual]) => ({ _id: id, actual: Math.round(Number(annual) * (0.7 + ((i * 7 + id.length) % 40) / 100)) })) } });
  }
  // A year of payments, after the targets and values (so the setup's own calls stay short): one a month per project (6,000 at 500 projects).
  await h.seedLedger('a', { payments: indicators.flatMap((ind, i) => Array.from({ length: 12 }, (_, m) => ({ indicatorId: ind.id, amount: 60_000_00 + (i % 7) * 1_000_00, date: `${YEAR}-${String(m + 1).padStart(2, '0')}-15` }))) });
  const setupS = (performance.now() - t0) / 1000;

  // In the sandbox: the route as a finance officer calls it (first run writes, later runs overwrite).
  const runs: number[] = [];
  let answer: { evaluated: number; grades: Record<string, number> } | null = null;
  const failures: string[] = [];
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    try {
      answer = await h.route('POST', 'evaluations/run', { as: 'a.finance', body: { year: YEAR } });
      runs.push(performance.now() - t);
    } catch (e) {
      // Past the route's 2 s the sandbox stops the call: printed, not hidden (the machine's load is shown with it).
      failures.push(`run ${k + 1}: ${(e as { code?: string }).code ?? (e as Error).message} after ${fmtMs(performance.now() - t)} (load average ${os.loadavg()[0]!.toFixed(1)})`);
    }
  }

  // Outside: the same scoring over the same stored documents and the same ledger figures, in plain Node.
  const targets = (await h.documents('targets')).map((d) => d.data as TargetsDoc).filter((t) => t.year === YEAR);
  const monitoring = (await h.documents('monitoring')).map((d) => d.data as MonitoringDoc);
  const byProject = new Map<number, MonitoringDoc[]>();
  for (const m of monitoring) byProject.set(m.projectId, [...(byProject.get(m.projectId) ?? []), m]);
  const previous = new Map((await h.documents('evaluations')).map((d) => [d.data.projectId as number, d.data as { qualitative: Record<string, never> }]));
  const paid = new Map<number, number>();
  const indicatorProject = new Map(indicators.map((i) => [i.id, i.projectId!]));
  for (const p of await h.ledger('a').payments({ year: YEAR, afterId: 0, limit: 5000 })) paid.set(indicatorProject.get(p.indicatorId)!, (paid.get(indicatorProject.get(p.indicatorId)!) ?? 0) + p.amount);
  for (let after = 5000; ; after += 5000) {
    const page = await h.ledger('a').payments({ year: YEAR, afterId: after, limit: 5000 });
    if (page.length === 0) break;
    for (const p of page) paid.set(indicatorProject.get(p.indicatorId)!, (paid.get(indicatorProject.get(p.indicatorId)!) ?? 0) + p.amount);
  }
  const byId = new Map(projects.map((p) => [p.id, p]));
  const settings = settingsOf({});
  const outside: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    const docs = targets.map((tg) => evaluationDoc({
      project: byId.get(tg.projectId)!, targets: tg, latest: latestValues(byProject.get(tg.projectId) ?? []), given: {}, qualitative: previous.get(tg.projectId)?.qualitative ?? {},
      money: { budget: 1_000_000_00, paid: paid.get(tg.projectId) ?? 0 }, settings, evidence: [], by: 'bench', at: new Date().toISOString(),
    }));
    // The stored form (what crosses to the host as JSON).
    JSON.stringify(docs);
    outside.push(performance.now() - t);
  }

  const lines = targets.reduce((a, t) => a + t.lines.length, 0);
  console.log(`# bench/performance\n`);
  console.log(`## Self-evaluation of ${PROJECTS} projects × ${LINES.length} indicators (${lines.toLocaleString('en')} lines) in one unit, ${(PROJECTS * 12).toLocaleString('en')} payments\n`);
  console.log('| what | time |');
  console.log('| --- | ---: |');
  console.log(`| in the sandbox: POST evaluations/run (reads targets, monitoring values, payments; scores; writes ${answer?.evaluated ?? PROJECTS} evaluations), median of ${runs.length} | ${runs.length ? fmtMs(median(runs)) : 'no run finished'} |`);
  if (runs.length) console.log(`| in the sandbox: each run | ${runs.map(fmtMs).join(', ')} |`);
  console.log(`| outside the sandbox: the same scoring in plain Node on the same documents (median of ${outside.length}) | ${fmtMs(median(outside))} |`);
  console.log('');
  for (const f of failures) console.log(`Did not finish: ${f}.`);
  console.log(`Goal: under 2 s in the sandbox (the route's own limit is 2 s wall time). Grades: ${JSON.stringify(answer?.grades)}. Setup (ledger rows, ${PROJECTS} targets and monitoring entries through the routes) ${setupS.toFixed(1)} s, not counted.`);
  report([
    { bench: 'performance plugin', measure: 'self-evaluation of every project (sandbox, route)', size: `${PROJECTS} projects × ${LINES.length} indicators`, value: runs.length ? fmtMs(median(runs)) : 'timed out', ceiling: `${fmtMs(median(outside))} (same scoring in plain Node)`, ratio: runs.length ? `${(median(runs) / median(outside)).toFixed(1)}×` : '' },
  ]);
} finally {
  await h.close();
}
process.exit(0);
