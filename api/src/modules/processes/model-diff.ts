import { diff } from 'bpmn-js-differ';
import type { ModdleElement } from 'bpmn-moddle';
import type { ModelDiff } from '../../contracts/processes';
import { flowElementsOf, readBpmn } from './model-check';

type Element = ModelDiff['added'][number];

const describe = (el: ModdleElement): Element => ({ id: el.id ?? '', type: el.$type, name: typeof el.name === 'string' && el.name ? el.name : null });
/** Semantic BPMN elements only (the differ also walks diagram interchange). */
const semantic = (el: ModdleElement) => el.$type.startsWith('bpmn:') && el.$type !== 'bpmn:Definitions';

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') {
    const el = value as Partial<ModdleElement>;
    return el.id ?? (typeof el.$type === 'string' ? el.$type : JSON.stringify(value));
  }
  return String(value);
}

/** The semantic changes from a deployed model to a new one (U2), with the elements' names. */
export async function diffModels(key: string, baseVersion: number | null, baseXml: string | null, newXml: string): Promise<ModelDiff> {
  const next = await readBpmn(newXml);
  if (baseXml === null) {
    return { key, baseVersion, added: flowElementsOf(next).map(describe), removed: [], changed: [], layoutChanged: [] };
  }
  const changes = diff(await readBpmn(baseXml), next);
  return {
    key,
    baseVersion,
    added: Object.values(changes._added).filter(semantic).map(describe),
    removed: Object.values(changes._removed).filter(semantic).map(describe),
    changed: Object.values(changes._changed)
      .filter((c) => semantic(c.model))
      .map((c) => ({
        ...describe(c.model),
        attributes: Object.entries(c.attrs)
          .filter(([name]) => !name.startsWith('$'))
          .map(([name, v]) => ({ name, oldValue: text(v.oldValue), newValue: text(v.newValue) })),
      })),
    layoutChanged: Object.values(changes._layoutChanged).filter(semantic).map(describe),
  };
}
