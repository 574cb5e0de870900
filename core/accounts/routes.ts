import { setCookie, deleteCookie } from 'hono/cookie';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { SESSION_COOKIE } from '../http/auth.js';
import {
  ChangePasswordBody, CreatedToken, CreateTokenBody, LoginBody, LoginResult, MeView, TokenIdParams, TokenView,
} from './schema.js';
import { changePassword, createToken, listTokens, login, logout, meView, revokeToken } from './service.js';

export const accountRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    summary: '登录 Sign in; the token also works as a Bearer token',
    access: { kind: 'public' },
    body: LoginBody,
    response: LoginResult,
    handler: async ({ kernel, c, body, clientAddress }) => {
      const result = await login(kernel, {
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
    handler: async ({ kernel, c, actor, secret }) => {
      await logout(kernel, actor!, secret!);
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
    handler: async ({ kernel, actor }) => meView(kernel.db, actor!.userId),
  }),
  defineRoute({
    method: 'post',
    path: '/api/me/password',
    tag: 'auth',
    summary: '修改密码 Change own password (ends the other sessions)',
    access: { kind: 'self' },
    body: ChangePasswordBody,
    response: z.object({ ok: z.literal(true) }),
    handler: async ({ kernel, actor, secret, body }) => {
      await changePassword(kernel, actor!, secret!, body.currentPassword, body.newPassword);
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
    handler: async ({ kernel, actor }) => listTokens(kernel, actor!),
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
    handler: async ({ kernel, actor, body }) => createToken(kernel, actor!, body),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/tokens/:id',
    tag: 'auth',
    summary: '吊销 API 令牌 Revoke an own API token',
    access: { kind: 'self' },
    params: TokenIdParams,
    response: TokenView,
    handler: async ({ kernel, actor, params }) => revokeToken(kernel, actor!, params.id),
  }),
];
