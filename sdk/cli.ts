// The plugin author's command line:  npx tsx sdk/cli.ts <build|validate|pack|new> …
//   build <dir>                      bundle src/index.ts with esbuild; print size and SHA-256
//   validate <dir|bundle.json>       check what the host checks at install
//   pack <dir> [--out dist] [--key key.pem --publisher name]   write <id>-<version>.ubplugin.json (signed with an ed25519 key)
//   new <id> [--dir plugins/<id>]    scaffold a working plugin with a passing test
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlugin, packPlugin, validateBundle } from './build.js';
import { makeBundle, sha256Hex } from './bundle.js';
import { scaffoldPlugin } from './scaffold.js';

export async function sdkMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { out: { type: 'string' }, key: { type: 'string' }, publisher: { type: 'string' }, dir: { type: 'string' } },
  });
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
    case 'pack': {
      const signer = values.key ? { publisher: values.publisher ?? 'unknown', privateKeyPem: fs.readFileSync(values.key, 'utf8') } : undefined;
      const { file } = await packPlugin(target ?? '.', values.out ?? 'dist', signer);
      console.log(`packed ${file}${signer ? ` (signed by ${signer.publisher})` : ' (unsigned)'}`);
      return 0;
    }
    case 'new': {
      if (!target) throw new Error('usage: new <id> [--dir plugins/<id>]');
      const dir = values.dir ?? path.join('plugins', target);
      for (const file of scaffoldPlugin(dir, target)) console.log(`  wrote ${file}`);
      console.log(`\nnext: npx vitest run ${dir}`);
      return 0;
    }
    default:
      console.error('usage: sdk/cli.ts build|validate|pack|new …');
      return 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]).replace(/\.ts$/, '') === path.resolve(new URL(import.meta.url).pathname).replace(/\.ts$/, '')) {
  sdkMain(process.argv.slice(2)).then((code) => process.exit(code), (error) => { console.error(error.message); process.exit(1); });
}
