// Builds the web app: web/src/main.ts → web/dist (ES modules, code splitting so ECharts is a
// separate chunk loaded only by the cockpit). Prints the gzipped size of the shell (the entry and
// every chunk it imports statically) and fails above 250 KB gzip.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const SHELL_LIMIT = 250 * 1024;

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });

const result = await esbuild.build({
  entryPoints: { main: path.join(here, 'src/main.ts') },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  outdir: path.join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  metafile: true,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  tsconfig: path.join(here, 'tsconfig.json'),
  logLevel: 'warning',
});

const outputs = result.metafile.outputs;
const entry = Object.keys(outputs).find((f) => outputs[f].entryPoint?.endsWith('src/main.ts'));
if (!entry) throw new Error('no entry output');

// The shell: the entry plus everything it imports statically (not the dynamic imports).
const shell = new Set();
const walk = (file) => {
  if (shell.has(file)) return;
  shell.add(file);
  for (const imp of outputs[file].imports) if (imp.kind === 'import-statement') walk(imp.path);
};
walk(entry);

const gz = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let shellRaw = 0;
let shellGz = 0;
for (const f of shell) {
  shellRaw += outputs[f].bytes;
  shellGz += gz(f);
}
const lazy = Object.keys(outputs).filter((f) => !shell.has(f) && f.endsWith('.js'));
let lazyGz = 0;
for (const f of lazy) lazyGz += gz(f);

const entryUrl = '/' + path.relative(dist, entry).split(path.sep).join('/');
const html = fs
  .readFileSync(path.join(here, 'index.html'), 'utf8')
  .replace('__ENTRY__', entryUrl);
fs.writeFileSync(path.join(dist, 'index.html'), html);
fs.copyFileSync(path.join(here, 'favicon.svg'), path.join(dist, 'favicon.svg'));

// The user guides (docs/guide/*.md, opened by the help menu at /guide/<role>.md) and the screenshots they show.
const guideSrc = path.join(here, '..', 'docs', 'guide');
if (fs.existsSync(guideSrc)) {
  fs.mkdirSync(path.join(dist, 'guide'), { recursive: true });
  for (const file of fs.readdirSync(guideSrc).filter((f) => f.endsWith('.md'))) {
    const text = fs.readFileSync(path.join(guideSrc, file), 'utf8');
    fs.writeFileSync(path.join(dist, 'guide', file), text);
    for (const [, name] of text.matchAll(/\]\(\.\.\/screenshots\/([\w.-]+\.png)\)/g)) {
      const from = path.join(here, '..', 'docs', 'screenshots', name);
      if (!fs.existsSync(from)) continue;
      fs.mkdirSync(path.join(dist, 'screenshots'), { recursive: true });
      fs.copyFileSync(from, path.join(dist, 'screenshots', name));
    }
  }
}

console.log(`web: shell ${kb(shellRaw)} raw, ${kb(shellGz)} gzip (limit ${kb(SHELL_LIMIT)}), ${shell.size} file(s)`);
console.log(`web: lazy chunks (cockpit charts) ${lazy.length} file(s), ${kb(lazyGz)} gzip`);
if (shellGz > SHELL_LIMIT) {
  console.error(`web: the shell is ${kb(shellGz)} gzip, above the ${kb(SHELL_LIMIT)} limit`);
  process.exit(1);
}
