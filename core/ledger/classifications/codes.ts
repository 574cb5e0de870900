import type { ClassificationKind } from '../../db/schema.js';
import { LEVEL_LENGTHS, type ClassAttrs, type EconomicCategory } from './schema.js';
import { threePublicItem } from '../three-public.js';

/**
 * The rules of the codes themselves: a code's level and parent follow from its length
 * (LEVEL_LENGTHS), its attributes from the code (三公经费, economic category, fiscal fund source),
 * for the shipped sets and imported files alike.
 */


const ECONOMIC_CATEGORY_OF_CLASS: Record<string, EconomicCategory> = {
  '301': 'personnel',
  '303': 'personnel',
  '302': 'operating',
  '309': 'capital',
  '310': 'capital',
};

/** 财政拨款: the three government budgets. 财政专户管理资金 and 单位资金 are not. */
const FISCAL_FUND_CLASSES = new Set(['11', '12', '13']);

export function deriveAttrs(kind: ClassificationKind, code: string): ClassAttrs {
  if (kind === 'economic') {
    const attrs: ClassAttrs = { category: ECONOMIC_CATEGORY_OF_CLASS[code.slice(0, 3)] ?? 'other' };
    const item = threePublicItem(code);
    if (item) {
      attrs.threePublic = true;
      attrs.threePublicItem = item;
    }
    return attrs;
  }
  if (kind === 'fund_source') return { fiscal: FISCAL_FUND_CLASSES.has(code.slice(0, 2)) };
  return {};
}

/** Level (1-based) of a well-formed code, or null when its length is not one of the kind's. */
export function levelOf(kind: ClassificationKind, code: string): number | null {
  const index = (LEVEL_LENGTHS[kind] as readonly number[]).indexOf(code.length);
  return index < 0 ? null : index + 1;
}

export function parentCodeOf(kind: ClassificationKind, code: string): string | null {
  const level = levelOf(kind, code);
  if (level === null || level === 1) return null;
  return code.slice(0, LEVEL_LENGTHS[kind][level - 2]);
}

/** One code of a set, as shipped, imported or copied from another year. */
export interface ClassEntry {
  code: string;
  name: string;
  parentCode: string | null;
  level: number;
  attrs: ClassAttrs;
}
