import { bilingual, texts, type TextParams } from '@unibudget/sdk';

/**
 * The plugin's words in English, keyed by the Chinese the code writes (context.lang / request.lang
 * picks). Names of standards, documents and their sentences are data and stay as published.
 */
export const t = texts({
  // views: titles and stats
  政策文件库: 'Policy library', 标准抽取复核: 'Extraction review', '标准抽取复核：{title}': 'Extraction review: {title}', 支出标准版本: 'Standard versions',
  标准差异分析: 'Standard differences', 规则试运行: 'Rule trial runs', 文件总数: 'Documents', 检索结果: 'Found', 件: 'documents', 条: 'items', 项: 'items', 个: 'versions', 处: 'changes',
  '检索（中文全文，可用空格分隔多个词）': 'Search (full text in Chinese; separate several words with spaces)', 检索: 'Search', 关键词: 'Words',
  '如：住宿费 旺季；财行〔2016〕71号': 'e.g. 住宿费 旺季; 财行〔2016〕71号', 主题: 'Topics', 全部: 'All', 政策文件: 'Policy documents', 文号: 'Number', 标题: 'Title',
  发文机关: 'Issued by', 发文日期: 'Issued on', 候选标准: 'Candidate standards', 抽取标准: 'Extract standards',
  '从该文件全文中抽取候选标准？已作出的复核结论会保留。': 'Extract candidate standards from the full text of this document? Decisions already made are kept.',
  添加政策文件: 'Add a policy document', 添加: 'Add', '如：财行〔2016〕71号': 'e.g. 财行〔2016〕71号', 施行日期: 'In force from', '不选则按全文自动判断': 'None chosen: judged from the full text',
  经济分类: 'Economic classes', '如：30211,30215（逗号分隔）': 'e.g. 30211,30215 (comma-separated)', 全文: 'Full text',
  '粘贴全文（5 万字以内），更长的请上传 .txt 文本文件': 'Paste the full text (up to 50,000 characters); upload a longer one as a .txt file', 全文文件: 'Full-text file',
  '还没有抽取过候选标准。请先在“政策文件库”添加文件并点击“抽取标准”。': 'No candidate standards extracted yet. Add a document in “Policy library” and choose “Extract standards”.',
  未编号: 'no number', 未注明: 'not stated', '施行：{date}': 'in force from: {date}', 候选: 'Candidates', 待复核: 'To review', 已确认: 'Confirmed', 切换文件: 'Switch document', 查看: 'Show', 文件: 'Document',
  '候选标准（金额单位：元）': 'Candidate standards (amounts in yuan)', 原文: 'Sentence', 金额: 'Amount', 比例: 'Rate', 计量单位: 'Unit of measure', 对象: 'Subject',
  标准项目: 'Standard item', 档次: 'Tier', '地区/职级/旺季': 'Region / rank / peak season', 状态: 'Status', 确认: 'Confirm', 排除: 'Dismiss', '排除这条候选？': 'Dismiss this candidate?',
  '修改候选（修改后视为已确认）': 'Correct a candidate (corrected means confirmed)', 保存: 'Save', 不变: 'Unchanged', 档次代码: 'Tier code',
  '如 all、class2、js-a.other（与支出标准页面的代码一致）': 'e.g. all, class2, js-a.other (the codes of the standards page)',
  '已确认的 {n} 项可形成拟议标准版本': '{n} confirmed items can become a proposed standard version', '（另有 {n} 项需补充项目或档次）': ' ({n} more need an item or a tier)',
  '确认候选并指定标准项目、档次后，可形成拟议标准版本。': 'Confirm candidates and give their item and tier to form a proposed standard version.',
  '形成拟议标准版本（由财务人员在“支出标准”页面采纳）': 'Propose a standard version (finance adopts it on the “Expenditure standards” page)', 提交拟议版本: 'Submit the proposal',
  生效日期: 'Effective from', 版本名称: 'Version title', 说明: 'Reason', 在用标准: 'Standards in force', 待采纳版本: 'Versions to adopt',
  '{date} 在用的支出标准（单位：元）': 'Expenditure standards in force on {date} (unit: yuan)', 标准: 'Standard', 代码: 'Code', 依据: 'Source', 版本: 'Version', '{source}（未核对）': '{source} (unverified)',
  版本历史: 'Version history', '，在用': ', in force', '单位 {unit}': 'unit {unit}', 全国标准: 'national standards', '依据 {source}': 'source {source}', '{n} 项': '{n} items',
  插件提议: 'proposed by a plugin', '提出人 {name}': 'proposed by {name}', 系统: 'the system', 选择比较的版本: 'Versions to compare', 比较: 'Compare', 原版本: 'From version', 新版本: 'To version',
  '或：文件与在用标准比较': 'Or: a document against the standards in force', 不比较文件: 'No document', 变化: 'Change', 参数: 'Parameter', 调整前: 'Before', 调整后: 'After',
  新增: 'added', 删除: 'removed', 修改: 'changed', '{amount} 元': '{amount} yuan', 参数变化: 'Parameter changes', '（新版本覆盖原版本中同代码的标准）': ' (the new version overrides standards with the same code)',
  '「{title}」已确认的标准与在用标准': 'Confirmed standards of “{title}” against those in force',
  '试运行：用新的标准或规则配置检查历史支付（不改变任何数据）': 'Trial run: check past payments under new standards or rule settings (nothing changes)', 开始试运行: 'Start the trial run',
  起始日期: 'From', 截止日期: 'To', 拟议标准版本: 'Proposed standard version', 现行标准: 'Standards in force', '或：文件中已确认的标准': 'Or: the confirmed standards of a document', 不使用: 'None',
  不得超过支出标准: 'Within the expenditure standards', 三公经费不得超过年度控制数: 'Three public expenses within the annual cap', 政府采购事项须有合同编号: 'Government procurement needs a contract number',
  经济分类须符合支出类型: 'Economic class matches the kind of expenditure', 保持现行: 'Keep as is', 拦截: 'Block', 提醒: 'Warn', 不检查: 'Do not check', 通过: 'Pass',
  '**最近一次试运行**：{at}，{from} 至 {to}，共检查 {n} 笔支付。': '**Latest trial run**: {at}, {from} to {to}, {n} payments checked.',
  将被拦截: 'Would be blocked', 将被提醒: 'Would be warned', 新增拦截: 'Newly blocked', '元 / {n} 笔': 'yuan / {n} payments', '受影响的支付（单位：元）': 'Payments affected (unit: yuan)',
  '（仅列前 200 笔）': ' (first 200 listed)', 日期: 'Date', 支付: 'Payment', 用途: 'Purpose', 试运行结果: 'Trial result', 现行结果: 'Current result', 原因: 'Why',
  已排除: 'Dismissed', 待采纳: 'To adopt', 已采纳: 'Adopted', 已退回: 'Rejected',
  '元/人·天': 'yuan/person-day', '元/人·晚': 'yuan/person-night', '元/人·餐': 'yuan/person-meal', '元/人次': 'yuan/person-time', '元/学时': 'yuan/hour', '元/次': 'yuan/trip', '元/件': 'yuan/item',
  差旅: 'Travel', 会议: 'Meetings', 培训: 'Training', 公务接待: 'Official reception', 公务用车: 'Official vehicles', 资产配置: 'Asset provision', 劳务与专家: 'Labour and experts', 综合: 'General',
  // route answers and refusals
  '已从「{title}」抽取 {n} 条候选标准，请逐条复核': 'Extracted {n} candidate standards from “{title}”; review them one by one', 候选标准不存在: 'No such candidate standard',
  '已确认：{text}（{subject}）': 'Confirmed: {text} ({subject})', 未识别对象: 'subject not recognised', '已排除：{text}': 'Dismissed: {text}',
  请填写起始日期: 'Give the start date', 请填写截止日期: 'Give the end date', 起始日期不能晚于截止日期: 'The start date cannot be after the end date', '规则 {rule} 的模式无效': 'Invalid mode for rule {rule}',
  标准版本无效: 'Invalid standard version', '已添加「{title}」，已提醒财务人员复核在用标准': 'Added “{title}”; finance was asked to review the standards in force', '已添加「{title}」': 'Added “{title}”',
  标准项目无效: 'Invalid standard item', '档次代码只能由字母、数字和 . _ - 组成（至多 20 位）': 'A tier code is letters, digits and . _ - (at most 20)', 金额无效: 'Invalid amount',
  '已修改并确认：{item} {tier} {amount} 元': 'Corrected and confirmed: {item} {tier} {amount} yuan', 请填写标准生效日期: 'Give the date the standards take effect',
  '已确认的候选尚不能形成标准：{problem}': 'The confirmed candidates cannot become standards yet: {problem}', 该文件还没有已确认的候选标准: 'This document has no confirmed candidate standards yet',
  '已提交拟议标准版本 #{id}（{n} 项），待财务人员采纳': 'Proposed standard version #{id} ({n} items) submitted; finance adopts it', '请给出 from、to 两个版本号，或 documentId': 'Give two version numbers, from and to, or documentId',
  该文件还没有可试运行的已确认标准: 'This document has no confirmed standards to try', '试运行完成：{n} 笔支付中，将拦截 {blocked} 笔（{blockedAmount} 元），提醒 {warned} 笔（{warnedAmount} 元）': 'Trial run done: of {n} payments, {blocked} would be blocked ({blockedAmount} yuan) and {warned} warned ({warnedAmount} yuan)',
  已更新: 'Updated', 政策文件不存在: 'No such policy document', 比例类候选需人工换算为金额标准: 'A rate has to be turned into an amount by hand', 请先指定标准项目: 'Give the standard item first',
  '请先指定档次代码（如 all、class2、js-a.other）': 'Give the tier code first (e.g. all, class2, js-a.other)',
  '请填写{label}': '{label} is required', '{label}须为文本': '{label} must be text', '{label}不能超过 {max} 个字': '{label}: at most {max} characters', '{label}格式不正确': '{label}: wrong format',
  '{label}取值无效': '{label}: invalid value', 文件格式不正确: 'Invalid file', '只支持 .txt 文本文件（全文粘贴也可）': 'Only .txt text files (or paste the full text)', '文件不是 UTF-8 文本': 'The file is not UTF-8 text',
  请粘贴文件全文或上传文本文件: 'Paste the full text or upload a text file', '全文不能超过 20 万字': 'The full text is at most 200,000 characters',
});

/** A refusal's message in both languages (the host picks the caller's). */
export const both = (zh: string, params?: TextParams) => bilingual(t, zh, params);
