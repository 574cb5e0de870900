// Builds the publishable @unibudget/sdk: a folder that is the package (package.json, README.md,
// lib/ with JavaScript bundles and their .d.ts), ready for `npm pack <folder>` / `npm publish <folder>`.
//   node --import tsx sdk/scripts/build-package.ts [--out sdk/dist]      (npm run build -w @unibudget/sdk)
//
// In this repository the SDK's exports point at its TypeScript sources (vitest, tsc, tsx and the web
// build read them directly); the published manifest is written here instead of rewriting
// sdk/package.json in place, which other processes of the working tree read while a pack runs.
// The test harness (testing.ts) carries a bundle of the core it runs; the npm packages the core
// uses stay external and become the package's dependencies, pinned as in the root package.json.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import ts from 'typescript';

const SDK = fileURLToPath(new URL('..', import.meta.url));
const ROOT = path.join(SDK, '..');

/** The package's entry points (export subpath → source, relative to sdk/): every shared contract is one. */
const ENTRIES: Record<string, string> = {
  index: 'index.ts', testing: 'testing.ts', views: 'views.ts', manifest: 'manifest.ts',
  ...Object.fromEntries(fs.readdirSync(path.join(SDK, 'contracts')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => [`contracts/${f.slice(0, -3)}`, `contracts/${f}`])),
};
/** Files of the core the harness bundle finds next to itself at run time (`new URL(…, import.meta.url)`). */
const RUNTIME_FILES: Array<{ from: string; to: string }> = [
  { from: 'core/plugins/runner/child.mjs', to: 'lib/child.mjs' },
  { from: 'core/ledger/accounting/data/chart-of-accounts.csv', to: 'lib/data/chart-of-accounts.csv' },
  { from: 'core/ledger/classifications/data', to: 'lib/data' },
  { from: 'core/ledger/assets/data/useful-lives.csv', to: 'lib/data/useful-lives.csv' },
  { from: 'core/ledger/assets/data/asset-accounts.csv', to: 'lib/data/asset-accounts.csv' },
];
/** `new URL()` targets of the bundled core that the harness never needs (the web app it does not serve). */
const NOT_SHIPPED = new Set(['../../web/dist']);
/** Packages loaded lazily (`await import()`) that stay required all the same: the test runner of `unibudget-plugin test`. */
const REQUIRED_LAZY = new Set(['vitest']);

const packageName = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);

/** npm packages stay external (they become dependencies); the SDK's own subpaths are bundled from source. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || args.path === '@unibudget/sdk' || args.path.startsWith('@unibudget/sdk/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

export interface BuiltPackage {
  dir: string;
  manifest: Record<string, unknown>;
  files: string[];
}

export async function buildSdkPackage(outDir: string): Promise<BuiltPackage> {
  const out = path.resolve(outDir);
  if (out === SDK || `${SDK}${path.sep}`.startsWith(`${out}${path.sep}`)) throw new Error(`refusing to build into ${out}: it holds the sources`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'lib'), { recursive: true });

  // 1. JavaScript: one self-contained ESM bundle per entry (no shared chunks: each entry's
  //    `import.meta.url` is its own file, next to lib/child.mjs and lib/data/).
  const common: BuildOptions = {
    bundle: true, platform: 'node', format: 'esm', target: 'node20', charset: 'utf8', legalComments: 'none', logLevel: 'warning',
    metafile: true, plugins: [externalPackages], outbase: SDK, outdir: path.join(out, 'lib'), absWorkingDir: ROOT,
  };
  const libraries = await build({ ...common, entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(SDK, file)])) });
  const cli = await build({ ...common, entryPoints: { cli: path.join(SDK, 'cli.ts') }, banner: { js: '#!/usr/bin/env node' } });
  fs.chmodSync(path.join(out, 'lib', 'cli.js'), 0o755);

  // 2. What the bundles load at run time beside themselves.
  for (const { from, to } of RUNTIME_FILES) fs.cpSync(path.join(ROOT, from), path.join(out, to), { recursive: true });

  // 3. Dependencies: every external package of the bundles (and of the runner child), pinned as in the root package.json.
  const imports = new Map<string, 'static' | 'lazy'>();
  const collect = (metafile: Metafile) => {
    for (const output of Object.values(metafile.outputs)) {
      for (const imp of output.imports) {
        if (!imp.external || imp.path.startsWith('node:') || isBuiltin(imp.path)) continue;
        const name = packageName(imp.path);
        if (imp.kind === 'dynamic-import' && !REQUIRED_LAZY.has(name)) {
          if (!imports.has(name)) imports.set(name, 'lazy');
        } else imports.set(name, 'static');
      }
    }
  };
  collect(libraries.metafile!);
  collect(cli.metafile!);
  const child = fs.readFileSync(path.join(out, 'lib', 'child.mjs'), 'utf8');
  for (const m of child.matchAll(/^\s*import\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    if (!m[1]!.startsWith('.') && !m[1]!.startsWith('node:') && !isBuiltin(m[1]!)) imports.set(packageName(m[1]!), 'static');
  }
  const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const pinned = { ...root.devDependencies, ...root.dependencies };
  const dependencies: Record<string, string> = {};
  const peerDependencies: Record<string, string> = {};
  for (const [name, how] of [...imports].sort(([a], [b]) => a.localeCompare(b))) {
    const version = pinned[name];
    if (!version) throw new Error(`the SDK bundle imports ${name}, which the root package.json does not pin`);
    (how === 'static' ? dependencies : peerDependencies)[name] = version;
  }
  const indexImports = Object.values(libraries.metafile!.outputs).find((o) => o.entryPoint === 'sdk/index.ts')?.imports ?? [];
  if (indexImports.length) throw new Error(`lib/index.js must be dependency-free (it is bundled into plugin sandboxes); it imports ${indexImports.map((i) => i.path).join(', ')}`);

  // 4. Files next to the bundle that the core reads through `new URL(…, import.meta.url)`: all shipped.
  for (const file of fs.readdirSync(path.join(out, 'lib'), { recursive: true }) as string[]) {
    if (!file.endsWith('.js')) continue;
    const text = fs.readFileSync(path.join(out, 'lib', file), 'utf8');
    for (const m of text.matchAll(/new URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
      const target = m[1]!;
      if (NOT_SHIPPED.has(target.replace(/\/$/, '')) || target.includes('${')) continue;
      if (!fs.existsSync(path.join(out, 'lib', path.dirname(file), target))) throw new Error(`lib/${file} reads ${target} beside itself, which the package does not ship (add it to RUNTIME_FILES)`);
    }
  }

  // 5. Declarations: emitted from the sources without a full type check (tsc --noCheck); none may reach into core/.
  emitDeclarations(path.join(out, 'lib'));

  // 6. The manifest and the guide.
  const own = JSON.parse(fs.readFileSync(path.join(SDK, 'package.json'), 'utf8')) as Record<string, unknown>;
  const entry = (name: string) => ({ types: `./lib/${name}.d.ts`, default: `./lib/${name}.js` });
  const manifest: Record<string, unknown> = {
    name: own.name, version: own.version, description: own.description, license: own.license, type: 'module', engines: own.engines,
    exports: {
      '.': entry('index'), './testing': entry('testing'), './views': entry('views'), './manifest': entry('manifest'),
      './contracts/*': entry('contracts/*'), './package.json': './package.json',
    },
    types: './lib/index.d.ts',
    bin: { 'unibudget-plugin': './lib/cli.js' },
    dependencies,
    ...(Object.keys(peerDependencies).length ? {
      peerDependencies,
      peerDependenciesMeta: Object.fromEntries(Object.keys(peerDependencies).map((name) => [name, { optional: true }])),
    } : {}),
  };
  fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.copyFileSync(path.join(SDK, 'README.md'), path.join(out, 'README.md'));
  const files = (fs.readdirSync(out, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(out, f)).isFile()).sort();
  return { dir: out, manifest, files };
}

const BUILTINS = new Set(builtinModules);
const isBuiltin = (specifier: string) => BUILTINS.has(specifier.split('/')[0]!);

function emitDeclarations(libDir: string): void {
  const configFile = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = {
    ...parsed.options, noEmit: false, declaration: true, emitDeclarationOnly: true, noCheck: true, rootDir: ROOT, outDir: path.join(libDir, '.tsc'),
    incremental: false, composite: false, sourceMap: false, declarationMap: false,
  };
  // The harness's imports of the core are left unresolved: its public types never mention the
  // core (checked below), and the program stays the SDK's own files (seconds, not the whole core).
  const host = ts.createCompilerHost(options);
  const coreDir = path.join(ROOT, 'core') + path.sep;
  host.resolveModuleNameLiterals = (literals, containingFile, _redirect, compilerOptions) => literals.map((literal) => {
    if (literal.text.startsWith('.') && path.resolve(path.dirname(containingFile), literal.text).startsWith(coreDir)) return { resolvedModule: undefined };
    return ts.resolveModuleName(literal.text, containingFile, compilerOptions, host);
  });
  const program = ts.createProgram({ rootNames: Object.values(ENTRIES).map((f) => path.join(SDK, f)), options, host });
  const sdkOut = path.join(libDir, '.tsc', 'sdk') + path.sep;
  const problems: string[] = [];
  const result = program.emit(undefined, (fileName, text) => {
    if (!fileName.startsWith(sdkOut) || fileName.slice(sdkOut.length).startsWith(`scripts${path.sep}`)) return;
    const relative = fileName.slice(sdkOut.length);
    for (const m of text.matchAll(/(?:from\s+|import\(\s*)['"]([^'"]+)['"]/g)) {
      const spec = m[1]!;
      if (spec.startsWith('.') && !path.resolve(path.dirname(path.join(SDK, relative)), spec).startsWith(SDK)) problems.push(`${relative} → ${spec}`);
    }
    const target = path.join(libDir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }, undefined, true);
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) throw new Error(`declarations: ${ts.formatDiagnostics(errors.slice(0, 5), { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' })}`);
  if (problems.length) throw new Error(`the SDK's public types may not reach outside sdk/ (the package does not ship it): ${problems.join(', ')}`);
  for (const entryName of Object.keys(ENTRIES)) {
    if (!fs.existsSync(path.join(libDir, `${entryName}.d.ts`))) throw new Error(`no declarations for ${entryName}`);
  }
}

const isProgram = process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isProgram) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const started = Date.now();
  buildSdkPackage(values.out ?? path.join(SDK, 'dist')).then(
    (built) => console.log(`@unibudget/sdk ${String(built.manifest.version)}: ${built.files.length} files in ${built.dir} (${Date.now() - started} ms)\n` +
      `dependencies: ${Object.entries(built.manifest.dependencies as Record<string, string>).map(([n, v]) => `${n}@${v}`).join(', ')}\n` +
      `pack it: npm pack ${path.relative(process.cwd(), built.dir) || '.'}`),
    (error) => { console.error(error instanceof Error ? error.message : error); process.exit(1); },
  );
}
