import type { ProjectRecord, ViewBlock, ViewSpec } from '@unibudget/sdk';
import { SETS } from './data/library.js';
import { filterIndicators } from './library.js';
import { QUAL_BANDS, type QualGrade } from './scoring.js';
import type { EvaluationDoc } from './evaluation.js';
import { EVIDENCE_ACCEPT, EVIDENCE_MAX_BYTES, EVIDENCE_MAX_FILES, type EvidenceDoc } from './evidence.js';
import type { latestValues, matchingOf, WarningDoc } from './service.js';
import type { WorkPoint } from './matching.js';
import { DIRECTION_LABEL, LEVEL1, LEVEL2, SECTORS, type Indicator, type Level1, type Light, type TargetsDoc } from './types.js';
import type { Words } from './texts.js';

/** The plugin's screens as view specs, worded in the reader's language (texts.ts); nothing here runs in the browser. */

const pct = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;
const can = (roles: string[], allowed: string[]) => roles.some((r) => allowed.includes(r));
export const EDIT_TARGETS = ['finance_officer', 'department_head', 'business_staff', 'unit_admin'];
export const ENTER_VALUES = ['finance_officer', 'department_head', 'business_staff'];
export const EVALUATE = ['finance_officer', 'department_head', 'leader'];
export const EDIT_LIBRARY = ['unit_admin', 'finance_officer', 'plugin_developer'];
/** Who may upload and delete evidence files (as the manifest's evidence routes). */
export const EDIT_EVIDENCE = ['finance_officer', 'department_head', 'business_staff', 'leader'];
export const projectLabel = (p: { code: string; name: string }) => `${p.code} ${p.name}`;
const unitOf = (u: string) => (u === '—' ? '' : u);

// ------------------------------------------------------------------ library

export function libraryView(w: Words, library: Indicator[], log: Array<Record<string, unknown>>, filter: Record<string, string>, roles: string[]): ViewSpec {
  const shown = filterIndicators(library, filter);
  const blocks: ViewBlock[] = [
    { type: 'stat', label: w('libTotal'), value: library.length, format: 'number' },
    { type: 'stat', label: w('libOwn'), value: library.filter((i) => i.origin === 'unit').length, format: 'number' },
    { type: 'stat', label: w('libShown'), value: shown.length, format: 'number' },
    {
      type: 'form', title: w('filter'), submit: 'indicators/filter', submitLabel: w('filter'),
      fields: [
        { key: 'sector', label: w('sector'), input: 'select', value: filter.sector ?? '', options: [{ value: '', label: w('all') }, ...Object.keys(SECTORS).map((value) => ({ value, label: w.sector(value) }))] },
        { key: 'level', label: w('level'), input: 'select', value: filter.level ?? '', options: [{ value: '', label: w('all') }, ...Object.keys(LEVEL1).map((value) => ({ value, label: w('levelOne', { name: w.level1(value as Level1) }) })), ...Object.entries(LEVEL2).map(([value, l]) => ({ value, label: w('levelTwo', { parent: w.level1(l.level1), name: w.level2(value) }) }))] },
      ],
    },
    {
      type: 'table', title: w('indicators'),
      columns: [
        { key: 'id', label: w('code') }, { key: 'sector', label: w('sector') }, { key: 'level1', label: w('level1') }, { key: 'level2', label: w('level2') },
        { key: 'name', label: w('level3') }, { key: 'unit', label: w('unit') }, { key: 'direction', label: w('direction') }, { key: 'dataSource', label: w('dataSource') },
        { key: 'method', label: w('method') }, { key: 'version', label: w('version'), format: 'number' },
      ],
      rows: shown.slice(0, 1000).map((i) => ({
        _id: i.id, _actions: i.origin === 'unit' ? 'delete' : '',
        id: i.id, sector: w.sector(i.sector), level1: w.level1(i.level1), level2: w.level2(i.level2), name: i.name, unit: i.unit,
        direction: w.direction(i.direction), dataSource: i.dataSource, method: w.method(i.method), version: i.version,
      })),
      ...(can(roles, EDIT_LIBRARY) ? { actions: [{ id: 'delete', label: w('delete'), route: 'indicators/delete', confirm: w('deleteConfirm'), reason: 'optional' as const, tone: 'danger' as const }] } : {}),
    },
    { type: 'download', label: w('exportAll'), route: 'library/export', query: { format: 'xlsx', scope: 'all' } },
    { type: 'download', label: w('exportOwn'), route: 'library/export', query: { format: 'json', scope: 'unit' } },
  ];
  if (can(roles, EDIT_LIBRARY)) {
    blocks.push({
      type: 'form', title: w('editTitle'), submit: 'indicators', submitLabel: w('save'),
      fields: [
        { key: 'id', label: w('editCode'), input: 'text', maxLength: 40 },
        { key: 'name', label: w('editName'), input: 'text', required: true, maxLength: 100 },
        { key: 'level2', label: w('level2'), input: 'select', required: true, options: Object.entries(LEVEL2).map(([value, l]) => ({ value, label: `${w.level1(l.level1)} › ${w.level2(value)}` })) },
        { key: 'direction', label: w('direction'), input: 'select', required: true, options: Object.keys(DIRECTION_LABEL).map((value) => ({ value, label: value === 'qual' ? w('qualDirection') : w.direction(value as 'gte') })) },
        { key: 'unit', label: w('unit'), input: 'text', maxLength: 20, help: w('unitHelp') },
        { key: 'sector', label: w('sector'), input: 'select', value: 'custom', options: Object.keys(SECTORS).map((value) => ({ value, label: w.sector(value) })) },
        { key: 'dataSource', label: w('dataSource'), input: 'text', maxLength: 200 },
      ],
    });
    blocks.push({
      type: 'form', title: w('importTitle'), submit: 'library/import', submitLabel: w('import'),
      fields: [{ key: 'file', label: w('file'), input: 'file', accept: '.xlsx,.json', required: true, help: w('importHelp') }],
    });
  }
  blocks.push({
    type: 'table', title: w('logTitle'),
    columns: [{ key: 'at', label: w('time'), format: 'date' }, { key: 'indicatorId', label: w('code') }, { key: 'version', label: w('version'), format: 'number' }, { key: 'action', label: w('action') }, { key: 'by', label: w('by') }, { key: 'name', label: w('indicator') }],
    rows: log.slice(0, 50).map((l) => ({ at: String(l.at ?? ''), indicatorId: String(l.indicatorId ?? ''), version: Number(l.version ?? 0), action: String(l.action ?? ''), by: String(l.by ?? ''), name: String(((l.after ?? l.before) as { name?: string } | null)?.name ?? '') })),
  });
  blocks.push({ type: 'markdown', text: `### ${w('sourcesTitle')}\n\n${SETS.map((s) => w('sourceLine', { name: w.en ? s.name.en : s.name.zh, count: s.rows.length, basis: w(s.basis === 'published' ? 'basisPublished' : 'basisFramework'), source: s.source })).join('\n')}` });
  return { title: w('libTitle'), blocks };
}

// ------------------------------------------------------------------ targets

export function targetsTable(w: Words, targets: TargetsDoc | null): ViewBlock {
  return {
    type: 'table', title: targets ? w('targetsOf', { year: targets.year, version: targets.version, by: targets.by }) : w('targetsNone'),
    columns: [
      { key: 'level1', label: w('level1') }, { key: 'level2', label: w('level2') }, { key: 'name', label: w('level3') }, { key: 'direction', label: w('direction') },
      { key: 'annual', label: w('annual') }, { key: 'total', label: w('total') }, { key: 'unit', label: w('unitShort') }, { key: 'weight', label: w('weight'), format: 'number' },
    ],
    rows: (targets?.lines ?? []).map((l) => ({ level1: w.level1(l.level1), level2: w.level2(l.level2), name: l.name, direction: w.direction(l.direction), annual: String(l.annual), total: l.total === null ? '' : String(l.total), unit: l.unit, weight: l.weight })),
  };
}

/** The wizard: pick indicators, set annual and total values and weights, confirm; saved with PUT. */
export function targetsWizard(w: Words, project: ProjectRecord, year: number, library: Indicator[], targets: TargetsDoc | null, sector: string | undefined): ViewBlock {
  const current = new Set((targets?.lines ?? []).map((l) => l.indicatorId));
  // Options are capped at 200: the project's indicators first, then the unit's own, then the chosen sector and the common sets.
  const ordered = [
    ...library.filter((i) => current.has(i.id)),
    ...library.filter((i) => !current.has(i.id) && i.origin === 'unit'),
    ...library.filter((i) => !current.has(i.id) && i.origin === 'starter' && sector && i.sector === sector),
    ...library.filter((i) => !current.has(i.id) && i.origin === 'starter' && i.sector === 'general'),
    ...library.filter((i) => !current.has(i.id) && i.origin === 'starter' && i.sector !== 'general' && i.sector !== sector),
  ].slice(0, 200);
  return {
    type: 'wizard', title: w('wizardTitle', { project: projectLabel(project) }), submit: `projects/${project.id}/targets`, method: 'PUT', submitLabel: w('wizardSubmit'),
    steps: [
      {
        id: 'pick', title: w('stepPick'), description: w('stepPickHelp'),
        fields: [
          { key: 'year', label: w('year'), input: 'number', required: true, value: year, min: 2000, max: 2100 },
          { key: 'indicators', label: w('pickField'), input: 'multiselect', required: true, value: [...current], options: ordered.map((i) => ({ value: i.id, label: `${w.level2(i.level2)} · ${i.name}${w.en ? ' (' : '（'}${w.direction(i.direction)}${i.unit && i.unit !== '—' ? ` ${i.unit}` : ''}${w.en ? ')' : '）'}` })) },
        ],
      },
      {
        id: 'values', title: w('stepValues'), description: w('stepValuesHelp'),
        fields: [{
          key: 'grid', label: w('gridValues'), input: 'grid',
          columns: [
            { key: 'name', label: w('level3'), input: 'readonly' }, { key: 'direction', label: w('direction'), input: 'readonly' }, { key: 'unit', label: w('unitShort'), input: 'readonly' },
            { key: 'annual', label: w('annual'), input: 'text' }, { key: 'total', label: w('total'), input: 'text' }, { key: 'weight', label: w('weight'), input: 'number' },
          ],
          rows: (targets?.lines ?? []).map((l) => ({ _id: l.indicatorId, name: l.name, direction: w.direction(l.direction), unit: l.unit, annual: String(l.annual), total: l.total === null ? '' : String(l.total), weight: l.weight })),
        }],
      },
      { id: 'confirm', title: w('stepConfirm'), description: w('stepConfirmHelp'), fields: [{ key: 'note', label: w('noteOptional'), input: 'textarea', maxLength: 1000 }] },
    ],
  };
}

export function projectList(w: Words, projects: ProjectRecord[], targets: Map<number, TargetsDoc>, year: number): ViewBlock {
  const lines = projects.map((p) => `- [${projectLabel(p)}](?projectId=${p.id}&year=${year}) — ${targets.has(p.id) ? w('targetsSet', { count: targets.get(p.id)!.lines.length }) : w('targetsUnset')}`);
  return { type: 'markdown', text: `### ${w('projectsOfYear', { year })}\n\n${lines.join('\n') || w('noProjects')}` };
}

// ------------------------------------------------------------------ monitoring

export function monitoringForm(w: Words, projectId: number, year: number, month: number, targets: TargetsDoc, values: ReturnType<typeof latestValues>): ViewBlock {
  return {
    type: 'form', title: w('monitorTitle', { year, month }), submit: `projects/${projectId}/monitoring`, submitLabel: w('monitorSubmit'),
    fields: [
      { key: 'year', label: w('year'), input: 'number', required: true, value: year },
      { key: 'month', label: w('throughMonth'), input: 'number', required: true, value: month, min: 1, max: 12 },
      {
        key: 'values', label: w('monitorValues'), input: 'grid', help: w('monitorHelp'),
        columns: [
          { key: 'name', label: w('level3'), input: 'readonly' }, { key: 'annual', label: w('annual'), input: 'readonly' },
          { key: 'actual', label: w('actualToDate'), input: 'number' }, { key: 'projected', label: w('projected'), input: 'number' }, { key: 'note', label: w('note'), input: 'text' },
        ],
        rows: targets.lines.filter((l) => l.direction !== 'qual' && !l.auto).map((l) => {
          const v = values.get(l.indicatorId);
          return { _id: l.indicatorId, name: l.name, annual: `${DIRECTION_LABEL[l.direction]}${l.annual}${unitOf(l.unit)}`, actual: v?.source === 'manual' ? v.actual : null, projected: v?.source === 'manual' ? v.projected : null, note: v?.note ?? '' };
        }),
      },
    ],
  };
}

export interface BoardRow { project: ProjectRecord; targets: TargetsDoc; light: Light; executionRate: number | null; timeProgress: number | null; open: number; explained: number }

export function boardView(w: Words, rows: BoardRow[], warnings: Array<{ id: string; data: WarningDoc }>, year: number, roles: string[]): ViewSpec {
  const count = (l: Light) => rows.filter((r) => r.light === l).length;
  const active = warnings.filter((x) => x.data.status === 'open' || x.data.status === 'explained');
  const open = active.filter((x) => x.data.status === 'open');
  const blocks: ViewBlock[] = [
    { type: 'stat', label: w('boardProjects'), value: rows.length, format: 'number' },
    { type: 'stat', label: w('red'), value: count('red'), format: 'number', tone: count('red') ? 'bad' : 'normal' },
    { type: 'stat', label: w('yellow'), value: count('yellow'), format: 'number', tone: count('yellow') ? 'warn' : 'normal' },
    { type: 'stat', label: w('green'), value: count('green'), format: 'number', tone: 'good' },
    {
      type: 'table', title: w('boardTable', { year }),
      columns: [{ key: 'project', label: w('project') }, { key: 'light', label: w('light') }, { key: 'execution', label: w('execution'), format: 'percent' }, { key: 'time', label: w('timeProgress'), format: 'percent' }, { key: 'indicators', label: w('indicatorCount'), format: 'number' }, { key: 'open', label: w('openWarnings'), format: 'number' }, { key: 'explained', label: w('explained'), format: 'number' }],
      rows: rows.map((r) => ({ project: projectLabel(r.project), light: w.lightMark(r.light), execution: r.executionRate, time: r.timeProgress, indicators: r.targets.lines.length, open: r.open, explained: r.explained })),
    },
    {
      type: 'table', title: w('warningsTitle'),
      columns: [{ key: 'project', label: w('project') }, { key: 'name', label: w('indicator') }, { key: 'light', label: w('grade') }, { key: 'deviation', label: w('deviation') }, { key: 'expected', label: w('expected'), format: 'number' }, { key: 'value', label: w('actualOrProjected'), format: 'number' }, { key: 'status', label: w('status') }, { key: 'explanation', label: w('reason') }, { key: 'plan', label: w('plan') }],
      rows: active.slice(0, 1000).map((x) => ({
        _id: x.id, _actions: x.data.status === 'explained' ? 'close' : '',
        project: x.data.projectName, name: x.data.name, light: w.light(x.data.light), deviation: `${x.data.deviationPct}%`, expected: x.data.expected, value: x.data.value,
        status: x.data.status === 'open' ? w('statusOpen') : w('explained'), explanation: x.data.explanation, plan: x.data.plan,
      })),
      ...(can(roles, ['finance_officer', 'leader']) ? { actions: [{ id: 'close', label: w('closeWarning'), route: 'warnings/close', confirm: w('closeConfirm'), reason: 'optional' as const }] } : {}),
    },
  ];
  if (open.length && can(roles, ENTER_VALUES)) {
    blocks.push({
      type: 'form', title: w('explainTitle'), submit: 'warnings/explain', submitLabel: w('explainSubmit'),
      fields: [
        { key: 'id', label: w('warning'), input: 'select', required: true, options: open.slice(0, 200).map((x) => ({ value: x.id, label: w('warningOption', { project: x.data.projectName, name: x.data.name, light: w.light(x.data.light), pct: x.data.deviationPct }) })) },
        { key: 'explanation', label: w('reason'), input: 'textarea', required: true, maxLength: 2000, help: w('reasonHelp') },
        { key: 'plan', label: w('plan'), input: 'textarea', required: true, maxLength: 2000 },
      ],
    });
  }
  return { title: w('boardTitle'), blocks };
}

// ------------------------------------------------------------------ evaluation

export function evaluationTable(w: Words, e: EvaluationDoc): ViewBlock[] {
  return [
    { type: 'stat', label: w('evalScore'), value: e.total, format: 'number', tone: e.grade === 'poor' ? 'bad' : e.grade === 'excellent' ? 'good' : 'normal' },
    { type: 'stat', label: w('grade'), value: w.grade(e.grade), format: 'text' },
    { type: 'stat', label: w('execution'), value: e.execution.rate, format: 'percent' },
    {
      type: 'table', title: w('evalTable', { year: e.year, project: `${e.projectCode} ${e.projectName}` }),
      columns: [
        { key: 'level1', label: w('level1') }, { key: 'level2', label: w('level2') }, { key: 'name', label: w('level3') }, { key: 'target', label: w('annual') },
        { key: 'actual', label: w('actual') }, { key: 'points', label: w('points'), format: 'number' }, { key: 'score', label: w('score'), format: 'number' }, { key: 'note', label: w('evalNote') },
      ],
      rows: [
        { level1: w('execution'), level2: '', name: w('execLine', { budget: (e.execution.budget / 100).toFixed(2), paid: (e.execution.paid / 100).toFixed(2) }), target: '100%', actual: pct(e.execution.rate), points: e.execution.points, score: e.execution.score, note: w('execNote') },
        ...e.lines.map((l) => ({ level1: w.level1(l.level1), level2: w.level2(l.level2), name: l.name, target: `${l.direction === 'qual' ? '' : DIRECTION_LABEL[l.direction]}${l.target}${unitOf(l.unit)}`, actual: l.actual === null ? '—' : String(l.actual), points: l.points, score: l.score, note: l.note })),
        { level1: w('totalScore'), level2: '', name: '', target: '', actual: '', points: 100, score: e.total, note: w('gradeNote', { grade: w.grade(e.grade) }) },
      ],
    },
    { type: 'markdown', text: `${w('rulesNote', { rule: w.reverseRule(e.reverseRule), e: e.weights.execution, o: e.weights.output, b: e.weights.benefit, s: e.weights.satisfaction })}${e.evidence.length ? `\n\n${w('evidenceNamed', { list: e.evidence.map((x) => x.name + (x.ref ? (w.en ? ` (${x.ref})` : `（${x.ref}）`) : '')).join(w.en ? '; ' : '；') })}` : ''}` },
  ];
}

export function evaluationForm(w: Words, projectId: number, year: number, targets: TargetsDoc, latest: ReturnType<typeof latestValues>, previous: EvaluationDoc | null): ViewBlock {
  const qual = targets.lines.filter((l) => l.direction === 'qual');
  return {
    type: 'wizard', title: w('evalWizard'), submit: `projects/${projectId}/self-evaluation`, submitLabel: w('evalSubmit'),
    steps: [
      {
        id: 'actuals', title: w('stepActuals'), description: w('stepActualsHelp'),
        fields: [
          { key: 'year', label: w('year'), input: 'number', required: true, value: year },
          {
            key: 'actuals', label: w('quantitative'), input: 'grid',
            columns: [{ key: 'name', label: w('level3'), input: 'readonly' }, { key: 'target', label: w('annual'), input: 'readonly' }, { key: 'actual', label: w('actual'), input: 'number' }],
            rows: targets.lines.filter((l) => l.direction !== 'qual').map((l) => ({ _id: l.indicatorId, name: l.name, target: `${DIRECTION_LABEL[l.direction]}${l.annual}${unitOf(l.unit)}`, actual: latest.get(l.indicatorId)?.actual ?? null })),
          },
        ],
      },
      {
        id: 'qualitative', title: w('stepQual'), description: w('stepQualHelp'),
        fields: qual.length ? [{
          key: 'qualitative', label: w('qualitative'), input: 'grid',
          columns: [
            { key: 'name', label: w('level3'), input: 'readonly' },
            { key: 'grade', label: w('assessment'), input: 'select', options: Object.keys(QUAL_BANDS).map((value) => ({ value, label: w.qualBand(value as QualGrade) })) },
            { key: 'pct', label: w('pctOfPoints'), input: 'number' }, { key: 'reason', label: w('why'), input: 'text' },
          ],
          rows: qual.map((l) => ({ _id: l.indicatorId, name: l.name, grade: previous?.qualitative[l.indicatorId]?.grade ?? '', pct: previous?.qualitative[l.indicatorId]?.pct ?? null, reason: previous?.qualitative[l.indicatorId]?.reason ?? '' })),
        }] : [],
      },
      {
        id: 'evidence', title: w('stepEvidence'),
        fields: [{ key: 'evidence', label: w('evidenceText'), input: 'textarea', maxLength: 5000, value: (previous?.evidence ?? []).map((x) => x.name).join('\n'), help: w('evidenceTextHelp') }],
      },
    ],
  };
}

/** The project's evidence files (name, size, uploader, time) with a download each, and the upload form for those who may. */
export function evidenceBlocks(w: Words, projectId: number, year: number, files: Array<{ id: string } & EvidenceDoc>, roles: string[]): ViewBlock[] {
  const editor = can(roles, EDIT_EVIDENCE);
  const blocks: ViewBlock[] = [{
    type: 'table', title: w('evidenceFiles'),
    columns: [{ key: 'name', label: w('fileName') }, { key: 'size', label: w('size'), format: 'number' }, { key: 'by', label: w('uploader') }, { key: 'at', label: w('uploadedAt'), format: 'date' }],
    rows: files.map((f) => ({ _id: f.id, ...(editor ? { _actions: 'delete' } : {}), name: f.name, size: Math.round((f.size / 1024) * 10) / 10, by: f.by, at: f.at })),
    ...(editor ? { actions: [{ id: 'delete', label: w('delete'), route: `projects/${projectId}/evidence/delete`, confirm: w('deleteFileConfirm'), tone: 'danger' as const }] } : {}),
  }];
  for (const f of files.slice(0, 20)) blocks.push({ type: 'download', label: w('downloadOne', { name: f.name }), route: `projects/${projectId}/evidence/${f.id}` });
  if (editor && files.length < EVIDENCE_MAX_FILES) {
    blocks.push({
      type: 'form', title: w('uploadTitle'), submit: `projects/${projectId}/evidence`, submitLabel: w('upload'),
      fields: [
        { key: 'year', label: w('year'), input: 'number', required: true, value: year },
        { key: 'file', label: w('file'), input: 'file', required: true, accept: EVIDENCE_ACCEPT, help: w('uploadHelp', { kb: EVIDENCE_MAX_BYTES / 1024, count: EVIDENCE_MAX_FILES }) },
      ],
    });
  }
  return blocks;
}

// ------------------------------------------------------------------ matching

export function matchingBlocks(w: Words, report: ReturnType<typeof matchingOf> & { work?: WorkPoint[] }, title: string): ViewBlock[] {
  const month = (m: number) => w('monthN', { month: m });
  const blocks: ViewBlock[] = [
    { type: 'stat', label: w('degree'), value: report.degree === null ? w('noWork') : `${report.degree.toFixed(2)}%`, format: 'text', tone: report.degree === null ? 'normal' : report.degree >= 85 ? 'good' : report.degree >= 70 ? 'warn' : 'bad' },
    { type: 'stat', label: w('mismatchMonths'), value: report.mismatches.length, format: 'number', tone: report.mismatches.length ? 'warn' : 'good' },
    { type: 'line', title, x: report.months.map((m) => month(m.month)), series: [{ name: w('moneySeries'), data: report.months.map((m) => m.moneyPct) }, { name: w('workSeries'), data: report.months.map((m) => m.workPct ?? 0) }] },
    {
      type: 'table', title: w('byMonth'),
      columns: [{ key: 'month', label: w('month') }, { key: 'paid', label: w('paidInMonth'), format: 'fen' }, { key: 'money', label: w('moneyCum') }, { key: 'work', label: w('work') }, { key: 'gap', label: w('gap') }],
      rows: report.months.map((m) => ({ month: month(m.month), paid: m.paid, money: `${m.moneyPct}%`, work: m.workPct === null ? '—' : `${m.workPct}%`, gap: m.gap === null ? '—' : String(m.gap) })),
    },
  ];
  if (report.mismatches.length) {
    blocks.push({
      type: 'table', title: w('mismatches'),
      columns: [{ key: 'month', label: w('month') }, { key: 'kind', label: w('kind') }, { key: 'money', label: w('money') }, { key: 'work', label: w('work') }, { key: 'gap', label: w('gap') }],
      rows: report.mismatches.map((m) => ({ month: month(m.month), kind: w.mismatch(m.kind), money: `${m.moneyPct}%`, work: `${m.workPct}%`, gap: String(m.gap) })),
    });
  }
  if (report.work?.length) {
    blocks.push({
      type: 'table', title: w('workRecords'),
      columns: [{ key: 'date', label: w('date') }, { key: 'pct', label: w('done'), format: 'number' }, { key: 'source', label: w('source') }],
      rows: [...report.work].sort((a, b) => a.date.localeCompare(b.date)).slice(-100).map((p) => ({ date: p.date, pct: Math.round(p.pct * 100) / 100, source: p.source })),
    });
  }
  return blocks;
}

export function milestoneForm(w: Words, projectId: number): ViewBlock {
  return {
    type: 'form', title: w('milestoneTitle'), submit: `projects/${projectId}/milestones`, submitLabel: w('milestoneSubmit'),
    fields: [
      { key: 'date', label: w('asOfDate'), input: 'date', required: true },
      { key: 'pct', label: w('pctOfPlan'), input: 'number', required: true, min: 0, max: 100 },
      { key: 'note', label: w('milestoneNote'), input: 'text', maxLength: 500 },
    ],
  };
}
