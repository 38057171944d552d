// esbuild options of the compiled build (scripts/build.mjs), shared with the test that checks the bundle.
import { readFileSync } from 'node:fs';

/**
 * Packages compiled into the bundle rather than loaded from node_modules at start: zod is ~100 small modules that
 * every entry needs at once (validation at each boundary), and loading them one by one cost ~0.1 s of each start.
 */
export const BUNDLED_PACKAGES = ['zod'];
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = Object.keys(manifest.dependencies).filter((p) => !BUNDLED_PACKAGES.includes(p));

export const BUILD_OPTIONS = {
  entryPoints: { main: 'src/main.ts', cli: 'src/cli.ts', 'refresh-child': 'src/core/refresh-process/child.ts', 'lookup-worker': 'src/bots/http/lookup-worker.ts' },
  bundle: true,
  // Split: the Slack and Discord adapters (dynamic imports) become chunks of their own, loaded on demand.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Other packages stay in node_modules: better-sqlite3 is native, the SDKs and the Chinese tables load only when
  // needed, pino starts worker threads by file name.
  external: external.flatMap((p) => [p, `${p}/*`]),
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
};
