/**
 * Builds @outpost/server to dist/: the library (`index`) and the CLI (`cli`, run by
 * bin/outpost-server.js). The Postgres store and Redis bus stay separate chunks, loaded only
 * when configured. See docs/decisions.md, "Built packages".
 */
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: 'esm',
  target: 'node20',
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
});
