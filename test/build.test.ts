/**
 * The compiled build that `npm ci` makes (the prepare script): bin/ runs it, and it loads no chat SDK
 * unless a token asks for one. Built here into a folder of its own under var/, so the test does not depend on, or
 * disturb, the dist/ that other tests' processes run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared';

/** Packages a bundle file loads when it is imported: its static imports, followed through local chunks. */
function staticPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?"([^"]+)"/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  walk(entry);
  return packages;
}

describe('the compiled build', () => {
  let out: string;
  beforeAll(async () => {
    // Inside the project (var/ is ignored), so that the bundle finds the project's files as dist/ does.
    mkdirSync(join(REPO_ROOT, 'var'), { recursive: true });
    out = mkdtempSync(join(REPO_ROOT, 'var', 'build-'));
    // The same options as scripts/build.mjs.
    const { BUILD_OPTIONS } = await import('../scripts/build-options.mjs');
    await build({ ...BUILD_OPTIONS, absWorkingDir: REPO_ROOT, outdir: out, logLevel: 'silent' });
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('npm start and the CLI load neither discord.js nor @slack/bolt until a token asks for them', () => {
    for (const entry of ['main.js', 'cli.js']) {
      const packages = staticPackages(join(out, entry));
      expect(packages.has('better-sqlite3')).toBe(true);
      expect([...packages].filter((p) => /discord|slack/.test(p))).toEqual([]);
    }
  });

  it('runs: the CLI bundle answers help', () => {
    const text = execFileSync(process.execPath, ['-e', `import(${JSON.stringify(join(out, 'cli.js'))}).then(async (m) => { process.exitCode = await m.run(['help']); })`], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(text).toMatch(/usage: sanctions <command>[\s\S]*lookup \[--json\]/);
  });
});
