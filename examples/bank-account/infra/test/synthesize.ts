import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BankAccountStack, type BankAccountStackProps } from '../src/bank-account-stack.js';

const fixture = (file: string) => fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));

/**
 * An app for template tests. An empty `aws:cdk:bundling-stacks` tells CDK no stack needs its assets
 * built, so no esbuild runs; without construct stack traces (as `cdk synth` runs), synthesis under
 * vitest, whose stack traces are source-mapped, takes seconds instead of tens of seconds.
 */
export const testApp = (): App =>
  new App({ context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-stack-trace': true } });

/** Synthesizes the stack with stand-in handlers and without bundling. */
export function synthesize(props: BankAccountStackProps = {}): Template {
  const stack = new BankAccountStack(testApp(), 'BankAccountTest', {
    httpHandlerEntry: fixture('http-api.ts'),
    projectionHandlerEntry: fixture('projections.ts'),
    feedIndexerHandlerEntry: fixture('feed-indexer.ts'),
    publisherHandlerEntry: fixture('publisher.ts'),
    fraudWatchHandlerEntry: fixture('fraud-watch.ts'),
    largeTransfersHandlerEntry: fixture('large-transfers.ts'),
    ...props,
  });
  return Template.fromStack(stack);
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly DependsOn?: string[];
}

/** The one resource of a type whose logical id starts with a construct id, with its logical id. */
export function resourceNamed(template: Template, type: string, idPrefix: string): [string, CfnResource] {
  const found = Object.entries(template.findResources(type) as Record<string, CfnResource>).filter(([id]) =>
    id.startsWith(idPrefix),
  );
  if (found.length !== 1) throw new Error(`expected one ${type} named ${idPrefix}*, found ${found.length}`);
  return found[0] as [string, CfnResource];
}

/** `{ "Fn::GetAtt": [logicalId, "Arn"] }`, as the template refers to a resource's ARN. */
export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
