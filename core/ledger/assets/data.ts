import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The asset data files beside this loader (see data/README.md for their sources):
 * - useful-lives.csv: asset classes with the 折旧年限 floor of 《政府会计准则第3号——固定资产》应用指南
 *   (财会〔2017〕4号) 表1 and the starting useful life; empty = not depreciated (or, for intangibles,
 *   no floor: 《政府会计准则第4号——无形资产》第十七条).
 * - asset-accounts.csv: economic class (政府收支分类科目 2026) → asset account (财会〔2017〕25号) and class.
 */
export interface AssetClass {
  code: string;
  name: string;
  group: string;
  /** 不低于: a unit may lengthen, never shorten below this; null = no floor. */
  floorMonths: number | null;
  /** Starting useful life; null = the class is not depreciated. */
  defaultMonths: number | null;
}

// Literal URLs: the SDK's package build ships exactly the files the bundled core names (sdk/scripts/build-package.ts).
function csv(url: URL): string[][] {
  const file = fileURLToPath(url);
  return fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').slice(1).map((l) => l.split(',').map((c) => c.trim()));
}

const years = (cell: string | undefined) => (cell ? Number(cell) * 12 : null);

export const ASSET_CLASSES: readonly AssetClass[] = csv(new URL('./data/useful-lives.csv', import.meta.url)).map(([code, name, group, floor, def]) => {
  if (!code || !name || !group) throw new Error(`useful-lives.csv: bad row ${code}`);
  return { code, name, group, floorMonths: years(floor), defaultMonths: years(def) };
});
export const ASSET_CLASS_MAP: ReadonlyMap<string, AssetClass> = new Map(ASSET_CLASSES.map((c) => [c.code, c]));

/** The accounts capital spending may be booked on, with the accumulated depreciation account of each that depreciates. */
export const ASSET_ACCOUNTS = ['1601', '1613', '1701', '1811', '1821'] as const;
export type AssetAccount = (typeof ASSET_ACCOUNTS)[number];
export const ACCUMULATED_ACCOUNT: Partial<Record<AssetAccount, string>> = { '1601': '1602', '1701': '1702' };

/** The classes a card on an account may take: intangibles on 1701, construction on 1613, fixed-asset classes elsewhere. */
export function classFitsAccount(classCode: string, account: string): boolean {
  if (account === '1701') return classCode === 'software';
  if (account === '1613') return classCode === 'construction';
  return classCode !== 'software' && classCode !== 'construction';
}

export const DEFAULT_ASSET_ACCOUNT_MAP: ReadonlyArray<{ economic: string; account: AssetAccount; classCode: string }> = csv(new URL('./data/asset-accounts.csv', import.meta.url)).map(
  ([economic, account, classCode]) => {
    if (!economic || !(ASSET_ACCOUNTS as readonly string[]).includes(account ?? '') || !classCode || !ASSET_CLASS_MAP.has(classCode)) {
      throw new Error(`asset-accounts.csv: bad row ${economic}`);
    }
    return { economic, account: account as AssetAccount, classCode };
  },
);

/** Capital spending: 309 资本性支出（基本建设） and 310 资本性支出. */
export function isCapitalEconomic(economicCode: string): boolean {
  return economicCode.startsWith('309') || economicCode.startsWith('310');
}

/**
 * Where a capital payment goes: the longest matching prefix of the unit's overrides, else of the
 * defaults; the class comes from the default row when the account agrees, else the account's
 * generic class. Null for anything that is not capital spending.
 */
export function assetTargetFor(economicCode: string, overrides: Record<string, string>): { account: AssetAccount; classCode: string } | null {
  if (!isCapitalEconomic(economicCode)) return null;
  const longest = <T extends { economic: string }>(rows: T[]) =>
    rows.filter((r) => economicCode.startsWith(r.economic)).sort((x, y) => y.economic.length - x.economic.length)[0];
  const fallback = longest([...DEFAULT_ASSET_ACCOUNT_MAP]) ?? { economic: '', account: '1601' as AssetAccount, classCode: 'tools' };
  const override = longest(Object.entries(overrides).map(([economic, account]) => ({ economic, account: account as AssetAccount })));
  if (!override || override.economic.length < fallback.economic.length) return { account: fallback.account, classCode: fallback.classCode };
  const account = override.account;
  if (classFitsAccount(fallback.classCode, account) && fallback.account === account) return { account, classCode: fallback.classCode };
  const classCode = account === '1701' ? 'software' : account === '1613' ? 'construction' : account === '1601' ? 'tools' : 'cultural_relics';
  return { account, classCode };
}
