import type { HostApi, ProjectRecord, ViewBlock, ViewSpec } from '@unibudget/sdk';
import { SETS } from './data/library.js';
import { filterIndicators } from './library.js';
import { MISMATCH_LABEL } from './matching.js';
import { QUAL_BANDS, REVERSE_RULE_LABEL } from './scoring.js';
import { latestEvaluation, type EvaluationDoc } from './evaluation.js';
import { getTargets, latestValues, matchingOf, monitoringDocs, projectPayments, workPoints, type MilestoneDoc, type WarningDoc } from './service.js';
import { all } from './store.js';
import type { Settings } from './settings.js';
import { DIRECTION_LABEL, GRADE_LABEL, LEVEL1, LEVEL2, LIGHT_LABEL, METHOD_LABEL, SECTORS, type Indicator, type Light, type TargetsDoc } from './types.js';

/** The plugin's screens as view specs (the web app renders them; nothing here runs in the browser). */

const LIGHT_MARK: Record<Light, string> = { green: '🟢 绿', yellow: '🟡 黄', red: '🔴 红' };
const pct = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;
const can = (roles: string[], allowed: string[]) => roles.some((r) => allowed.includes(r));
export const EDIT_TARGETS = ['finance_officer', 'department_head', 'business_staff', 'unit_admin'];
export const ENTER_VALUES = ['finance_officer', 'department_head', 'business_staff'];
export const EVALUATE = ['finance_officer', 'department_head', 'leader'];
export const EDIT_LIBRARY = ['unit_admin', 'finance_officer', 'plugin_developer'];
const projectLabel = (p: { code: string; name: string }) => `${p.code} ${p.name}`;

// ------------------------------------------------------------------ library

export function libraryView(library: Indicator[], log: Array<Record<string, unknown>>, filter: Record<string, string>, roles: string[]): ViewSpec {
  const shown = filterIndicators(library, filter);
  const blocks: ViewBlock[] = [
    { type: 'stat', label: '指标总数', value: library.length, format: 'number' },
    { type: 'stat', label: '本单位自建', value: library.filter((i) => i.origin === 'unit').length, format: 'number' },
    { type: 'stat', label: '当前筛选', value: shown.length, format: 'number' },
    {
      type: 'form', title: '筛选', submit: 'indicators/filter', submitLabel: '筛选',
      fields: [
        { key: 'sector', label: '行业', input: 'select', value: filter.sector ?? '', options: [{ value: '', label: '全部' }, ...Object.entries(SECTORS).map(([value, l]) => ({ value, label: l.zh }))] },
        { key: 'level', label: '指标层级', input: 'select', value: filter.level ?? '', options: [{ value: '', label: '全部' }, ...Object.entries(LEVEL1).map(([value, l]) => ({ value, label: `一级：${l.zh}` })), ...Object.entries(LEVEL2).map(([value, l]) => ({ value, label: `二级：${LEVEL1[l.level1].zh} › ${l.zh}` }))] },
      ],
    },
    {
      type: 'table', title: '指标',
      columns: [
        { key: 'id', label: '编码' }, { key: 'sector', label: '行业' }, { key: 'level1', label: '一级指标' }, { key: 'level2', label: '二级指标' },
        { key: 'name', label: '三级指标' }, { key: 'unit', label: '计量单位' }, { key: 'direction', label: '方向' }, { key: 'dataSource', label: '数据来源' },
        { key: 'method', label: '评分方法' }, { key: 'version', label: '版本', format: 'number' },
      ],
      rows: shown.slice(0, 1000).map((i) => ({
        _id: i.id, _actions: i.origin === 'unit' ? 'delete' : '',
        id: i.id, sector: SECTORS[i.sector]?.zh ?? i.sector, level1: LEVEL1[i.level1].zh, level2: LEVEL2[i.level2].zh, name: i.name, unit: i.unit,
        direction: DIRECTION_LABEL[i.direction], dataSource: i.dataSource, method: METHOD_LABEL[i.method].split('：')[0]!, version: i.version,
      })),
      ...(can(roles, EDIT_LIBRARY) ? { actions: [{ id: 'delete', label: '删除', route: 'indicators/delete', confirm: '删除这项本单位指标？已设置的项目目标不受影响。', reason: 'optional' as const, tone: 'danger' as const }] } : {}),
    },
    { type: 'download', label: '导出全部（xlsx）', route: 'library/export', query: { format: 'xlsx', scope: 'all' } },
    { type: 'download', label: '导出本单位指标（JSON）', route: 'library/export', query: { format: 'json', scope: 'unit' } },
  ];
  if (can(roles, EDIT_LIBRARY)) {
    blocks.push({
      type: 'form', title: '新增或修改本单位指标', submit: 'indicators', submitLabel: '保存',
      fields: [
        { key: 'id', label: '编码（修改时填写，新增留空）', input: 'text', maxLength: 40 },
        { key: 'name', label: '三级指标名称', input: 'text', required: true, maxLength: 100 },
        { key: 'level2', label: '二级指标', input: 'select', required: true, options: Object.entries(LEVEL2).map(([value, l]) => ({ value, label: `${LEVEL1[l.level1].zh} › ${l.zh}` })) },
        { key: 'direction', label: '指标方向', input: 'select', required: true, options: Object.entries(DIRECTION_LABEL).map(([value, label]) => ({ value, label: value === 'qual' ? '定性（达成/部分达成/未达成）' : label })) },
        { key: 'unit', label: '计量单位', input: 'text', maxLength: 20, help: '如 %、人、元/人；定性指标可不填' },
        { key: 'sector', label: '行业', input: 'select', value: 'custom', options: Object.entries(SECTORS).map(([value, l]) => ({ value, label: l.zh })) },
        { key: 'dataSource', label: '数据来源', input: 'text', maxLength: 200 },
      ],
    });
    blocks.push({
      type: 'form', title: '导入指标（本插件导出的 xlsx 或 JSON）', submit: 'library/import', submitLabel: '导入',
      fields: [{ key: 'file', label: '文件', input: 'file', accept: '.xlsx,.json', required: true, help: `每次最多 300 项；起始指标库中的编码会跳过` }],
    });
  }
  blocks.push({
    type: 'table', title: '修改记录（最近 50 条）',
    columns: [{ key: 'at', label: '时间', format: 'date' }, { key: 'indicatorId', label: '编码' }, { key: 'version', label: '版本', format: 'number' }, { key: 'action', label: '操作' }, { key: 'by', label: '操作人' }, { key: 'name', label: '指标' }],
    rows: log.slice(0, 50).map((l) => ({ at: String(l.at ?? ''), indicatorId: String(l.indicatorId ?? ''), version: Number(l.version ?? 0), action: String(l.action ?? ''), by: String(l.by ?? ''), name: String(((l.after ?? l.before) as { name?: string } | null)?.name ?? '') })),
  });
  blocks.push({ type: 'markdown', text: `### 指标来源\n\n${SETS.map((s) => `- **${s.name.zh}**（${s.rows.length} 项，${s.basis === 'published' ? '名称取自所引文件' : '按框架类别编写'}）：${s.source}`).join('\n')}` });
  return { title: '绩效指标库', blocks };
}

// ------------------------------------------------------------------ targets

export function targetsTable(targets: TargetsDoc | null): ViewBlock {
  return {
    type: 'table', title: targets ? `绩效目标（${targets.year} 年度，第 ${targets.version} 版，${targets.by}）` : '绩效目标（未设置）',
    columns: [
      { key: 'level1', label: '一级指标' }, { key: 'level2', label: '二级指标' }, { key: 'name', label: '三级指标' }, { key: 'direction', label: '方向' },
      { key: 'annual', label: '年度指标值' }, { key: 'total', label: '总体指标值' }, { key: 'unit', label: '单位' }, { key: 'weight', label: '权重（%）', format: 'number' },
    ],
    rows: (targets?.lines ?? []).map((l) => ({ level1: LEVEL1[l.level1].zh, level2: LEVEL2[l.level2].zh, name: l.name, direction: DIRECTION_LABEL[l.direction], annual: String(l.annual), total: l.total === null ? '' : String(l.total), unit: l.unit, weight: l.weight })),
  };
}

/** The wizard: pick indicators, set annual and total values and weights, confirm. */
export function targetsWizard(project: ProjectRecord, year: number, library: Indicator[], targets: TargetsDoc | null, sector: string | undefined): ViewBlock {
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
    type: 'wizard', title: `设置绩效目标：${projectLabel(project)}`, submit: `projects/${project.id}/targets`, submitLabel: '保存绩效目标',
    steps: [
      {
        id: 'pick', title: '选择绩效指标', description: '从指标库中选择本项目的绩效指标（产出、效益、满意度、成本）。',
        fields: [
          { key: 'year', label: '年度', input: 'number', required: true, value: year, min: 2000, max: 2100 },
          { key: 'indicators', label: '绩效指标', input: 'multiselect', required: true, value: [...current], options: ordered.map((i) => ({ value: i.id, label: `${LEVEL2[i.level2].zh} · ${i.name}（${DIRECTION_LABEL[i.direction]}${i.unit && i.unit !== '—' ? ` ${i.unit}` : ''}）` })) },
        ],
      },
      {
        id: 'values', title: '目标值与权重', description: '填写年度和总体指标值、权重（合计100%）。新选的指标在保存后出现在此表中，未填权重的新指标平分剩余权重。',
        fields: [{
          key: 'grid', label: '指标值与权重', input: 'grid',
          columns: [
            { key: 'name', label: '三级指标', input: 'readonly' }, { key: 'direction', label: '方向', input: 'readonly' }, { key: 'unit', label: '单位', input: 'readonly' },
            { key: 'annual', label: '年度指标值', input: 'text' }, { key: 'total', label: '总体指标值', input: 'text' }, { key: 'weight', label: '权重（%）', input: 'number' },
          ],
          rows: (targets?.lines ?? []).map((l) => ({ _id: l.indicatorId, name: l.name, direction: DIRECTION_LABEL[l.direction], unit: l.unit, annual: String(l.annual), total: l.total === null ? '' : String(l.total), weight: l.weight })),
        }],
      },
      {
        id: 'confirm', title: '确认', description: '保存后目标显示在项目页面；定性指标的年度指标值填写预期（如“达成预期”）。',
        fields: [{ key: 'note', label: '说明（可选）', input: 'textarea', maxLength: 1000 }],
      },
    ],
  };
}

export function projectList(projects: ProjectRecord[], targets: Map<number, TargetsDoc>, year: number): ViewBlock {
  return {
    type: 'markdown',
    text: `### 项目（${year} 年度）\n\n${projects.map((p) => `- [${projectLabel(p)}](?projectId=${p.id}&year=${year}) — ${targets.has(p.id) ? `已设 ${targets.get(p.id)!.lines.length} 项指标` : '未设置绩效目标'}`).join('\n') || '（没有项目）'}`,
  };
}

// ------------------------------------------------------------------ monitoring

export function monitoringForm(projectId: number, year: number, month: number, targets: TargetsDoc, values: ReturnType<typeof latestValues>): ViewBlock {
  return {
    type: 'form', title: `填报监控值（截至 ${year} 年 ${month} 月）`, submit: `projects/${projectId}/monitoring`, submitLabel: '保存监控值',
    fields: [
      { key: 'year', label: '年度', input: 'number', required: true, value: year },
      { key: 'month', label: '截至月份', input: 'number', required: true, value: month, min: 1, max: 12 },
      {
        key: 'values', label: '监控值', input: 'grid', help: '定量指标填写截至目前完成值和全年预计完成值；偏离目标的指标会产生预警，须说明原因和整改措施。',
        columns: [
          { key: 'name', label: '三级指标', input: 'readonly' }, { key: 'annual', label: '年度指标值', input: 'readonly' },
          { key: 'actual', label: '截至目前完成值', input: 'number' }, { key: 'projected', label: '全年预计完成值', input: 'number' }, { key: 'note', label: '说明', input: 'text' },
        ],
        rows: targets.lines.filter((l) => l.direction !== 'qual' && !l.auto).map((l) => {
          const v = values.get(l.indicatorId);
          return { _id: l.indicatorId, name: l.name, annual: `${DIRECTION_LABEL[l.direction]}${l.annual}${l.unit === '—' ? '' : l.unit}`, actual: v?.source === 'manual' ? v.actual : null, projected: v?.source === 'manual' ? v.projected : null, note: v?.note ?? '' };
        }),
      },
    ],
  };
}

export interface BoardRow { project: ProjectRecord; targets: TargetsDoc; light: Light; executionRate: number | null; timeProgress: number | null; open: number; explained: number }

export function boardView(rows: BoardRow[], warnings: Array<{ id: string; data: WarningDoc }>, year: number, roles: string[]): ViewSpec {
  const count = (l: Light) => rows.filter((r) => r.light === l).length;
  const active = warnings.filter((w) => w.data.status === 'open' || w.data.status === 'explained');
  const open = active.filter((w) => w.data.status === 'open');
  const blocks: ViewBlock[] = [
    { type: 'stat', label: '设置目标的项目', value: rows.length, format: 'number' },
    { type: 'stat', label: '红灯', value: count('red'), format: 'number', tone: count('red') ? 'bad' : 'normal' },
    { type: 'stat', label: '黄灯', value: count('yellow'), format: 'number', tone: count('yellow') ? 'warn' : 'normal' },
    { type: 'stat', label: '绿灯', value: count('green'), format: 'number', tone: 'good' },
    {
      type: 'table', title: `监控看板（${year} 年度）`,
      columns: [{ key: 'project', label: '项目' }, { key: 'light', label: '信号灯' }, { key: 'execution', label: '预算执行率', format: 'percent' }, { key: 'time', label: '序时进度', format: 'percent' }, { key: 'indicators', label: '指标数', format: 'number' }, { key: 'open', label: '待说明预警', format: 'number' }, { key: 'explained', label: '已说明', format: 'number' }],
      rows: rows.map((r) => ({ project: projectLabel(r.project), light: LIGHT_MARK[r.light], execution: r.executionRate, time: r.timeProgress, indicators: r.targets.lines.length, open: r.open, explained: r.explained })),
    },
    {
      type: 'table', title: '偏离预警',
      columns: [{ key: 'project', label: '项目' }, { key: 'name', label: '指标' }, { key: 'light', label: '等级' }, { key: 'deviation', label: '偏离度' }, { key: 'expected', label: '应达值', format: 'number' }, { key: 'value', label: '实际/预计值', format: 'number' }, { key: 'status', label: '状态' }, { key: 'explanation', label: '偏差原因' }, { key: 'plan', label: '整改措施' }],
      rows: active.slice(0, 1000).map((w) => ({
        _id: w.id, _actions: w.data.status === 'explained' ? 'close' : '',
        project: w.data.projectName, name: w.data.name, light: LIGHT_LABEL[w.data.light], deviation: `${w.data.deviationPct}%`, expected: w.data.expected, value: w.data.value,
        status: w.data.status === 'open' ? '待说明' : '已说明', explanation: w.data.explanation, plan: w.data.plan,
      })),
      ...(can(roles, ['finance_officer', 'leader']) ? { actions: [{ id: 'close', label: '关闭预警', route: 'warnings/close', confirm: '偏差原因和整改措施已落实，关闭这条预警？', reason: 'optional' as const }] } : {}),
    },
  ];
  if (open.length && can(roles, ENTER_VALUES)) {
    blocks.push({
      type: 'form', title: '说明偏差原因并提出整改措施', submit: 'warnings/explain', submitLabel: '提交说明',
      fields: [
        { key: 'id', label: '预警', input: 'select', required: true, options: open.slice(0, 200).map((w) => ({ value: w.id, label: `${w.data.projectName} · ${w.data.name}（${LIGHT_LABEL[w.data.light]}，偏离${w.data.deviationPct}%）` })) },
        { key: 'explanation', label: '偏差原因', input: 'textarea', required: true, maxLength: 2000, help: '如经费保障、制度保障、人员保障、硬件条件保障等方面的原因' },
        { key: 'plan', label: '整改措施', input: 'textarea', required: true, maxLength: 2000 },
      ],
    });
  }
  return { title: '绩效监控看板', blocks };
}

// ------------------------------------------------------------------ evaluation

export function evaluationTable(e: EvaluationDoc): ViewBlock[] {
  return [
    { type: 'stat', label: '自评总分', value: e.total, format: 'number', tone: e.grade === 'poor' ? 'bad' : e.grade === 'excellent' ? 'good' : 'normal' },
    { type: 'stat', label: '等级', value: GRADE_LABEL[e.grade], format: 'text' },
    { type: 'stat', label: '预算执行率', value: e.execution.rate, format: 'percent' },
    {
      type: 'table', title: `项目支出绩效自评表（${e.year} 年度）：${e.projectCode} ${e.projectName}`,
      columns: [
        { key: 'level1', label: '一级指标' }, { key: 'level2', label: '二级指标' }, { key: 'name', label: '三级指标' }, { key: 'target', label: '年度指标值' },
        { key: 'actual', label: '实际完成值' }, { key: 'points', label: '分值', format: 'number' }, { key: 'score', label: '得分', format: 'number' }, { key: 'note', label: '偏差原因分析及改进措施 / 计分说明' },
      ],
      rows: [
        { level1: '预算执行率', level2: '', name: `全年预算数 ${(e.execution.budget / 100).toFixed(2)} 元，全年执行数 ${(e.execution.paid / 100).toFixed(2)} 元`, target: '100%', actual: pct(e.execution.rate), points: e.execution.points, score: e.execution.score, note: '执行率×分值，最高得满分' },
        ...e.lines.map((l) => ({ level1: LEVEL1[l.level1].zh, level2: LEVEL2[l.level2 as keyof typeof LEVEL2]?.zh ?? l.level2, name: l.name, target: `${DIRECTION_LABEL[l.direction] === '定性' ? '' : DIRECTION_LABEL[l.direction]}${l.target}${l.unit === '—' ? '' : l.unit}`, actual: l.actual === null ? '—' : String(l.actual), points: l.points, score: l.score, note: l.note })),
        { level1: '总分', level2: '', name: '', target: '', actual: '', points: 100, score: e.total, note: `等级：${GRADE_LABEL[e.grade]}（优≥90，良80–90，中60–80，差<60）` },
      ],
    },
    { type: 'markdown', text: `反向指标计分：${REVERSE_RULE_LABEL[e.reverseRule]}。一级权重：预算执行率 ${e.weights.execution}%，产出 ${e.weights.output}%，效益 ${e.weights.benefit}%，满意度 ${e.weights.satisfaction}%（成本指标计入产出）。${e.evidence.length ? `\n\n**佐证材料**：${e.evidence.map((x) => x.name + (x.ref ? `（${x.ref}）` : '')).join('；')}` : ''}` },
  ];
}

export function evaluationForm(projectId: number, year: number, targets: TargetsDoc, latest: ReturnType<typeof latestValues>, previous: EvaluationDoc | null): ViewBlock {
  const qual = targets.lines.filter((l) => l.direction === 'qual');
  return {
    type: 'wizard', title: '开展绩效自评', submit: `projects/${projectId}/self-evaluation`, submitLabel: '计算并保存自评',
    steps: [
      {
        id: 'actuals', title: '实际完成值', description: '默认取最近一次监控值；可按年末实际修改。执行数取自账务。',
        fields: [
          { key: 'year', label: '年度', input: 'number', required: true, value: year },
          {
            key: 'actuals', label: '定量指标', input: 'grid',
            columns: [{ key: 'name', label: '三级指标', input: 'readonly' }, { key: 'target', label: '年度指标值', input: 'readonly' }, { key: 'actual', label: '实际完成值', input: 'number' }],
            rows: targets.lines.filter((l) => l.direction !== 'qual').map((l) => ({ _id: l.indicatorId, name: l.name, target: `${DIRECTION_LABEL[l.direction]}${l.annual}${l.unit === '—' ? '' : l.unit}`, actual: latest.get(l.indicatorId)?.actual ?? null })),
          },
        ],
      },
      {
        id: 'qualitative', title: '定性指标评定', description: '达成 80–100%、部分达成 60–80%、未达成 0–60%（占该指标分值），须说明理由。',
        fields: qual.length ? [{
          key: 'qualitative', label: '定性指标', input: 'grid',
          columns: [
            { key: 'name', label: '三级指标', input: 'readonly' },
            { key: 'grade', label: '评定', input: 'select', options: Object.entries(QUAL_BANDS).map(([value, b]) => ({ value, label: b.label })) },
            { key: 'pct', label: '得分比例（%）', input: 'number' }, { key: 'reason', label: '理由', input: 'text' },
          ],
          rows: qual.map((l) => ({ _id: l.indicatorId, name: l.name, grade: previous?.qualitative[l.indicatorId]?.grade ?? '', pct: previous?.qualitative[l.indicatorId]?.pct ?? null, reason: previous?.qualitative[l.indicatorId]?.reason ?? '' })),
        }] : [],
      },
      {
        id: 'evidence', title: '佐证材料',
        fields: [{ key: 'evidence', label: '佐证材料（每行一项：名称）', input: 'textarea', maxLength: 5000, value: (previous?.evidence ?? []).map((x) => x.name).join('\n'), help: '记录材料名称、编号或存放位置（只记元数据，不上传文件）' }],
      },
    ],
  };
}

// ------------------------------------------------------------------ matching

export function matchingBlocks(report: ReturnType<typeof matchingOf>, title: string): ViewBlock[] {
  const blocks: ViewBlock[] = [
    { type: 'stat', label: '匹配度', value: report.degree === null ? '无业务进度数据' : `${report.degree.toFixed(2)}%`, format: 'text', tone: report.degree === null ? 'normal' : report.degree >= 85 ? 'good' : report.degree >= 70 ? 'warn' : 'bad' },
    { type: 'stat', label: '不匹配月份', value: report.mismatches.length, format: 'number', tone: report.mismatches.length ? 'warn' : 'good' },
    { type: 'line', title, x: report.months.map((m) => `${m.month}月`), series: [{ name: '资金支付进度（%）', data: report.months.map((m) => m.moneyPct) }, { name: '业务完成进度（%）', data: report.months.map((m) => m.workPct ?? 0) }] },
    {
      type: 'table', title: '按月对照',
      columns: [{ key: 'month', label: '月份' }, { key: 'paid', label: '当月支付（元）', format: 'fen' }, { key: 'money', label: '累计资金进度' }, { key: 'work', label: '业务进度' }, { key: 'gap', label: '差（百分点）' }],
      rows: report.months.map((m) => ({ month: `${m.month}月`, paid: m.paid, money: `${m.moneyPct}%`, work: m.workPct === null ? '—' : `${m.workPct}%`, gap: m.gap === null ? '—' : String(m.gap) })),
    },
  ];
  if (report.mismatches.length) {
    blocks.push({
      type: 'table', title: '不匹配事项',
      columns: [{ key: 'month', label: '月份' }, { key: 'kind', label: '类型' }, { key: 'money', label: '资金进度' }, { key: 'work', label: '业务进度' }, { key: 'gap', label: '差（百分点）' }],
      rows: report.mismatches.map((m) => ({ month: `${m.month}月`, kind: MISMATCH_LABEL[m.kind], money: `${m.moneyPct}%`, work: `${m.workPct}%`, gap: String(m.gap) })),
    });
  }
  return blocks;
}

export function milestoneForm(projectId: number): ViewBlock {
  return {
    type: 'form', title: '记录业务进度', submit: `projects/${projectId}/milestones`, submitLabel: '保存进度',
    fields: [
      { key: 'date', label: '截至日期', input: 'date', required: true },
      { key: 'pct', label: '完成年度计划（%）', input: 'number', required: true, min: 0, max: 100 },
      { key: 'note', label: '进度说明（里程碑）', input: 'text', maxLength: 500 },
    ],
  };
}

// ------------------------------------------------------------------ helpers used by several views

export async function boardRows(host: HostApi, year: number, projects: ProjectRecord[]): Promise<{ rows: BoardRow[]; warnings: Array<{ id: string; data: WarningDoc }> }> {
  const targets = (await all<TargetsDoc>(host, 'targets', { year })).map((d) => d.data);
  const warnings = (await all<WarningDoc>(host, 'warnings', { year })).map((d) => ({ id: d.id, data: d.data }));
  const monitoring = (await all<Record<string, unknown>>(host, 'monitoring', { year })).map((d) => d.data as unknown as { projectId: number; month: number; ledger: { executionRate: number; timeProgress: number } });
  const byId = new Map(projects.map((p) => [p.id, p]));
  const rows: BoardRow[] = [];
  for (const t of targets) {
    const project = byId.get(t.projectId);
    if (!project) continue;
    const mine = warnings.filter((w) => w.data.projectId === t.projectId && (w.data.status === 'open' || w.data.status === 'explained'));
    const latest = monitoring.filter((m) => m.projectId === t.projectId).sort((a, b) => b.month - a.month)[0];
    const light: Light = mine.some((w) => w.data.light === 'red') ? 'red' : mine.some((w) => w.data.light === 'yellow') ? 'yellow' : 'green';
    rows.push({ project, targets: t, light, executionRate: latest?.ledger.executionRate ?? null, timeProgress: latest?.ledger.timeProgress ?? null, open: mine.filter((w) => w.data.status === 'open').length, explained: mine.filter((w) => w.data.status === 'explained').length });
  }
  const order: Record<Light, number> = { red: 0, yellow: 1, green: 2 };
  rows.sort((a, b) => order[a.light] - order[b.light] || a.project.code.localeCompare(b.project.code));
  return { rows, warnings };
}

/** A project's matching report for a year, from the ledger, its monitoring values and its milestone records. */
export async function projectMatching(host: HostApi, projectId: number, year: number, throughMonth: number, settings: Settings) {
  const [targets, monitoring, milestones, ledger] = await Promise.all([
    getTargets(host, projectId, year), monitoringDocs(host, projectId, year),
    all<MilestoneDoc>(host, 'milestones', { projectId }).then((d) => d.map((x) => x.data)),
    projectPayments(host, year, new Set([projectId])),
  ]);
  return matchingOf({ year, money: ledger.money.get(projectId) ?? { budget: 0, paid: 0 }, payments: ledger.byProject.get(projectId) ?? [], work: workPoints(targets, monitoring, milestones), throughMonth, tolerancePct: settings.matchTolerancePct });
}

export async function feedbackBlocks(host: HostApi, projectId: number, year: number): Promise<ViewBlock[]> {
  const e = await latestEvaluation(host, projectId, year);
  if (!e) return [{ type: 'markdown', text: `该项目在 ${year} 年度之前没有绩效自评结果。` }];
  return [
    { type: 'markdown', text: `**${e.year} 年度绩效自评**：${e.total} 分，等级 **${GRADE_LABEL[e.grade]}**${e.grade === 'poor' ? '。按单位规则，评价为“差”的项目申报新增资金时将被提示或不予提交。' : '。'}` },
    ...evaluationTable(e).slice(0, 4),
  ];
}
