import type { ReceiptType } from '@unibudget/sdk/contracts/receipts';

/**
 * The receipt types and their accounts, after 政府会计制度——行政事业单位会计科目和报表 (财会〔2017〕25号):
 * each non-fiscal revenue has a 财务会计 revenue account (4xxx) and a 预算会计 budget-revenue account
 * (6xxx), posted in parallel (平行记账) against 1002 银行存款 / 800102 资金结存—货币资金.
 *
 * `institutionOnly`: the 科目使用说明 of the standard reserve 4101 事业收入, 4201 上级补助收入, 4301 附属单位
 * 上缴收入, 4401 经营收入 (and 6101, 6201, 6301, 6401) for 事业单位; an administrative unit (行政单位) records
 * only 4601 非同级财政拨款收入 and 4609 其他收入 — anything else is refused (RECEIPT_TYPE_NOT_ALLOWED).
 *
 * `fundSources`: the fund sources (资金来源, 政府收支分类科目 2026, classifications/data/2026/fund_source.csv)
 * money of the type may carry. 31 单位资金 and its matching sub-code (3101 事业收入 … 3106 其他收入);
 * 事业收入 also 21 财政专户管理资金 (2101 教育收费, 2199): under 财政专户返还方式 the standard books the
 * collection as 2103 应缴财政款 and the remittance to the 财政专户 against 1002 (they net to nothing on
 * the bank balance), and the revenue only when the money comes back — Dr 1002 / Cr 4101 and Dr 800102 /
 * Cr 6101. A receipt of 事业收入 on fund 21 records that return; the collection and remittance are out
 * of scope here.
 */
export interface ReceiptTypeSpec {
  zh: string;
  en: string;
  financial: string;
  budgetary: string;
  institutionOnly: boolean;
  fundSources: readonly string[];
}

export const RECEIPT_TYPE_SPECS: Record<ReceiptType, ReceiptTypeSpec> = {
  business: { zh: '事业收入', en: 'Public service revenue', financial: '4101', budgetary: '6101', institutionOnly: true, fundSources: ['3101', '31', '2101', '2199', '21'] },
  superior_subsidy: { zh: '上级补助收入', en: 'Subsidies from the superior', financial: '4201', budgetary: '6201', institutionOnly: true, fundSources: ['3103', '31'] },
  subordinate_remit: { zh: '附属单位上缴收入', en: 'Remittances from subordinates', financial: '4301', budgetary: '6301', institutionOnly: true, fundSources: ['3104', '31'] },
  operating: { zh: '经营收入', en: 'Operating revenue', financial: '4401', budgetary: '6401', institutionOnly: true, fundSources: ['3102', '31'] },
  non_peer_fiscal: { zh: '非同级财政拨款收入', en: 'Appropriations from non-peer governments', financial: '4601', budgetary: '6601', institutionOnly: false, fundSources: ['3105', '31'] },
  other: { zh: '其他收入', en: 'Other revenue', financial: '4609', budgetary: '6609', institutionOnly: false, fundSources: ['3106', '31'] },
};

export function allowedTypes(unitKind: 'administrative' | 'institution'): ReceiptType[] {
  return (Object.keys(RECEIPT_TYPE_SPECS) as ReceiptType[]).filter((t) => unitKind === 'institution' || !RECEIPT_TYPE_SPECS[t].institutionOnly);
}

/** The non-fiscal budget-revenue accounts a receipt can post (year end closes them). */
export const NON_FISCAL_BUDGET_REVENUE = [...new Set(Object.values(RECEIPT_TYPE_SPECS).map((s) => s.budgetary))];
