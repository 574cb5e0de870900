import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './support/kernel.js';

/**
 * What a unit's digital specialist does, outside this repository: the SDK is built and packed
 * (`npm pack`), installed from its tarball into an empty project in the temp folder, a plugin is
 * scaffolded with `npx unibudget-plugin new`, its generated test runs in the real sandbox against
 * the harness's in-memory core (`npx unibudget-plugin test`), `npx unibudget-plugin pack` writes a
 * signed bundle, and that bundle installs and answers on a real core (this process's, on SQLite
 * or on PostgreSQL when DATABASE_URL says so).
 *
 * Kept fast and off the network: the project installs with `npm ci --offline --ignore-scripts`
 * from npm's cache, with a lockfile pinned to the versions this repository installed, and reuses
 * the native addons the repository already compiled (isolated-vm, better-sqlite3) instead of
 * compiling them again. If the cache misses a package it falls back to `--prefer-offline`.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ub-sdk-outside-')));
const project = path.join(tmp, 'project');
const PUBLISHER = '示范县财政局数字专员';

/** A shell of the specialist's own: no vitest worker, npm script or database settings of ours leak into it. */
function cleanEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) =>
    keep.has(key) || !(/^(VITEST|npm_|NODE_OPTIONS$|NODE_ENV$|TEST$|DATABASE_URL$|UNIBUDGET_|INIT_CWD$|FORCE_COLOR$)/.test(key))).concat([['NO_COLOR', '1']]));
}

interface Ran { code: number; out: string; stdout: string }
function run(command: string, args: string[], cwd: string, allowFailure = false): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stdout = '';
    child.stdout.on('data', (d) => ((out += d), (stdout += d)));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && !allowFailure) reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${code}:\n${out.slice(-4000)}`));
      else resolve({ code: code ?? 1, out, stdout });
    });
  });
}

/**
 * The project's lockfile: @unibudget/sdk from the tarball, and every package it needs at the
 * version (and the place in node_modules) this repository's package-lock.json has it, so npm
 * resolves nothing and fetches from its cache by integrity.
 */
function lockfileFor(sdkManifest: { version: string; license: string; dependencies: Record<string, string>; [k: string]: unknown }, tarball: string): object {
  const repo = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, any>> }).packages;
  const resolveFrom = (from: string, name: string): string | null => {
    for (let base = from; ; ) {
      const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (repo[candidate] && !repo[candidate]!.link) return candidate;
      if (!base) return null;
      const up = base.lastIndexOf('/node_modules/');
      base = up < 0 ? '' : base.slice(0, up);
    }
  };
  const seen = new Set<string>();
  const queue: string[] = [];
  const visit = (from: string, deps: Record<string, string> | undefined, optional: boolean) => {
    for (const name of Object.keys(deps ?? {})) {
      const at = resolveFrom(from, name);
      if (!at) {
        if (optional) continue;
        throw new Error(`package-lock.json has no ${name} (needed from ${from || 'the SDK'})`);
      }
      if (!seen.has(at)) seen.add(at), queue.push(at);
    }
  };
  visit('', sdkManifest.dependencies, false);
  while (queue.length) {
    const at = queue.shift()!;
    const entry = repo[at]!;
    visit(at, entry.dependencies, false);
    visit(at, entry.optionalDependencies, true);
    const meta = (entry.peerDependenciesMeta ?? {}) as Record<string, { optional?: boolean }>;
    visit(at, Object.fromEntries(Object.entries((entry.peerDependencies ?? {}) as Record<string, string>).filter(([name]) => !meta[name]?.optional)), true);
  }
  const spec = `file:${path.relative(project, tarball)}`;
  const { version, license, dependencies, peerDependencies, peerDependenciesMeta, bin, engines } = sdkManifest;
  const packages: Record<string, unknown> = {
    '': { name: 'outside-project', dependencies: { '@unibudget/sdk': spec } },
    'node_modules/@unibudget/sdk': {
      version, resolved: spec, integrity: `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`, license,
      dependencies, peerDependencies, peerDependenciesMeta, bin, engines,
    },
  };
  for (const at of [...seen].sort()) {
    const { dev, devOptional, peer, optional, ...entry } = repo[at]!;
    packages[at] = { ...entry, ...(optional || devOptional ? { optional: true } : {}) };
  }
  return { name: 'outside-project', lockfileVersion: 3, requires: true, packages };
}

let bundleFile = '';
let testRun: Ran;
let env: TestEnv;

beforeAll(async () => {
  // 1. The SDK package, built and packed as it is published.
  const built = path.join(tmp, 'sdk-package');
  await run('npm', ['run', 'build', '--silent', '-w', '@unibudget/sdk', '--', '--out', built], ROOT);
  const packed = await run('npm', ['pack', built, '--pack-destination', tmp, '--json'], tmp);
  const tarball = path.join(tmp, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);

  // 2. An empty project that installs the tarball (and nothing of this repository).
  fs.mkdirSync(project);
  const sdkManifest = JSON.parse(fs.readFileSync(path.join(built, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'outside-project', private: true, type: 'module', dependencies: { '@unibudget/sdk': `file:${path.relative(project, tarball)}` } }, null, 2)}\n`);
  fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(lockfileFor(sdkManifest, tarball), null, 2));
  const flags = ['--ignore-scripts', '--no-audit', '--no-fund'];
  const offline = await run('npm', ['ci', '--offline', ...flags], project, true);
  if (offline.code !== 0) await run('npm', ['ci', '--prefer-offline', ...flags], project);
  // The native addons, as this repository compiled them (install scripts were skipped above).
  const require = createRequire(import.meta.url);
  for (const [pkg, file] of [['isolated-vm', 'out/isolated_vm.node'], ['better-sqlite3', 'build/Release/better_sqlite3.node']] as const) {
    const target = path.join(project, 'node_modules', pkg, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file), target);
  }

  // 3. The specialist's commands.
  await run('npx', ['unibudget-plugin', 'new', 'my-plugin'], project);
  testRun = await run('npx', ['unibudget-plugin', 'test'], project, true);
  await run('npx', ['unibudget-plugin', 'keygen', '--out', 'publisher'], project);
  const packedPlugin = await run('npx', ['unibudget-plugin', 'pack', 'my-plugin', '--key', 'publisher.pem', '--publisher', PUBLISHER], project);
  bundleFile = path.join(project, packedPlugin.out.match(/packed (\S+\.ubplugin\.json)/)![1]!);

  env = await createTestEnv();
}, 300_000);

afterAll(async () => {
  await env?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the SDK outside the repository', () => {
  it('is installed from its tarball alone: a real folder in the project, with the harness, its runner and no source of the core', () => {
    const installed = path.join(project, 'node_modules', '@unibudget', 'sdk');
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.realpathSync(installed).startsWith(tmp)).toBe(true);
    for (const file of ['lib/index.js', 'lib/testing.js', 'lib/child.mjs', 'lib/cli.js', 'lib/index.d.ts', 'lib/testing.d.ts', 'lib/contracts/money.js']) {
      expect(fs.existsSync(path.join(installed, file)), file).toBe(true);
    }
    expect(fs.existsSync(path.join(installed, 'core'))).toBe(false);
    expect(fs.readFileSync(path.join(project, 'my-plugin', 'src', 'index.ts'), 'utf8')).toContain("from '@unibudget/sdk'");
  });

  it('runs the generated plugin test in the real sandbox: green from the start', () => {
    expect(testRun.out).toMatch(/Tests\s+5 passed/);
    expect(testRun.code, testRun.out.slice(-3000)).toBe(0);
  });

  it('packs a signed bundle that installs and answers on a real core', async () => {
    const bundle = JSON.parse(fs.readFileSync(bundleFile, 'utf8'));
    expect(path.basename(bundleFile)).toBe('my-plugin-0.1.0.ubplugin.json');
    expect(bundle.signature.publisher).toBe(PUBLISHER);

    const sysadmin = await env.login('sysadmin');
    // Not trusted yet: refused.
    expect((await env.call('POST', '/api/plugins', { token: sysadmin, body: bundle })).body.error.code).toBe('PLUGIN_SIGNATURE_INVALID');
    const publicKey = fs.readFileSync(path.join(project, 'publisher.pub.pem'), 'utf8');
    expect((await env.call('PUT', '/api/plugins/trust', { token: sysadmin, body: { addPublisher: { name: PUBLISHER, publicKey } } })).status).toBe(200);
    const installed = await env.call('POST', '/api/plugins', { token: sysadmin, body: bundle });
    expect([installed.status, installed.body.pluginId, installed.body.signedBy]).toEqual([201, 'my-plugin', PUBLISHER]);

    const admin = await env.login('a.admin');
    const grants = ['ledger.read', 'storage', 'events', 'validators', 'routes', 'views', 'schedule'];
    const enabled = await env.call('POST', '/api/units/a/plugins/my-plugin/enable', { token: admin, body: { grants } });
    expect([enabled.status, enabled.body.state]).toEqual([200, 'enabled']);

    const staff = await env.login('a.staff');
    const summary = await env.call('GET', '/api/units/a/plugins/my-plugin/routes/summary', { token: staff });
    expect([summary.status, summary.body.unitId, summary.body.paidPayments]).toEqual([200, 'a', 0]);
    const overview = await env.call('GET', '/api/units/a/plugins/my-plugin/views/overview', { token: staff });
    expect(overview.status).toBe(200);
    expect(overview.body.blocks.map((b: { type: string; label: string; value: number }) => [b.type, b.label, typeof b.value])).toEqual([['stat', '指标数', 'number'], ['stat', '可用余额', 'number']]);
    expect(overview.body.blocks[0].value).toBe(summary.body.indicators);
  });
});
