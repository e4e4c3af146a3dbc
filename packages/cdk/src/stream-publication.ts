import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { readModelTableDefinition } from '@dynamo-es/projections';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { IamActions } from './actions.js';
import { DynamoEsFunction, type DynamoEsFunctionProps } from './dynamo-es-function.js';
import { type EventSourceSettings, mappingSettings } from './event-source-settings.js';
import type { EventStoreTable } from './event-store-table.js';
import { grantSink, type PublicationSink, sinkEnvironment } from './publication-sink.js';
import {
  eventsStreamMapping,
  isFunction,
  type ProjectionAlarmProps,
  type StreamAlarms,
  streamAlarms,
  streamDeadLetterQueue,
} from './stream-mapping.js';
import { tableFromDefinition } from './table-from-definition.js';

/**
 * Environment variables through which the publisher function learns its tables and claim-check
 * bucket; the sink's is in `PublicationSinkEnvironment`, by sink kind.
 */
export const PublicationEnvironment = {
  EventsTable: 'EVENTS_TABLE_NAME',
  CheckpointTable: 'CHECKPOINT_TABLE_NAME',
  ClaimCheckBucket: 'CLAIM_CHECK_BUCKET_NAME',
} as const;

/** The default key prefix of `s3ClaimCheck` in `@dynamo-es/publisher`. */
const CLAIM_CHECK_PREFIX = 'dynamo-es/claim-checks/';

export interface StreamPublicationProps extends EventSourceSettings {
  /** The events table whose stream feeds the publication. */
  readonly eventStore: EventStoreTable;
  /**
   * The publisher's handler: the props of a {@link DynamoEsFunction} (at least `entry`, a module
   * exporting `publisher.streamHandler(...)`), or a function you built.
   */
  readonly handler: DynamoEsFunctionProps | lambda.IFunction;
  /** Where the messages go: a Kinesis stream, an SNS topic, an SQS queue or an EventBridge bus. */
  readonly sink: PublicationSink;
  /**
   * The table of the publication's checkpoints and dead letters (the publisher's `tableName`, a
   * read-model table; it may be the projections' one). Default: one from `readModelTableDefinition`,
   * retained: a stack without them would publish the stream's last 24 hours again.
   */
  readonly checkpointTable?: dynamodb.ITable;
  /** Default: `readModelTableDefinition` of `@dynamo-es/projections`. Override only to test. */
  readonly checkpointTableDefinition?: CreateTableCommandInput;
  /** Where `s3ClaimCheck` stores messages over the sink's entry limit. Default: none. */
  readonly claimCheckBucket?: s3.IBucket;
  /** The claim check's key prefix (`s3ClaimCheck`'s `prefix`). Default: `dynamo-es/claim-checks/`. */
  readonly claimCheckPrefix?: string;
  readonly alarms?: ProjectionAlarmProps;
}

/**
 * A publication of `@dynamo-es/publisher` fed by the events table's DynamoDB Stream: the checkpoint
 * table, the function (granted exactly what the publisher's stream handler sends: the sink's one
 * action on the sink, `BatchGetItem` and `PutItem` on the checkpoints, `Query` on the events table to
 * fill gaps, `s3:PutObject` under the claim-check prefix, the stream, the dead-letter queue), and the
 * event source mapping projections use (`ReportBatchItemFailures`, bisection, bounded retries and
 * record age, INSERT-only filter, an encrypted, TLS-only on-failure queue). Alarms on iterator age,
 * function errors and dead letters.
 *
 * @example
 * const publication = new StreamPublication(this, 'BankPublic', {
 *   eventStore: events,
 *   handler: { entry: 'src/lambda/publisher.ts' },
 *   sink: { kind: 'kinesis', stream: new kinesis.Stream(this, 'BankPublicStream') },
 * });
 */
export class StreamPublication extends Construct {
  readonly function: lambda.IFunction;
  readonly checkpointTable: dynamodb.ITable;
  readonly mapping: lambda.EventSourceMapping;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: StreamAlarms;

  constructor(scope: Construct, id: string, props: StreamPublicationProps) {
    super(scope, id);
    const settings = mappingSettings('StreamPublication', props);
    const sinkVariables = sinkEnvironment(props.sink);
    const { handler } = props;
    const handlerIsFunction = isFunction('StreamPublication', handler);
    this.checkpointTable =
      props.checkpointTable ??
      tableFromDefinition(
        this,
        'CheckpointTable',
        props.checkpointTableDefinition ?? readModelTableDefinition('publication-checkpoints'),
        { removalPolicy: RemovalPolicy.RETAIN },
      );
    this.function = handlerIsFunction ? handler : this.#createFunction(handler, props, sinkVariables);
    this.deadLetterQueue = streamDeadLetterQueue(this);
    this.#grantHandler(props);
    this.mapping = eventsStreamMapping(this, {
      target: this.function,
      eventStore: props.eventStore,
      settings,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.alarms = streamAlarms(
      this,
      {
        construct: 'StreamPublication',
        function: this.function,
        deadLetterQueue: this.deadLetterQueue,
        subject: 'The publication',
        remedy: 'read the dead-letter queue; the checkpoints keep what was sent',
      },
      props.alarms ?? {},
    );
  }

  #createFunction(
    handler: DynamoEsFunctionProps,
    props: StreamPublicationProps,
    sinkVariables: Record<string, string>,
  ): lambda.IFunction {
    return new DynamoEsFunction(this, 'Handler', {
      description: 'dynamo-es publisher: publishes the events stream to its sink',
      timeout: Duration.seconds(60),
      ...handler,
      environment: {
        [PublicationEnvironment.EventsTable]: props.eventStore.table.tableName,
        [PublicationEnvironment.CheckpointTable]: this.checkpointTable.tableName,
        ...sinkVariables,
        ...(props.claimCheckBucket
          ? { [PublicationEnvironment.ClaimCheckBucket]: props.claimCheckBucket.bucketName }
          : {}),
        ...handler.environment,
      },
    });
  }

  #grantHandler(props: StreamPublicationProps): void {
    const grantee = this.function;
    grantSink(props.sink, grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...IamActions.publicationCheckpoints],
      resourceArns: [this.checkpointTable.tableArn],
    });
    props.eventStore.grantRead(grantee);
    props.eventStore.grantStreamRead(grantee);
    if (props.claimCheckBucket) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: [...IamActions.claimCheckStore],
        resourceArns: [
          props.claimCheckBucket.arnForObjects(`${props.claimCheckPrefix ?? CLAIM_CHECK_PREFIX}*`),
        ],
      });
    }
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...IamActions.deadLetterSend],
      resourceArns: [this.deadLetterQueue.queueArn],
    });
  }
}
