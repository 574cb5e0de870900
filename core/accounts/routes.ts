import { setCookie, deleteCookie } from 'hono/cookie';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { SESSION_COOKIE } from '../http/auth.js';
import {
  ChangePasswordBody, CreatedToken, CreateTokenBody, LoginBody, LoginResult, MeView, TokenIdParams, TokenView,
} from './schema.js';
import { runCommand } from '../db/command.js';
import { changePassword, meView, newPasswordHash } from './service.js';
import { signIn, signOut } from './sign-in.js';
import { createToken, listTokens, revokeToken } from './tokens.js';

export const accountRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    summary: '登录 Sign in; the token also works as a Bearer token',
    access: { kind: 'public' },
    body: LoginBody,
    response: LoginResult,
    // Not a command: a refused sign-in still records its failed attempt (sign-in.ts opens its own short commands).
    handler: async ({ kernel, c, body, clientAddress }) => {
      const result = await signIn(kernel, {
        username: body.username,
        password: body.password,
        address: clientAddress,
        userAgent: c.req.header('user-agent') ?? null,
      });
      setCookie(c, SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: kernel.config.secureCookies,
        path: '/',
        maxAge: kernel.config.sessionTtlSeconds,
      });
      return result;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/logout',
    tag: 'auth',
    summary: '退出登录 Sign out (ends this session)',
    access: { kind: 'self' },
    response: z.object({ ok: z.literal(true) }),
    command: async ({ tx, c, actor, secret }) => {
      await signOut(tx, actor, secret);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/me',
    tag: 'auth',
    summary: '当前用户 The signed-in user with their units and roles',
    access: { kind: 'self' },
    response: MeView,
    handler: async ({ kernel, actor }) => meView(kernel.db, actor.userId),
  }),
  defineRoute({
    method: 'post',
    path: '/api/me/password',
    tag: 'auth',
    summary: '修改密码 Change own password (ends the other sessions)',
    access: { kind: 'self' },
    body: ChangePasswordBody,
    response: z.object({ ok: z.literal(true) }),
    // Not a `command:` route: both scrypt runs (~0.1 s each) come before the command's transaction
    // opens, so they never hold the database (SQLite has a single connection).
    handler: async ({ kernel, actor, secret, body }) => {
      const passwordHash = await newPasswordHash(kernel.db, kernel.config, actor, body.currentPassword, body.newPassword);
      await runCommand(kernel, (tx) => changePassword(tx, actor, { passwordHash, keepSecret: secret }));
      return { ok: true };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tokens',
    tag: 'auth',
    summary: 'API 令牌 List own API tokens (never their secrets)',
    access: { kind: 'self' },
    response: z.array(TokenView),
    handler: async ({ kernel, actor }) => listTokens(kernel.db, actor),
  }),
  defineRoute({
    method: 'post',
    path: '/api/tokens',
    tag: 'auth',
    summary: '创建 API 令牌 Create an API token; the secret is shown only in this answer',
    access: { kind: 'self' },
    body: CreateTokenBody,
    response: CreatedToken,
    status: 201,
    command: async ({ tx, actor, body }) => createToken(tx, actor, body),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/tokens/:id',
    tag: 'auth',
    summary: '吊销 API 令牌 Revoke an own API token',
    access: { kind: 'self' },
    params: TokenIdParams,
    response: TokenView,
    command: async ({ tx, actor, params }) => revokeToken(tx, actor, params.id),
  }),
];
