import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { isPostgresUrl, openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { verifyChain } from '../audit/service.js';
import type { VerifyResult } from '../audit/schema.js';

/**
 * Online backup and offline restore of the whole database.
 *
 * SQLite: the SQLite online backup API (better-sqlite3 `db.backup()`) copies a consistent snapshot
 * page by page while the server keeps writing (WAL mode); the backup is itself a SQLite file.
 * PostgreSQL: `pg_dump` of the one schema the platform lives in, as plain SQL; pg_dump reads inside
 * one repeatable-read snapshot, so the dump is consistent while writers run. Restore replays it
 * with psql in a single transaction: it applies entirely or not at all.
 */

export interface Target {
  /** DATABASE_URL: a SQLite file path or postgres://… */
  url: string;
  /** PostgreSQL schema (default: the connection's current schema, normally `public`). */
  pgSchema?: string;
}

export interface BackupResult {
  dialect: 'sqlite' | 'postgres';
  file: string;
  bytes: number;
  /** The audit head the backup holds: a restore must reproduce exactly this head. */
  auditHead: { seq: number; hash: string };
}

export interface RestoreResult extends BackupResult {
  /** The restored chain, verified end to end. */
  audit: VerifyResult;
  /** Migrations applied after the restore (a backup from an older version is brought up to date). */
  migrated: string[];
}

export class BackupError extends Error {}

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const PG_DUMP = process.env.UNIBUDGET_PG_DUMP || '/usr/bin/pg_dump';
const PSQL = process.env.UNIBUDGET_PSQL || '/usr/bin/psql';
/** Tables whose rows mean "this database is in use": restoring over them needs --force. */
const DATA_TABLES = ['users', 'units', 'audit_log'];

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function run(command: string, args: string[], options: { stdoutTo?: string; stdinFrom?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [options.stdinFrom ? 'pipe' : 'ignore', options.stdoutTo ? 'pipe' : 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => { stderr += chunk; });
    if (options.stdoutTo) child.stdout!.pipe(fs.createWriteStream(options.stdoutTo));
    if (options.stdinFrom) fs.createReadStream(options.stdinFrom).pipe(child.stdin!);
    child.once('error', (error) => reject(new BackupError(`${path.basename(command)}: ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new BackupError(`${path.basename(command)} exited with ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

async function pgSchemaOf(target: Target): Promise<string> {
  if (target.pgSchema) return target.pgSchema;
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ s: string | null; p: string }>(`select current_schema() as s, current_setting('search_path') as p`);
    if (rows[0]?.s) return rows[0].s;
    // current_schema() is null while the schema does not exist (e.g. restoring after losing it).
    const first = rows[0]?.p.split(',').map((part) => part.trim().replace(/^"|"$/g, '')).find((part) => part && part !== '$user');
    return first ?? 'public';
  } finally {
    await client.end();
  }
}

export async function backup(target: Target, file: string): Promise<BackupResult> {
  const out = path.resolve(file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  if (fs.existsSync(out)) throw new BackupError(`${out} exists; choose a new file name (a backup never overwrites)`);
  // Written beside the final name and renamed when complete: a crash mid-backup leaves no file that looks whole.
  const partial = `${out}.partial`;
  fs.rmSync(partial, { force: true });
  if (isPostgresUrl(target.url)) {
    const schema = await pgSchemaOf(target);
    await run(PG_DUMP, ['--dbname', target.url, '--schema', schema, '--format', 'plain', '--no-owner', '--no-privileges', '--file', partial]);
    const auditHead = dumpedAuditHead(partial);
    fs.renameSync(partial, out);
    return { dialect: 'postgres', file: out, bytes: fs.statSync(out).size, auditHead };
  }
  if (!fs.existsSync(target.url)) throw new BackupError(`no SQLite database at ${target.url}`);
  const source = new SQLite(target.url, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    // A write through another connection restarts an incremental backup from page one; under steady
    // traffic it would never finish. After the first step, copy everything left in one step: one
    // read transaction, so one consistent snapshot (in WAL mode writers are not blocked meanwhile).
    await source.backup(partial, { progress: () => 1 << 30 });
  } finally {
    source.close();
  }
  fs.renameSync(partial, out);
  // The head comes from the copy, not the live database, which may have moved on meanwhile.
  const copy = new SQLite(out, { readonly: true, fileMustExist: true });
  try {
    const head = copy.prepare('select last_seq as seq, last_hash as hash from audit_head where id = 1').get() as { seq: number; hash: string } | undefined;
    if (!head) throw new BackupError(`${target.url} is not a unibudget database (no audit head)`);
    return { dialect: 'sqlite', file: out, bytes: fs.statSync(out).size, auditHead: head };
  } finally {
    copy.close();
  }
}

/** The audit head row inside a pg_dump (its snapshot cannot be re-read after the fact). */
function dumpedAuditHead(file: string): { seq: number; hash: string } {
  const text = fs.readFileSync(file, 'utf8');
  const match = /^COPY \S+\.audit_head \(([^)]*)\) FROM stdin;\n([^\n]*)\n/m.exec(text);
  if (!match) throw new BackupError('the dump holds no audit head: is this a unibudget database?');
  const columns = match[1]!.split(',').map((c) => c.trim());
  const values = match[2]!.split('\t');
  const field = (name: string) => values[columns.indexOf(name)] ?? '';
  return { seq: Number(field('last_seq')), hash: field('last_hash') };
}

export function backupDialect(file: string): 'sqlite' | 'postgres' {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    fs.readSync(fd, head, 0, 16, 0);
    if (head.toString('latin1') === SQLITE_MAGIC) return 'sqlite';
  } finally {
    fs.closeSync(fd);
  }
  const start = fs.readFileSync(file, { encoding: 'utf8', flag: 'r' }).slice(0, 4096);
  if (/PostgreSQL database dump/.test(start)) return 'postgres';
  throw new BackupError(`${file} is neither a SQLite backup nor a pg_dump of unibudget`);
}

/** The schema a pg_dump backup was taken from (every object in it is qualified with it). */
function dumpedSchema(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  const created = /^CREATE SCHEMA (\S+);$/m.exec(text);
  if (created) return created[1]!.replace(/^"|"$/g, '');
  const named = /^-- Name: [^;]+; Type: TABLE; Schema: ([^;]+);/m.exec(text);
  if (named) return named[1]!;
  throw new BackupError(`${file} names no schema`);
}

function sqliteHoldsData(file: string): boolean {
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) return false;
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const tables = new Set((db.prepare(`select name from sqlite_master where type = 'table'`).all() as Array<{ name: string }>).map((r) => r.name));
    return DATA_TABLES.some((t) => tables.has(t) && (db.prepare(`select count(*) as n from ${quoteIdent(t)}`).get() as { n: number }).n > 0);
  } finally {
    db.close();
  }
}

async function pgHoldsData(client: pg.Client, schema: string): Promise<boolean> {
  for (const table of DATA_TABLES) {
    const exists = await client.query(`select 1 from information_schema.tables where table_schema = $1 and table_name = $2`, [schema, table]);
    if (exists.rowCount === 0) continue;
    const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from ${quoteIdent(schema)}.${quoteIdent(table)}`);
    if (Number(rows[0]!.n) > 0) return true;
  }
  return false;
}

/**
 * Replaces the database with a backup. Offline: stop the server first. Refuses to overwrite a
 * database that holds data unless `force` is set. The restored chain is verified before returning.
 */
export async function restore(target: Target, file: string, options: { force?: boolean } = {}): Promise<RestoreResult> {
  const from = path.resolve(file);
  if (!fs.existsSync(from)) throw new BackupError(`no backup at ${from}`);
  const kind = backupDialect(from);
  const wanted = isPostgresUrl(target.url) ? 'postgres' : 'sqlite';
  if (kind !== wanted) throw new BackupError(`${from} is a ${kind} backup; DATABASE_URL points at ${wanted}`);

  if (kind === 'sqlite') {
    const checked = new SQLite(from, { readonly: true, fileMustExist: true });
    try {
      const integrity = checked.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new BackupError(`${from} fails the SQLite integrity check: ${String(integrity)}`);
    } finally {
      checked.close();
    }
    if (sqliteHoldsData(target.url) && !options.force) {
      throw new BackupError(`${target.url} already holds data; restore with --force to replace it`);
    }
    fs.mkdirSync(path.dirname(path.resolve(target.url)), { recursive: true });
    // Copy through the backup API in the other direction, into a fresh file swapped in at the end,
    // and drop the old WAL: a stale -wal beside the new file would be replayed over it.
    const staged = `${target.url}.restoring`;
    fs.rmSync(staged, { force: true });
    const source = new SQLite(from, { readonly: true, fileMustExist: true });
    try {
      await source.backup(staged);
    } finally {
      source.close();
    }
    for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${target.url}${suffix}`, { force: true });
    fs.renameSync(staged, target.url);
  } else {
    const schema = await pgSchemaOf(target);
    const dumped = dumpedSchema(from);
    if (dumped !== schema) throw new BackupError(`${from} holds schema "${dumped}"; the target is schema "${schema}"`);
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      if ((await pgHoldsData(client, schema)) && !options.force) {
        throw new BackupError(`schema "${schema}" already holds data; restore with --force to replace it`);
      }
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      // pg_dump creates any schema but public, which it expects to exist.
      if (!/^CREATE SCHEMA /m.test(fs.readFileSync(from, 'utf8'))) await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    } finally {
      await client.end();
    }
    await run(PSQL, ['--dbname', target.url, '--no-psqlrc', '--quiet', '--single-transaction', '--set', 'ON_ERROR_STOP=1', '--file', from]);
  }

  const handle = await openDatabase({ url: target.url, ...(target.pgSchema ? { pgSchema: target.pgSchema } : {}) });
  try {
    const migrated = await migrateToLatest(handle.db);
    const audit = await verifyChain(handle.db);
    if (!audit.ok) throw new BackupError(`the restored audit chain is broken at entry ${audit.brokenAt} (${audit.reason})`);
    return { dialect: kind, file: from, bytes: fs.statSync(from).size, auditHead: { seq: audit.headSeq, hash: audit.headHash }, audit, migrated };
  } finally {
    await handle.close();
  }
}
