import type { Request } from 'express';
import { currentUser, loginResponse, loginVerifyRequest, loginWireRequest, mfaEncryptedFields, mfaSettings, mfaSettingsRequest } from '../contracts/auth';
import { unauthenticated } from '../http/errors';
import type { SecondFactorService } from './second-factor.service';
import type { LoginCipher } from './login-cipher';
import type { ApiRoutes } from '../http/route';
import type { AuthService } from './auth.service';

declare module 'express-session' {
  interface SessionData {
    userId: number;
  }
}

/** Starts a new session (a fresh id defeats session fixation) for the signed-in user. */
export function establishSession(req: Request, userId: number): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.userId = userId;
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    }),
  );
}

export function authRoutes(api: ApiRoutes, auth: AuthService, cipher: LoginCipher, secondFactor: SecondFactorService): void {
  api.define(
    {
      method: 'post',
      path: '/auth/login',
      summary: '工作人员及演示账号登录',
      tag: 'auth',
      access: { public: true },
      body: loginWireRequest,
      // The user, or (SMS second factor on) a challenge: then no session until POST /auth/login/verify.
      response: loginResponse,
      audit: { action: 'auth.login', objectType: 'user', objectId: (v) => v.body?.username, actor: (v) => v.body?.username },
    },
    async ({ req, body }) => {
      // The password is checked (and failures counted) before any SMS is sent.
      const user = await auth.login({ username: body.username, password: await cipher.open(body.passwordCipher) });
      const challenge = await secondFactor.challengeFor(user.id);
      if (challenge) return challenge;
      await establishSession(req, user.id);
      return user;
    },
  );
  api.define(
    {
      method: 'post',
      path: '/auth/login/verify',
      summary: '登录第二步：短信验证码',
      tag: 'auth',
      access: { public: true },
      body: loginVerifyRequest,
      response: currentUser,
      audit: { action: 'auth.login-verify', objectType: 'login_challenge', objectId: (v) => v.body?.challengeId },
    },
    async ({ req, body }) => {
      const userId = await secondFactor.verify(body.challengeId, body.code);
      const user = await auth.currentUser(userId);
      if (!user) throw unauthenticated('账号不可用，请联系系统管理员');
      await establishSession(req, user.id);
      return user;
    },
  );
  api.define(
    { method: 'get', path: '/auth/mfa', summary: '本人短信二次验证设置', tag: 'auth', access: { authenticated: true }, response: mfaSettings },
    ({ user }) => secondFactor.settings(user.id),
  );
  api.define(
    {
      method: 'post',
      path: '/auth/mfa',
      summary: '启用或关闭本人登录短信二次验证（手机号码须SM2加密传输）',
      tag: 'auth',
      access: { authenticated: true },
      body: mfaSettingsRequest,
      encryptedFields: mfaEncryptedFields,
      response: mfaSettings,
      audit: { action: 'auth.mfa-update', objectType: 'user' },
    },
    ({ user, body }) => secondFactor.configure(user.id, body),
  );
  api.define(
    { method: 'post', path: '/auth/logout', summary: '退出登录', tag: 'auth', access: { public: true }, status: 204, audit: { action: 'auth.logout' } },
    ({ req }) => new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve()))),
  );
  api.define(
    // The CSRF middleware sets the token cookie on this (as on any API) response; this route exists so
    // that a client can get one without side effects before its first state-changing call.
    { method: 'get', path: '/auth/csrf', summary: '获取防跨站请求伪造令牌（Cookie bpm.csrf）', tag: 'auth', access: { public: true }, status: 204 },
    async ({ res }) => {
      res.set('cache-control', 'no-store');
    },
  );
  api.define(
    { method: 'get', path: '/auth/me', summary: '当前登录用户、角色与权限', tag: 'auth', access: { authenticated: true }, response: currentUser },
    async ({ user }) => user,
  );
}
