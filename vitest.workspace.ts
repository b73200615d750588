/** The test projects, one per package plus the cross-package fault suite. The root vitest.config.ts imports this list. */
export const projects = ['packages/shared', 'packages/server', 'packages/client', 'apps/field-web', 'test/faults', 'bench'];
