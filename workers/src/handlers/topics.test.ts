import { describe, expect, it } from 'vitest';
import type { Db } from '../../../api/src/db/knex';
import type { EngineClient } from '../../../api/src/engine/engine-client';
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
    const topics = buildHandlers(unused<Db>(), unused<EngineClient>(), unused<SecurityServices>(), integrations).map((h) => h.topic);
    expect(new Set(topics).size).toBe(topics.length);
    expect([...topics].sort()).toEqual([...HANDLED_TOPICS].sort());
  });
});
