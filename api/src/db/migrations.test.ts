import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index';
import { renamedMigrations } from './migration-renames';

const dir = path.resolve(__dirname, '../../../migrations');
/** `yyyymmdd_nn_what`: a date and a two-digit sequence, so that names sort as they run. */
const NAME = /^\d{8}_\d{2}_[a-z0-9]+(?:_[a-z0-9]+)*$/;

/** What is wrong with a migration list against the migration files on disk (names without `.ts`). */
function listProblems(listed: readonly string[], files: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of listed) if (!NAME.test(name)) problems.push(`${name}: not named yyyymmdd_nn_what`);
  listed.forEach((name, i) => {
    if (listed.indexOf(name) !== i) problems.push(`${name}: listed twice`);
    else if (i > 0 && listed[i - 1]! >= name) problems.push(`${name}: listed after ${listed[i - 1]}, out of name order`);
  });
  for (const file of files) if (!listed.includes(file)) problems.push(`${file}: a file not in the list`);
  for (const name of listed) if (!files.includes(name)) problems.push(`${name}: listed without a file`);
  return problems;
}

const migrationFiles = (): string[] =>
  fs
    .readdirSync(dir)
    .filter((f) => /^\d.*\.ts$/.test(f))
    .map((f) => f.slice(0, -'.ts'.length));

describe('migrations/index.ts', () => {
  const listed = migrations.map(([name]) => name);

  it('lists every migration file once, in name order', () => {
    expect(listProblems(listed, migrationFiles())).toEqual([]);
  });

  it('lists under each name the module of the file of that name', async () => {
    for (const [name, migration] of migrations) {
      const module: unknown = await import(path.join(dir, `${name}.ts`));
      expect(module, name).toBe(migration);
    }
  });

  it('catches a list out of name order, a repeated name, a file left out and a name without a file', () => {
    expect(listProblems(['20261128_01_a', '20261128_03_c', '20261128_02_b'], ['20261128_01_a', '20261128_02_b', '20261128_03_c'])).toEqual([
      '20261128_02_b: listed after 20261128_03_c, out of name order',
    ]);
    expect(listProblems(['20261128_01_a', '20261128_01_a'], ['20261128_01_a'])).toEqual(['20261128_01_a: listed twice']);
    expect(listProblems(['20261128_01_a'], ['20261128_01_a', '20261128_02_b'])).toEqual(['20261128_02_b: a file not in the list']);
    expect(listProblems(['20261128_01_a', '20261128_02_b'], ['20261128_01_a'])).toEqual(['20261128_02_b: listed without a file']);
    expect(listProblems(['20261128_1_a'], ['20261128_1_a'])).toEqual(['20261128_1_a: not named yyyymmdd_nn_what']);
  });

  it('accepts later-dated migrations appended at the end', () => {
    const later = [...listed, '20991231_01_first_of_the_day', '20991231_02_second_of_the_day'];
    expect(listProblems(later, later)).toEqual([]);
  });
});

describe('renamed migrations', () => {
  const listed = new Set(migrations.map(([name]) => name));
  const recorded = renamedMigrations.map(([from]) => from);
  const current = renamedMigrations.map(([, to]) => to);

  it('map old recorded names, no longer listed, each to a listed name', () => {
    for (const name of recorded) expect(listed.has(name), name).toBe(false);
    for (const name of current) expect(listed.has(name), name).toBe(true);
  });

  it('map each old name once, to a name of its own, never to another old name', () => {
    expect(new Set(recorded).size).toBe(recorded.length);
    expect(new Set(current).size).toBe(current.length);
    for (const name of current) expect(recorded).not.toContain(name);
  });

  it('keep the order of execution: the old names in list order were the list the databases ran', () => {
    const oldName = new Map(renamedMigrations.map(([from, to]) => [to, from]));
    const before = migrations.map(([name]) => oldName.get(name) ?? name);
    // the renamed files kept their place in the list; only their names changed
    expect(before.slice(15, 18)).toEqual(['20261128_18_registration_form', '20261128_16_exam_setup', '20261128_17_document_templates']);
    expect(before.slice(19, 22)).toEqual(['20261128_22_payments', '20261128_20_notifications', '20261128_21_courier_delivery']);
    expect(before.slice(25, 27)).toEqual(['20261128_27_task_forms', '20261128_26_review_assignment']);
  });
});
