import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';

/** A module exporting `handler`, for functions the tests synthesize but never bundle. */
export const FIXTURE_HANDLER = fileURLToPath(new URL('./fixtures/handler.ts', import.meta.url));

/**
 * A stack for template tests. An empty `aws:cdk:bundling-stacks` tells CDK no stack needs its assets
 * built, so no esbuild runs; without construct stack traces, synthesis under vitest takes seconds.
 */
export const testStack = (): Stack =>
  new Stack(
    new App({ context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-stack-trace': true } }),
    'Test',
  );

export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly DependsOn?: string[];
}

/** The one resource of a type whose logical id starts with `idPrefix`, with its logical id. */
export function resourceNamed(template: Template, type: string, idPrefix: string): [string, CfnResource] {
  const found = Object.entries(template.findResources(type) as Record<string, CfnResource>).filter(([id]) =>
    id.startsWith(idPrefix),
  );
  if (found.length !== 1) throw new Error(`expected one ${type} named ${idPrefix}*, found ${found.length}`);
  return found[0] as [string, CfnResource];
}

/** `{ "Fn::GetAtt": [logicalId, "Arn"] }`, as the template refers to a resource's ARN. */
export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

export interface Statement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: unknown[];
}

/** The statements of the one policy attached to a role, actions and resources as arrays. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = Object.values(
    template.findResources('AWS::IAM::Policy') as Record<string, CfnResource>,
  ).filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleLogicalId }]));
  const [policy, ...others] = policies;
  if (!policy || others.length > 0)
    throw new Error(`expected one policy on ${roleLogicalId}, found ${policies.length}`);
  const statements = (
    policy.Properties.PolicyDocument as {
      Statement: { Effect: string; Action: string | string[]; Resource: unknown }[];
    }
  ).Statement;
  return statements.map((statement) => ({
    effect: statement.Effect,
    actions: [statement.Action].flat(),
    resources: [statement.Resource].flat(),
  }));
}

export const allow = (actions: string[], resources: unknown[]): Statement => ({
  effect: 'Allow',
  actions,
  resources,
});
