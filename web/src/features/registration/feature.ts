import { DocumentAdd, Tickets } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'portal',
      order: 10,
      route: {
        path: 'registrations',
        name: 'my-registrations',
        component: () => import('./MyRegistrationsView.vue'),
        meta: { title: '我的报名', permission: 'registration:read-own', icon: Tickets },
      },
    },
    {
      section: 'portal',
      order: 20,
      route: {
        path: 'registrations/:registrationNo',
        name: 'registration-detail',
        component: () => import('./RegistrationDetailView.vue'),
        props: true,
        meta: {
          title: '报名详情',
          permission: 'registration:read-own',
          hidden: true,
          activeMenu: '/portal/registrations',
        },
      },
    },
    {
      section: 'portal',
      order: 40,
      route: {
        path: 'apply',
        name: 'apply',
        component: () => import('./ApplyView.vue'),
        meta: { title: '报名申请', permission: 'registration:create', icon: DocumentAdd },
      },
    },
  ],
  auditActionLabels: {
    'registration.create': '提交报名',
    'registration.resubmit': '修改报名信息并重新签署',
    'registration.withdraw': '撤回报名确认',
    'registration.upload-certificate': '上传已取得的证书',
    'registration.download-form': '下载报名表',
    'settings.related-majors': '维护安全工程相关专业名单',
  },
} satisfies ConsoleFeature;
