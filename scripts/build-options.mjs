// esbuild options of the compiled build (scripts/build.mjs), shared with the test that checks the bundle.
export const BUILD_OPTIONS = {
  entryPoints: { main: 'src/main.ts', cli: 'src/cli.ts', 'refresh-child': 'src/core/refresh-process/child.ts' },
  bundle: true,
  // Split: the Slack and Discord adapters (dynamic imports) become chunks of their own, loaded on demand.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Packages stay in node_modules (better-sqlite3 is native; the SDKs load only when needed).
  packages: 'external',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
};
