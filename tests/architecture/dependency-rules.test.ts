import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * The layer rules of `.dependency-cruiser.cjs` hold for the API, the workers, the console and the
 * local launcher, and services, routes and worker handlers hold no SQL (repositories do). What only
 * another slice of issue 11 removes is listed, each with its rule, in known-violations.json; an
 * entry that no longer occurs must be deleted from it.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sources = ['api', 'workers', 'web/src', 'deploy/local'];

const knownViolations = z
  .array(z.object({ rule: z.string(), from: z.string(), to: z.string(), why: z.string().min(1) }).strict())
  .parse(JSON.parse(readFileSync(path.join(root, 'tests/architecture/known-violations.json'), 'utf8')));

type Found = { rule: string; from: string; to: string };
const key = (v: Found) => `${v.rule}: ${v.from} → ${v.to}`;

/** One line per violation; a cycle lists its whole path. */
function describeViolation(v: IViolation): Found {
  const to = v.cycle?.length ? [v.from, ...v.cycle.map((c) => c.name)].join(' → ') : v.to;
  return { rule: v.rule.name, from: v.from, to: v.cycle?.length ? to.slice(v.from.length + 3) : to };
}

/** Files that delegate to repositories: services, routes, worker handlers. */
const delegating = /\.(service|routes|handlers?)\.ts$/;
/** A query on a table through knex (`db('users')`, `trx<Row>('payment_orders')`), or raw SQL. */
const tableQuery = /\b(?:this\.db|trx|db)\s*(?:<[^>]*>)?\(\s*['"`]([a-z_]+)/g;
const rawSql = /\.(?:raw|whereRaw|orderByRaw|joinRaw|havingRaw)\s*(?:<[^>]*>)?\(\s*['"`]/;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) yield* sourceFiles(file);
    else if (delegating.test(entry.name) && !entry.name.endsWith('.test.ts')) yield file;
  }
}

/** Which tables (or raw SQL) each service, route and handler file queries itself. */
function sqlOutsideRepositories(): Found[] {
  const out: Found[] = [];
  for (const file of [...sourceFiles('api/src'), ...sourceFiles('workers/src')]) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const tables = new Set([...text.matchAll(tableQuery)].map((m) => m[1]!));
    if (rawSql.test(text)) tables.add('(raw SQL)');
    for (const table of [...tables].sort()) out.push({ rule: 'sql-only-in-repositories', from: file, to: table });
  }
  return out;
}

let found: Found[] = [];
let cruised = 0;

beforeAll(async () => {
  const options = await extractDepcruiseOptions(path.join(root, '.dependency-cruiser.cjs'));
  // baseDir: paths are reported relative to the repository root, as the rules are written.
  const result = await cruise(sources, { ...options, baseDir: root, validate: true }, {}, { tsConfig: extractTSConfig(path.join(root, 'tsconfig.json')) });
  const output = result.output as ICruiseResult;
  cruised = output.summary.totalCruised;
  found = [...output.summary.violations.map(describeViolation), ...sqlOutsideRepositories()];
}, 60_000);

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  it('cruises the API, the workers, the console and the launcher', () => {
    expect(cruised).toBeGreaterThan(300);
  });

  it('no import breaks a layer rule, except the known violations', () => {
    const known = new Set(knownViolations.map(key));
    const unexpected = found.filter((v) => v.rule !== 'sql-only-in-repositories' && !known.has(key(v))).map(key);
    expect(unexpected, 'imports that break a rule of .dependency-cruiser.cjs (see the rule\'s comment there)').toEqual([]);
  });

  it('services, routes and worker handlers leave SQL to repositories (file: table it queries)', () => {
    const known = new Set(knownViolations.map(key));
    const unexpected = found.filter((v) => v.rule === 'sql-only-in-repositories' && !known.has(key(v))).map(key);
    expect(unexpected, 'move the query into the module\'s repository; a service may still open the transaction and pass `trx`').toEqual([]);
  });

  it('every known violation still occurs (delete the ones that are gone from known-violations.json)', () => {
    const now = new Set(found.map(key));
    expect(knownViolations.map(key).filter((k) => !now.has(k))).toEqual([]);
  });

  it('the known violations are only those of other slices: inbox and case view, the worker process, the topic list', () => {
    const allowed = new Set([
      'tasks-and-cases-import-no-domain-module',
      'no-other-modules-repository',
      'workers-import-contracts-services-and-wiring',
      'api-imports-no-workers-or-web',
      'sql-only-in-repositories',
    ]);
    expect(knownViolations.filter((v) => !allowed.has(v.rule)).map(key)).toEqual([]);
  });
});
