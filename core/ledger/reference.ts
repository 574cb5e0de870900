import type { Kernel } from '../kernel.js';
import { runCommand } from '../db/command.js';
import { ensureClassifications } from './classifications/service.js';
import { ensureStandards } from './rules/service.js';

/**
 * Reference data a fiscal year needs before anything is booked in it: the national classification
 * sets and the expenditure standards. Idempotent; run at start for the current year, by the system
 * (no person acts), each set in a transaction of its own.
 */
export async function ensureReferenceData(kernel: Kernel, year: number): Promise<void> {
  await ensureClassifications(kernel, year);
  await runCommand(kernel, (tx) => ensureStandards(tx, year));
}
