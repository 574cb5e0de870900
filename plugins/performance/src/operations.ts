import { refuse, toBase64, type HostApi, type ProjectRecord } from '@unibudget/sdk';
import { evaluationDoc, parseActuals, parseEvidence, parseQualitative, type EvaluationDoc } from './evaluation.js';
import { InputError } from './library.js';
import { REVERSE_RULE_LABEL, weightsProblem } from './scoring.js';
import { checkpoint, evaluationId, getTargets, latestValues, ledgerAt, moneyAt, monitoringDocs, type WarningDoc } from './service.js';
import { settingsOf, type Settings } from './settings.js';
import { all } from './store.js';
import { GRADE_LABEL, LEVEL1, LEVEL2, type MonitoringDoc, type TargetsDoc } from './types.js';
import { writeXlsx, XLSX_TYPE, type Cell } from './xlsx.js';

/**
 * What the plugin does over many projects or documents at once — the nightly collection with its
 * warnings and reminder, scoring one project or all of them, the self-evaluation table as xlsx — kept
 * apart from the entry (index.ts), which only parses requests and answers.
 */

export const today = async (host: HostApi) => (await host.ledger.timeProgress()).asOf;

export function checkedSettings(host: HostApi): Settings {
  const s = settingsOf(host.settings);
  const problem = weightsProblem(s.weights);
  if (problem) throw refuse(409, 'WEIGHTS_INVALID', `绩效设置有误：${problem}。请单位管理员在插件设置中修改。`);
  if (s.yellowPct > s.redPct) throw refuse(409, 'THRESHOLDS_INVALID', '绩效设置有误：黄灯线须不高于红灯线');
  return s;
}

/** The automatic monitoring values of every project with targets in the year, as of `asOf`. */
export async function collectAll(host: HostApi, asOf: string, by: string) {
  const s = checkedSettings(host);
  const year = Number(asOf.slice(0, 4));
  const month = Number(asOf.slice(5, 7));
  const targets = (await all<TargetsDoc>(host, 'targets', { year })).map((d) => d.data);
  if (targets.length === 0) return { projects: 0, red: 0, yellow: 0, opened: 0 };
  const projects = new Map((await host.ledger.projects()).map((p) => [p.id, p]));
  const tp = (await host.ledger.timeProgress({ year, date: asOf })).value;
  const { money, payments } = await ledgerAt(host, year, month, new Set(targets.map((t) => t.projectId)));
  const monitoring = (await all<MonitoringDoc>(host, 'monitoring', { year })).map((d) => d.data);
  const warnings = new Map((await all<WarningDoc>(host, 'warnings', { year })).map((d) => [d.id, d.data]));
  const counts = { projects: 0, red: 0, yellow: 0, opened: 0 };
  const newRed: string[] = [];
  for (const t of targets) {
    const project = projects.get(t.projectId);
    if (!project) continue;
    const r = await checkpoint(host, {
      project, targets: t, month, money: money.get(t.projectId) ?? { budget: 0, paid: 0 }, payments: payments.get(t.projectId) ?? [],
      timeProgress: tp, settings: s, by, preloaded: { monitoring: monitoring.filter((m) => m.projectId === t.projectId), warnings },
    });
    counts.projects += 1;
    if (r.light === 'red') counts.red += 1;
    if (r.light === 'yellow') counts.yellow += 1;
    counts.opened += r.opened.length;
    for (const w of r.opened) if (w.light === 'red') newRed.push(`${w.projectName}：${w.name}（偏离${w.deviationPct}%）`);
  }
  await remindMidYear(host, year, month, s, targets.map((t) => t.projectId), monitoring, projects);
  if (newRed.length) {
    await host.notify({
      title: `绩效监控：${newRed.length} 项指标严重偏离目标`,
      body: `${newRed.slice(0, 10).join('\n')}${newRed.length > 10 ? `\n……共 ${newRed.length} 项` : ''}\n请责任部门说明偏差原因并提出整改措施。`,
      roles: ['finance_officer', 'department_head'],
    }).catch(() => undefined);
  }
  return counts;
}

/**
 * In the month after the mid-year checkpoint, once a year: the departments are asked for the values the
 * ledger cannot give, for the projects that have none entered for the checkpoint yet.
 */
async function remindMidYear(host: HostApi, year: number, month: number, s: Settings, projectIds: number[], monitoring: MonitoringDoc[], projects: Map<number, ProjectRecord>) {
  if (month !== s.monitorMonth + 1) return;
  const id = `reminder-${year}-${s.monitorMonth}`;
  if (await host.storage.get('prefs', id)) return;
  const missing = projectIds.filter((pid) => !monitoring.some((m) => m.projectId === pid && m.month === s.monitorMonth && m.values.some((v) => v.source === 'manual')));
  if (missing.length) {
    const names = missing.map((pid) => projects.get(pid)).filter((p): p is ProjectRecord => !!p).map((p) => `${p.code} ${p.name}`);
    await host.notify({ title: `请填报 1–${s.monitorMonth} 月绩效监控值`, body: `尚未填报的项目：${names.slice(0, 20).join('、')}${names.length > 20 ? ` 等 ${names.length} 个` : ''}`, roles: ['department_head', 'business_staff'] }).catch(() => undefined);
  }
  await host.storage.put('prefs', id, { at: new Date().toISOString(), missing });
}

export async function evaluateProject(host: HostApi, project: ProjectRecord, year: number, b: Record<string, unknown>, by: string, s: Settings): Promise<EvaluationDoc> {
  const targets = await getTargets(host, project.id, year);
  if (!targets) throw refuse(409, 'TARGETS_MISSING', { zh: '该项目本年度没有绩效目标，不能自评', en: 'The project has no targets for the year' }, { projectId: project.id, year });
  const missing = targets.lines.filter((l) => l.annual === '' || l.annual === null);
  if (missing.length) throw refuse(409, 'TARGETS_INCOMPLETE', `尚未填写年度指标值：${missing.map((l) => l.name).join('、')}`, { projectId: project.id, year });
  const previous = (await host.storage.get<EvaluationDoc>('evaluations', evaluationId(project.id, year)))?.data ?? null;
  const given = parseActuals(b.actuals, targets.lines);
  const qualitative = parseQualitative(b.qualitative, targets.lines, previous?.qualitative);
  const unjudged = targets.lines.filter((l) => l.direction === 'qual' && !qualitative[l.indicatorId]);
  if (unjudged.length) throw new InputError('qualitative', `定性指标须评定等级并说明理由：${unjudged.map((l) => l.name).join('、')}`);
  const evidence = b.evidence === undefined ? previous?.evidence ?? [] : parseEvidence(b.evidence);
  const latest = latestValues(await monitoringDocs(host, project.id, year));
  // 执行数: paid through December of the year (so far, for the running year).
  const money = (await moneyAt(host, year, 12, new Set([project.id]))).get(project.id) ?? { budget: 0, paid: 0 };
  const doc = evaluationDoc({ project, targets, latest, given, qualitative, money, settings: s, evidence, by, at: new Date().toISOString() });
  await host.storage.put('evaluations', evaluationId(project.id, year), doc);
  return doc;
}

export function evaluationXlsx(e: EvaluationDoc): { file: { name: string; mediaType: string; base64: string } } {
  const rows: Cell[][] = [
    ['项目支出绩效自评表', null, null, null, null, null, null, null],
    [`（${e.year}年度）`, null, null, null, null, null, null, null],
    ['项目名称', `${e.projectCode} ${e.projectName}`, null, null, null, null, null, null],
    ['项目资金（元）', '全年预算数', '全年执行数', '分值', '执行率', '得分', null, null],
    ['年度资金总额', e.execution.budget / 100, e.execution.paid / 100, e.execution.points, `${(e.execution.rate * 100).toFixed(2)}%`, e.execution.score, null, null],
    ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施'],
    ...e.lines.map((l): Cell[] => [LEVEL1[l.level1].zh, LEVEL2[l.level2 as keyof typeof LEVEL2]?.zh ?? l.level2, l.name, `${l.direction === 'gte' ? '≥' : l.direction === 'lte' ? '≤' : l.direction === 'eq' ? '=' : ''}${l.target}${l.unit === '—' ? '' : l.unit}`, l.actual === null ? '—' : l.actual, l.points, l.score, l.note]),
    ['总分', null, null, null, null, 100, e.total, `等级：${GRADE_LABEL[e.grade]}`],
    ['说明', `反向指标计分：${REVERSE_RULE_LABEL[e.reverseRule]}；一级权重 预算执行率${e.weights.execution}% 产出${e.weights.output}% 效益${e.weights.benefit}% 满意度${e.weights.satisfaction}%`, null, null, null, null, null, null],
    ...(e.evidence.length ? [['佐证材料', e.evidence.map((x) => x.name).join('；'), null, null, null, null, null, null] as Cell[]] : []),
  ];
  const bytes = writeXlsx([{ name: '绩效自评表', rows, widths: [14, 16, 28, 16, 14, 8, 8, 40] }]);
  return { file: { name: `绩效自评表-${e.projectCode}-${e.year}.xlsx`, mediaType: XLSX_TYPE, base64: toBase64(bytes) } };
}

/** Every project with targets in the year, evaluated with what is stored (qualitative judgements from earlier evaluations). */
export async function runAll(host: HostApi, year: number, by: string, s: Settings) {
  const targets = (await all<TargetsDoc>(host, 'targets', { year })).map((d) => d.data);
  const projects = new Map((await host.ledger.projects()).map((p) => [p.id, p]));
  const monitoring = (await all<MonitoringDoc>(host, 'monitoring', { year })).map((d) => d.data);
  const previous = new Map((await all<EvaluationDoc>(host, 'evaluations', { year })).map((d) => [d.data.projectId, d.data]));
  const money = await moneyAt(host, year, 12, new Set(targets.map((t) => t.projectId)));
  const byProject = new Map<number, MonitoringDoc[]>();
  for (const m of monitoring) byProject.set(m.projectId, [...(byProject.get(m.projectId) ?? []), m]);
  const at = new Date().toISOString();
  const docs: EvaluationDoc[] = [];
  for (const t of targets) {
    const project = projects.get(t.projectId);
    if (!project || t.lines.some((l) => l.annual === '')) continue;
    const prev = previous.get(t.projectId);
    docs.push(evaluationDoc({ project, targets: t, latest: latestValues(byProject.get(t.projectId) ?? []), given: {}, qualitative: prev?.qualitative ?? {}, money: money.get(t.projectId) ?? { budget: 0, paid: 0 }, settings: s, evidence: prev?.evidence ?? [], by, at }));
  }
  // Written 32 at a time: the most host calls one call may have in flight.
  for (let i = 0; i < docs.length; i += 32) await Promise.all(docs.slice(i, i + 32).map((d) => host.storage.put('evaluations', evaluationId(d.projectId, year), d)));
  const grades = { excellent: 0, good: 0, fair: 0, poor: 0 };
  for (const d of docs) grades[d.grade] += 1;
  return { message: `已完成 ${docs.length} 个项目的绩效自评`, year, evaluated: docs.length, skipped: targets.length - docs.length, grades };
}
