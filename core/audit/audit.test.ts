import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { createKernel } from '../kernel.js';
import { seedDemo } from '../demo/seed.js';
import { canonicalJson } from './canonical.js';
import { runCommand } from '../db/command.js';
import { appendAudit, listAuditEntries, rowToEntry, SYSTEM_ACTOR, verifyChain } from './service.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ x: '元', n: null })).toBe('{"n":null,"x":"元"}');
  });
  it('writes what JSON would write, so the text parsed back gives the same text (no round trip through JSON first)', () => {
    const value = {
      at: new Date('2026-06-10T08:00:00Z'), list: [1, undefined, () => 1, { b: [null, true], a: '预算' }], gone: undefined, fn: () => 2,
      boxed: Object(5), nested: { toJSON: () => ({ z: 1, y: [2] }) }, empty: {}, none: [],
    };
    const text = canonicalJson(value);
    expect(text).toBe('{"at":"2026-06-10T08:00:00.000Z","boxed":5,"empty":{},"list":[1,null,null,{"a":"预算","b":[null,true]}],"nested":{"y":[2],"z":1},"none":[]}');
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(text);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
    expect(canonicalJson(undefined)).toBe('null');
  });
  it('refuses values that have no exact JSON form', () => {
    expect(() => canonicalJson({ amount: Number.NaN })).toThrow();
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow();
    expect(() => canonicalJson({ amount: 10n })).toThrow();
  });
});

describe('audit hash chain', () => {
  it('verifies the chain written by the demo seed and by requests', async () => {
    const token = await env.login('a.finance');
    await env.call('POST', '/api/units/a/periods/2026/5/close', { token });
    const result = await verifyChain(env.kernel.db);
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThan(40);
    expect(result.headSeq).toBe(result.checked);
    const api = await env.call('GET', '/api/audit/verify', { token: await env.login('a.auditor') });
    expect(api.status).toBe(200);
    expect(api.body.ok).toBe(true);
  });

  it('stays one unbroken chain under concurrent writers', async () => {
    const before = (await verifyChain(env.kernel.db)).checked;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        runCommand(env.kernel, (tx) =>
          appendAudit(tx, { actor: SYSTEM_ACTOR, unitId: 'a', action: 'test.concurrent', entity: 'test', entityId: i, after: { i } }),
        ),
      ),
    );
    const result = await verifyChain(env.kernel.db);
    expect(result.ok).toBe(true);
    expect(result.checked).toBe(before + 40);
  });

  it('hashes any text exactly as verification does (PostgreSQL computes the hash in SQL)', async () => {
    const odd = {
      zh: '办公费 ¥1,234.56 “引号” \\ 反斜杠', emoji: '💰🧾', controls: 'tab\tnewline\nnul\u0000bell\u0007', separators: '\u2028\u2029',
      lone: '\ud800', quote: '"}{"prevHash":"', numbers: [0, -1, 1.5, 1e21, 9_007_199_254_740_991], nested: { b: [null, true, { a: 'x' }] },
    };
    const written = await runCommand(env.kernel, (tx) =>
      appendAudit(tx, { actor: { userId: null, username: '系统 "root"' }, unitId: null, action: 'test.odd', entity: 'test', entityId: 'é\u0301', before: odd, after: [odd] }));
    const stored = await env.kernel.db.selectFrom('audit_log').selectAll().where('seq', '=', written.seq).executeTakeFirstOrThrow();
    expect(stored.hash).toBe(written.hash);
    expect(rowToEntry(stored)).toEqual(written);
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  });

  it('lists a unit’s entries for its readers only, with before/after', async () => {
    const token = await env.login('a.auditor');
    const result = await env.call('GET', '/api/units/a/audit?action=period.close', { token });
    expect(result.status).toBe(200);
    const last = result.body.at(-1);
    expect(last).toMatchObject({ action: 'period.close', unitId: 'a', actorName: 'a.finance', entityId: 'a:2026-5' });
    expect(last.before.status).toBe('open');
    expect(last.after.status).toBe('closed');
    expect(result.body.every((e: { unitId: string }) => e.unitId === 'a')).toBe(true);
    const bad = await env.call('GET', '/api/units/a/audit?limit=100000', { token });
    expect(bad.status).toBe(400);
  });

  it('pages a unit’s entries by sequence number and filters them by entity, id and action', async () => {
    const scope = { unitId: 'b', unitPath: '/bureau/dept/b/', permissions: new Set<never>(), readOnly: false };
    const written = await runCommand(env.kernel, async (tx) => {
      const entries = [];
      for (const [entity, id] of [['probe', 1], ['probe', 2], ['other', 1]] as const) {
        entries.push(await appendAudit(tx, { actor: SYSTEM_ACTOR, unitId: 'b', action: 'test.page', entity, entityId: id, after: { id } }));
      }
      await appendAudit(tx, { actor: SYSTEM_ACTOR, unitId: 'a', action: 'test.page', entity: 'probe', entityId: 1 });
      return entries;
    });
    const page = async (query: Record<string, unknown>) =>
      (await listAuditEntries(env.kernel.db, scope, { limit: 100, action: 'test.page', ...query })).map((e) => [e.entity, e.entityId, e.unitId]);
    expect(await page({})).toEqual([['probe', '1', 'b'], ['probe', '2', 'b'], ['other', '1', 'b']]);
    expect(await page({ entity: 'probe' })).toEqual([['probe', '1', 'b'], ['probe', '2', 'b']]);
    expect(await page({ entity: 'probe', entityId: '2' })).toEqual([['probe', '2', 'b']]);
    expect(await page({ afterSeq: written[0]!.seq, limit: 1 })).toEqual([['probe', '2', 'b']]);
  });

  it('names the entry edited behind the application’s back', async () => {
    const target = await env.kernel.db.selectFrom('audit_log').select('seq').where('action', '=', 'period.close').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    const original = await env.kernel.db.selectFrom('audit_log').selectAll().where('seq', '=', target.seq).executeTakeFirstOrThrow();
    await env.kernel.db.updateTable('audit_log').set({ after_json: original.after_json.replace('closed', 'open') }).where('seq', '=', target.seq).execute();
    const result = await verifyChain(env.kernel.db);
    expect(result).toMatchObject({ ok: false, brokenAt: target.seq, reason: 'hash_mismatch' });
    const api = await env.call('GET', '/api/audit/verify', { token: await env.login('a.auditor') });
    expect(api.body).toMatchObject({ ok: false, brokenAt: target.seq });

    // Re-signing the edited row itself does not help: the next entry's link to it breaks instead.
    const edited = rowToEntry(await env.kernel.db.selectFrom('audit_log').selectAll().where('seq', '=', target.seq).executeTakeFirstOrThrow());
    const { hash: _old, ...unsigned } = edited;
    const resigned = createHash('sha256').update(canonicalJson(unsigned)).digest('hex');
    await env.kernel.db.updateTable('audit_log').set({ hash: resigned }).where('seq', '=', target.seq).execute();
    expect(await verifyChain(env.kernel.db)).toMatchObject({ ok: false, brokenAt: target.seq + 1, reason: 'prev_mismatch' });

    await env.kernel.db.updateTable('audit_log').set({ after_json: original.after_json, hash: original.hash }).where('seq', '=', target.seq).execute();
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  });

  it('detects a deleted entry and a truncated tail', async () => {
    const head = await env.kernel.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    const middle = Math.floor(head.last_seq / 2);
    const saved = await env.kernel.db.selectFrom('audit_log').selectAll().where('seq', '=', middle).executeTakeFirstOrThrow();
    await env.kernel.db.deleteFrom('audit_log').where('seq', '=', middle).execute();
    expect(await verifyChain(env.kernel.db)).toMatchObject({ ok: false, brokenAt: middle, reason: 'missing_entry' });
    await env.kernel.db.insertInto('audit_log').values(saved).execute();
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);

    const last = await env.kernel.db.selectFrom('audit_log').selectAll().where('seq', '=', head.last_seq).executeTakeFirstOrThrow();
    await env.kernel.db.deleteFrom('audit_log').where('seq', '=', head.last_seq).execute();
    expect(await verifyChain(env.kernel.db)).toMatchObject({ ok: false, brokenAt: head.last_seq, reason: 'missing_entry' });
    await env.kernel.db.insertInto('audit_log').values(last).execute();
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  });
});

describe('unibudget audit verify (CLI)', () => {
  const isPostgres = process.env.DATABASE_URL?.startsWith('postgres');
  it.skipIf(isPostgres)('exits 0 on a sound chain and 1 naming the broken entry after tampering', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ub-audit-'));
    const file = path.join(dir, 'cli.db');
    const kernel = await createKernel({ databaseUrl: file, kdf: 'fast' });
    await seedDemo(kernel, new Date('2026-06-15T00:00:00Z'), { activity: false });
    await kernel.close();
    const run = promisify(execFile);
    const cli = path.resolve('bin/unibudget.mjs');
    const options = { env: { ...process.env, DATABASE_URL: file } };
    const ok = await run(process.execPath, [cli, 'audit', 'verify'], options);
    expect(ok.stdout).toMatch(/audit chain OK/);

    const tampered = await createKernel({ databaseUrl: file });
    await tampered.db.updateTable('audit_log').set({ actor_name: 'mallory' }).where('seq', '=', 7).execute();
    await tampered.close();
    const broken = await run(process.execPath, [cli, 'audit', 'verify'], options).catch((e: { code: number; stderr: string }) => e);
    expect((broken as { code: number }).code).toBe(1);
    expect((broken as { stderr: string }).stderr).toMatch(/BROKEN at entry 7 \(hash_mismatch\)/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
