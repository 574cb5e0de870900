import type { HostApi, IndicatorRecord, MemberRecord, PaymentRecord, TimeProgressRecord } from '@unibudget/sdk';
import { emptyYear, foldPages, foldPayment, yearOf, type YearState } from './aggregate.js';
import { readSettings, type AnalyticsSettings } from './settings.js';
import { loadIndex, loadYear, saveChunked, saveIndex, saveYear, type LoadedYear } from './store.js';
import { GRADE_COLOR, GRADE_LABEL, MONITOR_LABEL, yuan, type Department, type Finding, type Indicator, type Milestone, type Payment, type Project } from './types.js';
import { applyWrite, evaluate, keyYear, reconcile, type WarningDoc } from './warnings.js';

/** The web app's page of the warning centre (plugin pages live at /plugins/<id>/<view>). */
export const WARNINGS_LINK = '/plugins/analytics/warnings';

/** Years of history the baselines and profiles look back on. */
export const HISTORY_YEARS = 2;
const PAGE = 5000;
/** Document writes one run may make; the rest wait for the next run (host calls are capped per call). */
const WRITE_BUDGET = 300;

export const toIndicator = (r: IndicatorRecord): Indicator => ({
  id: r.id, year: r.year, code: r.code, name: r.name, departmentId: r.departmentId, projectId: r.projectId, expenditureKind: r.expenditureKind,
  economicCode: r.economicCode, fundSourceCode: r.fundSourceCode, budget: r.issued + r.adjusted,
});

/** A ledger payment (or an event's payment) as the analysis sees it; null when it is not money paid. */
export function toPayment(r: Partial<PaymentRecord> | null | undefined): Payment | null {
  if (!r || r.status !== 'paid' || typeof r.id !== 'number' || typeof r.amount !== 'number') return null;
  const day = String(r.paidAt ?? r.date ?? '').slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  return {
    id: r.id, indicatorId: Number(r.indicatorId), departmentId: Number(r.departmentId), payeeName: String(r.payeeName ?? ''),
    economicCode: String(r.economicCode ?? ''), amount: r.amount, day, ...(typeof r.docNo === 'string' && r.docNo ? { docNo: r.docNo } : {}),
  };
}

export const dayOf = (iso: string | undefined) => (iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : new Date().toISOString().slice(0, 10));

export interface Context {
  settings: AnalyticsSettings;
  year: number;
  asOf: string;
  /** 序时进度 on asOf from the host (the core's one definition, by the unit's basis). */
  time: TimeProgressRecord;
  indicators: Indicator[];
  departments: Department[];
  projects: Project[];
  milestones: Milestone[];
  years: Map<number, LoadedYear>;
}

export async function readMilestones(host: HostApi): Promise<Milestone[]> {
  const docs = await host.storage.query<Record<string, unknown>>('milestones', {}, { limit: 500 });
  return docs.map((d) => ({
    projectId: Number(d.data.projectId), date: String(d.data.date), plannedPct: Number(d.data.plannedPct), reportedPct: Number(d.data.reportedPct),
    ...(typeof d.data.note === 'string' ? { note: d.data.note } : {}),
  }));
}

/** Everything an evaluation reads: the ledger of the year, the stored year states, the milestones. */
export async function loadContext(host: HostApi, asOf: string, years?: Map<number, LoadedYear>): Promise<Context> {
  const year = yearOf(asOf);
  const [indicators, departments, projects, milestones, time] = await Promise.all([
    host.ledger.indicators({ year }), host.ledger.departments(), host.ledger.projects(), readMilestones(host), host.ledger.timeProgress({ year, date: asOf }),
  ]);
  const loaded = years ?? new Map<number, LoadedYear>();
  for (let y = year - HISTORY_YEARS; y <= year; y++) if (!loaded.has(y)) loaded.set(y, await loadYear(host, y));
  return {
    settings: readSettings(host.settings), year, asOf, time, indicators: indicators.map(toIndicator), departments,
    projects: projects.map((p) => ({ id: p.id, code: p.code, name: p.name, status: p.status, startYear: p.startYear, endYear: p.endYear, totalAmount: p.totalAmount })),
    milestones, years: loaded,
  };
}

export function findingsOf(ctx: Context): Finding[] {
  const state = (y: number): YearState => ctx.years.get(y)?.state ?? emptyYear(y);
  const prior: YearState[] = [];
  for (let y = ctx.year - HISTORY_YEARS; y < ctx.year; y++) if (ctx.years.get(y)?.state.ids.length) prior.push(state(y));
  return evaluate({
    year: ctx.year, asOf: ctx.asOf, time: ctx.time, indicators: ctx.indicators, departments: ctx.departments, projects: ctx.projects, milestones: ctx.milestones,
    current: state(ctx.year), prior, settings: ctx.settings, ...(ctx.years.get(ctx.year - 1)?.state.ids.length ? { previous: state(ctx.year - 1) } : {}),
  });
}

/**
 * Rebuilds every year state from the ledger (all paid payments, paged oldest first) and then
 * re-evaluates. The nightly job and the manual "recompute" run this; events take the short path.
 */
export async function fullRecompute(host: HostApi, asOf: string, by: string) {
  const settings = readSettings(host.settings);
  const year = yearOf(asOf);
  const states = new Map<number, YearState>();
  let afterId = 0;
  let scanned = 0;
  for (;;) {
    const page = await host.ledger.payments({ status: 'paid', afterId, limit: PAGE });
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    scanned += page.length;
    const mapped = page.map(toPayment).filter((p): p is Payment => p !== null && yearOf(p.day) >= year - HISTORY_YEARS && yearOf(p.day) <= year);
    foldPages([mapped], settings, states);
    // Only an empty page ends the scan: a page may be shorter than PAGE when it reaches the host's answer budget.
  }
  const years = new Map<number, LoadedYear>();
  for (let y = year - HISTORY_YEARS; y <= year; y++) {
    const old = await host.storage.get<{ parts: number }>('state', `year-${y}`);
    const loaded = { state: states.get(y) ?? emptyYear(y), parts: old ? Number(old.data.parts) || 1 : 0 };
    loaded.parts = await saveYear(host, loaded);
    years.set(y, loaded);
  }
  const result = await evaluateAndStore(host, await loadContext(host, asOf, years), by);
  await host.storage.put('state', 'built', { kind: 'built', year, at: asOf, scanned });
  return { ...result, scanned };
}

/**
 * Short paths only work on top of a full scan: judged on empty states, every indicator would look
 * 0% executed and raise (and notify) red warnings. Until the first scan, they run the scan instead.
 */
async function built(host: HostApi, asOf: string): Promise<boolean> {
  const doc = await host.storage.get<{ year: number }>('state', 'built');
  return !!doc && Number(doc.data.year) === yearOf(asOf);
}

/** An approved payment: folded into its year (idempotent by payment id), then re-evaluated. */
export async function onPaymentPaid(host: HostApi, payment: Payment | null, asOf: string) {
  if (!(await built(host, asOf))) return fullRecompute(host, asOf, 'system');
  const year = yearOf(asOf);
  const years = new Map<number, LoadedYear>();
  if (payment && yearOf(payment.day) >= year - HISTORY_YEARS && yearOf(payment.day) <= year) {
    const loaded = await loadYear(host, yearOf(payment.day));
    if (foldPayment(loaded.state, payment, readSettings(host.settings))) loaded.parts = await saveYear(host, loaded);
    years.set(loaded.state.year, loaded);
  }
  return evaluateAndStore(host, await loadContext(host, asOf, years), 'system');
}

/** Re-evaluates without new payments (budgets moved by a transfer or adjustment, settings, milestones). */
export async function reevaluate(host: HostApi, asOf: string, by = 'system') {
  if (!(await built(host, asOf))) return fullRecompute(host, asOf, by);
  return evaluateAndStore(host, await loadContext(host, asOf), by);
}

export async function evaluateAndStore(host: HostApi, ctx: Context, _by: string) {
  const findings = findingsOf(ctx);
  const { index, parts } = await loadIndex(host);
  const plan = reconcile(index, findings, [ctx.year, ctx.year - 1]);
  const at = `${ctx.asOf}T00:00:00.000Z`;
  const committed = { ...index };
  let writes = 0;
  for (const w of plan.writes) {
    if (writes >= WRITE_BUDGET) break;
    const existing = w.change === 'raise' ? null : (await host.storage.get<WarningDoc>('warnings', w.id))?.data ?? null;
    const doc = applyWrite(existing, w, at);
    const key = w.finding?.key ?? Object.keys(plan.index).find((k) => plan.index[k]!.id === w.id);
    if (doc) await host.storage.put('warnings', w.id, doc);
    writes += doc ? 1 : 0;
    if (key) committed[key] = plan.index[key]!;
  }
  // Settled warnings of years no longer judged leave the index (their documents stay).
  let pruned = 0;
  for (const [key, entry] of Object.entries(committed)) {
    if (keyYear(key) < ctx.year - 1 && (entry.status === 'closed' || !entry.active)) {
      delete committed[key];
      pruned += 1;
    }
  }
  if (plan.writes.length || pruned) await saveIndex(host, committed, parts);
  const notified = await notifyRed(host, plan.newRed.filter((f) => committed[f.key]), ctx);
  const counts = { severe: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.grade] += 1;
  return { year: ctx.year, asOf: ctx.asOf, findings: findings.length, counts, writes, pending: plan.writes.length - Math.min(plan.writes.length, WRITE_BUDGET), notified };
}

/**
 * Sends a notice; when the host refuses its people (an id that is not, or no longer, a member of the
 * unit: the contacts form has no way to check membership), sends it to the settings' roles instead,
 * so one stale contact neither silences the warning nor fails the job.
 */
async function notifyPeople(host: HostApi, message: Parameters<HostApi['notify']>[0], settings: AnalyticsSettings): Promise<void> {
  try {
    await host.notify(message);
  } catch (error) {
    if (!message.users?.length || (error as { code?: unknown }).code !== 'PLUGIN_BAD_ARGUMENTS') throw error;
    const { users: _refused, ...rest } = message;
    await host.notify({ ...rest, roles: settings.notifyRoles.split(',').map((r) => r.trim()).filter(Boolean) });
    await host.log.warn('responsible people refused by the host; sent to the roles instead', { users: message.users });
  }
}

/** The roles that answer for a department's warnings when nobody was named by hand: its head and its finance officers. */
export const RESPONSIBLE_ROLES = ['department_head', 'finance_officer'] as const;

/**
 * The unit's people (host API 1.1.0, `members.read`), or null where the host has no such call or the
 * unit did not grant it: the plugin then works as before, from the hand-kept contacts and the roles.
 */
export async function membersOf(host: HostApi): Promise<MemberRecord[] | null> {
  if (!host.members) return null;
  try {
    return await host.members.list();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'PLUGIN_PERMISSION_DENIED' || code === 'PLUGIN_UNKNOWN_HOST_CALL') return null;
    throw error;
  }
}

/** The department heads and finance officers of a department, from the unit's members. */
export function responsibleIn(members: readonly MemberRecord[], departmentId: number): MemberRecord[] {
  return members.filter((m) => m.departmentId === departmentId && m.roles.some((r) => (RESPONSIBLE_ROLES as readonly string[]).includes(r)));
}

/**
 * People responsible for a department: those the unit named by hand (contacts), else its department
 * heads and finance officers among the unit's members, else the roles in the settings.
 */
export async function recipientsOf(host: HostApi, departmentId: number | null, settings: AnalyticsSettings): Promise<{ users?: number[]; roles?: string[] }> {
  if (departmentId !== null) {
    const doc = await host.storage.get<{ users: number[] }>('contacts', `department-${departmentId}`);
    const users = (doc?.data.users ?? []).filter((u) => Number.isSafeInteger(u));
    if (users.length) return { users };
    const members = await membersOf(host);
    const responsible = members ? responsibleIn(members, departmentId).map((m) => m.id) : [];
    if (responsible.length) return { users: responsible };
  }
  return { roles: settings.notifyRoles.split(',').map((r) => r.trim()).filter(Boolean) };
}

async function notifyRed(host: HostApi, red: Finding[], ctx: Context): Promise<number> {
  const byDept = new Map<number | null, Finding[]>();
  for (const f of red) byDept.set(f.departmentId, [...(byDept.get(f.departmentId) ?? []), f]);
  const names = new Map(ctx.departments.map((d) => [d.id, d.name]));
  let sent = 0;
  for (const [dept, list] of byDept) {
    const to = await recipientsOf(host, dept, ctx.settings);
    const head = list.length === 1 ? list[0]!.title : `${list.length} 条新的严重预警`;
    await notifyPeople(host, {
      title: `【${GRADE_COLOR.severe}预警·${GRADE_LABEL.severe}】${head}`.slice(0, 200),
      body: list.slice(0, 10).map((f) => `${MONITOR_LABEL[f.monitor]}：${f.title}\n处置建议：${f.suggestions.join('；')}`).join('\n\n')
        + (dept !== null ? `\n责任科室：${names.get(dept) ?? dept}` : ''),
      ...to,
      link: WARNINGS_LINK,
    }, ctx.settings);
    sent += 1;
  }
  return sent;
}

/** The monthly execution anomaly report, once per month: stored, and pushed to the responsible people. */
export async function monthlyReport(host: HostApi, asOf: string) {
  const month = asOf.slice(0, 7);
  const id = `report-${month}`;
  if (await host.storage.get('reports', id)) return { month, skipped: true };
  const ctx = await loadContext(host, asOf);
  const findings = findingsOf(ctx).filter((f) => keyYear(f.key) >= ctx.year - 1);
  const ind = ctx.indicators;
  const state = ctx.years.get(ctx.year)?.state ?? emptyYear(ctx.year);
  // 截至 m 月末: the months complete on the day it runs, and the host's 序时进度 at that month's end.
  const m = ctx.time.completedMonths;
  const progress = m > 0 ? ctx.time.byMonth[m - 1]! : 0;
  const budget = ind.reduce((a, i) => a + i.budget, 0);
  const paid = ind.reduce((a, i) => a + (state.byIndicator[String(i.id)] ?? []).slice(0, m).reduce((x, y) => x + y, 0), 0);
  const counts = { severe: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.grade] += 1;
  const lines = [
    `# ${ctx.year} 年 ${m} 月末预算执行异常报告`,
    '',
    `截至 ${m} 月末：预算 ${yuan(budget)}，已支付 ${yuan(paid)}，执行率 ${budget ? ((paid / budget) * 100).toFixed(1) : '0.0'}%，序时进度 ${(progress * 100).toFixed(1)}%。`,
    '',
    `预警：严重（红）${counts.severe} 条，一般（黄）${counts.warning} 条，提示（蓝）${counts.info} 条。`,
    '',
    ...findings.filter((f) => f.grade !== 'info').slice(0, 30).map((f) => `- 【${GRADE_LABEL[f.grade]}】${MONITOR_LABEL[f.monitor]}：${f.title}（建议：${f.suggestions.join('；')}）`),
  ];
  const text = lines.join('\n');
  await host.storage.put('reports', id, { month, text, counts, budget, paid, createdAt: `${asOf}T00:00:00.000Z` });
  const contacts = await host.storage.query<{ users: number[] }>('contacts', {}, { limit: 200 });
  const users = [...new Set(contacts.flatMap((c) => c.data.users ?? []))].filter((u) => Number.isSafeInteger(u)).slice(0, 50);
  const roles = ctx.settings.notifyRoles.split(',').map((r) => r.trim()).filter(Boolean);
  await notifyPeople(host, { title: `${ctx.year} 年 ${m} 月预算执行异常报告`, body: text.slice(0, 2000), ...(users.length ? { users } : {}), roles, link: WARNINGS_LINK }, ctx.settings);
  await host.log.info('monthly execution anomaly report sent', { month, counts });
  return { month, skipped: false, counts };
}

export { saveChunked };
