import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import type { Kernel } from '../kernel.js';
import { SYSTEM_ACTOR } from '../audit/service.js';
import { buildPlugin, validateBundle } from '../../sdk/build.js';
import { makeBundle } from '../../sdk/bundle.js';
import { manifestSchema } from '../../sdk/manifest.js';
import { hostOf } from '../plugins/host.js';
import { enable, enabledIn, installBundle, updateTrust } from '../plugins/admin.js';
import { seedCollabDemo } from './collab-demo.js';

/** Where first-party plugins live: every folder with a manifest.json under plugins/. */
export const FIRST_PARTY_DIR = fileURLToPath(new URL('../../plugins/', import.meta.url));

/**
 * The publisher the demo's first-party bundles are signed by. Its ed25519 key pair is made fresh
 * at each seeding, the public half trusted like any publisher the admin adds, and the private half
 * never stored: the demo keeps the production rule that unsigned bundles are refused, and a bundle
 * changed after seeding would not verify.
 */
export const DEMO_PUBLISHER = 'unibudget-first-party-demo';

/** The demo enables these for its units, with every permission they request. */
export const DEMO_ENABLED: Record<string, string[]> = { a: ['hello-budget', 'analytics', 'collab', 'performance', 'policy'], b: ['collab', 'performance'] };

/**
 * A scheduled job the demo runs once right after it enables the plugin in a unit, so its views show
 * the demo's ledger at once. analytics builds its state in its nightly full scan (its migration does
 * not scan: a failed migration would refuse the enable); until then its views would be empty.
 */
export const DEMO_FIRST_RUN: Record<string, string> = { analytics: 'nightly-recompute', performance: 'monitor' };

/**
 * Settings the demo enables a plugin with (else its defaults). performance's `demoData` makes its first
 * run write a year of example targets, values and evaluations for the demo's projects.
 */
export const DEMO_SETTINGS: Record<string, Record<string, unknown>> = { performance: { demoData: true } };

/**
 * Demo content a plugin's own routes write right after the demo enables it in a unit (as demo users,
 * through the sandbox): collab's threads, a closed joint review and an open consultation.
 */
export const DEMO_SCRIPTS: Record<string, (kernel: Kernel, unitId: string) => Promise<string[]>> = { collab: seedCollabDemo };

export interface DemoPluginsReport {
  installed: string[];
  alreadyInstalled: string[];
  enabled: string[];
  /** `unit:plugin:job` of the first runs made at enable (DEMO_FIRST_RUN). */
  firstRuns: string[];
  upgraded: string[];
  failed: Array<{ dir: string; reason: string }>;
}

/** Plugin folders under `dir`, in a stable order. */
export function firstPartyFolders(dir = FIRST_PARTY_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'manifest.json')))
    .map((d) => path.join(dir, d.name))
    .sort();
}

/**
 * Builds every first-party plugin, installs the versions not yet installed (signed by the demo
 * publisher) and enables the demo's choice in each demo unit that has never had it. Safe to run
 * on every `start --demo`: a plugin the admin disabled stays disabled, and a plugin that does not
 * build (a folder being written) is reported and skipped rather than stopping the demo.
 */
export async function seedDemoPlugins(
  kernel: Kernel,
  options: { dir?: string; enable?: Record<string, string[]>; log?: (line: string) => void } = {},
): Promise<DemoPluginsReport> {
  const report: DemoPluginsReport = { installed: [], alreadyInstalled: [], enabled: [], firstRuns: [], upgraded: [], failed: [] };
  const folders = firstPartyFolders(options.dir);
  const wanted = options.enable ?? DEMO_ENABLED;
  // Only where a demo unit exists (by id): a database without one installs nothing.
  const demoUnits = await kernel.db.selectFrom('units').select('id').where('id', 'in', Object.keys(wanted).length ? Object.keys(wanted) : ['a']).execute();
  if (folders.length === 0 || demoUnits.length === 0) return report;
  const manifests = new Map<string, ReturnType<typeof manifestSchema.parse>>();
  const toInstall: Array<{ dir: string; manifest: Record<string, unknown>; code: string; key: string }> = [];
  for (const dir of folders) {
    try {
      const built = await buildPlugin(dir);
      const checked = validateBundle(makeBundle(built.manifest, built.code));
      if (!checked.ok) throw new Error(checked.problems.join('; '));
      const manifest = manifestSchema.parse(built.manifest);
      manifests.set(manifest.id, manifest);
      const key = `${manifest.id}@${manifest.version}`;
      const exists = await kernel.db.selectFrom('plugin_packages').select('id').where('plugin_id', '=', manifest.id).where('version', '=', manifest.version).executeTakeFirst();
      if (exists) report.alreadyInstalled.push(key);
      else toInstall.push({ dir, manifest: built.manifest, code: built.code, key });
    } catch (error) {
      report.failed.push({ dir: path.basename(dir), reason: (error as Error).message.slice(0, 500) });
    }
  }
  if (toInstall.length) {
    // A key pair only when there is something to sign: a restart with nothing new changes no trust.
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const signer = { publisher: DEMO_PUBLISHER, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    await updateTrust(kernel, SYSTEM_ACTOR, { addPublisher: { name: DEMO_PUBLISHER, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
    for (const item of toInstall) {
      try {
        await installBundle(kernel, SYSTEM_ACTOR, makeBundle(item.manifest, item.code, signer));
        report.installed.push(item.key);
      } catch (error) {
        manifests.delete(String(item.manifest.id));
        report.failed.push({ dir: path.basename(item.dir), reason: (error as Error).message.slice(0, 500) });
      }
    }
  }
  for (const [unitId, pluginIds] of Object.entries(wanted)) {
    const unit = await kernel.db.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst();
    if (!unit) continue;
    for (const pluginId of pluginIds) {
      const manifest = manifests.get(pluginId);
      if (!manifest) continue;
      const seen = await kernel.db.selectFrom('plugin_units').select(['state', 'version', 'grants', 'settings']).where('unit_id', '=', unitId).where('plugin_id', '=', pluginId).executeTakeFirst();
      if (seen) {
        // A demo database from an earlier release moves to the new first-party version, keeping what
        // the admin chose (grants, settings); a plugin the admin disabled stays as it is.
        if (seen.state !== 'enabled' || !semver.gt(manifest.version, seen.version)) continue;
        try {
          const kept = (JSON.parse(seen.grants) as string[]).filter((g): g is typeof manifest.permissions[number] => (manifest.permissions as string[]).includes(g));
          await enable(kernel, SYSTEM_ACTOR, unitId, pluginId, { grants: kept, settings: JSON.parse(seen.settings), version: manifest.version });
          report.upgraded.push(`${unitId}:${pluginId}@${seen.version}→${manifest.version}`);
        } catch (error) {
          report.failed.push({ dir: pluginId, reason: `upgrade in ${unitId}: ${(error as Error).message.slice(0, 500)}` });
        }
        continue;
      }
      try {
        await enable(kernel, SYSTEM_ACTOR, unitId, pluginId, { grants: manifest.permissions, ...(DEMO_SETTINGS[pluginId] ? { settings: DEMO_SETTINGS[pluginId] } : {}) });
        report.enabled.push(`${unitId}:${pluginId}`);
        const job = DEMO_FIRST_RUN[pluginId];
        if (job && manifest.schedule.some((j) => j.name === job)) {
          // Under the job's own time budget, as the scheduler would run it; a failure leaves the plugin enabled.
          const reply = await hostOf(kernel).invoke(await enabledIn(kernel.db, unitId, pluginId), 'schedule', job, { scheduledAt: new Date().toISOString() });
          if (reply.ok) report.firstRuns.push(`${unitId}:${pluginId}:${job}`);
          else report.failed.push({ dir: pluginId, reason: `first run of ${job} in ${unitId}: ${reply.error.code}: ${reply.error.message}`.slice(0, 500) });
        }
        const script = DEMO_SCRIPTS[pluginId];
        if (script) {
          // Demo content is a nicety: a failure leaves the plugin enabled and is reported.
          try {
            report.firstRuns.push(...(await script(kernel, unitId)).map((line) => `${pluginId} ${line}`));
          } catch (error) {
            report.failed.push({ dir: pluginId, reason: `demo content in ${unitId}: ${(error as Error).message}`.slice(0, 500) });
          }
        }
      } catch (error) {
        report.failed.push({ dir: pluginId, reason: `enable in ${unitId}: ${(error as Error).message.slice(0, 500)}` });
      }
    }
  }
  const log = options.log;
  if (log) {
    if (report.installed.length) log(`First-party plugins installed (signed by ${DEMO_PUBLISHER}): ${report.installed.join(', ')}`);
    if (report.enabled.length) log(`Plugins enabled: ${report.enabled.join(', ')}`);
    if (report.upgraded.length) log(`Plugins upgraded: ${report.upgraded.join(', ')}`);
    if (report.firstRuns.length) log(`First runs at enable: ${report.firstRuns.join(', ')}`);
    for (const f of report.failed) log(`First-party plugin ${f.dir} skipped: ${f.reason}`);
  }
  return report;
}
