import type { Kernel } from '../kernel.js';
import { authenticateUntil } from '../accounts/service.js';
import type { Actor } from '../permissions/service.js';
import { authVersion } from '../db/writes.js';

/**
 * Who a credential is, remembered for a second: every API request authenticated its session or
 * token, its user and its grants from the database (three statements before any work). A hit is
 * given only while nothing in this process has written the authentication tables since it was
 * filled (writes.ts: a logout, a disabled user, a changed grant invalidates at once), for at most
 * TTL_MS (another app process on the same PostgreSQL database changing them is seen within that),
 * and never past the session's own expiry or idle limit. A miss is the full authenticate(), with its
 * refusals and its once-a-minute last-seen update.
 */
const TTL_MS = 1000;
const MAX_ENTRIES = 10_000;

interface Entry {
  actor: Actor;
  version: number;
  /** Epoch ms after which the entry is not used: the TTL, the session's expiry or idle limit, whichever is first. */
  validUntil: number;
}

const caches = new WeakMap<Kernel, Map<string, Entry>>();

export async function cachedAuthenticate(kernel: Kernel, secret: string): Promise<Actor> {
  let cache = caches.get(kernel);
  if (!cache) {
    cache = new Map();
    caches.set(kernel, cache);
  }
  const now = Date.now();
  const hit = cache.get(secret);
  if (hit && hit.version === authVersion() && now < hit.validUntil) return hit.actor;
  if (hit) cache.delete(secret);
  const version = authVersion();
  const { actor, goodUntil } = await authenticateUntil(kernel, secret);
  // Filled while a write to the authentication tables ran: not kept (the next request reads again).
  if (version === authVersion()) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(secret, { actor, version, validUntil: Math.min(now + TTL_MS, goodUntil) });
  }
  return actor;
}
