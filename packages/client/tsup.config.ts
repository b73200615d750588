/** Builds @outpost/client to dist/ (ESM + bundled .d.ts per entry); see docs/decisions.md, "Built packages". */
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'react/index': 'src/react/index.ts', testing: 'src/testing.ts' },
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  tsconfig: 'tsconfig.build.json',
  dts: true,
  sourcemap: true,
  clean: true,
});
