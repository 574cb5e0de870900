import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';
import { DEFAULT_SETTINGS } from './src/settings.js';
import { POST_ROUTE_ROLES } from './src/roles.js';
import { generateUnit, type Generated } from './fixtures/generate.js';
import { writeLedger, type WrittenLedger } from './fixtures/ledger.js';

/**
 * The plugin end to end in the real sandbox: generated ledgers of three years written into the
 * in-memory core's tables for units a and b, read back only through the host API.
 */
const dir = fileURLToPath(new URL('.', import.meta.url));
const today = new Date().toISOString().slice(0, 10);
const thisYear = Number(today.slice(0, 4));
let h: PluginHarness;

const generate = () => generateUnit({
  seed: 11, years: [thisYear - 2, thisYear - 1, thisYear], asOf: today, departments: 3, paymentsPerLineMonth: 1,
  plant: { yearEndRush: true, splitting: true, lateSpecial: true },
});

const strip = (docs: Array<{ id: string; data: any }>) => docs.map((d) => ({ id: d.id, ...d.data })).sort((a, b) => a.id.localeCompare(b.id));

let a: WrittenLedger;
let full: Generated;
let incrementalWarnings: Array<Record<string, unknown>>;
let incrementalState: Array<Record<string, unknown>>;
let eventsDelivered = 0;

beforeAll(async () => {
  h = await createPluginHarness({ dir, units: ['a', 'b'] });
  // Unit b keeps the defaults except the year-end rush share, set by its admin.
  await h.enable('b', { grants: ['ledger.read', 'storage', 'events', 'notify', 'routes', 'views', 'schedule', 'log'], settings: { rushShare: 0.7 } });
  const g = generate();
  full = g;
  // Unit a: everything up to mid-year is in the ledger before the first nightly run; the rest arrives as events.
  const cutoff = `${thisYear}-06-01`;
  const early = { ...g, payments: g.payments.filter((p) => p.day < cutoff) };
  a = await writeLedger(h, 'a', early);
  const head = await h.userId('a.head');
  const rushDept = a.departmentOf.get(g.planted.rushDepartment!)!;
  await h.route('POST', 'contacts', { as: 'a.admin', body: { departmentId: rushDept, users: String(head) } });
  await h.runSchedule('nightly-recompute', { scheduledAt: new Date().toISOString() });
}, 180_000);
afterAll(async () => h?.close());

describe('analytics plugin end to end', () => {
  it('events folded one by one and in batches give the same warnings and state as the scheduled full recomputation', async () => {
    const g = full;
    const cutoff = `${thisYear}-06-01`;
    // The rest of the year's payments: written to the ledger, then delivered as payment.paid events (one twice).
    const before = a.payments.length;
    await writeLedger(h, 'a', { departments: g.departments, projects: [], indicators: [], payments: g.payments.filter((p) => p.day >= cutoff) }, a);
    const arriving = a.payments.slice(before).map((payment) => ({ type: 'payment.paid', payload: { payment }, id: `evt-${payment.id}` }));
    // The first alone and again (a redelivery), the rest as the outbox hands them to an eventBatch plugin:
    // up to 10 per sandbox call, a call that stops early (its time or host-call budget) followed by the rest.
    await h.emit('payment.paid', arriving[0]!.payload, { id: arriving[0]!.id });
    await h.emit('payment.paid', arriving[0]!.payload, { id: arriving[0]!.id });
    eventsDelivered = 1;
    while (eventsDelivered < arriving.length) {
      const batch = await h.emitBatch(arriving.slice(eventsDelivered, eventsDelivered + 10));
      expect(batch).toMatchObject({ failed: false });
      expect(batch.done).toBeGreaterThan(0);
      eventsDelivered += batch.done;
    }
    expect(eventsDelivered).toBeGreaterThan(20);
    incrementalWarnings = strip(await h.documents('warnings'));
    incrementalState = strip(await h.documents('state')).filter((d) => String(d.id).startsWith('year-'));
    expect(incrementalState.map((d) => d.id)).toContain(`year-${thisYear}`);

    await h.runSchedule('nightly-recompute', { scheduledAt: new Date().toISOString() });
    expect(strip(await h.documents('warnings'))).toEqual(incrementalWarnings);
    expect(strip(await h.documents('state')).filter((d) => String(d.id).startsWith('year-'))).toEqual(incrementalState);
    const grades = incrementalWarnings.filter((w) => w.active).map((w) => w.grade);
    expect(grades).toContain('severe');
  });

  it('a new red warning notifies the responsible people of its department', async () => {
    const head = await h.userId('a.head');
    const notes = await h.notifications('a');
    const toHead = notes.filter((n) => n.userId === head);
    expect(toHead.length).toBeGreaterThan(0);
    expect(toHead[0]!.title).toContain('红色预警');
    expect(toHead[0]!.body).toContain('年末');
    // Red warnings of departments without responsible people go to the roles in the settings.
    expect(notes.some((n) => n.role === 'finance_officer')).toBe(true);
    // Re-running raises nothing new: no second notification for the same warnings.
    const before = notes.length;
    await h.runSchedule('nightly-recompute', { scheduledAt: new Date().toISOString() });
    expect((await h.notifications('a')).length).toBe(before);
  });

  it('warning lifecycle: acknowledge → handle with a note → close, stored and logged', async () => {
    const { warnings } = await h.route('GET', 'warnings', { query: { status: 'open', grade: 'severe' } });
    expect(warnings.length).toBeGreaterThan(0);
    const target = warnings[0];
    // Business staff and auditors see warnings but may not act on them: refused by the host, the warning untouched.
    for (const as of ['a.staff', 'a.auditor']) {
      await expect(h.route('POST', 'warnings/acknowledge', { body: { id: target.id }, as })).rejects.toMatchObject({ status: 403, code: 'PLUGIN_ROLE_REQUIRED' });
    }
    expect((await h.documents('warnings')).find((d) => d.id === target.id)!.data.status).toBe('open');
    await expect(h.route('POST', 'warnings/close', { body: { id: target.id }, as: 'a.finance' }))
      .rejects.toMatchObject({ status: 409, code: 'analytics.INVALID_STATE', message: '409 analytics.INVALID_STATE: 预警须先处置后才能关闭' });
    await expect(h.route('POST', 'warnings/acknowledge', { body: { id: 'no-such-warning' }, as: 'a.head' }))
      .rejects.toMatchObject({ status: 404, code: 'analytics.WARNING_NOT_FOUND', details: { id: 'no-such-warning' } });
    let r = await h.route('POST', 'warnings/acknowledge', { body: { id: target.id }, as: 'a.finance' });
    expect(r.status).toBe('acknowledged');
    await expect(h.route('POST', 'warnings/handle', { body: { id: target.id, note: '' }, as: 'a.finance' }))
      .rejects.toMatchObject({ status: 400, code: 'analytics.VALIDATION_FAILED', details: { field: 'note' } });
    // Refusals answer the caller; they are not plugin faults (no breaker streak).
    await h.idle();
    expect(await h.enablement('a')).toMatchObject({ state: 'enabled', faults: 0 });
    r = await h.route('POST', 'warnings/handle', { body: { id: target.id, note: '已通过机动指标调剂 5 万元' }, as: 'a.finance' });
    expect(r.status).toBe('handled');
    r = await h.route('POST', 'warnings/close', { body: { id: target.id }, as: 'a.leader' });
    expect(r.status).toBe('closed');
    const stored = (await h.documents('warnings')).find((d) => d.id === target.id)!.data;
    expect(stored.status).toBe('closed');
    expect(stored.history.map((x: { action: string }) => x.action)).toEqual(['raise', 'acknowledge', 'handle', 'close']);
    expect(stored.history[2]).toMatchObject({ by: expect.stringContaining('a.finance'), note: '已通过机动指标调剂 5 万元' });
    const logs = await h.logs('a');
    const actions = logs.filter((l) => l.message.startsWith('warning ')).map((l) => [l.message, (l.data as { by: string }).by.split('#')[0]]);
    expect(actions).toEqual([['warning acknowledge', 'a.finance'], ['warning handle', 'a.finance'], ['warning close', 'a.leader']]);
    // Each POST route call the host answered is in the core's audit chain, by whom it was made.
    const audited = (await h.audit({ unitId: 'a', action: `plugin.${h.pluginId}.route` })).map((e) => [e.actorName, (e.after as { route: string }).route]);
    expect(audited).toEqual(expect.arrayContaining([['a.finance', 'POST warnings/acknowledge'], ['a.finance', 'POST warnings/handle'], ['a.leader', 'POST warnings/close']]));
    // The nightly run keeps it closed (the condition did not get worse).
    await h.runSchedule('nightly-recompute', { scheduledAt: new Date().toISOString() });
    expect((await h.documents('warnings')).find((d) => d.id === target.id)!.data.status).toBe('closed');
    const closed = await h.route('GET', 'warnings', { query: { status: 'closed' } });
    expect(closed.warnings.map((w: { id: string }) => w.id)).toContain(target.id);
  });

  it('every POST route names its roles in the manifest, and the views hide forms by the same table', () => {
    const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as { routes: Array<{ method: string; path: string; roles?: string[] }> };
    const posts = manifest.routes.filter((r) => r.method === 'POST');
    expect(posts.every((r) => r.roles && r.roles.length > 0)).toBe(true);
    expect(Object.fromEntries(posts.map((r) => [r.path, r.roles]))).toEqual(POST_ROUTE_ROLES);
    expect(manifest.routes.filter((r) => r.method === 'GET' && r.roles)).toEqual([]);
  });

  it('settings are per unit, with the manifest defaults', async () => {
    const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as { settings: Array<{ key: string; default: unknown }> };
    expect(Object.fromEntries(manifest.settings.map((f) => [f.key, f.default]))).toEqual(DEFAULT_SETTINGS);
    const b = await writeLedger(h, 'b', generate());
    // No scan has run in b yet: the transfer event's short path runs the full scan instead of judging empty state.
    const first = (await h.emit('transfer.approved', { transfer: { id: 1 } }, { unitId: 'b' })) as { scanned?: number };
    expect(first.scanned).toBe(b.payments.length);
    const again = (await h.emit('transfer.approved', { transfer: { id: 1 } }, { unitId: 'b' })) as { scanned?: number; writes: number };
    expect(again).toMatchObject({ writes: 0 });
    expect(again.scanned).toBeUndefined();
    const rush = (unit: string) => h.documents('warnings', unit).then((ds) => ds.filter((d) => d.data.monitor === 'year-end-rush'));
    expect((await rush('a')).map((d) => d.data.grade)).toContain('severe');
    // Unit b raised its year-end rush threshold to 70%: the same ledger raises no rush warning there.
    expect(await rush('b')).toEqual([]);
    expect((await h.documents('warnings', 'b')).filter((d) => d.data.monitor === 'splitting').length).toBe((await h.documents('warnings', 'a')).filter((d) => d.data.monitor === 'splitting').length);
  });

  it('project progress records drive the milestone monitor', async () => {
    const projects = await h.ledger('a').projects();
    await expect(h.route('POST', 'milestones', { body: { projectId: projects[1]!.id, date: 'soon', plannedPct: 50, reportedPct: 5 } }))
      .rejects.toMatchObject({ status: 400, code: 'analytics.VALIDATION_FAILED', details: { field: 'date' } });
    const r = await h.route('POST', 'milestones', { body: { projectId: projects[1]!.id, date: today, plannedPct: 50, reportedPct: 2, note: '施工单位进场延迟' } });
    expect(r.milestone).toMatchObject({ reportedPct: 0.02, plannedPct: 0.5 });
    const m = (await h.documents('warnings')).find((d) => d.data.monitor === 'milestone');
    expect(m?.data).toMatchObject({ grade: 'severe', evidence: expect.objectContaining({ reportedPct: 0.02 }) });
  });

  it('scenarios are saved and compared side by side', async () => {
    const projects = await h.ledger('a').projects();
    await expect(h.route('POST', 'scenarios', { body: { name: '基准', revenueCut: 10 } })).rejects.toMatchObject({ status: 403, code: 'PLUGIN_ROLE_REQUIRED' });
    const base = await h.route('POST', 'scenarios', { body: { name: '基准', revenueCut: 10 }, as: 'a.finance' });
    expect(base.result.stress.cuts[0].tierName).toBe('三公经费');
    const grow = await h.route('POST', 'scenarios', { body: { name: '增人增资', headcountChange: 5, salaryChange: 8, priceIndex: 2, projectDelays: `${projects[0]!.code}:40`, revenueCut: 10 }, as: 'a.leader' });
    expect(grow.result.totalDemand).toBeGreaterThan(base.result.totalDemand);
    await expect(h.route('POST', 'scenarios', { body: { name: '错', projectDelays: 'NOPE:10' }, as: 'a.finance' }))
      .rejects.toMatchObject({ status: 400, code: 'analytics.VALIDATION_FAILED', details: { field: 'projectDelays' } });
    const cmp = await h.route('GET', 'scenarios', { query: { ids: `${base.id},${grow.id}` } });
    expect(cmp.comparison.columns.map((c: { label: string }) => c.label)).toEqual(['项目', '基准', '增人增资']);
    const view = await h.view('scenarios', { as: 'a.finance' });
    expect(view.blocks.map((b: { type: string }) => b.type)).toEqual(['markdown', 'form', 'table', 'bar', 'table']);
    // Staff may read the comparison but not compute scenarios: the form is left out for them.
    expect((await h.view('scenarios')).blocks.map((b: { type: string }) => b.type)).toEqual(['markdown', 'table', 'bar', 'table']);
  });

  it('renders the warning centre, dashboard, forecast and project views', async () => {
    const centre = await h.view('warnings', { as: 'a.finance' });
    expect(centre.title).toBe('预警中心');
    const table = centre.blocks.find((b: { type: string }) => b.type === 'table');
    expect(table.rows.length).toBeGreaterThan(0);
    // 确认 → 处置 → 关闭 are row actions (host API 1.1.0): each row names itself and the steps its state allows.
    expect(table.actions.map((x: { id: string; route: string; reason: string }) => [x.id, x.route, x.reason])).toEqual([
      ['acknowledge', 'warnings/acknowledge', 'optional'], ['handle', 'warnings/handle', 'required'], ['close', 'warnings/close', 'optional'], ['consult', undefined, undefined]]);
    const openRow = table.rows.find((r: { _actions: string; status: string }) => r.status === '待确认');
    expect(openRow).toMatchObject({ _id: expect.any(String), _actions: 'acknowledge,handle,consult' });
    // 发起会商 links to collab's consultation view prefilled with the warning (the web app shows it where collab is enabled).
    expect(table.actions.at(-1)).toEqual({ id: 'consult', kind: 'link', label: '发起会商', target: { plugin: 'collab', view: 'consultations', query: { warningId: '{_id}', title: '{title}', departmentId: '{_departmentId}' } } });
    expect(table.rows.filter((r: { status: string }) => r.status.startsWith('已关闭')).every((r: { _actions: string }) => !r._actions.includes('consult'))).toBe(true);
    expect(centre.blocks.filter((b: { type: string }) => b.type === 'form').map((f: { submit: string }) => f.submit)).not.toContain('warnings/acknowledge');
    // The filter form stores the caller's filter; the view reloads with it.
    await expect(h.route('POST', 'warnings/filter', { body: { grade: 'red' }, as: 'a.finance' }))
      .rejects.toMatchObject({ status: 400, code: 'analytics.VALIDATION_FAILED', details: { field: 'grade' } });
    expect(await h.route('POST', 'warnings/filter', { body: { grade: 'severe', status: '', monitor: '', department: '' }, as: 'a.finance' })).toMatchObject({ filter: { grade: 'severe' } });
    const severe = (await h.view('warnings', { as: 'a.finance' })).blocks.find((b: { type: string }) => b.type === 'table').rows;
    expect(severe.length).toBeGreaterThan(0);
    expect(severe.length).toBeLessThan(table.rows.length);
    expect(new Set(severe.map((r: { grade: string }) => r.grade))).toEqual(new Set(['严重（红）']));
    await h.route('POST', 'warnings/filter', { body: {}, as: 'a.finance' });
    expect((await h.view('warnings', { as: 'a.finance' })).blocks.find((b: { type: string }) => b.type === 'table').rows).toHaveLength(table.rows.length);
    // Business staff see the same warnings with no form they could not submit (acknowledge, handle, close, filter, recompute).
    const staffCentre = await h.view('warnings');
    expect(staffCentre.blocks.find((b: { type: string }) => b.type === 'table').rows).toHaveLength(table.rows.length);
    expect(staffCentre.blocks.filter((b: { type: string }) => b.type === 'form')).toEqual([]);
    expect(staffCentre.blocks.find((b: { type: string }) => b.type === 'table').actions.map((x: { id: string }) => x.id)).toEqual(['consult']);
    // A department head may acknowledge and handle, not close.
    const headTable = (await h.view('warnings', { as: 'a.head' })).blocks.find((b: { type: string }) => b.type === 'table');
    expect(headTable.actions.map((x: { id: string }) => x.id)).toEqual(['acknowledge', 'handle', 'consult']);
    const dash = await h.view('dashboard');
    expect(dash.blocks.map((b: { type: string }) => b.type)).toEqual(expect.arrayContaining(['stat', 'line', 'bar', 'pie', 'table']));
    const forecast = await h.view('forecast');
    const rows = forecast.blocks.find((b: { type: string }) => b.type === 'table').rows;
    expect(rows.some((r: { method: string }) => r.method === '季节性（以前年度）')).toBe(true);
    const projects = await h.view('projects', { as: 'a.finance' });
    expect(projects.blocks.map((b: { type: string }) => b.type)).toEqual(['table', 'form', 'table', 'form']);
    // Staff report progress (milestones) but do not choose who receives red warnings (contacts).
    expect((await h.view('projects')).blocks.filter((b: { type: string }) => b.type === 'form').map((b: { submit: string }) => b.submit)).toEqual(['milestones']);
    // The warning centre's "recompute now" form posts here; the scan reads every paid payment of the unit.
    expect(centre.blocks.some((b: { type: string; submit?: string }) => b.type === 'form' && b.submit === 'recompute')).toBe(true);
    const recomputed = await h.route('POST', 'recompute', { body: { confirm: true }, as: 'a.finance' });
    expect(recomputed.scanned).toBe(a.payments.length);
    expect(recomputed.writes).toBe(0);
  });

  it('a row action posts { id, reason }: the reason is the note (required to handle)', async () => {
    const { warnings } = await h.route('GET', 'warnings', { query: { status: 'open' } });
    const target = warnings[0];
    await expect(h.route('POST', 'warnings/handle', { body: { id: target.id }, as: 'a.finance' }))
      .rejects.toMatchObject({ status: 400, details: { field: 'note' } });
    const r = await h.route('POST', 'warnings/handle', { body: { id: target.id, reason: '已约谈科室，下月加快支付' }, as: 'a.finance' });
    expect(r.status).toBe('handled');
    expect(r.history.at(-1)).toMatchObject({ action: 'handle', note: '已约谈科室，下月加快支付' });
  });

  it('responsible people: named by hand, else the department heads and finance officers (host.members)', async () => {
    const projects = await h.view('projects', { as: 'a.finance' });
    const responsible = projects.blocks.filter((b: { type: string }) => b.type === 'table')[1];
    // The head was named by hand for the planted department (beforeAll), shown with the name host.members gives;
    // the finance office has no one named: its finance officer answers for it.
    const head = await h.userId('a.head');
    const finance = await h.userId('a.finance');
    expect(responsible.rows.find((r: { users: string }) => r.users.includes(`（${head}）`))).toMatchObject({ source: '指定', users: expect.stringMatching(/^\S+（\d+）$/) });
    expect(responsible.rows.find((r: { users: string }) => r.users.includes(`（${finance}）`))).toMatchObject({ source: '科室负责人、财务人员' });
  });

  it('the monthly execution anomaly report is stored and pushed once a month', async () => {
    const first = `${today.slice(0, 7)}-01T08:00:00.000Z`;
    const r = (await h.runSchedule('monthly-report', { scheduledAt: first })) as { skipped: boolean; counts: Record<string, number> };
    expect(r.skipped).toBe(false);
    expect(r.counts.severe).toBeGreaterThan(0);
    expect((await h.runSchedule('monthly-report', { scheduledAt: first })) as { skipped: boolean }).toMatchObject({ skipped: true });
    const reports = await h.route('GET', 'reports');
    expect(reports.reports[0].text).toContain('预算执行异常报告');
    const notes = await h.notifications('a');
    expect(notes.some((n) => n.title.includes('预算执行异常报告'))).toBe(true);
  });

  it('a responsible person the host refuses (not a member of the unit) gets the notice sent to the roles instead, and the job succeeds', async () => {
    const outsider = await h.userId('b.head');
    const rushDept = a.departmentOf.get(full.planted.rushDepartment!)!;
    await h.route('POST', 'contacts', { as: 'a.admin', body: { departmentId: rushDept, users: String(outsider) } });
    const r = (await h.runSchedule('monthly-report', { scheduledAt: `${thisYear - 1}-12-01T08:00:00.000Z` })) as { skipped: boolean };
    expect(r.skipped).toBe(false);
    const notes = (await h.notifications('a')).filter((n) => n.title.startsWith(`${thisYear - 1} 年 11 月`));
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every((n) => n.userId === null && n.role !== null)).toBe(true);
  });
});
