import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, inject } from 'vitest';
import { ENGINE_DIR, ENGINE_JAR, engineSourceHash, ensureEngineJar } from './engine';

const HASH_FILE = path.join(ENGINE_DIR, 'target', '.build-hash');

describe('engine jar', () => {
  it(
    'is built once with the Maven wrapper and not rebuilt while the sources are unchanged',
    async () => {
      const jar = await ensureEngineJar(() => {});
      expect(jar).toBe(ENGINE_JAR);
      expect(fs.statSync(jar).size).toBeGreaterThan(1_000_000);
      const hash = fs.readFileSync(HASH_FILE, 'utf8');
      expect(hash.trim()).toBe(engineSourceHash());
      const jarMtime = fs.statSync(jar).mtimeMs;
      const hashMtime = fs.statSync(HASH_FILE).mtimeMs;

      const messages: string[] = [];
      const started = Date.now();
      const again = await ensureEngineJar((m) => messages.push(m));
      expect(again).toBe(jar);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(messages).toEqual([]);
      expect(fs.readFileSync(HASH_FILE, 'utf8')).toBe(hash);
      expect(fs.statSync(HASH_FILE).mtimeMs).toBe(hashMtime);
      expect(fs.statSync(jar).mtimeMs).toBe(jarMtime);
    },
    15 * 60_000,
  );
});

/** The engine the test run started (tests/setup/global-setup.ts), as npm start runs it. */
describe('engine process', () => {
  const env = inject('testEnv');
  const auth = { authorization: `Basic ${Buffer.from(`${env.engineUser}:${env.enginePassword}`).toString('base64')}` };
  const bpmn = (ttl: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="urn:test">
  <bpmn:process id="engine-test" isExecutable="true"${ttl}>
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
  const deploy = (xml: string): Promise<Response> => {
    const form = new FormData();
    form.set('deployment-name', 'engine-test');
    form.set('deploy-changed-only', 'true');
    form.set('data', new Blob([xml], { type: 'text/xml' }), 'engine-test.bpmn');
    return fetch(`${env.engineRestUrl}/deployment/create`, { method: 'POST', headers: auth, body: form });
  };

  it('serves the REST API only with credentials', async () => {
    expect((await fetch(`${env.engineRestUrl}/engine`)).status).toBe(401);
    expect((await fetch(`${env.engineRestUrl}/task`)).status).toBe(401);
    const engines = await fetch(`${env.engineRestUrl}/engine`, { headers: auth });
    expect(await engines.json()).toEqual([{ name: 'default' }]);
  });

  it('refuses a model without historyTimeToLive and accepts one that declares it', async () => {
    expect((await deploy(bpmn(''))).status).toBe(400);
    expect((await deploy(bpmn(' camunda:historyTimeToLive="P180D"'))).status).toBe(200);
  });

  it('serves Cockpit for operators', async () => {
    const cockpit = await fetch(env.engineRestUrl.replace('/engine-rest', '/operaton/app/cockpit/'), { redirect: 'manual' });
    expect([200, 302]).toContain(cockpit.status);
  });
});
