import { fileURLToPath } from 'node:url';
import {
  DynamoEsFunction,
  type EventSourceSettings,
  EventStoreTable,
  FeedIndexer,
  StreamProjection,
  StreamSaga,
} from '@dynamo-es/cdk';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { BankHttpApi } from './bank-http-api.js';
import { FraudWatchService } from './fraud-watch-service.js';
import { HandlerEnvironment, SettingEnvironment } from './handler-environment.js';

const lambdaSource = (file: string) => fileURLToPath(new URL(`../../src/lambda/${file}`, import.meta.url));

/** The monorepo's lock file: esbuild runs from its folder, where every workspace package resolves. */
const LOCK_FILE = fileURLToPath(new URL('../../../../package-lock.json', import.meta.url));

/**
 * Bundles the dynamo-es packages from their TypeScript sources (their `@dynamo-es/source` export
 * condition), so `cdk deploy` needs no `npm run build` first. An app using the published packages
 * leaves this out.
 */
const FROM_SOURCES: BundlingOptions = { esbuildArgs: { '--conditions': '@dynamo-es/source' } };

export interface BankAccountStackProps extends StackProps {
  /** HTTP API handler (exports `handler`). Default: `examples/bank-account/src/lambda/http-api.ts`. */
  readonly httpHandlerEntry?: string;
  /** Projection handler (exports `handler`). Default: `examples/bank-account/src/lambda/projections.ts`. */
  readonly projectionHandlerEntry?: string;
  /** Feed indexer (exports `handler`). Default: `examples/bank-account/src/lambda/feed-indexer.ts`. */
  readonly feedIndexerHandlerEntry?: string;
  /** The bank's publisher (exports `handler`). Default: `examples/bank-account/src/lambda/publisher.ts`. */
  readonly publisherHandlerEntry?: string;
  /** Fraud-watch's SQS handler (exports `handler`). Default: `examples/bank-account/src/lambda/fraud-watch.ts`. */
  readonly fraudWatchHandlerEntry?: string;
  /**
   * The large-transfer saga (exports `handler` and `deadlines`). Default:
   * `examples/bank-account/src/lambda/large-transfers.ts`.
   */
  readonly largeTransfersHandlerEntry?: string;
  /** Transfers above this many minor units wait for approval. Default: 1,000,000 (10,000.00). */
  readonly approvalLimit?: number;
  /** How long an approval may take. Default: one day. */
  readonly approvalWindow?: Duration;
  /**
   * What deleting the stack does to the events table, the system of record. Default: `RETAIN`,
   * with deletion protection on. `DESTROY` also turns deletion protection off (throwaway stacks,
   * such as `npm run smoke:aws`). The feed table follows it too (it can be rebuilt from the
   * events table, but that is a full scan). Snapshots and read models always go with the stack.
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Event source mapping tuning; see `EventSourceSettings` of `@dynamo-es/cdk` for the defaults. */
  readonly projectionFeed?: EventSourceSettings;
  /** HTTP API stage throttling. Default: 50 requests/s, bursts of 100. */
  readonly apiThrottle?: ThrottleSettings;
}

/**
 * The bank-account example on AWS, from the constructs of `@dynamo-es/cdk`: the events table
 * (with snapshots), the projections and the feed indexer fed by its stream, and the HTTP API
 * handler, each function allowed exactly the actions it sends. What is left here is the bank's own wiring.
 *
 * @example
 * new BankAccountStack(new App(), 'DynamoEsBankAccount', { removalPolicy: RemovalPolicy.DESTROY });
 */
export class BankAccountStack extends Stack {
  constructor(scope: Construct, id: string, props: BankAccountStackProps = {}) {
    super(scope, id, props);
    const throwaway = props.removalPolicy === RemovalPolicy.DESTROY;
    const events = new EventStoreTable(this, 'Events', {
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: !throwaway,
      snapshots: true,
      idempotency: true,
    });
    const projections = new StreamProjection(this, 'Projections', {
      eventStore: events,
      handler: {
        entry: props.projectionHandlerEntry ?? lambdaSource('projections.ts'),
        description: 'dynamo-es bank: projects the events stream into the read models',
        depsLockFilePath: LOCK_FILE,
        bundling: FROM_SOURCES,
      },
      ...props.projectionFeed,
    });
    // A second consumer of the same stream: every event's global position, for the audit trail
    // (events by type) and for projections added later (rebuilt from the feed, in global order).
    const feed = new FeedIndexer(this, 'Feed', {
      eventStore: events,
      handler: {
        entry: props.feedIndexerHandlerEntry ?? lambdaSource('feed-indexer.ts'),
        depsLockFilePath: LOCK_FILE,
        bundling: FROM_SOURCES,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const settings = {
      [SettingEnvironment.ApprovalLimit]: String(props.approvalLimit ?? 1_000_000),
      [SettingEnvironment.ApprovalWindowSeconds]: String(
        (props.approvalWindow ?? Duration.days(1)).toSeconds(),
      ),
    };
    const bankTables = {
      [HandlerEnvironment.EventsTable]: events.table.tableName,
      [HandlerEnvironment.SnapshotsTable]: events.snapshotTable!.tableName,
      [HandlerEnvironment.IdempotencyTable]: events.idempotencyTable!.tableName,
      [HandlerEnvironment.ReadModelTable]: projections.readModelTable.tableName,
    };
    // Large transfers: a saga on the same stream, its deadlines polled every minute by a second
    // function of the same module (its `deadlines` export).
    const sagaModule = {
      entry: props.largeTransfersHandlerEntry ?? lambdaSource('large-transfers.ts'),
      depsLockFilePath: LOCK_FILE,
      bundling: FROM_SOURCES,
      environment: { ...bankTables, ...settings },
    };
    const largeTransfers = new StreamSaga(this, 'LargeTransfers', {
      eventStore: events,
      readModelTable: projections.readModelTable,
      handler: sagaModule,
      deadlines: { ...sagaModule, handler: 'deadlines' },
    });
    // Its commands are the bank's own: they also load and save account snapshots.
    events.grantSnapshots(largeTransfers.function);

    const httpHandler = new DynamoEsFunction(this, 'HttpApiHandler', {
      entry: props.httpHandlerEntry ?? lambdaSource('http-api.ts'),
      description: 'dynamo-es bank: commands and queries of the HTTP API',
      depsLockFilePath: LOCK_FILE,
      bundling: FROM_SOURCES,
      environment: {
        ...bankTables,
        [SettingEnvironment.ApprovalLimit]: settings[SettingEnvironment.ApprovalLimit],
      },
    });
    events.grantAppend(httpHandler);
    events.grantSnapshots(httpHandler);
    events.grantIdempotency(httpHandler);
    projections.grantReadModelRead(httpHandler);

    const api = new BankHttpApi(this, 'Api', {
      handler: httpHandler,
      throttle: props.apiThrottle ?? { rateLimit: 50, burstLimit: 100 },
    });

    // Service 2: the bank's public messages through SNS and SQS into fraud-watch's own table.
    const fraudWatch = new FraudWatchService(this, 'FraudWatch', {
      eventStore: events,
      checkpointTable: projections.readModelTable,
      publisherEntry: props.publisherHandlerEntry ?? lambdaSource('publisher.ts'),
      consumerEntry: props.fraudWatchHandlerEntry ?? lambdaSource('fraud-watch.ts'),
      depsLockFilePath: LOCK_FILE,
      bundling: FROM_SOURCES,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the bank HTTP API' });
    new CfnOutput(this, 'EventsTableName', { value: events.table.tableName });
    new CfnOutput(this, 'SnapshotsTableName', { value: events.snapshotTable!.tableName });
    new CfnOutput(this, 'IdempotencyTableName', { value: events.idempotencyTable!.tableName });
    new CfnOutput(this, 'ReadModelTableName', { value: projections.readModelTable.tableName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: projections.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ProjectionFunctionName', { value: projections.function.functionName });
    new CfnOutput(this, 'FeedTableName', { value: feed.feedTable.tableName });
    new CfnOutput(this, 'LargeTransfersDeadLetterQueueUrl', {
      value: largeTransfers.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'FeedDeadLetterQueueUrl', { value: feed.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'BankPublicTopicArn', { value: fraudWatch.topic.topicArn });
    new CfnOutput(this, 'FraudWatchTableName', { value: fraudWatch.table.tableName });
  }
}
