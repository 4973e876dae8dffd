import crypto from 'node:crypto';
import type { Db } from '../../db/knex';
import type { CurrentUser } from '../../contracts/auth';
import {
  REGISTRATION_CASE_TYPE,
  deliveryDocumentLabels,
  deliveryStatuses,
  deliveryStatusLabels,
  type CreateDeliveryRequest,
  type DeliveryDocumentKind,
  type DeliveryStatus,
  type DeliveryView,
  type TrackingStatus,
} from '../../contracts/deliveries';
import { conflict, DomainError, notFound, unavailable, validationError } from '../../http/errors';
import { EngineError, type EngineClient } from '../../engine/engine-client';
import { CourierRefusedError, type CourierNotification, type TrackingEventCode } from '../../integrations/courier/courier-platform';
import type { CourierDeps } from '../../integrations/courier/courier-setup';
import type { SecurityServices } from '../../security/security-services';
import { maskPhone } from '../../security/masking';
import { DeliveryRepository, type DeliveryEventRow, type DeliveryRow } from './delivery.repository';
import type { DocumentOwner } from './delivery.case-type';
import { courierDeliveryFlow } from '../../contracts/flows/courier-delivery';
import { startVariablesOf } from '../../contracts/flows/flow';

/** The reusable process (processes/courier-delivery.bpmn). */
const flow = courierDeliveryFlow;

/** Which case each document belongs to, and who issues (and sends) it. */
const documents: Record<DeliveryDocumentKind, { caseType: string; issuingOffice: string }> = {
  'registration-receipt': { caseType: REGISTRATION_CASE_TYPE, issuingOffice: '上海市应急管理局' },
  certificate: { caseType: 'certificate', issuingOffice: '上海市应急管理局' },
};

/** A registration has a paper receipt once it is submitted, unless it was withdrawn, refused or cancelled. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const statusOfEvent: Record<TrackingEventCode, TrackingStatus> = {
  collected: 'picked-up',
  'in-transit': 'in-transit',
  delivering: 'out-for-delivery',
  signed: 'delivered',
};
const rank = (status: DeliveryStatus): number => deliveryStatuses.indexOf(status);

const messages = {
  registrationNotFound: '报名记录不存在',
  notFound: '快递申请不存在',
  certificateNotIssued: '证书尚未签发，暂不能申请快递寄递',
  duplicate: '该证照已申请快递寄递，请勿重复申请',
  unavailable: '快递服务暂不可用，请稍后再试',
  engineDown: '快递申请暂时无法受理，请稍后再试',
  unknownDelivery: '快递通知对应的寄递申请不存在',
  waybillMismatch: '快递通知的运单号与本系统记录不一致',
  notTold: '寄递流程暂时无法接收签收结果，请稍后重试',
};

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === '23505';
}

/** What the `courier-order` step achieved. */
export type WaybillOutcome = { kind: 'ordered'; waybillNo: string } | { kind: 'refused'; reason: string };

/**
 * Courier delivery of paper documents (G6): a person asks for it for a document of their own case,
 * the `courier-delivery` process orders the waybill through the 一网通办 express module, and the
 * platform's signed tracking callbacks are recorded once each; 已签收 ends the process.
 */
export class DeliveryService {
  private readonly deliveries: DeliveryRepository;

  constructor(
    private readonly db: Db,
    security: Pick<SecurityServices, 'cipher'>,
    private readonly engine: EngineClient,
    /** The express module (or its sandbox); without it nothing can be ordered. */
    private readonly courier: CourierDeps | undefined,
    /** The case types whose documents can be sent (the registration for its receipt). */
    private readonly owners: readonly DocumentOwner[] = [],
  ) {
    this.deliveries = new DeliveryRepository(db, security.cipher);
  }

  /** Asks for courier delivery of a document of the user's own case and starts its process. */
  async create(user: CurrentUser, input: CreateDeliveryRequest): Promise<DeliveryView> {
    if (!this.courier) throw unavailable(messages.unavailable);
    const document = documents[input.documentKind];
    await this.assertDocumentIssued(user, input.documentKind, input.businessKey);
    const id = crypto.randomUUID();
    try {
      await this.db.transaction(async (trx) => {
        if (await this.deliveries.activeFor(trx, document.caseType, input.businessKey, input.documentKind)) throw conflict('DELIVERY_EXISTS', messages.duplicate, 'documentKind');
        await this.deliveries.insert(trx, {
          id,
          case_type: document.caseType,
          business_key: input.businessKey,
          document_kind: input.documentKind,
          user_id: user.id,
          recipient_name: input.recipientName,
          recipient_phone: input.recipientPhone,
          district: input.district,
          address: input.address,
          item_description: `${deliveryDocumentLabels[input.documentKind]} ${input.businessKey}`.slice(0, 64),
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('DELIVERY_EXISTS', messages.duplicate, 'documentKind');
      throw err;
    }
    // Started once the request is committed (its step reads it); taken back if the engine refuses.
    try {
      await this.startProcess(id, input.businessKey, input.documentKind);
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      await this.deliveries.remove(id);
      throw Object.assign(unavailable(messages.engineDown), { cause: err });
    }
    return this.get(user, id);
  }

  private async startProcess(id: string, businessKey: string, documentKind: DeliveryDocumentKind): Promise<void> {
    const instance = await this.engine.startProcess(flow.processKey, businessKey, startVariablesOf(flow, { deliveryId: id, documentKind }));
    await this.deliveries.setProcessInstance(this.db, id, instance.id);
  }

  /**
   * Requests committed without their process (the API stopped between the two steps) get it now;
   * a process already running for the delivery is linked rather than started twice.
   */
  async resumeUnstartedDeliveries(olderThanMs = 60_000): Promise<number> {
    const pending = await this.deliveries.withoutProcess(new Date(Date.now() - olderThanMs));
    for (const r of pending) {
      const [existing] = await this.engine.processInstancesByVariable(flow.processKey, 'deliveryId', r.id);
      if (existing) await this.deliveries.setProcessInstance(this.db, r.id, existing.id);
      else await this.startProcess(r.id, r.business_key, r.document_kind);
    }
    return pending.length;
  }

  /** The user's own deliveries (of one case when given), with their tracking. */
  async list(user: CurrentUser, businessKey?: string): Promise<DeliveryView[]> {
    if (businessKey) await this.assertOwnCase(user, businessKey);
    return this.views(await this.deliveries.listByUser(user.id, businessKey));
  }

  async get(user: CurrentUser, id: string): Promise<DeliveryView> {
    const row = await this.deliveries.find(id);
    // 404 rather than 403, so that ids of other people's deliveries are not confirmed.
    if (!row || row.user_id !== user.id) throw notFound(messages.notFound);
    const [view] = await this.views([row]);
    return view!;
  }

  /**
   * The `courier-order` step: asks the platform for the waybill, with the delivery id as its
   * idempotency key, so a redelivered task (or one whose worker died between the platform's answer
   * and the commit here) gets the same waybill, never a second one. A refusal is a business outcome.
   */
  async orderWaybill(deliveryId: string, processInstanceId?: string): Promise<WaybillOutcome> {
    if (!this.courier) throw new Error('courier delivery is not configured');
    const row = await this.deliveries.find(deliveryId);
    if (!row) throw new Error(`delivery ${deliveryId} does not exist`);
    if (row.status === 'failed') return { kind: 'refused', reason: row.failure_reason ?? messages.unavailable };
    if (row.waybill_no) {
      await this.deliveries.recordWaybill(this.db, row.id, row.waybill_no, processInstanceId);
      return { kind: 'ordered', waybillNo: row.waybill_no };
    }
    const { platform, sender, notifyUrl } = this.courier;
    try {
      const waybill = await platform.createWaybill({
        orderNo: row.id,
        sender: { name: documents[row.document_kind].issuingOffice, ...sender },
        recipient: { name: row.recipient_name, phone: row.recipient_phone, district: row.district, address: row.address },
        itemDescription: row.item_description,
        notifyUrl,
      });
      await this.deliveries.recordWaybill(this.db, row.id, waybill.waybillNo, processInstanceId);
      return { kind: 'ordered', waybillNo: (await this.deliveries.find(row.id))?.waybill_no ?? waybill.waybillNo };
    } catch (err) {
      if (!(err instanceof CourierRefusedError)) throw err;
      const reason = `快递平台拒绝下单：${err.message}`;
      await this.deliveries.markFailed(row.id, reason);
      return { kind: 'refused', reason };
    }
  }

  /**
   * A verified tracking callback: the event is recorded once (waybill + event id), the delivery
   * moves forward (never back: callbacks may come out of order), and 已签收 is passed to the
   * delivery's process. Throws when the callback must be delivered again later.
   */
  async acceptCallback(notification: CourierNotification): Promise<void> {
    const status = statusOfEvent[notification.event.code];
    const row = await this.db.transaction(async (trx) => {
      const found = UUID.test(notification.orderNo) ? await this.deliveries.findForUpdate(trx, notification.orderNo) : undefined;
      if (!found) throw new DomainError(404, 'DELIVERY_UNKNOWN', messages.unknownDelivery);
      if (found.waybill_no && found.waybill_no !== notification.waybillNo) throw new DomainError(409, 'WAYBILL_MISMATCH', messages.waybillMismatch);
      // The callback may come before the ordering step stored the waybill.
      if (!found.waybill_no) await this.deliveries.recordWaybill(trx, found.id, notification.waybillNo);
      const e = notification.event;
      const inserted = await this.deliveries.addEvent(trx, { delivery_id: found.id, waybill_no: notification.waybillNo, event_id: e.eventId, status, description: e.description.slice(0, 200), location: e.location.slice(0, 100), occurred_at: e.at });
      const current = found.status === 'requested' ? 'ordered' : found.status;
      const next = inserted && rank(status) > rank(current) ? status : current;
      if (next !== found.status) await this.deliveries.setStatus(trx, found.id, next);
      return { ...found, status: next };
    });
    if (row.status === 'delivered' && !row.delivered_notified_at) await this.tellDelivered(row);
  }

  /** Ends the wait of the delivery's process, once; a process that has ended needs no message. */
  private async tellDelivered(row: DeliveryRow): Promise<void> {
    try {
      await this.engine.correlateMessage(flow.messages.courierDelivered, row.business_key, { waybillNo: row.waybill_no }, { deliveryId: row.id });
    } catch (err) {
      if (!(err instanceof EngineError) || err.status >= 500) throw Object.assign(unavailable(messages.notTold), { cause: err });
      // Nothing waits for the message: the process is still ordering (the platform will call again), or it has ended.
      const ended = row.process_instance_id !== null && (await this.processEnded(row.process_instance_id));
      if (!ended) throw Object.assign(unavailable(messages.notTold), { cause: err });
    }
    await this.deliveries.markNotified(row.id);
  }

  private async processEnded(processInstanceId: string): Promise<boolean> {
    try {
      await this.engine.processInstance(processInstanceId);
      return false;
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) return true;
      throw err;
    }
  }

  /** The person's own case (whether it exists at all is not told), or one they asked a delivery for. */
  private async assertOwnCase(user: CurrentUser, businessKey: string): Promise<void> {
    for (const owner of this.owners) if (await owner.isOwnCase(user, businessKey)) return;
    if (!(await this.deliveries.askedBy(user.id, businessKey))) throw notFound(messages.registrationNotFound);
  }

  /** The document exists for the person's own case: its owner case type says so. */
  private async assertDocumentIssued(user: CurrentUser, kind: DeliveryDocumentKind, businessKey: string): Promise<void> {
    const owner = this.owners.find((o) => o.kind === documents[kind].caseType);
    // No case type issues it yet (certificates come with qualification review).
    if (!owner) throw validationError([{ field: 'documentKind', message: messages.certificateNotIssued }]);
    const state = await owner.documentState(user, businessKey, kind);
    if (!state) throw notFound(messages.registrationNotFound);
    if (!state.issued) throw conflict('DOCUMENT_NOT_ISSUED', state.reason, 'businessKey');
  }

  private async views(rows: DeliveryRow[]): Promise<DeliveryView[]> {
    const events = await this.deliveries.events(rows.map((r) => r.id));
    const byDelivery = new Map<string, DeliveryEventRow[]>();
    // Times have the platform's one-second resolution and callbacks may come out of order: within a second, the step decides.
    const ordered = [...events].sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime() || rank(a.status) - rank(b.status));
    for (const e of ordered) byDelivery.set(e.delivery_id, [...(byDelivery.get(e.delivery_id) ?? []), e]);
    return rows.map((r) => ({
      id: r.id,
      businessKey: r.business_key,
      documentKind: r.document_kind,
      documentLabel: deliveryDocumentLabels[r.document_kind],
      recipientName: r.recipient_name,
      recipientPhoneMasked: maskPhone(r.recipient_phone),
      district: r.district,
      address: r.address,
      status: r.status,
      statusLabel: deliveryStatusLabels[r.status],
      waybillNo: r.waybill_no,
      failureReason: r.failure_reason,
      events: (byDelivery.get(r.id) ?? []).map((e) => ({ status: e.status, statusLabel: deliveryStatusLabels[e.status], description: e.description, location: e.location, at: e.occurred_at.toISOString() })),
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    }));
  }
}
