import type { HostApi, ViewSpec } from '@unibudget/sdk';
import { allDocuments, candidatesOf, documentOf, findDocuments } from './store.js';
import { TOPIC_KEYS, TOPICS } from './library.js';
import { diff, ITEMS, PER_LABEL, proposedRows } from './standards.js';
import { percentText, yuan } from './numerals.js';

/** View specs: 政策文件库, 标准抽取复核, 支出标准版本, 标准差异分析, 规则试运行. Money is fen in cells formatted `fen` (shown as 元). */

export interface Prefs { [key: string]: string | undefined; q?: string | undefined; topic?: string | undefined; documentId?: string | undefined; from?: string | undefined; to?: string | undefined }

const topicOptions = TOPIC_KEYS.map((k) => ({ value: k, label: TOPICS[k]!.label }));
const itemOptions = Object.entries(ITEMS).map(([value, i]) => ({ value, label: `${i.label}（${value}）` }));
const perOptions = Object.entries(PER_LABEL).map(([value, label]) => ({ value, label }));
const STATUS: Record<string, string> = { pending: '待复核', confirmed: '已确认', dismissed: '已排除', proposed: '待采纳', adopted: '已采纳', rejected: '已退回' };
const TRIAL_RULES: Array<[string, string]> = [
  ['EXPENDITURE_STANDARD_EXCEEDED', '不得超过支出标准'], ['THREE_PUBLIC_CAP_EXCEEDED', '三公经费不得超过年度控制数'],
  ['CONTRACT_REQUIRED', '政府采购事项须有合同编号'], ['ECONOMIC_KIND_MISMATCH', '经济分类须符合支出类型'],
];
const modeOptions = [{ value: 'keep', label: '保持现行' }, { value: 'block', label: '拦截' }, { value: 'warn', label: '提醒' }, { value: 'ignore', label: '不检查' }];

export async function libraryView(host: HostApi, prefs: Prefs): Promise<ViewSpec> {
  const found = await findDocuments(host, prefs.q ?? '', prefs.topic ?? '');
  const total = (await allDocuments(host)).length;
  return {
    title: '政策文件库',
    blocks: [
      { type: 'stat', label: '文件总数', value: total, unit: '件' },
      { type: 'stat', label: '检索结果', value: found.length, unit: '件' },
      {
        type: 'form', title: '检索（中文全文，可用空格分隔多个词）', submit: 'prefs', submitLabel: '检索',
        fields: [
          { key: 'q', label: '关键词', input: 'text', value: prefs.q ?? '', maxLength: 100, help: '如：住宿费 旺季；财行〔2016〕71号' },
          { key: 'topic', label: '主题', input: 'select', value: prefs.topic ?? '', options: [{ value: '', label: '全部' }, ...topicOptions] },
        ],
      },
      {
        type: 'table', title: '政策文件',
        columns: [
          { key: 'number', label: '文号' }, { key: 'title', label: '标题' }, { key: 'issuer', label: '发文机关' }, { key: 'issuedAt', label: '发文日期', format: 'date' },
          { key: 'topics', label: '主题' }, { key: 'candidates', label: '候选标准', format: 'number' },
        ],
        rows: found.slice(0, 200).map((d) => ({
          _id: d.id, number: d.data.number, title: d.data.title, issuer: d.data.issuer, issuedAt: d.data.issuedAt || null,
          topics: d.data.topics.map((t) => TOPICS[t]?.label ?? t).join('、'), candidates: d.data.extractedAt ? d.data.candidates : null,
        })),
        actions: [{ id: 'extract', label: '抽取标准', route: 'extractions', confirm: '从该文件全文中抽取候选标准？已作出的复核结论会保留。' }],
      },
      {
        type: 'form', title: '添加政策文件', submit: 'documents', submitLabel: '添加',
        fields: [
          { key: 'title', label: '标题', input: 'text', required: true, maxLength: 200 },
          { key: 'number', label: '文号', input: 'text', maxLength: 60, help: '如：财行〔2016〕71号' },
          { key: 'issuer', label: '发文机关', input: 'text', maxLength: 100 },
          { key: 'issuedAt', label: '发文日期', input: 'date' },
          { key: 'effectiveFrom', label: '施行日期', input: 'date' },
          { key: 'topics', label: '主题', input: 'multiselect', options: topicOptions, help: '不选则按全文自动判断' },
          { key: 'economicCodes', label: '经济分类', input: 'text', maxLength: 200, help: '如：30211,30215（逗号分隔）' },
          { key: 'text', label: '全文', input: 'textarea', maxLength: 50_000, help: '粘贴全文（5 万字以内），更长的请上传 .txt 文本文件' },
          { key: 'file', label: '全文文件', input: 'file', accept: '.txt,.md' },
        ],
      },
    ],
  };
}

export async function reviewView(host: HostApi, documentId: string | undefined): Promise<ViewSpec> {
  const docs = await allDocuments(host);
  const chosen = documentId && docs.some((d) => d.id === documentId) ? documentId : docs.find((d) => d.data.extractedAt)?.id;
  if (!chosen) return { title: '标准抽取复核', blocks: [{ type: 'markdown', text: '还没有抽取过候选标准。请先在“政策文件库”添加文件并点击“抽取标准”。' }] };
  const doc = await documentOf(host, chosen);
  const candidates = await candidatesOf(host, chosen);
  const pending = candidates.filter((c) => c.status === 'pending').length;
  const confirmed = candidates.filter((c) => c.status === 'confirmed').length;
  const { rows, skipped } = proposedRows(candidates, doc.number, null);
  return {
    title: `标准抽取复核：${doc.title}`.slice(0, 200),
    blocks: [
      { type: 'markdown', text: `**${doc.number || '未编号'}** ${doc.issuer} ${doc.issuedAt}　施行：${doc.effectiveFrom || '未注明'}` },
      { type: 'stat', label: '候选', value: candidates.length, unit: '条' },
      { type: 'stat', label: '待复核', value: pending, unit: '条', tone: pending ? 'warn' : 'normal' },
      { type: 'stat', label: '已确认', value: confirmed, unit: '条', tone: 'good' },
      {
        type: 'form', title: '切换文件', submit: 'prefs', submitLabel: '查看',
        fields: [{ key: 'documentId', label: '文件', input: 'select', value: chosen, options: docs.slice(0, 200).map((d) => ({ value: d.id, label: `${d.data.number || d.id} ${d.data.title}`.slice(0, 200) })) }],
      },
      {
        type: 'table', title: '候选标准（金额单位：元）',
        columns: [
          { key: 'sentence', label: '原文' }, { key: 'amount', label: '金额', format: 'fen' }, { key: 'percent', label: '比例' }, { key: 'per', label: '计量单位' },
          { key: 'subject', label: '对象' }, { key: 'item', label: '标准项目' }, { key: 'tier', label: '档次' }, { key: 'tierWords', label: '地区/职级/旺季' }, { key: 'status', label: '状态' },
        ],
        rows: candidates.map((c) => ({
          _id: `${c.documentId}-${c.id}`, _actions: c.status === 'pending' ? 'confirm,dismiss' : c.status === 'confirmed' ? 'dismiss' : 'confirm',
          sentence: c.sentence.slice(0, 300), amount: c.kind === 'amount' ? c.value : null, percent: c.kind === 'percent' ? percentText(c.value) : '',
          per: c.per ? PER_LABEL[c.per] ?? c.per : '', subject: c.subject, item: c.item ? ITEMS[c.item]?.label ?? c.item : '', tier: c.tier ?? '',
          tierWords: [c.region, c.rank, c.season].filter(Boolean).join(' '), status: STATUS[c.status] ?? c.status,
        })),
        actions: [
          { id: 'confirm', label: '确认', route: 'candidates/confirm' },
          { id: 'dismiss', label: '排除', route: 'candidates/dismiss', reason: 'optional', tone: 'danger', confirm: '排除这条候选？' },
        ],
      },
      {
        type: 'form', title: '修改候选（修改后视为已确认）', submit: 'candidates/edit', submitLabel: '保存',
        fields: [
          { key: 'id', label: '候选', input: 'select', required: true, options: candidates.slice(0, 200).map((c) => ({ value: `${c.documentId}-${c.id}`, label: `${c.text} ${c.subject}`.slice(0, 200) })) },
          { key: 'item', label: '标准项目', input: 'select', options: [{ value: '', label: '不变' }, ...itemOptions] },
          { key: 'tier', label: '档次代码', input: 'text', maxLength: 20, help: '如 all、class2、js-a.other（与支出标准页面的代码一致）' },
          { key: 'per', label: '计量单位', input: 'select', options: [{ value: '', label: '不变' }, ...perOptions] },
          { key: 'value', label: '金额', input: 'fen' },
        ],
      },
      { type: 'markdown', text: rows.length ? `已确认的 ${rows.length} 项可形成拟议标准版本${skipped.length ? `（另有 ${skipped.length} 项需补充项目或档次）` : ''}。` : '确认候选并指定标准项目、档次后，可形成拟议标准版本。' },
      {
        type: 'form', title: '形成拟议标准版本（由财务人员在“支出标准”页面采纳）', submit: 'proposals', submitLabel: '提交拟议版本',
        fields: [
          { key: 'documentId', label: '文件', input: 'select', value: chosen, options: [{ value: chosen, label: doc.title.slice(0, 200) }] },
          { key: 'effectiveFrom', label: '生效日期', input: 'date', value: doc.effectiveFrom || null, required: true },
          { key: 'title', label: '版本名称', input: 'text', maxLength: 100 },
          { key: 'reason', label: '说明', input: 'textarea', maxLength: 500 },
        ],
      },
    ],
  };
}

export async function standardsView(host: HostApi): Promise<ViewSpec> {
  const s = await host.standards.list();
  return {
    title: '支出标准版本',
    blocks: [
      { type: 'stat', label: '在用标准', value: s.rows.length, unit: '项' },
      { type: 'stat', label: '待采纳版本', value: s.history.filter((v) => v.status === 'proposed').length, unit: '个', tone: s.history.some((v) => v.status === 'proposed') ? 'warn' : 'normal' },
      {
        type: 'table', title: `${s.date} 在用的支出标准（单位：元）`,
        columns: [{ key: 'name', label: '标准' }, { key: 'code', label: '代码' }, { key: 'cap', label: '标准', format: 'fen' }, { key: 'per', label: '计量单位' }, { key: 'source', label: '依据' }, { key: 'version', label: '版本', format: 'number' }],
        rows: s.rows.slice(0, 1000).map((r) => ({ name: r.name, code: `${r.item}/${r.tier}`, cap: r.cap, per: PER_LABEL[r.per] ?? r.per, source: r.verified ? r.source : `${r.source}（未核对）`, version: r.versionId })),
      },
      {
        type: 'timeline', title: '版本历史',
        items: s.history.slice(0, 200).map((v) => ({
          at: v.effectiveFrom, title: `#${v.id} ${v.title}（${STATUS[v.status] ?? v.status}${v.inForce ? '，在用' : ''}）`.slice(0, 200),
          text: `${v.ownerUnitId ? `单位 ${v.ownerUnitId}` : '全国标准'}；依据 ${v.sourceDocument}；${v.rowCount} 项；${v.proposedVia.startsWith('plugin:') ? '插件提议' : `提出人 ${v.proposedByName ?? '系统'}`}${v.decidedByName ? `；${STATUS[v.status]}：${v.decidedByName}` : ''}`.slice(0, 2000),
          tone: v.status === 'adopted' ? 'good' : v.status === 'rejected' ? 'bad' : 'warn',
        })),
      },
    ],
  };
}

export async function diffView(host: HostApi, prefs: Prefs): Promise<ViewSpec> {
  const s = await host.standards.list();
  const versions = s.history;
  const latestProposed = versions.find((v) => v.status === 'proposed');
  const from = Number(prefs.from) || s.versions[0]?.id || 0;
  const to = Number(prefs.to) || latestProposed?.id || 0;
  const blocks: ViewSpec['blocks'] = [
    {
      type: 'form', title: '选择比较的版本', submit: 'prefs', submitLabel: '比较',
      fields: [
        { key: 'from', label: '原版本', input: 'select', value: String(from || ''), options: versions.map((v) => ({ value: String(v.id), label: `#${v.id} ${v.title}（${STATUS[v.status]}）`.slice(0, 200) })) },
        { key: 'to', label: '新版本', input: 'select', value: String(to || ''), options: versions.map((v) => ({ value: String(v.id), label: `#${v.id} ${v.title}（${STATUS[v.status]}）`.slice(0, 200) })) },
        { key: 'documentId', label: '或：文件与在用标准比较', input: 'select', value: prefs.documentId ?? '', options: [{ value: '', label: '不比较文件' }, ...(await allDocuments(host)).slice(0, 200).map((d) => ({ value: d.id, label: `${d.data.number || d.id} ${d.data.title}`.slice(0, 200) }))] },
      ],
    },
  ];
  const table = (title: string, changes: ReturnType<typeof diff>) => ({
    type: 'table' as const, title,
    columns: [{ key: 'kind', label: '变化' }, { key: 'name', label: '标准' }, { key: 'code', label: '代码' }, { key: 'field', label: '参数' }, { key: 'before', label: '调整前' }, { key: 'after', label: '调整后' }],
    rows: changes.slice(0, 1000).map((c) => ({
      kind: c.kind === 'added' ? '新增' : c.kind === 'removed' ? '删除' : '修改', name: c.name, code: `${c.item}/${c.tier}`, field: c.field ?? '标准',
      before: c.field === 'cap' || c.field === null ? (typeof c.before === 'number' ? `${yuan(c.before)} 元` : '—') : String(c.before ?? '—'),
      after: c.field === 'cap' || c.field === null ? (typeof c.after === 'number' ? `${yuan(c.after)} 元` : '—') : String(c.after ?? '—'),
    })),
  });
  if (from && to && from !== to) {
    const [a, b] = [await host.standards.get(from), await host.standards.get(to)];
    const changes = diff(a.rows, b.rows, a.ownerUnitId !== b.ownerUnitId);
    blocks.push({ type: 'stat', label: '参数变化', value: changes.length, unit: '处' }, table(`#${from} → #${to}${a.ownerUnitId !== b.ownerUnitId ? '（新版本覆盖原版本中同代码的标准）' : ''}`, changes));
  }
  if (prefs.documentId) {
    const doc = await documentOf(host, prefs.documentId);
    const { rows } = proposedRows(await candidatesOf(host, prefs.documentId), doc.number, null);
    blocks.push(table(`「${doc.title}」已确认的标准与在用标准`.slice(0, 200), diff(s.rows, rows, true)));
  }
  return { title: '标准差异分析', blocks };
}

export async function trialView(host: HostApi): Promise<ViewSpec> {
  const s = await host.standards.list();
  const docs = await allDocuments(host);
  const last = (await host.storage.query<Record<string, unknown>>('trials', {}, { limit: 1 }))[0];
  const year = s.date.slice(0, 4);
  const blocks: ViewSpec['blocks'] = [
    {
      type: 'form', title: '试运行：用新的标准或规则配置检查历史支付（不改变任何数据）', submit: 'trial-runs', submitLabel: '开始试运行',
      fields: [
        { key: 'from', label: '起始日期', input: 'date', value: `${year}-01-01`, required: true },
        { key: 'to', label: '截止日期', input: 'date', value: s.date, required: true },
        { key: 'versionId', label: '拟议标准版本', input: 'select', options: [{ value: '', label: '现行标准' }, ...s.history.filter((v) => v.status !== 'rejected').map((v) => ({ value: String(v.id), label: `#${v.id} ${v.title}（${STATUS[v.status]}）`.slice(0, 200) }))] },
        { key: 'documentId', label: '或：文件中已确认的标准', input: 'select', options: [{ value: '', label: '不使用' }, ...docs.slice(0, 200).map((d) => ({ value: d.id, label: `${d.data.number || d.id} ${d.data.title}`.slice(0, 200) }))] },
        ...TRIAL_RULES.map(([code, label]) => ({ key: `mode_${code}`, label, input: 'select' as const, value: 'keep', options: modeOptions })),
      ],
    },
  ];
  if (last) {
    const r = last.data.report as { evaluated: number; from: string; to: string; proposed: { blocked: { count: number; amount: number }; warned: { count: number; amount: number } }; newlyBlocked: { count: number; amount: number }; payments: Array<Record<string, unknown>>; truncated: boolean };
    blocks.push(
      { type: 'markdown', text: `**最近一次试运行**：${String(last.data.at).slice(0, 16).replace('T', ' ')}，${r.from} 至 ${r.to}，共检查 ${r.evaluated} 笔支付。` },
      { type: 'stat', label: '将被拦截', value: r.proposed.blocked.amount, format: 'fen', unit: `元 / ${r.proposed.blocked.count} 笔`, tone: r.proposed.blocked.count ? 'bad' : 'good' },
      { type: 'stat', label: '将被提醒', value: r.proposed.warned.amount, format: 'fen', unit: `元 / ${r.proposed.warned.count} 笔`, tone: r.proposed.warned.count ? 'warn' : 'normal' },
      { type: 'stat', label: '新增拦截', value: r.newlyBlocked.amount, format: 'fen', unit: `元 / ${r.newlyBlocked.count} 笔`, tone: r.newlyBlocked.count ? 'bad' : 'normal' },
      {
        type: 'table', title: `受影响的支付（单位：元）${r.truncated ? '（仅列前 200 笔）' : ''}`,
        columns: [{ key: 'date', label: '日期', format: 'date' }, { key: 'id', label: '支付', format: 'number' }, { key: 'purpose', label: '用途' }, { key: 'amount', label: '金额', format: 'fen' }, { key: 'severity', label: '试运行结果' }, { key: 'current', label: '现行结果' }, { key: 'why', label: '原因' }],
        rows: r.payments.slice(0, 200).map((p) => ({
          date: p.date as string, id: p.id as number, purpose: String(p.purpose).slice(0, 200), amount: p.amount as number,
          severity: p.severity === 'block' ? '拦截' : '提醒', current: p.currentSeverity === 'block' ? '拦截' : p.currentSeverity === 'warn' ? '提醒' : '通过',
          why: (p.findings as Array<{ message: string }>).map((f) => f.message).join('；').slice(0, 500),
        })),
      },
    );
  }
  return { title: '规则试运行', blocks };
}
