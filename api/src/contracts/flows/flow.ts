import { z } from 'zod';

/**
 * A flow is a contract (DESIGN.md, "Flows as modules"): what the code may rely on in a BPMN model,
 * written once beside the model and checked against it (`processes/process-contracts.test.ts`) and
 * against the workers (`workers/src/handlers/topics.test.ts`).
 */

/** A value the engine stores for our flows: ids and the few values gateways need, never documents. */
export type VariableValue = string | number | boolean | null;

/** A set of process variables the code writes: every value one the engine stores. */
export type VariableSchema = z.ZodType<{ [name: string]: VariableValue | undefined }>;

/** One external-task topic: the variables its handler reads and those it completes with. */
export interface TopicContract {
  /** Parsed by the handler; variables it does not name are ignored. */
  input: z.ZodType;
  output: VariableSchema;
}

export interface FlowContract {
  /** The id of the model's executable process (and the case type of its instances' business keys). */
  processKey: string;
  /** BPMN ids of the activities the code names (tasks it queries or completes, steps it moves a case to). */
  activities: Readonly<Record<string, string>>;
  /** Names of the messages the code correlates. */
  messages: Readonly<Record<string, string>>;
  /** Codes of the BPMN errors handlers raise (the model catches each with an error event). */
  errors?: Readonly<Record<string, string>>;
  /** Stored forms (U3) the model's user tasks name as `form:<key>`, seeded by a migration. */
  storedForms?: readonly string[];
  /** What the code starts an instance with. */
  startVariables: VariableSchema;
  /** Every external-task topic of the model; a worker handles each. */
  topics: Readonly<Record<string, TopicContract>>;
}

/** Keeps the literal ids and the schemas' types, so callers are checked against the contract. */
export function defineFlow<const F extends FlowContract>(flow: F): F {
  return flow;
}

/** One DMN decision: its key and the names (and types) of its inputs and outputs. */
export interface DecisionContract {
  key: string;
  /** The decision's input variables (`camunda:inputVariable`, else the input expression). */
  inputs: z.ZodObject;
  /** The names of its outputs; a rule may leave an output empty (null). */
  outputs: z.ZodObject;
}

export interface DecisionsContract {
  decisions: Readonly<Record<string, DecisionContract>>;
}

export function defineDecisions<const D extends DecisionsContract>(decisions: D): D {
  return decisions;
}

/** The variables to start an instance of `flow` with, checked against its contract. */
export function startVariablesOf<F extends FlowContract>(flow: F, values: z.input<F['startVariables']>): Record<string, VariableValue> {
  const parsed = flow.startVariables.parse(values);
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, VariableValue] => entry[1] !== undefined));
}
