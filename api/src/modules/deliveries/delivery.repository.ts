import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import type { DeliveryDocumentKind, DeliveryStatus, TrackingStatus } from '../../contracts/deliveries';
import type { FieldCipher } from '../../security/field-cipher';

/** A `deliveries` row with the recipient's phone and address decrypted. */
export interface DeliveryRow {
  id: string;
  case_type: string;
  business_key: string;
  document_kind: DeliveryDocumentKind;
  user_id: number;
  recipient_name: string;
  recipient_phone: string;
  district: string;
  address: string;
  item_description: string;
  status: DeliveryStatus;
  waybill_no: string | null;
  failure_reason: string | null;
  process_instance_id: string | null;
  delivered_notified_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type NewDelivery = Pick<DeliveryRow, 'id' | 'case_type' | 'business_key' | 'document_kind' | 'user_id' | 'recipient_name' | 'recipient_phone' | 'district' | 'address' | 'item_description'>;

export interface DeliveryEventRow {
  delivery_id: string;
  waybill_no: string;
  event_id: string;
  status: TrackingStatus;
  description: string;
  location: string;
  occurred_at: Date;
}

type Q = Db | Knex.Transaction;

/** `deliveries` and `delivery_events`: queries only; personal fields are SM4-encrypted here and nowhere else. */
export class DeliveryRepository {
  constructor(
    private readonly db: Db,
    private readonly cipher: FieldCipher,
  ) {}

  private open(row: DeliveryRow): DeliveryRow {
    return { ...row, recipient_phone: this.cipher.decrypt(row.recipient_phone), address: this.cipher.decrypt(row.address) };
  }

  async insert(trx: Knex.Transaction, row: NewDelivery): Promise<void> {
    await trx('deliveries').insert({ ...row, recipient_phone: this.cipher.encrypt(row.recipient_phone), address: this.cipher.encrypt(row.address), status: 'requested' });
  }

  async find(id: string, q: Q = this.db): Promise<DeliveryRow | undefined> {
    const row = await q<DeliveryRow>('deliveries').where({ id }).first();
    return row && this.open(row);
  }

  /** Locks the row for the rest of the transaction (callbacks of one waybill are applied one at a time). */
  async findForUpdate(trx: Knex.Transaction, id: string): Promise<DeliveryRow | undefined> {
    const row = await trx<DeliveryRow>('deliveries').where({ id }).forUpdate().first();
    return row && this.open(row);
  }

  /** The user's own deliveries, newest first; optionally of one case. */
  async listByUser(userId: number, businessKey?: string): Promise<DeliveryRow[]> {
    const q = this.db<DeliveryRow>('deliveries').where({ user_id: userId });
    if (businessKey) q.andWhere({ business_key: businessKey });
    return (await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])).map((r) => this.open(r));
  }

  /** The delivery of a document that is still under way or done (a failed one does not count). */
  activeFor(q: Q, caseType: string, businessKey: string, documentKind: string): Promise<{ id: string } | undefined> {
    return q('deliveries').where({ case_type: caseType, business_key: businessKey, document_kind: documentKind }).whereNot({ status: 'failed' }).first<{ id: string } | undefined>('id');
  }

  /** The deliveries of engine instances of the courier process (an inbox page); no personal fields. */
  ofProcessInstances(instanceIds: string[]): Promise<Array<Pick<DeliveryRow, 'case_type' | 'business_key' | 'document_kind' | 'status' | 'waybill_no' | 'failure_reason'> & { process_instance_id: string }>> {
    if (instanceIds.length === 0) return Promise.resolve([]);
    return this.db('deliveries')
      .whereRaw('process_instance_id = any(?)', [instanceIds])
      .select('process_instance_id', 'case_type', 'business_key', 'document_kind', 'status', 'waybill_no', 'failure_reason');
  }

  /** Whether the user asked for a delivery of a document of this case. */
  async askedBy(userId: number, businessKey: string): Promise<boolean> {
    return !!(await this.db('deliveries').where({ business_key: businessKey, user_id: userId }).first('id'));
  }

  /** Courier instances of the deliveries of these cases (an inbox search). */
  async instancesOfCases(businessKeys: string[]): Promise<string[]> {
    if (businessKeys.length === 0) return [];
    const rows: Array<{ process_instance_id: string }> = await this.db('deliveries').whereRaw('business_key = any(?)', [businessKeys]).whereNotNull('process_instance_id').select('process_instance_id');
    return rows.map((r) => r.process_instance_id);
  }

  async setProcessInstance(q: Q, id: string, processInstanceId: string): Promise<void> {
    await q('deliveries').where({ id }).update({ process_instance_id: processInstanceId, updated_at: q.fn.now() });
  }

  /** Takes back a request whose process could not be started (nothing else refers to it yet). */
  async remove(id: string): Promise<void> {
    await this.db('deliveries').where({ id }).whereNull('process_instance_id').delete();
  }

  /** Requests still waiting for their process, created before `before`. */
  withoutProcess(before: Date): Promise<Array<Pick<DeliveryRow, 'id' | 'business_key' | 'document_kind'>>> {
    return this.db('deliveries').whereNull('process_instance_id').where({ status: 'requested' }).where('created_at', '<', before).orderBy('created_at').select('id', 'business_key', 'document_kind');
  }

  /**
   * Stores the waybill the platform gave (once: a waybill already stored, by an earlier run of the
   * step or by a callback that came first, is kept) and the case it serves.
   */
  async recordWaybill(q: Q, id: string, waybillNo: string, processInstanceId?: string): Promise<void> {
    // One statement, so nobody sees the waybill without its status.
    await q('deliveries')
      .where({ id })
      .update({
        waybill_no: q.raw('coalesce(waybill_no, ?)', [waybillNo]),
        status: q.raw(`case when status = 'requested' then 'ordered' else status end`),
        process_instance_id: q.raw('coalesce(process_instance_id, ?)', [processInstanceId ?? null]),
        updated_at: q.fn.now(),
      });
  }

  async markFailed(id: string, reason: string): Promise<void> {
    await this.db('deliveries').where({ id }).whereNull('waybill_no').update({ status: 'failed', failure_reason: reason.slice(0, 200), updated_at: this.db.fn.now() });
  }

  /** Writes a tracking event once; false when the same event (waybill + event id) was already there. */
  async addEvent(trx: Knex.Transaction, event: DeliveryEventRow): Promise<boolean> {
    const inserted = await trx('delivery_events').insert(event).onConflict(['waybill_no', 'event_id']).ignore().returning('id');
    return inserted.length > 0;
  }

  async setStatus(trx: Knex.Transaction, id: string, status: DeliveryStatus): Promise<void> {
    await trx('deliveries').where({ id }).update({ status, updated_at: trx.fn.now() });
  }

  async markNotified(id: string): Promise<void> {
    await this.db('deliveries').where({ id }).whereNull('delivered_notified_at').update({ delivered_notified_at: this.db.fn.now() });
  }

  /** The tracking events of some deliveries, oldest first. */
  events(deliveryIds: string[]): Promise<DeliveryEventRow[]> {
    if (!deliveryIds.length) return Promise.resolve([]);
    return this.db<DeliveryEventRow>('delivery_events')
      .whereIn('delivery_id', deliveryIds)
      .orderBy([{ column: 'occurred_at', order: 'asc' }, { column: 'id', order: 'asc' }])
      .select('delivery_id', 'waybill_no', 'event_id', 'status', 'description', 'location', 'occurred_at');
  }
}
