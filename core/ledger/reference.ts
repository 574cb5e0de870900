import type { Tx } from '../db/connection.js';
import { ensureStandards } from './rules/service.js';

/** Reference data a fiscal year needs before anything is booked in it: the expenditure standards. */
export async function ensureReferenceData(tx: Tx, year: number): Promise<void> {
  await ensureStandards(tx, year);
}
