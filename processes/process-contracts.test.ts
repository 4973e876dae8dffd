import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { DmnModdle } from 'dmn-moddle';
import type { ModdleElement } from 'bpmn-moddle';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { decisionModels, flows, HANDLED_TOPICS } from '../api/src/contracts/flows';
import type { FlowContract } from '../api/src/contracts/flows/flow';
import { isKnownFormKey } from '../api/src/contracts/processes';
import { executableProcesses, flowElementsOf, readBpmn } from '../api/src/modules/processes/model-check';
import { processesDir } from '../api/src/modules/processes/process-deployment.service';

/**
 * Every model in processes/ against its contract in api/src/contracts/flows/ (U2): what the code and
 * the workers rely on exists in the model, and what the model needs exists in the code.
 */
const require = createRequire(import.meta.url);
const dmnModdle = new DmnModdle({ camunda: require('camunda-dmn-moddle/resources/camunda.json') as Record<string, unknown> });

const list = (v: unknown): ModdleElement[] => (Array.isArray(v) ? (v as ModdleElement[]) : []);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const filesEnding = (ext: string) => fs.readdirSync(processesDir).filter((f) => f.endsWith(ext)).sort();
const keysOf = (schema: z.ZodType): string[] => {
  expect(schema).toBeInstanceOf(z.ZodObject);
  return Object.keys((schema as z.ZodObject).shape).sort();
};

interface BpmnModel {
  file: string;
  /** Null unless the file holds exactly one executable process. */
  processKey: string | null;
  elements: ModdleElement[];
  roots: ModdleElement[];
  flow: FlowContract | undefined;
}

const bpmnModels: BpmnModel[] = await Promise.all(
  filesEnding('.bpmn').map(async (file) => {
    const definitions = await readBpmn(fs.readFileSync(path.join(processesDir, file), 'utf8'));
    const processes = executableProcesses(definitions);
    const processKey = processes.length === 1 ? (processes[0]!.id ?? null) : null;
    const flow: FlowContract | undefined = flows.find((f) => f.processKey === processKey);
    return { file, processKey, elements: flowElementsOf(definitions), roots: list(definitions.rootElements), flow };
  }),
);

const dmnDecisions: Array<{ file: string; decision: ModdleElement }> = (
  await Promise.all(
    filesEnding('.dmn').map(async (file) => {
      const { rootElement } = await dmnModdle.fromXML(fs.readFileSync(path.join(processesDir, file), 'utf8'), 'dmn:Definitions');
      return list(rootElement.drgElement)
        .filter((e) => e.$type === 'dmn:Decision')
        .map((decision) => ({ file, decision }));
    }),
  )
).flat();

/** The external-task topics of an element (service-like tasks and message events with `camunda:type="external"`). */
function topicsOf(el: ModdleElement): string[] {
  const carriers = [el, ...list(el.eventDefinitions).filter((d) => d.$type === 'bpmn:MessageEventDefinition')];
  return carriers.flatMap((c) => (str(c.get('camunda:type')) === 'external' ? [str(c.get('camunda:topic')) ?? ''] : []));
}

const contractOf = (m: BpmnModel): FlowContract => {
  expect(m.flow, `${m.file}: a contract in api/src/contracts/flows/ with processKey ${m.processKey}`).toBeDefined();
  return m.flow!;
};

describe('process contracts: every model in processes/ against api/src/contracts/flows/', () => {
  it('U1 U2 every model file has a contract and every contract its model', () => {
    expect(bpmnModels.length).toBeGreaterThan(0);
    for (const m of bpmnModels) {
      expect(m.processKey, `${m.file}: one executable process`).not.toBeNull();
      contractOf(m);
    }
    expect(flows.map((f) => f.processKey).sort()).toEqual(bpmnModels.map((m) => m.processKey).sort());

    expect(dmnDecisions.length).toBeGreaterThan(0);
    const contracted = decisionModels.flatMap((d) => Object.values(d.decisions).map((c) => c.key));
    expect(new Set(contracted).size).toBe(contracted.length);
    expect(dmnDecisions.map((d) => d.decision.id).sort()).toEqual([...contracted].sort());
  });

  it('U2 every external-task topic has a handler and an entry in its flow\'s contract; every contract topic is in its model', () => {
    for (const m of bpmnModels) {
      const flow = contractOf(m);
      const used = new Set(m.elements.flatMap(topicsOf));
      for (const topic of used) {
        expect(HANDLED_TOPICS, `${m.file}: topic "${topic}" has a worker`).toContain(topic);
        expect(Object.keys(flow.topics), `${m.file}: topic "${topic}" is in the contract`).toContain(topic);
      }
      expect([...used].sort(), `${m.file}: the contract names no topic the model does not use`).toEqual(Object.keys(flow.topics).sort());
    }
  });

  it('U2 every user task\'s form key names a console view or a stored form its contract declares', () => {
    for (const m of bpmnModels) {
      const flow = contractOf(m);
      const declared = new Set(flow.storedForms ?? []);
      const used = new Set<string>();
      for (const task of m.elements.filter((e) => e.$type === 'bpmn:UserTask')) {
        const formKey = str(task.get('camunda:formKey'));
        expect(formKey, `${m.file}: ${task.id} has a form key`).not.toBeNull();
        if (formKey!.startsWith('form:')) used.add(formKey!.slice('form:'.length));
        expect(isKnownFormKey(formKey!, declared), `${m.file}: ${task.id} form "${formKey}"`).toBe(true);
      }
      // The database's forms are checked at deploy time; a stored form in the contract is one the model uses.
      expect([...declared].sort(), `${m.file}: stored forms`).toEqual([...used].sort());
    }
  });

  it('U2 every activity id, message name and error code a contract names exists in its model; every message of a model is in its contract', () => {
    for (const m of bpmnModels) {
      const flow = contractOf(m);
      const ids = new Set(m.elements.map((e) => e.id));
      for (const [name, id] of Object.entries(flow.activities)) expect(ids.has(id), `${m.file}: activity ${name} = ${id}`).toBe(true);

      const messages = m.roots.filter((r) => r.$type === 'bpmn:Message').map((r) => str(r.name));
      expect(messages.sort(), `${m.file}: messages`).toEqual(Object.values(flow.messages).sort());

      const errorCodes = new Set(m.roots.filter((r) => r.$type === 'bpmn:Error').map((r) => str(r.get('errorCode'))));
      for (const [name, code] of Object.entries(flow.errors ?? {})) expect(errorCodes.has(code), `${m.file}: error ${name} = ${code}`).toBe(true);
    }
  });

  it('U2 every variable a user task\'s assignment names is a start variable of its flow', () => {
    for (const m of bpmnModels) {
      const starts = keysOf(contractOf(m).startVariables);
      for (const task of m.elements.filter((e) => e.$type === 'bpmn:UserTask')) {
        const assignment = ['camunda:assignee', 'camunda:candidateGroups', 'camunda:candidateUsers'].map((a) => str(task.get(a)) ?? '').join(' ');
        for (const [, variable] of assignment.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
          expect(starts, `${m.file}: ${task.id} names \${${variable}}`).toContain(variable);
        }
      }
    }
  });

  it('U3 every decision\'s inputs and outputs are those its contract names', () => {
    const contracts = new Map<string, (typeof decisionModels)[number]['decisions'][keyof (typeof decisionModels)[number]['decisions']]>(
      decisionModels.flatMap((d) => Object.values(d.decisions)).map((c) => [c.key, c]),
    );
    for (const { file, decision } of dmnDecisions) {
      const contract = contracts.get(decision.id!);
      expect(contract, `${file}: decision ${decision.id}`).toBeDefined();
      const table = decision.decisionLogic as ModdleElement;
      const inputs = list(table.input).map((i) => str(i.get('camunda:inputVariable')) ?? str((i.inputExpression as ModdleElement | undefined)?.text));
      const outputs = list(table.output).map((o) => str(o.name));
      expect(inputs.sort(), `${file}: inputs of ${decision.id}`).toEqual(keysOf(contract!.inputs));
      expect(outputs.sort(), `${file}: outputs of ${decision.id}`).toEqual(keysOf(contract!.outputs));
    }
  });
});
