/**
 * Builds @outpost/server to dist/: the library (`index`), the CLI (`cli`, run by
 * bin/outpost-server.js) and the subpaths `postgres`, `redis` (adapters, loaded only when
 * configured) and `testing` (the acceptance suites). See docs/decisions.md, "Built packages".
 */
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts', postgres: 'src/postgres.ts', redis: 'src/redis.ts', testing: 'src/testing.ts' },
  format: 'esm',
  target: 'node20',
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
  dts: { entry: { index: 'src/index.ts', postgres: 'src/postgres.ts', redis: 'src/redis.ts', testing: 'src/testing.ts' } },
  sourcemap: true,
  clean: true,
});
