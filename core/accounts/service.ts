import { createHash, randomBytes } from 'node:crypto';
import type { Executor, Tx } from '../db/connection.js';
import type { Kernel } from '../kernel.js';
import type { Config } from '../config.js';
import { addSeconds, nowIso } from '../clock.js';
import { appendAudit, type AuditActor } from '../audit/service.js';
import { AppError } from '../errors.js';
import type { Actor, Grant } from '../permissions/service.js';
import type { Role } from '../permissions/roles.js';
import { hashPassword, verifyPassword } from './password.js';
import type { UserView } from './schema.js';

/**
 * People: their accounts, their grants, the actor a credential resolves to, and passwords.
 * Signing in and out is in sign-in.ts, API tokens in tokens.ts.
 */

export const SESSION_PREFIX = 'ubs_';
export const API_TOKEN_PREFIX = 'ubt_';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function auditActorOf(actor: Actor): AuditActor {
  return { userId: actor.userId, username: actor.username };
}

export async function loadGrants(db: Executor, userId: number): Promise<Grant[]> {
  const rows = await db
    .selectFrom('role_grants')
    .innerJoin('units', 'units.id', 'role_grants.unit_id')
    .select(['role_grants.unit_id', 'units.path', 'role_grants.role', 'role_grants.department_id'])
    .where('role_grants.user_id', '=', userId)
    .orderBy('units.path')
    .execute();
  return rows.map((r) => ({ unitId: r.unit_id, unitPath: r.path, role: r.role as Role, departmentId: r.department_id }));
}

export async function userView(db: Executor, userId: number): Promise<UserView> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!user) throw new AppError('USER_NOT_FOUND');
  return { id: user.id, username: user.username, displayName: user.display_name, disabled: user.disabled === 1 };
}

export async function meView(db: Executor, userId: number) {
  const user = await userView(db, userId);
  const rows = await db
    .selectFrom('role_grants')
    .innerJoin('units', 'units.id', 'role_grants.unit_id')
    .select(['role_grants.unit_id', 'units.name', 'role_grants.role', 'role_grants.department_id'])
    .where('role_grants.user_id', '=', userId)
    .orderBy('units.path')
    .orderBy('role_grants.role')
    .execute();
  const memberships = rows.map((r) => ({
    unitId: r.unit_id,
    unitName: r.name,
    role: r.role as Role,
    departmentId: r.department_id,
  }));
  return { ...user, memberships, systemAdmin: memberships.some((m) => m.role === 'system_admin') };
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  /** From hashPassword(), computed before the transaction so the KDF never holds a lock. */
  passwordHash: string;
}

export async function createUser(tx: Tx, by: AuditActor, input: CreateUserInput): Promise<number> {
  const taken = await tx.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
  if (taken) throw new AppError('USERNAME_TAKEN', { username: input.username });
  const now = nowIso();
  const { id } = await tx
    .insertInto('users')
    .values({
      username: input.username,
      display_name: input.displayName,
      password_hash: input.passwordHash,
      disabled: 0,
      created_at: now,
      password_changed_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await appendAudit(tx, {
    actor: by,
    unitId: null,
    action: 'user.create',
    entity: 'user',
    entityId: id,
    after: { username: input.username, displayName: input.displayName },
  });
  return id;
}

/**
 * Resolves a bearer secret (session or API token) to the acting user and their grants.
 * Sessions expire absolutely and after idling; last-seen is written at most once a minute.
 * Not a command: removing an expired session and touching last-seen are one statement each, the
 * credential's own bookkeeping before any command runs, kept even when the request is refused.
 */
export async function authenticate(kernel: Kernel, secret: string): Promise<Actor> {
  return (await authenticateUntil(kernel, secret)).actor;
}

/**
 * authenticate(), also saying until when the credential stays good by itself (epoch ms: the session's
 * expiry or idle limit, the token's expiry), read from the same row, for the request cache.
 */
export async function authenticateUntil(kernel: Kernel, secret: string): Promise<{ actor: Actor; goodUntil: number }> {
  const { db } = kernel;
  const now = nowIso();
  let userId: number;
  let via: Actor['via'];
  let goodUntil: number;
  if (secret.startsWith(SESSION_PREFIX)) {
    const session = await db.selectFrom('sessions').selectAll().where('token_hash', '=', sha256(secret)).executeTakeFirst();
    if (!session) throw new AppError('UNAUTHENTICATED');
    const idleLimit = addSeconds(session.last_seen_at, kernel.config.sessionIdleSeconds);
    if (session.expires_at <= now || idleLimit <= now) {
      await db.deleteFrom('sessions').where('token_hash', '=', session.token_hash).execute();
      throw new AppError('SESSION_EXPIRED');
    }
    let lastSeen = session.last_seen_at;
    if (addSeconds(lastSeen, 60) < now) {
      await db.updateTable('sessions').set({ last_seen_at: now }).where('token_hash', '=', session.token_hash).execute();
      lastSeen = now;
    }
    goodUntil = Math.min(Date.parse(session.expires_at), Date.parse(lastSeen) + kernel.config.sessionIdleSeconds * 1000);
    userId = session.user_id;
    via = 'session';
  } else if (secret.startsWith(API_TOKEN_PREFIX)) {
    const token = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256(secret)).executeTakeFirst();
    if (!token || token.revoked_at) throw new AppError('UNAUTHENTICATED');
    if (token.expires_at && token.expires_at <= now) throw new AppError('SESSION_EXPIRED');
    if (!token.last_used_at || addSeconds(token.last_used_at, 60) < now) {
      await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', token.id).execute();
    }
    goodUntil = token.expires_at ? Date.parse(token.expires_at) : Number.POSITIVE_INFINITY;
    userId = token.user_id;
    via = 'token';
  } else {
    throw new AppError('UNAUTHENTICATED');
  }
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!user) throw new AppError('UNAUTHENTICATED');
  if (user.disabled) throw new AppError('ACCOUNT_DISABLED');
  return {
    actor: { userId: user.id, username: user.username, displayName: user.display_name, grants: await loadGrants(db, user.id), via },
    goodUntil,
  };
}

/**
 * The hash a password change will store, once the current password is proven. Run before the
 * command: both scrypt runs (~0.1 s each) stay outside the transaction, so they never hold the
 * database (SQLite has a single connection).
 */
export async function newPasswordHash(db: Executor, config: Pick<Config, 'kdf'>, actor: Actor, current: string, next: string): Promise<string> {
  const user = await db.selectFrom('users').select('password_hash').where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(current, user.password_hash))) throw new AppError('WRONG_PASSWORD');
  return hashPassword(next, config.kdf);
}

/** Stores a new own password (hashed by newPasswordHash) and ends every session but the caller's. */
export async function changePassword(tx: Tx, actor: Actor, input: { passwordHash: string; keepSecret: string }): Promise<void> {
  await tx
    .updateTable('users')
    .set({ password_hash: input.passwordHash, password_changed_at: nowIso() })
    .where('id', '=', actor.userId)
    .execute();
  // Every other session of this user ends: a changed password must lock out whoever had the old one.
  await tx
    .deleteFrom('sessions')
    .where('user_id', '=', actor.userId)
    .where('token_hash', '!=', sha256(input.keepSecret))
    .execute();
  await appendAudit(tx, {
    actor: auditActorOf(actor),
    unitId: null,
    action: 'user.password_change',
    entity: 'user',
    entityId: actor.userId,
  });
}

/** Sets a new password for someone else (an administrator's act) and ends their sessions. */
export async function resetPassword(tx: Tx, userId: number, passwordHash: string): Promise<void> {
  await tx.updateTable('users').set({ password_hash: passwordHash, password_changed_at: nowIso() }).where('id', '=', userId).execute();
  await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function setDisabled(tx: Tx, userId: number, disabled: boolean): Promise<void> {
  await tx.updateTable('users').set({ disabled: disabled ? 1 : 0 }).where('id', '=', userId).execute();
  if (disabled) {
    await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }
}

