import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(__dirname, '../../../src/core/match');

/** Local value imports (not `import type`) of each module in src/core/match. */
function graph(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(DIR, file), 'utf8');
    const deps = [...text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'\.\/([\w-]+)'/gms)].map((m) => `${m[1]}.ts`);
    out.set(file, deps);
  }
  return out;
}

describe('src/core/match imports', () => {
  it('has no import cycle', () => {
    const g = graph();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (path.includes(file)) {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      for (const dep of g.get(file) ?? []) visit(dep, [...path, file]);
    };
    for (const file of g.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
