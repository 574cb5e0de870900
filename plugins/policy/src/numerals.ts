/**
 * Chinese numerals and money expressions → exact integers (fen, or hundredths of a percent).
 * Never a float: decimals are read as digit strings and scaled with BigInt, and a value that does
 * not come out in whole fen (or whole hundredths of a percent) is refused rather than rounded.
 *
 * Handles: 小写 digits with thousands separators and decimals ("1,200.50元", "800元"), a 万/亿
 * multiplier ("1.2万元", "3.5亿元"), 中文 numerals ("五百元", "一千二百元", "两千元", "十五元",
 * "三千零五元"), 大写 ("壹万贰仟元整", "叁佰伍拾元伍角", "人民币壹佰元整"), mixed ("3万5千元"),
 * and percentages ("10%", "百分之七十", "百分之二点五").
 */

const DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 壹: 1, 二: 2, 贰: 2, 貳: 2, 两: 2, 兩: 2, 三: 3, 叁: 3, 參: 3, 四: 4, 肆: 4, 五: 5, 伍: 5,
  六: 6, 陆: 6, 陸: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9,
};
const SMALL_UNITS: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const BIG_UNITS: Record<string, bigint> = { 万: 10_000n, 萬: 10_000n, 亿: 100_000_000n, 億: 100_000_000n };

export const CN_NUMERAL_CHARS = '零〇一壹二贰貳两兩三叁參四肆五伍六陆陸七柒八捌九玖十拾百佰千仟万萬亿億';

/**
 * A Chinese integer numeral ("一千二百", "壹万贰仟", "十五", "三千零五", "3万5千") → BigInt, or null.
 * Arabic digit runs may stand for a section's digits ("3万5千").
 */
export function parseChineseInteger(text: string): bigint | null {
  const s = text.trim();
  if (!s) return null;
  let total = 0n; // sections closed by 亿
  let section = 0n; // closed by 万 inside the current 亿 section
  let small = 0n; // below 万
  let digit: bigint | null = null;
  let seen = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (/[0-9]/.test(ch)) {
      let j = i;
      while (j < s.length && /[0-9]/.test(s[j]!)) j++;
      if (digit !== null) return null;
      digit = BigInt(s.slice(i, j));
      i = j - 1;
      seen = true;
    } else if (ch in DIGITS) {
      if (digit !== null && digit !== 0n) return null; // "五五" is not a numeral here
      digit = BigInt(DIGITS[ch]!);
      seen = true;
    } else if (ch in SMALL_UNITS) {
      const unit = BigInt(SMALL_UNITS[ch]!);
      // "十五" = 15: a bare 十 means 一十; a bare 百 or 千 is not a numeral.
      if (digit === null && unit !== 10n) return null;
      small += (digit ?? 1n) * unit;
      digit = null;
      seen = true;
    } else if (ch in BIG_UNITS) {
      const unit = BIG_UNITS[ch]!;
      const value = small + (digit ?? 0n);
      if (value === 0n && section === 0n && total === 0n) return null;
      if (unit === 100_000_000n) {
        total = (total + section + value) * unit;
        section = 0n;
      } else {
        section += value * unit;
      }
      small = 0n;
      digit = null;
      seen = true;
    } else {
      return null;
    }
  }
  if (!seen) return null;
  return total + section + small + (digit ?? 0n);
}

/** "1,234.5" → { int: 1234n, frac: '5' } or null. */
function splitDecimal(text: string): { int: bigint; frac: string } | null {
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(text.replace(/，/g, ','));
  if (!m) return null;
  return { int: BigInt(m[1]!.replace(/,/g, '')), frac: m[2] ?? '' };
}

/** value × multiplier × scale, exactly, from a decimal string; null when not a whole number of the target unit. */
function scaled(text: string, multiplier: bigint, scale: bigint): bigint | null {
  const d = splitDecimal(text);
  if (!d) return null;
  const denom = 10n ** BigInt(d.frac.length);
  const mantissa = d.int * denom + (d.frac ? BigInt(d.frac) : 0n);
  const numerator = mantissa * multiplier * scale;
  if (numerator % denom !== 0n) return null;
  return numerator / denom;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const toNumber = (v: bigint | null): number | null => (v === null || v > MAX_SAFE || v < 0n ? null : Number(v));

/**
 * A money expression → fen. Accepts "800元", "1.2万元", "1,200.50元", "五百元", "壹万贰仟元整",
 * "叁佰伍拾元伍角陆分", "人民币壹佰元整", "3万5千元", "12万" (no 元: the caller decides it is money).
 */
export function parseMoney(text: string): number | null {
  let s = text.trim().replace(/^(人民币|￥|¥)/, '').replace(/整$/, '').replace(/\s+/g, '');
  if (!s) return null;
  // 角 and 分 after 元 (大写 amounts).
  let fen = 0n;
  const jiaoFen = /^(.*?[元圆])(?:([零〇一壹二贰贰两三叁四肆五伍六陆七柒八捌九玖])角)?(?:([零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖])分)?$/.exec(s);
  if (jiaoFen && (jiaoFen[2] || jiaoFen[3])) {
    s = jiaoFen[1]!;
    if (jiaoFen[2]) fen += BigInt(DIGITS[jiaoFen[2]]!) * 10n;
    if (jiaoFen[3]) fen += BigInt(DIGITS[jiaoFen[3]]!);
  }
  s = s.replace(/[元圆]$/, '');
  // Arabic with an optional 万/亿 (and 千/百 as in "3千元").
  const arabic = /^(\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.(\d+))?(万|萬|亿|億|千|仟|百|佰)?$/.exec(s);
  if (arabic) {
    const mult = arabic[3] ? (BIG_UNITS[arabic[3]] ?? BigInt(SMALL_UNITS[arabic[3]] ?? 1)) : 1n;
    const v = scaled(`${arabic[1]}${arabic[2] ? `.${arabic[2]}` : ''}`.replace(/，/g, ','), mult, 100n);
    return toNumber(v === null ? null : v + fen);
  }
  // Anything else must be a Chinese numeral (Arabic digits allowed per section, as in "3万5千").
  if (/\./.test(s)) return null;
  const int = parseChineseInteger(s);
  return toNumber(int === null ? null : int * 100n + fen);
}

/** A percentage → hundredths of a percent (10% → 1000; 2.5% → 250; 百分之七十 → 7000; 百分之二点五 → 250). */
export function parsePercent(text: string): number | null {
  const s = text.trim();
  const arabic = /^(\d+(?:\.\d+)?)\s*[%％]$/.exec(s);
  if (arabic) return toNumber(scaled(arabic[1]!, 1n, 100n));
  const cn = /^百分之(.+)$/.exec(s);
  if (!cn) return null;
  const body = cn[1]!;
  const [intPart, fracPart] = body.split(/[点.]/);
  if (intPart === undefined) return null;
  const int = /^\d+$/.test(intPart) ? BigInt(intPart) : parseChineseInteger(intPart);
  if (int === null) return null;
  if (fracPart === undefined) return toNumber(int * 100n);
  const fracDigits = [...fracPart].map((c) => (/[0-9]/.test(c) ? c : DIGITS[c] !== undefined ? String(DIGITS[c]) : 'x')).join('');
  if (/x/.test(fracDigits) || fracDigits.length === 0) return null;
  return toNumber(scaled(`${int}.${fracDigits}`, 1n, 100n));
}

/** fen → "1,200.00" (yuan with two decimals, for view text). */
export function yuan(fen: number): string {
  const neg = fen < 0;
  const abs = BigInt(Math.abs(fen));
  const y = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${y}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** hundredths of a percent → "12.5%". */
export function percentText(bp: number): string {
  const int = Math.trunc(bp / 100);
  const frac = bp % 100;
  return frac === 0 ? `${int}%` : `${int}.${String(frac).padStart(2, '0').replace(/0$/, '')}%`;
}
