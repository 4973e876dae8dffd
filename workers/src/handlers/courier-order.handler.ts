import type { z } from 'zod';
import type { DeliveryService } from '../../../api/src/modules/deliveries/delivery.service';
import { courierDeliveryFlow } from '../../../api/src/contracts/flows/courier-delivery';
import type { TopicHandler } from '../task-client';

/** 快递下单 (courier-delivery.bpmn): the delivery to order a waybill for. */
const topic = courierDeliveryFlow.topics['courier-order'];

export function courierOrderHandler(deliveries: DeliveryService): TopicHandler<typeof topic.input, z.infer<typeof topic.output>> {
  return {
    topic: 'courier-order',
    variables: topic.input,
    // A platform that is down is retried for about an hour before an operator sees an incident.
    retries: 6,
    backoffMs: [2_000, 30_000, 120_000, 600_000, 1_800_000],
    async handle(task) {
      const outcome = await deliveries.orderWaybill(task.variables.deliveryId, task.processInstanceId);
      if (outcome.kind === 'refused') return { kind: 'bpmn-error', code: courierDeliveryFlow.errors.courierRefused, message: outcome.reason };
      return { kind: 'complete', variables: { waybillNo: outcome.waybillNo } };
    },
  };
}
