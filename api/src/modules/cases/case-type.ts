import type { CurrentUser } from '../../contracts/auth';
import type { CaseDocument } from '../../contracts/cases';
import type { CaseSummary } from '../../contracts/case-summaries';

/** A case of an engine instance: its number (the instance's business key) and its summary. */
export interface CaseOfInstance {
  businessKey: string;
  processInstanceId: string;
  summary: CaseSummary;
}

/** An event the case's module recorded (an opinion, a payment), merged into the case view's timeline. */
export interface CaseEvent {
  at: Date;
  /** The module's event kind; `review-…` events are decisions of staff. */
  kind: string;
  title: string;
  detail: string | null;
  actor: string | null;
  failed: boolean;
}

/** The business side of a case view. */
export interface CaseDetails {
  title: string;
  statusLabel: string;
  /** The person whose case it is; anyone else sees the staff view. */
  ownerUserId: number | null;
  events: CaseEvent[];
  documents: CaseDocument[];
}

/** A search of the inbox: the cases found, by number and by their current engine instance. */
export interface CaseMatches {
  businessKeys: string[];
  processInstanceIds: string[];
}

/** What a case type does when a reviewer sends the case back to an earlier step (退回上一环节). */
export interface StepReturn {
  businessKey: string;
  taskId: string;
  /** The step being left and the step the case returns to (task definition keys). */
  fromStep: string;
  toStep: string;
  fromStepName: string;
  comment: string;
  user: CurrentUser;
}

/** 撤回: which decision can be taken back, while the case waits at which steps, and what follows. */
export interface WithdrawalRule {
  step: string;
  whileAt: ReadonlySet<string>;
  withdrawn(input: { businessKey: string; taskId: string; user: CurrentUser }): Promise<void>;
}

/**
 * A kind of case (报名, 快递寄递, later 资格复核 and 注册审批), declared by the module that owns it. The
 * inbox, the case view, task attachments and urges serve every registered type through this and know
 * none of them by name.
 */
export interface CaseType {
  readonly kind: CaseSummary['kind'];
  /** 考试报名, 快递寄递 … */
  readonly label: string;
  /** Processes whose instances are cases of this type (their business key is the case's number). */
  readonly processKeys: readonly string[];
  /** Names people know the type's user steps by, where the model's own name is not the one to show. */
  readonly stepNames?: Readonly<Record<string, string>>;
  /** The cases of engine instances (a page of tasks), by instance id, in one query; unknown instances are left out. */
  casesOfInstances(processInstanceIds: string[]): Promise<Map<string, CaseOfInstance>>;
  /** Cases matching an inbox search (the number exactly, the person's name in part). */
  search(text: string, limit: number): Promise<CaseMatches>;
  /**
   * The business side of the case view, when `businessKey` is a case of this type: null when it is
   * not; a 404 when the user may not see it (data scope).
   */
  details(user: CurrentUser, businessKey: string): Promise<CaseDetails | null>;
  /** Whether a member of staff may read the case's internal documents (task attachments). */
  staffMayRead(user: CurrentUser, businessKey: string): Promise<boolean>;
  /** Brings the business record along when 退回上一环节 moves the case back; omitted when nothing follows. */
  returnedToStep?(input: StepReturn): Promise<void>;
  /** 撤回 of a decision, where the type allows it. */
  readonly withdrawal?: WithdrawalRule;
}

/** The registered case types, looked up by process key or kind. */
export class CaseTypeRegistry {
  private readonly byProcess = new Map<string, CaseType>();

  constructor(readonly types: readonly CaseType[]) {
    for (const type of types)
      for (const key of type.processKeys) {
        if (this.byProcess.has(key)) throw new Error(`process ${key} is registered by two case types`);
        this.byProcess.set(key, type);
      }
  }

  get processKeys(): string[] {
    return [...this.byProcess.keys()];
  }

  /** The case type of an engine process definition (`key:version:id`) or key. */
  ofProcess(processDefinitionIdOrKey: string): CaseType | undefined {
    return this.byProcess.get(processDefinitionIdOrKey.split(':')[0]!);
  }

  /** The name people know a step by (资格审核), else the model's name. */
  stepName(taskDefinitionKey: string, modelName?: string | null): string {
    for (const type of this.types) {
      const name = type.stepNames?.[taskDefinitionKey];
      if (name) return name;
    }
    return modelName ?? taskDefinitionKey;
  }

  /** The cases of a page of engine instances of any type, by instance id (one query per type present). */
  async casesOfInstances(instances: Array<{ processInstanceId: string; processDefinitionId?: string | undefined }>): Promise<Map<string, CaseOfInstance>> {
    const groups = new Map<CaseType, Set<string>>();
    for (const i of instances) {
      const types = i.processDefinitionId ? [this.ofProcess(i.processDefinitionId)].filter((t): t is CaseType => !!t) : this.types;
      for (const type of types) {
        const set = groups.get(type) ?? new Set<string>();
        set.add(i.processInstanceId);
        groups.set(type, set);
      }
    }
    const found = await Promise.all([...groups].map(([type, ids]) => type.casesOfInstances([...ids])));
    return new Map(found.flatMap((m) => [...m]));
  }

  /** Cases of every type matching an inbox search. */
  async search(text: string, limit: number): Promise<CaseMatches> {
    const found = await Promise.all(this.types.map((t) => t.search(text, limit)));
    return { businessKeys: [...new Set(found.flatMap((f) => f.businessKeys))], processInstanceIds: [...new Set(found.flatMap((f) => f.processInstanceIds))] };
  }

  /** The business side of a case view from the type that owns the number; null when none does. */
  async details(user: CurrentUser, businessKey: string): Promise<CaseDetails | null> {
    for (const type of this.types) {
      const details = await type.details(user, businessKey);
      if (details) return details;
    }
    return null;
  }

  async staffMayRead(user: CurrentUser, businessKey: string): Promise<boolean> {
    for (const type of this.types) if (await type.staffMayRead(user, businessKey)) return true;
    return false;
  }
}
