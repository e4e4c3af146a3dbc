import { App, RemovalPolicy } from 'aws-cdk-lib';
import { BankAccountStack } from './bank-account-stack.js';

/**
 * The CDK app: `npx cdk deploy` runs this file (see cdk.json). Context values, passed with `-c`:
 * - `stackName` (default `DynamoEsBankAccount`): deploy several copies side by side;
 * - `removalPolicy=destroy`: let `cdk destroy` delete the events table too (default: retained, with
 *   deletion protection on).
 */
const app = new App();
const stackName = String(app.node.tryGetContext('stackName') ?? 'DynamoEsBankAccount');
const destroyEvents = app.node.tryGetContext('removalPolicy') === 'destroy';

new BankAccountStack(app, stackName, {
  description: 'dynamo-es bank-account example: event-sourced accounts on DynamoDB, Lambda and an HTTP API',
  // Deploys to the account and region of the credentials the CLI found (profile, env, SSO, ...).
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  removalPolicy: destroyEvents ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
});

app.synth();
