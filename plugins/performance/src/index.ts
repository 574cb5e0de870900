import { block, definePlugin, fromBase64, ok, refuse, toBase64, warn, type HostApi, type RouteRequest } from '@unibudget/sdk';
import { strFromU8, strToU8 } from 'fflate';
import { SETS } from './data/library.js';
import { checkedSettings, collectAll, evaluateProject, evaluationXlsx, runAll, today } from './operations.js';
import { seedDemo } from './demo.js';
import { EXPORT_FORMAT, HEADER, InputError, filterIndicators, fromRows, toRow } from './library.js';
import { body, num, projectIdOf, refusalOf, text, who, yearOf } from './requests.js';
import { answerOf, latestEvaluation, type EvaluationDoc } from './evaluation.js';
import { deleteIndicator, importIndicators, loadLibrary, saveIndicator } from './library-store.js';
import { checkpoint, moneyAt, paymentsFor, closeWarning, evaluationId, explainWarning, getTargets, lastDayOf, latestValues, matchingOf, monitoringDocs, workPoints, parseMonitoringValues, parseTargets, projectOf, projectPayments, saveTargets, targetsId, type MilestoneDoc, type WarningDoc } from './service.js';
import { all } from './store.js';
import { settingsOf } from './settings.js';
import { GRADE_LABEL, LEVEL1, LEVEL2, type TargetsDoc } from './types.js';
import {
  boardRows, boardView, EDIT_TARGETS, ENTER_VALUES, EVALUATE, evaluationForm, evaluationTable, feedbackBlocks, libraryView, matchingBlocks, milestoneForm,
  monitoringForm, projectList, projectMatching, targetsTable, targetsWizard,
} from './views.js';
import { readXlsx, writeXlsx, XLSX_TYPE } from './xlsx.js';

/**
 * 绩效管理 (performance management): the indicator library, project targets, monitoring with graded
 * deviation warnings, the business-vs-fund flow match, the 10号文 self-evaluation and its feedback into
 * next year's budget requests. Pure logic lives in scoring.ts, monitoring.ts, matching.ts and
 * library.ts; service.ts talks to the host; views.ts builds the screens.
 */


/** Runs a route body, turning bad input into its 400 refusal. */
const guarded = <T>(fn: () => Promise<T>): Promise<T> => fn().catch((e) => { throw refusalOf(e); });

const projectParam = async (request: RouteRequest, host: HostApi) => projectOf(host, projectIdOf(request.params));
const yearParam = async (raw: unknown, host: HostApi) => yearOf(raw, Number((await today(host)).slice(0, 4)));

export default definePlugin({
  migrate: async (host, versions) => {
    await host.log.info('performance enabled', versions);
  },

  validators: {
    // Feedback into preparation: the project's latest self-evaluation before the request's year.
    'budgetRequest.validate': async (input, host) => {
      const d = input.document as { requestId?: number; year?: number; projectId?: number | null };
      if (typeof d.projectId !== 'number' || typeof d.year !== 'number') return ok();
      // Remembered so the request's screen can show the project's evaluation (a view gets only the request id).
      if (typeof d.requestId === 'number') await host.storage.put('requests', `r-${d.requestId}`, { requestId: d.requestId, projectId: d.projectId, year: d.year }).catch(() => undefined);
      const s = settingsOf(host.settings);
      if (s.poorGradeRule === 'off') return ok();
      const e = await latestEvaluation(host, d.projectId, d.year);
      if (!e || e.grade !== 'poor') return ok();
      const message = `项目“${e.projectCode} ${e.projectName}”${e.year}年度绩效自评 ${e.total} 分，等级为“差”：${s.poorGradeRule === 'block' ? '按单位规则不予申报新增资金，请先整改' : '申报新增资金须说明整改情况'}`;
      return s.poorGradeRule === 'block' ? block(message) : warn(message);
    },
  },

  schedule: {
    monitor: async (host, run) => {
      const asOf = run.scheduledAt.slice(0, 10);
      const s = settingsOf(host.settings);
      const seeded = s.demoData ? await seedDemo(host, asOf, s) : null;
      const result = await collectAll(host, asOf, 'system');
      await host.log.info('monitoring collected', { asOf, ...result, ...(seeded ? { seeded } : {}) });
      return { ...result, ...(seeded ? { seeded } : {}) };
    },
  },

  routes: {
    'GET indicators': async (request, host) => {
      const library = await loadLibrary(host);
      const q = request.query;
      const indicators = filterIndicators(library, { sector: q.sector, level: q.level, level1: q.level1, level2: q.level2, q: q.q });
      return { total: indicators.length, indicators, sets: SETS.map((s) => ({ id: s.id, sector: s.sector, name: s.name, source: s.source, basis: s.basis, count: s.rows.length })) };
    },
    'POST indicators': (request, host) => guarded(async () => {
      const { indicator, change } = await saveIndicator(host, body(request.body), who(request.user));
      return { message: change === 'unchanged' ? '指标未变化' : `指标已保存（第 ${indicator.version} 版）`, change, indicator };
    }),
    'POST indicators/delete': (request, host) => guarded(async () => {
      const id = text(body(request.body), 'id', '指标编码', { required: true, max: 40 });
      await deleteIndicator(host, id, who(request.user));
      return { message: '指标已删除', id };
    }),
    'GET indicators/history': async (request, host) => {
      const where: Record<string, string> = request.query.indicatorId ? { indicatorId: request.query.indicatorId } : {};
      const changes = (await host.storage.query('library_log', where, { limit: 500 })).map((d) => d.data);
      return { changes };
    },
    'POST indicators/filter': (request, host) => guarded(async () => {
      const b = body(request.body);
      const sector = text(b, 'sector', '行业', { max: 40 });
      const level = text(b, 'level', '指标层级', { max: 40 });
      if (sector && !SETS.some((s) => s.sector === sector) && sector !== 'custom') throw new InputError('sector', '行业取值无效');
      if (level && !(level in LEVEL1) && !(level in LEVEL2)) throw new InputError('level', '指标层级取值无效');
      await host.storage.put('prefs', `user-${request.user.id}`, { filter: { sector, level } });
      return { message: '筛选条件已更新', filter: { sector, level } };
    }),
    'GET library/export': async (request, host) => {
      const library = await loadLibrary(host);
      const chosen = request.query.scope === 'unit' ? library.filter((i) => i.origin === 'unit') : library;
      const day = await today(host);
      if (request.query.format === 'xlsx') {
        const bytes = writeXlsx([{ name: '绩效指标库', rows: [HEADER, ...chosen.map(toRow)], widths: [10, 12, 12, 14, 30, 10, 8, 24, 12, 40] }]);
        return { file: { name: `绩效指标库-${host.unitId}-${day}.xlsx`, mediaType: XLSX_TYPE, base64: toBase64(bytes) } };
      }
      const json = JSON.stringify({ format: EXPORT_FORMAT, unitId: host.unitId, exportedAt: day, indicators: chosen }, null, 2);
      // UTF-8 bytes, then base64 (no TextEncoder in the sandbox: fflate's strToU8 is pure JS).
      return { file: { name: `绩效指标库-${host.unitId}-${day}.json`, mediaType: 'application/json', base64: toBase64(strToU8(json)) } };
    },
    'POST library/import': (request, host) => guarded(async () => {
      const b = body(request.body);
      let rows: Array<Record<string, unknown>>;
      if (Array.isArray(b.indicators)) rows = b.indicators as Array<Record<string, unknown>>;
      else {
        const file = b.file as { name?: unknown; base64?: unknown } | undefined;
        if (!file || typeof file.name !== 'string' || typeof file.base64 !== 'string') throw new InputError('file', '请选择要导入的文件');
        let bytes: Uint8Array;
        try { bytes = fromBase64(file.base64.replace(/\s+/g, '')); } catch { throw new InputError('file', '文件内容不是有效的 base64'); }
        if (/\.json$/i.test(file.name)) {
          let parsed: unknown;
          try { parsed = JSON.parse(strFromU8(bytes)); } catch { throw new InputError('file', 'JSON 文件格式不正确'); }
          const list = Array.isArray(parsed) ? parsed : (parsed as { indicators?: unknown })?.indicators;
          if (!Array.isArray(list)) throw new InputError('file', 'JSON 文件中没有 indicators 列表');
          rows = list as Array<Record<string, unknown>>;
        } else if (/\.xlsx$/i.test(file.name)) {
          try { rows = fromRows(readXlsx(bytes, 2000)); } catch (e) { if (e instanceof InputError) throw e; throw new InputError('file', (e as Error).message); }
        } else throw new InputError('file', '只能导入 .xlsx 或 .json 文件');
      }
      const counts = await importIndicators(host, rows, who(request.user));
      return { message: `导入完成：新增 ${counts.created} 项，更新 ${counts.updated} 项，未变化 ${counts.unchanged} 项，跳过起始指标 ${counts.starter} 项`, ...counts };
    }),

    'GET projects/:projectId/targets': async (request, host) => {
      const project = await projectParam(request, host);
      const year = await guarded(() => yearParam(request.query.year, host));
      const targets = await getTargets(host, project.id, year);
      return { projectId: project.id, year, targets, lines: targets?.lines ?? [], complete: !!targets && targets.lines.every((l) => l.annual !== '') };
    },
    'POST projects/:projectId/targets': (request, host) => guarded(async () => {
      const project = await projectParam(request, host);
      const b = body(request.body);
      const year = await yearParam(b.year, host);
      const previous = await getTargets(host, project.id, year);
      const { lines, incomplete } = parseTargets(b, await loadLibrary(host), previous);
      const doc = await saveTargets(host, project.id, year, lines, who(request.user));
      await host.log.info('targets saved', { projectId: project.id, year, version: doc.version, lines: lines.length, by: doc.by });
      return { message: incomplete.length ? `绩效目标已保存；尚未填写年度指标值：${incomplete.join('、')}` : `绩效目标已保存（第 ${doc.version} 版）`, id: targetsId(project.id, year), incomplete, ...doc };
    }),

    'GET projects/:projectId/monitoring': async (request, host) => {
      const project = await projectParam(request, host);
      const year = await guarded(() => yearParam(request.query.year, host));
      const docs = await monitoringDocs(host, project.id, year);
      const warnings = (await all<WarningDoc>(host, 'warnings', { projectId: project.id, year })).map((d) => ({ id: d.id, ...d.data }));
      return { projectId: project.id, year, checkpoints: docs, latest: Object.fromEntries(latestValues(docs)), warnings };
    },
    'POST projects/:projectId/monitoring': (request, host) => guarded(async () => {
      const project = await projectParam(request, host);
      const b = body(request.body);
      const s = checkedSettings(host);
      const asOf = await today(host);
      const year = await yearParam(b.year, host);
      const month = num(b.month, 'month', '截至月份', { min: 1, max: 12, integer: true })!;
      const targets = await getTargets(host, project.id, year);
      if (!targets) throw refuse(409, 'TARGETS_MISSING', { zh: '该项目本年度没有绩效目标', en: 'The project has no targets for the year' });
      const manual = parseMonitoringValues(b, targets.lines);
      const monthEnd = lastDayOf(year, month);
      const tp = (await host.ledger.timeProgress({ year, date: monthEnd < asOf ? monthEnd : asOf })).value;
      const money = (await moneyAt(host, year, month, new Set([project.id]))).get(project.id) ?? { budget: 0, paid: 0 };
      const payments = (await paymentsFor(host, targets.lines, year, month, new Set([project.id]))).get(project.id) ?? [];
      const r = await checkpoint(host, { project, targets, month, money, payments, timeProgress: tp, settings: s, by: who(request.user), manual });
      const red = r.deviations.filter((d) => d.light === 'red').length;
      const yellow = r.deviations.filter((d) => d.light === 'yellow').length;
      return { message: `监控值已保存：${red} 项红灯、${yellow} 项黄灯${r.opened.length ? `，新增 ${r.opened.length} 条预警须说明原因和整改措施` : ''}`, light: r.light, deviations: r.deviations, opened: r.opened.length };
    }),
    'POST projects/:projectId/milestones': (request, host) => guarded(async () => {
      const project = await projectParam(request, host);
      const b = body(request.body);
      const date = text(b, 'date', '截至日期', { required: true, max: 10 });
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new InputError('date', '截至日期须为 YYYY-MM-DD');
      const pct = num(b.pct, 'pct', '完成比例（%）', { min: 0, max: 100 })!;
      const doc: MilestoneDoc = { projectId: project.id, date, pct, note: text(b, 'note', '进度说明', { max: 500 }), by: who(request.user), at: new Date().toISOString() };
      await host.storage.put('milestones', `p-${project.id}-${date}`, doc);
      return { message: '业务进度已记录', ...doc };
    }),
    'GET projects/:projectId/matching': async (request, host) => {
      const project = await projectParam(request, host);
      const asOf = await today(host);
      const year = await guarded(() => yearParam(request.query.year, host));
      const through = year < Number(asOf.slice(0, 4)) ? 12 : Number(asOf.slice(5, 7));
      return { projectId: project.id, year, ...(await projectMatching(host, project.id, year, through, settingsOf(host.settings))) };
    },

    'GET projects/:projectId/self-evaluation': async (request, host) => {
      const project = await projectParam(request, host);
      const year = await guarded(() => yearParam(request.query.year, host));
      const e = await host.storage.get<EvaluationDoc>('evaluations', evaluationId(project.id, year));
      if (!e) throw refuse(404, 'EVALUATION_NOT_FOUND', { zh: '该项目本年度尚未自评', en: 'No self-evaluation for the year yet' }, { projectId: project.id, year });
      return answerOf(e.data);
    },
    'POST projects/:projectId/self-evaluation': (request, host) => guarded(async () => {
      const project = await projectParam(request, host);
      const b = body(request.body);
      const year = await yearParam(b.year, host);
      const doc = await evaluateProject(host, project, year, b, who(request.user), checkedSettings(host));
      await host.log.info('self-evaluation', { projectId: project.id, year, total: doc.total, grade: doc.grade, by: doc.by });
      return { message: `自评完成：${doc.total} 分，等级${GRADE_LABEL[doc.grade]}`, ...answerOf(doc) };
    }),
    'GET projects/:projectId/self-evaluation/report': async (request, host) => {
      const project = await projectParam(request, host);
      const year = await guarded(() => yearParam(request.query.year, host));
      const e = await host.storage.get<EvaluationDoc>('evaluations', evaluationId(project.id, year));
      if (!e) throw refuse(404, 'EVALUATION_NOT_FOUND', { zh: '该项目本年度尚未自评', en: 'No self-evaluation for the year yet' }, { projectId: project.id, year });
      return evaluationXlsx(e.data);
    },
    'GET evaluations': async (request, host) => {
      const year = await guarded(() => yearParam(request.query.year, host));
      const docs = (await all<EvaluationDoc>(host, 'evaluations', { year })).map((d) => d.data);
      return { year, evaluations: docs.map((d) => ({ projectId: d.projectId, projectCode: d.projectCode, projectName: d.projectName, total: d.total, grade: d.grade, gradeLabel: GRADE_LABEL[d.grade], executionRate: d.execution.rate, at: d.at })) };
    },
    'POST evaluations/run': (request, host) => guarded(async () => {
      const b = body(request.body);
      const year = await yearParam(b.year, host);
      return runAll(host, year, who(request.user), checkedSettings(host));
    }),
    'POST monitoring/collect': (request, host) => guarded(async () => {
      const result = await collectAll(host, await today(host), who(request.user));
      return { message: `已采集 ${result.projects} 个项目的监控值：${result.red} 个红灯、${result.yellow} 个黄灯`, ...result };
    }),
    'GET warnings': async (request, host) => {
      const where: Record<string, string | number> = {};
      if (request.query.status) where.status = request.query.status;
      if (request.query.year && /^\d{4}$/.test(request.query.year)) where.year = Number(request.query.year);
      return { warnings: (await all<WarningDoc>(host, 'warnings', where)).map((d) => ({ id: d.id, ...d.data })) };
    },
    'POST warnings/explain': (request, host) => guarded(async () => {
      const w = await explainWarning(host, body(request.body), who(request.user));
      return { message: '偏差原因和整改措施已记录', status: w.status };
    }),
    'POST warnings/close': (request, host) => guarded(async () => {
      const w = await closeWarning(host, body(request.body), who(request.user));
      return { message: '预警已关闭', status: w.status };
    }),
  },

  views: {
    library: async (context, host) => {
      const prefs = await host.storage.get<{ filter: Record<string, string> }>('prefs', `user-${context.user.id}`);
      const filter = { ...(prefs?.data.filter ?? {}), ...pick(context.query, ['sector', 'level']) };
      const log = (await host.storage.query('library_log', {}, { limit: 50 })).map((d) => d.data);
      return libraryView(await loadLibrary(host), log, filter, context.user.roles);
    },
    targets: async (context, host) => {
      const year = safeYear(context.query.year, (await today(host)).slice(0, 4));
      const projects = await host.ledger.projects();
      const targets = new Map((await all<TargetsDoc>(host, 'targets', { year })).map((d) => [d.data.projectId, d.data]));
      const project = projects.find((p) => String(p.id) === context.query.projectId);
      const blocks = [projectList(projects, targets, year)];
      if (project) {
        blocks.push(targetsTable(targets.get(project.id) ?? null));
        if (context.user.roles.some((r) => EDIT_TARGETS.includes(r))) blocks.push(targetsWizard(project, year, await loadLibrary(host), targets.get(project.id) ?? null, context.query.sector));
      }
      return { title: '绩效目标设置', blocks };
    },
    board: async (context, host) => {
      const year = safeYear(context.query.year, (await today(host)).slice(0, 4));
      const { rows, warnings } = await boardRows(host, year, await host.ledger.projects());
      return boardView(rows, warnings, year, context.user.roles);
    },
    evaluation: async (context, host) => {
      const year = safeYear(context.query.year, (await today(host)).slice(0, 4));
      const projects = await host.ledger.projects();
      const project = projects.find((p) => String(p.id) === context.query.projectId);
      const evaluations = (await all<EvaluationDoc>(host, 'evaluations', { year })).map((d) => d.data);
      const blocks: import('@unibudget/sdk').ViewBlock[] = [
        { type: 'table', title: `${year} 年度绩效自评结果`, columns: [{ key: 'project', label: '项目' }, { key: 'total', label: '总分', format: 'number' }, { key: 'grade', label: '等级' }, { key: 'execution', label: '预算执行率', format: 'percent' }, { key: 'at', label: '评价时间', format: 'date' }],
          rows: evaluations.sort((a, b) => b.total - a.total).map((e) => ({ project: `${e.projectCode} ${e.projectName}`, total: e.total, grade: GRADE_LABEL[e.grade], execution: e.execution.rate, at: e.at })) },
        { type: 'markdown', text: projects.map((p) => `- [${p.code} ${p.name}](?projectId=${p.id}&year=${year})`).join('\n') || '（没有项目）' },
      ];
      if (project) {
        const e = evaluations.find((x) => x.projectId === project.id);
        if (e) blocks.push(...evaluationTable(e), { type: 'download', label: '下载自评表（xlsx）', route: `projects/${project.id}/self-evaluation/report`, query: { year: String(year) } });
        const targets = await getTargets(host, project.id, year);
        if (targets && context.user.roles.some((r) => EVALUATE.includes(r))) blocks.push(evaluationForm(project.id, year, targets, latestValues(await monitoringDocs(host, project.id, year)), e ?? null));
        if (!targets) blocks.push({ type: 'markdown', text: `项目“${project.code} ${project.name}”${year} 年度没有绩效目标。` });
      }
      return { title: '绩效自评', blocks };
    },
    matching: async (context, host) => {
      const asOf = await today(host);
      const year = safeYear(context.query.year, asOf.slice(0, 4));
      const projects = await host.ledger.projects();
      const project = projects.find((p) => String(p.id) === context.query.projectId) ?? projects[0];
      const blocks: import('@unibudget/sdk').ViewBlock[] = [{ type: 'markdown', text: projects.map((p) => `- [${p.code} ${p.name}](?projectId=${p.id}&year=${year})`).join('\n') || '（没有项目）' }];
      if (project) {
        const through = year < Number(asOf.slice(0, 4)) ? 12 : Number(asOf.slice(5, 7));
        blocks.push(...matchingBlocks(await projectMatching(host, project.id, year, through, settingsOf(host.settings)), `${project.code} ${project.name}：资金进度与业务进度`));
        blocks.push({ type: 'markdown', text: '业务进度取自本插件的进度记录和数量指标的监控值（分析插件的项目进度记录属于该插件，本插件不能读取）。' });
        if (context.user.roles.some((r) => ENTER_VALUES.includes(r))) blocks.push(milestoneForm(project.id));
      }
      return { title: '业务流与资金流匹配', blocks };
    },
    project: async (context, host) => {
      if (context.subject?.kind !== 'project') return { title: '项目绩效', blocks: [{ type: 'markdown', text: '请在项目页面查看。' }] };
      const asOf = await today(host);
      const year = safeYear(context.query.year, asOf.slice(0, 4));
      const project = (await host.ledger.projects()).find((p) => p.id === context.subject!.id);
      if (!project) return { title: '项目绩效', blocks: [{ type: 'markdown', text: '项目不存在。' }] };
      const targets = await getTargets(host, project.id, year);
      const docs = await monitoringDocs(host, project.id, year);
      const latest = latestValues(docs);
      const blocks: import('@unibudget/sdk').ViewBlock[] = [
        { type: 'markdown', text: '结构化绩效目标（本插件）；项目页面上方“绩效目标”中的文字目标链接照常保留。' },
        targetsTable(targets),
      ];
      const roles = context.user.roles;
      if (roles.some((r) => EDIT_TARGETS.includes(r))) blocks.push(targetsWizard(project, year, await loadLibrary(host), targets, undefined));
      if (targets && roles.some((r) => ENTER_VALUES.includes(r))) blocks.push(monitoringForm(project.id, year, Math.min(settingsOf(host.settings).monitorMonth, Number(asOf.slice(5, 7))), targets, latest));
      const e = await host.storage.get<EvaluationDoc>('evaluations', evaluationId(project.id, year));
      if (e) blocks.push(...evaluationTable(e.data).slice(0, 3));
      const through = year < Number(asOf.slice(0, 4)) ? 12 : Number(asOf.slice(5, 7));
      blocks.push(...matchingBlocks(await projectMatching(host, project.id, year, through, settingsOf(host.settings)), '资金进度与业务进度').slice(0, 3));
      blocks.push(...(await feedbackBlocks(host, project.id, year)).slice(0, 1));
      return { title: '项目绩效', blocks };
    },
    request: async (context, host) => {
      if (context.subject?.kind !== 'budget-request') return { title: '上年绩效评价结果', blocks: [{ type: 'markdown', text: '请在预算申报页面查看。' }] };
      const mapped = await host.storage.get<{ projectId: number; year: number }>('requests', `r-${context.subject.id}`);
      if (!mapped) return { title: '上年绩效评价结果', blocks: [{ type: 'markdown', text: '该申报提交后显示所含项目的上年度绩效自评结果（不含项目的申报无此信息）。' }] };
      const { projectId, year } = mapped.data;
      // The targets of the requested year beside last year's result (the wizard is on the project's screen).
      return { title: '上年绩效评价结果', blocks: [...(await feedbackBlocks(host, projectId, year)), targetsTable(await getTargets(host, projectId, year))] };
    },
    cockpit: async (_context, host) => {
      const asOf = await today(host);
      const year = Number(asOf.slice(0, 4));
      const { rows } = await boardRows(host, year, await host.ledger.projects());
      const evaluations = (await all<EvaluationDoc>(host, 'evaluations', { year })).map((d) => d.data);
      const prior = (await all<EvaluationDoc>(host, 'evaluations', { year: year - 1 })).map((d) => d.data);
      const shown = evaluations.length ? evaluations : prior;
      const grades = (['excellent', 'good', 'fair', 'poor'] as const).map((g) => ({ label: GRADE_LABEL[g], value: shown.filter((e) => e.grade === g).length })).filter((x) => x.value > 0);
      const blocks: import('@unibudget/sdk').ViewBlock[] = [
        { type: 'stat', label: '绩效红灯项目', value: rows.filter((r) => r.light === 'red').length, format: 'number', tone: rows.some((r) => r.light === 'red') ? 'bad' : 'good' },
        { type: 'stat', label: '黄灯项目', value: rows.filter((r) => r.light === 'yellow').length, format: 'number', tone: rows.some((r) => r.light === 'yellow') ? 'warn' : 'normal' },
        { type: 'stat', label: '待说明预警', value: rows.reduce((a, r) => a + r.open, 0), format: 'number' },
      ];
      if (grades.length) blocks.push({ type: 'pie', title: `${shown === evaluations ? year : year - 1} 年度自评等级`, slices: grades });
      // The flow match of the projects that are off (the leader's question: where is money ahead of work?).
      const through = Number(asOf.slice(5, 7));
      const mismatchRows: Array<Record<string, string | number>> = [];
      const watched = rows.slice(0, 10);
      // One walk over the year's payments for all of them.
      const ledger = await projectPayments(host, year, new Set(watched.map((r) => r.project.id)));
      for (const r of watched) {
        const [monitoring, milestones] = await Promise.all([monitoringDocs(host, r.project.id, year), all<MilestoneDoc>(host, 'milestones', { projectId: r.project.id }).then((d) => d.map((x) => x.data))]);
        const m = matchingOf({ year, money: ledger.money.get(r.project.id) ?? { budget: 0, paid: 0 }, payments: ledger.byProject.get(r.project.id) ?? [], work: workPoints(r.targets, monitoring, milestones), throughMonth: through, tolerancePct: settingsOf(host.settings).matchTolerancePct });
        const last = m.mismatches[m.mismatches.length - 1];
        if (last) mismatchRows.push({ project: `${r.project.code} ${r.project.name}`, degree: m.degree === null ? '—' : `${m.degree}%`, kind: last.kind === 'money-ahead' ? '资金超前于业务' : '业务超前于资金', month: `${last.month}月`, gap: String(last.gap) });
      }
      blocks.push({ type: 'table', title: '业务流与资金流不匹配的项目', columns: [{ key: 'project', label: '项目' }, { key: 'degree', label: '匹配度' }, { key: 'kind', label: '最近不匹配' }, { key: 'month', label: '月份' }, { key: 'gap', label: '差（百分点）' }], rows: mismatchRows });
      return { title: '绩效概览', blocks };
    },
  },
});

function pick(q: Record<string, string>, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (q[k]) out[k] = q[k]!;
  return out;
}
const safeYear = (raw: string | undefined, fallback: string) => (raw && /^20\d{2}$/.test(raw) ? Number(raw) : Number(fallback));
