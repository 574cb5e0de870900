import type { ViewBlock, ViewSpec } from '@unibudget/sdk';

/**
 * The `roles` of each POST route in manifest.json (a test keeps the two equal). The host enforces
 * the manifest; the views read this copy only to leave out forms the caller could not submit.
 */
export const POST_ROUTE_ROLES: Readonly<Record<string, readonly string[]>> = {
  'warnings/acknowledge': ['finance_officer', 'department_head', 'leader', 'unit_admin'],
  'warnings/handle': ['finance_officer', 'department_head', 'leader'],
  'warnings/close': ['finance_officer', 'leader'],
  'warnings/filter': ['finance_officer', 'department_head', 'leader', 'unit_admin', 'auditor'],
  recompute: ['finance_officer', 'unit_admin'],
  milestones: ['department_head', 'finance_officer', 'business_staff'],
  contacts: ['unit_admin', 'finance_officer'],
  scenarios: ['finance_officer', 'leader'],
  'scenarios/delete': ['finance_officer', 'leader'],
};

export function mayPost(roles: readonly string[], path: string): boolean {
  const allowed = POST_ROUTE_ROLES[path];
  return allowed !== undefined && roles.some((r) => allowed.includes(r));
}

/** The view without the forms and row actions the caller's roles cannot submit: they would only answer 403. */
export function forCaller(spec: ViewSpec, roles: readonly string[]): ViewSpec {
  const blocks = (spec.blocks as ViewBlock[])
    .filter((b) => !(b.type === 'form' && !mayPost(roles, (b as { submit: string }).submit)))
    .map((b) => {
      if (b.type !== 'table' || !b.actions) return b;
      // A link action (host API 1.1.0) posts nothing: the web app shows it where its target view may be opened.
      const actions = b.actions.filter((a) => a.kind === 'link' || mayPost(roles, a.route));
      const { actions: _all, ...rest } = b;
      return actions.length ? { ...rest, actions } : rest;
    });
  return { ...spec, blocks } as ViewSpec;
}
