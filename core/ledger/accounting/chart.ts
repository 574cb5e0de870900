import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AccountingTrack } from '../../db/schema.js';

/**
 * The chart of accounts (会计科目表) of 政府会计制度——行政事业单位会计科目和报表 (财会〔2017〕25号):
 * 财务会计 1xxx assets, 2xxx liabilities, 3xxx net assets, 4xxx revenue, 5xxx expenses;
 * 预算会计 6xxx budget revenue, 7xxx budget expenditure, 8xxx budget balances (8001 资金结存 with its
 * three sub-accounts). Kept as a data file (data/chart-of-accounts.csv) beside this loader.
 */
export interface Account {
  code: string;
  name: string;
  track: AccountingTrack;
  category: string;
  /** The side the balance normally sits on. */
  normal: 'debit' | 'credit';
  /** 4-digit parent of a 6-digit sub-account (800101 → 8001). */
  parent: string | null;
  /** Only leaf accounts take postings (8001 is the sum of 800101/800102/800103). */
  postable: boolean;
}

function loadChart(): Account[] {
  const file = fileURLToPath(new URL('./data/chart-of-accounts.csv', import.meta.url));
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows = lines.slice(1).map((line) => {
    const [code, name, track, category, normal] = line.split(',').map((c) => c.trim());
    if (!code || !name || (track !== 'financial' && track !== 'budgetary') || !category || (normal !== 'debit' && normal !== 'credit')) {
      throw new Error(`chart of accounts: bad row ${line}`);
    }
    return { code, name, track, category, normal, parent: code.length > 4 ? code.slice(0, 4) : null, postable: true } as Account;
  });
  for (const account of rows) if (rows.some((r) => r.parent === account.code)) account.postable = false;
  return rows;
}

export const CHART: readonly Account[] = loadChart();
export const ACCOUNTS: ReadonlyMap<string, Account> = new Map(CHART.map((a) => [a.code, a]));

export function accountName(code: string): string {
  return ACCOUNTS.get(code)?.name ?? code;
}

export function assertPostable(code: string, track: AccountingTrack): void {
  const account = ACCOUNTS.get(code);
  if (!account || !account.postable || account.track !== track) throw new Error(`account ${code} cannot take a ${track} posting`);
}
