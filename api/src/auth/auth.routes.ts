import type { Request } from 'express';
import { currentUser, loginWireRequest } from '../contracts/auth';
import type { LoginCipher } from './login-cipher';
import type { ApiRoutes } from '../http/route';
import type { AuthService } from './auth.service';

declare module 'express-session' {
  interface SessionData {
    userId: number;
  }
}

/** Starts a new session (a fresh id defeats session fixation) for the signed-in user. */
function establishSession(req: Request, userId: number): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.userId = userId;
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    }),
  );
}

export function authRoutes(api: ApiRoutes, auth: AuthService, cipher: LoginCipher): void {

  api.define(
    {
      method: 'post',
      path: '/auth/login',
      summary: '工作人员及演示账号登录',
      tag: 'auth',
      access: { public: true },
      body: loginWireRequest,
      response: currentUser,
      audit: { action: 'auth.login', objectType: 'user', objectId: (v) => v.body?.username, actor: (v) => v.body?.username },
    },
    async ({ req, body }) => {
      const user = await auth.login({ username: body.username, password: await cipher.open(body.passwordCipher) });
      await establishSession(req, user.id);
      return user;
    },
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
