import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.ts';

// In CI a JSON report is written too, so .ci/run can print one closing line with the counts.
const reporters = process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'];

export default defineConfig({
  test: { projects, reporters: reporters as never },
});
