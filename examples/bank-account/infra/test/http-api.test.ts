import { describe, expect, it } from 'vitest';
import { arnOf, resourceNamed, synthesize } from './synthesize.js';

const template = synthesize();
const apiId = resourceNamed(template, 'AWS::ApiGatewayV2::Api', 'ApiHttpApi')[0];
const handlerId = resourceNamed(template, 'AWS::Lambda::Function', 'HttpApiHandler')[0];

describe('HTTP API', () => {
  it('is an HTTP API (API Gateway v2)', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
  });

  it('routes every command and query of the bank', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );
    expect(routes.sort()).toEqual(
      [
        'POST /accounts',
        'POST /accounts/{id}/deposits',
        'POST /accounts/{id}/withdrawals',
        'POST /transfers',
        'POST /accounts/{id}/close',
        'GET /accounts/{id}',
        'GET /accounts/{id}/statement',
        'POST /transfers/{transferId}/approve',
        'POST /transfers/{transferId}/reject',
        'GET /transfers/{transferId}',
      ].sort(),
    );
  });

  it('sends every route to the HTTP handler with payload format 2.0', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ApiId: { Ref: apiId },
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: arnOf(handlerId),
      PayloadFormatVersion: '2.0',
    });
  });

  it('deploys a throttled $default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('logs every request as one JSON line to a log group of its own', () => {
    const logGroupId = resourceNamed(template, 'AWS::Logs::LogGroup', 'ApiAccessLogs')[0];
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]?.Properties;
    expect(stage?.AccessLogSettings.DestinationArn).toEqual(arnOf(logGroupId));
    const format = JSON.parse(stage?.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('outputs the API URL', () => {
    expect(template.toJSON().Outputs.ApiUrl.Value['Fn::Join'][1]).toContain('.execute-api.');
  });
});
