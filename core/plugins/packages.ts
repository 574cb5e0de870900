import type { Executor } from '../db/connection.js';
import { manifestSchema, type Manifest } from '../../sdk/manifest.js';
import { HostCallError } from './errors.js';

/** An installed plugin version as the host runs it: its checked manifest and its code. */
export interface LoadedPackage {
  pluginId: string;
  version: string;
  /** `pluginId@version`: one isolate each in the runner. */
  key: string;
  manifest: Manifest;
  code: string;
}

/** Installed versions read once from plugin_packages and kept (a version's code never changes). */
export class PackageCache {
  private readonly packages = new Map<string, LoadedPackage>();

  async load(db: Executor, pluginId: string, version: string): Promise<LoadedPackage> {
    const key = `${pluginId}@${version}`;
    const cached = this.packages.get(key);
    if (cached) return cached;
    const row = await db.selectFrom('plugin_packages').select(['manifest', 'code']).where('plugin_id', '=', pluginId).where('version', '=', version).executeTakeFirst();
    if (!row) throw new HostCallError('PLUGIN_NOT_FOUND', `plugin ${key} is not installed`, 404);
    const loaded = { pluginId, version, key, manifest: manifestSchema.parse(JSON.parse(row.manifest)), code: row.code };
    this.packages.set(key, loaded);
    return loaded;
  }

  /** Forgets a plugin's versions (or one); returns the keys forgotten, whose isolates the caller drops. */
  forget(pluginId: string, version?: string): string[] {
    const forgotten: string[] = [];
    for (const key of [...this.packages.keys()]) {
      if (key.startsWith(`${pluginId}@`) && (!version || key === `${pluginId}@${version}`)) {
        this.packages.delete(key);
        forgotten.push(key);
      }
    }
    return forgotten;
  }
}
