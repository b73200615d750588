import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'kit',
    include: ['**/*.test.ts'],
    exclude: ['consumer/**', '**/node_modules/**'],
    // Packing builds three packages (tsup with bundled .d.ts) and npm installs the tarballs.
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
