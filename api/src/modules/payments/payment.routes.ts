import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { paymentView } from '../../contracts/payments';
import type { ApiRoutes } from '../../http/route';
import { DomainError, notFound } from '../../http/errors';
import { PaymentCallbackError, type PaymentPlatform } from '../../integrations/payment/payment-platform';
import { paymentCallbackAck } from '../../integrations/payment/payment-wire';
import type { RegistrationService } from '../registration/registration.service';
import type { PaymentService } from './payment.service';
import { examRegistrationFlow } from '../../contracts/flows/exam-registration';

/** The registration's exam fee, as payments key it. */
const feeOf = (registrationNo: string) => ({ caseType: examRegistrationFlow.processKey, businessKey: registrationNo });

export const PAYMENT_CALLBACK_PATH = '/api/payments/callback';

const byNo = z.object({ registrationNo: z.string().regex(/^BM[0-9A-Z]{1,16}\d{6}$/, '报名号格式不正确') });

/**
 * The platform's signed callback. It needs the raw body (the signature covers its bytes), comes
 * without session or CSRF token, and is acknowledged only once the payment is stored: any other
 * answer makes the platform deliver it again.
 */
export function mountPaymentCallback(app: Express, platform: PaymentPlatform, payments: PaymentService, log: Logger): void {
  app.post(PAYMENT_CALLBACK_PATH, express.raw({ type: () => true, limit: '16kb' }), async (req, res) => {
    try {
      const notification = platform.verifyCallback(req.body as Buffer, req.headers);
      await payments.acceptCallback(notification);
      res.status(paymentCallbackAck.status).type(paymentCallbackAck.contentType).send(paymentCallbackAck.body);
    } catch (err) {
      if (err instanceof PaymentCallbackError) {
        log.warn({ reason: err.reason }, 'payment callback refused');
        res.status(400).json({ code: 'CALLBACK_REFUSED', message: err.message });
        return;
      }
      if (err instanceof DomainError) {
        res.status(err.status).json(err.toBody());
        return;
      }
      log.error({ err }, 'payment callback failed');
      res.status(503).json({ code: 'UNAVAILABLE', message: '暂时无法处理，请稍后重试' });
    }
  });
}

/** The candidate's side of paying (M16). */
export function paymentRoutes(api: ApiRoutes, payments: PaymentService, registrations: RegistrationService): void {
  api.define(
    {
      method: 'get',
      path: '/registrations/:registrationNo/payment',
      summary: '报名缴费信息（订单状态、电子票据、退款）',
      tag: 'payments',
      access: { authenticated: true },
      params: byNo,
      query: z.object({ returned: z.enum(['0', '1']).optional() }),
      response: paymentView,
    },
    async ({ user, params, query }) => {
      const r = await registrations.find(user, params.registrationNo);
      return payments.view(feeOf(r.registration_no), query.returned === '1' && r.user_id === user.id);
    },
  );
  api.define(
    {
      method: 'post',
      path: '/registrations/:registrationNo/payment/pay',
      summary: '去缴费：返回公共支付平台收银台地址',
      tag: 'payments',
      access: { permission: 'registration:create' },
      params: byNo,
      response: z.object({ payUrl: z.string() }),
      audit: { action: 'payment.pay', objectType: 'registration', objectId: (v) => v.params?.registrationNo },
    },
    async ({ user, params }) => {
      const r = await registrations.find(user, params.registrationNo);
      if (r.user_id !== user.id) throw notFound('报名记录不存在');
      return { payUrl: await payments.payUrl(feeOf(r.registration_no)) };
    },
  );
  api.define(
    {
      method: 'get',
      path: '/registrations/:registrationNo/receipt.pdf',
      summary: '下载财政电子票据（PDF）',
      tag: 'payments',
      access: { authenticated: true },
      params: byNo,
      response: { contentType: 'application/pdf' },
      audit: { action: 'payment.download-receipt', objectType: 'registration', objectId: (v) => v.params?.registrationNo },
    },
    async ({ user, params, res }) => {
      const r = await registrations.find(user, params.registrationNo);
      const { pdf, receiptNo } = await payments.receiptPdf(feeOf(r.registration_no));
      res
        .status(200)
        .type('application/pdf')
        .set('content-disposition', `attachment; filename="${receiptNo}.pdf"; filename*=UTF-8''${encodeURIComponent(`财政电子票据-${receiptNo}.pdf`)}`)
        .set('cache-control', 'private, no-store')
        .send(pdf);
    },
  );
}
