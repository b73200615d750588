// A Node resolve hook adding the `development` export condition, under which the workspace's
// @outpost/* packages resolve to their TypeScript source (see docs/decisions.md).
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('development') ? context.conditions : [...context.conditions, 'development'];
  return nextResolve(specifier, { ...context, conditions });
}
