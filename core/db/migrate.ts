import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import { dialectOf, type Db } from './connection.js';
import * as m001 from './migrations/001_kernel.js';
import * as m002 from './migrations/002_ledger.js';
import * as m003 from './migrations/003_accounting.js';
import * as m004 from './migrations/004_plugins.js';
import * as m005 from './migrations/005_plugin_paging.js';
import * as m006 from './migrations/006_notification_reads.js';
import * as m007 from './migrations/007_plugin_quotas.js';
import * as m008 from './migrations/008_plugin_quarantine.js';
import * as m009 from './migrations/009_plugin_owners.js';
import * as m010 from './migrations/010_reservations.js';
import * as m011 from './migrations/011_assets.js';
import * as m012 from './migrations/012_receipts.js';
import * as m013 from './migrations/013_ledger_options.js';
import * as m014 from './migrations/014_deviation_explanations.js';
import * as m015 from './migrations/015_standard_versions.js';
import * as m016 from './migrations/016_doc_numbers.js';
import * as m017 from './migrations/017_plugin_search.js';
import * as m019 from './migrations/019_budget_request_warnings.js';
import * as m020 from './migrations/020_notification_keys.js';
import * as m021 from './migrations/021_report_indexes.js';
import * as m022 from './migrations/022_plugin_storage_usage.js';
import * as m023 from './migrations/023_outbox_fan_pending.js';
import * as m024 from './migrations/024_audit_head_prev.js';

/** Migrations are listed in code (not read from disk) so bundling and tsx behave the same. */
const migrations: Record<string, Migration> = {
  '001_kernel': m001,
  '002_ledger': m002,
  '003_accounting': m003,
  '004_plugins': m004,
  '005_plugin_paging': m005,
  '006_notification_reads': m006,
  '007_plugin_quotas': m007,
  '008_plugin_quarantine': m008,
  '009_plugin_owners': m009,
  '010_reservations': m010,
  '011_assets': m011,
  '012_receipts': m012,
  '013_ledger_options': m013,
  '014_deviation_explanations': m014,
  '015_standard_versions': m015,
  '016_doc_numbers': m016,
  '017_plugin_search': m017,
  '019_budget_request_warnings': m019,
  '020_notification_keys': m020,
  '021_report_indexes': m021,
  '022_plugin_storage_usage': m022,
  '023_outbox_fan_pending': m023,
  '024_audit_head_prev': m024,
};

class StaticProvider implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  // Kysely looks for its bookkeeping tables across all schemas unless told which one: with several
  // schemas in one PostgreSQL database (parallel test runs) it would find another run's tables.
  const migrationTableSchema =
    dialectOf(db) === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({ db, provider: new StaticProvider(), ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (error && attempt < 5 && anotherSchemaDropped(error, migrationTableSchema)) continue;
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }
}

/**
 * Kysely still reads every schema's tables to find its own (its introspector names each table's
 * serial sequence): a schema another process drops meanwhile, such as a parallel test run's at its
 * end, fails that read with 3F000 naming that schema. Nothing was migrated (a migration that fails
 * rolls back): read again.
 */
function anotherSchemaDropped(error: unknown, ours: string | undefined): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return ours !== undefined && typeof e === 'object' && e !== null && e.code === '3F000' && !String(e.message).includes(`"${ours}"`);
}
