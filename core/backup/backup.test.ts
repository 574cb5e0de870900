import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createKernel, type Kernel } from '../kernel.js';
import { isPostgresUrl } from '../db/connection.js';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { approveThrough, issue, submitPayment } from '../../test/support/ledger.js';
import { auditHead, balances, ledgerViolations } from '../../test/reliability/invariants.js';
import { backup, BackupError, restore, type Target } from './service.js';

/**
 * Backup and restore round trip on the dialect of the run: a backup taken while payments are being
 * written is consistent, a restore refuses to overwrite data without force, and the restored
 * database has the same audit head (its chain verifying) and the same balances.
 */
const onPg = isPostgresUrl(process.env.DATABASE_URL ?? '');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unibudget-backup-'));
let env: TestEnv;
let target: Target;
/** The kernel on the live database once the test env's own has been closed for a restore. */
let reopened: Kernel | null = null;

beforeAll(async () => {
  env = await createTestEnv(onPg ? {} : { databaseUrl: path.join(dir, 'live.db') });
  if (onPg) {
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(env.kernel.db)).rows[0]!.s;
    target = { url: process.env.DATABASE_URL!, pgSchema: schema };
  } else {
    target = { url: path.join(dir, 'live.db') };
  }
});
afterAll(async () => {
  if (reopened) await reopened.close();
  if (target?.pgSchema) {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${target.pgSchema}" CASCADE`);
    await client.end();
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

const open = () => createKernel({ databaseUrl: target.url, kdf: 'fast', ...(target.pgSchema ? { pgSchema: target.pgSchema } : {}) });

describe('backup and restore', () => {
  it('takes a consistent backup while writes go on, and restores it exactly', async () => {
    const ind = await issue(env, { amount: 50_000_000 });
    for (let i = 0; i < 3; i++) {
      const paid = await submitPayment(env, ind.id, 10_000 + i);
      expect(paid.status).toBe(201);
      await approveThrough(env, 'payments', paid.body.id);
    }

    // Online: payments keep arriving while the backup runs.
    let writing = true;
    const writer = (async () => {
      let n = 0;
      while (writing) {
        expect((await submitPayment(env, ind.id, 100 + n++)).status).toBe(201);
        // In-process requests are all microtasks; let the backup's steps (macrotasks) run between them.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return n;
    })();
    const file = path.join(dir, onPg ? 'online.sql' : 'online.db');
    const made = await backup(target, file);
    writing = false;
    expect(await writer).toBeGreaterThan(0);
    expect(made.bytes).toBeGreaterThan(0);

    // Quiet now: a second backup whose contents we know exactly.
    const snapshot = { head: await auditHead(env.kernel.db), balances: await balances(env.kernel.db) };
    const quiet = path.join(dir, onPg ? 'quiet.sql' : 'quiet.db');
    expect((await backup(target, quiet)).auditHead).toEqual(snapshot.head);
    await expect(backup(target, quiet)).rejects.toThrow(BackupError);

    // Life goes on after the backup; the restore must bring back the state at the backup.
    expect((await submitPayment(env, ind.id, 777)).status).toBe(201);
    expect((await auditHead(env.kernel.db)).seq).toBeGreaterThan(snapshot.head.seq);
    await expect(restore(target, quiet)).rejects.toThrow(/--force/);
    expect((await auditHead(env.kernel.db)).seq).toBeGreaterThan(snapshot.head.seq);

    // Restore is offline: the server (this kernel) stops first.
    await env.kernel.close();
    const restored = await restore(target, quiet, { force: true });
    expect(restored.audit.ok).toBe(true);
    expect(restored.auditHead).toEqual(snapshot.head);
    let kernel = await open();
    try {
      expect(await auditHead(kernel.db)).toEqual(snapshot.head);
      expect(await balances(kernel.db)).toEqual(snapshot.balances);
      expect(await ledgerViolations(kernel.db)).toEqual([]);
    } finally {
      await kernel.close();
    }

    // The online backup is consistent too: whatever it caught of the racing writes, all of it or none.
    const online = await restore(target, file, { force: true });
    expect(online.audit.ok).toBe(true);
    expect(online.auditHead).toEqual(made.auditHead);
    kernel = await open();
    try {
      expect(await ledgerViolations(kernel.db)).toEqual([]);
      const payments = await kernel.db.selectFrom('payments').select('id').execute();
      const submitted = await kernel.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'payment.submit').execute();
      expect(submitted.map((s) => Number(s.entity_id)).sort((a, b) => a - b)).toEqual(payments.map((p) => p.id).sort((a, b) => a - b));
    } finally {
      await kernel.close();
    }
    reopened = await open();
  });

  it('restores into an empty database without --force and refuses a backup of the other dialect', async () => {
    const file = path.join(dir, onPg ? 'cli.sql' : 'cli.db');
    const head = await auditHead(reopened!.db);
    const cli = (args: string[], url: string) =>
      spawnSync(process.execPath, ['bin/unibudget.mjs', ...args], { env: { ...process.env, DATABASE_URL: url, UNIBUDGET_KDF: 'fast' }, encoding: 'utf8' });
    const url = onPg ? withSearchPath(target.url, target.pgSchema!) : target.url;
    const made = cli(['backup', file], url);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain(`audit head ${head.seq} ${head.hash}`);

    const refused = cli(['restore', file], url);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/already holds data.*--force/);

    await reopened!.close();
    reopened = null;
    if (onPg) {
      // An empty target: the schema dropped as after a lost server.
      const kernel = await createKernel({ databaseUrl: target.url, pgSchema: target.pgSchema! });
      await sql`drop schema ${sql.id(target.pgSchema!)} cascade`.execute(kernel.db);
      await kernel.close();
    } else {
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(target.url + suffix, { force: true });
    }
    const done = cli(['restore', file], url);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toContain(`audit chain OK: ${head.seq} entries, head ${head.hash}`);
    reopened = await open();
    expect(await auditHead(reopened.db)).toEqual(head);

    const wrongKind = path.join(dir, 'wrong');
    fs.writeFileSync(wrongKind, onPg ? 'SQLite format 3\u0000' + '\u0000'.repeat(100) : '--\n-- PostgreSQL database dump\n--\n');
    await expect(restore(target, wrongKind, { force: true })).rejects.toThrow(/backup; DATABASE_URL points at/);
    expect(await auditHead(reopened.db)).toEqual(head);
  });
});

function withSearchPath(url: string, schema: string): string {
  // libpq reads %20, not the '+' URLSearchParams would write for a space.
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}
