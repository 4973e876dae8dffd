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
  'template:manage',
  'message-template:manage',
  // Payment orders (M25): read and export, request an administrative refund, approve one (four-eyes), reconcile.
  'payment:read',
  'payment:refund',
  'payment:approve-refund',
  'payment:reconcile',
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

/** Sign-in of an account with the SMS second factor: the password was right, a code is on its way. */
export const mfaChallenge = z.object({
  mfaRequired: z.literal(true),
  challengeId: z.string(),
  /** e.g. `138****5678`. */
  phoneMasked: z.string(),
  /** Seconds the code stays valid. */
  expiresInSeconds: z.number().int(),
  /** Seconds before another code may be requested (by signing in again). */
  resendAfterSeconds: z.number().int(),
});
export type MfaChallenge = z.infer<typeof mfaChallenge>;

/** What `POST /api/auth/login` answers: the signed-in user, or a second-factor challenge. */
export const loginResponse = z.union([currentUser, mfaChallenge]);
export type LoginResponse = z.infer<typeof loginResponse>;

export function isMfaChallenge(value: LoginResponse): value is MfaChallenge {
  return 'mfaRequired' in value && value.mfaRequired === true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The second step of a sign-in: the code from the SMS. */
export const loginVerifyRequest = z.object({
  challengeId: z.string({ error: '登录验证已失效，请重新登录' }).regex(UUID, '登录验证已失效，请重新登录'),
  code: z.string({ error: '请输入短信验证码' }).trim().regex(/^\d{6}$/, '短信验证码为6位数字'),
});
export type LoginVerifyRequest = z.infer<typeof loginVerifyRequest>;

const mfaPhone = z
  .string({ error: '请输入手机号码' })
  .trim()
  .regex(/^1[3-9]\d{9}$/, '手机号码应为11位中国大陆手机号');

/** Turns the SMS second factor on (with the phone that receives codes) or off, for the signed-in user. */
export const mfaSettingsRequest = z
  .object({
    enabled: z.boolean({ error: '请选择是否启用短信验证' }),
    phone: mfaPhone.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.enabled && !value.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: '启用短信验证须填写手机号码' });
  });
export type MfaSettingsRequest = z.infer<typeof mfaSettingsRequest>;

/** Fields of `mfaSettingsRequest` the console SM2-encrypts for transport. */
export const mfaEncryptedFields = ['phone'] as const satisfies ReadonlyArray<keyof MfaSettingsRequest>;

export const mfaSettings = z.object({
  enabled: z.boolean(),
  phoneMasked: z.string().nullable(),
});
export type MfaSettings = z.infer<typeof mfaSettings>;
