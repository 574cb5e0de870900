/**
 * 三公经费: the one list. Every place that asks "is this 三公?" (caps, the approval tier, the
 * no-transfer-into-三公 rule, the classification attributes, the disclosure and final-accounts tables)
 * reads it from here; test/architecture fails if a second list of these codes appears.
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

export function threePublicItem(economicCode: string): ThreePublicItem | null {
  return (THREE_PUBLIC_ITEMS as Record<string, ThreePublicItem>)[economicCode] ?? null;
}
