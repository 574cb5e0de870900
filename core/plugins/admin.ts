import type { Kernel } from '../kernel.js';
import { runCommand } from '../db/command.js';
import type { AuditActor } from '../audit/service.js';
import { hostOf } from './host.js';
import * as packages from './service.js';
import * as units from './units.js';

/**
 * Plugin administration for callers that are not requests (the CLI, demo seeding, the SDK test
 * harness, benchmarks): each runs its command through runCommand, the one place a command's
 * transaction is opened, as the HTTP routes do.
 */

export async function installBundle(kernel: Kernel, by: AuditActor, raw: unknown) {
  return runCommand(kernel, (tx) => packages.installBundle(tx, by, raw));
}

export async function updateTrust(kernel: Kernel, by: AuditActor, input: packages.TrustInput) {
  return runCommand(kernel, (tx) => packages.updateTrust(tx, by, input));
}

/** Enables a plugin in a unit: its migration runs first, outside the transaction (units.ts prepareEnable). */
export async function enable(kernel: Kernel, by: AuditActor, unitId: string, pluginId: string, input: units.EnableInput) {
  const host = hostOf(kernel);
  const plan = await units.prepareEnable(kernel.db, host, unitId, pluginId, input);
  return runCommand(kernel, (tx) => units.enable(tx, by, unitId, plan, host));
}

/** Reads, for the same callers. */
export { enabledIn } from './units.js';
