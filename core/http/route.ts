import type { Context } from 'hono';
import type { z } from 'zod';
import type { Kernel } from '../kernel.js';
import type { Tx } from '../db/connection.js';
import type { Actor, UnitScope } from '../permissions/service.js';
import type { Permission } from '../permissions/roles.js';
import type { Lang } from '../errors.js';

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

/** The context's shape follows the route's access: a unit route always has its actor and scope. */
type ActorOf<A extends Access> = A extends { kind: 'public' } ? null : Actor;
type ScopeOf<A extends Access> = A extends { kind: 'unit' } ? UnitScope : null;

export interface HandlerContext<P, Q, B, A extends Access = Access> {
  kernel: Kernel;
  c: Context;
  lang: Lang;
  actor: ActorOf<A>;
  /** The authorized unit every query must be scoped to. */
  scope: ScopeOf<A>;
  params: P;
  query: Q;
  body: B;
  clientAddress: string;
  /** The bearer secret or session cookie the caller signed in with. */
  secret: A extends { kind: 'public' } ? null : string;
}

/** A write: the server opens its transaction (core/db/command.ts), commits, then runs its after-commit work. */
export interface CommandContext<P, Q, B, A extends Access = Access, X = undefined> extends HandlerContext<P, Q, B, A> {
  tx: Tx;
  /** What the route's `prepare` step produced before the transaction opened. */
  prepared: X;
}

interface RouteBase<P, Q, B> {
  method: Method;
  /** hono path syntax: '/api/units/:unitId/members'. */
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  response?: z.ZodType;
  /** Largest request body accepted, in bytes (default 1 MiB); uploads raise it. */
  maxBodyBytes?: number;
  /** Status on success: 201 for creations. */
  status?: 200 | 201;
}

/**
 * A route answers either by reading (`handler`) or by running one command in one transaction
 * (`command`). Work that must not hold the database — asking the plugins' validators, which may
 * take their whole time limit — runs in `prepare`, before the transaction opens; the command then
 * checks under its locks that what was prepared still holds.
 */
export type RouteSpec<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  A extends Access = Access,
  X = unknown,
> = RouteBase<P, Q, B> & { access: A } & (
  | { handler: (ctx: HandlerContext<Infer<P>, Infer<Q>, Infer<B>, A>) => Promise<unknown>; command?: never; prepare?: never }
  | {
      prepare?: (ctx: HandlerContext<Infer<P>, Infer<Q>, Infer<B>, A>) => Promise<X>;
      command: (ctx: CommandContext<Infer<P>, Infer<Q>, Infer<B>, A, X>) => Promise<unknown>;
      handler?: never;
    }
);

/** Keeps each route's parameter types tied to its schemas and its context to its access kind. */
export function defineRoute<
  A extends Access,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  X = undefined,
>(spec: RouteSpec<P, Q, B, A, X>): RouteSpec {
  return spec as unknown as RouteSpec;
}
