import type { HostApi, ProjectRecord } from '@unibudget/sdk';
import { evaluationDoc } from './evaluation.js';
import { loadLibrary } from './library-store.js';
import { lastDayOf, moneyAt, parseTargets, saveTargets, checkpoint, evaluationId, latestValues, monitoringDocs, type MilestoneDoc } from './service.js';
import { all } from './store.js';
import type { Settings } from './settings.js';
import type { MonitorValue, TargetsDoc } from './types.js';

/**
 * Example data for the demo (setting `demoData`, off by default): a year of targets, a mid-year
 * monitoring checkpoint, progress records and a self-evaluation for each project of the year that has
 * none, so the plugin's screens show something at once. Values are illustrative, not real.
 * Idempotent: a project that already has targets is left alone.
 */
type Line = [id: string, annual: number | string, weight: number];
const TEMPLATES: Array<{ match: RegExp; lines: Line[] }> = [
  { match: /培训/, lines: [['EDU-001', 1200, 20], ['EDU-004', 95, 15], ['EDU-005', 100, 10], ['EDU-006', 700, 10], ['EDU-025', '达成预期', 25], ['EDU-033', 90, 20]] },
  { match: /资助/, lines: [['EDU-007', 1500, 25], ['EDU-008', 100, 15], ['EDU-009', 100, 10], ['EDU-024', 0, 25], ['EDU-034', 90, 25]] },
  { match: /维修|改造|加固/, lines: [['EDU-011', 6000, 20], ['EDU-012', 100, 15], ['EDU-013', 100, 10], ['EDU-014', 260, 5], ['EDU-027', 100, 30], ['EDU-031', 90, 20]] },
  { match: /信息化|智慧/, lines: [['EDU-016', 300, 25], ['EDU-017', 98, 15], ['GEN2-003', 90, 10], ['EDU-029', '持续使用', 30], ['GEN-011', 90, 20]] },
  { match: /图书/, lines: [['EDU-018', 12000, 30], ['EDU-019', 100, 20], ['EDU-026', '明显改善', 30], ['EDU-031', 90, 20]] },
  { match: /课后/, lines: [['EDU-020', 2400, 25], ['EDU-021', 100, 15], ['EDU-022', 300, 10], ['EDU-026', '明显改善', 30], ['EDU-032', 90, 20]] },
];
const DEFAULT: Line[] = [['GEN2-005', 100, 25], ['GEN2-006', 100, 25], ['GEN2-011', '建立', 30], ['GEN-011', 90, 20]];

/** How far along each demo project is at the checkpoint (share of its targets met); one lags badly. */
const PACE = [0.62, 0.55, 0.3, 0.58, 0.6, 0.5];

export async function seedDemo(host: HostApi, asOf: string, s: Settings): Promise<{ projects: number } | null> {
  const year = Number(asOf.slice(0, 4));
  const existing = await all<TargetsDoc>(host, 'targets', { year });
  if (existing.length) return null;
  const budgets = await moneyAt(host, year, 12);
  const projects = (await host.ledger.projects()).filter((p) => (budgets.get(p.id)?.budget ?? 0) > 0).sort((a, b) => a.id - b.id);
  if (projects.length === 0) return null;
  const library = await loadLibrary(host);
  const month = Math.max(1, Math.min(s.monitorMonth, Number(asOf.slice(5, 7)) - 1 || 1));
  const tp = (await host.ledger.timeProgress({ year, date: lastDayOf(year, month) })).value;
  const money = await moneyAt(host, year, month);
  const by = 'demo';
  let n = 0;
  for (const [k, project] of projects.entries()) {
    const template = TEMPLATES.find((t) => t.match.test(project.name))?.lines ?? DEFAULT;
    const { lines } = parseTargets({ year, lines: template.map(([indicatorId, annual, weight]) => ({ indicatorId, annual: String(annual), total: '', weight })) }, library, null);
    const targets = await saveTargets(host, project.id, year, lines, by);
    const pace = PACE[k % PACE.length]!;
    const manual: MonitorValue[] = lines.filter((l) => l.direction !== 'qual' && !l.auto && typeof l.annual === 'number').map((l) => {
      const target = l.annual as number;
      // ≥ quantities grow through the year; rates and ≤ figures are what they are.
      const actual = l.direction === 'gte' && l.level2 === 'quantity' ? Math.round(target * tp * (pace / 0.6)) : l.direction === 'lte' ? Math.round(target * (pace < 0.4 ? 1.4 : 0.95) * 100) / 100 : Math.round(Math.min(100, target * (pace < 0.4 ? 0.7 : 1)) * 100) / 100;
      const projected = l.direction === 'gte' && l.level2 === 'quantity' ? Math.round(target * (pace < 0.4 ? 0.6 : 1)) : actual;
      return { indicatorId: l.indicatorId, actual, projected, source: 'manual' };
    });
    await checkpoint(host, { project, targets, month, money: money.get(project.id) ?? { budget: 0, paid: 0 }, payments: [], timeProgress: tp, settings: s, by, manual });
    for (const [m, share] of [[3, 0.2], [month, Math.min(1, tp * (pace / 0.6))]] as Array<[number, number]>) {
      const date = `${year}-${String(m).padStart(2, '0')}-28`;
      const doc: MilestoneDoc = { projectId: project.id, date, pct: Math.round(share * 1000) / 10, note: m === 3 ? '项目启动' : '年中进度', by, at: new Date().toISOString() };
      await host.storage.put('milestones', `p-${project.id}-${date}`, doc);
    }
    await evaluate(host, project, targets, year, pace, s);
    n += 1;
  }
  return { projects: n };
}

async function evaluate(host: HostApi, project: ProjectRecord, targets: TargetsDoc, year: number, pace: number, s: Settings) {
  const qualitative = Object.fromEntries(targets.lines.filter((l) => l.direction === 'qual').map((l) => [l.indicatorId, pace < 0.4
    ? { grade: 'not' as const, pct: 40, reason: '年中进度滞后，效果尚未显现（演示数据）' }
    : { grade: 'achieved' as const, pct: 90, reason: '达到预期（演示数据）' }]));
  const latest = latestValues(await monitoringDocs(host, project.id, year));
  const doc = evaluationDoc({ project, targets, latest, given: {}, qualitative, money: (await moneyAt(host, year, 12)).get(project.id) ?? { budget: 0, paid: 0 }, settings: s, evidence: [{ name: '年中监控表（演示数据）', kind: '监控', ref: '', note: '' }], by: 'demo', at: new Date().toISOString() });
  await host.storage.put('evaluations', evaluationId(project.id, year), doc);
}
