import { texts, type Lang, type TextParams } from '@unibudget/sdk';

/**
 * The plugin's words in English, keyed by the Chinese the code writes (context.lang / request.lang
 * picks). Names of indicators, projects, departments and economic classes are data and stay as the
 * ledger has them; a warning's title and suggestions are written once, in Chinese, when it is raised.
 */
export const t = texts({
  // grades, states, monitors
  提示: 'Info', 一般: 'Warning', 严重: 'Severe', 蓝色: 'blue', 黄色: 'yellow', 红色: 'red', '{grade}（{color}）': '{grade} ({color})',
  待确认: 'Open', 已确认: 'Acknowledged', 已处置: 'Handled', 已关闭: 'Closed', '（已解除）': ' (resolved)',
  执行进度滞后: 'Execution behind schedule', 支出异常波动: 'Unusual spending swing', 大额单笔支付: 'Large single payment', 疑似拆分支付: 'Possibly split payments',
  年末突击支出: 'Year-end spending rush', 业务与资金进度不匹配: 'Work and funding progress apart', 年末执行预测: 'Year-end execution forecast',
  // warning centre
  确认: 'Acknowledge', 处置: 'Handle', 关闭: 'Close', 发起会商: 'Start a consultation', '确认已知悉该预警？': 'Acknowledge this warning?',
  '记录对该预警的处置情况（必填）：': 'Record how this warning was handled (required):', '关闭后该预警不再提醒，确定关闭？': 'A closed warning no longer reminds anyone. Close it?',
  本单位: 'Whole unit', '等级：{v}': 'Grade: {v}', '状态：{v}': 'Status: {v}', '类型：{v}': 'Type: {v}', '科室：{v}': 'Department: {v}',
  '当前筛选：{filters}（共 {n} 条）。': 'Filtered by: {filters} ({n} in all).', '全部预警（共 {n} 条）。': 'All warnings ({n} in all).', 筛选: 'Filter', 应用筛选: 'Apply',
  等级: 'Grade', 状态: 'Status', 监控类型: 'Monitor', 责任科室: 'Department responsible', 全部: 'All', 立即重新计算: 'Recompute now', 重新计算: 'Recompute',
  '从预算指标账全量重算全部监控（每晚 2:00 自动进行）': 'Recompute every monitor from the indicator ledger (done every night at 2:00)',
  '严重（红色）': 'Severe (red)', '一般（黄色）': 'Warning (yellow)', '提示（蓝色）': 'Info (blue)', 已处置待关闭: 'Handled, to close',
  '尚无预警记录。启用后首次计算在每晚 2:00 进行，也可使用下方“立即重新计算”。': 'No warnings yet. The first computation runs at 2:00 at night after enabling, or use “Recompute now” below.',
  预警列表: 'Warnings', 预警内容: 'Warning', 处置建议: 'Suggested action', 处置说明: 'Handling note', 发现日期: 'Found on', 编号: 'No.', 预警中心: 'Warning centre',
  // dashboard
  '{year} 年执行率': '{year} execution rate', 序时进度: 'Time progress', '{year} 年执行（占全年）': '{year} execution (share of the year)', 预算总额: 'Total budget',
  '截至 {m} 月末已支付': 'Paid to the end of month {m}', 执行率: 'Execution rate', 累计执行进度与序时进度: 'Cumulative execution and time progress', 各科室执行进度: 'Execution by department',
  '本年支出按经济分类（元）': 'This year’s spending by economic class (yuan)', '基本支出（元）': 'Basic expenditure (yuan)', '项目支出（元）': 'Project expenditure (yuan)',
  '人员经费（元）': 'Personnel (yuan)', '公用经费（元）': 'Operating (yuan)', '支出结构（预算）': 'Expenditure structure (budget)', '三公经费预算（元）': 'Three public expenses budget (yuan)',
  '三公经费支出（元）': 'Three public expenses paid (yuan)', 三公经费趋势: 'Three public expenses trend', 年度: 'Year', 基本支出占比: 'Basic share', 项目支出占比: 'Project share',
  人员经费占比: 'Personnel share', 公用经费占比: 'Operating share', 三公经费支出: 'Three public expenses paid', 三公经费同比: 'Three public expenses, year on year',
  '结构分析（与以前年度对比）': 'Structure (against earlier years)', '{year} 年预算执行看板': '{year} budget execution dashboard', '{m}月': 'M{m}',
  // forecast
  '季节性（以前年度）': 'Seasonal (earlier years)', 线性外推: 'Linear', 全年实际: 'Actual (whole year)', 可能闲置: 'May stay unspent', 可能超支: 'May overspend',
  预计年末支出: 'Year-end spending forecast', 预测区间下限: 'Forecast low', 预测区间上限: 'Forecast high', 预计年末执行率: 'Year-end execution forecast',
  '可能闲置/超支的指标': 'Indicators that may stay unspent or overspend', '累计支出（元）': 'Cumulative spending (yuan)', '预测（元）': 'Forecast (yuan)',
  '区间下限（元）': 'Low (yuan)', '区间上限（元）': 'High (yuan)', '预算（元）': 'Budget (yuan)', 全单位年末执行预测: 'Year-end forecast of the whole unit',
  '预测方法：有以前年度数据时按同一经济分类的以前年度累计支出曲线（季节性）推算，区间取各年推算值的范围；无历史数据时按已完成 {m} 个月线性外推，区间按月度波动估计。预测上限低于预算 {pct}% 以上的指标提示“可能闲置”，建议通过机动指标调剂或交回财政。':
    'Method: with earlier years’ data, the cumulative spending curve of the same economic class in those years (seasonal), the range spanning the years’ results; without, a linear extension of the {m} months completed, the range from the monthly swings. An indicator whose high forecast is more than {pct}% below its budget is flagged “May stay unspent”: transfer it through the flexible quota or return it to the finance bureau.',
  指标编码: 'Indicator code', 指标名称: 'Indicator', 预算: 'Budget', 已支付: 'Paid', 区间下限: 'Low', 区间上限: 'High', 预计执行率: 'Forecast execution rate', 预计结余: 'Forecast balance',
  方法: 'Method', 指标年末执行预测: 'Year-end forecast by indicator', '{year} 年执行预测': '{year} execution forecast',
  // scenarios
  项目: 'Item', 人员编制变动: 'Headcount change', 工资标准调整: 'Salary change', 物价指数: 'Price index', 政策标准调整: 'Policy standard change', 推迟项目数: 'Projects delayed',
  '本年预算（元）': 'This year’s budget (yuan)', '下年需求合计（元）': 'Next year’s need (yuan)', '其中：{group}（元）': 'of which {group} (yuan)', 财力减收: 'Revenue cut',
  '压减合计（元）': 'Total cuts (yuan)', '未弥补缺口（元）': 'Gap left (yuan)',
  '预算模拟推演：按人员编制、工资标准、物价指数、政策标准和项目推迟测算下一年度分经济分类的资金需求；压力测试按“三公经费 → 项目支出（按优先级由低到高）→ 一般公用经费（至多压减 20%）”顺序压减，人员经费和对个人和家庭的补助予以保障。百分比字段填百分数（如 5 表示 5%）。':
    'Budget simulation: next year’s need by economic class from headcount, salaries, prices, policy standards and project delays; the stress test cuts in the order “three public expenses → project expenditure (lowest priority first) → general operating (at most 20%)”, keeping personnel and subsidies to individuals and families. Percentage fields take percentages (5 means 5%).',
  新建情景: 'New scenario', 测算并保存: 'Compute and save', 情景名称: 'Scenario name', '人员编制变动（%）': 'Headcount change (%)', '工资标准调整（%）': 'Salary change (%)',
  '物价指数（%）': 'Price index (%)', '政策标准调整（%）': 'Policy standard change (%)', '项目推迟（项目编码:推迟比例%，如 {example}:50）': 'Project delays (project code:delay %, e.g. {example}:50)',
  '压力测试：财力减收（%）': 'Stress test: revenue cut (%)', '项目优先级（项目编码，由高到低，逗号分隔）': 'Project priority (project codes, highest first, comma-separated)',
  情景对比: 'Scenarios compared', '下年资金需求（元）': 'Next year’s need (yuan)', 顺序: 'Order', 压减层级: 'Cut tier', 压减金额: 'Cut', 压减比例: 'Cut share',
  '压力测试：{name}（减收 {pct}%）': 'Stress test: {name} (revenue cut {pct}%)', 预算模拟推演: 'Budget simulation', 三公经费: 'Three public expenses',
  '项目支出（按优先级从低到高）': 'Project expenditure (lowest priority first)', '一般公用经费（至多压减 20%）': 'General operating (at most 20% cut)',
  '人员经费与对个人和家庭的补助（保障，不压减）': 'Personnel and subsidies to individuals and families (kept, not cut)',
  // projects
  指定: 'Named', '科室负责人、财务人员': 'Department heads, finance officers', 项目编码: 'Project code', 项目名称: 'Project', 本年预算: 'This year’s budget',
  资金支付进度: 'Funding progress', 计划完成: 'Planned', 实际完成: 'Reported', 填报日期: 'Reported on', 项目业务进度与资金进度: 'Project work and funding progress',
  填报项目进度: 'Report project progress', 保存: 'Save', 截至日期: 'As of', '计划完成（%）': 'Planned (%)', '实际完成（%）': 'Reported (%)', 进度说明: 'Progress note',
  科室: 'Department', '预警责任人（用户ID）': 'People responsible for warnings (user ID)', 来源: 'Source', 预警责任人: 'People responsible for warnings',
  设置预警责任人: 'Set the people responsible', '责任人用户ID（逗号分隔，留空则通知设置中的角色）': 'User IDs (comma-separated; empty: the roles of the settings are told)',
  项目进度与预警责任人: 'Project progress and people responsible',
  // route answers and refusals
  预警: 'Warning', 说明: 'Note', 预警不存在: 'No such warning', '预警已{status}': 'Warning {status}', 筛选条件已更新: 'Filter updated',
  '已重新计算：{n} 条预警（严重 {severe} 条）': 'Recomputed: {n} warnings ({severe} severe)', 项目不存在: 'No such project', 项目进度已保存: 'Project progress saved',
  科室不存在: 'No such department', 责任人须为用户ID: 'People responsible are user IDs', '每个科室至多 20 名责任人': 'At most 20 people responsible per department',
  预警责任人已保存: 'People responsible saved', '情景“{name}”已保存': 'Scenario “{name}” saved', 情景: 'Scenario', 情景已删除: 'Scenario deleted', 情景不存在: 'No such scenario',
  '请填写{label}': '{label} is required', '{label}不能超过 {max} 个字符': '{label}: at most {max} characters', '{label}须为数字': '{label} must be a number',
  '{label}须为整数': '{label} must be a whole number', '{label}不能小于 {min}': '{label} cannot be below {min}', '{label}不能大于 {max}': '{label} cannot be above {max}',
  '{label}须为日期（YYYY-MM-DD）': '{label} must be a date (YYYY-MM-DD)', '{label}取值无效': '{label}: invalid value', '找不到项目“{ref}”': 'No project “{ref}”',
  '项目“{ref}”的推迟比例须为 0–100': 'The delay of project “{ref}” is 0–100', 项目推迟: 'Project delays', '财力减收（%）': 'Revenue cut (%)', 项目优先级: 'Project priority',
  '预警当前为“{status}”，不能确认': 'The warning is “{status}”: it cannot be acknowledged', '预警当前为“{status}”，不能处置': 'The warning is “{status}”: it cannot be handled',
  处置预警须填写处置说明: 'Handling a warning needs a handling note', 预警须先处置后才能关闭: 'Handle the warning before closing it', 预警已关闭: 'The warning is closed',
});

/** Both languages of a text whose string parameters are texts too (a field's label, a state). */
export function both(zh: string, params: TextParams = {}): { zh: string; en: string } {
  const en: TextParams = {};
  for (const [k, v] of Object.entries(params)) en[k] = typeof v === 'string' ? t('en', v) : v;
  return { zh: t('zh-CN', zh, params), en: t('en', zh, en) };
}

export type { Lang };
