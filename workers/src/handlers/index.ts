import type { Logger } from 'pino';
import type { Db } from '../../../api/src/db/knex';
import type { EngineClient } from '../../../api/src/engine/engine-client';
import type { SecurityServices } from '../../../api/src/security/security-services';
import { composeServices, type Services } from '../../../api/src/composition';
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

/** The services of the worker process: the same composition as the API's. */
export function workerServices(db: Db, engine: EngineClient, security: SecurityServices, log: Logger, integrations: WorkerIntegrations = {}, paymentQueryCycle?: string): Services {
  return composeServices({ db, engine, security, log, paymentQueryCycle, payment: integrations.payment, courier: integrations.courier, notify: integrations.notify });
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
