/** What every page receives from the shell: who is signed in, in which unit, with which roles. */
import { get } from './api.js';
import type { Department, Me, Role } from './types.js';

export interface UnitContext {
  me: Me;
  unitId: string;
  unitName: string;
  roles: Role[];
  /** The caller's department in this unit (business staff), if any. */
  departmentId: number | null;
  /** Read-only: the unit is a subordinate the caller only supervises. */
  readOnly: boolean;
  departments: Department[];
}

export const deptName = (ctx: UnitContext, id: number) => ctx.departments.find((d) => d.id === id)?.name ?? `#${id}`;

const names = new Map<string, Promise<Map<string, string>>>();
/** Code → name of a classification kind (economic, functional, fund_source), cached per kind. */
export function classNames(kind: 'economic' | 'functional' | 'fund_source'): Promise<Map<string, string>> {
  let p = names.get(kind);
  if (!p) {
    p = get<{ code: string; name: string }[]>(`/api/classifications?kind=${kind}`)
      .then((rows) => new Map(rows.map((r) => [r.code, r.name])))
      .catch(() => new Map<string, string>());
    names.set(kind, p);
  }
  return p;
}

export function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
