// A module resolution hook (see node:module register) that adds the `@dynamo-es/source` export
// condition, as `node --conditions=@dynamo-es/source` would: workspace packages resolve to src/.
export async function resolve(specifier, context, nextResolve) {
  const conditions = [...(context.conditions ?? []), '@dynamo-es/source'];
  return nextResolve(specifier, { ...context, conditions });
}
