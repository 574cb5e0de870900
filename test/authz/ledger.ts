import type { Expectation } from './common.js';
import { MATRIX as classifications } from './classifications.js';
import { MATRIX as projects } from './projects.js';
import { MATRIX as preparation } from './preparation.js';
import { MATRIX as ledgerCore } from './ledger-core.js';
import { MATRIX as accounting } from './accounting.js';
import { MATRIX as plugins } from './plugins.js';

/** Ledger routes (core/ledger/*), one file per module. */
export const LEDGER_MATRIX: Record<string, Expectation> = { ...classifications, ...projects, ...preparation, ...ledgerCore, ...accounting, ...plugins };
