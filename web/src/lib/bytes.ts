/**
 * Storage quotas are kept in bytes and entered in MB (1 MB = 1,048,576 bytes). The conversion works
 * on the digits (BigInt), never on floats: "1.5" MB is exactly 1,572,864 bytes, and a byte count
 * shows as the exact MB it is (every byte count is a finite decimal of MB, 2^20 dividing 10^20).
 */
const MB = 1024n * 1024n;

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/**
 * A byte count as people read it: whole bytes under 1 KB ("512 B"), else the largest unit (1 KB =
 * 1,024 bytes) with one decimal ("11.2 KB", "64.0 MB", "1.5 GB"). The count itself stays the exact
 * integer the core answers; only the figure on screen is rounded.
 */
export function formatBytes(bytes: number): string {
  const b = Math.max(0, Math.trunc(bytes));
  if (b < 1024) return `${groupDigits(String(b))} B`;
  let i = 0;
  let v = b;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  let text = v.toFixed(1);
  // 1,048,575 bytes is 1023.999… KB: it reads "1.0 MB", not "1024.0 KB".
  if (Number(text) >= 1024 && i < UNITS.length - 1) {
    text = (v / 1024).toFixed(1);
    i++;
  }
  return `${groupDigits(text)} ${UNITS[i]}`;
}

/** Digit grouping of a decimal text's whole part: "20000" → "20,000", "2048.5" → "2,048.5". */
export function groupDigits(text: string): string {
  const [whole = '', frac] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** Bytes → the exact MB as a decimal string without trailing zeros ("64", "0.5", "95.367431640625"). */
export function bytesToMbText(bytes: number): string {
  const b = BigInt(Math.trunc(bytes));
  const whole = b / MB;
  let rest = b % MB;
  if (rest === 0n) return whole.toString();
  let digits = '';
  while (rest !== 0n && digits.length < 20) {
    rest *= 10n;
    digits += (rest / MB).toString();
    rest %= MB;
  }
  return `${whole}.${digits}`;
}

/**
 * MB as typed ("1.5", "2,048", " 64 ") → whole bytes, rounded half up to the byte; null when it is not
 * a non-negative decimal number.
 */
export function mbTextToBytes(text: string): number | null {
  const s = text.trim().replace(/[,，\s]/g, '');
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || !/\d/.test(s)) return null;
  const whole = BigInt(m[1] || '0');
  const frac = m[2] ?? '';
  const scale = 10n ** BigInt(frac.length);
  const num = (whole * scale + BigInt(frac || '0')) * MB;
  const bytes = (num * 2n + scale) / (2n * scale);
  return bytes > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(bytes);
}
