import { describe, expect, it } from 'vitest';
import { diagramMarkers } from './case-markers';

describe('diagramMarkers', () => {
  it('U8 marks passed, current and failed steps, the stronger state winning', () => {
    expect(diagramMarkers({ passed: ['A', 'B', 'C'], current: ['C', 'D'], incidents: ['D'] })).toEqual([
      { id: 'A', marker: 'case-passed' },
      { id: 'B', marker: 'case-passed' },
      { id: 'C', marker: 'case-current' },
      { id: 'D', marker: 'case-incident' },
    ]);
  });
});
