import type { CallerIdentity, HostApi, RouteRequest, ViewContext } from '@unibudget/sdk';

/** What a thread is about: a ledger object, an analytics warning, or nothing (a free-standing topic). */
export const SUBJECT_KINDS = ['payment', 'transfer', 'project', 'budget-request', 'warning'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];
export interface Subject { kind: SubjectKind; id: number | string }

export type ThreadKind = 'discussion' | 'review' | 'consultation';

export interface Thread extends Record<string, unknown> {
  id: string;
  kind: ThreadKind;
  title: string;
  subject: Subject | null;
  /** `payment:12`, or `none`: the index the panel of an object looks threads up by. */
  subjectKey: string;
  /** The subject's document number when it has one (ZF2026-0001), kept when the thread was opened: lists show it, not the id. */
  subjectNo?: string | null;
  /** The department the subject belongs to (its business staff and head may read); null: unit-wide or unknown. */
  departmentId: number | null;
  /** A free-standing topic anyone in the unit may read, unless opened as private. */
  open: boolean;
  createdBy: number;
  createdByName: string;
  createdAt: string;
  /** People who may read it beyond the department rule: its author, posters, the invited and the mentioned. */
  participants: number[];
  invitedRoles: string[];
  /** The realtime channel of the thread: random, told only to those who may read it. */
  channel: string;
  lastMessageId: string | null;
  lastMessageAt: string | null;
  lastPreview: string;
  messageCount: number;
  /** The review or consultation this thread records, if any. */
  refId: string | null;
  /** When each participant was last told of news in this thread (user id → ISO time): at most one such notice per NEWS_QUIET_MS. */
  noticed?: Record<string, string>;
}

export interface Reference { kind: Exclude<SubjectKind, 'warning'>; id: number }
export interface Attachment { name: string; size: number; mediaType: string }

export interface Message extends Record<string, unknown> {
  id: string;
  threadId: string;
  authorId: number;
  authorName: string;
  text: string;
  mentions: { users: number[]; roles: string[] };
  refs: Reference[];
  attachments: Attachment[];
  createdAt: string;
  /** Written by the plugin itself (a review's sign-off, a consultation's agreement). */
  system: boolean;
}

/** The current state of an edited or deleted message; the message document itself is never rewritten. */
export interface Edit extends Record<string, unknown> {
  messageId: string;
  threadId: string;
  text: string;
  deleted: boolean;
  editedAt: string;
  history: Array<{ text: string; at: string; by: number; action: 'edit' | 'delete' }>;
}

export interface ReadMark extends Record<string, unknown> {
  threadId: string;
  userId: number;
  name: string;
  lastReadId: string;
  readCount: number;
  at: string;
}

export type NotifyPref = 'all' | 'mentions' | 'none';
export interface Prefs extends Record<string, unknown> { userId: number; notify: NotifyPref; channel: string }

export interface Member { id: number; displayName: string; roles: string[]; departmentId: number | null; departmentName: string | null }

export interface SignSlot { key: 'finance' | 'business' | 'audit' | 'legal'; label: string; role: string | null; departmentId: number | null; userIds: number[] }
export interface SignOff { key: SignSlot['key']; userId: number; name: string; decision: 'approve' | 'object'; reason: string; at: string }

export interface Review extends Record<string, unknown> {
  id: string;
  title: string;
  subject: Subject;
  subjectKey: string;
  departmentId: number | null;
  threadId: string;
  required: SignSlot[];
  signoffs: SignOff[];
  status: 'open' | 'closed';
  outcome: 'approved' | 'objected' | null;
  openedBy: number;
  openedByName: string;
  openedAt: string;
  closedAt: string | null;
  /** The object as it stood when the review opened (the live object is read again on every view). */
  evidence: Record<string, string | number | null>;
}

export interface Consultation extends Record<string, unknown> {
  id: string;
  title: string;
  warningId: string;
  departmentId: number | null;
  threadId: string;
  invitedUsers: number[];
  invitedRoles: string[];
  status: 'open' | 'agreed' | 'done';
  agreedAction: string | null;
  deadline: string | null;
  agreedBy: number | null;
  agreedAt: string | null;
  remindedOn: string | null;
  doneAt: string | null;
  openedBy: number;
  openedByName: string;
  openedAt: string;
}

/** Host API 1.1.0 additions, typed here so the plugin builds against either SDK during the upgrade. */
export type Host = HostApi & {
  members: { list(filter?: { role?: string; departmentId?: number }): Promise<Member[]> };
  storage: HostApi['storage'] & { search<T extends Record<string, unknown>>(collection: string, query: string, options?: { limit?: number }): Promise<Array<{ id: string; data: T; updatedAt: string }>> };
};
export type Request = RouteRequest & { params?: Record<string, string> };
export type Context = ViewContext & { subject?: { kind: 'project' | 'budget-request' | 'payment' | 'transfer'; id: number } };
export type Caller = CallerIdentity;
