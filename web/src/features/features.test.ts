import { describe, expect, it } from 'vitest';
import type { RouteRecordRaw } from 'vue-router';
import type { ConsoleFeature } from '../feature';
import { routes } from '../routes';
import * as registry from './index';

/** Every feature folder's descriptor, by folder name. */
const descriptors: Record<string, ConsoleFeature> = import.meta.glob('./*/feature.ts', { import: 'default', eager: true });
/** The API's modules: a feature is named like the module whose routes it calls. */
const apiModules = Object.keys(import.meta.glob('../../../api/src/modules/*/*.routes.ts')).map((file) => file.split('/').at(-2));
const folderOf = (file: string) => file.split('/')[1] ?? file;
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function names(records: readonly RouteRecordRaw[]): string[] {
  return records.flatMap((r) => [...(r.name ? [String(r.name)] : []), ...names(r.children ?? [])]);
}

describe('console features', () => {
  it('lists every feature folder in web/src/features/index.ts, under its own name', () => {
    const folders = Object.keys(descriptors).map(folderOf).sort();
    expect(folders.length).toBeGreaterThan(10);
    expect(Object.keys(registry).sort()).toEqual(folders.map(camel).sort());
    for (const [file, descriptor] of Object.entries(descriptors)) {
      expect(registry[camel(folderOf(file)) as keyof typeof registry], file).toBe(descriptor);
    }
  });

  it('names each feature like an API module (auth: the sign-in in api/src/auth)', () => {
    const unmatched = Object.keys(descriptors).map(folderOf).filter((folder) => folder !== 'auth' && !apiModules.includes(folder));
    expect(unmatched).toEqual([]);
  });

  it('gives every page a name of its own', () => {
    const all = names(routes);
    expect(all.length).toBeGreaterThan(30);
    expect(all.filter((name, i) => all.indexOf(name) !== i)).toEqual([]);
  });
});
