import { describe, expect, it } from 'vitest';
import type { Services } from '../../../api/src/composition';
import type { PaymentService } from '../../../api/src/modules/payments/payment.service';
import type { NotifyService } from '../../../api/src/modules/notifications/notify.service';
import { buildHandlers, type WorkerIntegrations } from './index';
import { HANDLED_TOPICS } from '../../../api/src/contracts/flows';

describe('handled topics', () => {
  it('U2: HANDLED_TOPICS lists exactly the topics of buildHandlers with every integration wired', () => {
    // Building a handler only wires services; nothing here touches a database, engine or platform.
    const unused = <T>(): T => ({}) as T;
    const integrations: Required<WorkerIntegrations> = {
      payment: unused<Required<WorkerIntegrations>['payment']>(),
      notify: unused<Required<WorkerIntegrations>['notify']>(),
      courier: unused<Required<WorkerIntegrations>['courier']>(),
    };
    const services: Services = { ...unused<Services>(), payments: unused<PaymentService>(), notify: unused<NotifyService>() };
    const topics = buildHandlers(services, integrations).map((h) => h.topic);
    expect(new Set(topics).size).toBe(topics.length);
    expect([...topics].sort()).toEqual([...HANDLED_TOPICS].sort());
  });
});
