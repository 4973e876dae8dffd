import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { z } from 'zod';
import { inject } from 'vitest';
import { EngineClient } from '../../api/src/engine/engine-client';
import { TaskClient } from './task-client';
import { eventually } from '../../tests/support/test-env';

const env = inject('testEnv');
const engine = new EngineClient(env.engineRestUrl, env.engineUser, env.enginePassword);
const TOPIC = 'test-flaky-step';

/** A one-step process whose external task this test's own client handles. */
const model = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="test-worker-failures" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="step" camunda:type="external" camunda:topic="${TOPIC}"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="step"/><bpmn:sequenceFlow id="f2" sourceRef="step" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>`;

let client: TaskClient;
const attempts = new Map<string, number>();
const failUntil = new Map<string, number>();

beforeAll(async () => {
  await engine.deploy('test-worker-failures', [{ fileName: 'test-worker-failures.bpmn', content: model }]);
  client = new TaskClient({ baseUrl: env.engineRestUrl, username: env.engineUser, password: env.enginePassword, workerId: 'test-flaky', log: pino({ level: 'silent' }), asyncResponseTimeoutMs: 1_000 });
  client.register({
    topic: TOPIC,
    variables: z.object({ caseId: z.string() }),
    retries: 2,
    backoffMs: [200],
    async handle(task) {
      const n = (attempts.get(task.variables.caseId) ?? 0) + 1;
      attempts.set(task.variables.caseId, n);
      if (n <= (failUntil.get(task.variables.caseId) ?? 0)) throw new Error(`payment platform unreachable (attempt ${n})`);
      return { kind: 'complete', variables: { handledOnAttempt: n } };
    },
  });
  client.start();
});
afterAll(() => client.stop());

async function incidentsOf(instanceId: string): Promise<Array<{ incidentMessage: string }>> {
  const res = await fetch(`${env.engineRestUrl}/incident?processInstanceId=${instanceId}`, {
    headers: { authorization: `Basic ${Buffer.from(`${env.engineUser}:${env.enginePassword}`).toString('base64')}` },
  });
  return (await res.json()) as Array<{ incidentMessage: string }>;
}

describe('external-task adapter', () => {
  it('retries a technical failure with back-off and completes once the fault clears', async () => {
    failUntil.set('flaky', 1);
    const instance = await engine.startProcess('test-worker-failures', 'flaky', { caseId: 'flaky' });
    await eventually(async () => (await engine.processInstance(instance.id).catch(() => null)) === null, 'the instance to end', 20_000);
    expect(attempts.get('flaky')).toBe(2);
    expect(await incidentsOf(instance.id)).toEqual([]);
  });

  it('raises an incident with the cause when retries run out', async () => {
    failUntil.set('broken', 99);
    const instance = await engine.startProcess('test-worker-failures', 'broken', { caseId: 'broken' });
    const incidents = await eventually(async () => {
      const found = await incidentsOf(instance.id);
      return found.length ? found : undefined;
    }, 'an incident', 20_000);
    // retries: 2 means the first attempt and two retries.
    expect(incidents[0]!.incidentMessage).toBe('payment platform unreachable (attempt 3)');
    expect(attempts.get('broken')).toBe(3);
  });
});
