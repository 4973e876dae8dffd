import { describe, expect, it } from 'vitest';
import { bpmnElementNames } from './bpmn-element-names';

describe('bpmnElementNames', () => {
  it('U10 reads element names by id whatever the attribute order, decoding entities', () => {
    const xml = `<bpmn:definitions><bpmn:process id="p" name="考试报名" isExecutable="true">
      <bpmn:serviceTask name="通知：A &amp; B" id="Task_A" camunda:topic="x" />
      <bpmn:userTask id="Task_B" camunda:assignee="\${u}"></bpmn:userTask>
      <bpmndi:BPMNShape id="Task_A_di" bpmnElement="Task_A" />
    </bpmn:process></bpmn:definitions>`;
    const names = bpmnElementNames(xml);
    expect(names.get('p')).toBe('考试报名');
    expect(names.get('Task_A')).toBe('通知：A & B');
    expect(names.has('Task_B')).toBe(false);
    expect(names.has('Task_A_di')).toBe(false);
  });
});
