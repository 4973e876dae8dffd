// dmn-js ships no types; only what the decision editor uses is declared here.
declare module 'dmn-js/lib/Modeler' {
  export interface DmnView {
    id: string;
    name?: string;
    type: 'drd' | 'decisionTable' | 'literalExpression' | 'boxedExpression' | string;
    element: { id: string; name?: string };
  }
  export default class DmnModeler {
    constructor(options: { container?: HTMLElement; common?: Record<string, unknown>; moddleExtensions?: Record<string, unknown> });
    importXML(xml: string): Promise<{ warnings: unknown[] }>;
    saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
    getViews(): DmnView[];
    getActiveView(): DmnView | undefined;
    open(view: DmnView): Promise<unknown>;
    on(event: string, callback: (event: unknown) => void): void;
    destroy(): void;
  }
}
