import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { readModelTableDefinition } from '@dynamo-es/projections';
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

export type { ProjectionAlarmProps } from './stream-mapping.js';

/** Environment variables through which the projection function learns its tables. */
export const ProjectionEnvironment = {
  EventsTable: 'EVENTS_TABLE_NAME',
  ReadModelTable: 'READ_MODEL_TABLE_NAME',
} as const;

export interface StreamProjectionProps extends EventSourceSettings {
  /** The events table whose stream feeds the projections. */
  readonly eventStore: EventStoreTable;
  /**
   * The projection handler: the props of a {@link DynamoEsFunction} (at least `entry`, a module
   * exporting `readModels.streamHandler(...)`), or a function you built.
   */
  readonly handler: DynamoEsFunctionProps | lambda.IFunction;
  /** The read-model table. Default: one from `readModelTableDefinition`, destroyed with the stack (rebuilt from the events). */
  readonly readModelTable?: dynamodb.ITable;
  /** Default: `readModelTableDefinition` of `@dynamo-es/projections`. Override only to test. */
  readonly readModelTableDefinition?: CreateTableCommandInput;
  readonly alarms?: ProjectionAlarmProps;
}

/**
 * Projections fed by the events table's DynamoDB Stream, as `@dynamo-es/projections` expects them:
 * the read-model table, the function (granted exactly what the projection handler sends: read-model
 * writes, `Query` on the events table to fill gaps, the stream, the dead-letter queue), and an event
 * source mapping with `ReportBatchItemFailures`, bisection, bounded retries and record age, a
 * batching window, a parallelization factor and an INSERT-only filter, handing what it gives up on
 * to an encrypted, TLS-only SQS queue. Alarms on iterator age, function errors and dead letters.
 *
 * @example
 * const projections = new StreamProjection(this, 'Projections', {
 *   eventStore: events,
 *   handler: { entry: 'src/lambda/projections.ts' },
 * });
 * projections.grantReadModelRead(queryFunction);
 */
export class StreamProjection extends Construct {
  readonly function: lambda.IFunction;
  readonly readModelTable: dynamodb.ITable;
  readonly mapping: lambda.EventSourceMapping;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: StreamAlarms;

  constructor(scope: Construct, id: string, props: StreamProjectionProps) {
    super(scope, id);
    const settings = mappingSettings('StreamProjection', props);
    this.readModelTable =
      props.readModelTable ??
      tableFromDefinition(
        this,
        'ReadModelTable',
        props.readModelTableDefinition ?? readModelTableDefinition('read-models'),
        { removalPolicy: RemovalPolicy.DESTROY },
      );
    this.function = isFunction('StreamProjection', props.handler)
      ? props.handler
      : new DynamoEsFunction(this, 'Handler', {
          description: 'dynamo-es projections: applies the events stream to the read models',
          timeout: Duration.seconds(60),
          ...props.handler,
          environment: {
            [ProjectionEnvironment.EventsTable]: props.eventStore.table.tableName,
            [ProjectionEnvironment.ReadModelTable]: this.readModelTable.tableName,
            ...props.handler.environment,
          },
        });
    this.deadLetterQueue = streamDeadLetterQueue(this);
    this.#grantHandler(props.eventStore);
    this.mapping = eventsStreamMapping(this, {
      target: this.function,
      eventStore: props.eventStore,
      settings,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.alarms = streamAlarms(
      this,
      {
        construct: 'StreamProjection',
        function: this.function,
        deadLetterQueue: this.deadLetterQueue,
        subject: 'Projections',
        remedy: 'read the dead-letter queue and replay or rebuild',
      },
      props.alarms ?? {},
    );
  }

  /** Lets a query side read the read models (`GetItem`), as `readModels.reader(...).get` does. */
  grantReadModelRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...IamActions.readModelRead],
      resourceArns: [this.readModelTable.tableArn],
    });
  }

  #grantHandler(eventStore: EventStoreTable): void {
    const grantee = this.function;
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...IamActions.projectionWrite],
      resourceArns: [this.readModelTable.tableArn],
    });
    eventStore.grantRead(grantee);
    eventStore.grantStreamRead(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...IamActions.deadLetterSend],
      resourceArns: [this.deadLetterQueue.queueArn],
    });
  }
}
