import { view, type HostApi, type ViewBlock, type ViewSpec } from '@unibudget/sdk';
import { cumulative, emptyYear, sum } from './aggregate.js';
import { loadContext, membersOf, responsibleIn, type Context } from './engine.js';
import { forecastIndicators, unitSeries } from './forecast.js';
import { simulate, type ScenarioParams, type ScenarioResult } from './simulation.js';
import { classGroup, classGroupName, structureByYear } from './structure.js';
import { GRADE_COLOR, GRADE_LABEL, GRADE_RANK, MONITOR_LABEL, yuanAmount, type Grade, type MonitorKind } from './types.js';
import { STATUS_LABEL, type WarningDoc, type WarningStatus } from './warnings.js';
import { t, type Lang } from './texts.js';

const stat = (label: string, value: number | string, format: 'number' | 'fen' | 'percent' | 'text', tone: 'normal' | 'good' | 'warn' | 'bad' = 'normal'): ViewBlock =>
  ({ type: 'stat', label, value, format, tone });
const gradeText = (g: Grade, lang: Lang = 'zh-CN') => (lang === 'en' ? t(lang, '{grade}（{color}）', { grade: t(lang, GRADE_LABEL[g]), color: t(lang, GRADE_COLOR[g]) }) : `${GRADE_LABEL[g]}（${GRADE_COLOR[g].slice(0, 1)}）`);
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const months = (lang: Lang) => Array.from({ length: 12 }, (_, i) => t(lang, '{m}月', { m: i + 1 }));
/** Words of the reader's language for a table of labels (STATUS_LABEL, MONITOR_LABEL, …). */
const labels = (table: Record<string, string>, lang: Lang) => Object.entries(table).map(([value, label]) => ({ value, label: t(lang, label) }));

export interface StoredWarning { id: string; doc: WarningDoc }

export async function listWarnings(host: HostApi, filter: { status?: string; grade?: string; monitor?: string; department?: string }): Promise<StoredWarning[]> {
  const statuses: WarningStatus[] = filter.status && filter.status in STATUS_LABEL ? [filter.status as WarningStatus] : ['open', 'acknowledged', 'handled', 'closed'];
  const lists = await Promise.all(statuses.map((status) => host.storage.query<WarningDoc>('warnings', {
    status, ...(filter.grade ? { grade: filter.grade } : {}), ...(filter.monitor ? { monitor: filter.monitor } : {}),
  }, { limit: status === 'closed' ? 100 : 500 })));
  return lists.flat()
    .map((d) => ({ id: d.id, doc: d.data }))
    .filter((w) => !filter.department || String(w.doc.departmentId) === filter.department)
    .sort((a, b) => Number(b.doc.active) - Number(a.doc.active) || GRADE_RANK[b.doc.grade] - GRADE_RANK[a.doc.grade] || b.doc.firstSeen.localeCompare(a.doc.firstSeen) || a.id.localeCompare(b.id));
}

/**
 * The 确认 → 处置 → 关闭 loop as row actions of the warning list: each posts `{ id, reason }` to the
 * existing route (which reads `reason` as the note when no `note` is given).
 */
export const WARNING_ACTIONS = [
  { id: 'acknowledge', label: '确认', route: 'warnings/acknowledge', confirm: '确认已知悉该预警？', reason: 'optional' },
  { id: 'handle', label: '处置', route: 'warnings/handle', confirm: '记录对该预警的处置情况（必填）：', reason: 'required' },
  { id: 'close', label: '关闭', route: 'warnings/close', confirm: '关闭后该预警不再提醒，确定关闭？', reason: 'optional', tone: 'danger' },
] as const;

/**
 * 发起会商 on a warning still in force: a link (host API 1.1.0) to the collab plugin's consultation view,
 * prefilled with the warning; the web app shows it only where collab is enabled and may be opened.
 */
export const CONSULT_ACTION = {
  id: 'consult', kind: 'link', label: '发起会商',
  target: { plugin: 'collab', view: 'consultations', query: { warningId: '{_id}', title: '{title}', departmentId: '{_departmentId}' } },
} as const;

/** The row actions worded for the reader (an action's label and confirmation are texts of texts.ts). */
export const warningActions = (lang: Lang) => [...WARNING_ACTIONS, CONSULT_ACTION].map((a) => ({ ...a, label: t(lang, a.label), ...('confirm' in a && a.confirm ? { confirm: t(lang, a.confirm) } : {}) }));

/** The actions a warning's state allows (the same rules as `transition`). */
export function nextActions(doc: WarningDoc): Array<(typeof WARNING_ACTIONS)[number]['id']> {
  if (doc.status === 'closed') return [];
  if (doc.status === 'handled' || !doc.active) return doc.status === 'open' ? ['acknowledge', 'handle', 'close'] : doc.status === 'acknowledged' ? ['handle', 'close'] : ['close'];
  return doc.status === 'open' ? ['acknowledge', 'handle'] : ['handle'];
}

export async function warningCentre(host: HostApi, query: Record<string, string>, lang: Lang = 'zh-CN'): Promise<ViewSpec> {
  const [all, departments] = await Promise.all([listWarnings(host, query), host.ledger.departments()]);
  const dept = new Map(departments.map((d) => [d.id, d.name]));
  const live = all.filter((w) => w.doc.status !== 'closed' && w.doc.active);
  const count = (g: Grade) => live.filter((w) => w.doc.grade === g).length;
  const rows = all.slice(0, 300).map((w) => ({
    id: w.id, grade: gradeText(w.doc.grade, lang), monitor: t(lang, MONITOR_LABEL[w.doc.monitor as MonitorKind] ?? w.doc.monitor), subject: w.doc.subject, title: w.doc.title,
    department: w.doc.departmentId !== null ? dept.get(w.doc.departmentId) ?? String(w.doc.departmentId) : t(lang, '本单位'),
    status: `${t(lang, STATUS_LABEL[w.doc.status])}${w.doc.active ? '' : t(lang, '（已解除）')}`, suggestions: w.doc.suggestions.join('；'), firstSeen: w.doc.firstSeen.slice(0, 10),
    note: [...w.doc.history].reverse().find((h) => h.note)?.note ?? '',
    // Row actions (host API 1.1.0): the steps the warning's state allows; forCaller drops those the caller's roles cannot post.
    _id: w.id, _actions: [...nextActions(w.doc), ...(w.doc.status !== 'closed' && w.doc.active ? [CONSULT_ACTION.id] : [])].join(','),
    _departmentId: w.doc.departmentId,
  }));
  const active = [
    query.grade ? t(lang, '等级：{v}', { v: t(lang, GRADE_LABEL[query.grade as Grade] ?? query.grade) }) : '', query.status ? t(lang, '状态：{v}', { v: t(lang, STATUS_LABEL[query.status as WarningStatus] ?? query.status) }) : '',
    query.monitor ? t(lang, '类型：{v}', { v: t(lang, MONITOR_LABEL[query.monitor as MonitorKind] ?? query.monitor) }) : '', query.department ? t(lang, '科室：{v}', { v: dept.get(Number(query.department)) ?? query.department }) : '',
  ].filter(Boolean);
  const filters = active.length ? t(lang, '当前筛选：{filters}（共 {n} 条）。', { filters: active.join(lang === 'en' ? ', ' : '，'), n: all.length }) : t(lang, '全部预警（共 {n} 条）。', { n: all.length });
  const filterForm: ViewBlock = { type: 'form', title: t(lang, '筛选'), submit: 'warnings/filter', submitLabel: t(lang, '应用筛选'), fields: [
    { key: 'grade', label: t(lang, '等级'), input: 'select', value: query.grade ?? '', options: [{ value: '', label: t(lang, '全部') }, ...(['severe', 'warning', 'info'] as const).map((g) => ({ value: g, label: gradeText(g, lang) }))] },
    { key: 'status', label: t(lang, '状态'), input: 'select', value: query.status ?? '', options: [{ value: '', label: t(lang, '全部') }, ...labels(STATUS_LABEL, lang)] },
    { key: 'monitor', label: t(lang, '监控类型'), input: 'select', value: query.monitor ?? '', options: [{ value: '', label: t(lang, '全部') }, ...labels(MONITOR_LABEL, lang)] },
    { key: 'department', label: t(lang, '责任科室'), input: 'select', value: query.department ?? '', options: [{ value: '', label: t(lang, '全部') }, ...departments.slice(0, 190).map((d) => ({ value: String(d.id), label: d.name }))] },
  ] };
  const forms: ViewBlock[] = [];
  forms.push({ type: 'form', title: t(lang, '立即重新计算'), submit: 'recompute', submitLabel: t(lang, '重新计算'), fields: [
    { key: 'confirm', label: t(lang, '从预算指标账全量重算全部监控（每晚 2:00 自动进行）'), input: 'checkbox', value: true }] });
  return view.page([
    stat(t(lang, '严重（红色）'), count('severe'), 'number', count('severe') ? 'bad' : 'good'),
    stat(t(lang, '一般（黄色）'), count('warning'), 'number', count('warning') ? 'warn' : 'good'),
    stat(t(lang, '提示（蓝色）'), count('info'), 'number'),
    stat(t(lang, '已处置待关闭'), all.filter((w) => w.doc.status === 'handled').length, 'number'),
    filterForm,
    view.markdown(all.length || active.length ? filters : t(lang, '尚无预警记录。启用后首次计算在每晚 2:00 进行，也可使用下方“立即重新计算”。')),
    { type: 'table', title: t(lang, '预警列表'), columns: [
      { key: 'grade', label: t(lang, '等级') }, { key: 'monitor', label: t(lang, '监控类型') }, { key: 'title', label: t(lang, '预警内容') }, { key: 'department', label: t(lang, '责任科室') },
      { key: 'status', label: t(lang, '状态') }, { key: 'suggestions', label: t(lang, '处置建议') }, { key: 'note', label: t(lang, '处置说明') }, { key: 'firstSeen', label: t(lang, '发现日期'), format: 'date' }, { key: 'id', label: t(lang, '编号') },
    ], rows, actions: warningActions(lang) },
    ...forms,
  ], t(lang, '预警中心'));
}

export async function dashboard(host: HostApi, asOf: string, lang: Lang = 'zh-CN'): Promise<ViewSpec> {
  const MONTHS = months(lang);
  const ctx = await loadContext(host, asOf);
  // 序时进度 and the months complete come from the host (the core's one definition).
  const m = ctx.time.completedMonths;
  const progress = ctx.time.value;
  const cur = ctx.years.get(ctx.year)?.state ?? emptyYear(ctx.year);
  const budget = sum(ctx.indicators.map((i) => i.budget));
  const paidOf = (id: number, months = m) => cumulative(cur.byIndicator[String(id)] ?? [], months);
  const paid = sum(ctx.indicators.map((i) => paidOf(i.id)));
  const rate = budget ? paid / budget : 0;
  const gap = rate - progress;
  const series = unitSeries(cur);
  const curve = (s: number[], total: number) => s.map((_, k) => (total ? r4(cumulative(s, k + 1) / total) : 0));
  const prev = ctx.years.get(ctx.year - 1)?.state;
  const lines = [{ name: t(lang, '{year} 年执行率', { year: ctx.year }), data: curve(series, budget).slice(0, Math.max(1, m)) }, { name: t(lang, '序时进度'), data: ctx.time.byMonth }];
  if (prev && prev.ids.length) {
    const ps = unitSeries(prev);
    lines.push({ name: t(lang, '{year} 年执行（占全年）', { year: ctx.year - 1 }), data: curve(ps, sum(ps)) });
  }
  const deptRows = ctx.departments.map((d) => {
    const ind = ctx.indicators.filter((i) => i.departmentId === d.id);
    const b = sum(ind.map((i) => i.budget));
    return { name: d.name, rate: b ? r4(sum(ind.map((i) => paidOf(i.id))) / b) : 0, budget: b };
  }).filter((d) => d.budget > 0);
  const byGroup = new Map<string, number>();
  for (const [code, row] of Object.entries(cur.byClass)) byGroup.set(classGroup(code), (byGroup.get(classGroup(code)) ?? 0) + cumulative(row, 12));
  const allIndicators = (await host.ledger.indicators()).filter((i) => i.year >= ctx.year - 2 && i.year <= ctx.year).map((i) => ({
    id: i.id, year: i.year, code: i.code, name: i.name, departmentId: i.departmentId, projectId: i.projectId, expenditureKind: i.expenditureKind,
    economicCode: i.economicCode, fundSourceCode: i.fundSourceCode, budget: i.issued + i.adjusted,
  }));
  const structure = structureByYear(allIndicators, [...ctx.years.values()].map((y) => y.state));
  const blocks: ViewBlock[] = [
    stat(t(lang, '预算总额'), budget, 'fen'),
    stat(t(lang, '截至 {m} 月末已支付', { m }), paid, 'fen'),
    stat(t(lang, '执行率'), r4(rate), 'percent', gap < -ctx.settings.progressTolerance ? 'bad' : gap < 0 ? 'warn' : 'good'),
    stat(t(lang, '序时进度'), progress, 'percent'),
    view.line(MONTHS, lines, t(lang, '累计执行进度与序时进度')),
  ];
  if (deptRows.length) blocks.push(view.bar(deptRows.map((d) => d.name), [{ name: t(lang, '执行率'), data: deptRows.map((d) => d.rate) }, { name: t(lang, '序时进度'), data: deptRows.map(() => progress) }], t(lang, '各科室执行进度')));
  const slices = [...byGroup].filter(([, v]) => v > 0).sort((a, b) => a[0].localeCompare(b[0])).map(([g, v]) => ({ label: classGroupName(g), value: Math.round(v) / 100 }));
  if (slices.length) blocks.push(view.pie(slices, t(lang, '本年支出按经济分类（元）')));
  if (structure.years.length) {
    const ys = structure.years.map((y) => `${y.year}`);
    blocks.push(
      view.bar(ys, [
        { name: t(lang, '基本支出（元）'), data: structure.years.map((y) => y.budget.basic / 100) },
        { name: t(lang, '项目支出（元）'), data: structure.years.map((y) => y.budget.project / 100) },
        { name: t(lang, '人员经费（元）'), data: structure.years.map((y) => y.budget.personnel / 100) },
        { name: t(lang, '公用经费（元）'), data: structure.years.map((y) => y.budget.operating / 100) },
      ], t(lang, '支出结构（预算）')),
      view.line(ys, [{ name: t(lang, '三公经费预算（元）'), data: structure.years.map((y) => y.budget.threePublic / 100) }, { name: t(lang, '三公经费支出（元）'), data: structure.years.map((y) => y.paid.threePublic / 100) }], t(lang, '三公经费趋势')),
      view.table([{ key: 'year', label: t(lang, '年度') }, { key: 'basic', label: t(lang, '基本支出占比'), format: 'percent' }, { key: 'project', label: t(lang, '项目支出占比'), format: 'percent' },
        { key: 'personnel', label: t(lang, '人员经费占比'), format: 'percent' }, { key: 'operating', label: t(lang, '公用经费占比'), format: 'percent' }, { key: 'threePublic', label: t(lang, '三公经费支出'), format: 'fen' }, { key: 'change', label: t(lang, '三公经费同比'), format: 'percent' }],
      structure.years.map((y, i) => ({ year: String(y.year), basic: r4(y.shares.basic), project: r4(y.shares.project), personnel: r4(y.shares.personnel), operating: r4(y.shares.operating), threePublic: y.paid.threePublic,
        change: structure.threePublicChange[i]!.change === null ? null : r4(structure.threePublicChange[i]!.change!) })), t(lang, '结构分析（与以前年度对比）')),
    );
  }
  return view.page(blocks, t(lang, '{year} 年预算执行看板', { year: ctx.year }));
}

export function forecastOf(ctx: Context) {
  const prior = [];
  for (let y = ctx.year - 2; y < ctx.year; y++) { const s = ctx.years.get(y)?.state; if (s && s.ids.length) prior.push(s); }
  return forecastIndicators({ year: ctx.year, asOf: ctx.asOf, time: ctx.time, indicators: ctx.indicators, current: ctx.years.get(ctx.year)?.state ?? emptyYear(ctx.year), prior, settings: ctx.settings });
}

const METHOD: Record<string, string> = { seasonal: '季节性（以前年度）', linear: '线性外推', actual: '全年实际' };
const FLAG: Record<string, string> = { idle: '可能闲置', overspend: '可能超支' };

export async function forecastView(host: HostApi, asOf: string, lang: Lang = 'zh-CN'): Promise<ViewSpec> {
  const MONTHS = months(lang);
  const ctx = await loadContext(host, asOf);
  const f = forecastOf(ctx);
  const flagged = f.indicators.filter((i) => i.flag);
  const rows = [...f.indicators].sort((a, b) => Number(!!b.flag) - Number(!!a.flag) || b.idle - a.idle).slice(0, 300).map((i) => ({
    code: i.code, name: i.name, budget: i.budget, toDate: i.toDate, point: i.point, low: i.low, high: i.high, rate: i.budget ? r4(i.point / i.budget) : 0,
    method: t(lang, METHOD[i.method] ?? i.method), flag: i.flag ? t(lang, FLAG[i.flag]!) : '', idle: i.idle,
  }));
  const cur = ctx.years.get(ctx.year)?.state ?? emptyYear(ctx.year);
  const series = unitSeries(cur);
  const m = f.unit.months;
  const actual = series.slice(0, m).map((_, k) => cumulative(series, k + 1) / 100);
  const remaining = 12 - m;
  const path = (end: number) => MONTHS.map((_, k) => (k < m ? cumulative(series, k + 1) / 100 : (f.unit.toDate + ((end - f.unit.toDate) * (k + 1 - m)) / Math.max(1, remaining)) / 100));
  return view.page([
    stat(t(lang, '预计年末支出'), f.unit.point, 'fen'),
    stat(t(lang, '预测区间下限'), f.unit.low, 'fen'),
    stat(t(lang, '预测区间上限'), f.unit.high, 'fen'),
    stat(t(lang, '预计年末执行率'), f.unit.budget ? r4(f.unit.point / f.unit.budget) : 0, 'percent'),
    stat(t(lang, '可能闲置/超支的指标'), flagged.length, 'number', flagged.length ? 'warn' : 'good'),
    view.line(MONTHS, [
      { name: t(lang, '累计支出（元）'), data: actual },
      { name: t(lang, '预测（元）'), data: path(f.unit.point) },
      { name: t(lang, '区间下限（元）'), data: path(f.unit.low) },
      { name: t(lang, '区间上限（元）'), data: path(f.unit.high) },
      { name: t(lang, '预算（元）'), data: MONTHS.map(() => f.unit.budget / 100) },
    ], t(lang, '全单位年末执行预测')),
    view.markdown(t(lang, '预测方法：有以前年度数据时按同一经济分类的以前年度累计支出曲线（季节性）推算，区间取各年推算值的范围；无历史数据时按已完成 {m} 个月线性外推，区间按月度波动估计。预测上限低于预算 {pct}% 以上的指标提示“可能闲置”，建议通过机动指标调剂或交回财政。', { m, pct: (ctx.settings.idleTolerance * 100).toFixed(0) })),
    view.table([
      { key: 'code', label: t(lang, '指标编码') }, { key: 'name', label: t(lang, '指标名称') }, { key: 'budget', label: t(lang, '预算'), format: 'fen' }, { key: 'toDate', label: t(lang, '已支付'), format: 'fen' },
      { key: 'point', label: t(lang, '预计年末支出'), format: 'fen' }, { key: 'low', label: t(lang, '区间下限'), format: 'fen' }, { key: 'high', label: t(lang, '区间上限'), format: 'fen' },
      { key: 'rate', label: t(lang, '预计执行率'), format: 'percent' }, { key: 'idle', label: t(lang, '预计结余'), format: 'fen' }, { key: 'method', label: t(lang, '方法') }, { key: 'flag', label: t(lang, '提示') },
    ], rows, t(lang, '指标年末执行预测')),
  ], t(lang, '{year} 年执行预测', { year: ctx.year }));
}

export interface StoredScenario { [field: string]: unknown; params: ScenarioParams; result: ScenarioResult; createdAt: string; createdBy: string }

export function compareScenarios(list: Array<{ id: string; data: StoredScenario }>, lang: Lang = 'zh-CN') {
  const groups = [...new Set(list.flatMap((s) => s.data.result.lines.map((l) => l.group)))].sort();
  const col = (i: number) => `s${i}`;
  const columns = [{ key: 'item', label: t(lang, '项目') }, ...list.map((s, i) => ({ key: col(i), label: s.data.params.name.slice(0, 60) }))];
  const row = (item: string, pick: (s: StoredScenario) => number | string | null) => ({ item: t(lang, item), ...Object.fromEntries(list.map((s, i) => [col(i), pick(s.data)])) });
  const pctText = (x: number) => `${(x * 100).toFixed(1)}%`;
  const rows = [
    row('人员编制变动', (s) => pctText(s.params.headcountChange)), row('工资标准调整', (s) => pctText(s.params.salaryChange)),
    row('物价指数', (s) => pctText(s.params.priceIndex)), row('政策标准调整', (s) => pctText(s.params.policyChange)),
    row('推迟项目数', (s) => s.params.projectDelays.length),
    row('本年预算（元）', (s) => yuanAmount(s.result.totalBase)), row('下年需求合计（元）', (s) => yuanAmount(s.result.totalDemand)),
    ...groups.map((g) => row(t(lang, '其中：{group}（元）', { group: classGroupName(g) }), (s) => { const l = s.result.lines.find((x) => x.group === g); return l ? yuanAmount(l.demand) : '—'; })),
    row('财力减收', (s) => pctText(s.params.revenueCut)), row('压减合计（元）', (s) => yuanAmount(s.result.stress.cuts.reduce((a, c) => a + c.amount, 0))),
    row('未弥补缺口（元）', (s) => yuanAmount(s.result.stress.uncovered)),
  ];
  return { columns, rows };
}

export async function scenariosView(host: HostApi, query: Record<string, string>, lang: Lang = 'zh-CN'): Promise<ViewSpec> {
  const all = await host.storage.query<StoredScenario>('scenarios', {}, { limit: 50 });
  const ids = query.ids ? query.ids.split(',') : null;
  const chosen = (ids ? all.filter((s) => ids.includes(s.id)) : all.slice(0, 6)).sort((a, b) => a.data.createdAt.localeCompare(b.data.createdAt) || a.id.localeCompare(b.id));
  const projects = await host.ledger.projects();
  const blocks: ViewBlock[] = [
    view.markdown(t(lang, '预算模拟推演：按人员编制、工资标准、物价指数、政策标准和项目推迟测算下一年度分经济分类的资金需求；压力测试按“三公经费 → 项目支出（按优先级由低到高）→ 一般公用经费（至多压减 20%）”顺序压减，人员经费和对个人和家庭的补助予以保障。百分比字段填百分数（如 5 表示 5%）。')),
    { type: 'form', title: t(lang, '新建情景'), submit: 'scenarios', submitLabel: t(lang, '测算并保存'), fields: [
      { key: 'name', label: t(lang, '情景名称'), input: 'text', required: true },
      { key: 'headcountChange', label: t(lang, '人员编制变动（%）'), input: 'number', value: 0 },
      { key: 'salaryChange', label: t(lang, '工资标准调整（%）'), input: 'number', value: 0 },
      { key: 'priceIndex', label: t(lang, '物价指数（%）'), input: 'number', value: 0 },
      { key: 'policyChange', label: t(lang, '政策标准调整（%）'), input: 'number', value: 0 },
      { key: 'projectDelays', label: t(lang, '项目推迟（项目编码:推迟比例%，如 {example}:50）', { example: projects[0]?.code ?? 'P001' }), input: 'textarea' },
      { key: 'revenueCut', label: t(lang, '压力测试：财力减收（%）'), input: 'number', value: 10 },
      { key: 'projectPriority', label: t(lang, '项目优先级（项目编码，由高到低，逗号分隔）'), input: 'text' },
    ] },
  ];
  if (chosen.length) {
    const cmp = compareScenarios(chosen, lang);
    blocks.push(view.table(cmp.columns.slice(0, 30), cmp.rows, t(lang, '情景对比')));
    const groups = [...new Set(chosen.flatMap((s) => s.data.result.lines.map((l) => l.group)))].sort();
    blocks.push(view.bar(groups.map(classGroupName), chosen.slice(0, 10).map((s) => ({ name: s.data.params.name.slice(0, 60), data: groups.map((g) => (s.data.result.lines.find((l) => l.group === g)?.demand ?? 0) / 100) })), t(lang, '下年资金需求（元）')));
    const last = chosen[chosen.length - 1]!;
    blocks.push(view.table([{ key: 'tier', label: t(lang, '顺序') }, { key: 'tierName', label: t(lang, '压减层级') }, { key: 'item', label: t(lang, '项目') }, { key: 'amount', label: t(lang, '压减金额'), format: 'fen' }, { key: 'share', label: t(lang, '压减比例'), format: 'percent' }],
      last.data.result.stress.cuts.slice(0, 300).map((c) => ({ tier: c.tier, tierName: t(lang, c.tierName), item: c.item, amount: c.amount, share: r4(c.share) })), t(lang, '压力测试：{name}（减收 {pct}%）', { name: last.data.params.name, pct: (last.data.params.revenueCut * 100).toFixed(0) })));
  }
  return view.page(blocks, t(lang, '预算模拟推演'));
}

export function runScenario(ctx: Context, params: ScenarioParams) {
  return simulate(ctx.year, ctx.indicators, ctx.projects, params);
}

export async function projectsView(host: HostApi, asOf: string, lang: Lang = 'zh-CN'): Promise<ViewSpec> {
  const ctx = await loadContext(host, asOf);
  const cur = ctx.years.get(ctx.year)?.state ?? emptyYear(ctx.year);
  const latest = new Map<number, (typeof ctx.milestones)[number]>();
  for (const ms of ctx.milestones) if (ms.date.startsWith(String(ctx.year)) && (!latest.get(ms.projectId) || ms.date > latest.get(ms.projectId)!.date)) latest.set(ms.projectId, ms);
  const rows = ctx.projects.map((p) => {
    const ind = ctx.indicators.filter((i) => i.projectId === p.id);
    const budget = sum(ind.map((i) => i.budget));
    const paid = sum(ind.map((i) => cumulative(cur.byIndicator[String(i.id)] ?? [], 12)));
    const ms = latest.get(p.id);
    return { code: p.code, name: p.name, budget, paid, fund: budget ? r4(paid / budget) : null, planned: ms ? ms.plannedPct : null, reported: ms ? ms.reportedPct : null, date: ms?.date ?? '' };
  });
  const contacts = await host.storage.query<{ departmentId: number; users: number[] }>('contacts', {}, { limit: 200 });
  const members = await membersOf(host);
  const nameOf = new Map((members ?? []).map((m) => [m.id, m.displayName]));
  const named = new Set(contacts.map((c) => c.data.departmentId));
  // Named by hand first; the other departments answer through their heads and finance officers (host.members).
  const responsibleRows = [
    ...contacts.map((c) => ({ department: ctx.departments.find((d) => d.id === c.data.departmentId)?.name ?? String(c.data.departmentId),
      users: c.data.users.map((u) => (nameOf.has(u) ? `${nameOf.get(u)}（${u}）` : String(u))).join('、'), source: t(lang, '指定') })),
    ...(members ? ctx.departments.filter((d) => !named.has(d.id)).flatMap((d) => {
      const people = responsibleIn(members, d.id);
      return people.length ? [{ department: d.name, users: people.map((m) => `${m.displayName}（${m.id}）`).join('、'), source: t(lang, '科室负责人、财务人员') }] : [];
    }) : []),
  ];
  return view.page([
    view.table([{ key: 'code', label: t(lang, '项目编码') }, { key: 'name', label: t(lang, '项目名称') }, { key: 'budget', label: t(lang, '本年预算'), format: 'fen' }, { key: 'paid', label: t(lang, '已支付'), format: 'fen' },
      { key: 'fund', label: t(lang, '资金支付进度'), format: 'percent' }, { key: 'planned', label: t(lang, '计划完成'), format: 'percent' }, { key: 'reported', label: t(lang, '实际完成'), format: 'percent' }, { key: 'date', label: t(lang, '填报日期'), format: 'date' }], rows, t(lang, '项目业务进度与资金进度')),
    { type: 'form', title: t(lang, '填报项目进度'), submit: 'milestones', submitLabel: t(lang, '保存'), fields: [
      { key: 'projectId', label: t(lang, '项目'), input: 'select', required: true, options: ctx.projects.slice(0, 200).map((p) => ({ value: String(p.id), label: `${p.code} ${p.name}` })) },
      { key: 'date', label: t(lang, '截至日期'), input: 'date', required: true, value: asOf },
      { key: 'plannedPct', label: t(lang, '计划完成（%）'), input: 'number', required: true },
      { key: 'reportedPct', label: t(lang, '实际完成（%）'), input: 'number', required: true },
      { key: 'note', label: t(lang, '进度说明'), input: 'textarea' },
    ] },
    view.table([{ key: 'department', label: t(lang, '科室') }, { key: 'users', label: t(lang, '预警责任人（用户ID）') }, { key: 'source', label: t(lang, '来源') }], responsibleRows, t(lang, '预警责任人')),
    { type: 'form', title: t(lang, '设置预警责任人'), submit: 'contacts', submitLabel: t(lang, '保存'), fields: [
      { key: 'departmentId', label: t(lang, '科室'), input: 'select', required: true, options: ctx.departments.slice(0, 200).map((d) => ({ value: String(d.id), label: d.name })) },
      { key: 'users', label: t(lang, '责任人用户ID（逗号分隔，留空则通知设置中的角色）'), input: 'text' },
    ] },
  ], t(lang, '项目进度与预警责任人'));
}
