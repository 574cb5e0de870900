import { z } from 'zod';
// The answers the web app reads are shared contracts of the SDK.
import { MeView } from '@unibudget/sdk/contracts/kernel';
export { MeView, MembershipView, UserView } from '@unibudget/sdk/contracts/kernel';

export const Username = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, '用户名只能包含字母、数字、点、下划线和连字符');
export const Password = z.string().min(8, '密码至少 8 位').max(256);

export const LoginBody = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const LoginResult = z.object({ token: z.string(), expiresAt: z.string(), user: MeView });

export const ChangePasswordBody = z.object({ currentPassword: z.string().min(1).max(256), newPassword: Password });

export const CreateTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  /** Days until it expires; omitted means it lasts until revoked. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const TokenView = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const CreatedToken = TokenView.extend({ token: z.string() });

export const TokenIdParams = z.object({ id: z.coerce.number().int().positive() });
