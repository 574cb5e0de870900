import { createHash, randomBytes } from 'node:crypto';
import type { Executor, Tx } from '../db/connection.js';
import type { Kernel } from '../kernel.js';
import { addSeconds, nowIso } from '../clock.js';
import { appendAudit, type AuditActor } from '../audit/service.js';
import { AppError } from '../errors.js';
import type { Actor, Grant } from '../permissions/service.js';
import type { Role } from '../permissions/roles.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.js';
import type { UserView } from './schema.js';

const SESSION_PREFIX = 'ubs_';
const API_TOKEN_PREFIX = 'ubt_';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function newSecret(prefix: string): string {
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

// ---------------------------------------------------------------- sign-in

export interface LoginInput {
  username: string;
  password: string;
  address: string;
  userAgent: string | null;
}

async function recentFailures(db: Executor, column: 'username' | 'address', value: string, since: string) {
  // Failures count from the last success on the account, so a good sign-in clears the slate.
  const lastSuccess =
    column === 'username'
      ? await db
          .selectFrom('login_attempts')
          .select('at')
          .where('username', '=', value)
          .where('succeeded', '=', 1)
          .orderBy('at', 'desc')
          .limit(1)
          .executeTakeFirst()
      : undefined;
  const from = lastSuccess && lastSuccess.at > since ? lastSuccess.at : since;
  const rows = await db
    .selectFrom('login_attempts')
    .select('at')
    .where(column, '=', value)
    .where('succeeded', '=', 0)
    .where('at', '>', from)
    .orderBy('at')
    .execute();
  return rows.map((r) => r.at);
}

async function assertNotLocked(kernel: Kernel, username: string, address: string): Promise<void> {
  const { loginWindowSeconds: windowSeconds } = kernel.config;
  const since = addSeconds(nowIso(), -windowSeconds);
  const checks: Array<['username' | 'address', string, number]> = [
    ['username', username, kernel.config.loginMaxFailuresPerAccount],
    ['address', address, kernel.config.loginMaxFailuresPerAddress],
  ];
  for (const [column, value, limit] of checks) {
    const failures = await recentFailures(kernel.db, column, value, since);
    if (failures.length >= limit) {
      // Locked until the oldest failure that still counts leaves the window.
      const unlockAt = Date.parse(failures[failures.length - limit]!) + windowSeconds * 1000;
      const retryAfterSeconds = Math.max(1, Math.ceil((unlockAt - Date.now()) / 1000));
      throw new AppError('LOGIN_LOCKED', { retryAfterSeconds, minutes: Math.ceil(retryAfterSeconds / 60), scope: column });
    }
  }
}

async function recordAttempt(db: Executor, username: string, address: string, succeeded: boolean) {
  await db.insertInto('login_attempts').values({ username, address, succeeded: succeeded ? 1 : 0, at: nowIso() }).execute();
}

export async function login(kernel: Kernel, input: LoginInput) {
  const username = input.username.trim();
  await assertNotLocked(kernel, username, input.address);
  const user = await kernel.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  const passwordOk = user
    ? await verifyPassword(input.password, user.password_hash)
    : (await burnPasswordCheck(input.password, kernel.config.kdf), false);
  if (!user || !passwordOk) {
    await recordAttempt(kernel.db, username, input.address, false);
    throw new AppError('INVALID_CREDENTIALS');
  }
  if (user.disabled) throw new AppError('ACCOUNT_DISABLED');

  const token = newSecret(SESSION_PREFIX);
  const now = nowIso();
  const expiresAt = addSeconds(now, kernel.config.sessionTtlSeconds);
  await kernel.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('sessions')
      .values({
        token_hash: sha256(token),
        user_id: user.id,
        created_at: now,
        expires_at: expiresAt,
        last_seen_at: now,
        address: input.address,
        user_agent: input.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    await recordAttempt(tx, username, input.address, true);
    await appendAudit(tx, {
      actor: { userId: user.id, username: user.username },
      unitId: null,
      action: 'auth.login',
      entity: 'user',
      entityId: user.id,
      after: { address: input.address },
    });
  });
  return { token, expiresAt, user: await meView(kernel.db, user.id) };
}

export async function logout(kernel: Kernel, actor: Actor, token: string): Promise<void> {
  await kernel.db.transaction().execute(async (tx) => {
    if (token.startsWith(SESSION_PREFIX)) {
      await tx.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
    }
    await appendAudit(tx, { actor: auditActorOf(actor), unitId: null, action: 'auth.logout', entity: 'user', entityId: actor.userId });
  });
}

/**
 * Resolves a bearer secret (session or API token) to the acting user and their grants.
 * Sessions expire absolutely and after idling; last-seen is written at most once a minute.
 */
export async function authenticate(kernel: Kernel, secret: string): Promise<Actor> {
  const { db } = kernel;
  const now = nowIso();
  let userId: number;
  let via: Actor['via'];
  if (secret.startsWith(SESSION_PREFIX)) {
    const session = await db.selectFrom('sessions').selectAll().where('token_hash', '=', sha256(secret)).executeTakeFirst();
    if (!session) throw new AppError('UNAUTHENTICATED');
    const idleLimit = addSeconds(session.last_seen_at, kernel.config.sessionIdleSeconds);
    if (session.expires_at <= now || idleLimit <= now) {
      await db.deleteFrom('sessions').where('token_hash', '=', session.token_hash).execute();
      throw new AppError('SESSION_EXPIRED');
    }
    if (addSeconds(session.last_seen_at, 60) < now) {
      await db.updateTable('sessions').set({ last_seen_at: now }).where('token_hash', '=', session.token_hash).execute();
    }
    userId = session.user_id;
    via = 'session';
  } else if (secret.startsWith(API_TOKEN_PREFIX)) {
    const token = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256(secret)).executeTakeFirst();
    if (!token || token.revoked_at) throw new AppError('UNAUTHENTICATED');
    if (token.expires_at && token.expires_at <= now) throw new AppError('SESSION_EXPIRED');
    if (!token.last_used_at || addSeconds(token.last_used_at, 60) < now) {
      await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', token.id).execute();
    }
    userId = token.user_id;
    via = 'token';
  } else {
    throw new AppError('UNAUTHENTICATED');
  }
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!user) throw new AppError('UNAUTHENTICATED');
  if (user.disabled) throw new AppError('ACCOUNT_DISABLED');
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    grants: await loadGrants(db, user.id),
    via,
  };
}

export async function changePassword(kernel: Kernel, actor: Actor, currentToken: string, current: string, next: string) {
  const user = await kernel.db.selectFrom('users').selectAll().where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(current, user.password_hash))) throw new AppError('WRONG_PASSWORD');
  const passwordHash = await hashPassword(next, kernel.config.kdf);
  await kernel.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: nowIso() })
      .where('id', '=', actor.userId)
      .execute();
    // Every other session of this user ends: a changed password must lock out whoever had the old one.
    await tx
      .deleteFrom('sessions')
      .where('user_id', '=', actor.userId)
      .where('token_hash', '!=', sha256(currentToken))
      .execute();
    await appendAudit(tx, {
      actor: auditActorOf(actor),
      unitId: null,
      action: 'user.password_change',
      entity: 'user',
      entityId: actor.userId,
    });
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

// ---------------------------------------------------------------- API tokens

function tokenView(row: {
  id: number; name: string; prefix: string; created_at: string;
  expires_at: string | null; last_used_at: string | null; revoked_at: string | null;
}) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export async function listTokens(kernel: Kernel, actor: Actor) {
  const rows = await kernel.db.selectFrom('api_tokens').selectAll().where('user_id', '=', actor.userId).orderBy('id').execute();
  return rows.map(tokenView);
}

export async function createToken(kernel: Kernel, actor: Actor, input: { name: string; expiresInDays?: number | undefined }) {
  const token = newSecret(API_TOKEN_PREFIX);
  const now = nowIso();
  return kernel.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('api_tokens')
      .values({
        user_id: actor.userId,
        name: input.name,
        token_hash: sha256(token),
        prefix: token.slice(0, 10),
        created_at: now,
        expires_at: input.expiresInDays ? addSeconds(now, input.expiresInDays * 86400) : null,
        last_used_at: null,
        revoked_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(tx, {
      actor: auditActorOf(actor),
      unitId: null,
      action: 'token.create',
      entity: 'api_token',
      entityId: row.id,
      after: { name: row.name, prefix: row.prefix, expiresAt: row.expires_at },
    });
    return { ...tokenView(row), token };
  });
}

export async function revokeToken(kernel: Kernel, actor: Actor, id: number) {
  return kernel.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', actor.userId)
      .executeTakeFirst();
    if (!row) throw new AppError('TOKEN_NOT_FOUND');
    if (row.revoked_at) return tokenView(row);
    const revokedAt = nowIso();
    await tx.updateTable('api_tokens').set({ revoked_at: revokedAt }).where('id', '=', id).execute();
    await appendAudit(tx, {
      actor: auditActorOf(actor),
      unitId: null,
      action: 'token.revoke',
      entity: 'api_token',
      entityId: id,
      before: { revokedAt: null },
      after: { revokedAt },
    });
    return tokenView({ ...row, revoked_at: revokedAt });
  });
}
