/** The test projects: one per package, the cross-package fault suite, the kit (packed packages installed outside the workspace), and the bench's pure helpers. The root vitest.config.ts imports this list. */
export const projects = ['packages/shared', 'packages/server', 'packages/client', 'apps/field-web', 'test/faults', 'test/kit', 'bench'];
