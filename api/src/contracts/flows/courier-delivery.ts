import { z } from 'zod';
import { deliveryDocumentKinds } from '../deliveries';
import { defineFlow } from './flow';

/**
 * 证照快递寄递 (processes/courier-delivery.bpmn, G6), reusable as a call activity: the business key
 * is the case's own, `deliveryId` the request in `deliveries`.
 */
export const courierDeliveryFlow = defineFlow({
  processKey: 'courier-delivery',
  activities: {
    courierOrder: 'Task_CourierOrder',
    awaitDelivered: 'Task_AwaitDelivered',
    /** 快递异常处理: exam admins complete it in their inbox. */
    courierException: 'Task_CourierException',
  },
  messages: {
    /** Sent by the tracking callback at 已签收; correlated by business key and `deliveryId`. */
    courierDelivered: 'courier-delivered',
  },
  errors: {
    /** The platform refuses the order (address outside its service, …). */
    courierRefused: 'COURIER_REFUSED',
  },
  storedForms: ['courier-exception'],
  startVariables: z.object({
    deliveryId: z.guid(),
    documentKind: z.enum(deliveryDocumentKinds),
    /** ISO 8601 duration until an unsigned delivery goes to an operator (default P10D). */
    courierTimeout: z.string().min(1).optional(),
  }),
  topics: {
    /** 快递下单: the waybill, with the delivery id as the platform's idempotency key. */
    'courier-order': { input: z.object({ deliveryId: z.guid() }), output: z.object({ waybillNo: z.string() }) },
  },
});
