import {
  deliveryEncryptedFields,
  deliveryList,
  deliveryView,
  type CreateDeliveryRequest,
  type DeliveryView,
} from '../../../../api/src/contracts/deliveries';
import { getJson, postJson } from '../../api/http';
import { encryptFields } from '../../api/transport';

const base = '/api/deliveries';

/** Asks for courier delivery of a document of one's own case; the phone leaves the browser only SM2-encrypted. */
export async function createDelivery(request: CreateDeliveryRequest): Promise<DeliveryView> {
  return postJson(base, await encryptFields(request, deliveryEncryptedFields), deliveryView);
}

/** The signed-in person's deliveries (of one case when given), newest first, with their tracking. */
export function listDeliveries(businessKey?: string): Promise<DeliveryView[]> {
  return getJson(businessKey ? `${base}?${new URLSearchParams({ businessKey })}` : base, deliveryList);
}

export function getDelivery(id: string): Promise<DeliveryView> {
  return getJson(`${base}/${encodeURIComponent(id)}`, deliveryView);
}
