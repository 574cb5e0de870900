import { refuse } from '@unibudget/sdk';
import type { Caller, Host, Member, Reference, Subject, SubjectKind, Thread } from './types.js';
import { SUBJECT_KINDS } from './types.js';
import { clip, yuan } from './util.js';

/**
 * Who may read what. The plugin keeps the core's rule for the ledger: finance, leaders and audit see
 * the whole unit; business staff and department heads see their own department. A thread on a ledger
 * object belongs to that object's department; a free-standing topic is open to the unit unless
 * opened as private; anyone invited (by name or role) or mentioned may read a thread besides.
 */
export const UNIT_WIDE_ROLES = ['finance_officer', 'leader', 'auditor'];

/** The unit's people, read once per invocation (host.members.list, permission members.read). */
export function memberBook(host: Host) {
  let all: Promise<Member[]> | null = null;
  const list = () => (all ??= host.members.list().catch(() => [] as Member[]));
  return {
    list,
    async get(id: number): Promise<Member | undefined> {
      return (await list()).find((m) => m.id === id);
    },
    /** The caller as a member: their department comes from the unit's member list. */
    async caller(user: Caller): Promise<Member> {
      const m = (await list()).find((x) => x.id === user.id);
      return m ?? { id: user.id, displayName: user.username, roles: user.roles, departmentId: null, departmentName: null };
    },
  };
}
export type MemberBook = ReturnType<typeof memberBook>;

export function isUnitWide(roles: readonly string[]): boolean {
  return roles.some((r) => UNIT_WIDE_ROLES.includes(r));
}

export function canSee(thread: Thread, member: Member): boolean {
  if (thread.participants.includes(member.id)) return true;
  if (thread.invitedRoles.some((r) => member.roles.includes(r))) return true;
  if (isUnitWide(member.roles)) return true;
  if (thread.open) return true;
  return thread.departmentId !== null && member.departmentId === thread.departmentId;
}

/** May the member see this ledger object at all (the core's department rule)? */
export function canSeeObject(member: Member, departmentId: number | null): boolean {
  if (isUnitWide(member.roles) || member.roles.includes('unit_admin')) return true;
  return departmentId === null || member.departmentId === departmentId;
}

export function assertCanSee(thread: Thread | null, member: Member): asserts thread is Thread {
  // Not found and not allowed answer alike: a thread's existence is not told to those who may not read it.
  if (!thread || !canSee(thread, member)) throw refuse(404, 'THREAD_NOT_FOUND', { zh: '讨论不存在或无权查看', en: 'No such discussion, or you may not read it' });
}

/** A ledger object as a thread shows it: what it is, where it leads, its live status and amount. */
export interface ResolvedObject {
  exists: boolean;
  departmentId: number | null;
  label: string;
  href: string;
  status: string | null;
  amount: number | null;
  /** Facts for a review's evidence (fen amounts). */
  facts: Record<string, string | number | null>;
  /** The document number (支付申请 ZF2026-0001, 调剂 TJ…, 申报 …) when the host gives one. */
  no?: string | null;
}

const PAYMENT_STATUS: Record<string, string> = { pending: '审批中', approved: '已审批待支付', paid: '已支付', rejected: '已退回', withdrawn: '已撤回' };
const TRANSFER_STATUS: Record<string, string> = { pending: '审批中', approved: '已批准', rejected: '已退回', withdrawn: '已撤回' };
const REQUEST_STATUS: Record<string, string> = { draft: '草稿', submitted: '已报送（一上）', returned: '已下达控制数（一下）', resubmitted: '已再报（二上）', approved: '已批复（二下）' };
const PROJECT_STATUS: Record<string, string> = { reserve: '储备', approved: '已批复', executing: '执行中', closed: '已结项' };
export const KIND_ZH: Record<SubjectKind, string> = { payment: '支付申请', transfer: '预算调剂', project: '项目', 'budget-request': '预算申报', warning: '预警' };

export function parseSubject(value: unknown): Subject | null {
  if (value === undefined || value === null) return null;
  const v = value as { kind?: unknown; id?: unknown };
  if (typeof v !== 'object' || !(SUBJECT_KINDS as readonly string[]).includes(String(v.kind))) {
    throw refuse(422, 'INVALID_SUBJECT', { zh: '关联对象应为 {kind: payment|transfer|project|budget-request|warning, id}', en: 'subject: {kind: payment|transfer|project|budget-request|warning, id}' }, { field: 'subject' });
  }
  const kind = v.kind as SubjectKind;
  if (kind === 'warning') {
    const id = String(v.id ?? '');
    if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(id)) throw refuse(422, 'INVALID_SUBJECT', { zh: '预警编号无效', en: 'Not a warning id' }, { field: 'subject' });
    return { kind, id };
  }
  const id = Number(v.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw refuse(422, 'INVALID_SUBJECT', { zh: '关联对象编号无效', en: 'Not an object id' }, { field: 'subject' });
  return { kind, id };
}

export const subjectKey = (s: Subject | null) => (s ? `${s.kind}:${s.id}` : 'none');

/** Reads the object from the ledger now (so links show live status and amount). */
export async function resolveObject(host: Host, subject: Subject | Reference): Promise<ResolvedObject> {
  const id = subject.id;
  const missing = (label: string, href: string): ResolvedObject => ({ exists: false, departmentId: null, label, href, status: null, amount: null, facts: {} });
  switch (subject.kind) {
    case 'payment': {
      const n = Number(id);
      const [p] = await host.ledger.payments({ afterId: n - 1, limit: 1 });
      if (!p || p.id !== n) return missing(`支付申请 #${n}`, `/audit/${n}`);
      return {
        exists: true, departmentId: p.departmentId, label: `支付申请 ${p.docNo ?? `#${p.id}`}（${p.payeeName}，${p.purpose}）`, href: `/audit/${p.id}`,
        status: PAYMENT_STATUS[p.status] ?? p.status, amount: p.amount, no: p.docNo ?? null,
        facts: { 单号: p.docNo ?? null, 收款人: p.payeeName, 用途: p.purpose, 经济分类: p.economicCode, 金额_分: p.amount, 状态: PAYMENT_STATUS[p.status] ?? p.status, 日期: p.date, 提交: p.createdAt, 审批通过: p.approvedAt, 支付: p.paidAt },
      };
    }
    case 'transfer': {
      const n = Number(id);
      const [t] = await host.ledger.transfers({ afterId: n - 1, limit: 1 });
      if (!t || t.id !== n) return missing(`预算调剂 #${n}`, '/transfers');
      const [from] = await host.ledger.indicators({ afterId: t.fromIndicatorId - 1, limit: 1 });
      return {
        exists: true, departmentId: from && from.id === t.fromIndicatorId ? from.departmentId : null, label: `预算调剂 ${t.docNo ?? `#${t.id}`}（${t.reason}）`, href: '/transfers',
        status: TRANSFER_STATUS[t.status] ?? t.status, amount: t.amount, no: t.docNo ?? null,
        facts: { 单号: t.docNo ?? null, 调出指标: t.fromIndicatorId, 调入指标: t.toIndicatorId, 金额_分: t.amount, 事由: t.reason, 状态: TRANSFER_STATUS[t.status] ?? t.status, 日期: t.date, 决定: t.decidedAt },
      };
    }
    case 'project': {
      const n = Number(id);
      const project = (await host.ledger.projects()).find((p) => p.id === n);
      if (!project) return missing(`项目 #${n}`, `/projects/${n}`);
      const lines = (await host.ledger.indicators()).filter((i) => i.projectId === n);
      const departmentId = (project as { departmentId?: number }).departmentId ?? lines[0]?.departmentId ?? null;
      const issued = lines.reduce((s, i) => s + i.issued + i.adjusted, 0);
      const paid = lines.reduce((s, i) => s + i.paid, 0);
      return {
        exists: true, departmentId, label: `项目 ${project.code} ${project.name}`, href: `/projects/${project.id}`,
        status: PROJECT_STATUS[project.status] ?? project.status, amount: project.totalAmount,
        facts: { 项目编码: project.code, 项目名称: project.name, 总额_分: project.totalAmount, 状态: PROJECT_STATUS[project.status] ?? project.status, 起止年度: `${project.startYear}–${project.endYear}`, 已下达_分: issued, 已支付_分: paid },
      };
    }
    case 'budget-request': {
      // Read live (host API 1.1.0, ledger.read): status and total now, the department for who may see it.
      const n = Number(id);
      const [r] = await host.ledger.budgetRequests({ id: n });
      if (!r) return missing(`预算申报 #${n}`, '/review');
      const status = REQUEST_STATUS[r.status] ?? r.status;
      return {
        exists: true, departmentId: r.departmentId, label: `预算申报 ${r.docNo ?? `#${r.id}`}（${r.title}）`, href: '/review', status, amount: r.amount, no: r.docNo,
        facts: { 单号: r.docNo, 申报事项: r.title, 年度: r.year, 项目: r.projectName, 金额_分: r.amount, 状态: status, 报送: r.submittedAt },
      };
    }
    default:
      return { exists: true, departmentId: null, label: `预警 ${id}`, href: '/plugins/analytics/warnings', status: null, amount: null, facts: { 预警编号: String(id) } };
  }
}

/** A reference as a message shows it to one reader: live status and amount, or nothing they may not see. */
export function referenceView(resolved: ResolvedObject, reader: Member) {
  // Labels are view-spec labels (≤ 200 characters): a long purpose is cut.
  if (!resolved.exists) return { label: clip(`${resolved.label}（不存在）`, 200), href: resolved.href };
  if (!canSeeObject(reader, resolved.departmentId)) return { label: '（无权查看的对象）', href: '' };
  return {
    label: clip(resolved.label, 200), href: resolved.href,
    ...(resolved.status ? { status: resolved.status } : {}),
    ...(resolved.amount !== null ? { amount: resolved.amount } : {}),
  };
}

export function describeObject(r: ResolvedObject): string {
  const parts = [r.label];
  if (r.status) parts.push(r.status);
  if (r.amount !== null) parts.push(`${yuan(r.amount)} 元`);
  return clip(parts.join(' · '), 300);
}
