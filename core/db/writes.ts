/**
 * Which statements changed who may do what: a write to the tables an authentication reads
 * (sessions, API tokens, users, role grants, units) moves `authVersion()` on, in this process, as
 * soon as the statement runs and again when its transaction commits. Caches of authentication
 * (core/http/session-cache.ts) drop what they filled under an older version. Fed by the query log
 * of every connection (connection.ts), so no writer has to remember to invalidate anything.
 */
const AUTH_WRITE = /^\s*(?:insert\s+into|update|delete\s+from|drop\s+table|alter\s+table)\s+(?:"?\w+"?\.)?"?(sessions|api_tokens|users|role_grants|units)"?[\s(]/i;

/** Writes to the plugins' enablement in units: which plugins run (validators, events) in each. */
const ENABLEMENT_WRITE = /^\s*(?:insert\s+into|update|delete\s+from|drop\s+table|alter\s+table)\s+(?:"?\w+"?\.)?"?plugin_units"?[\s(]/i;

let version = 0;
let pending = false;
let enablement = 0;
let enablementPending = false;

export function authVersion(): number {
  return version;
}

/** Moves on, as authVersion, with every write to plugin_units in this process (plugins/validators.ts caches by it). */
export function enablementVersion(): number {
  return enablement;
}

/** Looks at one executed statement (cheap for reads: the first letter decides). */
export function noteStatement(text: string): void {
  const first = text.charCodeAt(0) | 0x20;
  // s(elect), w(ith ... select): never a write of these tables through the query builder.
  if (first === 0x73) return;
  if (first === 0x63 /* c(ommit) */ || first === 0x72 /* r(ollback), r(elease savepoint) */) {
    if (pending) {
      version += 1;
      pending = false;
    }
    if (enablementPending) {
      enablement += 1;
      enablementPending = false;
    }
    return;
  }
  if (AUTH_WRITE.test(text)) {
    version += 1;
    pending = true;
  } else if (ENABLEMENT_WRITE.test(text)) {
    enablement += 1;
    enablementPending = true;
  }
}
