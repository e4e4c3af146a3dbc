import * as apigateway from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Every route of the bank's HTTP API; one Lambda function serves them all. */
export const BANK_ROUTES = [
  { method: apigateway.HttpMethod.POST, path: '/accounts' },
  { method: apigateway.HttpMethod.POST, path: '/accounts/{id}/deposits' },
  { method: apigateway.HttpMethod.POST, path: '/accounts/{id}/withdrawals' },
  { method: apigateway.HttpMethod.POST, path: '/transfers' },
  { method: apigateway.HttpMethod.POST, path: '/accounts/{id}/close' },
  { method: apigateway.HttpMethod.GET, path: '/accounts/{id}' },
  { method: apigateway.HttpMethod.GET, path: '/accounts/{id}/statement' },
] as const;

export interface BankHttpApiProps {
  readonly handler: lambda.IFunction;
  /** Steady-state requests per second the stage accepts, and the burst above it. */
  readonly throttle: apigateway.ThrottleSettings;
}

/**
 * An API Gateway HTTP API (payload format 2.0) whose routes all go to the HTTP handler, on an
 * auto-deployed `$default` stage with throttling, so a leaked URL cannot run up an unbounded bill.
 *
 * @example
 * const api = new BankHttpApi(this, 'Api', { handler, throttle: { rateLimit: 50, burstLimit: 100 } });
 * new CfnOutput(this, 'ApiUrl', { value: api.url });
 */
export class BankHttpApi extends Construct {
  readonly api: apigateway.HttpApi;
  /** Base URL of the API, ending in `/`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: BankHttpApiProps) {
    super(scope, id);
    this.api = new apigateway.HttpApi(this, 'HttpApi', {
      description: 'dynamo-es bank-account example',
      createDefaultStage: false,
    });
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
    });
    this.url = stage.url;
    const integration = new HttpLambdaIntegration('Handler', props.handler);
    for (const route of BANK_ROUTES) {
      this.api.addRoutes({ path: route.path, methods: [route.method], integration });
    }
  }
}
