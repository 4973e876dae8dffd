import type { DeliveryCaseSummary } from '../../contracts/case-summaries';
import type { CurrentUser } from '../../contracts/auth';
import { deliveryDocumentLabels, deliveryStatusLabels, type DeliveryDocumentKind } from '../../contracts/deliveries';
import type { CaseMatches, CaseOfInstance, CaseType } from '../cases/case-type';
import type { DeliveryRepository } from './delivery.repository';
import { courierDeliveryFlow } from '../../contracts/flows/courier-delivery';

/** Whether a case's document can be sent: it exists, or why not. */
export type DocumentState = { issued: true } | { issued: false; reason: string };

/** A case type whose documents can be sent by courier: it checks the request and names its cases for the delivery's row. */
export interface DocumentOwner {
  /** `deliveries.case_type` of its documents. */
  readonly kind: string;
  /** Whether the case is the person's own. */
  isOwnCase(user: CurrentUser, businessKey: string): Promise<boolean>;
  /** The document of the person's own case; null when the case is not theirs (or does not exist). */
  documentState(user: CurrentUser, businessKey: string, documentKind: DeliveryDocumentKind): Promise<DocumentState | null>;
  summaries(businessKeys: string[]): Promise<Map<string, DeliveryCaseSummary['owner']>>;
  search(text: string, limit: number): Promise<CaseMatches>;
}

/**
 * 快递寄递 as a case type: the reusable courier process runs under the business key of the case whose
 * document it carries, so its rows (快递异常处理, for exam admins) show that case beside the delivery.
 * It owns no case number of its own: the case view is the owner's.
 */
export class DeliveryCaseType implements CaseType {
  readonly kind = 'courier-delivery' as const;
  readonly label = '快递寄递';
  readonly processKeys = [courierDeliveryFlow.processKey];

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly owners: readonly DocumentOwner[],
  ) {}

  async casesOfInstances(processInstanceIds: string[]): Promise<Map<string, CaseOfInstance>> {
    const rows = await this.deliveries.ofProcessInstances(processInstanceIds);
    const found = new Map<string, CaseOfInstance>();
    for (const owner of this.owners) {
      const mine = rows.filter((r) => r.case_type === owner.kind);
      if (mine.length === 0) continue;
      const summaries = await owner.summaries([...new Set(mine.map((r) => r.business_key))]);
      for (const r of mine) {
        const ownerSummary = summaries.get(r.business_key);
        if (!ownerSummary) continue;
        const documentLabel = deliveryDocumentLabels[r.document_kind] ?? r.document_kind;
        found.set(r.process_instance_id, {
          businessKey: r.business_key,
          processInstanceId: r.process_instance_id,
          summary: {
            kind: 'courier-delivery',
            businessKey: r.business_key,
            title: `${documentLabel} · ${ownerSummary.title}`,
            documentKind: r.document_kind,
            documentLabel,
            status: r.status,
            statusLabel: deliveryStatusLabels[r.status] ?? r.status,
            waybillNo: r.waybill_no,
            failureReason: r.failure_reason,
            owner: ownerSummary,
          },
        });
      }
    }
    return found;
  }

  /** The deliveries of the owners' cases that match. */
  async search(text: string, limit: number): Promise<CaseMatches> {
    const found = await Promise.all(this.owners.map((o) => o.search(text, limit)));
    const businessKeys = [...new Set(found.flatMap((f) => f.businessKeys))];
    return { businessKeys, processInstanceIds: await this.deliveries.instancesOfCases(businessKeys) };
  }

  /** The case view of a delivery is its owner's. */
  details(): Promise<null> {
    return Promise.resolve(null);
  }

  staffMayRead(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

