import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { bundleSchema, makeBundle, sha256Hex, type Bundle } from './bundle.js';
import { engineSatisfied, HOST_API_VERSION, manifestSchema } from './manifest.js';

/**
 * The plugin API this SDK carries (index.ts in the repository, index.js in the published
 * package): what `import … from '@unibudget/sdk'` bundles when the plugin's folder has no
 * @unibudget/sdk of its own to resolve (a folder outside any project, e.g. in a temp directory).
 */
const OWN_PLUGIN_API = ['index.ts', 'index.js'].map((f) => fileURLToPath(new URL(`./${f}`, import.meta.url))).find((f) => fs.existsSync(f));

const sdkFallback: Plugin = {
  name: 'unibudget-sdk-fallback',
  setup(b) {
    b.onResolve({ filter: /^@unibudget\/sdk$/ }, async (args) => {
      if (args.pluginData === 'fallback' || !OWN_PLUGIN_API) return undefined;
      const found = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'fallback' });
      return found.errors.length ? { path: OWN_PLUGIN_API } : found;
    });
  },
};

/**
 * A plugin folder: `manifest.json` and `src/index.ts` (default export: `definePlugin({...})`).
 * The build bundles the source with esbuild into one script that defines `__plugin`; plugin code
 * imports `@unibudget/sdk` (its runtime part is a few helpers, bundled in).
 */
export async function buildPlugin(dir: string): Promise<{ manifest: Record<string, unknown>; code: string }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  const entry = ['src/index.ts', 'src/index.js', 'index.ts'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!entry) throw new Error(`${dir}: no src/index.ts`);
  const result = await build({
    entryPoints: [entry], bundle: true, write: false, format: 'iife', globalName: '__plugin', platform: 'neutral',
    target: 'es2022', charset: 'utf8', legalComments: 'none', logLevel: 'silent', plugins: [sdkFallback],
  });
  const code = result.outputFiles[0]!.text;
  return { manifest, code };
}

export interface ValidationReport {
  ok: boolean;
  problems: string[];
}

/** What the host will check at install, checked before shipping. */
export function validateBundle(raw: unknown, hostVersion = HOST_API_VERSION): ValidationReport {
  const problems: string[] = [];
  const parsed = bundleSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const bundle = parsed.data;
  if (sha256Hex(bundle.code) !== bundle.sha256) problems.push('sha256 does not match the code');
  const manifest = manifestSchema.safeParse(bundle.manifest);
  if (!manifest.success) problems.push(...manifest.error.issues.map((i) => `manifest.${i.path.join('.')}: ${i.message}`));
  else if (!engineSatisfied(manifest.data.engine, hostVersion)) problems.push(`engine ${manifest.data.engine} does not accept host API ${hostVersion}`);
  try {
    new vm.Script(bundle.code);
  } catch (error) {
    problems.push(`code does not parse: ${(error as Error).message}`);
  }
  return { ok: problems.length === 0, problems };
}

/** Builds, validates and writes `<id>-<version>.ubplugin.json`; signs it when a key is given. */
export async function packPlugin(dir: string, outDir: string, signer?: { publisher: string; privateKeyPem: string }): Promise<{ file: string; bundle: Bundle }> {
  const { manifest, code } = await buildPlugin(dir);
  const bundle = makeBundle(manifest, code, signer);
  const report = validateBundle(bundle);
  if (!report.ok) throw new Error(`invalid plugin:\n  ${report.problems.join('\n  ')}`);
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${manifest.id}-${manifest.version}.ubplugin.json`);
  fs.writeFileSync(file, JSON.stringify(bundle));
  return { file, bundle };
}
