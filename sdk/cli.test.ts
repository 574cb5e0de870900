import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sdkMain } from './cli.js';
import { signaturePayload } from './bundle.js';
import { manifestSchema } from './manifest.js';
import { scaffoldPlugin } from './scaffold.js';

/**
 * The specialist's way in (issue 14): `keygen` writes the key formats the trust API and `pack`
 * take, `pack` signs only under a publisher name given explicitly (no default) or packs unsigned
 * only when asked to, and the manifest accepts what the guide shows.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ub-sdk-cli-'));
const dir = path.join(tmp, 'cli-check');
beforeAll(() => {
  scaffoldPlugin(dir, 'cli-check');
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterAll(() => {
  vi.restoreAllMocks();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('unibudget-plugin keygen', () => {
  it('writes a PKCS#8 private key (mode 600) and the SPKI public key PUT /api/plugins/trust takes', async () => {
    const out = path.join(tmp, 'publisher');
    expect(await sdkMain(['keygen', '--out', out])).toBe(0);
    const privatePem = fs.readFileSync(`${out}.pem`, 'utf8');
    const publicPem = fs.readFileSync(`${out}.pub.pem`, 'utf8');
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(createPrivateKey(privatePem).asymmetricKeyType).toBe('ed25519');
    expect(createPublicKey(publicPem).asymmetricKeyType).toBe('ed25519');
    if (process.platform !== 'win32') expect(fs.statSync(`${out}.pem`).mode & 0o777).toBe(0o600);
    await expect(sdkMain(['keygen', '--out', out])).rejects.toThrow(/exists already/);
  });
});

describe('unibudget-plugin pack', () => {
  it('refuses without --publisher (no default name) and without --key, before building anything', async () => {
    const outDir = path.join(tmp, 'dist-refused');
    const key = path.join(tmp, 'publisher.pem');
    await expect(sdkMain(['pack', dir, '--key', key, '--out', outDir])).rejects.toThrow(/--publisher/);
    await expect(sdkMain(['pack', dir, '--key', key, '--publisher', '  ', '--out', outDir])).rejects.toThrow(/--publisher/);
    await expect(sdkMain(['pack', dir, '--publisher', '示范县财政局', '--out', outDir])).rejects.toThrow(/--key/);
    await expect(sdkMain(['pack', dir, '--out', outDir])).rejects.toThrow(/--unsigned/);
    await expect(sdkMain(['pack', dir, '--unsigned', '--key', key, '--out', outDir])).rejects.toThrow(/--unsigned takes no/);
    expect(fs.existsSync(outDir)).toBe(false);
  });

  it('signs as the publisher named, verifiable with the keygen public key; --unsigned packs without a signature', async () => {
    const outDir = path.join(tmp, 'dist');
    expect(await sdkMain(['pack', dir, '--key', path.join(tmp, 'publisher.pem'), '--publisher', '示范县财政局', '--out', outDir])).toBe(0);
    const bundle = JSON.parse(fs.readFileSync(path.join(outDir, 'cli-check-0.1.0.ubplugin.json'), 'utf8'));
    expect(bundle.signature.publisher).toBe('示范县财政局');
    const publicKey = createPublicKey(fs.readFileSync(path.join(tmp, 'publisher.pub.pem'), 'utf8'));
    expect(verify(null, signaturePayload(bundle.manifest, bundle.sha256), publicKey, Buffer.from(bundle.signature.value, 'base64'))).toBe(true);
    const unsignedDir = path.join(tmp, 'dist-unsigned');
    expect(await sdkMain(['pack', dir, '--unsigned', '--out', unsignedDir])).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(unsignedDir, 'cli-check-0.1.0.ubplugin.json'), 'utf8')).signature).toBeUndefined();
  });
});

describe('manifest: what the guide shows is accepted', () => {
  const base = { id: 'demo-plugin', name: { zh: '示例', en: 'Demo' }, version: '1.0.0', engine: '^1.0.0' };
  it('author is optional (shown as empty)', () => {
    expect(manifestSchema.parse(base).author).toBe('');
    expect(manifestSchema.parse({ ...base, author: '示范县教育局' }).author).toBe('示范县教育局');
    expect(manifestSchema.safeParse({ ...base, author: 'x'.repeat(201) }).success).toBe(false);
  });
  it("events accept a type, a family and '*' (the keys a handler may have), nothing else", () => {
    expect(manifestSchema.parse({ ...base, permissions: ['events'], events: ['*', 'payment.*', 'period.closed'] }).events).toEqual(['*', 'payment.*', 'period.closed']);
    for (const bad of ['**', '*.*', 'payment', 'payment.*.x', '.paid']) {
      expect(manifestSchema.safeParse({ ...base, permissions: ['events'], events: [bad] }).success, bad).toBe(false);
    }
  });
});
