/**
 * The one place where fen (integer) become yuan text and back. Never a float: parsing splits on the
 * decimal point and works on digit strings; formatting uses integer division on BigInt.
 */

/** 1234567 → "12,345.67"; -5 → "-0.05". Throws on a non-integer. */
export function formatFen(fen: number | bigint, opts: { grouping?: boolean } = {}): string {
  if (typeof fen === 'number' && !Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const n = BigInt(fen);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const yuan = (abs / 100n).toString();
  const cents = (abs % 100n).toString().padStart(2, '0');
  const grouped = opts.grouping === false ? yuan : yuan.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}.${cents}`;
}

/**
 * The largest amount the ledger takes, in fen: 10^13 fen = 1,000 亿元, far above any unit's budget (a
 * county's whole general budget is a few hundred 亿元 at most). Every amount, and every unit's budget
 * total for a year, stays at or below it, so sums of a unit's figures (a report, a trial balance) stay
 * exact integers in JavaScript, whose exact range ends at 2^53 ≈ 9 × 10^15.
 */
export const MAX_FEN = 10_000_000_000_000;

export type ParseResult = { ok: true; fen: number } | { ok: false; error: 'empty' | 'invalid' | 'precision' | 'range' };

/**
 * "12,345.67" → 1234567 fen. Accepts thousands separators (ASCII or full-width comma), an optional
 * leading minus (only when allowNegative), full-width digits, a leading ¥/￥, and at most two decimals.
 */
export function parseYuan(input: string, opts: { allowNegative?: boolean } = {}): ParseResult {
  let s = input
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/．/g, '.')
    .replace(/^[¥￥]\s*/, '');
  if (s === '') return { ok: false, error: 'empty' };
  let negative = false;
  if (s.startsWith('-') || s.startsWith('−')) {
    if (!opts.allowNegative) return { ok: false, error: 'invalid' };
    negative = true;
    s = s.slice(1);
  }
  // Separators only between groups of three digits in the integer part.
  const parts = s.split('.');
  if (parts.length > 2) return { ok: false, error: 'invalid' };
  let [intPart = '', fracPart = ''] = parts;
  if (/[,，]/.test(intPart)) {
    if (!/^\d{1,3}([,，]\d{3})*$/.test(intPart)) return { ok: false, error: 'invalid' };
    intPart = intPart.replace(/[,，]/g, '');
  }
  if (intPart === '' && fracPart === '') return { ok: false, error: 'invalid' };
  if (!/^\d*$/.test(intPart) || !/^\d*$/.test(fracPart)) return { ok: false, error: 'invalid' };
  if (parts.length === 2 && fracPart === '' && intPart === '') return { ok: false, error: 'invalid' };
  if (fracPart.length > 2) return { ok: false, error: 'precision' };
  const fen = BigInt(intPart || '0') * 100n + BigInt((fracPart + '00').slice(0, 2));
  if (fen > BigInt(MAX_FEN)) return { ok: false, error: 'range' };
  const value = Number(fen);
  return { ok: true, fen: negative ? -value : value };
}

/** Percentage with one decimal from two integers, e.g. ratio(1, 3) → "33.3%"; total 0 → "—". */
export function percent(part: number, total: number): string {
  if (total === 0) return '—';
  const tenths = Math.round((part * 1000) / total);
  const sign = tenths < 0 ? '-' : '';
  const a = Math.abs(tenths);
  return `${sign}${Math.floor(a / 10)}.${a % 10}%`;
}

/** Ratio for charts/bars only (display, never money). */
export function ratio(part: number, total: number): number {
  return total === 0 ? 0 : part / total;
}
