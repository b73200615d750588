/** Builds @outpost/shared to dist/ (ESM + one bundled .d.ts); see docs/decisions.md, "Built packages". */
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: 'esm',
  target: 'node20',
  platform: 'neutral',
  tsconfig: 'tsconfig.build.json',
  dts: true,
  sourcemap: true,
  clean: true,
});
