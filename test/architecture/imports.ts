import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The import graph of the repository's own source, read from the text of each file: every
 * `import … from`, `export … from` and `import('…')` with a relative specifier, resolved to a file.
 * Package imports (`hono`, `@unibudget/sdk`) are kept as edges to their package name.
 */
export interface ImportEdge {
  from: string;
  /** A repository-relative file, or the package name for a bare specifier. */
  to: string;
  typeOnly: boolean;
}

const SOURCE = /\.(ts|mts|mjs|js)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'data', 'coverage']);

export function listSources(root: string, folders: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (SKIP_DIRS.has(name)) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, full));
    }
  };
  for (const folder of folders) if (existsSync(join(root, folder))) walk(join(root, folder));
  return out.sort();
}

const IMPORT_RE = /(?:^|[\n;])\s*(import|export)\s+(type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function resolveRelative(root: string, fromFile: string, spec: string): string | null {
  const base = resolve(root, dirname(fromFile), spec);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')];
  for (const candidate of candidates) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(root, candidate);
  }
  return null;
}

export function importsOf(root: string, file: string): ImportEdge[] {
  const text = stripComments(readFileSync(join(root, file), 'utf8'));
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(IMPORT_RE)) {
    const spec = match[3] ?? match[4];
    if (!spec) continue;
    const typeOnly = Boolean(match[2]);
    if (spec.startsWith('.')) {
      const to = resolveRelative(root, file, spec);
      if (to) edges.push({ from: file, to, typeOnly });
    } else {
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      edges.push({ from: file, to: spec.startsWith('node:') ? 'node' : name, typeOnly });
      if (name === '@unibudget/sdk') edges[edges.length - 1]!.to = spec;
    }
  }
  return edges;
}

/** Strongly connected components with more than one file (Tarjan): each is an import cycle. */
export function cyclesOf(files: string[], edges: ImportEdge[]): string[][] {
  const adjacency = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const edge of edges) if (adjacency.has(edge.to)) adjacency.get(edge.from)?.push(edge.to);
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    indexOf.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of adjacency.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
    }
    if (low.get(node) === indexOf.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (adjacency.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const file of files) if (!indexOf.has(file)) visit(file);
  return cycles;
}
