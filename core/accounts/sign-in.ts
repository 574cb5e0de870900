import type { Executor, Tx } from '../db/connection.js';
import type { Kernel } from '../kernel.js';
import { addSeconds, nowIso } from '../clock.js';
import { runCommand } from '../db/command.js';
import { appendAudit } from '../audit/service.js';
import { AppError } from '../errors.js';
import type { Actor } from '../permissions/service.js';
import { burnPasswordCheck, verifyPassword } from './password.js';
import { auditActorOf, meView, newSecret, SESSION_PREFIX, sha256 } from './service.js';

/**
 * Signing in and out. Sign-in is the one write of the kernel that is not a single command, on
 * purpose:
 * - a refused sign-in must still leave its failed attempt behind, since the lockout counts it; in
 *   the command of the sign-in, the refusal would roll the attempt back with everything else;
 * - the password check (scrypt, ~0.1 s and 64 MiB) runs before any transaction opens, so it never
 *   holds the database (SQLite has a single connection).
 * So it checks first, then writes in a short command of its own, through runCommand: the failed
 * attempt, or the new session with its successful attempt and its audit entry.
 */

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

async function recordAttempt(tx: Tx, username: string, address: string, succeeded: boolean) {
  await tx.insertInto('login_attempts').values({ username, address, succeeded: succeeded ? 1 : 0, at: nowIso() }).execute();
}

/** The session's own write: the session, the successful attempt (it clears the count) and the audit entry. */
async function openSession(tx: Tx, user: { id: number; username: string }, input: LoginInput, ttlSeconds: number) {
  const token = newSecret(SESSION_PREFIX);
  const now = nowIso();
  const expiresAt = addSeconds(now, ttlSeconds);
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
  // The stored name is the name typed (looked up by equality): this success clears its count.
  await recordAttempt(tx, user.username, input.address, true);
  await appendAudit(tx, {
    actor: { userId: user.id, username: user.username },
    unitId: null,
    action: 'auth.login',
    entity: 'user',
    entityId: user.id,
    after: { address: input.address },
  });
  return { token, expiresAt };
}

export async function signIn(kernel: Kernel, input: LoginInput) {
  const username = input.username.trim();
  await assertNotLocked(kernel, username, input.address);
  const user = await kernel.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  const passwordOk = user
    ? await verifyPassword(input.password, user.password_hash)
    : (await burnPasswordCheck(input.password, kernel.config.kdf), false);
  if (!user || !passwordOk) {
    // Its own command, committed before the refusal: the next attempt must count this one.
    await runCommand(kernel, (tx) => recordAttempt(tx, username, input.address, false));
    throw new AppError('INVALID_CREDENTIALS');
  }
  if (user.disabled) throw new AppError('ACCOUNT_DISABLED');
  const session = await runCommand(kernel, (tx) => openSession(tx, { id: user.id, username: user.username }, input, kernel.config.sessionTtlSeconds));
  return { ...session, user: await meView(kernel.db, user.id) };
}

/** Ends the session signed out with (an API token stays valid until revoked). */
export async function signOut(tx: Tx, actor: Actor, secret: string): Promise<void> {
  if (secret.startsWith(SESSION_PREFIX)) {
    await tx.deleteFrom('sessions').where('token_hash', '=', sha256(secret)).execute();
  }
  await appendAudit(tx, { actor: auditActorOf(actor), unitId: null, action: 'auth.logout', entity: 'user', entityId: actor.userId });
}
