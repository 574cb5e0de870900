import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cyclesOf, importsOf, listSources, type ImportEdge } from './imports.js';

/**
 * ARCHITECTURE.md, enforced: the arrows the code may not draw, and no import cycles.
 * The graph is read from the source text (test/architecture/imports.ts), so a new file is covered
 * the moment it exists.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['core', 'sdk', 'web/src', 'web/test', 'plugins', 'test', 'bench', 'bin'];
const files = listSources(ROOT, FOLDERS);
const edges = files.flatMap((file) => importsOf(ROOT, file));

const KERNEL = /^core\/(accounts|audit|backup|db|events|notifications|periods|permissions|units)\/|^core\/(errors|clock|config|kernel|version)\.ts$/;
const isTest = (file: string) => /\.test\.ts$/.test(file) || file.startsWith('test/') || file.startsWith('web/test/');
const isCoreService = (file: string) =>
  file.startsWith('core/') && !isTest(file) && !/\/routes\.ts$/.test(file) && !/^core\/(server|http)\//.test(file) && file !== 'core/cli.ts';

interface Rule {
  name: string;
  forbidden: (edge: ImportEdge) => boolean;
}

const RULES: Rule[] = [
  {
    name: 'plugins import only @unibudget/sdk (never core/, never sdk/ by path)',
    forbidden: ({ from, to }) => from.startsWith('plugins/') && (to.startsWith('core/') || to.startsWith('sdk/') || to.startsWith('web/')),
  },
  {
    name: 'web talks HTTP: it never imports core/ or plugins/',
    forbidden: ({ from, to }) => from.startsWith('web/') && (to.startsWith('core/') || to.startsWith('plugins/') || to.startsWith('sdk/')),
  },
  {
    name: 'web imports only types from the SDK, except the shared contracts',
    forbidden: ({ from, to, typeOnly }) => from.startsWith('web/src/') && to.startsWith('@unibudget/sdk') && !typeOnly && !to.startsWith('@unibudget/sdk/contracts/'),
  },
  {
    name: 'the kernel knows no money and no plugins',
    forbidden: ({ from, to }) => KERNEL.test(from) && !isTest(from) && /^core\/(ledger|plugins|server|demo)\//.test(to),
  },
  {
    name: 'the ledger does not know the plugin host',
    forbidden: ({ from, to }) => from.startsWith('core/ledger/') && !isTest(from) && to.startsWith('core/plugins/'),
  },
  {
    name: 'domain code knows no HTTP (only routes.ts adapters and the server do)',
    forbidden: ({ from, to }) => isCoreService(from) && (to.startsWith('core/http/') || to === 'hono' || to === '@hono/node-server'),
  },
  {
    name: 'nothing in core imports the app assembly back (core/server), but the CLI that starts it',
    forbidden: ({ from, to }) => from.startsWith('core/') && !from.startsWith('core/server/') && from !== 'core/cli.ts' && !isTest(from) && to.startsWith('core/server/'),
  },
  {
    name: 'the SDK does not import core/ (the test harness is bundled with what it needs at pack time)',
    forbidden: ({ from, to }) => from.startsWith('sdk/') && !from.startsWith('sdk/testing') && !isTest(from) && to.startsWith('core/'),
  },
];

describe('architecture', () => {
  for (const rule of RULES) {
    it(rule.name, () => {
      const violations = edges.filter(rule.forbidden).map((e) => `${e.from} → ${e.to}`);
      expect(violations).toEqual([]);
    });
  }

  it('has no import cycles between files', () => {
    const cycles = cyclesOf(files, edges).map((cycle) => cycle.join(' ⇄ '));
    expect(cycles).toEqual([]);
  });

  it('keeps source files under 400 lines, or says why in the first line', () => {
    const long = files
      .filter((file) => !isTest(file) && !file.startsWith('bench/'))
      .map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }))
      .filter(({ text }) => text.split('\n').length > 400 && !/^\/\/ (Over|Long)[^\n]*400 lines/i.test(text))
      .map(({ file }) => file);
    expect(long).toEqual([]);
  });
});
