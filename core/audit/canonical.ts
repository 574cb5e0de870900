/**
 * Canonical JSON: object keys sorted, no whitespace, otherwise as JSON.stringify writes a value
 * (`toJSON` honoured, so a Date is its ISO text; `undefined`, functions and symbols dropped from
 * objects and null in arrays). Two equal values always give the same text, so a hash over it is
 * stable across dialects and restarts, and parsing the text and writing it again gives it back
 * (verifyChain relies on that). Numbers that JSON cannot hold exactly are refused, not rounded.
 * One pass with no intermediate arrays of entries: every command's audit entry is written by it.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  if (value instanceof CanonicalText) return value.text;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('non-finite number in audit data');
      return JSON.stringify(value);
    case 'bigint':
      throw new Error('bigint in audit data');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return write(value.valueOf());
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += `${i ? ',' : ''}${write(value[i]) ?? 'null'}`;
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  let text = '{';
  for (const key of Object.keys(object).sort()) {
    const member = write(object[key]);
    if (member === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${member}`;
  }
  return `${text}}`;
}

/** A value already made canonical (canonicalJson's own text), written as it stands: large documents are rendered once. */
export class CanonicalText {
  constructor(readonly text: string) {}
}
