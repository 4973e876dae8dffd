import { z } from 'zod';
import { shanghaiDistricts } from './registration';
import { examRegistrationFlow } from './flows/exam-registration';

/**
 * Courier delivery of paper documents (G6, 一网通办快递模块): the person chooses it for a document
 * of their own case and gives a Shanghai address; the portal shows the tracking.
 */

/** `deliveries.case_type` of documents of an exam registration: their business key is the registration number. */
export const REGISTRATION_CASE_TYPE = examRegistrationFlow.processKey;
/** Paper documents that can be sent by courier. */
export const deliveryDocumentKinds = ['registration-receipt', 'certificate'] as const;
export type DeliveryDocumentKind = (typeof deliveryDocumentKinds)[number];
export const deliveryDocumentLabels: Record<DeliveryDocumentKind, string> = {
  'registration-receipt': '报名回执（纸质）',
  certificate: '资格证书（纸质）',
};

/** A delivery's state: the steps of the waybill, or `failed` when the platform refused the order. */
export const deliveryStatuses = ['requested', 'ordered', 'picked-up', 'in-transit', 'out-for-delivery', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
export const deliveryStatusLabels: Record<DeliveryStatus, string> = {
  requested: '已申请，待下单',
  ordered: '已下单，待揽收',
  'picked-up': '已揽收',
  'in-transit': '运输中',
  'out-for-delivery': '派送中',
  delivered: '已签收',
  failed: '下单失败',
};

/** The statuses a tracking event can lead to, in the order the waybill passes them. */
export const trackingStatuses = ['picked-up', 'in-transit', 'out-for-delivery', 'delivered'] as const satisfies readonly DeliveryStatus[];
export type TrackingStatus = (typeof trackingStatuses)[number];

/** Asks for courier delivery of a document of one's own case. */
export const createDeliveryRequest = z.object({
  /** The case the document belongs to (for the registration receipt: the registration number). */
  businessKey: z
    .string({ error: '请选择需要寄递的业务' })
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, '请选择需要寄递的业务'),
  documentKind: z.enum(deliveryDocumentKinds, { error: '请选择需要寄递的证照' }),
  recipientName: z
    .string({ error: '请输入收件人姓名' })
    .trim()
    .min(2, '收件人姓名至少2个字')
    .max(30, '收件人姓名不能超过30个字')
    .regex(/^[\p{Script=Han}A-Za-z·. ]+$/u, '收件人姓名只能包含汉字、字母、间隔号'),
  recipientPhone: z
    .string({ error: '请输入收件人手机号码' })
    .trim()
    .regex(/^1[3-9]\d{9}$/, '收件人手机号码应为11位中国大陆手机号'),
  district: z.enum(shanghaiDistricts, { error: '请选择收件地址所在区' }),
  address: z
    .string({ error: '请输入详细地址' })
    .trim()
    .min(5, '详细地址至少5个字（街道、门牌号、楼层房间）')
    .max(100, '详细地址不能超过100个字'),
});
export type CreateDeliveryRequest = z.infer<typeof createDeliveryRequest>;

/** Fields of `createDeliveryRequest` the console SM2-encrypts for transport. */
export const deliveryEncryptedFields = ['recipientPhone'] as const satisfies ReadonlyArray<keyof CreateDeliveryRequest>;

export const deliveryListQuery = z.object({
  businessKey: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, '业务编号格式不正确')
    .optional(),
});
export type DeliveryListQuery = z.infer<typeof deliveryListQuery>;

export const deliveryIdParams = z.object({ id: z.guid('快递申请编号格式不正确') });

/** One tracking event, as the courier reported it. */
export const trackingEventView = z.object({
  status: z.enum(trackingStatuses),
  statusLabel: z.string(),
  description: z.string(),
  location: z.string(),
  at: z.string(),
});
export type TrackingEventView = z.infer<typeof trackingEventView>;

export const deliveryView = z.object({
  id: z.string(),
  businessKey: z.string(),
  documentKind: z.enum(deliveryDocumentKinds),
  documentLabel: z.string(),
  recipientName: z.string(),
  /** e.g. `138****5678`. */
  recipientPhoneMasked: z.string(),
  district: z.string(),
  address: z.string(),
  status: z.enum(deliveryStatuses),
  statusLabel: z.string(),
  /** The courier's waybill number (运单号), once ordered. */
  waybillNo: z.string().nullable(),
  failureReason: z.string().nullable(),
  /** Oldest first. */
  events: z.array(trackingEventView),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DeliveryView = z.infer<typeof deliveryView>;

export const deliveryList = z.array(deliveryView);
