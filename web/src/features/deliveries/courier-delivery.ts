import {
  createDeliveryRequest,
  type CreateDeliveryRequest,
  type DeliveryDocumentKind,
  type DeliveryStatus,
  type DeliveryView,
} from '../../../../api/src/contracts/deliveries';
import type { FieldErrors } from '../../forms/field-errors';

/** The address form of a courier delivery (收件信息). */
export const deliveryFormFields = ['recipientName', 'recipientPhone', 'district', 'address'] as const;
export type DeliveryFormField = (typeof deliveryFormFields)[number];
export type DeliveryForm = Record<DeliveryFormField, string>;

export const emptyDeliveryForm = (recipientName = ''): DeliveryForm => ({ recipientName, recipientPhone: '', district: '', address: '' });

/** The request for a document, or the messages per field when the form is not valid yet (the API checks the same rules). */
export function deliveryRequest(
  form: DeliveryForm,
  businessKey: string,
  documentKind: DeliveryDocumentKind,
): { request: CreateDeliveryRequest } | { errors: FieldErrors<DeliveryFormField> } {
  const parsed = createDeliveryRequest.safeParse({ ...form, businessKey, documentKind });
  if (parsed.success) return { request: parsed.data };
  const errors: FieldErrors<DeliveryFormField> = {};
  for (const issue of parsed.error.issues) {
    const field = deliveryFormFields.find((f) => f === issue.path[0]);
    if (field) errors[field] ??= issue.message;
  }
  return { errors };
}

/** The delivery of a document that is under way or done; a failed one leaves room for a new request. */
export function currentDelivery(deliveries: readonly DeliveryView[], documentKind: DeliveryDocumentKind): DeliveryView | undefined {
  return deliveries.find((d) => d.documentKind === documentKind && d.status !== 'failed');
}

/** The newest failed delivery of a document, when nothing else is under way (its reason is shown). */
export function failedDelivery(deliveries: readonly DeliveryView[], documentKind: DeliveryDocumentKind): DeliveryView | undefined {
  return currentDelivery(deliveries, documentKind) ? undefined : deliveries.find((d) => d.documentKind === documentKind && d.status === 'failed');
}

/** el-tag colour per delivery status: under way blue/grey, signed for green, refused red. */
export const deliveryStatusTagTypes: Record<DeliveryStatus, 'info' | 'primary' | 'success' | 'danger'> = {
  requested: 'info',
  ordered: 'info',
  'picked-up': 'primary',
  'in-transit': 'primary',
  'out-for-delivery': 'primary',
  delivered: 'success',
  failed: 'danger',
};
