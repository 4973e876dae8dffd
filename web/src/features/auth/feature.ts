import type { ConsoleFeature } from '../../feature';

export default {
  standalonePages: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./LoginView.vue'),
      meta: { title: '登录', public: true },
    },
  ],
  auditActionLabels: {
    'auth.login': '登录',
    'auth.login-verify': '登录短信验证',
    'auth.mfa-update': '设置登录短信二次验证',
    'auth.logout': '退出',
    'auth.ywtb-login': '一网通办登录',
    'auth.ywtb-entry': '从一网通办办事指南进入',
    'auth.ywtb-callback': '一网通办身份认证回调',
  },
} satisfies ConsoleFeature;
