import { z } from 'zod';
import { ROLES } from './roles.js';

/**
 * The kernel's API answers the web app reads: who is signed in, units' departments and members,
 * fiscal periods, the audit chain, notifications. The core's routes declare them as their responses
 * (core/accounts, units, periods, audit, notifications re-export them from here); the web app imports
 * the types only.
 */

// ------------------------------------------------------------------ accounts

export const UserView = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  disabled: z.boolean(),
});
export type UserView = z.infer<typeof UserView>;

export const MembershipView = z.object({
  unitId: z.string(),
  unitName: z.string(),
  role: z.enum(ROLES),
  departmentId: z.number().int().nullable(),
});
export type MembershipView = z.infer<typeof MembershipView>;

export const MeView = UserView.extend({
  memberships: z.array(MembershipView),
  systemAdmin: z.boolean(),
});
export type MeView = z.infer<typeof MeView>;

// ------------------------------------------------------------------ units

/** function: 业务部门 'business' or 管理部门 'management' (an institution's management departments post to 5101 单位管理费用). */
export const DepartmentFunction = z.enum(['business', 'management']);
export const DepartmentView = z.object({ id: z.number().int(), unitId: z.string(), code: z.string(), name: z.string(), function: DepartmentFunction });
export type DepartmentView = z.infer<typeof DepartmentView>;

export const MemberView = z.object({
  userId: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  disabled: z.boolean(),
  roles: z.array(z.enum(ROLES)),
  departmentId: z.number().int().nullable(),
});
export type MemberView = z.infer<typeof MemberView>;

// ------------------------------------------------------------------ periods

export const PeriodView = z.object({
  year: z.number().int(),
  month: z.number().int(),
  status: z.enum(['open', 'closed']),
  closedAt: z.string().nullable(),
  closedBy: z.number().int().nullable(),
});
export type PeriodView = z.infer<typeof PeriodView>;

export const FiscalYearView = z.object({
  unitId: z.string(),
  year: z.number().int(),
  status: z.enum(['open', 'closed']).describe('closed once all twelve periods are closed'),
  periods: z.array(PeriodView),
});
export type FiscalYearView = z.infer<typeof FiscalYearView>;

// ------------------------------------------------------------------ audit

export const AuditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorId: z.number().int().nullable(),
  actorName: z.string().describe('the username as signed into the chain'),
  actorDisplayName: z.string().optional().describe('the person’s name, as screens show the actor (not part of the hashed entry)'),
  unitId: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const VerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  headSeq: z.number().int(),
  headHash: z.string(),
  brokenAt: z.number().int().optional(),
  reason: z.enum(['hash_mismatch', 'prev_mismatch', 'missing_entry', 'head_mismatch']).optional(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

// ------------------------------------------------------------------ notifications

export const NotificationView = z.object({
  id: z.number().int(),
  source: z.string().describe('core, plugin:<id>, or the breaker'),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable().describe('web page that shows the document, e.g. /inbox'),
  createdAt: z.string(),
  role: z.string().nullable().describe('set when addressed to a role rather than a person'),
  read: z.boolean().describe('read by the caller (per user: a role notice read by one holder stays unread for the others)'),
  readAt: z.string().nullable(),
});
export type NotificationView = z.infer<typeof NotificationView>;
