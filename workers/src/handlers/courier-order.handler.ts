import { z } from 'zod';
import type { DeliveryService } from '../../../api/src/modules/deliveries/delivery.service';
import type { TopicHandler } from '../task-client';

/** 快递下单 (courier-delivery.bpmn): the delivery to order a waybill for. */
const variables = z.object({ deliveryId: z.guid() });

/** The BPMN error the model catches when the platform refuses the order (address outside its service, …). */
export const COURIER_REFUSED = 'COURIER_REFUSED';

export function courierOrderHandler(deliveries: DeliveryService): TopicHandler<typeof variables> {
  return {
    topic: 'courier-order',
    variables,
    // A platform that is down is retried for about an hour before an operator sees an incident.
    retries: 6,
    backoffMs: [2_000, 30_000, 120_000, 600_000, 1_800_000],
    async handle(task) {
      const outcome = await deliveries.orderWaybill(task.variables.deliveryId, task.processInstanceId);
      if (outcome.kind === 'refused') return { kind: 'bpmn-error', code: COURIER_REFUSED, message: outcome.reason };
      return { kind: 'complete', variables: { waybillNo: outcome.waybillNo } };
    },
  };
}
