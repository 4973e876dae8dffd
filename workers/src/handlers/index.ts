import type { Db } from '../../../api/src/db/knex';
import type { EngineClient } from '../../../api/src/engine/engine-client';
import type { SecurityServices } from '../../../api/src/security/security-services';
import { RegistrationService } from '../../../api/src/modules/registration/registration.service';
import type { TopicHandler } from '../task-client';
import { eligibilityDecisionHandler } from './eligibility-decision.handler';
import { registrationReviewOutcomeHandler } from './registration-review-outcome.handler';
import { eReceiptHandler, paymentExpireHandler, paymentOrderHandler, paymentQueryHandler } from './payment.handlers';
import { PaymentService } from '../../../api/src/modules/payments/payment.service';
import type { PaymentDeps } from '../../../api/src/integrations/payment/payment-setup';
import { notifyHandler } from './notify.handler';
import { createNotifyService } from '../../../api/src/modules/notifications/notify-setup';
import type { NotifyChannels } from '../../../api/src/modules/notifications/notify.service';
import { courierOrderHandler } from './courier-order.handler';
import { DeliveryService } from '../../../api/src/modules/deliveries/delivery.service';
import type { CourierDeps } from '../../../api/src/integrations/courier/courier-setup';

/** External platforms the handlers talk to (real ones or their sandboxes). */
export interface WorkerIntegrations {
  payment?: PaymentDeps;
  /** 随申办 push and SMS for the `notify` step (G5). */
  notify?: NotifyChannels;
  /** The 一网通办 express module for the `courier-order` step (G6). */
  courier?: CourierDeps;
}

/** Every topic handler, wired to the domain services it calls. */
export function buildHandlers(db: Db, engine: EngineClient, security: SecurityServices, integrations: WorkerIntegrations = {}): TopicHandler[] {
  const registrations = new RegistrationService(db, security, engine);
  const handlers: TopicHandler[] = [eligibilityDecisionHandler(registrations), registrationReviewOutcomeHandler(registrations)];
  if (integrations.payment) {
    const p = integrations.payment;
    const payments = new PaymentService(db, security, engine, p.platform, p.receipts, p);
    handlers.push(paymentOrderHandler(payments), paymentQueryHandler(payments), paymentExpireHandler(payments), eReceiptHandler(payments));
  }
  if (integrations.notify) handlers.push(notifyHandler(createNotifyService(db, security, integrations.notify)));
  if (integrations.courier) handlers.push(courierOrderHandler(new DeliveryService(db, security, engine, integrations.courier)));
  return handlers;
}
