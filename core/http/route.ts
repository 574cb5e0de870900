import type { Context } from 'hono';
import type { z } from 'zod';
import type { Kernel } from '../kernel.js';
import type { Actor, UnitScope } from '../permissions/service.js';
import type { Permission } from '../permissions/roles.js';
import type { Lang } from './errors.js';

/**
 * Who may call a route. There is no default: a route states its access or cannot be defined.
 * - public: no sign-in (login, health, the OpenAPI document)
 * - self: any signed-in user, acting on their own account only
 * - unit: the permission, held at the unit named by the `:unitId` path parameter
 * - system: the permission, held system-wide (system administrators)
 * - anyUnit: the permission, held in at least one unit (e.g. verifying the shared audit chain)
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'self' }
  | { kind: 'unit'; permission: Permission }
  | { kind: 'system'; permission: Permission }
  | { kind: 'anyUnit'; permission: Permission };

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerContext<P, Q, B> {
  kernel: Kernel;
  c: Context;
  lang: Lang;
  /** Null only on public routes. */
  actor: Actor | null;
  /** Present on unit routes: the authorized unit every query must be scoped to. */
  scope: UnitScope | null;
  params: P;
  query: Q;
  body: B;
  clientAddress: string;
  /** The bearer secret or session cookie the caller signed in with (null on public routes). */
  secret: string | null;
}

export interface RouteSpec<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: Method;
  /** hono path syntax: '/api/units/:unitId/members'. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  response?: z.ZodType;
  /** Largest request body accepted, in bytes (default 1 MiB); uploads raise it. */
  maxBodyBytes?: number;
  /** Status on success: 201 for creations. */
  status?: 200 | 201;
  handler: (ctx: HandlerContext<Infer<P>, Infer<Q>, Infer<B>>) => Promise<unknown>;
}

/** Keeps each route's parameter types tied to its schemas. */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}
