// The plugin author's command line, `unibudget-plugin` (the bin of @unibudget/sdk; in this
// repository also `npx tsx sdk/cli.ts …` and `unibudget plugin new`):
//   new <id> [--dir <folder>]        scaffold a working plugin with a passing test (default folder:
//                                    plugins/<id> where a plugins/ folder exists, else <id>)
//   test [filters…]                  run the plugin tests (vitest) in the real sandbox
//   build [dir]                      bundle src/index.ts with esbuild; print size and SHA-256
//   validate [dir|bundle.json]       check what the host checks at install
//   keygen [--out publisher]         write an ed25519 publisher key pair: <out>.pem (PKCS#8, keep it) and
//                                    <out>.pub.pem (SPKI, what PUT /api/plugins/trust takes as addPublisher.publicKey)
//   pack [dir] --key key.pem --publisher name [--out dist]   write <id>-<version>.ubplugin.json signed with the key;
//                                    the publisher name has no default: it must be the name the administrators trust
//                                    the key under. `pack [dir] --unsigned` writes an unsigned bundle (for hosts that allow them)
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildPlugin, packPlugin, validateBundle } from './build.js';
import { makeBundle, sha256Hex } from './bundle.js';
import { scaffoldPlugin } from './scaffold.js';

const USAGE = `usage: unibudget-plugin <command>
  new <id> [--dir <folder>]                              scaffold a plugin with a passing test
  test [filters…]                                        run its tests in the real sandbox (vitest)
  build [dir]                                            bundle it, print size and SHA-256
  validate [dir|bundle.json]                             check what the host checks at install
  keygen [--out publisher]                               write an ed25519 key pair: <out>.pem (PKCS#8, private) and <out>.pub.pem (SPKI, for the trust API)
  pack [dir] --key key.pem --publisher <name> [--out dist]   write the bundle signed as <name> (the name your key is trusted under)
  pack [dir] --unsigned [--out dist]                     write an unsigned bundle (installs only where unsigned bundles are allowed)`;

export async function sdkMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: false,
    options: { out: { type: 'string' }, key: { type: 'string' }, publisher: { type: 'string' }, dir: { type: 'string' }, unsigned: { type: 'boolean' } },
  });
  const option = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const [command, target] = positionals;
  switch (command) {
    case 'build': {
      const { code } = await buildPlugin(target ?? '.');
      console.log(`built ${code.length} bytes, sha256 ${sha256Hex(code)}`);
      return 0;
    }
    case 'validate': {
      const t = target ?? '.';
      const bundle = fs.statSync(t).isDirectory() ? await buildPlugin(t).then((b) => makeBundle(b.manifest, b.code)) : JSON.parse(fs.readFileSync(t, 'utf8'));
      const report = validateBundle(bundle);
      console.log(report.ok ? 'valid' : `invalid:\n  ${report.problems.join('\n  ')}`);
      return report.ok ? 0 : 1;
    }
    case 'keygen': {
      const out = option('out') ?? 'publisher';
      if (fs.existsSync(`${out}.pem`)) throw new Error(`${out}.pem exists already: keep using it, or choose another --out`);
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      fs.writeFileSync(`${out}.pem`, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
      fs.writeFileSync(`${out}.pub.pem`, publicKey.export({ type: 'spki', format: 'pem' }).toString());
      console.log(`wrote ${out}.pem (PKCS#8 private key: sign with it, never share it) and ${out}.pub.pem (SPKI public key)`);
      console.log('the system administrator trusts it under your publisher name: PUT /api/plugins/trust');
      console.log(`  {"addPublisher": {"name": "<your publisher name>", "publicKey": <the text of ${out}.pub.pem>}}`);
      console.log(`then: unibudget-plugin pack <dir> --key ${out}.pem --publisher "<that same name>"`);
      return 0;
    }
    case 'pack': {
      const signer = packSigner(option('key'), option('publisher'), values.unsigned === true);
      const { file } = await packPlugin(target ?? '.', option('out') ?? 'dist', signer);
      console.log(`packed ${file}${signer ? ` (signed by ${signer.publisher})` : ' (unsigned)'}`);
      return 0;
    }
    case 'new': {
      if (!target) throw new Error('usage: new <id> [--dir <folder>]');
      const dir = option('dir') ?? (fs.existsSync('plugins') ? path.join('plugins', target) : target);
      for (const file of scaffoldPlugin(dir, target)) console.log(`  wrote ${file}`);
      console.log(`\nnext: npx unibudget-plugin test ${dir.split(path.sep).join('/')}`);
      return 0;
    }
    case 'test': {
      // The project's own vitest config applies when it has one; these keep the harness's start-up
      // (a core seeded in memory, the sandbox runner) inside the time limits on a slow machine.
      const { startVitest } = await import('vitest/node');
      await startVitest('test', positionals.slice(1), { run: true, watch: false, testTimeout: 120_000, hookTimeout: 180_000 });
      return typeof process.exitCode === 'number' ? process.exitCode : 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

/**
 * Who signs a pack: `--key` and `--publisher` together (the name is the one the administrators trust
 * the key under, so it has no default: a wrong name makes the bundle fail to install), or nobody
 * with an explicit `--unsigned`. Anything else is refused before anything is built.
 */
export function packSigner(key: string | undefined, publisher: string | undefined, unsigned: boolean): { publisher: string; privateKeyPem: string } | undefined {
  if (unsigned) {
    if (key || publisher) throw new Error('pack: --unsigned takes no --key or --publisher');
    return undefined;
  }
  if (!key || !publisher?.trim()) {
    throw new Error('pack: give --key <private key .pem> and --publisher <the name your key is trusted under> (make a key pair with `unibudget-plugin keygen`), or --unsigned for a host that allows unsigned bundles');
  }
  return { publisher: publisher.trim(), privateKeyPem: fs.readFileSync(key, 'utf8') };
}

/**
 * Runs the command line when this file is the program: `npx tsx sdk/cli.ts …` in the repository,
 * and the published package's bin (this file bundled; npx calls it through a symlink).
 */
const isProgram = (() => {
  try {
    const strip = (file: string) => file.replace(/\.[cm]?[jt]s$/, '');
    return Boolean(process.argv[1]) && strip(fs.realpathSync(process.argv[1]!)) === strip(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (isProgram) {
  sdkMain(process.argv.slice(2)).then((code) => process.exit(code), (error) => { console.error(error.message); process.exit(1); });
}
