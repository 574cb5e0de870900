/**
 * Which statements changed what a cache holds: a write to the tables a cache was filled from moves
 * its version on, in this process, as soon as the statement runs and again when its transaction
 * commits. Caches drop what they filled under an older version. Fed by the query log of every
 * connection (connection.ts), so no writer has to remember to invalidate anything.
 */
const WRITE = /^\s*(?:insert\s+into|update|delete\s+from|drop\s+table|alter\s+table)\s+(?:"?\w+"?\.)?"?(\w+)"?[\s(]/i;

class Watch {
  version = 0;
  pending = false;
  constructor(readonly tables: ReadonlySet<string>) {}
}

/** Who may do what: the tables an authentication reads (core/http/session-cache.ts). */
const auth = new Watch(new Set(['sessions', 'api_tokens', 'users', 'role_grants', 'units']));
/** Which plugins run in each unit (plugins/validators.ts). */
const enablement = new Watch(new Set(['plugin_units']));
const watches = [auth, enablement];

export function authVersion(): number {
  return auth.version;
}

/**
 * Values read from the authentication tables, remembered per database and key while nothing in this
 * process has written those tables and for at most `ttlMs` (another app process on the same
 * PostgreSQL database changing them is seen within that). A read while such a write ran is not kept.
 * `database` undefined: not remembered (a transaction whose reads must see its own writes).
 */
export function authCache<T>(ttlMs: number) {
  const byDatabase = new WeakMap<object, Map<string, { value: T; version: number; until: number }>>();
  return async (database: object | undefined, key: string, read: () => Promise<T>): Promise<T> => {
    if (!database) return read();
    let entries = byDatabase.get(database);
    if (!entries) byDatabase.set(database, (entries = new Map()));
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.version === auth.version && now < hit.until) return hit.value;
    const version = auth.version;
    const value = await read();
    if (version === auth.version) entries.set(key, { value, version, until: now + ttlMs });
    return value;
  };
}

/** Moves on, as authVersion, with every write to plugin_units in this process. */
export function enablementVersion(): number {
  return enablement.version;
}

/** Looks at one executed statement (cheap for reads: the first letter decides). */
export function noteStatement(text: string): void {
  const first = text.charCodeAt(0) | 0x20;
  // s(elect), w(ith ... select): never a write of these tables through the query builder.
  if (first === 0x73) return;
  if (first === 0x63 /* c(ommit) */ || first === 0x72 /* r(ollback), r(elease savepoint) */) {
    for (const watch of watches) {
      if (watch.pending) {
        watch.version += 1;
        watch.pending = false;
      }
    }
    return;
  }
  const table = WRITE.exec(text)?.[1]?.toLowerCase();
  if (table === undefined) return;
  for (const watch of watches) {
    if (!watch.tables.has(table)) continue;
    watch.version += 1;
    watch.pending = true;
  }
}
