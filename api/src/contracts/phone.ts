import { z } from 'zod';

/** A mainland China mobile number. */
const phone = z
  .string({ error: '请输入手机号码' })
  .trim()
  .regex(/^1[3-9]\d{9}$/, '手机号码应为11位中国大陆手机号');

/** Asks for a code to the phone to bind (M08). */
export const phoneCodeRequest = z.object({ phone });
export type PhoneCodeRequest = z.infer<typeof phoneCodeRequest>;

/** Fields of `phoneCodeRequest` the console SM2-encrypts for transport. */
export const phoneEncryptedFields = ['phone'] as const satisfies ReadonlyArray<keyof PhoneCodeRequest>;

export const phoneCodeSent = z.object({
  /** Seconds the code stays valid. */
  expiresInSeconds: z.number().int(),
  /** Seconds before another code may be requested. */
  resendAfterSeconds: z.number().int(),
});
export type PhoneCodeSent = z.infer<typeof phoneCodeSent>;

/** The code from the SMS; binds the phone it was sent to. */
export const phoneVerifyRequest = z.object({
  code: z.string({ error: '请输入短信验证码' }).trim().regex(/^\d{6}$/, '短信验证码为6位数字'),
});
export type PhoneVerifyRequest = z.infer<typeof phoneVerifyRequest>;

/** The bound phone (masked, e.g. `138****5678`), or null when none is bound. */
export const phoneBinding = z.object({ phoneMasked: z.string(), boundAt: z.string() }).nullable();
export type PhoneBinding = z.infer<typeof phoneBinding>;
