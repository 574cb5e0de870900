import { configFromEnv, type Config } from './config.js';
import { openDatabase, type Db, type DialectName } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';

/** The running core: one database handle and the settings; every module takes it explicitly. */
export interface Kernel {
  db: Db;
  dialect: DialectName;
  config: Config;
  close(): Promise<void>;
}

export async function createKernel(overrides: Partial<Config> & { pgSchema?: string } = {}): Promise<Kernel> {
  const { pgSchema, ...configOverrides } = overrides;
  const config = { ...configFromEnv(), ...configOverrides };
  const handle = await openDatabase({ url: config.databaseUrl, poolSize: config.databasePoolSize, ...(pgSchema ? { pgSchema } : {}) });
  try {
    await migrateToLatest(handle.db);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return { db: handle.db, dialect: handle.dialect, config, close: handle.close };
}
