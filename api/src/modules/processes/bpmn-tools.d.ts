// The parts of the bpmn.io libraries the process designer uses in Node; they ship no usable types.

declare module 'bpmn-moddle' {
  /** A BPMN model element as moddle reads it. */
  export interface ModdleElement {
    $type: string;
    id?: string;
    name?: string;
    $parent?: ModdleElement;
    get(name: string): unknown;
    [key: string]: unknown;
  }
  export interface ParseWarning {
    message: string;
  }
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string): Promise<{ rootElement: ModdleElement; warnings: ParseWarning[] }>;
  }
}

declare module 'bpmn-js-differ' {
  import type { ModdleElement } from 'bpmn-moddle';
  export interface ChangeSet {
    _added: Record<string, ModdleElement>;
    _removed: Record<string, ModdleElement>;
    _layoutChanged: Record<string, ModdleElement>;
    _changed: Record<string, { model: ModdleElement; attrs: Record<string, { oldValue: unknown; newValue: unknown }> }>;
  }
  export function diff(oldDefinitions: ModdleElement, newDefinitions: ModdleElement): ChangeSet;
}
