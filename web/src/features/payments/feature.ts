import { Checked, DocumentChecked, Money } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'payments',
      order: 10,
      route: {
        path: 'orders',
        name: 'payment-orders',
        component: () => import('./PaymentOrderView.vue'),
        meta: { title: '缴费订单', permission: 'payment:read', icon: Money },
      },
    },
    {
      section: 'payments',
      order: 20,
      route: {
        path: 'refunds',
        name: 'refund-approvals',
        component: () => import('./RefundApprovalView.vue'),
        meta: { title: '待审批退款', permission: 'payment:approve-refund', icon: Checked },
      },
    },
    {
      section: 'payments',
      order: 30,
      route: {
        path: 'reconciliation',
        name: 'payment-reconciliation',
        component: () => import('./ReconciliationView.vue'),
        meta: { title: '对账', permission: 'payment:reconcile', icon: DocumentChecked },
      },
    },
  ],
  auditActionLabels: {
    'payment.pay': '去缴费',
    'payment.download-receipt': '下载电子票据',
    'payment.search': '查询缴费订单',
    'payment.export': '导出缴费订单',
    'payment.view': '查看缴费订单详情',
    'payment.refund-request': '申请退款',
    'payment.refund-approve': '批准退款',
    'payment.refund-reject': '驳回退款申请',
    'payment.refund-retry': '重新发起退款',
    'payment.reconcile': '对账（支付平台对账单）',
    'payment.reconcile-upload': '对账（上传对账单）',
    'payment.reconciliation-view': '查看对账结果',
    'payment.reconciliation-resolve': '处理对账差异',
    'payment.reconciliation-credit': '对账补记入账',
  },
} satisfies ConsoleFeature;
