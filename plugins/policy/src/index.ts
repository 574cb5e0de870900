import { definePlugin, fromBase64, refuse, type HostApi, type RouteRequest } from '@unibudget/sdk';
import { extract } from './extract.js';
import { codesOf, fileText, readDocument, TOPICS } from './library.js';
import { candidatesOf, documentOf, findDocuments } from './store.js';
import { diff, itemsOf, proposedRows, type StandardRowLike, type StoredCandidate } from './standards.js';
import { both, t } from './texts.js';
import { yuan } from './numerals.js';
import { SAMPLE_DOCUMENTS } from './samples.js';
import { libraryView, reviewView, standardsView, diffView, trialView, type Prefs } from './views.js';

/**
 * 政策与支出标准: the knowledge base of policy documents, extraction of candidate standards for a
 * person to confirm, proposals of standard versions (adopted in the core by finance), difference
 * analysis and trial runs with the core's rule engine. Pure parts: extract.ts, numerals.ts,
 * library.ts, standards.ts; this file reads and writes through the host API.
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const who = (r: { user: { username: string; id: number } }) => `${r.user.username}#${r.user.id}`;
const body = (b: unknown): Record<string, unknown> => (b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {});
const REVIEW_LINK = (id: string) => `/plugins/policy/review?documentId=${id}`;

async function nextDocumentId(host: HostApi): Promise<string> {
  const seq = await host.storage.get<{ n: number }>('meta', 'documents');
  const n = (seq?.data.n ?? 0) + 1;
  await host.storage.put('meta', 'documents', { n });
  return `d${n}`;
}

async function runExtraction(host: HostApi, documentId: string, request: RouteRequest) {
  const doc = await documentOf(host, documentId);
  const found = extract(doc.text);
  // Decisions already made on a sentence's candidate survive a re-run (same id, same value).
  const before = new Map((await candidatesOf(host, documentId)).map((c) => [c.id, c]));
  for (const c of found) {
    const old = before.get(c.id);
    const keep = old && old.value === c.value && old.kind === c.kind;
    const stored: StoredCandidate = { ...c, ...(keep ? { item: old.item, tier: old.tier, per: old.per } : {}), documentId, status: keep ? old.status : 'pending', decidedBy: keep ? old.decidedBy : null, decidedAt: keep ? old.decidedAt : null, reason: keep ? old.reason : '' };
    await host.storage.put('candidates', `${documentId}-${c.id}`, stored);
    before.delete(c.id);
  }
  for (const stale of before.keys()) await host.storage.delete('candidates', `${documentId}-${stale}`);
  await host.storage.put('documents', documentId, { ...doc, extractedAt: new Date().toISOString(), candidates: found.length });
  await host.log.info('candidates extracted', { documentId, count: found.length, by: who(request) });
  return {
    message: t(request.lang, '已从「{title}」抽取 {n} 条候选标准，请逐条复核', { title: doc.title, n: found.length }),
    documentId,
    candidates: found.map((c) => ({ id: `${documentId}-${c.id}`, kind: c.kind, value: c.value, text: c.text, per: c.per, bound: c.bound, subject: c.subject, item: c.item, tier: c.tier, region: c.region, rank: c.rank, season: c.season, sentence: c.sentence })),
  };
}

async function candidateOf(host: HostApi, id: unknown): Promise<StoredCandidate> {
  if (typeof id !== 'string' || !/^d\d{1,9}-\d{1,5}-\d{1,3}$/.test(id)) throw refuse(404, 'CANDIDATE_NOT_FOUND', both('候选标准不存在'), { id: String(id).slice(0, 40) });
  const found = await host.storage.get<StoredCandidate>('candidates', id);
  if (!found) throw refuse(404, 'CANDIDATE_NOT_FOUND', both('候选标准不存在'), { id });
  return found.data;
}

async function decide(request: RouteRequest, host: HostApi, status: 'confirmed' | 'dismissed') {
  const b = body(request.body);
  const c = await candidateOf(host, b.id);
  const reason = typeof b.reason === 'string' ? b.reason.trim().slice(0, 500) : '';
  const next: StoredCandidate = { ...c, status, decidedBy: who(request), decidedAt: new Date().toISOString(), reason };
  await host.storage.put('candidates', `${c.documentId}-${c.id}`, next);
  const lang = request.lang;
  return { message: status === 'confirmed' ? t(lang, '已确认：{text}（{subject}）', { text: c.text, subject: c.subject || t(lang, '未识别对象') }) : t(lang, '已排除：{text}', { text: c.text }), id: b.id, status };
}

/** The rows in force today, per item and tier. */
async function inForceRows(host: HostApi): Promise<StandardRowLike[]> {
  return (await host.standards.list()).rows;
}

type TrialParams = Parameters<HostApi['rules']['trial']>[0];

function trialBody(b: Record<string, unknown>, rows: StandardRowLike[] | null): TrialParams {
  const from = typeof b.from === 'string' && DATE.test(b.from) ? b.from : null;
  const to = typeof b.to === 'string' && DATE.test(b.to) ? b.to : null;
  if (!from) throw refuse(400, 'FIELD_REQUIRED', both('请填写起始日期'), { field: 'from' });
  if (!to) throw refuse(400, 'FIELD_REQUIRED', both('请填写截止日期'), { field: 'to' });
  if (from > to) throw refuse(400, 'FIELD_INVALID', both('起始日期不能晚于截止日期'), { field: 'to' });
  const modes: Record<string, 'block' | 'warn' | 'ignore'> = {};
  const rawModes = body(b.ruleModes);
  for (const [rule, mode] of Object.entries({ ...rawModes, ...Object.fromEntries(Object.entries(b).filter(([k]) => k.startsWith('mode_')).map(([k, v]) => [k.slice(5), v])) })) {
    if (mode === '' || mode === undefined || mode === null || mode === 'keep') continue;
    if (mode !== 'block' && mode !== 'warn' && mode !== 'ignore') throw refuse(400, 'FIELD_INVALID', both('规则 {rule} 的模式无效', { rule: rule.slice(0, 60) }), { field: `mode_${rule}` });
    modes[rule] = mode;
  }
  const versionId = b.versionId === '' || b.versionId === undefined || b.versionId === null ? null : Number(b.versionId);
  if (versionId !== null && (!Number.isSafeInteger(versionId) || versionId <= 0)) throw refuse(400, 'FIELD_INVALID', both('标准版本无效'), { field: 'versionId' });
  // Rows from a request are checked by the core (the host call refuses a bad row with its field).
  const standards = rows ? { rows } : versionId ? { versionId } : b.standards && typeof b.standards === 'object' ? (b.standards as TrialParams['standards']) : undefined;
  return { from, to, ...(Object.keys(modes).length ? { ruleModes: modes } : {}), ...(standards ? { standards } : {}), limit: 1000 };
}

async function prefsOf(host: HostApi, userId: number): Promise<Prefs> {
  return ((await host.storage.get<Prefs>('prefs', `user-${userId}`))?.data ?? {}) as Prefs;
}

export default definePlugin({
  migrate: async (host, versions) => {
    // First enable: the central rules every unit's standards start from (samples.ts); never again on upgrade.
    if (versions.from === null && (await host.storage.query('documents', {}, { limit: 1 })).length === 0) {
      for (const sample of SAMPLE_DOCUMENTS) {
        const doc = readDocument(sample as unknown as Record<string, unknown>, sample.text, 'system', new Date().toISOString());
        await host.storage.put('documents', await nextDocumentId(host), doc);
      }
    }
    await host.log.info('policy enabled', versions);
  },

  routes: {
    'GET documents': async (request, host) => {
      const q = (request.query.q ?? '').slice(0, 100);
      const topic = request.query.topic && request.query.topic in TOPICS ? request.query.topic : '';
      const found = await findDocuments(host, q, topic);
      return { documents: found.slice(0, 200).map((d) => ({ id: d.id, score: d.score, ...d.data, text: undefined, excerpt: d.data.text.slice(0, 200) })) };
    },

    'POST documents': async (request, host) => {
      const b = body(request.body);
      const text = fileText(b.file, fromBase64);
      const doc = readDocument(b, text, who(request), new Date().toISOString());
      const id = await nextDocumentId(host);
      await host.storage.put('documents', id, doc);
      // 提醒: a document whose topics touch a class that a standard in force is booked to is a task for finance.
      const inUse = new Set((await inForceRows(host)).map((r) => r.economicCode));
      const touched = codesOf(doc).filter((c) => inUse.has(c));
      if (touched.length) {
        await host.notify({
          title: `新政策文件待复核：${doc.title}`.slice(0, 200),
          body: `${doc.number ? `${doc.number}，` : ''}涉及在用支出标准（经济分类 ${touched.join('、')}），请复核是否需要调整标准。`,
          roles: ['finance_officer'],
          link: REVIEW_LINK(id),
        });
      }
      await host.log.info('document added', { id, number: doc.number, by: doc.addedBy, reminded: touched.length > 0 });
      return { message: t(request.lang, touched.length ? '已添加「{title}」，已提醒财务人员复核在用标准' : '已添加「{title}」', { title: doc.title }), id, reminded: touched.length > 0, topics: doc.topics };
    },

    'GET documents/:documentId': async (request, host) => {
      const doc = await documentOf(host, request.params.documentId ?? '');
      return { id: request.params.documentId, ...doc, candidates: await candidatesOf(host, request.params.documentId!) };
    },

    'POST documents/:documentId/extract': (request, host) => runExtraction(host, request.params.documentId ?? '', request),
    'POST extractions': (request, host) => runExtraction(host, String(body(request.body).id ?? ''), request),

    'POST candidates/confirm': (request, host) => decide(request, host, 'confirmed'),
    'POST candidates/dismiss': (request, host) => decide(request, host, 'dismissed'),
    'POST candidates/edit': async (request, host) => {
      const b = body(request.body);
      const c = await candidateOf(host, b.id);
      // The items are those of the set in force (the core's standards), not a list of the plugin's own.
      const items = itemsOf(await inForceRows(host));
      const item = typeof b.item === 'string' && b.item ? b.item : c.item;
      if (typeof b.item === 'string' && b.item && !items[b.item]) throw refuse(400, 'FIELD_INVALID', both('标准项目无效'), { field: 'item' });
      const tier = typeof b.tier === 'string' && b.tier.trim() ? b.tier.trim() : c.tier;
      if (tier && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/.test(tier)) throw refuse(400, 'FIELD_INVALID', both('档次代码只能由字母、数字和 . _ - 组成（至多 20 位）'), { field: 'tier' });
      const value = b.value === undefined || b.value === '' || b.value === null ? c.value : Number(b.value);
      if (!Number.isSafeInteger(value) || value < 0) throw refuse(400, 'FIELD_INVALID', both('金额无效'), { field: 'value' });
      const per = typeof b.per === 'string' && b.per ? b.per : c.per;
      const next: StoredCandidate = { ...c, item, tier, value, per: per as StoredCandidate['per'], status: 'confirmed', decidedBy: who(request), decidedAt: new Date().toISOString() };
      await host.storage.put('candidates', `${c.documentId}-${c.id}`, next);
      return { message: t(request.lang, '已修改并确认：{item} {tier} {amount} 元', { item: item ? items[item]?.label ?? item : '', tier: tier ?? '', amount: yuan(value) }), id: b.id };
    },

    'POST proposals': async (request, host) => {
      const b = body(request.body);
      const documentId = String(b.documentId ?? '');
      const doc = await documentOf(host, documentId);
      const effectiveFrom = typeof b.effectiveFrom === 'string' && DATE.test(b.effectiveFrom) ? b.effectiveFrom : doc.effectiveFrom || null;
      if (!effectiveFrom) throw refuse(400, 'FIELD_REQUIRED', both('请填写标准生效日期'), { field: 'effectiveFrom' });
      const { rows, skipped } = proposedRows(await candidatesOf(host, documentId), itemsOf(await inForceRows(host)), doc.number, null);
      // The problem is a text of texts.ts: each language reads its own.
      const problem = skipped[0]?.problem;
      const why = problem ? { zh: t('zh-CN', '已确认的候选尚不能形成标准：{problem}', { problem }), en: t('en', '已确认的候选尚不能形成标准：{problem}', { problem: t('en', problem) }) } : both('该文件还没有已确认的候选标准');
      if (!rows.length) throw refuse(409, 'NOTHING_CONFIRMED', why, { skipped });
      const version = await host.standards.propose({
        title: (typeof b.title === 'string' && b.title.trim() ? b.title.trim() : `依据${doc.number || doc.title}拟议的支出标准`).slice(0, 100),
        effectiveFrom, sourceDocument: (doc.number || doc.title).slice(0, 200),
        reason: (typeof b.reason === 'string' && b.reason.trim().length >= 2 ? b.reason.trim() : `由政策文件「${doc.title}」抽取并经 ${who(request)} 确认`).slice(0, 500),
        basedOn: null, rows,
      });
      await host.notify({ title: `支出标准拟议版本待采纳：${version.title}`.slice(0, 200), body: `共 ${rows.length} 项，生效日期 ${effectiveFrom}。请在“支出标准”页面采纳或退回。`, roles: ['finance_officer'], link: '/standards' });
      await host.log.info('standard version proposed', { documentId, versionId: version.id, rows: rows.length, by: who(request) });
      return { message: t(request.lang, '已提交拟议标准版本 #{id}（{n} 项），待财务人员采纳', { id: version.id, n: rows.length }), versionId: version.id, rows: rows.length, skipped };
    },

    'GET standards': async (request, host) => {
      const date = request.query.date && DATE.test(request.query.date) ? request.query.date : undefined;
      return host.standards.list(date ? { date } : {});
    },

    'GET diff': async (request, host) => {
      if (request.query.documentId) {
        const doc = await documentOf(host, request.query.documentId);
        const inForce = await inForceRows(host);
        const { rows } = proposedRows(await candidatesOf(host, request.query.documentId), itemsOf(inForce), doc.number, null);
        return { against: 'in-force', documentId: request.query.documentId, changes: diff(inForce, rows, true) };
      }
      const from = Number(request.query.from);
      const to = Number(request.query.to);
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from <= 0 || to <= 0) throw refuse(400, 'FIELD_REQUIRED', both('请给出 from、to 两个版本号，或 documentId'), { field: 'from' });
      const [a, b] = [await host.standards.get(from), await host.standards.get(to)];
      return { from, to, changes: diff(a.rows, b.rows, b.ownerUnitId !== a.ownerUnitId) };
    },

    'POST trial-runs': async (request, host) => {
      const b = body(request.body);
      let rows: StandardRowLike[] | null = null;
      if (typeof b.documentId === 'string' && b.documentId) {
        const doc = await documentOf(host, b.documentId);
        // The document's rows over the set in force: the trial judges with both.
        const base = await inForceRows(host);
        const proposed = proposedRows(await candidatesOf(host, b.documentId), itemsOf(base), doc.number, null).rows;
        const keys = new Set(proposed.map((r) => `${r.item}\u0000${r.tier}`));
        rows = [...base.filter((r) => !keys.has(`${r.item}\u0000${r.tier}`)).map((r) => ({ ...r })), ...proposed];
        if (!proposed.length) throw refuse(409, 'NOTHING_CONFIRMED', both('该文件还没有可试运行的已确认标准'), { documentId: b.documentId });
      }
      const params = trialBody(b, rows);
      const report = await host.rules.trial(params);
      const id = `t${Date.now()}`;
      const kept = { at: new Date().toISOString(), by: who(request), params: { ...params, standards: rows ? { documentId: b.documentId } : params.standards }, report: { ...report, payments: report.payments.slice(0, 200) } };
      await host.storage.put('trials', id, kept);
      const p = report.proposed;
      return {
        message: t(request.lang, '试运行完成：{n} 笔支付中，将拦截 {blocked} 笔（{blockedAmount} 元），提醒 {warned} 笔（{warnedAmount} 元）', {
          n: report.evaluated, blocked: p.blocked.count, blockedAmount: yuan(p.blocked.amount), warned: p.warned.count, warnedAmount: yuan(p.warned.amount),
        }),
        id, ...report,
      };
    },

    'GET trial-runs': async (_request, host) => ({ trials: (await host.storage.query('trials', {}, { limit: 20 })).map((t) => ({ id: t.id, ...t.data })) }),

    'POST prefs': async (request, host) => {
      const b = body(request.body);
      const old = await prefsOf(host, request.user.id);
      const pick = (k: string, re: RegExp) => (typeof b[k] === 'string' && (b[k] === '' || re.test(b[k] as string)) ? (b[k] as string) : (old as Record<string, string | undefined>)[k]);
      const next: Prefs = {
        q: typeof b.q === 'string' ? b.q.slice(0, 100) : old.q,
        topic: pick('topic', /^[a-z]{1,20}$/),
        documentId: pick('documentId', /^d\d{1,9}$/),
        from: pick('from', /^\d{1,9}$/),
        to: pick('to', /^\d{1,9}$/),
      };
      await host.storage.put('prefs', `user-${request.user.id}`, next as Record<string, unknown>);
      return { message: t(request.lang, '已更新'), prefs: next };
    },
  },

  views: {
    library: async (ctx, host) => libraryView(host, await prefsOf(host, ctx.user.id), ctx.lang),
    review: async (ctx, host) => reviewView(host, ctx.query.documentId ?? (await prefsOf(host, ctx.user.id)).documentId, ctx.lang),
    standards: async (ctx, host) => standardsView(host, ctx.lang),
    diff: async (ctx, host) => diffView(host, { ...(await prefsOf(host, ctx.user.id)), ...ctx.query }, ctx.lang),
    trial: async (ctx, host) => trialView(host, ctx.lang),
  },
});
