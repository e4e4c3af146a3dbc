import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * ESM output needs `require` for the few CommonJS modules inside the bundle (parts of the AWS SDK's
 * dependency tree call `require('node:...')`), which an ES module does not have.
 */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface DynamoEsFunctionProps extends nodejs.NodejsFunctionProps {
  /** TypeScript or JavaScript file exporting the handler (`handler` unless `handler` says otherwise). */
  readonly entry: string;
  /** Days the function's own log group keeps its lines. Default: two weeks. */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A Node.js function with the defaults dynamo-es functions want, none of them left to feature
 * flags or `cdk.json`: Node.js 22 on ARM64, one minified ES module with source maps bundled by
 * esbuild (no Docker), JSON log format, X-Ray active tracing, a log group of its own, and a role
 * that may only write to that log group (no `AWSLambdaBasicExecutionRole`, which may write to any
 * log group): grant it the table actions it needs. Any prop given wins over these defaults.
 *
 * @example
 * const fn = new DynamoEsFunction(this, 'Commands', { entry: 'src/lambda/http-api.ts' });
 * events.grantAppend(fn);
 */
export class DynamoEsFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: DynamoEsFunctionProps) {
    const { logRetention, bundling, environment, ...rest } = props;
    const ownLogGroup = props.logGroup
      ? undefined
      : new logs.LogGroup(scope, `${id}Logs`, {
          retention: logRetention ?? logs.RetentionDays.TWO_WEEKS,
          removalPolicy: RemovalPolicy.DESTROY,
        });
    const logGroup = props.logGroup ?? ownLogGroup;
    const role =
      props.role ??
      new iam.Role(scope, `${id}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of ${id}`,
      });
    super(scope, id, {
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(10),
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      ...rest,
      role,
      logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...environment },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        sourceMap: true,
        // Smaller code loads faster on a cold start; the source map keeps stack traces readable.
        minify: true,
        keepNames: true,
        mainFields: ['module', 'main'],
        // The AWS SDK is bundled rather than taken from the runtime: the deployed code runs the
        // SDK version the tests ran, and dynamo-es and the app share one copy of it.
        externalModules: [],
        banner: REQUIRE_SHIM,
        ...bundling,
      },
    });
    // Our own role writes to our own log group; a role or log group you pass is yours to wire.
    if (!props.role && ownLogGroup) ownLogGroup.grantWrite(role);
  }
}
