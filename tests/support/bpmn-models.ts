/** A user task of a straight-line test model: its id, name and camunda attributes. */
export interface LineTask {
  id: string;
  name: string;
  attrs: string;
}

/** A straight-line executable model start → user tasks → end, with its diagram (bpmnlint wants one). */
export function lineModel(key: string, tasks: LineTask[], processAttrs = 'camunda:historyTimeToLive="P30D"'): string {
  const nodes = [{ id: 'Start', tag: 'startEvent', name: '开始', attrs: '' }, ...tasks.map((t) => ({ ...t, tag: 'userTask' })), { id: 'End', tag: 'endEvent', name: '结束', attrs: '' }];
  const flows = nodes.slice(1).map((n, i) => ({ id: `Flow_${i}`, from: nodes[i]!.id, to: n.id }));
  const x = (i: number) => 100 + i * 180;
  const body = nodes
    .map((n, i) => {
      const incoming = i > 0 ? `<bpmn:incoming>Flow_${i - 1}</bpmn:incoming>` : '';
      const outgoing = i < nodes.length - 1 ? `<bpmn:outgoing>Flow_${i}</bpmn:outgoing>` : '';
      return `<bpmn:${n.tag} id="${n.id}" name="${n.name}" ${n.attrs}>${incoming}${outgoing}</bpmn:${n.tag}>`;
    })
    .join('\n');
  const flowXml = flows.map((f) => `<bpmn:sequenceFlow id="${f.id}" sourceRef="${f.from}" targetRef="${f.to}" />`).join('\n');
  const shapes = nodes
    .map((n, i) => {
      const task = n.tag === 'userTask';
      return `<bpmndi:BPMNShape id="${n.id}_di" bpmnElement="${n.id}"><dc:Bounds x="${x(i)}" y="${task ? 80 : 102}" width="${task ? 100 : 36}" height="${task ? 80 : 36}" /></bpmndi:BPMNShape>`;
    })
    .join('\n');
  const edges = flows.map((f, i) => `<bpmndi:BPMNEdge id="${f.id}_di" bpmnElement="${f.id}"><di:waypoint x="${x(i) + 100}" y="120" /><di:waypoint x="${x(i + 1)}" y="120" /></bpmndi:BPMNEdge>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_${key}" targetNamespace="http://bpmn.io/schema/bpmn">
<bpmn:process id="${key}" name="测试流程" isExecutable="true" ${processAttrs}>
${body}
${flowXml}
</bpmn:process>
<bpmndi:BPMNDiagram id="Diagram_${key}"><bpmndi:BPMNPlane id="Plane_${key}" bpmnElement="${key}">
${shapes}
${edges}
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}
