import type { HostApi, PluginDefinition, ProjectRecord, ViewBlock, ViewContext } from '@unibudget/sdk';
import { today } from './operations.js';
import { latestEvaluation, type EvaluationDoc } from './evaluation.js';
import { listEvidence } from './evidence.js';
import { loadLibrary } from './library-store.js';
import { analyticsMilestones, evaluationId, getTargets, latestValues, matchingOf, monitoringDocs, projectPayments, workPoints, type MilestoneDoc, type WarningDoc } from './service.js';
import { settingsOf, type Settings } from './settings.js';
import { all } from './store.js';
import { wordsFor, type Words } from './texts.js';
import type { Light, TargetsDoc } from './types.js';
import {
  boardView, EDIT_TARGETS, ENTER_VALUES, EVALUATE, evaluationForm, evaluationTable, evidenceBlocks, libraryView, matchingBlocks, milestoneForm,
  monitoringForm, projectLabel, projectList, targetsTable, targetsWizard, type BoardRow,
} from './views.js';

/** The plugin's views (pages and placements on core screens), each worded in `context.lang`. */

const safeYear = (raw: string | undefined, fallback: string) => (raw && /^20\d{2}$/.test(raw) ? Number(raw) : Number(fallback));
const pick = (q: Record<string, string>, keys: string[]) => Object.fromEntries(keys.filter((k) => q[k]).map((k) => [k, q[k]!]));
const projectLinks = (w: Words, projects: ProjectRecord[], year: number): ViewBlock => ({ type: 'markdown', text: projects.map((p) => `- [${projectLabel(p)}](?projectId=${p.id}&year=${year})`).join('\n') || w('noProjects') });

export async function boardRows(host: HostApi, year: number, projects: ProjectRecord[]): Promise<{ rows: BoardRow[]; warnings: Array<{ id: string; data: WarningDoc }> }> {
  const targets = (await all<TargetsDoc>(host, 'targets', { year })).map((d) => d.data);
  const warnings = (await all<WarningDoc>(host, 'warnings', { year })).map((d) => ({ id: d.id, data: d.data }));
  const monitoring = (await all<Record<string, unknown>>(host, 'monitoring', { year })).map((d) => d.data as unknown as { projectId: number; month: number; ledger: { executionRate: number; timeProgress: number } });
  const byId = new Map(projects.map((p) => [p.id, p]));
  const rows: BoardRow[] = [];
  for (const t of targets) {
    const project = byId.get(t.projectId);
    if (!project) continue;
    const mine = warnings.filter((x) => x.data.projectId === t.projectId && (x.data.status === 'open' || x.data.status === 'explained'));
    const latest = monitoring.filter((m) => m.projectId === t.projectId).sort((a, b) => b.month - a.month)[0];
    const light: Light = mine.some((x) => x.data.light === 'red') ? 'red' : mine.some((x) => x.data.light === 'yellow') ? 'yellow' : 'green';
    rows.push({ project, targets: t, light, executionRate: latest?.ledger.executionRate ?? null, timeProgress: latest?.ledger.timeProgress ?? null, open: mine.filter((x) => x.data.status === 'open').length, explained: mine.filter((x) => x.data.status === 'explained').length });
  }
  const order: Record<Light, number> = { red: 0, yellow: 1, green: 2 };
  rows.sort((a, b) => order[a.light] - order[b.light] || a.project.code.localeCompare(b.project.code));
  return { rows, warnings };
}

/**
 * A project's matching report for a year: the money from the ledger (its own payments only), the work
 * from its milestone records, the analytics plugin's shared progress reports and its monitoring values.
 */
export async function projectMatching(host: HostApi, projectId: number, year: number, throughMonth: number, settings: Settings, lang: 'zh-CN' | 'en' = 'zh-CN') {
  const [targets, monitoring, milestones, shared, ledger] = await Promise.all([
    getTargets(host, projectId, year), monitoringDocs(host, projectId, year),
    all<MilestoneDoc>(host, 'milestones', { projectId }).then((d) => d.map((x) => x.data)),
    analyticsMilestones(host, projectId),
    projectPayments(host, year, new Set([projectId])),
  ]);
  const work = workPoints(targets, monitoring, milestones, shared, lang);
  return { ...matchingOf({ year, money: ledger.money.get(projectId) ?? { budget: 0, paid: 0 }, payments: ledger.byProject.get(projectId) ?? [], work, throughMonth, tolerancePct: settings.matchTolerancePct }), work };
}

export async function feedbackBlocks(w: Words, host: HostApi, projectId: number, year: number): Promise<ViewBlock[]> {
  const e = await latestEvaluation(host, projectId, year);
  if (!e) return [{ type: 'markdown', text: w('noEvaluation', { year }) }];
  return [
    { type: 'markdown', text: `${w('feedback', { year: e.year, total: e.total, grade: w.grade(e.grade) })}${e.grade === 'poor' ? w('feedbackPoor') : w.en ? '.' : '。'}` },
    ...evaluationTable(w, e).slice(0, 4),
  ];
}

/**
 * The project and year a budget request is about, drafts included: from the ledger (`budgetRequests`,
 * the request's one project) where the host has it, else as the validator remembered it on submit.
 */
async function requestProject(host: HostApi, requestId: number): Promise<{ projectId: number; year: number } | null> {
  if (typeof host.ledger.budgetRequests === 'function') {
    try {
      const [r] = await host.ledger.budgetRequests({ id: requestId });
      if (r) return r.projectId === null ? null : { projectId: r.projectId, year: r.year };
    } catch { /* an older host: the remembered mapping below */ }
  }
  const mapped = await host.storage.get<{ projectId: number; year: number }>('requests', `r-${requestId}`);
  return mapped ? { projectId: mapped.data.projectId, year: mapped.data.year } : null;
}

const through = (year: number, asOf: string) => (year < Number(asOf.slice(0, 4)) ? 12 : Number(asOf.slice(5, 7)));

export const views: NonNullable<PluginDefinition['views']> = {
  library: async (context, host) => {
    const w = wordsFor(context.lang);
    const prefs = await host.storage.get<{ filter: Record<string, string> }>('prefs', `user-${context.user.id}`);
    const filter = { ...(prefs?.data.filter ?? {}), ...pick(context.query, ['sector', 'level']) };
    const log = (await host.storage.query('library_log', {}, { limit: 50 })).map((d) => d.data);
    return libraryView(w, await loadLibrary(host), log, filter, context.user.roles);
  },
  targets: async (context, host) => {
    const w = wordsFor(context.lang);
    const year = safeYear(context.query.year, (await today(host)).slice(0, 4));
    const projects = await host.ledger.projects();
    const targets = new Map((await all<TargetsDoc>(host, 'targets', { year })).map((d) => [d.data.projectId, d.data]));
    const project = projects.find((p) => String(p.id) === context.query.projectId);
    const blocks = [projectList(w, projects, targets, year)];
    if (project) {
      blocks.push(targetsTable(w, targets.get(project.id) ?? null));
      if (context.user.roles.some((r) => EDIT_TARGETS.includes(r))) blocks.push(targetsWizard(w, project, year, await loadLibrary(host), targets.get(project.id) ?? null, context.query.sector));
    }
    return { title: w('targetsPage'), blocks };
  },
  board: async (context, host) => {
    const w = wordsFor(context.lang);
    const year = safeYear(context.query.year, (await today(host)).slice(0, 4));
    const { rows, warnings } = await boardRows(host, year, await host.ledger.projects());
    return boardView(w, rows, warnings, year, context.user.roles);
  },
  evaluation: async (context, host) => {
    const w = wordsFor(context.lang);
    const year = safeYear(context.query.year, (await today(host)).slice(0, 4));
    const projects = await host.ledger.projects();
    const project = projects.find((p) => String(p.id) === context.query.projectId);
    const evaluations = (await all<EvaluationDoc>(host, 'evaluations', { year })).map((d) => d.data);
    const blocks: ViewBlock[] = [
      { type: 'table', title: w('evalResults', { year }), columns: [{ key: 'project', label: w('project') }, { key: 'total', label: w('totalScore'), format: 'number' }, { key: 'grade', label: w('grade') }, { key: 'execution', label: w('execution'), format: 'percent' }, { key: 'at', label: w('evaluatedAt'), format: 'date' }],
        rows: evaluations.sort((a, b) => b.total - a.total).map((e) => ({ project: `${e.projectCode} ${e.projectName}`, total: e.total, grade: w.grade(e.grade), execution: e.execution.rate, at: e.at })) },
      projectLinks(w, projects, year),
    ];
    if (project) {
      const e = evaluations.find((x) => x.projectId === project.id);
      if (e) blocks.push(...evaluationTable(w, e), { type: 'download', label: w('download'), route: `projects/${project.id}/self-evaluation/report`, query: { year: String(year) } });
      const targets = await getTargets(host, project.id, year);
      if (targets && context.user.roles.some((r) => EVALUATE.includes(r))) blocks.push(evaluationForm(w, project.id, year, targets, latestValues(await monitoringDocs(host, project.id, year)), e ?? null));
      if (!targets) blocks.push({ type: 'markdown', text: w('noTargets', { project: projectLabel(project), year }) });
      blocks.push(...evidenceBlocks(w, project.id, year, await listEvidence(host, project.id, year), context.user.roles));
    }
    return { title: w('evalPage'), blocks };
  },
  matching: async (context, host) => {
    const w = wordsFor(context.lang);
    const asOf = await today(host);
    const year = safeYear(context.query.year, asOf.slice(0, 4));
    const projects = await host.ledger.projects();
    const project = projects.find((p) => String(p.id) === context.query.projectId) ?? projects[0];
    const blocks: ViewBlock[] = [projectLinks(w, projects, year)];
    if (project) {
      blocks.push(...matchingBlocks(w, await projectMatching(host, project.id, year, through(year, asOf), settingsOf(host.settings), w.lang), w('matchOf', { project: projectLabel(project) })));
      blocks.push({ type: 'markdown', text: w('matchSources') });
      if (context.user.roles.some((r) => ENTER_VALUES.includes(r))) blocks.push(milestoneForm(w, project.id));
    }
    return { title: w('matchPage'), blocks };
  },
  project: async (context, host) => {
    const w = wordsFor(context.lang);
    if (context.subject?.kind !== 'project') return { title: w('projectPage'), blocks: [{ type: 'markdown', text: w('onProjectScreen') }] };
    const asOf = await today(host);
    const year = safeYear(context.query.year, asOf.slice(0, 4));
    const project = (await host.ledger.projects()).find((p) => p.id === context.subject!.id);
    if (!project) return { title: w('projectPage'), blocks: [{ type: 'markdown', text: w('noProject') }] };
    const targets = await getTargets(host, project.id, year);
    const latest = latestValues(await monitoringDocs(host, project.id, year));
    const blocks: ViewBlock[] = [{ type: 'markdown', text: w('structuredNote') }, targetsTable(w, targets)];
    const roles = context.user.roles;
    if (roles.some((r) => EDIT_TARGETS.includes(r))) blocks.push(targetsWizard(w, project, year, await loadLibrary(host), targets, undefined));
    if (targets && roles.some((r) => ENTER_VALUES.includes(r))) blocks.push(monitoringForm(w, project.id, year, Math.min(settingsOf(host.settings).monitorMonth, Number(asOf.slice(5, 7))), targets, latest));
    const e = await host.storage.get<EvaluationDoc>('evaluations', evaluationId(project.id, year));
    if (e) blocks.push(...evaluationTable(w, e.data).slice(0, 3));
    blocks.push(...matchingBlocks(w, await projectMatching(host, project.id, year, through(year, asOf), settingsOf(host.settings), w.lang), w('matchShort')).slice(0, 3));
    blocks.push(...(await feedbackBlocks(w, host, project.id, year)).slice(0, 1));
    return { title: w('projectPage'), blocks };
  },
  // On a budget request's screen, drafts included: the project's latest self-evaluation before the requested year.
  request: async (context, host) => {
    const w = wordsFor(context.lang);
    if (context.subject?.kind !== 'budget-request') return { title: w('requestPage'), blocks: [{ type: 'markdown', text: w('onRequestScreen') }] };
    const found = await requestProject(host, context.subject.id);
    if (!found) return { title: w('requestPage'), blocks: [{ type: 'markdown', text: w('requestNoProject') }] };
    // The targets of the requested year beside last year's result (the wizard is on the project's screen).
    return { title: w('requestPage'), blocks: [...(await feedbackBlocks(w, host, found.projectId, found.year)), targetsTable(w, await getTargets(host, found.projectId, found.year))] };
  },
  cockpit: async (context: ViewContext, host) => {
    const w = wordsFor(context.lang);
    const asOf = await today(host);
    const year = Number(asOf.slice(0, 4));
    const { rows } = await boardRows(host, year, await host.ledger.projects());
    const evaluations = (await all<EvaluationDoc>(host, 'evaluations', { year })).map((d) => d.data);
    const prior = (await all<EvaluationDoc>(host, 'evaluations', { year: year - 1 })).map((d) => d.data);
    const shown = evaluations.length ? evaluations : prior;
    const grades = (['excellent', 'good', 'fair', 'poor'] as const).map((g) => ({ label: w.grade(g), value: shown.filter((e) => e.grade === g).length })).filter((x) => x.value > 0);
    const blocks: ViewBlock[] = [
      { type: 'stat', label: w('redProjects'), value: rows.filter((r) => r.light === 'red').length, format: 'number', tone: rows.some((r) => r.light === 'red') ? 'bad' : 'good' },
      { type: 'stat', label: w('yellowProjects'), value: rows.filter((r) => r.light === 'yellow').length, format: 'number', tone: rows.some((r) => r.light === 'yellow') ? 'warn' : 'normal' },
      { type: 'stat', label: w('openWarnings'), value: rows.reduce((a, r) => a + r.open, 0), format: 'number' },
    ];
    if (grades.length) blocks.push({ type: 'pie', title: w('gradesOf', { year: shown === evaluations ? year : year - 1 }), slices: grades });
    // The flow match of the projects that are off (the leader's question: where is money ahead of work?).
    const month = Number(asOf.slice(5, 7));
    const mismatchRows: Array<Record<string, string | number>> = [];
    const watched = rows.slice(0, 10);
    const ledger = await projectPayments(host, year, new Set(watched.map((r) => r.project.id)));
    for (const r of watched) {
      const [monitoring, milestones, shared] = await Promise.all([monitoringDocs(host, r.project.id, year), all<MilestoneDoc>(host, 'milestones', { projectId: r.project.id }).then((d) => d.map((x) => x.data)), analyticsMilestones(host, r.project.id)]);
      const m = matchingOf({ year, money: ledger.money.get(r.project.id) ?? { budget: 0, paid: 0 }, payments: ledger.byProject.get(r.project.id) ?? [], work: workPoints(r.targets, monitoring, milestones, shared, w.lang), throughMonth: month, tolerancePct: settingsOf(host.settings).matchTolerancePct });
      const last = m.mismatches[m.mismatches.length - 1];
      if (last) mismatchRows.push({ project: projectLabel(r.project), degree: m.degree === null ? '—' : `${m.degree}%`, kind: w.mismatch(last.kind), month: w('monthN', { month: last.month }), gap: String(last.gap) });
    }
    blocks.push({ type: 'table', title: w('offProjects'), columns: [{ key: 'project', label: w('project') }, { key: 'degree', label: w('degree') }, { key: 'kind', label: w('latestMismatch') }, { key: 'month', label: w('month') }, { key: 'gap', label: w('gap') }], rows: mismatchRows });
    return { title: w('cockpitTitle'), blocks };
  },
};
