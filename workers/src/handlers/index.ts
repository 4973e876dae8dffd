import type { Services } from '../../../api/src/composition';
import type { TopicHandler } from '../task-client';
import { eligibilityDecisionHandler } from './eligibility-decision.handler';
import { registrationReviewOutcomeHandler } from './registration-review-outcome.handler';
import { eReceiptHandler, paymentExpireHandler, paymentOrderHandler, paymentQueryHandler } from './payment.handlers';
import type { PaymentDeps } from '../../../api/src/integrations/payment/payment-setup';
import { notifyHandler } from './notify.handler';
import type { NotifyChannels } from '../../../api/src/modules/notifications/notify.service';
import { courierOrderHandler } from './courier-order.handler';
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
export function buildHandlers(services: Services, integrations: WorkerIntegrations = {}): TopicHandler[] {
  const handlers: TopicHandler[] = [eligibilityDecisionHandler(services.registrations), registrationReviewOutcomeHandler(services.registrations)];
  if (services.payments) {
    const payments = services.payments;
    handlers.push(paymentOrderHandler(payments), paymentQueryHandler(payments), paymentExpireHandler(payments), eReceiptHandler(payments));
  }
  if (services.notify) handlers.push(notifyHandler(services.notify));
  if (integrations.courier) handlers.push(courierOrderHandler(services.deliveries));
  return handlers;
}
