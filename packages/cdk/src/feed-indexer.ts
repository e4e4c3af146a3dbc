import { feedTableDefinition } from '@dynamo-es/feed';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { IamActions } from './actions.js';
import { DynamoEsFunction, type DynamoEsFunctionProps } from './dynamo-es-function.js';
import { type EventSourceSettings, mappingSettings } from './event-source-settings.js';
import type { EventStoreTable } from './event-store-table.js';
import {
  eventsStreamMapping,
  isFunction,
  type ProjectionAlarmProps,
  type StreamAlarms,
  streamAlarms,
  streamDeadLetterQueue,
} from './stream-mapping.js';
import { tableFromDefinition } from './table-from-definition.js';

/** Environment variables through which the indexer function learns its tables. */
export const FeedEnvironment = {
  EventsTable: 'EVENTS_TABLE_NAME',
  FeedTable: 'FEED_TABLE_NAME',
} as const;

export interface FeedIndexerProps extends EventSourceSettings {
  /** The events table whose stream the indexer reads. */
  readonly eventStore: EventStoreTable;
  /**
   * The indexer: the props of a {@link DynamoEsFunction} (at least `entry`, a module exporting the
   * `createFeedIndexer` handler), or a function you built.
   */
  readonly handler: DynamoEsFunctionProps | lambda.IFunction;
  /** The feed table. Default: one from `feedTableDefinition`, retained, with point-in-time recovery. */
  readonly feedTable?: dynamodb.ITable;
  /**
   * Default `RETAIN`: the feed can be rebuilt from the events table (`rebuildFeed`), but that is a
   * full scan, and the table holds the subscriptions' checkpoints.
   */
  readonly removalPolicy?: RemovalPolicy;
  readonly alarms?: ProjectionAlarmProps;
}

/**
 * The feed of `@dynamo-es/feed`: its table, the indexer function on the events table's stream
 * (granted exactly what the indexer sends: the feed table's items, `BatchGetItem` on the events
 * table for gap fills, the stream, the dead-letter queue), and an event source mapping with
 * `ReportBatchItemFailures`, bisection, bounded retries and record age and an INSERT-only filter.
 * The parallelization factor defaults to 1: concurrent indexers stay exact, but race for the one
 * next position. Alarms on iterator age (the indexer's lag), errors and dead letters.
 *
 * @example
 * const feed = new FeedIndexer(this, 'Feed', { eventStore: events, handler: { entry: 'src/lambda/feed-indexer.ts' } });
 * feed.grantRead(auditFunction);
 */
export class FeedIndexer extends Construct {
  readonly function: lambda.IFunction;
  readonly feedTable: dynamodb.ITable;
  readonly mapping: lambda.EventSourceMapping;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: StreamAlarms;
  readonly #eventStore: EventStoreTable;

  constructor(scope: Construct, id: string, props: FeedIndexerProps) {
    super(scope, id);
    const settings = mappingSettings('FeedIndexer', { parallelizationFactor: 1, ...props });
    this.#eventStore = props.eventStore;
    this.feedTable =
      props.feedTable ??
      tableFromDefinition(this, 'FeedTable', feedTableDefinition('events-feed'), {
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
        pointInTimeRecovery: true,
      });
    this.function = isFunction('FeedIndexer', props.handler)
      ? props.handler
      : new DynamoEsFunction(this, 'Handler', {
          description: 'dynamo-es feed indexer: gives every event of the events table its global position',
          timeout: Duration.seconds(60),
          ...props.handler,
          environment: {
            [FeedEnvironment.EventsTable]: props.eventStore.table.tableName,
            [FeedEnvironment.FeedTable]: this.feedTable.tableName,
            ...props.handler.environment,
          },
        });
    this.deadLetterQueue = streamDeadLetterQueue(this);
    const grantee = this.function;
    this.#grant(grantee, IamActions.feedIndex, [this.feedTable.tableArn]);
    this.#grant(grantee, IamActions.feedGapFill, [props.eventStore.table.tableArn]);
    props.eventStore.grantStreamRead(grantee);
    this.#grant(grantee, IamActions.deadLetterSend, [this.deadLetterQueue.queueArn]);
    this.mapping = eventsStreamMapping(this, {
      target: this.function,
      eventStore: props.eventStore,
      settings,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.alarms = streamAlarms(
      this,
      {
        construct: 'FeedIndexer',
        function: this.function,
        deadLetterQueue: this.deadLetterQueue,
        subject: 'The feed indexer',
        remedy: 'run validateFeed, then rebuildFeed to repair',
      },
      props.alarms ?? {},
    );
  }

  /** Lets a reader use the feed (`readAll`, `readEntries`, `headPosition`, `streamPosition`). */
  grantRead(grantee: iam.IGrantable): void {
    this.#grant(grantee, IamActions.feedRead, [this.feedTable.tableArn]);
    this.#grant(grantee, IamActions.feedEventsRead, [this.#eventStore.table.tableArn]);
  }

  /** Lets a subscription run: {@link grantRead} and saving its checkpoint (`UpdateItem`). */
  grantSubscribe(grantee: iam.IGrantable): void {
    this.grantRead(grantee);
    this.#grant(grantee, IamActions.feedCheckpoint, [this.feedTable.tableArn]);
  }

  #grant(grantee: iam.IGrantable, actions: readonly string[], resourceArns: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns });
  }
}
