/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped. Two equal
 * values always give the same text, so a hash over it is stable across dialects and restarts.
 */
export function canonicalJson(value: unknown): string {
  if (value instanceof CanonicalText) return value.text;
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in audit data');
    if (typeof value === 'bigint') throw new Error('bigint in audit data');
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** A value already made canonical (canonicalJson's own text), written as it stands: large documents are rendered once. */
export class CanonicalText {
  constructor(readonly text: string) {}
}
