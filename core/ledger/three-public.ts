/**
 * 三公经费: the one list. Every place in the core that asks "is this 三公?" (caps, the approval tier,
 * the no-transfer-into-三公 rule, the classification attributes, the disclosure and final-accounts
 * tables) reads it from here. The data itself is the SDK's shared contract
 * (sdk/contracts/three-public.ts: 30212 因公出国（境）费用, 30217 公务接待费, 30231 公务用车运行维护费,
 * 31013 and 30913 公务用车购置, per 《2026年政府收支分类科目》支出经济分类), so the web app and plugins
 * read the same list; test/architecture fails if a second list of these codes appears.
 */
export {
  THREE_PUBLIC_ITEMS, THREE_PUBLIC_CODE_LIST, THREE_PUBLIC_CODES, threePublicItem, isThreePublic,
  type ThreePublicItem, type ThreePublicCode,
} from '@unibudget/sdk/contracts/three-public';
