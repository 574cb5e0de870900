import type { Mismatch } from './matching.js';
import { QUAL_BANDS, REVERSE_RULE_LABEL, type QualGrade, type ReverseRule } from './scoring.js';
import { DIRECTION_LABEL, GRADE_LABEL, LEVEL1, LEVEL2, LIGHT_LABEL, METHOD_LABEL, SECTORS, type Direction, type Grade, type Level1, type Level2, type Light, type Method } from './types.js';

/**
 * Every text of the performance views, in the reader's language (ViewContext.lang: zh-CN by default,
 * or en). `{name}` marks a value put in. The grades keep their Chinese word in English, glossed
 * (优 (excellent)): they are the 10号文's terms and the report's.
 */
export type Lang = 'zh-CN' | 'en';

const M = {
  // library
  libTitle: ['绩效指标库', 'Indicator library'],
  libTotal: ['指标总数', 'Indicators'],
  libOwn: ['本单位自建', 'The unit’s own'],
  libShown: ['当前筛选', 'Shown'],
  filter: ['筛选', 'Filter'],
  sector: ['行业', 'Sector'],
  level: ['指标层级', 'Level'],
  all: ['全部', 'All'],
  levelOne: ['一级：{name}', 'Level 1: {name}'],
  levelTwo: ['二级：{parent} › {name}', 'Level 2: {parent} › {name}'],
  indicators: ['指标', 'Indicators'],
  code: ['编码', 'Code'],
  level1: ['一级指标', 'Level 1'],
  level2: ['二级指标', 'Level 2'],
  level3: ['三级指标', 'Indicator (level 3)'],
  unit: ['计量单位', 'Unit'],
  direction: ['方向', 'Direction'],
  dataSource: ['数据来源', 'Data source'],
  method: ['评分方法', 'Scoring method'],
  version: ['版本', 'Version'],
  delete: ['删除', 'Delete'],
  deleteConfirm: ['删除这项本单位指标？已设置的项目目标不受影响。', 'Delete this indicator of the unit? Targets already set keep it.'],
  exportAll: ['导出全部（xlsx）', 'Export all (xlsx)'],
  exportOwn: ['导出本单位指标（JSON）', 'Export the unit’s own (JSON)'],
  editTitle: ['新增或修改本单位指标', 'Add or change an indicator of the unit'],
  save: ['保存', 'Save'],
  editCode: ['编码（修改时填写，新增留空）', 'Code (to change one; empty to add)'],
  editName: ['三级指标名称', 'Indicator name'],
  qualDirection: ['定性（达成/部分达成/未达成）', 'Qualitative (achieved / partly / not)'],
  unitHelp: ['如 %、人、元/人；定性指标可不填', 'e.g. %, persons, yuan per person; none for qualitative ones'],
  importTitle: ['导入指标（本插件导出的 xlsx 或 JSON）', 'Import indicators (an xlsx or JSON export of this plugin)'],
  import: ['导入', 'Import'],
  file: ['文件', 'File'],
  importHelp: ['每次最多 300 项；起始指标库中的编码会跳过', 'At most 300 at a time; codes of the starter sets are skipped'],
  logTitle: ['修改记录（最近 50 条）', 'Changes (latest 50)'],
  time: ['时间', 'Time'],
  action: ['操作', 'Action'],
  by: ['操作人', 'By'],
  indicator: ['指标', 'Indicator'],
  sourcesTitle: ['指标来源', 'Where the indicators come from'],
  sourceLine: ['- **{name}**（{count} 项，{basis}）：{source}', '- **{name}** ({count}, {basis}): {source}'],
  basisPublished: ['名称取自所引文件', 'names as in the cited text'],
  basisFramework: ['按框架类别编写', 'written to the framework’s categories'],
  // targets
  targetsPage: ['绩效目标设置', 'Performance targets'],
  targetsOf: ['绩效目标（{year} 年度，第 {version} 版，{by}）', 'Targets ({year}, version {version}, {by})'],
  targetsNone: ['绩效目标（未设置）', 'Targets (not set)'],
  annual: ['年度指标值', 'Annual target'],
  total: ['总体指标值', 'Overall target'],
  unitShort: ['单位', 'Unit'],
  weight: ['权重（%）', 'Weight (%)'],
  wizardTitle: ['设置绩效目标：{project}', 'Set the targets: {project}'],
  wizardSubmit: ['保存绩效目标', 'Save the targets'],
  stepPick: ['选择绩效指标', 'Pick indicators'],
  stepPickHelp: ['从指标库中选择本项目的绩效指标（产出、效益、满意度、成本）。', 'Pick the project’s indicators from the library (outputs, benefits, satisfaction, cost).'],
  year: ['年度', 'Year'],
  pickField: ['绩效指标', 'Indicators'],
  stepValues: ['目标值与权重', 'Targets and weights'],
  stepValuesHelp: ['填写年度和总体指标值、权重（合计100%）。新选的指标在保存后出现在此表中，未填权重的新指标平分剩余权重。', 'Give annual and overall targets and weights (summing to 100%). Newly picked indicators appear here once saved; those without a weight share what is left.'],
  gridValues: ['指标值与权重', 'Targets and weights'],
  stepConfirm: ['确认', 'Confirm'],
  stepConfirmHelp: ['保存后目标显示在项目页面；定性指标的年度指标值填写预期（如“达成预期”）。', 'Saved targets show on the project’s screen; for a qualitative indicator write the expectation (e.g. “as planned”).'],
  noteOptional: ['说明（可选）', 'Note (optional)'],
  projectsOfYear: ['项目（{year} 年度）', 'Projects ({year})'],
  targetsSet: ['已设 {count} 项指标', '{count} indicators set'],
  targetsUnset: ['未设置绩效目标', 'no targets'],
  noProjects: ['（没有项目）', '(no projects)'],
  // monitoring
  monitorTitle: ['填报监控值（截至 {year} 年 {month} 月）', 'Monitoring values (through {month}/{year})'],
  monitorSubmit: ['保存监控值', 'Save the values'],
  throughMonth: ['截至月份', 'Through month'],
  monitorValues: ['监控值', 'Values'],
  monitorHelp: ['定量指标填写截至目前完成值和全年预计完成值；偏离目标的指标会产生预警，须说明原因和整改措施。', 'For quantitative indicators give the value to date and the expected value at year end; a deviation raises a warning that needs an explanation and a correction plan.'],
  actualToDate: ['截至目前完成值', 'Done to date'],
  projected: ['全年预计完成值', 'Expected at year end'],
  note: ['说明', 'Note'],
  boardTitle: ['绩效监控看板', 'Monitoring board'],
  boardProjects: ['设置目标的项目', 'Projects with targets'],
  red: ['红灯', 'Red'],
  yellow: ['黄灯', 'Yellow'],
  green: ['绿灯', 'Green'],
  boardTable: ['监控看板（{year} 年度）', 'Monitoring board ({year})'],
  project: ['项目', 'Project'],
  light: ['信号灯', 'Light'],
  execution: ['预算执行率', 'Budget execution'],
  timeProgress: ['序时进度', 'Time progress'],
  indicatorCount: ['指标数', 'Indicators'],
  openWarnings: ['待说明预警', 'Warnings to explain'],
  explained: ['已说明', 'Explained'],
  warningsTitle: ['偏离预警', 'Deviation warnings'],
  grade: ['等级', 'Grade'],
  deviation: ['偏离度', 'Deviation'],
  expected: ['应达值', 'Expected'],
  actualOrProjected: ['实际/预计值', 'Actual / expected'],
  status: ['状态', 'Status'],
  reason: ['偏差原因', 'Reason'],
  plan: ['整改措施', 'Correction plan'],
  statusOpen: ['待说明', 'To explain'],
  closeWarning: ['关闭预警', 'Close'],
  closeConfirm: ['偏差原因和整改措施已落实，关闭这条预警？', 'The correction is done: close this warning?'],
  explainTitle: ['说明偏差原因并提出整改措施', 'Explain the deviation and plan the correction'],
  explainSubmit: ['提交说明', 'Submit'],
  warning: ['预警', 'Warning'],
  warningOption: ['{project} · {name}（{light}，偏离{pct}%）', '{project} · {name} ({light}, {pct}% off)'],
  reasonHelp: ['如经费保障、制度保障、人员保障、硬件条件保障等方面的原因', 'e.g. funding, rules, staff or equipment'],
  // evaluation
  evalPage: ['绩效自评', 'Self-evaluation'],
  evalResults: ['{year} 年度绩效自评结果', 'Self-evaluations of {year}'],
  totalScore: ['总分', 'Total'],
  evaluatedAt: ['评价时间', 'Evaluated'],
  download: ['下载自评表（xlsx）', 'Download the table (xlsx)'],
  noTargets: ['项目“{project}”{year} 年度没有绩效目标。', 'Project “{project}” has no targets for {year}.'],
  evalScore: ['自评总分', 'Score'],
  evalTable: ['项目支出绩效自评表（{year} 年度）：{project}', 'Project self-evaluation ({year}): {project}'],
  actual: ['实际完成值', 'Actual'],
  points: ['分值', 'Points'],
  score: ['得分', 'Score'],
  evalNote: ['偏差原因分析及改进措施 / 计分说明', 'Deviation, correction / how scored'],
  execLine: ['全年预算数 {budget} 元，全年执行数 {paid} 元', 'Budget {budget} yuan, spent {paid} yuan'],
  execNote: ['执行率×分值，最高得满分', 'rate × points, at most full points'],
  gradeNote: ['等级：{grade}（优≥90，良80–90，中60–80，差<60）', 'Grade: {grade} (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60)'],
  rulesNote: ['反向指标计分：{rule}。一级权重：预算执行率 {e}%，产出 {o}%，效益 {b}%，满意度 {s}%（成本指标计入产出）。', 'Reverse indicators: {rule}. Level-1 weights: execution {e}%, outputs {o}%, benefits {b}%, satisfaction {s}% (cost counts with outputs).'],
  evidenceNamed: ['**佐证材料**：{list}', '**Evidence**: {list}'],
  evalWizard: ['开展绩效自评', 'Self-evaluate'],
  evalSubmit: ['计算并保存自评', 'Compute and save'],
  stepActuals: ['实际完成值', 'Actual values'],
  stepActualsHelp: ['默认取最近一次监控值；可按年末实际修改。执行数取自账务。', 'The latest monitoring values by default; change them to the year-end actuals. Spending comes from the ledger.'],
  quantitative: ['定量指标', 'Quantitative indicators'],
  stepQual: ['定性指标评定', 'Qualitative indicators'],
  stepQualHelp: ['达成 80–100%、部分达成 60–80%、未达成 0–60%（占该指标分值），须说明理由。', '达成 (achieved) 80–100%, 部分达成 (partly) 60–80%, 未达成 (not) 0–60% of the points, with a reason.'],
  qualitative: ['定性指标', 'Qualitative indicators'],
  assessment: ['评定', 'Assessment'],
  pctOfPoints: ['得分比例（%）', 'Share of points (%)'],
  why: ['理由', 'Reason'],
  stepEvidence: ['佐证材料', 'Evidence'],
  evidenceText: ['佐证材料（每行一项：名称）', 'Evidence (one name a line)'],
  evidenceTextHelp: ['记录材料名称、编号或存放位置；文件在下方“上传佐证材料”中上传', 'Names, numbers or where the papers are kept; upload files below'],
  evidenceFiles: ['佐证材料文件', 'Evidence files'],
  fileName: ['文件名', 'File'],
  size: ['大小（KiB）', 'Size (KiB)'],
  uploader: ['上传人', 'Uploaded by'],
  uploadedAt: ['上传时间', 'Uploaded'],
  downloadOne: ['下载：{name}', 'Download: {name}'],
  uploadTitle: ['上传佐证材料', 'Upload evidence'],
  upload: ['上传', 'Upload'],
  uploadHelp: ['每份不超过 {kb} KiB，每个项目每年最多 {count} 份', 'At most {kb} KiB a file, {count} files a project and year'],
  deleteFileConfirm: ['删除这份佐证材料？', 'Delete this evidence file?'],
  // matching
  matchPage: ['业务流与资金流匹配', 'Business vs fund flow'],
  matchOf: ['{project}：资金进度与业务进度', '{project}: money and work'],
  matchShort: ['资金进度与业务进度', 'Money and work'],
  matchSources: ['业务进度取自本插件的进度记录、分析插件的项目进度（该插件在本单位启用并共享时）和数量指标的监控值。', 'Work progress comes from this plugin’s progress records, the analytics plugin’s project progress (where it is enabled in the unit and shares it) and the monitoring values of quantity targets.'],
  degree: ['匹配度', 'Matching degree'],
  noWork: ['无业务进度数据', 'No work progress'],
  mismatchMonths: ['不匹配月份', 'Months off'],
  moneySeries: ['资金支付进度（%）', 'Money paid (%)'],
  workSeries: ['业务完成进度（%）', 'Work done (%)'],
  byMonth: ['按月对照', 'Month by month'],
  month: ['月份', 'Month'],
  paidInMonth: ['当月支付（元）', 'Paid in the month (yuan)'],
  moneyCum: ['累计资金进度', 'Money to date'],
  work: ['业务进度', 'Work'],
  gap: ['差（百分点）', 'Gap (points)'],
  mismatches: ['不匹配事项', 'Mismatches'],
  kind: ['类型', 'Kind'],
  money: ['资金进度', 'Money'],
  monthN: ['{month}月', 'M{month}'],
  workRecords: ['业务进度记录', 'Work progress records'],
  date: ['日期', 'Date'],
  done: ['完成（%）', 'Done (%)'],
  source: ['来源', 'Source'],
  milestoneTitle: ['记录业务进度', 'Record work progress'],
  milestoneSubmit: ['保存进度', 'Save'],
  asOfDate: ['截至日期', 'As of'],
  pctOfPlan: ['完成年度计划（%）', 'Share of the year’s plan (%)'],
  milestoneNote: ['进度说明（里程碑）', 'Note (milestone)'],
  // placements
  projectPage: ['项目绩效', 'Project performance'],
  onProjectScreen: ['请在项目页面查看。', 'Open it on a project’s screen.'],
  noProject: ['项目不存在。', 'No such project.'],
  structuredNote: ['结构化绩效目标（本插件）；项目页面上方“绩效目标”中的文字目标链接照常保留。', 'Structured targets (this plugin); the project’s own target links above stay as they are.'],
  requestPage: ['上年绩效评价结果', 'Last year’s evaluation'],
  onRequestScreen: ['请在预算申报页面查看。', 'Open it on a budget request’s screen.'],
  requestNoProject: ['该申报不含项目（或含多个项目），没有可显示的项目绩效评价结果。', 'The request names no single project: there is no evaluation to show.'],
  noEvaluation: ['该项目在 {year} 年度之前没有绩效自评结果。', 'The project has no self-evaluation before {year}.'],
  feedback: ['**{year} 年度绩效自评**：{total} 分，等级 **{grade}**', '**Self-evaluation {year}**: {total} points, grade **{grade}**'],
  feedbackPoor: ['。按单位规则，评价为“差”的项目申报新增资金时将被提示或不予提交。', '. By the unit’s rule, new money for a project graded 差 (poor) is warned about or refused.'],
  cockpitTitle: ['绩效概览', 'Performance at a glance'],
  redProjects: ['绩效红灯项目', 'Red projects'],
  yellowProjects: ['黄灯项目', 'Yellow projects'],
  gradesOf: ['{year} 年度自评等级', 'Grades of {year}'],
  offProjects: ['业务流与资金流不匹配的项目', 'Projects where money and work part'],
  latestMismatch: ['最近不匹配', 'Latest mismatch'],
} as const satisfies Record<string, readonly [string, string]>;

export type TextKey = keyof typeof M;

const EN_LIGHT: Record<Light, string> = { green: 'green (normal)', yellow: 'yellow (slight deviation)', red: 'red (serious deviation)' };
const EN_GRADE: Record<Grade, string> = { excellent: 'excellent', good: 'good', fair: 'fair', poor: 'poor' };
const EN_MISMATCH: Record<Mismatch['kind'], string> = { 'money-ahead': 'money ahead of work', 'work-ahead': 'work ahead of money' };
const EN_METHOD: Record<Method, string> = { ratio: 'Positive (≥)', reverse: 'Reverse (≤)', equal: 'Equal (=)', qualitative: 'Qualitative' };
const EN_REVERSE: Record<ReverseRule, string> = {
  ratio: 'target ÷ actual × points (the default)', deviation: 'points less the share over the target, not below 0', zero: 'no points when missed',
};
const EN_QUAL: Record<QualGrade, string> = { achieved: '达成 (achieved)', partial: '部分达成 (partly achieved)', not: '未达成 (not achieved)' };

export interface Words {
  (key: TextKey, vars?: Record<string, string | number>): string;
  lang: Lang;
  en: boolean;
  level1(k: Level1): string;
  level2(k: Level2 | string): string;
  sector(k: string): string;
  direction(d: Direction): string;
  /** 优 / 良 / 中 / 差, glossed in English: 优 (excellent). */
  grade(g: Grade): string;
  light(l: Light): string;
  lightMark(l: Light): string;
  mismatch(k: Mismatch['kind']): string;
  method(m: Method): string;
  reverseRule(r: ReverseRule): string;
  qualBand(b: QualGrade): string;
}

export function wordsFor(lang: Lang | undefined): Words {
  const en = lang === 'en';
  const w = ((key: TextKey, vars?: Record<string, string | number>) => {
    let s: string = M[key][en ? 1 : 0];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  }) as Words;
  w.lang = en ? 'en' : 'zh-CN';
  w.en = en;
  w.level1 = (k) => LEVEL1[k]?.[en ? 'en' : 'zh'] ?? k;
  w.level2 = (k) => LEVEL2[k as Level2]?.[en ? 'en' : 'zh'] ?? k;
  w.sector = (k) => SECTORS[k]?.[en ? 'en' : 'zh'] ?? k;
  w.direction = (d) => (en && d === 'qual' ? 'qualitative' : DIRECTION_LABEL[d]);
  w.grade = (g) => (en ? `${GRADE_LABEL[g]} (${EN_GRADE[g]})` : GRADE_LABEL[g]);
  w.light = (l) => (en ? EN_LIGHT[l] : LIGHT_LABEL[l]);
  w.lightMark = (l) => `${{ green: '🟢', yellow: '🟡', red: '🔴' }[l]} ${en ? l : { green: '绿', yellow: '黄', red: '红' }[l]}`;
  w.mismatch = (k) => (en ? EN_MISMATCH[k] : k === 'money-ahead' ? '资金超前于业务' : '业务超前于资金');
  w.method = (m) => (en ? EN_METHOD[m] : METHOD_LABEL[m].split('：')[0]!);
  w.reverseRule = (r) => (en ? EN_REVERSE[r] : REVERSE_RULE_LABEL[r]);
  w.qualBand = (b) => (en ? EN_QUAL[b] : QUAL_BANDS[b].label);
  return w;
}
