import type { Executor, Tx } from '../db/connection.js';
import { addSeconds, nowIso } from '../clock.js';
import { appendAudit } from '../audit/service.js';
import { AppError } from '../errors.js';
import type { Actor } from '../permissions/service.js';
import { API_TOKEN_PREFIX, auditActorOf, newSecret, sha256 } from './service.js';

/** API tokens: a user's own long-lived bearer secrets for integrations; only their hash is stored. */

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

export async function listTokens(db: Executor, actor: Actor) {
  const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', actor.userId).orderBy('id').execute();
  return rows.map(tokenView);
}

/** Creates a token of the caller's; the secret is in this answer only. */
export async function createToken(tx: Tx, actor: Actor, input: { name: string; expiresInDays?: number | undefined }) {
  const token = newSecret(API_TOKEN_PREFIX);
  const now = nowIso();
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
}

/** Revokes a token of the caller's (another user's is "not found"); revoking twice changes nothing. */
export async function revokeToken(tx: Tx, actor: Actor, id: number) {
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
}
