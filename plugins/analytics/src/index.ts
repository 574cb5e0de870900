import { definePlugin, refuse, type HostApi, type RouteRequest } from '@unibudget/sdk';
import { dayOf, fullRecompute, loadContext, monthlyReport, onPaymentPaid, reevaluate, toPayment } from './engine.js';
import { body, InputError, isoDate, num, refusalOf, scenarioParams, text } from './requests.js';
import { structureByYear } from './structure.js';
import { dashboard, forecastOf, forecastView, listWarnings, projectsView, runScenario, scenariosView, warningCentre, compareScenarios, type StoredScenario } from './views.js';
import { STATUS_LABEL, transition, type Action, type WarningDoc } from './warnings.js';
import { GRADE_LABEL, MONITOR_LABEL } from './types.js';
import { forCaller } from './roles.js';
import { both, t } from './texts.js';

/** The warning centre's filter: each field empty (all) or one of its known values. */
function readFilter(b: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const pick = (field: string, label: string, allowed: string[] | null) => {
    const v = text(b, field, label, { max: 40 });
    if (!v) return;
    if (allowed && !allowed.includes(v)) throw new InputError(field, '{label}取值无效', { label });
    if (!allowed && !/^\d+$/.test(v)) throw new InputError(field, '{label}取值无效', { label });
    out[field] = v;
  };
  pick('status', '状态', Object.keys(STATUS_LABEL));
  pick('grade', '等级', Object.keys(GRADE_LABEL));
  pick('monitor', '监控类型', Object.keys(MONITOR_LABEL));
  pick('department', '科室', null);
  return out;
}

/**
 * 高级分析 (advanced analytics): graded early warnings, year-end forecasts, budget simulation and
 * structure analysis. The analysis lives in pure modules; this file reads the ledger through the
 * host API, keeps state in the plugin's collections and serves events, schedules, routes and views.
 */

/** The day asked for (`?asOf=`), else today as the host counts it (its business date, the day the cockpit and reports stand on). */
const asOfOf = async (request: { query: Record<string, string> }, host: HostApi) =>
  /^\d{4}-\d{2}-\d{2}$/.test(request.query.asOf ?? '') ? request.query.asOf! : (await host.ledger.timeProgress()).asOf;
const who = (request: RouteRequest) => `${request.user.username}#${request.user.id}`;

/** `transition`'s refusal (Chinese, naming the state) in both languages. */
function transitionRefusal(zh: string, status: keyof typeof STATUS_LABEL): { zh: string; en: string } {
  const state = STATUS_LABEL[status];
  for (const text of ['预警当前为“{status}”，不能确认', '预警当前为“{status}”，不能处置']) if (t('zh-CN', text, { status: state }) === zh) return both(text, { status: state });
  return both(zh);
}

async function act(request: RouteRequest, host: HostApi, action: Action) {
  try {
    const b = body(request.body);
    const id = text(b, 'id', '预警', { required: true, max: 200 });
    // A row action of the warning centre posts its text as `reason`; a form or an integration as `note`.
    const reason = text(b, 'reason', action === 'handle' ? '处置说明' : '说明', { max: 2000 });
    const note = text(b, 'note', action === 'handle' ? '处置说明' : '说明', { required: action === 'handle' && !reason, max: 2000 }) || reason;
    const stored = await host.storage.get<WarningDoc>('warnings', id);
    if (!stored) throw refuse(404, 'WARNING_NOT_FOUND', both('预警不存在'), { id });
    const at = new Date().toISOString();
    const next = transition(stored.data, action, who(request), at, note);
    if (typeof next === 'string') throw refuse(409, 'INVALID_STATE', transitionRefusal(next, stored.data.status), { id, status: stored.data.status });
    await host.storage.put('warnings', id, next);
    // Kept in the warning's own history and in the plugin log: who did what to which warning, when.
    await host.log.info(`warning ${action}`, { id, key: next.key, by: who(request), from: stored.data.status, to: next.status, note });
    return { message: t(request.lang, '预警已{status}', { status: request.lang === 'en' ? t('en', STATUS_LABEL[next.status]).toLowerCase() : STATUS_LABEL[next.status].replace(/^已/, '') }), id, status: next.status, statusLabel: STATUS_LABEL[next.status], history: next.history };
  } catch (e) {
    throw refusalOf(e);
  }
}

export default definePlugin({
  migrate: async (host, versions) => {
    // No scan here: a failed migration refuses the enable, and a large ledger may not fit one call.
    // The first nightly run (or 重新计算 in the warning centre) builds the state.
    await host.log.info('analytics enabled', versions);
  },

  events: {
    'payment.paid': async (event, host) => onPaymentPaid(host, toPayment((event.payload as { payment?: Record<string, unknown> }).payment as never), dayOf(event.occurredAt)),
    'transfer.approved': async (event, host) => reevaluate(host, dayOf(event.occurredAt)),
    'adjustment.approved': async (event, host) => reevaluate(host, dayOf(event.occurredAt)),
  },

  schedule: {
    'nightly-recompute': async (host, run) => {
      const result = await fullRecompute(host, dayOf(run.scheduledAt), 'system');
      await host.log.info('nightly full recomputation', result);
      return result;
    },
    // Runs daily (or by cron on the 1st); the stored report of the month makes it once a month.
    'monthly-report': async (host, run) => monthlyReport(host, dayOf(run.scheduledAt)),
  },

  routes: {
    'GET warnings': async (request, host) => {
      const list = await listWarnings(host, request.query);
      return { warnings: list.map((w) => ({ id: w.id, ...w.doc })) };
    },
    'POST warnings/acknowledge': (request, host) => act(request, host, 'acknowledge'),
    'POST warnings/handle': (request, host) => act(request, host, 'handle'),
    'POST warnings/close': (request, host) => act(request, host, 'close'),
    'POST warnings/filter': async (request, host) => {
      try {
        const filter = readFilter(body(request.body));
        await host.storage.put('prefs', `user-${request.user.id}`, { filter });
        return { message: t(request.lang, '筛选条件已更新'), filter };
      } catch (e) {
        throw refusalOf(e);
      }
    },

    'POST recompute': async (request, host) => {
      const result = await fullRecompute(host, await asOfOf(request, host), who(request));
      await host.log.info('full recomputation on request', { by: who(request), ...result });
      return { message: t(request.lang, '已重新计算：{n} 条预警（严重 {severe} 条）', { n: result.findings, severe: result.counts.severe }), ...result };
    },

    'GET forecast': async (request, host) => {
      const ctx = await loadContext(host, await asOfOf(request, host));
      const f = forecastOf(ctx);
      // Flagged lines first; bounded so the reply stays far below the sandbox's 1 MiB result limit.
      const indicators = [...f.indicators].sort((x, y) => Number(!!y.flag) - Number(!!x.flag) || y.idle - x.idle || x.indicatorId - y.indicatorId);
      return { unit: f.unit, indicators: indicators.slice(0, 1000), total: indicators.length };
    },

    'GET structure': async (request, host) => {
      const ctx = await loadContext(host, await asOfOf(request, host));
      const all = (await host.ledger.indicators()).filter((i) => i.year >= ctx.year - 2 && i.year <= ctx.year).map((i) => ({
        id: i.id, year: i.year, code: i.code, name: i.name, departmentId: i.departmentId, projectId: i.projectId, expenditureKind: i.expenditureKind,
        economicCode: i.economicCode, fundSourceCode: i.fundSourceCode, budget: i.issued + i.adjusted,
      }));
      return structureByYear(all, [...ctx.years.values()].map((y) => y.state));
    },

    'GET milestones': async (_request, host) => ({ milestones: (await host.storage.query('milestones', {}, { limit: 500 })).map((d) => ({ id: d.id, ...d.data })) }),
    'POST milestones': async (request, host) => {
      try {
        const b = body(request.body);
        const projectId = num(b, 'projectId', '项目', { integer: true, min: 1 });
        const projects = await host.ledger.projects();
        if (!projects.some((p) => p.id === projectId)) throw new InputError('projectId', '项目不存在');
        const date = isoDate(b, 'date', '截至日期');
        const plannedPct = num(b, 'plannedPct', '计划完成（%）', { min: 0, max: 100 }) / 100;
        const reportedPct = num(b, 'reportedPct', '实际完成（%）', { min: 0, max: 100 }) / 100;
        const note = text(b, 'note', '进度说明', { max: 1000 });
        const doc = { projectId, date, plannedPct, reportedPct, note, by: who(request), at: new Date().toISOString() };
        // One record per project and date: a correction replaces the day's report.
        await host.storage.put('milestones', `project-${projectId}-${date}`, doc);
        await host.log.info('milestone recorded', doc);
        const evaluation = await reevaluate(host, dayOf(undefined), who(request));
        return { message: t(request.lang, '项目进度已保存'), milestone: doc, evaluation };
      } catch (e) {
        throw refusalOf(e);
      }
    },

    'GET contacts': async (_request, host) => ({ contacts: (await host.storage.query('contacts', {}, { limit: 200 })).map((d) => d.data) }),
    'POST contacts': async (request, host) => {
      try {
        const b = body(request.body);
        const departmentId = num(b, 'departmentId', '科室', { integer: true, min: 1 });
        if (!(await host.ledger.departments()).some((d) => d.id === departmentId)) throw new InputError('departmentId', '科室不存在');
        const raw = b.users;
        const list = Array.isArray(raw) ? raw : String(raw ?? '').split(/[,，;；\s]+/).filter(Boolean);
        const users = list.map(Number);
        if (users.some((u) => !Number.isSafeInteger(u) || u <= 0)) throw new InputError('users', '责任人须为用户ID');
        if (users.length > 20) throw new InputError('users', '每个科室至多 20 名责任人');
        const doc = { departmentId, users, by: who(request), at: new Date().toISOString() };
        await host.storage.put('contacts', `department-${departmentId}`, doc);
        await host.log.info('responsible people set', doc);
        return { message: t(request.lang, '预警责任人已保存'), ...doc };
      } catch (e) {
        throw refusalOf(e);
      }
    },

    'GET scenarios': async (request, host) => {
      const all = await host.storage.query<StoredScenario>('scenarios', {}, { limit: 50 });
      const ids = request.query.ids ? request.query.ids.split(',') : null;
      // Columns in the order asked for, else oldest first.
      const chosen = ids
        ? ids.map((id) => all.find((s) => s.id === id)).filter((s): s is (typeof all)[number] => !!s)
        : [...all].sort((x, y) => x.data.createdAt.localeCompare(y.data.createdAt) || x.id.localeCompare(y.id));
      return { scenarios: chosen.map((s) => ({ id: s.id, ...s.data })), comparison: compareScenarios(chosen, request.lang) };
    },
    'POST scenarios': async (request, host) => {
      try {
        const ctx = await loadContext(host, await asOfOf(request, host));
        const params = scenarioParams(body(request.body), ctx.projects);
        const result = runScenario(ctx, params);
        const createdAt = new Date().toISOString();
        const id = `scenario-${createdAt.replace(/[^0-9]/g, '')}-${Math.floor(Math.random() * 1e6)}`;
        const doc: StoredScenario = { params, result, createdAt, createdBy: who(request) };
        await host.storage.put('scenarios', id, doc);
        await host.log.info('scenario saved', { id, name: params.name, by: who(request) });
        return { message: t(request.lang, '情景“{name}”已保存', { name: params.name }), id, ...doc };
      } catch (e) {
        throw refusalOf(e);
      }
    },
    'POST scenarios/delete': async (request, host) => {
      try {
        const id = text(body(request.body), 'id', '情景', { required: true, max: 200 });
        const deleted = await host.storage.delete('scenarios', id);
        if (deleted) await host.log.info('scenario deleted', { id, by: who(request) });
        return { message: t(request.lang, deleted ? '情景已删除' : '情景不存在'), id, deleted };
      } catch (e) {
        throw refusalOf(e);
      }
    },

    'GET reports': async (_request, host) => ({ reports: (await host.storage.query('reports', {}, { limit: 24 })).map((d) => ({ id: d.id, ...d.data })) }),
  },

  views: {
    warnings: async (context, host) => {
      const prefs = await host.storage.get<{ filter: Record<string, string> }>('prefs', `user-${context.user.id}`);
      return forCaller(await warningCentre(host, { ...(prefs?.data.filter ?? {}), ...context.query }, context.lang), context.user.roles);
    },
    // Worded in the reader's language (context.lang, texts.ts).
    dashboard: async (context, host) => forCaller(await dashboard(host, await asOfOf(context, host), context.lang), context.user.roles),
    forecast: async (context, host) => forCaller(await forecastView(host, await asOfOf(context, host), context.lang), context.user.roles),
    scenarios: async (context, host) => forCaller(await scenariosView(host, context.query, context.lang), context.user.roles),
    projects: async (context, host) => forCaller(await projectsView(host, await asOfOf(context, host), context.lang), context.user.roles),
  },
});

