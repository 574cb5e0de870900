import type { HostApi, Lang, ViewSpec } from '@unibudget/sdk';
import { allDocuments, candidatesOf, documentOf, findDocuments } from './store.js';
import { TOPIC_KEYS, TOPICS } from './library.js';
import { diff, itemsOf, PER_LABEL, proposedRows, type StandardItems } from './standards.js';
import { percentText, yuan } from './numerals.js';
import { t } from './texts.js';

/**
 * View specs: 政策文件库, 标准抽取复核, 支出标准版本, 标准差异分析, 规则试运行. Money is fen in cells formatted `fen` (shown as 元).
 * Worded in the reader's language (`lang`, texts.ts); names of standards and documents are data and stay as published.
 */

export interface Prefs { [key: string]: string | undefined; q?: string | undefined; topic?: string | undefined; documentId?: string | undefined; from?: string | undefined; to?: string | undefined }

const topicOptions = (lang: Lang) => TOPIC_KEYS.map((k) => ({ value: k, label: t(lang, TOPICS[k]!.label) }));
const itemOptions = (items: StandardItems) => Object.entries(items).map(([value, i]) => ({ value, label: `${i.label}（${value}）` }));
const perOptions = (lang: Lang) => Object.entries(PER_LABEL).map(([value, label]) => ({ value, label: t(lang, label) }));
const perText = (lang: Lang, per: string) => t(lang, PER_LABEL[per] ?? per);
const STATUS: Record<string, string> = { pending: '待复核', confirmed: '已确认', dismissed: '已排除', proposed: '待采纳', adopted: '已采纳', rejected: '已退回' };
const status = (lang: Lang, s: string) => t(lang, STATUS[s] ?? s);
const TRIAL_RULES: Array<[string, string]> = [ // labels: texts of texts.ts
  ['EXPENDITURE_STANDARD_EXCEEDED', '不得超过支出标准'], ['THREE_PUBLIC_CAP_EXCEEDED', '三公经费不得超过年度控制数'],
  ['CONTRACT_REQUIRED', '政府采购事项须有合同编号'], ['ECONOMIC_KIND_MISMATCH', '经济分类须符合支出类型'],
];
const modeOptions = (lang: Lang) => [{ value: 'keep', label: t(lang, '保持现行') }, { value: 'block', label: t(lang, '拦截') }, { value: 'warn', label: t(lang, '提醒') }, { value: 'ignore', label: t(lang, '不检查') }];

export async function libraryView(host: HostApi, prefs: Prefs, lang: Lang = 'zh-CN'): Promise<ViewSpec> {
  const found = await findDocuments(host, prefs.q ?? '', prefs.topic ?? '');
  const total = (await allDocuments(host)).length;
  return {
    title: t(lang, '政策文件库'),
    blocks: [
      { type: 'stat', label: t(lang, '文件总数'), value: total, unit: t(lang, '件') },
      { type: 'stat', label: t(lang, '检索结果'), value: found.length, unit: t(lang, '件') },
      {
        type: 'form', title: t(lang, '检索（中文全文，可用空格分隔多个词）'), submit: 'prefs', submitLabel: t(lang, '检索'),
        fields: [
          { key: 'q', label: t(lang, '关键词'), input: 'text', value: prefs.q ?? '', maxLength: 100, help: t(lang, '如：住宿费 旺季；财行〔2016〕71号') },
          { key: 'topic', label: t(lang, '主题'), input: 'select', value: prefs.topic ?? '', options: [{ value: '', label: t(lang, '全部') }, ...topicOptions(lang)] },
        ],
      },
      {
        type: 'table', title: t(lang, '政策文件'),
        columns: [
          { key: 'number', label: t(lang, '文号') }, { key: 'title', label: t(lang, '标题') }, { key: 'issuer', label: t(lang, '发文机关') }, { key: 'issuedAt', label: t(lang, '发文日期'), format: 'date' },
          { key: 'topics', label: t(lang, '主题') }, { key: 'candidates', label: t(lang, '候选标准'), format: 'number' },
        ],
        rows: found.slice(0, 200).map((d) => ({
          _id: d.id, number: d.data.number, title: d.data.title, issuer: d.data.issuer, issuedAt: d.data.issuedAt || null,
          topics: d.data.topics.map((k) => (TOPICS[k] ? t(lang, TOPICS[k]!.label) : k)).join(lang === 'en' ? ', ' : '、'), candidates: d.data.extractedAt ? d.data.candidates : null,
        })),
        actions: [{ id: 'extract', label: t(lang, '抽取标准'), route: 'extractions', confirm: t(lang, '从该文件全文中抽取候选标准？已作出的复核结论会保留。') }],
      },
      {
        type: 'form', title: t(lang, '添加政策文件'), submit: 'documents', submitLabel: t(lang, '添加'),
        fields: [
          { key: 'title', label: t(lang, '标题'), input: 'text', required: true, maxLength: 200 },
          { key: 'number', label: t(lang, '文号'), input: 'text', maxLength: 60, help: t(lang, '如：财行〔2016〕71号') },
          { key: 'issuer', label: t(lang, '发文机关'), input: 'text', maxLength: 100 },
          { key: 'issuedAt', label: t(lang, '发文日期'), input: 'date' },
          { key: 'effectiveFrom', label: t(lang, '施行日期'), input: 'date' },
          { key: 'topics', label: t(lang, '主题'), input: 'multiselect', options: topicOptions(lang), help: t(lang, '不选则按全文自动判断') },
          { key: 'economicCodes', label: t(lang, '经济分类'), input: 'text', maxLength: 200, help: t(lang, '如：30211,30215（逗号分隔）') },
          { key: 'text', label: t(lang, '全文'), input: 'textarea', maxLength: 50_000, help: t(lang, '粘贴全文（5 万字以内），更长的请上传 .txt 文本文件') },
          { key: 'file', label: t(lang, '全文文件'), input: 'file', accept: '.txt,.md' },
        ],
      },
    ],
  };
}

export async function reviewView(host: HostApi, documentId: string | undefined, lang: Lang = 'zh-CN'): Promise<ViewSpec> {
  const docs = await allDocuments(host);
  const chosen = documentId && docs.some((d) => d.id === documentId) ? documentId : docs.find((d) => d.data.extractedAt)?.id;
  if (!chosen) return { title: t(lang, '标准抽取复核'), blocks: [{ type: 'markdown', text: t(lang, '还没有抽取过候选标准。请先在“政策文件库”添加文件并点击“抽取标准”。') }] };
  const doc = await documentOf(host, chosen);
  const candidates = await candidatesOf(host, chosen);
  const pending = candidates.filter((c) => c.status === 'pending').length;
  const confirmed = candidates.filter((c) => c.status === 'confirmed').length;
  const items = itemsOf((await host.standards.list()).rows);
  const { rows, skipped } = proposedRows(candidates, items, doc.number, null);
  return {
    title: t(lang, '标准抽取复核：{title}', { title: doc.title }).slice(0, 200),
    blocks: [
      { type: 'markdown', text: `**${doc.number || t(lang, '未编号')}** ${doc.issuer} ${doc.issuedAt}　${t(lang, '施行：{date}', { date: doc.effectiveFrom || t(lang, '未注明') })}` },
      { type: 'stat', label: t(lang, '候选'), value: candidates.length, unit: t(lang, '条') },
      { type: 'stat', label: t(lang, '待复核'), value: pending, unit: t(lang, '条'), tone: pending ? 'warn' : 'normal' },
      { type: 'stat', label: t(lang, '已确认'), value: confirmed, unit: t(lang, '条'), tone: 'good' },
      {
        type: 'form', title: t(lang, '切换文件'), submit: 'prefs', submitLabel: t(lang, '查看'),
        fields: [{ key: 'documentId', label: t(lang, '文件'), input: 'select', value: chosen, options: docs.slice(0, 200).map((d) => ({ value: d.id, label: `${d.data.number || d.id} ${d.data.title}`.slice(0, 200) })) }],
      },
      {
        type: 'table', title: t(lang, '候选标准（金额单位：元）'),
        columns: [
          { key: 'sentence', label: t(lang, '原文') }, { key: 'amount', label: t(lang, '金额'), format: 'fen' }, { key: 'percent', label: t(lang, '比例') }, { key: 'per', label: t(lang, '计量单位') },
          { key: 'subject', label: t(lang, '对象') }, { key: 'item', label: t(lang, '标准项目') }, { key: 'tier', label: t(lang, '档次') }, { key: 'tierWords', label: t(lang, '地区/职级/旺季') }, { key: 'status', label: t(lang, '状态') },
        ],
        rows: candidates.map((c) => ({
          _id: `${c.documentId}-${c.id}`, _actions: c.status === 'pending' ? 'confirm,dismiss' : c.status === 'confirmed' ? 'dismiss' : 'confirm',
          sentence: c.sentence.slice(0, 300), amount: c.kind === 'amount' ? c.value : null, percent: c.kind === 'percent' ? percentText(c.value) : '',
          per: c.per ? perText(lang, c.per) : '', subject: c.subject, item: c.item ? items[c.item]?.label ?? c.item : '', tier: c.tier ?? '',
          tierWords: [c.region, c.rank, c.season].filter(Boolean).join(' '), status: status(lang, c.status),
        })),
        actions: [
          { id: 'confirm', label: t(lang, '确认'), route: 'candidates/confirm' },
          { id: 'dismiss', label: t(lang, '排除'), route: 'candidates/dismiss', reason: 'optional', tone: 'danger', confirm: t(lang, '排除这条候选？') },
        ],
      },
      {
        type: 'form', title: t(lang, '修改候选（修改后视为已确认）'), submit: 'candidates/edit', submitLabel: t(lang, '保存'),
        fields: [
          { key: 'id', label: t(lang, '候选'), input: 'select', required: true, options: candidates.slice(0, 200).map((c) => ({ value: `${c.documentId}-${c.id}`, label: `${c.text} ${c.subject}`.slice(0, 200) })) },
          { key: 'item', label: t(lang, '标准项目'), input: 'select', options: [{ value: '', label: t(lang, '不变') }, ...itemOptions(items)] },
          { key: 'tier', label: t(lang, '档次代码'), input: 'text', maxLength: 20, help: t(lang, '如 all、class2、js-a.other（与支出标准页面的代码一致）') },
          { key: 'per', label: t(lang, '计量单位'), input: 'select', options: [{ value: '', label: t(lang, '不变') }, ...perOptions(lang)] },
          { key: 'value', label: t(lang, '金额'), input: 'fen' },
        ],
      },
      { type: 'markdown', text: rows.length ? `${t(lang, '已确认的 {n} 项可形成拟议标准版本', { n: rows.length })}${skipped.length ? t(lang, '（另有 {n} 项需补充项目或档次）', { n: skipped.length }) : ''}${lang === 'en' ? '.' : '。'}` : t(lang, '确认候选并指定标准项目、档次后，可形成拟议标准版本。') },
      {
        type: 'form', title: t(lang, '形成拟议标准版本（由财务人员在“支出标准”页面采纳）'), submit: 'proposals', submitLabel: t(lang, '提交拟议版本'),
        fields: [
          { key: 'documentId', label: t(lang, '文件'), input: 'select', value: chosen, options: [{ value: chosen, label: doc.title.slice(0, 200) }] },
          { key: 'effectiveFrom', label: t(lang, '生效日期'), input: 'date', value: doc.effectiveFrom || null, required: true },
          { key: 'title', label: t(lang, '版本名称'), input: 'text', maxLength: 100 },
          { key: 'reason', label: t(lang, '说明'), input: 'textarea', maxLength: 500 },
        ],
      },
    ],
  };
}

export async function standardsView(host: HostApi, lang: Lang = 'zh-CN'): Promise<ViewSpec> {
  const s = await host.standards.list();
  return {
    title: t(lang, '支出标准版本'),
    blocks: [
      { type: 'stat', label: t(lang, '在用标准'), value: s.rows.length, unit: t(lang, '项') },
      { type: 'stat', label: t(lang, '待采纳版本'), value: s.history.filter((v) => v.status === 'proposed').length, unit: t(lang, '个'), tone: s.history.some((v) => v.status === 'proposed') ? 'warn' : 'normal' },
      {
        type: 'table', title: t(lang, '{date} 在用的支出标准（单位：元）', { date: s.date }),
        columns: [{ key: 'name', label: t(lang, '标准') }, { key: 'code', label: t(lang, '代码') }, { key: 'cap', label: t(lang, '标准'), format: 'fen' }, { key: 'per', label: t(lang, '计量单位') }, { key: 'source', label: t(lang, '依据') }, { key: 'version', label: t(lang, '版本'), format: 'number' }],
        rows: s.rows.slice(0, 1000).map((r) => ({ name: r.name, code: `${r.item}/${r.tier}`, cap: r.cap, per: perText(lang, r.per), source: r.verified ? r.source : t(lang, '{source}（未核对）', { source: r.source }), version: r.versionId })),
      },
      {
        type: 'timeline', title: t(lang, '版本历史'),
        items: s.history.slice(0, 200).map((v) => ({
          at: v.effectiveFrom, title: `#${v.id} ${v.title}（${status(lang, v.status)}${v.inForce ? t(lang, '，在用') : ''}）`.slice(0, 200),
          text: [v.ownerUnitId ? t(lang, '单位 {unit}', { unit: v.ownerUnitId }) : t(lang, '全国标准'), t(lang, '依据 {source}', { source: v.sourceDocument }), t(lang, '{n} 项', { n: v.rowCount }),
            v.proposedVia.startsWith('plugin:') ? t(lang, '插件提议') : t(lang, '提出人 {name}', { name: v.proposedByName ?? t(lang, '系统') }), ...(v.decidedByName ? [`${status(lang, v.status)}${lang === 'en' ? ': ' : '：'}${v.decidedByName}`] : [])]
            .join(lang === 'en' ? '; ' : '；').slice(0, 2000),
          tone: v.status === 'adopted' ? 'good' : v.status === 'rejected' ? 'bad' : 'warn',
        })),
      },
    ],
  };
}

export async function diffView(host: HostApi, prefs: Prefs, lang: Lang = 'zh-CN'): Promise<ViewSpec> {
  const s = await host.standards.list();
  const versions = s.history;
  const latestProposed = versions.find((v) => v.status === 'proposed');
  const from = Number(prefs.from) || s.versions[0]?.id || 0;
  const to = Number(prefs.to) || latestProposed?.id || 0;
  const blocks: ViewSpec['blocks'] = [
    {
      type: 'form', title: t(lang, '选择比较的版本'), submit: 'prefs', submitLabel: t(lang, '比较'),
      fields: [
        { key: 'from', label: t(lang, '原版本'), input: 'select', value: String(from || ''), options: versions.map((v) => ({ value: String(v.id), label: `#${v.id} ${v.title}（${status(lang, v.status)}）`.slice(0, 200) })) },
        { key: 'to', label: t(lang, '新版本'), input: 'select', value: String(to || ''), options: versions.map((v) => ({ value: String(v.id), label: `#${v.id} ${v.title}（${status(lang, v.status)}）`.slice(0, 200) })) },
        { key: 'documentId', label: t(lang, '或：文件与在用标准比较'), input: 'select', value: prefs.documentId ?? '', options: [{ value: '', label: t(lang, '不比较文件') }, ...(await allDocuments(host)).slice(0, 200).map((d) => ({ value: d.id, label: `${d.data.number || d.id} ${d.data.title}`.slice(0, 200) }))] },
      ],
    },
  ];
  const table = (title: string, changes: ReturnType<typeof diff>) => ({
    type: 'table' as const, title,
    columns: [{ key: 'kind', label: t(lang, '变化') }, { key: 'name', label: t(lang, '标准') }, { key: 'code', label: t(lang, '代码') }, { key: 'field', label: t(lang, '参数') }, { key: 'before', label: t(lang, '调整前') }, { key: 'after', label: t(lang, '调整后') }],
    rows: changes.slice(0, 1000).map((c) => ({
      kind: t(lang, c.kind === 'added' ? '新增' : c.kind === 'removed' ? '删除' : '修改'), name: c.name, code: `${c.item}/${c.tier}`, field: c.field ?? t(lang, '标准'),
      before: c.field === 'cap' || c.field === null ? (typeof c.before === 'number' ? t(lang, '{amount} 元', { amount: yuan(c.before) }) : '—') : String(c.before ?? '—'),
      after: c.field === 'cap' || c.field === null ? (typeof c.after === 'number' ? t(lang, '{amount} 元', { amount: yuan(c.after) }) : '—') : String(c.after ?? '—'),
    })),
  });
  if (from && to && from !== to) {
    const [a, b] = [await host.standards.get(from), await host.standards.get(to)];
    const changes = diff(a.rows, b.rows, a.ownerUnitId !== b.ownerUnitId);
    blocks.push({ type: 'stat', label: t(lang, '参数变化'), value: changes.length, unit: t(lang, '处') }, table(`#${from} → #${to}${a.ownerUnitId !== b.ownerUnitId ? t(lang, '（新版本覆盖原版本中同代码的标准）') : ''}`, changes));
  }
  if (prefs.documentId) {
    const doc = await documentOf(host, prefs.documentId);
    const { rows } = proposedRows(await candidatesOf(host, prefs.documentId), itemsOf(s.rows), doc.number, null);
    blocks.push(table(t(lang, '「{title}」已确认的标准与在用标准', { title: doc.title }).slice(0, 200), diff(s.rows, rows, true)));
  }
  return { title: t(lang, '标准差异分析'), blocks };
}

export async function trialView(host: HostApi, lang: Lang = 'zh-CN'): Promise<ViewSpec> {
  const s = await host.standards.list();
  const docs = await allDocuments(host);
  const last = (await host.storage.query<Record<string, unknown>>('trials', {}, { limit: 1 }))[0];
  const year = s.date.slice(0, 4);
  const blocks: ViewSpec['blocks'] = [
    {
      type: 'form', title: t(lang, '试运行：用新的标准或规则配置检查历史支付（不改变任何数据）'), submit: 'trial-runs', submitLabel: t(lang, '开始试运行'),
      fields: [
        { key: 'from', label: t(lang, '起始日期'), input: 'date', value: `${year}-01-01`, required: true },
        { key: 'to', label: t(lang, '截止日期'), input: 'date', value: s.date, required: true },
        { key: 'versionId', label: t(lang, '拟议标准版本'), input: 'select', options: [{ value: '', label: t(lang, '现行标准') }, ...s.history.filter((v) => v.status !== 'rejected').map((v) => ({ value: String(v.id), label: `#${v.id} ${v.title}（${status(lang, v.status)}）`.slice(0, 200) }))] },
        { key: 'documentId', label: t(lang, '或：文件中已确认的标准'), input: 'select', options: [{ value: '', label: t(lang, '不使用') }, ...docs.slice(0, 200).map((d) => ({ value: d.id, label: `${d.data.number || d.id} ${d.data.title}`.slice(0, 200) }))] },
        ...TRIAL_RULES.map(([code, label]) => ({ key: `mode_${code}`, label: t(lang, label), input: 'select' as const, value: 'keep', options: modeOptions(lang) })),
      ],
    },
  ];
  if (last) {
    const r = last.data.report as { evaluated: number; from: string; to: string; proposed: { blocked: { count: number; amount: number }; warned: { count: number; amount: number } }; newlyBlocked: { count: number; amount: number }; payments: Array<Record<string, unknown>>; truncated: boolean };
    blocks.push(
      { type: 'markdown', text: t(lang, '**最近一次试运行**：{at}，{from} 至 {to}，共检查 {n} 笔支付。', { at: String(last.data.at).slice(0, 16).replace('T', ' '), from: r.from, to: r.to, n: r.evaluated }) },
      { type: 'stat', label: t(lang, '将被拦截'), value: r.proposed.blocked.amount, format: 'fen', unit: t(lang, '元 / {n} 笔', { n: r.proposed.blocked.count }), tone: r.proposed.blocked.count ? 'bad' : 'good' },
      { type: 'stat', label: t(lang, '将被提醒'), value: r.proposed.warned.amount, format: 'fen', unit: t(lang, '元 / {n} 笔', { n: r.proposed.warned.count }), tone: r.proposed.warned.count ? 'warn' : 'normal' },
      { type: 'stat', label: t(lang, '新增拦截'), value: r.newlyBlocked.amount, format: 'fen', unit: t(lang, '元 / {n} 笔', { n: r.newlyBlocked.count }), tone: r.newlyBlocked.count ? 'bad' : 'normal' },
      {
        type: 'table', title: `${t(lang, '受影响的支付（单位：元）')}${r.truncated ? t(lang, '（仅列前 200 笔）') : ''}`,
        columns: [{ key: 'date', label: t(lang, '日期'), format: 'date' }, { key: 'id', label: t(lang, '支付'), format: 'number' }, { key: 'purpose', label: t(lang, '用途') }, { key: 'amount', label: t(lang, '金额'), format: 'fen' }, { key: 'severity', label: t(lang, '试运行结果') }, { key: 'current', label: t(lang, '现行结果') }, { key: 'why', label: t(lang, '原因') }],
        rows: r.payments.slice(0, 200).map((p) => ({
          date: p.date as string, id: p.id as number, purpose: String(p.purpose).slice(0, 200), amount: p.amount as number,
          severity: t(lang, p.severity === 'block' ? '拦截' : '提醒'), current: t(lang, p.currentSeverity === 'block' ? '拦截' : p.currentSeverity === 'warn' ? '提醒' : '通过'),
          why: (p.findings as Array<{ message: string }>).map((f) => f.message).join('；').slice(0, 500),
        })),
      },
    );
  }
  return { title: t(lang, '规则试运行'), blocks };
}
