/**
 * 三公经费: the one list, shared by the core (core/ledger/three-public.ts re-exports it: caps, the
 * approval tier, the no-transfer-into-三公 rule, the classification attributes, the disclosure and
 * final-accounts tables), the web app and plugins (`@unibudget/sdk` exports it). Plain data, no
 * dependencies: it is bundled into plugin code. test/architecture fails if a second list appears.
 *
 * Source: 财政部《2026年政府收支分类科目》支出经济分类 — 30212 因公出国（境）费用, 30217 公务接待费,
 * 30231 公务用车运行维护费, 31013 公务用车购置 (资本性支出) and 30913 公务用车购置 (资本性支出（基本建设）).
 */
export type ThreePublicItem = 'abroad' | 'reception' | 'vehicle_operation' | 'vehicle_purchase';

export const THREE_PUBLIC_ITEMS = {
  '30212': 'abroad',
  '30217': 'reception',
  '30231': 'vehicle_operation',
  '31013': 'vehicle_purchase',
  '30913': 'vehicle_purchase',
} as const satisfies Record<string, ThreePublicItem>;

export type ThreePublicCode = keyof typeof THREE_PUBLIC_ITEMS;
export const THREE_PUBLIC_CODE_LIST = Object.keys(THREE_PUBLIC_ITEMS) as [ThreePublicCode, ...ThreePublicCode[]];
export const THREE_PUBLIC_CODES: ReadonlySet<string> = new Set(THREE_PUBLIC_CODE_LIST);

/** Which of the three an economic code counts under, or null when it is not 三公. */
export function threePublicItem(economicCode: string): ThreePublicItem | null {
  return (THREE_PUBLIC_ITEMS as Record<string, ThreePublicItem>)[economicCode] ?? null;
}

export const isThreePublic = (economicCode: string): boolean => THREE_PUBLIC_CODES.has(economicCode);
