// dmn-moddle as the decision designer uses it in Node; it ships no types.
declare module 'dmn-moddle' {
  import type { ModdleElement } from 'bpmn-moddle';
  export class DmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, root?: string): Promise<{ rootElement: ModdleElement; warnings: Array<{ message: string }> }>;
  }
}
