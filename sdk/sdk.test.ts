import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync, createPublicKey, verify } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { engineSatisfied, manifestSchema } from './manifest.js';
import { validateViewSpec } from './views.js';
import { view } from './plugin.js';
import { buildPlugin, packPlugin, validateBundle } from './build.js';
import { makeBundle, signaturePayload } from './bundle.js';
import { scaffoldPlugin } from './scaffold.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ub-sdk-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const base = { id: 'demo-plugin', name: { zh: '示例', en: 'Demo' }, version: '1.2.3', engine: '^1.0.0', author: 'me' };

describe('manifest', () => {
  it('accepts a full manifest and fills defaults', () => {
    const m = manifestSchema.parse({ ...base, permissions: ['events', 'storage'], events: ['payment.*'], collections: [{ name: 'docs', indexes: ['kind'] }], dependencies: { 'other-plugin': '>=1.0.0 <3' } });
    expect(m).toMatchObject({ validators: [], routes: [], views: [], settings: [], description: '' });
  });
  it('refuses bad versions, ranges, ids (and the ids reserved for the core), unknown permissions, features without their permission', () => {
    for (const bad of [{ version: '1.0' }, { engine: 'latest!' }, { id: 'Bad_Id' }, { id: 'core' }, { permissions: ['fs'] }, { validators: ['payment.validate'] }, { name: { zh: '' } }]) {
      expect(manifestSchema.safeParse({ ...base, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
  it('checks the engine range against the host API version', () => {
    expect(engineSatisfied('^1.0.0', '1.4.0')).toBe(true);
    expect(engineSatisfied('^1.0.0', '2.0.0')).toBe(false);
  });
});

describe('view specs', () => {
  it('validates every block type', () => {
    const spec = view.page([
      view.stat('数', 1), view.table([{ key: 'a', label: 'A' }], [{ a: 1 }]), view.line(['1月'], [{ name: 's', data: [1] }]),
      view.bar(['1月'], [{ name: 's', data: [1] }]), view.pie([{ label: 'x', value: 1 }]), view.markdown('# hi'),
      view.timeline([{ at: '2026-01-01', title: 't' }]), view.chat([{ id: '1', author: '张三', at: '2026-01-01', text: '你好' }], 'chat/post'),
      { type: 'form', submit: 'save', fields: [{ key: 'x', label: 'X', input: 'text' }] },
    ]);
    expect(validateViewSpec(spec)).toMatchObject({ ok: true });
  });
  it('names the problems of an invalid spec', () => {
    const result = validateViewSpec({ blocks: [{ type: 'stat', label: 'x' }, { type: 'script', src: 'x' }] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.join(' ')).toContain('blocks.0');
  });
});

describe('build, validate, pack, scaffold', () => {
  it('scaffolds a plugin that builds into one script, validates and packs signed', async () => {
    const dir = path.join(tmp, 'my-plugin');
    scaffoldPlugin(dir, 'my-plugin');
    const { code } = await buildPlugin(dir);
    expect(code).toContain('__plugin');
    expect(code).not.toMatch(/require\(|from "zod"/);
    expect(validateBundle(makeBundle(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')), code))).toEqual({ ok: true, problems: [] });
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const { file, bundle } = await packPlugin(dir, path.join(tmp, 'dist'), { publisher: 'me', privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    expect(path.basename(file)).toBe('my-plugin-0.1.0.ubplugin.json');
    expect(verify(null, signaturePayload(bundle.manifest, bundle.sha256), createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })), Buffer.from(bundle.signature!.value, 'base64'))).toBe(true);
    expect(validateBundle({ ...bundle, code: bundle.code + ';' }).problems).toContain('sha256 does not match the code');
  });

  it('refuses to scaffold under an id the core reserves (the manifest would not validate)', () => {
    expect(() => scaffoldPlugin(path.join(tmp, 'core'), 'core')).toThrow(/reserved/);
    expect(fs.existsSync(path.join(tmp, 'core', 'manifest.json'))).toBe(false);
  });
});
