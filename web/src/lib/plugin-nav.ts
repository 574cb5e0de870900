import { get } from './api.js';
import { lang } from './i18n.js';
import type { Localized, UnitPlugin } from './types.js';

/** `quarantined`: the plugin runs nowhere until the system administrator releases it; its pages say so. */
export interface PluginNavItem { pluginId: string; viewId: string; title: Localized; pluginName: Localized; href: string; quarantined: boolean }

/**
 * The plugin pages a person sees in a unit: views of plugins enabled there with the `views`
 * permission granted. Listing them needs `plugin.read` in the unit (the permission the view route
 * itself checks): without it the list fails and no plugin page shows. Views placed on a core
 * screen (payment, project, budget request, transfer detail, the cockpit) belong there, not to the navigation.
 */
export async function loadPluginNav(unitId: string): Promise<PluginNavItem[]> {
  let plugins: UnitPlugin[];
  try {
    plugins = await get<UnitPlugin[]>(`/api/units/${encodeURIComponent(unitId)}/plugins`);
  } catch {
    return [];
  }
  return plugins
    .filter((p) => p.state === 'enabled' && p.grants.includes('views'))
    .flatMap((p) => p.views
      .filter((v) => v.placement === 'page' || v.placement === 'dashboard' || v.placement === undefined)
      .map((v) => ({ pluginId: p.pluginId, viewId: v.id, title: v.title, pluginName: p.name, href: `/plugins/${p.pluginId}/${v.id}`, quarantined: p.quarantined === true })));
}

export const navTitle = (item: PluginNavItem) => (lang() === 'en' ? item.title.en : item.title.zh);

/** How long a unit's list of openable plugin pages is reused by link actions before it is asked again. */
const PAGES_TTL_MS = 30_000;
const pagesMemo = new Map<string, { at: number; pages: Promise<PluginNavItem[]> }>();

/**
 * The plugin pages the reader may open in the unit (the navigation's list, `loadPluginNav`), reused
 * for a short while: a view's link actions (view specs, host API 1.1.0) show only toward these.
 */
export function openablePluginPages(unitId: string, now = Date.now()): Promise<PluginNavItem[]> {
  const memo = pagesMemo.get(unitId);
  if (memo && now - memo.at < PAGES_TTL_MS) return memo.pages;
  const pages = loadPluginNav(unitId).then((items) => items.filter((i) => !i.quarantined));
  pagesMemo.set(unitId, { at: now, pages });
  return pages;
}

/** Forgets the lists (a plugin enabled or disabled, another user signed in). */
export function forgetPluginPages(): void {
  pagesMemo.clear();
}
