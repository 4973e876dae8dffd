export type CaseMarker = 'case-passed' | 'case-current' | 'case-incident';

/**
 * Which marker each diagram element gets: an incident outranks the current step, which outranks a
 * step passed earlier (a step can be passed and current again after a return to an earlier step).
 */
export function diagramMarkers(path: { passed: string[]; current: string[]; incidents: string[] }): Array<{ id: string; marker: CaseMarker }> {
  const markers = new Map<string, CaseMarker>();
  for (const id of path.passed) markers.set(id, 'case-passed');
  for (const id of path.current) markers.set(id, 'case-current');
  for (const id of path.incidents) markers.set(id, 'case-incident');
  return [...markers].map(([id, marker]) => ({ id, marker }));
}
