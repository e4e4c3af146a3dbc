import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigateway from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES } from '../../src/http/routes.js';

/**
 * Every route of the bank's HTTP API, from the handler's own table (`src/http/routes.ts`), so the
 * two cannot drift; one Lambda function serves them all. `GET /bank` (the bank-wide totals) is
 * left out: it is the local server's, not the public API's.
 */
export const BANK_ROUTES = ROUTES.filter((route) => route.name !== 'getBankTotals').map((route) => ({
  method: apigateway.HttpMethod[route.method],
  path: route.path,
}));

/** One JSON object per request ($context variables of HTTP APIs). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
};

export interface BankHttpApiProps {
  readonly handler: lambda.IFunction;
  /** Steady-state requests per second the stage accepts, and the burst above it. */
  readonly throttle: apigateway.ThrottleSettings;
}

/**
 * An API Gateway HTTP API (payload format 2.0) whose routes all go to the HTTP handler, on an
 * auto-deployed `$default` stage with throttling, so a leaked URL cannot run up an unbounded bill,
 * and access logging (one JSON line per request, with API Gateway's request id, status, latency
 * and the integration's error) to a log group of its own.
 *
 * @example
 * const api = new BankHttpApi(this, 'Api', { handler, throttle: { rateLimit: 50, burstLimit: 100 } });
 * new CfnOutput(this, 'ApiUrl', { value: api.url });
 */
export class BankHttpApi extends Construct {
  readonly api: apigateway.HttpApi;
  readonly accessLogs: logs.LogGroup;
  /** Base URL of the API, ending in `/`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: BankHttpApiProps) {
    super(scope, id);
    this.api = new apigateway.HttpApi(this, 'HttpApi', {
      description: 'dynamo-es bank-account example',
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigateway.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = stage.url;
    const integration = new HttpLambdaIntegration('Handler', props.handler);
    for (const route of BANK_ROUTES) {
      this.api.addRoutes({ path: route.path, methods: [route.method], integration });
    }
  }
}
