import { createRequire } from 'node:module';
import { BpmnModdle, type ModdleElement } from 'bpmn-moddle';
import { isKnownFormKey, type ModelProblem, type ValidationResult } from '../../contracts/processes';
import { validationError } from '../../http/errors';
import { HANDLED_TOPICS } from '../../contracts/flows';

const require = createRequire(import.meta.url);

/** bpmnlint's public surface as used here (a CommonJS package without types). */
interface LintReport {
  id?: string;
  message: string;
  category: 'error' | 'warn' | 'info' | 'off' | 'rule-error';
}
interface BpmnLinter {
  lint(definitions: ModdleElement): Promise<Record<string, LintReport[]>>;
}
type LinterCtor = new (options: { config: { extends: string[]; rules: Record<string, string> }; resolver: unknown }) => BpmnLinter;
type ResolverCtor = new (options: { require: NodeRequire }) => unknown;

const { Linter } = require('bpmnlint') as { Linter: LinterCtor };
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as ResolverCtor;
const camundaDescriptor = require('camunda-bpmn-moddle/resources/camunda.json') as Record<string, unknown>;

/**
 * bpmnlint's recommended rules plus the camunda-compat rules for Camunda 7 (the engine is Operaton, a
 * Camunda 7 fork). The plugin's `camunda-platform-7-x` configs hold only history-time-to-live, as
 * info; here it is an error (the engine refuses such a model by default).
 */
const LINT_CONFIG = {
  extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-platform-7-24'],
  rules: { 'camunda-compat/history-time-to-live': 'error' },
};

/** Chinese texts for the rules' reports; bpmnlint writes English. */
const LINT_MESSAGES: Record<string, string> = {
  'label-required': '元素缺少名称',
  'no-disconnected': '元素未与流程连接',
  'end-event-required': '流程缺少结束事件',
  'start-event-required': '流程缺少开始事件',
  'no-implicit-split': '存在隐式分支，请使用网关',
  'no-implicit-end': '存在隐式结束，请连接结束事件',
  'no-implicit-start': '存在隐式开始，请从开始事件连接',
  'conditional-flows': '条件分支缺少条件或默认流',
  'event-based-gateway': '事件网关的配置不正确',
  'no-bpmndi': '元素缺少图形信息',
  'no-complex-gateway': '不支持复杂网关',
  'no-duplicate-sequence-flows': '存在重复的顺序流',
  'no-gateway-join-fork': '同一网关不能既汇聚又分支',
  'single-blank-start-event': '只能有一个空开始事件',
  'single-event-definition': '一个事件只能有一个事件定义',
  'sub-process-blank-start-event': '子流程须以空开始事件开始',
  'event-sub-process-typed-start-event': '事件子流程的开始事件须有类型',
  'ad-hoc-sub-process': '自由子流程的配置不正确',
  'link-event': '链接事件的配置不正确',
  'fake-join': '多个入口流未经网关汇聚',
  global: '全局元素未被引用或重复定义',
  'no-inclusive-gateway': '包容网关须谨慎使用',
  'no-overlapping-elements': '图形元素重叠',
  'superfluous-gateway': '多余的网关',
  'superfluous-label': '多余的标签',
  'superfluous-termination': '多余的终止结束事件',
  'camunda-compat/history-time-to-live': '流程须配置历史数据保留时间（historyTimeToLive）',
};

const moddle = new BpmnModdle({ camunda: camundaDescriptor });
const resolver = new NodeResolver({ require });

/** Reads BPMN XML; malformed XML is the caller's input error. */
export async function readBpmn(xml: string): Promise<ModdleElement> {
  try {
    return (await moddle.fromXML(xml)).rootElement;
  } catch {
    throw validationError([{ field: 'xml', message: '流程模型不是有效的 BPMN XML' }]);
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const list = (v: unknown): ModdleElement[] => (Array.isArray(v) ? (v as ModdleElement[]) : []);

/** Every flow element of the processes (sub-processes included), with the processes themselves. */
export function flowElementsOf(definitions: ModdleElement): ModdleElement[] {
  const out: ModdleElement[] = [];
  const visit = (container: ModdleElement) => {
    for (const el of list(container.flowElements)) {
      out.push(el);
      if (list(el.flowElements).length) visit(el);
    }
  };
  for (const root of list(definitions.rootElements)) {
    if (root.$type !== 'bpmn:Process') continue;
    out.push(root);
    visit(root);
  }
  for (const root of list(definitions.rootElements)) if (root.$type === 'bpmn:Collaboration') out.push(...list(root.participants));
  return out;
}

/** The executable processes of a model (the engine deploys each as a process definition). */
export function executableProcesses(definitions: ModdleElement): ModdleElement[] {
  return list(definitions.rootElements).filter((r) => r.$type === 'bpmn:Process' && r.isExecutable === true);
}

/**
 * Checks a model before deployment (U2): bpmnlint with the Camunda 7 rules, our own Camunda 7
 * checks (external tasks need a topic, user tasks someone to do them), and the contract with this
 * system: every external-task topic has a worker, every form key a console view.
 */
export class ModelChecker {
  constructor(
    private readonly topics: readonly string[] = HANDLED_TOPICS,
    /** Keys of the form-js forms designed in the console (U3); a user task names one as `form:<key>`. */
    private readonly storedForms: () => Promise<ReadonlySet<string>> = async () => new Set(),
  ) {}

  async check(xml: string): Promise<ValidationResult> {
    const definitions = await readBpmn(xml);
    const forms = await this.storedForms();
    const elements = flowElementsOf(definitions);
    const names = new Map(elements.map((e) => [e.id ?? '', str(e.name)]));
    const problem = (p: Omit<ModelProblem, 'elementName'>): ModelProblem => ({ ...p, elementName: names.get(p.elementId) ?? null });

    const problems: ModelProblem[] = [];
    const processes = executableProcesses(definitions);
    const processKey = processes.length === 1 ? (processes[0]?.id ?? null) : null;
    if (processes.length !== 1) {
      problems.push(
        problem({
          elementId: definitions.id ?? 'Definitions',
          source: 'lint',
          rule: 'single-executable-process',
          severity: 'error',
          message: processes.length === 0 ? '模型中没有可执行的流程（请勾选“可执行”）' : '一个模型只能包含一个可执行流程',
        }),
      );
    }

    // A fresh linter per model: bpmnlint caches rule instances, and some rules keep state per run.
    const reports = await new Linter({ config: LINT_CONFIG, resolver }).lint(definitions);
    for (const [rule, entries] of Object.entries(reports)) {
      for (const r of entries) {
        if (r.category === 'off') continue;
        const text = LINT_MESSAGES[rule] ?? `模型检查未通过：${r.message}`;
        problems.push(
          problem({
            elementId: r.id ?? processKey ?? 'Definitions',
            source: 'lint',
            rule,
            severity: r.category === 'error' ? 'error' : 'warning',
            message: text,
          }),
        );
      }
    }

    for (const el of elements) problems.push(...this.checkElement(el, forms).map(problem));
    return { valid: !problems.some((p) => p.severity === 'error'), processKey, problems };
  }

  private checkElement(el: ModdleElement, forms: ReadonlySet<string>): Array<Omit<ModelProblem, 'elementName'>> {
    const id = el.id ?? '';
    const out: Array<Omit<ModelProblem, 'elementName'>> = [];
    const lint = (rule: string, message: string) => out.push({ elementId: id, source: 'lint', rule, severity: 'error', message });
    const contract = (rule: string, message: string) => out.push({ elementId: id, source: 'contract', rule, severity: 'error', message });

    // External implementations: service, send and business-rule tasks, and message throw events.
    const carriers = [el, ...list(el.eventDefinitions).filter((d) => d.$type === 'bpmn:MessageEventDefinition')];
    for (const carrier of carriers) {
      if (str(carrier.get('camunda:type')) !== 'external') continue;
      const topic = str(carrier.get('camunda:topic'));
      if (!topic) lint('camunda-external-topic', '外部任务须配置主题（topic）');
      else if (!this.topics.includes(topic)) contract('handled-topic', `外部任务主题“${topic}”没有对应的处理程序`);
    }
    if (el.$type === 'bpmn:ServiceTask' || el.$type === 'bpmn:SendTask') {
      const implemented = ['camunda:type', 'camunda:class', 'camunda:expression', 'camunda:delegateExpression'].some((a) => str(el.get(a)));
      const connector = list((el.extensionElements as ModdleElement | undefined)?.values).some((v) => v.$type === 'camunda:Connector');
      if (!implemented && !connector) lint('camunda-implementation', '服务任务须配置实现方式（建议使用外部任务）');
    }
    if (el.$type === 'bpmn:UserTask') {
      if (!['camunda:assignee', 'camunda:candidateGroups', 'camunda:candidateUsers'].some((a) => str(el.get(a)))) {
        lint('camunda-user-task-assignment', '用户任务须指定办理人、候选组或候选人');
      }
      const formKey = str(el.get('camunda:formKey'));
      if (formKey && !isKnownFormKey(formKey, forms)) contract('known-form-key', `表单“${formKey}”不存在，请选择已登记的表单`);
      if (!formKey && !str(el.get('camunda:formRef'))) {
        out.push({ elementId: id, source: 'contract', rule: 'known-form-key', severity: 'warning', message: '用户任务未配置表单，办理人将看不到办理页面' });
      } else if (!formKey) contract('known-form-key', '暂不支持引用流程引擎表单（formRef），请选择已登记的表单');
    }
    return out;
  }
}

