import type { Request, Response } from 'express';
import { phoneBinding, phoneCodeRequest, phoneCodeSent, phoneEncryptedFields, phoneVerifyRequest } from '../../contracts/phone';
import type { ApiRoutes } from '../../http/route';
import { RetryLaterError, type PhoneBindingService } from './phone-binding.service';

/** Where the route leaves the decrypted phone for the SMS rate limits (`smsRulesFor`). */
export const phoneOfRequest = (req: Request): string | undefined => {
  const value: unknown = req.res?.locals.smsPhone;
  return typeof value === 'string' ? value : undefined;
};

/**
 * Phone binding (M08). `limits` are the SMS rate limits (per phone, per address) mounted in
 * app.ts; they key on the phone decrypted here (`phoneOfRequest`).
 */
export function phoneRoutes(api: ApiRoutes, phones: PhoneBindingService, limits: (req: Request, res: Response) => Promise<void>): void {
  api.define(
    {
      method: 'post',
      path: '/me/phone/code',
      summary: '发送绑定手机验证码（手机号码须SM2加密传输）',
      tag: 'phone',
      access: { permission: 'registration:create' },
      body: phoneCodeRequest,
      encryptedFields: phoneEncryptedFields,
      response: phoneCodeSent,
      audit: { action: 'phone.code-request', objectType: 'user' },
    },
    async ({ user, body, req, res }) => {
      try {
        return await phones.sendCode(user.id, body.phone, async () => {
          res.locals.smsPhone = body.phone;
          await limits(req, res);
        });
      } catch (err) {
        if (err instanceof RetryLaterError) res.set('Retry-After', String(err.retryAfterSeconds));
        throw err;
      }
    },
  );
  api.define(
    {
      method: 'post',
      path: '/me/phone/verify',
      summary: '校验短信验证码并绑定手机',
      tag: 'phone',
      access: { permission: 'registration:create' },
      body: phoneVerifyRequest,
      response: phoneBinding,
      audit: { action: 'phone.bind', objectType: 'user' },
    },
    ({ user, body }) => phones.verify(user.id, body.code),
  );
  api.define(
    { method: 'get', path: '/me/phone', summary: '我绑定的手机（无则为 null）', tag: 'phone', access: { permission: 'registration:create' }, response: phoneBinding },
    ({ user }) => phones.current(user.id),
  );
}
