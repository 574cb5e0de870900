/** Runtime settings, read once from the environment at start. */
export interface Config {
  databaseUrl: string;
  port: number;
  /** 'strong' in production; tests use 'fast' so hundreds of demo logins stay quick. */
  kdf: 'strong' | 'fast';
  sessionTtlSeconds: number;
  sessionIdleSeconds: number;
  /** Behind a reverse proxy, take the client address from X-Forwarded-For. */
  trustProxy: boolean;
  /** Mark cookies Secure (set when served over HTTPS). */
  secureCookies: boolean;
  /** Failed sign-ins allowed per account / per address in the window before a lockout. */
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginWindowSeconds: number;
  /** Plugin runner processes (UNIBUDGET_PLUGIN_RUNNERS, default 2): a unit's plugin calls stick to one. */
  runnerPoolSize: number;
  /** PostgreSQL connections per app process (UNIBUDGET_DB_POOL, default 10); SQLite has one. */
  databasePoolSize: number;
}

/** UNIBUDGET_PLUGIN_RUNNERS: how many plugin runner processes the host keeps (1–16, default 2). */
export function runnerPoolSizeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Math.floor(Number(env.UNIBUDGET_PLUGIN_RUNNERS));
  return n >= 1 ? Math.min(n, 16) : 2;
}

/** UNIBUDGET_DB_POOL: PostgreSQL connections each app process keeps (1–200, default 10). */
export function databasePoolSizeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Math.floor(Number(env.UNIBUDGET_DB_POOL));
  return n >= 1 ? Math.min(n, 200) : 10;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || 'data/unibudget.db',
    port: Number(env.PORT || 8787),
    kdf: env.UNIBUDGET_KDF === 'fast' ? 'fast' : 'strong',
    sessionTtlSeconds: Number(env.UNIBUDGET_SESSION_TTL || 12 * 3600),
    sessionIdleSeconds: Number(env.UNIBUDGET_SESSION_IDLE || 2 * 3600),
    trustProxy: env.UNIBUDGET_TRUST_PROXY === '1',
    secureCookies: env.UNIBUDGET_SECURE_COOKIES === '1',
    loginMaxFailuresPerAccount: 5,
    loginMaxFailuresPerAddress: 20,
    loginWindowSeconds: 15 * 60,
    runnerPoolSize: runnerPoolSizeFromEnv(env),
    databasePoolSize: databasePoolSizeFromEnv(env),
  };
}
