import { refuse, type HostApi, type ProjectRecord } from '@unibudget/sdk';
import { all } from './store.js';
import { InputError } from './library.js';
import { matchFlows, type MatchReport, type WorkPoint } from './matching.js';
import { autoValues, deviationOf, executionDeviation, projectMoney, worst, type Deviation, type ProjectPayment } from './monitoring.js';
import { num, text } from './requests.js';
import { targetWeightsProblem } from './scoring.js';
import type { Settings } from './settings.js';
import type { Indicator, Light, MonitorValue, MonitoringDoc, TargetLine, TargetsDoc } from './types.js';

/**
 * What the routes, views, the validator and the nightly job do with the host: the library, targets,
 * monitoring values and warnings, evaluations and the flow match, each in its collection.
 */

export const targetsId = (projectId: number, year: number) => `t-${projectId}-${year}`;
export const monitoringId = (projectId: number, year: number, month: number) => `m-${projectId}-${year}-${String(month).padStart(2, '0')}`;
export const evaluationId = (projectId: number, year: number) => `e-${projectId}-${year}`;

// ------------------------------------------------------------------ projects and ledger

export async function projectOf(host: HostApi, projectId: number): Promise<ProjectRecord> {
  const p = (await host.ledger.projects()).find((x) => x.id === projectId);
  if (!p) throw refuse(404, 'PROJECT_NOT_FOUND', { zh: '项目不存在', en: 'No such project' }, { projectId });
  return p;
}

/** Up to this many projects, their payments are read project by project rather than the whole year's. */
const PER_PROJECT_READS = 10;

/** The project's payments of a year (paid ones), read page by page. */
export async function projectPayments(host: HostApi, year: number, projectIds?: Set<number>): Promise<{ byProject: Map<number, ProjectPayment[]>; money: Map<number, { budget: number; paid: number }> }> {
  const indicators = await host.ledger.indicators({ year });
  const projectOfIndicator = new Map(indicators.filter((i) => i.projectId !== null).map((i) => [i.id, i.projectId!]));
  const byProject = new Map<number, ProjectPayment[]>();
  // A few projects (a monitoring save, a project's screen): the ledger reads only their payments
  // (`projectId`, host API 1.1.0); many or all: one walk over the year's payments.
  const scans: Array<number | undefined> = projectIds && projectIds.size <= PER_PROJECT_READS ? [...projectIds] : [undefined];
  for (const only of scans) {
    let afterId = 0;
    for (let i = 0; i < 100; i++) {
      const page = await host.ledger.payments({ year, afterId, limit: 5000, status: 'paid', ...(only !== undefined ? { projectId: only } : {}) });
      if (page.length === 0) break;
      for (const p of page) {
        const projectId = projectOfIndicator.get(p.indicatorId);
        if (projectId === undefined || (projectIds && !projectIds.has(projectId))) continue;
        const list = byProject.get(projectId) ?? [];
        list.push({ projectId, amount: p.amount, date: p.date, createdAt: p.createdAt, paidAt: p.paidAt });
        byProject.set(projectId, list);
      }
      afterId = page[page.length - 1]!.id;
    }
  }
  // 执行数 is what was paid: summed from the payments (the same as the indicators' paid in a live ledger).
  const money = projectMoney(indicators, year);
  for (const m of money.values()) m.paid = 0;
  for (const [projectId, list] of byProject) {
    const m = money.get(projectId) ?? { budget: 0, paid: 0 };
    m.paid = list.reduce((a, p) => a + p.amount, 0);
    money.set(projectId, m);
  }
  return { byProject, money };
}

/**
 * Budget (issued + adjusted) and paid to date per project at the end of a month of the year: budgets
 * from the ledger's indicators, 执行数 summed from the paid payments dated up to the month's end.
 */
export async function moneyAt(host: HostApi, year: number, month: number, projectIds?: Set<number>): Promise<Map<number, { budget: number; paid: number }>> {
  return (await ledgerAt(host, year, month, projectIds)).money;
}

/**
 * Money to the end of a month (as moneyAt) and the paid payments dated up to it, per project, from one
 * read of the ledger: what a monitoring checkpoint needs.
 */
export async function ledgerAt(host: HostApi, year: number, month: number, projectIds?: Set<number>): Promise<{ money: Map<number, { budget: number; paid: number }>; payments: Map<number, ProjectPayment[]> }> {
  const ledger = await projectPayments(host, year, projectIds);
  const end = lastDayOf(year, month);
  const payments = new Map([...ledger.byProject].map(([id, list]) => [id, list.filter((p) => (p.paidAt ?? p.date).slice(0, 10) <= end)]));
  const money = new Map<number, { budget: number; paid: number }>();
  for (const [id, m] of ledger.money) money.set(id, { budget: m.budget, paid: (payments.get(id) ?? []).reduce((a, p) => a + p.amount, 0) });
  return { money, payments };
}

export const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);


// ------------------------------------------------------------------ targets

export async function getTargets(host: HostApi, projectId: number, year: number): Promise<TargetsDoc | null> {
  return (await host.storage.get<TargetsDoc>('targets', targetsId(projectId, year)))?.data ?? null;
}

const cellText = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());

/**
 * The targets a wizard or a JSON client sends: `{ year, lines: [{ indicatorId, annual, total, weight, outputOf? }] }`,
 * or the wizard's merged steps `{ year, indicators: [ids], grid: [{ _id, annual, total, weight }] }` —
 * the selection decides which indicators stay; newly selected ones without a weight share what the
 * others leave of 100.
 */
export function parseTargets(b: Record<string, unknown>, library: Indicator[], previous: TargetsDoc | null): { lines: TargetLine[]; incomplete: string[] } {
  const byId = new Map(library.map((i) => [i.id, i]));
  const given: Array<{ indicatorId: string; annual: string; total: string; weight: number | null; outputOf?: string }> = [];
  const rows = Array.isArray(b.lines) ? b.lines : Array.isArray(b.grid) ? b.grid : [];
  if (rows.length > 100) throw new InputError('lines', '一个项目最多 100 项绩效指标');
  for (const [i, r] of rows.entries()) {
    if (!r || typeof r !== 'object') throw new InputError('lines', `第 ${i + 1} 行格式不正确`);
    const row = r as Record<string, unknown>;
    const indicatorId = cellText(row.indicatorId ?? row._id);
    if (!byId.has(indicatorId)) throw new InputError('lines', `第 ${i + 1} 行：指标“${indicatorId}”不在指标库中`);
    if (row.keep === false) continue;
    const weight = num(row.weight, 'lines', `第 ${i + 1} 行权重`, { min: 0, max: 100, optional: true });
    const outputOf = cellText(row.outputOf);
    given.push({ indicatorId, annual: cellText(row.annual).slice(0, 100), total: cellText(row.total).slice(0, 100), weight, ...(outputOf ? { outputOf } : {}) });
  }
  let chosen: string[];
  if (b.indicators !== undefined) {
    if (!Array.isArray(b.indicators) || b.indicators.some((x) => typeof x !== 'string')) throw new InputError('indicators', '请选择绩效指标');
    chosen = [...new Set(b.indicators as string[])];
    for (const id of chosen) if (!byId.has(id)) throw new InputError('indicators', `指标“${id}”不在指标库中`);
  } else chosen = given.map((g) => g.indicatorId);
  if (chosen.length === 0) throw new InputError(b.indicators !== undefined ? 'indicators' : 'lines', '至少选择一项绩效指标');
  if (chosen.length > 100) throw new InputError('indicators', '一个项目最多 100 项绩效指标');
  const prev = new Map((previous?.lines ?? []).map((l) => [l.indicatorId, l]));
  const merged = chosen.map((id) => {
    const g = given.find((x) => x.indicatorId === id);
    const p = prev.get(id);
    return { id, annual: g?.annual ?? (p ? String(p.annual) : ''), total: g?.total ?? (p?.total !== null && p?.total !== undefined ? String(p.total) : ''), weight: g ? g.weight : p?.weight ?? null, outputOf: g?.outputOf ?? p?.outputOf };
  });
  const fixed = merged.filter((m) => m.weight !== null).reduce((a, m) => a + m.weight!, 0);
  const open = merged.filter((m) => m.weight === null);
  if (open.length) {
    const left = 100 - fixed;
    if (left <= 0) throw new InputError('lines', `已填权重合计${fixed}%，新选的 ${open.length} 项指标没有可分配的权重`);
    // Shared in hundredths of a percent; the last takes the remainder so the sum is exactly 100.
    const share = Math.floor((left * 100) / open.length) / 100;
    open.forEach((m, i) => { m.weight = i === open.length - 1 ? Math.round((left - share * (open.length - 1)) * 100) / 100 : share; });
  }
  const problem = targetWeightsProblem(merged.map((m) => m.weight!));
  if (problem) throw new InputError('lines', problem);
  const incomplete: string[] = [];
  const lines = merged.map((m): TargetLine => {
    const ind = byId.get(m.id)!;
    let annual: number | string = m.annual;
    if (ind.direction !== 'qual' && m.annual !== '') {
      const n = Number(m.annual.replace(/[,，%％]/g, ''));
      if (!Number.isFinite(n)) throw new InputError('lines', `“${ind.name}”的年度目标值须为数字`);
      annual = n;
    }
    if (annual === '') incomplete.push(ind.name);
    let total: number | string | null = m.total === '' ? null : m.total;
    if (total !== null && ind.direction !== 'qual') {
      const n = Number(String(total).replace(/[,，%％]/g, ''));
      if (!Number.isFinite(n)) throw new InputError('lines', `“${ind.name}”的总体目标值须为数字`);
      total = n;
    }
    if (m.outputOf && !chosen.includes(m.outputOf)) throw new InputError('lines', `“${ind.name}”引用的产出数量指标不在本项目的指标中`);
    // Cost per output needs a quantity target: the first chosen one unless named.
    const outputOf = ind.auto === 'costPerOutput' ? m.outputOf ?? chosen.find((id) => byId.get(id)!.level2 === 'quantity') : undefined;
    return {
      indicatorId: ind.id, name: ind.name, level1: ind.level1, level2: ind.level2, unit: ind.unit, direction: ind.direction, method: ind.method,
      annual, total, weight: m.weight!, ...(ind.auto ? { auto: ind.auto } : {}), ...(outputOf ? { outputOf } : {}),
    };
  });
  return { lines, incomplete };
}

export async function saveTargets(host: HostApi, projectId: number, year: number, lines: TargetLine[], by: string): Promise<TargetsDoc> {
  const previous = await getTargets(host, projectId, year);
  const at = new Date().toISOString();
  const version = (previous?.version ?? 0) + 1;
  const doc: TargetsDoc = {
    projectId, year, lines, version, by, at,
    history: [...(previous?.history ?? []), { version, by, at, lines: lines.length }].slice(-50),
  };
  await host.storage.put('targets', targetsId(projectId, year), doc);
  return doc;
}

// ------------------------------------------------------------------ monitoring

export async function monitoringDocs(host: HostApi, projectId: number, year: number): Promise<MonitoringDoc[]> {
  const docs = await all<MonitoringDoc>(host, 'monitoring', { projectId, year });
  return docs.map((d) => d.data).sort((a, b) => a.month - b.month);
}

/** The latest value of each indicator over the year's checkpoints (later months win; manual beats auto in a month). */
export function latestValues(docs: MonitoringDoc[]): Map<string, MonitorValue & { month: number }> {
  const out = new Map<string, MonitorValue & { month: number }>();
  for (const d of [...docs].sort((a, b) => a.month - b.month)) {
    for (const v of d.values) {
      const prev = out.get(v.indicatorId);
      if (prev && prev.month === d.month && prev.source === 'manual' && v.source === 'auto') continue;
      if (v.actual === null && v.projected === null) continue;
      out.set(v.indicatorId, { ...v, month: d.month });
    }
  }
  return out;
}

export function parseMonitoringValues(b: Record<string, unknown>, lines: TargetLine[]): MonitorValue[] {
  const rows = Array.isArray(b.values) ? b.values : Array.isArray(b.grid) ? b.grid : null;
  if (!rows) throw new InputError('values', '请填写监控值');
  if (rows.length > 100) throw new InputError('values', '监控值最多 100 行');
  const known = new Map(lines.map((l) => [l.indicatorId, l]));
  const out: MonitorValue[] = [];
  for (const [i, r] of rows.entries()) {
    const row = (r && typeof r === 'object' ? r : {}) as Record<string, unknown>;
    const id = cellText(row.indicatorId ?? row._id);
    const line = known.get(id);
    if (!line) throw new InputError('values', `第 ${i + 1} 行：指标“${id}”不是本项目的绩效目标`);
    if (line.direction === 'qual') continue;
    const actual = num(row.actual, 'values', `“${line.name}”的截至目前完成值`, { optional: true });
    const projected = num(row.projected, 'values', `“${line.name}”的全年预计完成值`, { optional: true });
    const note = cellText(row.note).slice(0, 500);
    if (actual === null && projected === null) continue;
    out.push({ indicatorId: id, actual, projected, source: 'manual', ...(note ? { note } : {}) });
  }
  return out;
}

export interface WarningDoc {
  [key: string]: unknown;
  projectId: number; projectName: string; year: number; month: number; indicatorId: string; name: string;
  light: Light; deviationPct: number; expected: number; value: number; basis: string;
  status: 'open' | 'explained' | 'closed' | 'cleared';
  explanation: string; plan: string;
  history: Array<{ at: string; by: string; action: string; note?: string }>;
}

/**
 * A checkpoint of a project: the ledger's figures and automatic values are written with the
 * manual values already there, the deviations graded, and warnings opened, raised or cleared.
 * Returns the project's light and the deviations.
 */
export async function checkpoint(host: HostApi, input: {
  project: ProjectRecord; targets: TargetsDoc; month: number; money: { budget: number; paid: number }; payments: ProjectPayment[];
  timeProgress: number; settings: Settings; by: string; manual?: MonitorValue[];
  /** The project's monitoring documents of the year and the year's warnings, when the caller read them in bulk. */
  preloaded?: { monitoring: MonitoringDoc[]; warnings: Map<string, WarningDoc> };
}): Promise<{ light: Light; deviations: Deviation[]; opened: WarningDoc[] }> {
  const { project, targets, month, settings } = input;
  const id = monitoringId(project.id, targets.year, month);
  const docs = input.preloaded?.monitoring ?? await monitoringDocs(host, project.id, targets.year);
  const stored = docs.find((d) => d.month === month);
  const manual = input.manual ?? stored?.values.filter((v) => v.source === 'manual') ?? [];
  const earlier = latestValues(docs.filter((d) => d.month < month));
  const known: Record<string, number | null> = {};
  for (const [k, v] of earlier) known[k] = v.actual;
  for (const v of manual) known[v.indicatorId] = v.actual;
  const auto = autoValues({ lines: targets.lines, paidFen: input.money.paid, payments: input.payments, timelyDays: settings.timelyDays, known })
    .filter((a) => !manual.some((m) => m.indicatorId === a.indicatorId));
  const executionRate = input.money.budget > 0 ? Math.round((input.money.paid / input.money.budget) * 10000) / 10000 : 0;
  const doc: MonitoringDoc = {
    projectId: project.id, year: targets.year, month, values: [...manual, ...auto],
    ledger: { budget: input.money.budget, paid: input.money.paid, executionRate, timeProgress: input.timeProgress },
    by: input.by, at: new Date().toISOString(),
  };
  await host.storage.put('monitoring', id, doc);

  const values = latestValues([...docs.filter((d) => d.month < month), doc]);
  const s = { yellowPct: settings.yellowPct, redPct: settings.redPct };
  const deviations: Deviation[] = [];
  for (const line of targets.lines) {
    const d = deviationOf(line, values.get(line.indicatorId), input.timeProgress, s);
    if (d) deviations.push(d);
  }
  const exec = executionDeviation(executionRate, input.timeProgress, s);
  deviations.push({ indicatorId: '_execution', name: '预算执行率（对序时进度）', expected: Math.round(input.timeProgress * 10000) / 100, value: Math.round(executionRate * 10000) / 100, basis: 'to-date', deviationPct: exec.deviationPct, light: exec.light });

  const opened: WarningDoc[] = [];
  const at = new Date().toISOString();
  for (const d of deviations) {
    const wid = `w-${project.id}-${targets.year}-${d.indicatorId}`;
    const prev = input.preloaded ? input.preloaded.warnings.get(wid) : (await host.storage.get<WarningDoc>('warnings', wid))?.data;
    if (d.light === 'green') {
      if (prev && prev.status === 'open') await host.storage.put('warnings', wid, { ...prev, status: 'cleared', light: 'green', deviationPct: d.deviationPct, history: [...prev.history, { at, by: input.by, action: 'cleared' }].slice(-30) });
      continue;
    }
    // Unchanged: nothing to write (a nightly run over many projects stays within its host calls).
    if (prev && (prev.status === 'open' || prev.status === 'explained') && prev.light === d.light && prev.deviationPct === d.deviationPct && prev.month === month) continue;
    const worse = !prev || prev.status === 'cleared' || prev.status === 'closed' || (prev.light === 'yellow' && d.light === 'red');
    const next: WarningDoc = {
      projectId: project.id, projectName: `${project.code} ${project.name}`, year: targets.year, month, indicatorId: d.indicatorId, name: d.name,
      light: d.light, deviationPct: d.deviationPct, expected: d.expected, value: d.value, basis: d.basis,
      // A warning that got worse (or came back) needs a new explanation.
      status: worse ? 'open' : prev!.status, explanation: worse ? '' : prev!.explanation, plan: worse ? '' : prev!.plan,
      history: [...(prev?.history ?? []), ...(worse ? [{ at, by: input.by, action: prev ? 'raised' : 'opened', note: `${d.light} ${d.deviationPct}%` }] : [])].slice(-30),
    };
    await host.storage.put('warnings', wid, next);
    if (worse) opened.push(next);
  }
  return { light: worst(deviations.map((d) => d.light)), deviations, opened };
}

export async function explainWarning(host: HostApi, b: Record<string, unknown>, by: string): Promise<WarningDoc> {
  const id = text(b, 'id', '预警', { required: true, max: 200 });
  const explanation = text(b, 'explanation', '偏差原因说明', { required: true, max: 2000 });
  const plan = text(b, 'plan', '整改措施', { required: true, max: 2000 });
  const stored = await host.storage.get<WarningDoc>('warnings', id);
  if (!stored) throw refuse(404, 'WARNING_NOT_FOUND', { zh: '预警不存在', en: 'No such warning' }, { id });
  if (stored.data.status === 'closed' || stored.data.status === 'cleared') throw refuse(409, 'WARNING_CLOSED', { zh: '预警已关闭', en: 'The warning is closed' }, { id });
  const at = new Date().toISOString();
  const next: WarningDoc = { ...stored.data, status: 'explained', explanation, plan, history: [...stored.data.history, { at, by, action: 'explained', note: explanation.slice(0, 200) }].slice(-30) };
  await host.storage.put('warnings', id, next);
  return next;
}

export async function closeWarning(host: HostApi, b: Record<string, unknown>, by: string): Promise<WarningDoc> {
  const id = text(b, 'id', '预警', { required: true, max: 200 });
  const reason = text(b, 'reason', '关闭说明', { max: 2000 });
  const stored = await host.storage.get<WarningDoc>('warnings', id);
  if (!stored) throw refuse(404, 'WARNING_NOT_FOUND', { zh: '预警不存在', en: 'No such warning' }, { id });
  if (stored.data.status !== 'explained') throw refuse(409, 'EXPLANATION_REQUIRED', { zh: '须先填写偏差原因和整改措施，才能关闭预警', en: 'Give the explanation and the correction plan before closing' }, { id, status: stored.data.status });
  const at = new Date().toISOString();
  const next: WarningDoc = { ...stored.data, status: 'closed', history: [...stored.data.history, { at, by, action: 'closed', ...(reason ? { note: reason } : {}) }].slice(-30) };
  await host.storage.put('warnings', id, next);
  return next;
}

// ------------------------------------------------------------------ business flow vs fund flow

export interface MilestoneDoc { [key: string]: unknown; projectId: number; date: string; pct: number; note: string; by: string; at: string }

/** A project's progress report of the analytics plugin (its shared `milestones`): fractions 0..1. */
export interface SharedMilestone { projectId: number; date: string; reportedPct: number; note?: string }

/**
 * The analytics plugin's progress reports of a project, where analytics is enabled in the unit and
 * shares them and the unit granted `shared.read`; otherwise none (the host says why: not an error here).
 */
export async function analyticsMilestones(host: HostApi, projectId: number): Promise<SharedMilestone[]> {
  if (!host.shared) return [];
  try {
    const docs = await host.shared.query<Record<string, unknown>>('analytics', 'milestones', { projectId }, { limit: 500 });
    return docs.map((d) => d.data)
      .filter((d) => Number(d.projectId) === projectId && typeof d.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d.date) && Number.isFinite(Number(d.reportedPct)))
      .map((d) => ({ projectId, date: String(d.date), reportedPct: Math.min(1, Math.max(0, Number(d.reportedPct))), ...(typeof d.note === 'string' && d.note ? { note: d.note.slice(0, 200) } : {}) }));
  } catch {
    return [];
  }
}

/** Work progress points of a project: its milestone records, the analytics plugin's progress reports and its monitoring values of ≥ quantity targets. */
export function workPoints(targets: TargetsDoc | null, monitoring: MonitoringDoc[], milestones: MilestoneDoc[], shared: SharedMilestone[] = [], lang: 'zh-CN' | 'en' = 'zh-CN'): WorkPoint[] {
  const en = lang === 'en';
  const points: WorkPoint[] = milestones.map((m) => ({ date: m.date, pct: m.pct, source: `${en ? 'Progress record' : '进度记录'}${m.note ? `${en ? ': ' : '：'}${m.note}` : ''}` }));
  for (const m of shared) points.push({ date: m.date, pct: Math.round(m.reportedPct * 10000) / 100, source: `${en ? 'Analytics progress report' : '分析插件项目进度'}${m.note ? `${en ? ': ' : '：'}${m.note}` : ''}` });
  const quantity = (targets?.lines ?? []).filter((l) => l.level2 === 'quantity' && l.direction === 'gte' && typeof l.annual === 'number' && l.annual > 0);
  for (const d of monitoring) {
    const shares = quantity.map((l) => d.values.find((v) => v.indicatorId === l.indicatorId && v.actual !== null)).map((v, i) => (v ? Math.min(100, (v.actual! / (quantity[i]!.annual as number)) * 100) : null)).filter((x): x is number => x !== null);
    if (shares.length) points.push({ date: `${d.year}-${String(d.month).padStart(2, '0')}-28`, pct: shares.reduce((a, b) => a + b, 0) / shares.length, source: en ? `Monitoring values of month ${d.month} (share of quantity targets done)` : `${d.month}月监控值（数量指标完成比例）` });
  }
  return points;
}

export function matchingOf(input: { year: number; money: { budget: number; paid: number }; payments: ProjectPayment[]; work: WorkPoint[]; throughMonth: number; tolerancePct: number }): MatchReport {
  const paidByMonth = new Array(12).fill(0) as number[];
  for (const p of input.payments) {
    const d = (p.paidAt ?? p.date).slice(0, 10);
    if (!d.startsWith(String(input.year))) continue;
    const m = Number(d.slice(5, 7)) - 1;
    paidByMonth[m] = (paidByMonth[m] ?? 0) + p.amount;
  }
  return matchFlows({ year: input.year, budget: input.money.budget, paidByMonth, work: input.work, throughMonth: input.throughMonth, tolerancePct: input.tolerancePct });
}
