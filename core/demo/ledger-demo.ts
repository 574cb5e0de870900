import type { Kernel } from '../kernel.js';
import type { Tx } from '../db/connection.js';
import { runCommand } from '../db/command.js';
import { loadGrants } from '../accounts/service.js';
import { authorizeUnit, type Actor, type UnitScope } from '../permissions/service.js';
import type { Permission } from '../permissions/roles.js';
import { ApproveBody, CreateRequestBody, PutTemplateBody, ReturnBody, SubmitBody } from '../ledger/preparation/schema.js';
import { approveRequest, createRequest, returnRequest, submitRequest } from '../ledger/preparation/lifecycle.js';
import { putTemplate } from '../ledger/preparation/templates.js';
import { CreateProjectBody } from '../ledger/projects/schema.js';
import { changeProjectStatus, createProject } from '../ledger/projects/service.js';
import { IssueIndicatorBody } from '../ledger/indicators/schema.js';
import { issueIndicator } from '../ledger/indicators/service.js';
import { CapsBody } from '../ledger/rules/schema.js';
import { saveCaps } from '../ledger/rules/service.js';
import { PayBody, PaymentDraft } from '../ledger/payments/schema.js';
import { approvePayment, createPayment, validatePayment, payPayment, rejectPayment, withdrawPayment } from '../ledger/payments/service.js';
import { TransferDraft } from '../ledger/transfers/schema.js';
import { approveTransfer, createTransfer, validateTransfer } from '../ledger/transfers/service.js';
import { AdjustmentDraft } from '../ledger/adjustments/schema.js';
import { approveAdjustment, createAdjustment } from '../ledger/adjustments/service.js';
import { DecisionBody } from '../ledger/approvals/schema.js';
import { ReceiptDraft } from '../ledger/receipts/schema.js';
import { recordReceipt } from '../ledger/receipts/service.js';
import { DEMO_UNITS, type UnitDemo } from './ledger-demo-data.js';
import { DemoCalendar, planUnitYear, type IssuedIndicator, type PlannedAdjustment, type PlannedPayment, type PlannedTransfer } from './ledger-demo-plan.js';
import { mulberry32, type Rng } from './ledger-demo-random.js';

/**
 * A year of realistic budget activity for units a and b, made through the ledger services with the
 * demo logins, as the HTTP layer would make it: projects enter the library, the budget goes through
 * 二上二下 and is approved in January (issuing the indicators), 三公 caps and direct indicators are
 * set, then every month up to `today` carries payments walked through the default approval flow and
 * paid by finance, with transfers (调剂) and a 追加 on the way. Nothing is dated after `today`.
 *
 * Departments: the default payment flow starts with 科室负责人审核, and a department head decides
 * only for their own department; each demo unit has one head, in department 03 (with the business
 * staff), and only department-bound roles hold budget.prepare. So every request and every indicator
 * that is spent belongs to department 03 — otherwise its payments could never leave the first step.
 *
 * Any refusal by a service is a bug in this plan: it propagates and seeding fails.
 */
export async function seedLedgerDemo(kernel: Kernel, today: Date): Promise<void> {
  const calendar = new DemoCalendar(today);
  for (const unit of DEMO_UNITS) await seedUnit(kernel, unit, calendar);
}

type RoleName = 'staff' | 'head' | 'finance' | 'leader' | 'admin';

interface UnitContext {
  kernel: Kernel;
  unit: UnitDemo;
  calendar: DemoCalendar;
  departmentId: number;
  actors: Record<RoleName, Actor>;
  scope(role: RoleName, permission: Permission): Promise<UnitScope>;
  /** Approval and payment comments, from their own generator so the plan's numbers stay put. */
  words: Rng;
}

async function loadActor(kernel: Kernel, username: string): Promise<Actor> {
  const user = await kernel.db.selectFrom('users').select(['id', 'username', 'display_name']).where('username', '=', username).executeTakeFirst();
  if (!user) throw new Error(`demo user ${username} is missing: seed the kernel demo first`);
  return { userId: user.id, username: user.username, displayName: user.display_name, grants: await loadGrants(kernel.db, user.id), via: 'session' };
}

async function unitContext(kernel: Kernel, unit: UnitDemo, calendar: DemoCalendar): Promise<UnitContext> {
  const roles: RoleName[] = ['staff', 'head', 'finance', 'leader', 'admin'];
  const actors = Object.fromEntries(
    await Promise.all(roles.map(async (role) => [role, await loadActor(kernel, `${unit.unitId}.${role}`)] as const)),
  ) as Record<RoleName, Actor>;
  const department = await kernel.db
    .selectFrom('departments').select('id').where('unit_id', '=', unit.unitId).where('code', '=', '03').executeTakeFirstOrThrow();
  const scopes = new Map<string, UnitScope>();
  return {
    kernel, unit, calendar, departmentId: department.id, actors, words: mulberry32(unit.seed + 7),
    async scope(role, permission) {
      const key = `${role}:${permission}`;
      let scope = scopes.get(key);
      if (!scope) {
        scope = await authorizeUnit(kernel.db, actors[role], unit.unitId, permission);
        scopes.set(key, scope);
      }
      return scope;
    },
  };
}

function inTx<T>(ctx: UnitContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  return runCommand(ctx.kernel, work);
}

async function seedUnit(kernel: Kernel, unit: UnitDemo, calendar: DemoCalendar): Promise<void> {
  const ctx = await unitContext(kernel, unit, calendar);
  const indicators = await prepareBudget(ctx);
  await seedOwnMoney(ctx, indicators);
  const plan = planUnitYear(unit, calendar, indicators);
  const ids = new Map([...indicators].map(([key, i]) => [key, i.id]));
  for (const item of plan) {
    if (item.type === 'payment') await runPayment(ctx, ids, item);
    else if (item.type === 'transfer') await runTransfer(ctx, ids, item);
    else await runAdjustment(ctx, ids, item);
  }
}

// ------------------------------------------------------------------ the budget: 二上二下

/**
 * Templates, the project library, the two requests of department 03 through 二上二下, the
 * leader's approval in January, then 三公 caps and the directly issued indicators. Returns every
 * indicator by its plan key.
 */
async function prepareBudget(ctx: UnitContext): Promise<Map<string, IssuedIndicator>> {
  const { unit, calendar, actors, departmentId } = ctx;
  const year = calendar.year;

  // The unit admin saves the templates (per-head standards) the requests are computed from.
  for (const [kind, standards, name] of [
    ['personnel', unit.personnel, '人员经费测算模板'],
    ['operating', unit.operating, '公用经费测算模板'],
  ] as const) {
    const adminScope = await ctx.scope('admin', 'template.manage');
    const body = PutTemplateBody.parse({ name, functionalCode: unit.functionalCode, fundSourceCode: '11', standards });
    await inTx(ctx, (tx) => putTemplate(tx, actors.admin, adminScope, kind, body));
  }

  // Finance enters the projects into the library (储备).
  const projectScope = await ctx.scope('finance', 'project.manage');
  const projects = unit.projects(year);
  const projectIds = new Map<string, number>();
  for (const p of projects) {
    const body = CreateProjectBody.parse({
      code: p.code, name: p.name, departmentId, functionalCode: p.functionalCode, fundSourceCode: '11',
      startYear: p.startYear, endYear: p.endYear, totalAmount: p.plans.reduce((s, x) => s + x.amount, 0), plans: p.plans,
      description: p.description,
    });
    const created = await inTx(ctx, (tx) => createProject(tx, actors.finance, projectScope, body));
    projectIds.set(p.slug, created.id);
  }
  const slugOf = new Map([...projectIds].map(([slug, id]) => [id, slug]));

  // 一上: the business staff draws up the basic and the project request of the department.
  const staffScope = await ctx.scope('staff', 'budget.prepare');
  const basicBody = CreateRequestBody.parse({
    year, departmentId, title: `${year}年度基本支出预算（人员经费、公用经费）`,
    lines: [{ kind: 'personnel', headcount: unit.headcount }, { kind: 'operating', headcount: unit.headcount }],
    comment: `按核定编制内在职人员${unit.headcount}人及单位测算模板标准编制`,
  });
  const projectBody = CreateRequestBody.parse({
    year, departmentId, title: `${year}年度项目支出预算`,
    lines: projects.flatMap((p) =>
      p.lines.map((l) => ({ kind: 'project', projectId: projectIds.get(p.slug)!, economicCode: l.economicCode, amount: l.amount, note: l.note })),
    ),
    comment: '根据项目库入库项目及分年度计划编制',
  });
  const requests = [];
  for (const body of [basicBody, projectBody]) {
    const draft = await inTx(ctx, (tx) => createRequest(tx, actors.staff, staffScope, body));
    const submit = SubmitBody.parse({ comment: '一上：请财务科审核汇总' });
    requests.push(await inTx(ctx, (tx) => submitRequest(tx, actors.staff, staffScope, draft.id, submit)));
  }

  // 一下: finance hands down control numbers, cutting some lines; 二上: the department resubmits within them.
  const reviewScope = await ctx.scope('finance', 'budget.review');
  const lineKey = (line: { expenditureKind: string; projectId: number | null; economicCode: string }) =>
    line.projectId === null ? `basic:${line.economicCode}` : `proj:${slugOf.get(line.projectId)}:${line.economicCode}`;
  const approved = [];
  for (const request of requests) {
    const controls = request.lines.map((l) => {
      const cut = unit.cuts[lineKey(l)] ?? 0;
      return { lineId: l.id, controlAmount: cut > 0 ? Math.floor((l.amount * (1 - cut)) / 10_000) * 10_000 : l.amount };
    });
    const cutCount = controls.filter((c, i) => c.controlAmount !== request.lines[i]!.amount).length;
    const returnBody = ReturnBody.parse({
      lines: controls,
      comment: cutCount > 0 ? `一下：按县财政局控制数下达，压减一般性支出${cutCount}项，请按控制数调整后二上` : '一下：按申请数下达控制数',
    });
    const returned = await inTx(ctx, (tx) => returnRequest(tx, actors.finance, reviewScope, request.id, returnBody));
    const resubmit = SubmitBody.parse({
      lines: returned.lines.filter((l) => l.controlAmount !== l.amount).map((l) => ({ lineId: l.id, amount: l.controlAmount! })),
      comment: '二上：已按控制数调整',
    });
    const again = await inTx(ctx, (tx) => submitRequest(tx, actors.staff, staffScope, returned.id, resubmit));
    // 二下: the leader approves in January; the indicators are issued in the same transaction.
    const approveScope = await ctx.scope('leader', 'budget.approve');
    const approveBody = ApproveBody.parse({ date: calendar.approvalDate, comment: '同意，按批复执行' });
    approved.push(await inTx(ctx, (tx) => approveRequest(tx, actors.leader, approveScope, again.id, approveBody)));
  }

  const indicators = new Map<string, IssuedIndicator>();
  for (const request of approved) {
    for (const line of request.lines) {
      if (line.indicatorId === null) continue;
      indicators.set(lineKey(line), { id: line.indicatorId, amount: line.amount, economicCode: line.economicCode });
    }
  }

  // The approved projects start (执行中); the reserve one stays in the library.
  for (const p of projects) {
    if (p.lines.length === 0) continue;
    const projectId = projectIds.get(p.slug);
    if (projectId === undefined) throw new Error(`demo: no project ${p.slug}`);
    await inTx(ctx, (tx) => changeProjectStatus(tx, actors.finance, projectScope, projectId, { status: 'executing', comment: '预算已批复，项目启动实施' }));
  }

  // 三公经费 caps for the year, then the indicators finance issues directly.
  const issueScope = await ctx.scope('finance', 'indicator.issue');
  const caps = CapsBody.parse({ year, caps: unit.threePublic.map((t) => ({ economicCode: t.economicCode, amount: t.cap })) });
  const capsScope = await ctx.scope('finance', 'indicator.issue');
  await inTx(ctx, (tx) => saveCaps(tx, actors.finance, capsScope, caps));
  const direct = [
    ...unit.socialInsurance.map((s) => ({
      key: `si:${s.economicCode}`, name: `${year}年${s.name}（单位缴费）`, expenditureKind: 'personnel' as const,
      functionalCode: s.functionalCode, economicCode: s.economicCode, amount: s.perHead * unit.headcount, isFlexibleReserve: false,
    })),
    ...unit.threePublic.map((t) => ({
      key: `tp:${t.economicCode}`, name: `${year}年${t.name}`, expenditureKind: 'operating' as const,
      functionalCode: unit.functionalCode, economicCode: t.economicCode, amount: t.amount, isFlexibleReserve: false,
    })),
    {
      key: 'reserve', name: `${year}年${unit.reserve.name}`, expenditureKind: 'operating' as const,
      functionalCode: unit.functionalCode, economicCode: '30299', amount: unit.reserve.amount, isFlexibleReserve: true,
    },
  ];
  for (const d of direct) {
    const body = IssueIndicatorBody.parse({
      year, name: d.name, departmentId, projectId: null, expenditureKind: d.expenditureKind, functionalCode: d.functionalCode,
      economicCode: d.economicCode, fundSourceCode: '11', amount: d.amount, date: calendar.approvalDate, isFlexibleReserve: d.isFlexibleReserve,
    });
    const issued = await inTx(ctx, (tx) => issueIndicator(tx, actors.finance, issueScope, { ...body, refType: 'direct' }));
    indicators.set(d.key, { id: issued.id, amount: issued.amount, economicCode: issued.economicCode });
  }
  return indicators;
}

/**
 * 收入登记 and what it backs: the unit's own money (事业收入, 其他收入) is recorded as it arrives, and the
 * indicators over it are issued on the day of their receipt for no more than it, so no payment from
 * them can take 1002 / 800102 below zero (CASH_INSUFFICIENT). What is due after today has not
 * arrived: it is left out, with the indicator it would back.
 */
async function seedOwnMoney(ctx: UnitContext, indicators: Map<string, IssuedIndicator>): Promise<void> {
  const { unit, calendar, actors, departmentId } = ctx;
  const year = calendar.year;
  const arrived = (month: number) => month <= calendar.month;
  const dateOf = (month: number, day: number) => calendar.date(month, calendar.clampDay(month, day));
  const receiptScope = await ctx.scope('finance', 'receipt.record');
  for (const r of unit.receipts?.(year) ?? []) {
    // Money due later this month has not arrived yet, unless an indicator spent by today relies on it.
    if (!arrived(r.month) || (!r.backs && r.month === calendar.month && r.day > calendar.day)) continue;
    const body = ReceiptDraft.parse({ date: dateOf(r.month, r.day), type: r.type, amount: r.amount, fundSourceCode: r.fundSourceCode, payer: r.payer, summary: r.summary });
    await inTx(ctx, (tx) => recordReceipt(tx, actors.finance, receiptScope, body));
  }
  const issueScope = await ctx.scope('finance', 'indicator.issue');
  for (const o of unit.ownFunds?.(year) ?? []) {
    if (!arrived(o.month)) continue;
    const body = IssueIndicatorBody.parse({
      year, name: o.name, departmentId, projectId: null, expenditureKind: 'operating', functionalCode: o.functionalCode,
      economicCode: o.economicCode, fundSourceCode: o.fundSourceCode, amount: o.amount, date: dateOf(o.month, o.day),
    });
    const issued = await inTx(ctx, (tx) => issueIndicator(tx, actors.finance, issueScope, { ...body, refType: 'direct' }));
    indicators.set(o.key, { id: issued.id, amount: issued.amount, economicCode: issued.economicCode });
  }
}

// ------------------------------------------------------------------ execution

const DECIDER: Record<string, RoleName> = { department_head: 'head', finance_officer: 'finance', leader: 'leader' };

const APPROVAL_WORDS: Record<RoleName, readonly string[]> = {
  head: ['同意', '情况属实，同意报销', '经核实，同意', '同意，请财务审核'],
  finance: ['票据齐全，同意支付', '经审核，符合规定，同意', '审核无误，同意', '同意支付'],
  leader: ['同意', '同意支付', '同意，按规定执行'],
  staff: [],
  admin: [],
};

function indicatorId(ids: ReadonlyMap<string, number>, key: string): number {
  const id = ids.get(key);
  if (id === undefined) throw new Error(`demo: no indicator ${key}`);
  return id;
}

function pendingStep(doc: { steps: Array<{ seq: number; role: string; status: string }> }) {
  return doc.steps.find((s) => s.status === 'pending');
}

async function runPayment(ctx: UnitContext, ids: ReadonlyMap<string, number>, p: PlannedPayment): Promise<void> {
  const { actors } = ctx;
  const draft = PaymentDraft.parse({
    indicatorId: indicatorId(ids, p.key), payeeName: p.payee.name, payeeAccount: p.payee.account, payeeBank: p.payee.bank,
    purpose: p.purpose, amount: p.amount, date: p.date,
    ...(p.procurement ? { procurement: true, contractNo: p.procurement.contractNo } : {}),
    ...(p.standard ? { standard: p.standard } : {}),
  });
  const staffScope = await ctx.scope('staff', 'payment.create');
  const check = await validatePayment(ctx.kernel.db, actors.staff, staffScope, draft);
  let doc = await inTx(ctx, (tx) => createPayment(tx, actors.staff, staffScope, draft, check));
  const stopAt = p.end.kind === 'pending' || p.end.kind === 'rejected' || p.end.kind === 'withdrawn' ? p.end.atStep : Infinity;
  for (let step = pendingStep(doc); step; step = pendingStep(doc)) {
    if (step.seq >= stopAt) break;
    const role = DECIDER[step.role]!;
    const body = DecisionBody.parse({ comment: ctx.words.pick(APPROVAL_WORDS[role]) });
    const id = doc.id;
    const scope = await ctx.scope(role, 'payment.approve');
    doc = await inTx(ctx, (tx) => approvePayment(tx, actors[role], scope, id, body));
  }
  const step = pendingStep(doc);
  const id = doc.id;
  const end = p.end;
  switch (end.kind) {
    case 'paid': {
      const body = PayBody.parse({ date: p.payDate });
      const scope = await ctx.scope('finance', 'payment.pay');
      doc = await inTx(ctx, (tx) => payPayment(tx, actors.finance, scope, id, body));
      break;
    }
    case 'rejected': {
      if (!step) throw new Error(`demo: payment ${doc.id} has no step to reject at`);
      const role = DECIDER[step.role]!;
      const scope = await ctx.scope(role, 'payment.approve');
      doc = await inTx(ctx, (tx) => rejectPayment(tx, actors[role], scope, id, { comment: end.comment }));
      break;
    }
    case 'withdrawn':
      doc = await inTx(ctx, (tx) => withdrawPayment(tx, actors.staff, staffScope, id, { comment: end.comment }));
      break;
    case 'pending':
      if (step?.seq !== end.atStep) throw new Error(`demo: payment ${doc.id} should wait at step ${end.atStep}`);
      break;
    case 'approved':
      break;
  }
  if (doc.status !== (p.end.kind === 'paid' ? 'paid' : p.end.kind)) {
    throw new Error(`demo: payment ${doc.id} ended ${doc.status}, planned ${p.end.kind}`);
  }
}

async function runTransfer(ctx: UnitContext, ids: ReadonlyMap<string, number>, t: PlannedTransfer): Promise<void> {
  const { actors } = ctx;
  const draft = TransferDraft.parse({
    fromIndicatorId: indicatorId(ids, t.from), toIndicatorId: indicatorId(ids, t.to), amount: t.amount, reason: t.reason, date: t.date,
  });
  const staffScope = await ctx.scope('staff', 'transfer.create');
  const check = await validateTransfer(ctx.kernel.db, actors.staff, staffScope, draft);
  let doc = await inTx(ctx, (tx) => createTransfer(tx, actors.staff, staffScope, draft, check));
  const waitFor = t.end === 'approved' ? null : t.end === 'pending:finance' ? 'finance_officer' : 'leader';
  for (let step = pendingStep(doc); step; step = pendingStep(doc)) {
    if (step.role === waitFor) break;
    const role = DECIDER[step.role]!;
    const body = DecisionBody.parse({ comment: role === 'finance' ? (doc.fastTrack ? '机动额度内，同意调剂' : '经审核，同意调剂，报领导审批') : '同意调剂' });
    const id = doc.id;
    const scope = await ctx.scope(role, 'transfer.approve');
    doc = await inTx(ctx, (tx) => approveTransfer(tx, actors[role], scope, id, body));
  }
  const expected = t.end === 'approved' ? 'approved' : 'pending';
  if (doc.status !== expected || (waitFor && pendingStep(doc)?.role !== waitFor)) {
    throw new Error(`demo: transfer ${doc.id} ended ${doc.status}, planned ${t.end}`);
  }
}

async function runAdjustment(ctx: UnitContext, ids: ReadonlyMap<string, number>, a: PlannedAdjustment): Promise<void> {
  const { actors } = ctx;
  const draft = AdjustmentDraft.parse({ indicatorId: indicatorId(ids, a.key), amount: a.amount, reason: a.reason, docNo: a.docNo, date: a.date });
  const financeScope = await ctx.scope('finance', 'indicator.adjust');
  let doc = await inTx(ctx, (tx) => createAdjustment(tx, actors.finance, financeScope, draft));
  for (let step = pendingStep(doc); step; step = pendingStep(doc)) {
    const role = DECIDER[step.role]!;
    const id = doc.id;
    const scope = await ctx.scope(role, 'transfer.approve');
    doc = await inTx(ctx, (tx) => approveAdjustment(tx, actors[role], scope, id, { comment: '同意追加，按文件执行' }));
  }
  if (doc.status !== 'approved') throw new Error(`demo: adjustment ${doc.id} ended ${doc.status}`);
}
