import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { createDeliveryRequest, deliveryEncryptedFields, deliveryIdParams, deliveryList, deliveryListQuery, deliveryView, type DeliveryView } from '../../contracts/deliveries';
import type { ApiRoutes, AuditSink } from '../../http/route';
import { DomainError } from '../../http/errors';
import { CourierCallbackError, type CourierPlatform } from '../../integrations/courier/courier-platform';
import { courierCallbackAck } from '../../integrations/courier/courier-wire';
import type { DeliveryService } from './delivery.service';

export const COURIER_CALLBACK_PATH = '/api/courier/callback';

/**
 * The express module's signed tracking callback. It needs the raw body (the signature covers its
 * bytes), comes without session or CSRF token, and is acknowledged only once the event is stored
 * (and 已签收 passed to the process): any other answer makes the platform deliver it again.
 * Refused callbacks go to the security audit log.
 */
export function mountCourierCallback(app: Express, platform: CourierPlatform, deliveries: DeliveryService, audit: AuditSink, log: Logger): void {
  app.post(COURIER_CALLBACK_PATH, express.raw({ type: () => true, limit: '16kb' }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      await deliveries.acceptCallback(platform.verifyCallback(body, req.headers));
      res.status(courierCallbackAck.status).type(courierCallbackAck.contentType).send(courierCallbackAck.body);
    } catch (err) {
      if (err instanceof CourierCallbackError) {
        log.warn({ reason: err.reason }, 'courier callback refused');
        await audit({ actor: 'courier-platform', action: 'courier.callback', objectType: 'delivery', ip: req.ip ?? null, result: 'denied', detail: { reason: err.reason } }).catch((e: unknown) =>
          log.error({ err: e }, 'audit append failed'),
        );
        res.status(400).json({ code: 'CALLBACK_REFUSED', message: err.message });
        return;
      }
      if (err instanceof DomainError) {
        if (err.status >= 500) log.warn({ err }, 'courier callback not processed yet');
        res.status(err.status).json(err.toBody());
        return;
      }
      log.error({ err }, 'courier callback failed');
      res.status(503).json({ code: 'UNAVAILABLE', message: '暂时无法处理，请稍后重试' });
    }
  });
}

/** The person's side of courier delivery (G6): ask for it, and follow the tracking. */
export function deliveryRoutes(api: ApiRoutes, deliveries: DeliveryService): void {
  const tag = 'deliveries';
  api.define(
    {
      method: 'post',
      path: '/deliveries',
      summary: '申请证照快递寄递（收件人手机号码须SM2加密传输）',
      tag,
      access: { permission: 'registration:create' },
      body: createDeliveryRequest,
      encryptedFields: deliveryEncryptedFields,
      response: deliveryView,
      status: 201,
      audit: { action: 'delivery.create', objectType: 'delivery', objectId: (v, result) => (result as DeliveryView | undefined)?.id ?? v.body?.businessKey },
    },
    ({ user, body }) => deliveries.create(user, body),
  );
  api.define(
    { method: 'get', path: '/deliveries', summary: '我的快递寄递（可按业务编号筛选），含物流跟踪', tag, access: { permission: 'registration:read-own' }, query: deliveryListQuery, response: deliveryList },
    ({ user, query }) => deliveries.list(user, query.businessKey),
  );
  api.define(
    { method: 'get', path: '/deliveries/:id', summary: '快递寄递详情与物流跟踪', tag, access: { permission: 'registration:read-own' }, params: deliveryIdParams, response: deliveryView },
    ({ user, params }) => deliveries.get(user, params.id),
  );
}
