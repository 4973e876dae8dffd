import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import {
  paymentOrderDetail,
  paymentOrderOptions,
  paymentOrderPage,
  paymentOrderQuery,
  reconciliationCredit,
  reconciliationRequest,
  reconciliationResolve,
  reconciliationRunList,
  reconciliationView,
  refundApproval,
  refundListQuery,
  refundPage,
  refundRejection,
  refundRequest,
  refundView,
} from '../../contracts/payment-admin';
import type { ApiRoutes } from '../../http/route';
import { validationError } from '../../http/errors';
import { PAYMENT_MERCHANT_NO } from '../../integrations/payment/payment-wire';
import { sendWorkbook, XLSX_TYPE } from '../../http/downloads';
import type { PaymentAdminService } from './payment-admin.service';
import { STATEMENT_MAX_BYTES, type PaymentReconciliationService } from './payment-reconciliation.service';

const byOrderNo = z.object({ orderNo: z.string().regex(PAYMENT_MERCHANT_NO, '订单号格式不正确') });
const byId = (what: string) => z.object({ id: z.coerce.number({ error: `${what}编号不正确` }).int(`${what}编号不正确`).positive(`${what}编号不正确`).max(2_147_483_647, `${what}编号不正确`) });
const byBillDate = z.object({ billDate: reconciliationRequest.shape.billDate });

/** Path of the statement upload (a raw `text/csv` body, not JSON). */
export const STATEMENT_UPLOAD_PATH = '/payments/reconciliations/upload';

/** The uploaded statement file, the request body itself; a 400 naming `statement` when there is none or it is too large. */
async function receiveStatement(req: Request, res: Response): Promise<Buffer> {
  const parse = express.raw({ type: () => true, limit: STATEMENT_MAX_BYTES });
  await new Promise<void>((resolve, reject) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return resolve();
      const tooLarge = typeof err === 'object' && err !== null && 'type' in err && err.type === 'entity.too.large';
      reject(tooLarge ? validationError([{ field: 'statement', message: '对账单文件不能超过5MB' }]) : err);
    }),
  );
  const body: unknown = req.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw validationError([{ field: 'statement', message: '请上传对账单文件' }]);
  return body;
}

/** 缴费订单 (M25): query, details, export, administrative refunds with approval, reconciliation. Every call is audited. */
export function paymentAdminRoutes(api: ApiRoutes, orders: PaymentAdminService, reconciliation: PaymentReconciliationService): void {
  api.define(
    {
      method: 'get',
      path: '/payments/orders/options',
      summary: '缴费订单查询的可选条件（有订单的考试）',
      tag: 'payment-admin',
      access: { permission: 'payment:read' },
      response: paymentOrderOptions,
    },
    () => orders.options(),
  );
  api.define(
    {
      method: 'get',
      path: '/payments/orders',
      summary: '缴费订单查询（支付日期、考试、状态、金额、订单号、姓名模糊、证件号码精确；考生信息脱敏）',
      tag: 'payment-admin',
      access: { permission: 'payment:read' },
      query: paymentOrderQuery,
      response: paymentOrderPage,
      audit: { action: 'payment.search', objectType: 'exam', objectId: (v) => v.query?.examId },
    },
    ({ query }) => orders.search(query),
  );
  api.define(
    {
      method: 'get',
      path: '/payments/orders/export.xlsx',
      summary: '导出缴费订单（Excel，条件同查询）',
      tag: 'payment-admin',
      access: { permission: 'payment:read' },
      query: paymentOrderQuery,
      response: { contentType: XLSX_TYPE },
      audit: { action: 'payment.export', objectType: 'exam', objectId: (v) => v.query?.examId },
    },
    async ({ query, res }) => {
      const { file, fileName } = await orders.exportWorkbook(query);
      sendWorkbook(res, file, { asciiName: 'payment-orders.xlsx', fileName });
    },
  );
  api.define(
    {
      method: 'get',
      path: '/payments/orders/:orderNo',
      summary: '缴费订单详情（订单、报名、支付通知、退款、电子票据）',
      tag: 'payment-admin',
      access: { permission: 'payment:read' },
      params: byOrderNo,
      response: paymentOrderDetail,
      audit: { action: 'payment.view', objectType: 'payment-order', objectId: (v) => v.params?.orderNo },
    },
    ({ params }) => orders.detail(params.orderNo),
  );
  api.define(
    {
      method: 'post',
      path: '/payments/orders/:orderNo/refunds',
      summary: '申请退款（行政取消；全额；须由另一名管理员审批）',
      tag: 'payment-admin',
      access: { permission: 'payment:refund' },
      params: byOrderNo,
      body: refundRequest,
      response: refundView,
      status: 201,
      audit: { action: 'payment.refund-request', objectType: 'payment-order', objectId: (v) => v.params?.orderNo },
    },
    ({ user, params, body }) => orders.requestRefund(user, params.orderNo, body.reason),
  );
  api.define(
    {
      method: 'get',
      path: '/payments/refunds',
      summary: '退款申请列表（默认待审批）',
      tag: 'payment-admin',
      access: { permission: 'payment:approve-refund' },
      query: refundListQuery,
      response: refundPage,
    },
    ({ query }) => orders.refunds(query),
  );
  api.define(
    {
      method: 'post',
      path: '/payments/refunds/:id/approve',
      summary: '批准退款申请并向支付平台发起退款（不能审批本人的申请）',
      tag: 'payment-admin',
      access: { permission: 'payment:approve-refund' },
      params: byId('退款申请'),
      body: refundApproval,
      response: refundView,
      audit: { action: 'payment.refund-approve', objectType: 'payment-refund', objectId: (v) => v.params?.id },
    },
    ({ user, params, body }) => orders.approveRefund(user, params.id, body.comment),
  );
  api.define(
    {
      method: 'post',
      path: '/payments/refunds/:id/reject',
      summary: '驳回退款申请（须填写理由；不能审批本人的申请）',
      tag: 'payment-admin',
      access: { permission: 'payment:approve-refund' },
      params: byId('退款申请'),
      body: refundRejection,
      response: refundView,
      audit: { action: 'payment.refund-reject', objectType: 'payment-refund', objectId: (v) => v.params?.id },
    },
    ({ user, params, body }) => orders.rejectRefund(user, params.id, body.comment),
  );
  api.define(
    {
      method: 'post',
      path: '/payments/refunds/:id/retry',
      summary: '重新发起已批准但支付平台未办理的退款',
      tag: 'payment-admin',
      access: { permission: 'payment:approve-refund' },
      params: byId('退款申请'),
      response: refundView,
      audit: { action: 'payment.refund-retry', objectType: 'payment-refund', objectId: (v) => v.params?.id },
    },
    ({ params }) => orders.retryRefund(params.id),
  );

  api.define(
    {
      method: 'get',
      path: '/payments/reconciliations',
      summary: '对账记录（按日期，最近100天）',
      tag: 'payment-admin',
      access: { permission: 'payment:reconcile' },
      response: reconciliationRunList,
    },
    () => reconciliation.runs(),
  );
  api.define(
    {
      method: 'get',
      path: '/payments/reconciliations/:billDate',
      summary: '某日对账结果及差异明细',
      tag: 'payment-admin',
      access: { permission: 'payment:reconcile' },
      params: byBillDate,
      response: reconciliationView,
      audit: { action: 'payment.reconciliation-view', objectType: 'reconciliation', objectId: (v) => v.params?.billDate },
    },
    ({ params }) => reconciliation.view(params.billDate),
  );
  api.define(
    {
      method: 'post',
      path: '/payments/reconciliations',
      summary: '对账：从支付平台获取该日对账单并与本系统记录核对（同一日期重复对账会更新未处理的差异）',
      tag: 'payment-admin',
      access: { permission: 'payment:reconcile' },
      body: reconciliationRequest,
      response: reconciliationView,
      status: 201,
      audit: { action: 'payment.reconcile', objectType: 'reconciliation', objectId: (v) => v.body?.billDate },
    },
    ({ user, body }) => reconciliation.runFromPlatform(user, body.billDate),
  );
  api.define(
    {
      method: 'post',
      path: STATEMENT_UPLOAD_PATH,
      summary: '对账：上传从支付平台下载的对账单文件（请求体为文件本身）并核对',
      tag: 'payment-admin',
      access: { permission: 'payment:reconcile' },
      query: byBillDate,
      response: reconciliationView,
      status: 201,
      audit: { action: 'payment.reconcile-upload', objectType: 'reconciliation', objectId: (v) => v.query?.billDate },
    },
    async ({ user, query, req, res }) => reconciliation.runFromUpload(user, query.billDate, await receiveStatement(req, res)),
  );
  api.define(
    {
      method: 'post',
      path: '/payments/reconciliation-items/:id/resolve',
      summary: '处理对账差异（填写处理说明）',
      tag: 'payment-admin',
      access: { permission: 'payment:reconcile' },
      params: byId('对账差异'),
      body: reconciliationResolve,
      response: reconciliationView,
      audit: { action: 'payment.reconciliation-resolve', objectType: 'reconciliation-item', objectId: (v) => v.params?.id },
    },
    ({ user, params, body }) => reconciliation.resolve(user, params.id, body.note),
  );
  api.define(
    {
      method: 'post',
      path: '/payments/reconciliation-items/:id/credit',
      summary: '补记入账：向支付平台查询确认后为平台已收款、本系统未入账的订单入账',
      tag: 'payment-admin',
      access: { permission: 'payment:reconcile' },
      params: byId('对账差异'),
      body: reconciliationCredit,
      response: reconciliationView,
      audit: { action: 'payment.reconciliation-credit', objectType: 'reconciliation-item', objectId: (v) => v.params?.id },
    },
    ({ user, params, body }) => reconciliation.credit(user, params.id, body.note),
  );
}
