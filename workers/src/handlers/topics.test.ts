import { describe, expect, it } from 'vitest';
import type { Db } from '../../../api/src/db/knex';
import type { Services } from '../../../api/src/composition';
import type { PaymentService } from '../../../api/src/modules/payments/payment.service';
import type { SecurityServices } from '../../../api/src/security/security-services';
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
    const services: Services = { ...unused<Services>(), payments: unused<PaymentService>() };
    const topics = buildHandlers(services, unused<Db>(), unused<SecurityServices>(), integrations).map((h) => h.topic);
    expect(new Set(topics).size).toBe(topics.length);
    expect([...topics].sort()).toEqual([...HANDLED_TOPICS].sort());
  });
});
