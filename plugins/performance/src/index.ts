import { block, definePlugin, fromBase64, ok, refuse, toBase64, warn, type HostApi, type RouteRequest } from '@unibudget/sdk';
import { strFromU8, strToU8 } from 'fflate';
import { SETS } from './data/library.js';
import { checkedSettings, collectAll, evaluateProject, evaluationXlsx, runAll, today } from './operations.js';
import { seedDemo } from './demo.js';
import { EXPORT_FORMAT, HEADER, InputError, filterIndicators, fromRows, toRow } from './library.js';
import { body, num, projectIdOf, refusalOf, text, who, yearOf } from './requests.js';
import { answerOf, latestEvaluation, type EvaluationDoc } from './evaluation.js';
import { deleteEvidence, downloadEvidence, listEvidence, uploadEvidence } from './evidence.js';
import { deleteIndicator, importIndicators, loadLibrary, saveIndicator } from './library-store.js';
import { checkpoint, ledgerAt, closeWarning, evaluationId, explainWarning, getTargets, lastDayOf, latestValues, monitoringDocs, parseMonitoringValues, parseTargets, projectOf, saveTargets, targetsId, type MilestoneDoc, type WarningDoc } from './service.js';
import { all } from './store.js';
import { settingsOf } from './settings.js';
import { GRADE_LABEL, LEVEL1, LEVEL2 } from './types.js';
import { projectMatching, views } from './screens.js';
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

/** `PUT projects/:projectId/targets` (and its older alias POST): the wizard's targets, weights summing to 100. */
const setTargets = (request: RouteRequest, host: HostApi) => guarded(async () => {
  const project = await projectParam(request, host);
  const b = body(request.body);
  const year = await yearParam(b.year, host);
  const previous = await getTargets(host, project.id, year);
  const { lines, incomplete } = parseTargets(b, await loadLibrary(host), previous);
  const doc = await saveTargets(host, project.id, year, lines, who(request.user));
  await host.log.info('targets saved', { projectId: project.id, year, version: doc.version, lines: lines.length, by: doc.by, method: request.method });
  return { message: incomplete.length ? `绩效目标已保存；尚未填写年度指标值：${incomplete.join('、')}` : `绩效目标已保存（第 ${doc.version} 版）`, id: targetsId(project.id, year), incomplete, ...doc };
});

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
    'PUT projects/:projectId/targets': (request, host) => setTargets(request, host),
    // The first wizard posted: kept as an alias of PUT with the same answer.
    'POST projects/:projectId/targets': (request, host) => setTargets(request, host),

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
      // One read of the project's own payments (host.ledger.payments({ projectId })), not the whole year's.
      const ledger = await ledgerAt(host, year, month, new Set([project.id]));
      const money = ledger.money.get(project.id) ?? { budget: 0, paid: 0 };
      const payments = ledger.payments.get(project.id) ?? [];
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
    'GET projects/:projectId/evidence': async (request, host) => {
      const project = await projectParam(request, host);
      const year = await guarded(() => yearParam(request.query.year, host));
      return { projectId: project.id, year, files: (await listEvidence(host, project.id, year)).map(({ id, name, mediaType, size, by, at }) => ({ id, name, mediaType, size, by, at })) };
    },
    'POST projects/:projectId/evidence': (request, host) => guarded(async () => {
      const project = await projectParam(request, host);
      const b = body(request.body);
      const year = await yearParam(b.year, host);
      const f = await uploadEvidence(host, project, year, b, who(request.user));
      await host.log.info('evidence uploaded', { projectId: project.id, year, id: f.id, name: f.name, size: f.size, by: f.by });
      return { message: `佐证材料“${f.name}”已上传（${Math.ceil(f.size / 1024)} KiB）`, id: f.id, name: f.name, mediaType: f.mediaType, size: f.size, by: f.by, at: f.at };
    }),
    'GET projects/:projectId/evidence/:evidenceId': async (request, host) => downloadEvidence(host, (await projectParam(request, host)).id, request.params.evidenceId),
    'DELETE projects/:projectId/evidence/:evidenceId': async (request, host) => {
      const gone = await deleteEvidence(host, (await projectParam(request, host)).id, request.params.evidenceId);
      return { message: `佐证材料“${gone.name}”已删除`, ...gone };
    },
    // The evaluation view's row action (row actions post `{ id, reason? }`).
    'POST projects/:projectId/evidence/delete': (request, host) => guarded(async () => {
      const project = await projectParam(request, host);
      const gone = await deleteEvidence(host, project.id, text(body(request.body), 'id', '佐证材料', { required: true, max: 100 }));
      return { message: `佐证材料“${gone.name}”已删除`, ...gone };
    }),
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

  views,
});
