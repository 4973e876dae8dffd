import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../api/src/config';

const read = (file: string) => fs.readFileSync(path.join(repoRoot, file), 'utf8');

describe('project documents (D2, D3)', () => {
  it('D3 every path the traceability table names for code or tests exists', () => {
    const rows = read('docs/traceability.md').split('\n').filter((l) => /^\| [A-Z]\d+ \|/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(90);
    const missing: string[] = [];
    let checked = 0;
    for (const row of rows) {
      const id = row.split('|')[1]!.trim();
      for (const [, ref] of row.matchAll(/`([^`]+)`/g)) {
        // Repository paths only: no routes, identifiers, globs or descriptions.
        if (!/^[\w.-]+\/[\w./-]*$/.test(ref!) || ref!.startsWith('/')) continue;
        checked += 1;
        if (!fs.existsSync(path.join(repoRoot, ref!))) missing.push(`${id}: ${ref}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it("D2 the README's two commands are what package.json runs", () => {
    const readme = read('README.md');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toContain('deploy/local/start.ts');
    expect(fs.existsSync(path.join(repoRoot, 'deploy/local/start.ts'))).toBe(true);
    expect(scripts.test).toContain('vitest run');
    // CI runs the README's test command.
    expect(read('.ci/run')).toMatch(/^npm test$/m);
  });
});
