// Minimal typings for the installed `semver` package (no @types/semver in the tree).
declare module 'semver' {
  export function valid(version: string): string | null;
  export function validRange(range: string): string | null;
  export function satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
  export function compare(a: string, b: string): -1 | 0 | 1;
  export function gt(a: string, b: string): boolean;
  const semver: {
    valid: typeof valid;
    validRange: typeof validRange;
    satisfies: typeof satisfies;
    compare: typeof compare;
    gt: typeof gt;
  };
  export default semver;
}
