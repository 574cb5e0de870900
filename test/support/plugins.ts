import { expect } from 'vitest';
import { makeBundle, type Bundle } from '../../sdk/bundle.js';
import type { ManifestInput } from '../../sdk/manifest.js';
import { hostOf, type PluginHost, type PluginLimits } from '../../core/plugins/host.js';
import { createTestEnv, type TestEnv } from './kernel.js';

export interface PluginTestEnv extends TestEnv {
  host: PluginHost;
  install(bundle: Bundle): Promise<void>;
  enable(unitId: string, pluginId: string, grants: string[], extra?: Record<string, unknown>): Promise<void>;
  /** Installs a plugin from its source and enables it in the given units with every permission it requests. */
  plugin(id: string, source: string, manifest?: Partial<ManifestInput>, units?: string[], extra?: Record<string, unknown>): Promise<void>;
}

/**
 * A plugin's source is the body of a function returning its definition (what `definePlugin()`
 * exports); this wraps it the way the SDK's build does (an IIFE assigning `__plugin`).
 */
export function pluginCode(source: string): string {
  return `var __plugin = (function () {\n${source}\n})();`;
}

export function testManifest(id: string, extra: Partial<ManifestInput> = {}): ManifestInput {
  const manifest: ManifestInput = {
    id, name: { zh: `测试插件 ${id}`, en: `Test plugin ${id}` }, version: '1.0.0', engine: '^1.0.0', author: 'unibudget tests',
    permissions: ['ledger.read', 'storage', 'events', 'validators', 'notify', 'realtime', 'routes', 'views', 'log'],
    ...extra,
  };
  if (!manifest.collections && manifest.permissions?.includes('storage')) manifest.collections = [{ name: 'docs', indexes: ['kind'] }];
  return manifest;
}

export function testBundle(id: string, source: string, manifest: Partial<ManifestInput> = {}): Bundle {
  return makeBundle(testManifest(id, manifest) as Record<string, unknown>, pluginCode(source));
}

export const TEST_LIMITS: Partial<PluginLimits> = { timeoutMs: 400, validatorTimeoutMs: 400, memoryMb: 32, breakerThreshold: 3, maxHostCalls: 200 };

export async function createPluginEnv(limits: Partial<PluginLimits> = TEST_LIMITS): Promise<PluginTestEnv> {
  const env = await createTestEnv();
  const host = hostOf(env.kernel, limits);
  const sys = await env.login('sysadmin');
  const trust = await env.call('PUT', '/api/plugins/trust', { token: sys, body: { allowUnsigned: true } });
  expect(trust.status).toBe(200);
  const install = async (bundle: Bundle) => {
    const result = await env.call('POST', '/api/plugins', { token: sys, body: bundle });
    expect(result.status, JSON.stringify(result.body)).toBe(201);
  };
  const enable = async (unitId: string, pluginId: string, grants: string[], extra: Record<string, unknown> = {}) => {
    const result = await env.call('POST', `/api/units/${unitId}/plugins/${pluginId}/enable`, { token: await env.login(`${unitId}.admin`), body: { grants, ...extra } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
  };
  return {
    ...env,
    host,
    install,
    enable,
    async plugin(id, source, manifest = {}, units = ['a'], extra = {}) {
      const bundle = testBundle(id, source, manifest);
      await install(bundle);
      for (const unitId of units) await enable(unitId, id, (bundle.manifest as { permissions: string[] }).permissions, extra);
    },
  };
}

/** Polls `check` every 25 ms until it holds; throws once `timeoutMs` has passed without it. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
