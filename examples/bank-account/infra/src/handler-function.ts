import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The monorepo's lock file: esbuild runs from its folder, where every workspace package resolves. */
const LOCK_FILE = fileURLToPath(new URL('../../../../package-lock.json', import.meta.url));

/**
 * ESM output needs `require` for the few CommonJS modules inside the bundle (parts of the AWS SDK's
 * dependency tree call `require('node:...')`), which an ES module does not have.
 */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface HandlerFunctionProps {
  /** TypeScript file exporting `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
}

/**
 * A Node.js 22 function on Graviton (ARM64), bundled by esbuild into one ES module with source maps.
 * Its role starts empty but for writing to the function's own log group (two weeks of retention),
 * instead of the usual managed policy that may create and write any log group in the account.
 *
 * The bundle resolves dynamo-es packages through their `@dynamo-es/source` export condition, so it
 * is built from their TypeScript sources with no prior `npm run build`. The AWS SDK is bundled
 * rather than taken from the runtime, so the deployed code runs the SDK version the tests ran.
 *
 * @example
 * const fn = handlerFunction(this, 'HttpApiHandler', {
 *   entry: 'src/lambda/http-api.ts', description: 'bank HTTP API', timeout: Duration.seconds(10), environment: {},
 * });
 */
export function handlerFunction(
  scope: Construct,
  id: string,
  props: HandlerFunctionProps,
): nodejs.NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: logs.RetentionDays.TWO_WEEKS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${id}`,
  });
  logGroup.grantWrite(role);
  return new nodejs.NodejsFunction(scope, id, {
    role,
    entry: props.entry,
    handler: 'handler',
    description: props.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 1024,
    timeout: props.timeout,
    logGroup,
    depsLockFilePath: LOCK_FILE,
    environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    bundling: {
      format: nodejs.OutputFormat.ESM,
      target: 'node22',
      sourceMap: true,
      // Smaller code loads faster on a cold start; the source map keeps stack traces readable.
      minify: true,
      keepNames: true,
      mainFields: ['module', 'main'],
      externalModules: [],
      banner: REQUIRE_SHIM,
      esbuildArgs: { '--conditions': '@dynamo-es/source' },
    },
  });
}
