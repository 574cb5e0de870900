import type { HostPermission } from '../../sdk/manifest.js';

/** A plugin as one unit has it: the version, its state there, what the unit granted and chose. */
export interface Enablement {
  unitId: string;
  pluginId: string;
  version: string;
  state: 'enabled' | 'disabled' | 'tripped';
  grants: HostPermission[];
  settings: Record<string, unknown>;
  failMode: 'open' | 'closed';
  faults: number;
}

export function enablementOf(row: {
  unit_id: string; plugin_id: string; version: string; state: Enablement['state']; grants: string; settings: string; fail_mode: 'open' | 'closed'; faults: number;
}): Enablement {
  return {
    unitId: row.unit_id, pluginId: row.plugin_id, version: row.version, state: row.state,
    grants: JSON.parse(row.grants), settings: JSON.parse(row.settings), failMode: row.fail_mode, faults: row.faults,
  };
}
