import { z } from 'zod';

/** Role codes. Approvers exist once per approving bureau (审批部门). */
export const roleCodes = [
  'candidate',
  'exam-reviewer',
  'exam-admin',
  'approver-yjj',
  'approver-zjw',
  'approver-jtw',
  'process-designer',
  'system-admin',
] as const;
export type RoleCode = (typeof roleCodes)[number];

/** Approving bureaus: 应急局 (emergency management), 住建委 (housing and construction), 交通委 (transport). */
export const bureauCodes = ['yjj', 'zjw', 'jtw'] as const;
export type BureauCode = (typeof bureauCodes)[number];

/** Permission codes are `resource:action`. The API checks them on every call; the console uses them for menus and buttons. */
export const permissionCodes = [
  'registration:create',
  'registration:read-own',
  'registration:read',
  'registration:update',
  'registration-task:read',
  'registration-task:claim',
  'registration-task:complete',
  'exam:read',
  'exam:manage',
  'licence-task:read',
  'licence-task:complete',
  'process:read',
  'process:deploy',
  'user:manage',
  'audit:read',
  'system:monitor',
] as const;
export type PermissionCode = (typeof permissionCodes)[number];

/** The sign-in form as the user fills it in (validated in the console and, after decryption, by the API). */
export const loginRequest = z.object({
  username: z.string().trim().min(1, '请输入用户名').max(64, '用户名不能超过64个字符'),
  password: z.string().min(1, '请输入密码').max(128, '密码不能超过128个字符'),
});
export type LoginRequest = z.infer<typeof loginRequest>;

/**
 * What travels: the password never leaves the browser in clear (GB/T 39786 身份鉴别). The console
 * encrypts a `LoginSecret` with the server's SM2 transport key (`GET /api/security/transport-key`).
 */
export const loginWireRequest = z.object({
  username: loginRequest.shape.username,
  passwordCipher: z
    .string({ error: '请输入密码' })
    .regex(/^(04)?[0-9a-fA-F]{290,2048}$/, '登录信息格式不正确，请刷新页面后重试'),
});
export type LoginWireRequest = z.infer<typeof loginWireRequest>;

/** The plaintext inside `passwordCipher`: a fresh nonce and the time make every ciphertext single-use. */
export const loginSecret = z.object({
  password: loginRequest.shape.password,
  nonce: z.string().regex(/^[0-9a-f]{32}$/),
  timestamp: z.number().int(),
});
export type LoginSecret = z.infer<typeof loginSecret>;



export const currentUser = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(roleCodes)),
  permissions: z.array(z.enum(permissionCodes)),
  bureau: z.enum(bureauCodes).nullable(),
});
export type CurrentUser = z.infer<typeof currentUser>;
